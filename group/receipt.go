package group

import (
	"context"
	"fmt"
	"iter"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// Read-receipt limits.
const (
	// MaxReceiptsPerCall caps group_msg_receipt's MsgSeqList.
	MaxReceiptsPerCall = 50
	// MaxReceiptDetailPageSize caps get_group_msg_receipt_detail's Count.
	MaxReceiptDetailPageSize = 200
)

type msgSeq struct {
	MsgSeq uint64 `json:"MsgSeq"`
}

func seqList(field string, seqs []uint64) ([]msgSeq, error) {
	if len(seqs) == 0 {
		return nil, wire.Invalid(field, "no MsgSeq given")
	}
	out := make([]msgSeq, len(seqs))
	for i, q := range seqs {
		if q == 0 {
			return nil, wire.Invalid(fmt.Sprintf("%s[%d].MsgSeq", field, i), "is 0: group sequence numbers start at 1")
		}
		out[i] = msgSeq{q}
	}
	return out, nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epReceipt = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/group_msg_receipt", Safety: api.Idempotent})

// ReportRead sends read receipts for group messages on behalf of reader,
// a member, in calls of MaxReceiptsPerCall (the messages must have asked
// for a receipt). Reporting a message twice is harmless.
//
// REST: v4/group_open_http_svc/group_msg_receipt
func (s *Service) ReportRead(ctx context.Context, groupID, reader string, msgSeqs []uint64) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserID("From_Account", reader); err != nil {
		return err
	}
	list, err := seqList("MsgSeqList", msgSeqs)
	if err != nil {
		return err
	}
	return wire.Chunks(len(list), MaxReceiptsPerCall, func(lo, hi int) error {
		req := struct {
			GroupID     string   `json:"GroupId"`
			FromAccount string   `json:"From_Account"`
			MsgSeqList  []msgSeq `json:"MsgSeqList"`
		}{groupID, reader, list[lo:hi]}
		var resp envelope
		return batchErr(s.d.Do(ctx, epReceipt, &req, &resp), "messages", lo, hi, len(list), MaxReceiptsPerCall)
	})
}

// Receipt is the read count of one group message.
type Receipt struct {
	MsgSeq    uint64
	ReadNum   int
	UnreadNum int
	// Code is Tencent's per-message result (0 = found; 10062: the message
	// has no receipt information); see Err.
	Code int
}

// A read: a resend changes nothing.
var epGetReceipt = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_msg_receipt", Safety: api.Idempotent})

// Err returns nil when the receipt was found, else an *APIError with the
// per-message code.
func (r *Receipt) Err() error {
	if r.Code == 0 {
		return nil
	}
	return &api.Error{Op: epGetReceipt.Path, HTTPStatus: 200, Code: r.Code}
}

// Receipts reads how many members have and have not read each of the
// given group messages. A message without receipt information is reported
// through its Receipt.Code, not as an error.
//
// REST: v4/group_open_http_svc/get_group_msg_receipt
func (s *Service) Receipts(ctx context.Context, groupID string, msgSeqs []uint64) ([]Receipt, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	list, err := seqList("MsgSeqList", msgSeqs)
	if err != nil {
		return nil, err
	}
	req := struct {
		GroupID    string   `json:"GroupId"`
		MsgSeqList []msgSeq `json:"MsgSeqList"`
	}{groupID, list}
	var resp struct {
		envelope
		GroupMsgReceiptList []struct {
			MsgSeq    wire.FlexUint64 `json:"MsgSeq"`
			ReadNum   wire.FlexInt    `json:"ReadNum"`
			UnreadNum wire.FlexInt    `json:"UnreadNum"`
			Code      wire.FlexInt    `json:"Code"`
		} `json:"GroupMsgReceiptList"`
	}
	if err := s.d.Do(ctx, epGetReceipt, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]Receipt, len(resp.GroupMsgReceiptList))
	for i, r := range resp.GroupMsgReceiptList {
		out[i] = Receipt{MsgSeq: uint64(r.MsgSeq), ReadNum: int(r.ReadNum), UnreadNum: int(r.UnreadNum), Code: int(r.Code)}
	}
	return out, nil
}

// ReceiptFilter picks the readers or the non-readers of a message.
type ReceiptFilter int

// Receipt detail filters (get_group_msg_receipt_detail's Filter).
const (
	// ReadMembers lists the members who have read the message.
	ReadMembers ReceiptFilter = 0
	// UnreadMembers lists the members who have not.
	UnreadMembers ReceiptFilter = 1
)

// ReceiptDetailRequest names the message whose readers (or non-readers)
// to list.
type ReceiptDetailRequest struct {
	GroupID string
	MsgSeq  uint64
	Filter  ReceiptFilter
	// PageSize is the Count of each call (default and maximum
	// MaxReceiptDetailPageSize).
	PageSize int
}

// ReceiptDetailPage is one get_group_msg_receipt_detail answer.
type ReceiptDetailPage struct {
	// Members are the UserIDs of this page (readers or non-readers, as
	// asked).
	Members []string
	// Cursor is the position of the following page.
	Cursor string
	// Done is true when there are no more pages (IsFinish is 1, or the
	// Cursor is "" or "0").
	Done bool
}

// A read: a resend changes nothing.
var epReceiptDetail = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_msg_receipt_detail", Safety: api.Idempotent})

// ReceiptDetailPage reads one page of a message's readers or non-readers
// from cursor ("" first).
//
// REST: v4/group_open_http_svc/get_group_msg_receipt_detail
func (s *Service) ReceiptDetailPage(ctx context.Context, r ReceiptDetailRequest, cursor string) (*ReceiptDetailPage, error) {
	if err := checkGroupRef("GroupId", r.GroupID); err != nil {
		return nil, err
	}
	if r.MsgSeq == 0 {
		return nil, wire.Invalid("MsgSeq", "is 0: group sequence numbers start at 1")
	}
	if r.Filter != ReadMembers && r.Filter != UnreadMembers {
		return nil, wire.Invalid("Filter", "must be 0 (read) or 1 (unread), got %d", r.Filter)
	}
	count := r.PageSize
	switch {
	case count == 0:
		count = MaxReceiptDetailPageSize
	case count < 0 || count > MaxReceiptDetailPageSize:
		return nil, wire.Invalid("Count", "%d out of range 1..%d", count, MaxReceiptDetailPageSize)
	}
	req := struct {
		GroupID string        `json:"GroupId"`
		MsgSeq  uint64        `json:"MsgSeq"`
		Filter  ReceiptFilter `json:"Filter"`
		Cursor  string        `json:"Cursor"`
		Count   int           `json:"Count"`
	}{r.GroupID, r.MsgSeq, r.Filter, cursor, count}
	var resp struct {
		envelope
		// IsFinish is what Tencent's examples send ("IsFinish":1 on the last
		// page); the same page's field table spells it IsFinished, so both
		// are read. Source: 拉取群消息已读回执详情_intl_en.md.
		IsFinish   wire.FlexInt    `json:"IsFinish"`
		IsFinished wire.FlexInt    `json:"IsFinished"`
		Cursor     wire.FlexString `json:"Cursor"`
		ReadList   []struct {
			ReadAccount wire.FlexString `json:"Read_Account"`
		} `json:"ReadList"`
		UnreadList []struct {
			UnreadAccount wire.FlexString `json:"Unread_Account"`
		} `json:"UnreadList"`
	}
	if err := s.d.Do(ctx, epReceiptDetail, &req, &resp); err != nil {
		return nil, err
	}
	// Finished when Tencent says so, or when it gives no cursor to go on
	// ("" or "0": the last page of the documented example carries
	// "IsFinish":1,"Cursor":"0").
	done := resp.IsFinish == 1 || resp.IsFinished == 1 || resp.Cursor == "" || resp.Cursor == "0"
	p := &ReceiptDetailPage{Cursor: string(resp.Cursor), Done: done}
	for _, m := range resp.ReadList {
		p.Members = append(p.Members, string(m.ReadAccount))
	}
	for _, m := range resp.UnreadList {
		p.Members = append(p.Members, string(m.UnreadAccount))
	}
	return p, nil
}

// ReceiptDetail iterates over all readers (or non-readers) of a group
// message, page by page. An error ends the iteration (yielded once, with
// an empty UserID); a page that is not the last but repeats the cursor it
// was fetched with ends it with an error matching api.ErrCursorStuck.
//
// REST: v4/group_open_http_svc/get_group_msg_receipt_detail
func (s *Service) ReceiptDetail(ctx context.Context, r ReceiptDetailRequest) iter.Seq2[string, error] {
	return pager.Walk("group: receipt detail", "", func(cursor string) (pager.Page[string, string], error) {
		p, err := s.ReceiptDetailPage(ctx, r, cursor)
		if err != nil {
			return pager.Page[string, string]{}, err
		}
		return pager.Page[string, string]{Items: p.Members, Next: p.Cursor, Done: p.Done}, nil
	})
}

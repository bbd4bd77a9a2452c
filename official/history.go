package official

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// HistoryQuery selects a page of an official account's message history.
type HistoryQuery struct {
	// LastMsgKey is the LastMsgKey of the previous page; "" reads the
	// newest messages. Tencent answers the messages earlier than it.
	LastMsgKey string
	// Number is how many messages to read (ReqMsgNumber); 0 sends none and
	// leaves the count to Tencent. The page states no maximum.
	Number int
	// WithRecalled asks for recalled messages too (WithRecalledMsg 1).
	WithRecalled bool
}

// HistoryMessage is one message of an official account's history.
type HistoryMessage struct {
	// From is the sender (From_Account).
	From string
	// Placeholder reports IsPlaceMsg 1: the message of this Seq expired,
	// failed to be stored or was deleted, and carries no body.
	Placeholder bool
	// Body is the message's content.
	Body message.Body
	// Seq is the message's sequence number (MsgSeq); later messages have
	// larger ones.
	Seq uint64
	// MsgKey identifies the message ("Seq_1_ServerTime"), as Recall takes it.
	MsgKey string
	// Time is when the server received it (MsgTimeStamp).
	Time time.Time
}

// HistoryPage is one answer of official_account_msg_get_simple.
type HistoryPage struct {
	// Messages of this page.
	Messages []HistoryMessage
	// LastMsgKey is what the next (earlier) page is read from.
	LastMsgKey string
	// IsFinished is the answer's IsFinished as Tencent sends it: the
	// readable part of the page shows the value 1 in its example but not
	// its meaning, so the SDK does not interpret it.
	IsFinished int
}

type historyResp struct {
	api.Envelope
	IsFinished wire.FlexInt    `json:"IsFinished"`
	LastMsgKey wire.FlexString `json:"LastMsgKey"`
	RspMsgList []struct {
		From         wire.FlexString `json:"From_Account"`
		IsPlaceMsg   wire.FlexInt    `json:"IsPlaceMsg"`
		MsgBody      message.Body    `json:"MsgBody"`
		MsgSeq       wire.FlexUint64 `json:"MsgSeq"`
		MsgKey       wire.FlexString `json:"MsgKey"`
		MsgTimeStamp wire.FlexInt    `json:"MsgTimeStamp"`
	} `json:"RspMsgList"`
}

// A read: a resend changes nothing.
var epHistory = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/official_account_msg_get_simple", Safety: api.Idempotent})

// HistoryPage reads one page of the official account's message history:
// the newest messages, or those earlier than q.LastMsgKey.
//
// REST: v4/official_account_open_http_svc/official_account_msg_get_simple
func (s *Service) HistoryPage(ctx context.Context, id string, q HistoryQuery) (*HistoryPage, error) {
	if err := CheckID("Official_Account", id); err != nil {
		return nil, err
	}
	if q.Number < 0 {
		return nil, wire.Invalid("ReqMsgNumber", "%d is negative", q.Number)
	}
	req := struct {
		ID           string `json:"Official_Account"`
		LastMsgKey   string `json:"LastMsgKey,omitempty"`
		ReqMsgNumber int    `json:"ReqMsgNumber,omitempty"`
		WithRecalled int    `json:"WithRecalledMsg,omitempty"`
	}{id, q.LastMsgKey, q.Number, wire.BoolInt(q.WithRecalled)}
	var resp historyResp
	if err := s.d.Do(ctx, epHistory, &req, &resp); err != nil {
		return nil, err
	}
	p := &HistoryPage{Messages: make([]HistoryMessage, len(resp.RspMsgList)), LastMsgKey: string(resp.LastMsgKey), IsFinished: int(resp.IsFinished)}
	for i, m := range resp.RspMsgList {
		p.Messages[i] = HistoryMessage{From: string(m.From), Placeholder: m.IsPlaceMsg == 1, Body: m.MsgBody,
			Seq: uint64(m.MsgSeq), MsgKey: string(m.MsgKey), Time: wire.UnixTime(int64(m.MsgTimeStamp))}
	}
	return p, nil
}

// History iterates over the official account's message history from the
// newest page to the oldest, number messages a page (0: Tencent's count),
// each page read from the previous page's LastMsgKey. It ends on a page
// without messages or without a LastMsgKey (IsFinished is not interpreted,
// see HistoryPage). An error ends the iteration (yielded once; a later
// page's error names the page); a LastMsgKey equal to the one the page was
// read from ends it with an error matching api.ErrCursorStuck
// (tim.ErrCursorStuck).
//
// REST: v4/official_account_open_http_svc/official_account_msg_get_simple
func (s *Service) History(ctx context.Context, id string, number int, withRecalled bool) iter.Seq2[HistoryMessage, error] {
	return pager.Walk("official: history", "", func(key string) (pager.Page[HistoryMessage, string], error) {
		p, err := s.HistoryPage(ctx, id, HistoryQuery{LastMsgKey: key, Number: number, WithRecalled: withRecalled})
		if err != nil {
			return pager.Page[HistoryMessage, string]{}, err
		}
		return pager.Page[HistoryMessage, string]{Items: p.Messages, Next: p.LastMsgKey, Done: len(p.Messages) == 0 || p.LastMsgKey == ""}, nil
	})
}

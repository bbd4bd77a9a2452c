package message

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/dedupkey"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// ImportMode is importmsg's SyncFromOldSystem.
type ImportMode int

// Import modes.
const (
	// ImportHistory (2): history import; no unread count, no push.
	ImportHistory ImportMode = 2
	// ImportRealtime (5): realtime import during a migration; counts as
	// unread and is pushed.
	ImportRealtime ImportMode = 5
)

// ImportC2CRequest is one historical C2C message to import.
type ImportC2CRequest struct {
	// Mode is SyncFromOldSystem (default ImportHistory).
	Mode ImportMode
	From string // From_Account
	To   string // To_Account
	// Time is the message's original time (MsgTimeStamp; required).
	Time time.Time
	Body Body
	// CloudCustomData is stored with the message.
	CloudCustomData string
	// Seq and Random are MsgSeq and MsgRandom: dedup keys, sent as
	// openim's 32-bit MsgSeq and MsgRandom, so both stay uint32 (as
	// Message.Seq; HistoryMessage reports the MsgSeq back widened to
	// uint64). Tencent treats two imports
	// with the same Seq, Random and Time in one conversation as the same
	// message (whatever the content), so keep the originals' values, or let
	// ImportC2C draw them (it writes them back here). Keys ImportC2C drew
	// are bound to From, To, Time, Body and CloudCustomData: importing the
	// same request unchanged reuses them (a safe resend), changing any of
	// those (a request value reused for the next message) draws fresh ones.
	// Keys you set are always sent as they are: their uniqueness is yours.
	Seq    uint32
	Random uint32

	keys dedupkey.Binding
}

// Resent with the same MsgRandom and MsgTimeStamp, by which Tencent
// recognises an imported message.
var epImportC2C = catalog.Declare(api.Endpoint{Path: "openim/importmsg", Safety: api.Deduped, DedupWindow: api.C2CDedupWindow})

// ImportC2C imports one C2C message into history (migration from another
// system). It triggers no callbacks. Resends are deduplicated by Tencent on
// (MsgSeq, MsgRandom, MsgTimeStamp), so the transport retries it safely;
// see ImportC2CRequest.Seq for how the keys are chosen.
//
// REST: v4/openim/importmsg
func (s *Service) ImportC2C(ctx context.Context, r *ImportC2CRequest) error {
	mode, body, err := r.check()
	if err != nil {
		return err
	}
	fp := dedupkey.New().Str(r.From).Str(r.To).U64(uint64(r.Time.Unix())).Bytes(body).Str(r.CloudCustomData)
	r.keys.Fix(uint64(fp), &r.Random, &r.Seq, dedupkey.NonZero)
	req := struct {
		SyncFromOldSystem ImportMode      `json:"SyncFromOldSystem"`
		From              string          `json:"From_Account"`
		To                string          `json:"To_Account"`
		MsgSeq            uint32          `json:"MsgSeq"`
		MsgRandom         uint32          `json:"MsgRandom"`
		MsgTimeStamp      int64           `json:"MsgTimeStamp"`
		MsgBody           json.RawMessage `json:"MsgBody"`
		CloudCustomData   string          `json:"CloudCustomData,omitempty"`
	}{mode, r.From, r.To, r.Seq, r.Random, r.Time.Unix(), body, r.CloudCustomData}
	var resp envelope
	return s.d.Do(ctx, epImportC2C, &req, &resp)
}

// check validates the request: its mode (default ImportHistory) and
// encoded body, or an *api.InvalidInputError.
func (r *ImportC2CRequest) check() (ImportMode, json.RawMessage, error) {
	if r == nil {
		return 0, nil, wire.Invalid("request", "is nil")
	}
	if err := wire.CheckUserID("From_Account", r.From); err != nil {
		return 0, nil, err
	}
	if err := wire.CheckUserID("To_Account", r.To); err != nil {
		return 0, nil, err
	}
	mode := r.Mode
	if mode == 0 {
		mode = ImportHistory
	}
	if mode != ImportHistory && mode != ImportRealtime {
		return 0, nil, wire.Invalid("SyncFromOldSystem", "%d is neither 2 (history) nor 5 (realtime)", mode)
	}
	if r.Time.IsZero() {
		return 0, nil, wire.Invalid("MsgTimeStamp", "is required: the message's original time")
	}
	body, err := checkBody(r.Body)
	if err != nil {
		return 0, nil, err
	}
	return mode, body, nil
}

// MaxImportGroupPerCall is import_group_msg's cap per call.
const MaxImportGroupPerCall = 7

// ImportGroupMsg is one historical group message.
type ImportGroupMsg struct {
	From string    // From_Account (required)
	Time time.Time // SendTime (required)
	// Random is optional.
	Random uint32
	Body   Body
}

// ImportGroupRequest imports messages into a group's history. Messages must
// be in ascending time order, earlier than now and later than the group's
// creation and its latest message. Importing sets every member's unread
// count to 0.
type ImportGroupRequest struct {
	GroupID string // GroupId
	// UpdateConversations sets RecentContactFlag 1 (not for AVChatRoom or
	// communities).
	UpdateConversations bool
	Messages            []ImportGroupMsg
	// TopicID is the community topic (TopicId), if any.
	TopicID string
}

// ImportGroupResult is Tencent's answer for one imported message.
type ImportGroupResult struct {
	// MsgSeq is the group sequence number the message got.
	MsgSeq uint64
	// MsgTime is the message's time (Unix seconds on the wire); zero when
	// Tencent sent none.
	MsgTime time.Time
	// Result is 0 on success (Tencent's per-message result code).
	Result int
}

// Tencent documents no dedup for imported group messages: a resend could
// import them twice.
var epImportGroupMsgs = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/import_group_msg", Safety: api.Unsafe})

// ImportGroup imports group messages, 7 per call (Tencent's cap), in
// order. A call failure stops the import and returns what was imported so
// far with the error. The API documents no dedup rule, so a call whose
// answer is lost is not resent automatically. WithImportProgress reports
// how far it got after each call.
//
// REST: v4/group_open_http_svc/import_group_msg
func (s *Service) ImportGroup(ctx context.Context, r ImportGroupRequest, opts ...ImportOption) ([]ImportGroupResult, error) {
	cfg := importOptions(opts)
	if r.GroupID == "" {
		return nil, wire.Invalid("GroupId", "is empty")
	}
	if len(r.Messages) == 0 {
		return nil, wire.Invalid("MsgList", "is empty")
	}
	type item struct {
		From     string          `json:"From_Account"`
		SendTime int64           `json:"SendTime"`
		Random   uint32          `json:"Random,omitempty"`
		MsgBody  json.RawMessage `json:"MsgBody"`
	}
	items := make([]item, len(r.Messages))
	var prev time.Time
	for i, m := range r.Messages {
		field := "MsgList[" + strconv.Itoa(i) + "]"
		if err := wire.CheckUserID(field+".From_Account", m.From); err != nil {
			return nil, err
		}
		if m.Time.IsZero() {
			return nil, wire.Invalid(field+".SendTime", "is required")
		}
		if m.Time.Before(prev) {
			return nil, wire.Invalid(field+".SendTime", "%v is before the previous message: import in ascending time order", m.Time)
		}
		prev = m.Time
		body, err := checkBody(m.Body)
		if err != nil {
			var ie *api.InvalidInputError
			if errors.As(err, &ie) {
				return nil, wire.Invalid(field+"."+ie.Field, "%s", ie.Reason)
			}
			return nil, err
		}
		items[i] = item{m.From, m.Time.Unix(), m.Random, body}
	}
	var out []ImportGroupResult
	for lo := 0; lo < len(items); lo += MaxImportGroupPerCall {
		hi := min(lo+MaxImportGroupPerCall, len(items))
		req := struct {
			GroupID           string `json:"GroupId"`
			RecentContactFlag int    `json:"RecentContactFlag,omitempty"`
			MsgList           []item `json:"MsgList"`
			TopicID           string `json:"TopicId,omitempty"`
		}{r.GroupID, wire.BoolInt(r.UpdateConversations), items[lo:hi], r.TopicID}
		var resp struct {
			envelope
			ImportMsgResult []struct {
				MsgSeq  wire.FlexUint64 `json:"MsgSeq"`
				MsgTime wire.FlexInt    `json:"MsgTime"`
				Result  wire.FlexInt    `json:"Result"`
			} `json:"ImportMsgResult"`
		}
		if err := s.d.Do(ctx, epImportGroupMsgs, &req, &resp); err != nil {
			return out, fmt.Errorf("tim: importing messages %d..%d of %d: %w", lo, hi-1, len(items), err)
		}
		for _, it := range resp.ImportMsgResult {
			out = append(out, ImportGroupResult{MsgSeq: uint64(it.MsgSeq), MsgTime: wire.UnixTime(int64(it.MsgTime)), Result: int(it.Result)})
		}
		cfg.report(hi, len(items))
	}
	return out, nil
}

// HistoryMessage is one C2C message from roaming history.
type HistoryMessage struct {
	From string
	To   string
	// MsgSeq is the MsgSeq the message was sent with (for a message sent
	// by this package, its Message.Seq).
	MsgSeq uint64
	// MsgRandom is the message's MsgRandom (a dedup key).
	MsgRandom uint32
	// MsgTimeStamp is the message's time (Unix seconds on the wire); zero
	// when Tencent sent none.
	MsgTimeStamp    time.Time
	MsgFlagBits     int
	IsPeerRead      bool
	MsgKey          string
	Body            Body
	CloudCustomData string
}

type historyWire struct {
	From            wire.FlexString `json:"From_Account"`
	To              wire.FlexString `json:"To_Account"`
	MsgSeq          wire.FlexUint64 `json:"MsgSeq"`
	MsgRandom       wire.FlexInt    `json:"MsgRandom"`
	MsgTimeStamp    wire.FlexInt    `json:"MsgTimeStamp"`
	MsgFlagBits     wire.FlexInt    `json:"MsgFlagBits"`
	IsPeerRead      wire.FlexInt    `json:"IsPeerRead"`
	MsgKey          wire.FlexString `json:"MsgKey"`
	MsgBody         Body            `json:"MsgBody"`
	CloudCustomData wire.FlexString `json:"CloudCustomData"`
}

// HistoryRequest selects C2C roaming messages between two users, seen from
// Operator's side.
type HistoryRequest struct {
	Operator string // Operator_Account
	Peer     string // Peer_Account
	// Since and Until bound the message time (MinTime, MaxTime; seconds).
	// A zero Until means now.
	Since, Until time.Time
	// PerPage is MaxCnt (default 100).
	PerPage int
	// LastMsgKey continues after a previous page (set by the iterator).
	LastMsgKey string
}

// HistoryPage is one page of C2C history, newest first.
type HistoryPage struct {
	Messages []HistoryMessage
	// Complete is true when no older message is left in the range.
	Complete bool
	// LastMsgTime and LastMsgKey continue the walk: the next request uses
	// Until = LastMsgTime and LastMsgKey = LastMsgKey. LastMsgTime is
	// whole seconds (Unix seconds on the wire), zero when Tencent sent none.
	LastMsgTime time.Time
	LastMsgKey  string
	// MsgCnt is the number of messages Tencent says this page holds
	// ("MsgCnt"; 查询单聊消息_intl_en.md). It may exceed len(Messages) when
	// Tencent drops messages it cannot return.
	MsgCnt int
}

// DefaultHistoryPerPage is the default MaxCnt of a C2C history page.
const DefaultHistoryPerPage = 100

// A read: a resend changes nothing.
var epRoam = catalog.Declare(api.Endpoint{Path: "openim/admin_getroammsg", Safety: api.Idempotent})

// C2CHistoryPage fetches one page of roaming C2C messages.
//
// REST: v4/openim/admin_getroammsg
func (s *Service) C2CHistoryPage(ctx context.Context, r HistoryRequest) (*HistoryPage, error) {
	if err := wire.CheckUserID("Operator_Account", r.Operator); err != nil {
		return nil, err
	}
	if err := wire.CheckUserID("Peer_Account", r.Peer); err != nil {
		return nil, err
	}
	if r.PerPage < 0 {
		return nil, wire.Invalid("MaxCnt", "%d is negative", r.PerPage)
	}
	if r.PerPage == 0 {
		r.PerPage = DefaultHistoryPerPage
	}
	until := r.Until
	if until.IsZero() {
		until = s.now()
	}
	if !r.Since.IsZero() && r.Since.After(until) {
		return nil, wire.Invalid("MinTime", "%v is after MaxTime %v", r.Since, until)
	}
	var since int64
	if !r.Since.IsZero() {
		since = r.Since.Unix()
	}
	req := struct {
		Operator   string `json:"Operator_Account"`
		Peer       string `json:"Peer_Account"`
		MaxCnt     int    `json:"MaxCnt"`
		MinTime    int64  `json:"MinTime"`
		MaxTime    int64  `json:"MaxTime"`
		LastMsgKey string `json:"LastMsgKey,omitempty"`
	}{r.Operator, r.Peer, r.PerPage, since, until.Unix(), r.LastMsgKey}
	var resp struct {
		envelope
		Complete    wire.FlexInt    `json:"Complete"`
		MsgCnt      wire.FlexInt    `json:"MsgCnt"`
		LastMsgTime wire.FlexInt    `json:"LastMsgTime"`
		LastMsgKey  wire.FlexString `json:"LastMsgKey"`
		MsgList     []historyWire   `json:"MsgList"`
	}
	if err := s.d.Do(ctx, epRoam, &req, &resp); err != nil {
		return nil, err
	}
	p := &HistoryPage{
		Complete:    resp.Complete == 1,
		MsgCnt:      int(resp.MsgCnt),
		LastMsgTime: wire.UnixTime(int64(resp.LastMsgTime)),
		LastMsgKey:  string(resp.LastMsgKey),
		Messages:    make([]HistoryMessage, len(resp.MsgList)),
	}
	for i, w := range resp.MsgList {
		p.Messages[i] = HistoryMessage{
			From: string(w.From), To: string(w.To), MsgSeq: uint64(w.MsgSeq), MsgRandom: uint32(w.MsgRandom),
			MsgTimeStamp: wire.UnixTime(int64(w.MsgTimeStamp)), MsgFlagBits: int(w.MsgFlagBits), IsPeerRead: w.IsPeerRead == 1,
			MsgKey: string(w.MsgKey), Body: w.MsgBody, CloudCustomData: string(w.CloudCustomData),
		}
	}
	return p, nil
}

// roamCursor is where a C2C history page starts: MaxTime (Unix seconds)
// and LastMsgKey.
type roamCursor struct {
	until int64
	key   string
}

// C2CHistory iterates over every roaming C2C message of the request's
// range, newest first, fetching pages as needed (LastMsgKey continuation).
// It stops at the first error, which it yields (a later page's error names
// the page); a page that repeats the cursor it was asked with ends the walk
// with an error wrapping api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/openim/admin_getroammsg
func (s *Service) C2CHistory(ctx context.Context, r HistoryRequest) iter.Seq2[*HistoryMessage, error] {
	return func(yield func(*HistoryMessage, error) bool) {
		if r.Until.IsZero() {
			r.Until = s.now()
		}
		first := roamCursor{until: r.Until.Unix(), key: r.LastMsgKey}
		fetch := func(c roamCursor) (pager.Page[*HistoryMessage, roamCursor], error) {
			q := r // the first page as asked (Until keeps its sub-second part)
			if c != first {
				q.Until, q.LastMsgKey = time.Unix(c.until, 0), c.key
			}
			p, err := s.C2CHistoryPage(ctx, q)
			if err != nil {
				return pager.Page[*HistoryMessage, roamCursor]{}, err
			}
			items := make([]*HistoryMessage, len(p.Messages))
			for i := range p.Messages {
				items[i] = &p.Messages[i]
			}
			var until int64
			if !p.LastMsgTime.IsZero() {
				until = p.LastMsgTime.Unix()
			}
			return pager.Page[*HistoryMessage, roamCursor]{
				Items: items,
				Next:  roamCursor{until: until, key: p.LastMsgKey},
				Done:  p.Complete || len(p.Messages) == 0,
			}, nil
		}
		pager.Walk("tim: c2c history", first, fetch)(yield)
	}
}

// MaxGroupHistoryPerCall is group_msg_get_simple's cap on ReqMsgNumber.
const MaxGroupHistoryPerCall = 20

// GroupHistoryRequest selects group messages, walking down from FromSeq.
type GroupHistoryRequest struct {
	GroupID string // GroupId
	// FromSeq is the newest MsgSeq to return (ReqMsgSeq); 0 starts from the
	// group's latest message.
	FromSeq uint64
	// PerPage is ReqMsgNumber (1..20, default 20).
	PerPage int
	// WithRecalled also returns recalled messages (WithRecalledMsg 1).
	WithRecalled bool
	// TopicID is the community topic (TopicId), if any.
	TopicID string
}

// GroupHistoryMessage is one group message from history.
type GroupHistoryMessage struct {
	From string
	// MsgSeq is the message's group sequence number.
	MsgSeq uint64
	// Random is the message's Random (a dedup key).
	Random uint32
	// MsgTime is MsgTimeStamp (Unix seconds on the wire); zero when Tencent
	// sent none.
	MsgTime time.Time
	// Priority is MsgPriority; Tencent may send it as a name or a number.
	Priority string
	// Placeholder (IsPlaceMsg) marks a message that was deleted or expired:
	// it keeps its MsgSeq but has no body.
	Placeholder bool
	// System (IsSystemMsg) marks a system message.
	System bool
	MsgKey string
	Body   Body
}

// GroupHistoryPage is one page of group history.
type GroupHistoryPage struct {
	Messages []GroupHistoryMessage
	// Finished is IsFinished: 1 when the page holds every message of the
	// requested range (0: some were too long to return).
	Finished int
}

// A read: a resend changes nothing.
var epGroupHistory = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/group_msg_get_simple", Safety: api.Idempotent})

// GroupHistoryPage fetches up to 20 messages at or below r.FromSeq.
//
// REST: v4/group_open_http_svc/group_msg_get_simple
func (s *Service) GroupHistoryPage(ctx context.Context, r GroupHistoryRequest) (*GroupHistoryPage, error) {
	if r.GroupID == "" {
		return nil, wire.Invalid("GroupId", "is empty")
	}
	if r.PerPage == 0 {
		r.PerPage = MaxGroupHistoryPerCall
	}
	if r.PerPage < 1 || r.PerPage > MaxGroupHistoryPerCall {
		return nil, wire.Invalid("ReqMsgNumber", "%d out of range 1..%d", r.PerPage, MaxGroupHistoryPerCall)
	}
	req := struct {
		GroupID         string `json:"GroupId"`
		ReqMsgSeq       uint64 `json:"ReqMsgSeq,omitempty"`
		ReqMsgNumber    int    `json:"ReqMsgNumber"`
		WithRecalledMsg int    `json:"WithRecalledMsg,omitempty"`
		TopicID         string `json:"TopicId,omitempty"`
	}{r.GroupID, r.FromSeq, r.PerPage, wire.BoolInt(r.WithRecalled), r.TopicID}
	var resp struct {
		envelope
		IsFinished wire.FlexInt `json:"IsFinished"`
		RspMsgList []struct {
			From         wire.FlexString `json:"From_Account"`
			IsPlaceMsg   wire.FlexInt    `json:"IsPlaceMsg"`
			IsSystemMsg  wire.FlexInt    `json:"IsSystemMsg"`
			MsgPriority  wire.FlexString `json:"MsgPriority"`
			MsgRandom    wire.FlexInt    `json:"MsgRandom"`
			MsgSeq       wire.FlexUint64 `json:"MsgSeq"`
			MsgTimeStamp wire.FlexInt    `json:"MsgTimeStamp"`
			MsgKey       wire.FlexString `json:"MsgKey"`
			MsgBody      Body            `json:"MsgBody"`
		} `json:"RspMsgList"`
	}
	if err := s.d.Do(ctx, epGroupHistory, &req, &resp); err != nil {
		return nil, err
	}
	p := &GroupHistoryPage{Finished: int(resp.IsFinished), Messages: make([]GroupHistoryMessage, len(resp.RspMsgList))}
	for i, w := range resp.RspMsgList {
		p.Messages[i] = GroupHistoryMessage{
			From: string(w.From), MsgSeq: uint64(w.MsgSeq), Random: uint32(w.MsgRandom), MsgTime: wire.UnixTime(int64(w.MsgTimeStamp)),
			Priority: string(w.MsgPriority), Placeholder: w.IsPlaceMsg == 1, System: w.IsSystemMsg == 1,
			MsgKey: string(w.MsgKey), Body: w.MsgBody,
		}
	}
	return p, nil
}

// GroupHistory iterates over a group's messages from r.FromSeq (0: the
// latest) down to the first, 20 per call: each next call asks for the
// sequence below the lowest one seen. Deleted or expired messages come as
// placeholders. It stops at the first error, which it yields (a later
// page's error names the page); a page with nothing at or below the
// sequence asked for ends the walk with an error wrapping
// api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/group_open_http_svc/group_msg_get_simple
func (s *Service) GroupHistory(ctx context.Context, r GroupHistoryRequest) iter.Seq2[*GroupHistoryMessage, error] {
	fetch := func(from uint64) (pager.Page[*GroupHistoryMessage, uint64], error) {
		q := r
		q.FromSeq = from
		p, err := s.GroupHistoryPage(ctx, q)
		if err != nil {
			return pager.Page[*GroupHistoryMessage, uint64]{}, err
		}
		if len(p.Messages) == 0 {
			return pager.Page[*GroupHistoryMessage, uint64]{Done: true}, nil
		}
		items := make([]*GroupHistoryMessage, len(p.Messages))
		lowest := p.Messages[0].MsgSeq
		for i := range p.Messages {
			items[i] = &p.Messages[i]
			lowest = min(lowest, p.Messages[i].MsgSeq)
		}
		next := lowest - 1
		if from != 0 && lowest > from {
			next = from // nothing at or below from: the walk did not move
		}
		return pager.Page[*GroupHistoryMessage, uint64]{Items: items, Next: next, Done: lowest <= 1}, nil
	}
	return pager.Walk("tim: group history", r.FromSeq, fetch)
}

package message

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/jsonenc"
	"github.com/timkit/tim/internal/wire"
)

// Service sends and manages messages. It is safe for concurrent use.
type Service struct {
	d   api.Doer
	now func() time.Time
}

// ServiceOption configures a Service. NewService reports a bad one as an
// *api.InvalidInputError naming it. (Option configures a Message.)
type ServiceOption func(*Service) error

// WithClock sets the clock the service reads "now" from (the end of a
// history request without an Until); default time.Now. tim.New passes the
// client's clock (tim.WithClock).
func WithClock(now func() time.Time) ServiceOption {
	return func(s *Service) error {
		if now == nil {
			return wire.Invalid("WithClock", "nil clock")
		}
		s.now = now
		return nil
	}
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d or a bad option.
func NewService(d api.Doer, opts ...ServiceOption) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("message.NewService", "nil Doer")
	}
	s := &Service{d: d, now: time.Now}
	for i, o := range opts {
		if o == nil {
			return nil, wire.Invalid(fmt.Sprintf("opts[%d]", i), "is a nil ServiceOption")
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// SendResult is what a send returns: the handles later calls need and the
// dedup keys that were sent, so an application-level retry can reuse them.
type SendResult struct {
	// Conversation is the message's conversation type.
	Conversation ConversationType
	// MsgTime is the server time of the message (MsgTime, Unix seconds on
	// the wire); zero when Tencent sent none.
	MsgTime time.Time
	// MsgKey (C2C) identifies the message for recall and modify.
	MsgKey string
	// MsgID (C2C) is Tencent's MsgId.
	MsgID string
	// MsgSeq is the group's server-assigned sequence number (the handle for
	// recall, modify and extensions), or for C2C the MsgSeq that was sent
	// (Message.Seq, widened).
	MsgSeq uint64
	// DropReason (group) is set when frequency control dropped the message;
	// Send then also returns a *DroppedError.
	DropReason string
	// Random is the MsgRandom (C2C) or Random (group) that was sent.
	Random uint32
}

// DroppedError reports a group message that Tencent accepted but dropped
// under frequency control (MsgDropReason). It matches ErrRateLimited:
// resend the same *Message later.
type DroppedError struct {
	GroupID string
	Reason  string
}

// Error implements error.
func (e *DroppedError) Error() string {
	return "tim: group message to " + strconv.Quote(e.GroupID) + " dropped: " + e.Reason
}

// Is matches api.ErrRateLimited (tim.ErrRateLimited).
func (e *DroppedError) Is(target error) bool { return target == api.ErrRateLimited }

// appendC2C encodes the body of sendmsg (to) or batchsendmsg (tos), with
// the keys in the order of Tencent's documentation. It is written by hand
// because it is the hot path; the golden tests pin its output.
//
// body is the encoded MsgBody, already checked (the keys depend on it, and
// a batch encodes it once for all its calls); the keys sent are m's.
func appendC2C(buf []byte, m *Message, to string, tos []string, body []byte) ([]byte, error) {
	buf = append(buf, '{')
	if m.SyncToSender != nil {
		if *m.SyncToSender {
			buf = append(buf, `"SyncOtherMachine":1,`...)
		} else {
			buf = append(buf, `"SyncOtherMachine":2,`...)
		}
	}
	if m.From != "" {
		buf = append(buf, `"From_Account":`...)
		buf = jsonenc.AppendString(buf, m.From)
		buf = append(buf, ',')
	}
	buf = append(buf, `"To_Account":`...)
	if tos == nil {
		buf = jsonenc.AppendString(buf, to)
	} else {
		buf = append(buf, '[')
		for i, id := range tos {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonenc.AppendString(buf, id)
		}
		buf = append(buf, ']')
	}
	if m.Lifetime != nil {
		buf = append(buf, `,"MsgLifeTime":`...)
		buf = strconv.AppendInt(buf, int64(*m.Lifetime/time.Second), 10)
	}
	buf = append(buf, `,"MsgSeq":`...)
	buf = strconv.AppendUint(buf, uint64(m.Seq), 10)
	buf = append(buf, `,"MsgRandom":`...)
	buf = strconv.AppendUint(buf, uint64(m.Random), 10)
	if len(m.ForbidCallback) > 0 {
		buf = append(buf, `,"ForbidCallbackControl":[`...)
		for i, c := range m.ForbidCallback {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonenc.AppendString(buf, string(c))
		}
		buf = append(buf, ']')
	}
	if len(m.SendControl) > 0 {
		buf = append(buf, `,"SendMsgControl":[`...)
		for i, c := range m.SendControl {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonenc.AppendString(buf, string(c))
		}
		buf = append(buf, ']')
	}
	buf = append(buf, `,"MsgBody":`...)
	buf = append(buf, body...)
	if m.CloudCustomData != "" {
		buf = append(buf, `,"CloudCustomData":`...)
		buf = jsonenc.AppendString(buf, m.CloudCustomData)
	}
	if m.SupportExtension {
		buf = append(buf, `,"SupportMessageExtension":1`...)
	}
	if m.OfflinePush != nil {
		p, err := json.Marshal(m.OfflinePush)
		if err != nil {
			return nil, err
		}
		buf = append(buf, `,"OfflinePushInfo":`...)
		buf = append(buf, p...)
	}
	if m.NeedReadReceipt {
		buf = append(buf, `,"IsNeedReadReceipt":1`...)
	}
	if m.OnlineOnly {
		buf = append(buf, `,"OnlineOnlyFlag":1`...)
	}
	return append(buf, '}'), nil
}

type c2cResponse struct {
	envelope
	MsgTime wire.FlexInt    `json:"MsgTime"`
	MsgKey  wire.FlexString `json:"MsgKey"`
	MsgID   wire.FlexString `json:"MsgId"`
}

// groupAt is one GroupAtInfo entry.
type groupAt struct {
	GroupAtAllFlag int    `json:"GroupAtAllFlag"`
	GroupAtAccount string `json:"GroupAt_Account,omitempty"`
}

// groupRequest is the body of send_group_msg.
type groupRequest struct {
	GroupID                 string            `json:"GroupId"`
	Random                  uint32            `json:"Random"`
	MsgPriority             Priority          `json:"MsgPriority,omitempty"`
	MsgBody                 json.RawMessage   `json:"MsgBody"`
	From                    string            `json:"From_Account,omitempty"`
	OfflinePushInfo         *OfflinePushInfo  `json:"OfflinePushInfo,omitempty"`
	ForbidCallbackControl   []CallbackControl `json:"ForbidCallbackControl,omitempty"`
	OnlineOnlyFlag          int               `json:"OnlineOnlyFlag,omitempty"`
	SendMsgControl          []SendControl     `json:"SendMsgControl,omitempty"`
	CloudCustomData         string            `json:"CloudCustomData,omitempty"`
	SupportMessageExtension int               `json:"SupportMessageExtension,omitempty"`
	To                      []string          `json:"To_Account,omitempty"`
	TopicID                 string            `json:"TopicId,omitempty"`
	NeedReadReceipt         int               `json:"NeedReadReceipt,omitempty"`
	GroupAtInfo             []groupAt         `json:"GroupAtInfo,omitempty"`
}

type groupResponse struct {
	envelope
	MsgTime       wire.FlexInt    `json:"MsgTime"`
	MsgSeq        wire.FlexUint64 `json:"MsgSeq"`
	MsgDropReason wire.FlexString `json:"MsgDropReason"`
}

// Tencent drops a resend with the same sender, MsgSeq, MsgRandom and content
// within 120 s; the message keeps its keys across attempts.
var epSendC2C = catalog.Declare(api.Endpoint{Path: "openim/sendmsg", Safety: api.Deduped, DedupWindow: api.C2CDedupWindow})

// Send validates m, settles its dedup keys (see Message and FixKeys) and
// sends it to its user or group. A timeout or a transient failure is
// retried with the byte-identical request, inside Tencent's dedup window;
// sending the same *Message again unchanged reuses the same keys too,
// while a message changed since its last send (another To, From, body, …)
// goes out with fresh keys. The keys sent are in the SendResult.
//
// REST: v4/openim/sendmsg (C2C), v4/group_open_http_svc/send_group_msg (group)
func (s *Service) Send(ctx context.Context, m *Message) (*SendResult, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	// The body is encoded first (the keys depend on it) into a pooled
	// buffer that the request then copies.
	bp := bodyBufs.Get().(*[]byte)
	defer bodyBufs.Put(bp)
	body, err := m.Body.appendJSON((*bp)[:0])
	if err != nil {
		return nil, err
	}
	if cap(body) <= 64<<10 {
		*bp = body[:0]
	}
	if err := checkBodySize(len(body)); err != nil {
		return nil, err
	}
	m.fixKeysFor(body)
	if m.Conversation == ConvGroup {
		return s.sendGroup(ctx, m, body)
	}
	req, err := appendC2C(make([]byte, 0, 160+len(body)+len(m.CloudCustomData)), m, m.To, nil, body)
	if err != nil {
		return nil, err
	}
	var resp c2cResponse
	if err := s.d.Do(ctx, epSendC2C, json.RawMessage(req), &resp); err != nil {
		return nil, err
	}
	return &SendResult{
		Conversation: ConvC2C,
		MsgTime:      wire.UnixTime(int64(resp.MsgTime)),
		MsgKey:       string(resp.MsgKey),
		MsgID:        string(resp.MsgID),
		MsgSeq:       uint64(m.Seq),
		Random:       m.Random,
	}, nil
}

// Tencent drops a resend with the same Random and content within 5 minutes;
// the message keeps its Random across attempts.
var epSendGroup = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/send_group_msg", Safety: api.Deduped, DedupWindow: api.GroupDedupWindow})

func (s *Service) sendGroup(ctx context.Context, m *Message, body json.RawMessage) (*SendResult, error) {
	r := &groupRequest{
		GroupID:                 m.To,
		Random:                  m.Random,
		MsgPriority:             m.Priority,
		MsgBody:                 body,
		From:                    m.From,
		OfflinePushInfo:         m.OfflinePush,
		ForbidCallbackControl:   m.ForbidCallback,
		OnlineOnlyFlag:          wire.BoolInt(m.OnlineOnly),
		SendMsgControl:          m.SendControl,
		CloudCustomData:         m.CloudCustomData,
		SupportMessageExtension: wire.BoolInt(m.SupportExtension),
		To:                      m.Receivers,
		TopicID:                 m.TopicID,
		NeedReadReceipt:         wire.BoolInt(m.NeedReadReceipt),
	}
	if m.MentionAll {
		r.GroupAtInfo = append(r.GroupAtInfo, groupAt{GroupAtAllFlag: 1})
	}
	for _, id := range m.Mentions {
		r.GroupAtInfo = append(r.GroupAtInfo, groupAt{GroupAtAccount: id})
	}
	req, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var resp groupResponse
	if err := s.d.Do(ctx, epSendGroup, json.RawMessage(req), &resp); err != nil {
		return nil, err
	}
	res := &SendResult{
		Conversation: ConvGroup,
		MsgTime:      wire.UnixTime(int64(resp.MsgTime)),
		MsgSeq:       uint64(resp.MsgSeq),
		DropReason:   string(resp.MsgDropReason),
		Random:       m.Random,
	}
	if res.DropReason != "" {
		return res, &DroppedError{GroupID: m.To, Reason: res.DropReason}
	}
	return res, nil
}

// GroupNotification is a group system notification: a plain text shown to
// online members only, not stored in roaming history.
type GroupNotification struct {
	// GroupID is the group (GroupId).
	GroupID string `json:"GroupId"`
	// ToMembers limits the notification to these members; empty = all.
	ToMembers []string `json:"ToMembers_Account,omitempty"`
	// Content is the notification text.
	Content string `json:"Content"`
	// TopicID is the community topic (TopicId), if any.
	TopicID string `json:"TopicId,omitempty"`
}

// No dedup key: a resend would show the notification twice.
var epGroupNotify = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/send_group_system_notification", Safety: api.Unsafe})

// SendGroupNotification sends a group system notification. The API has no
// dedup key, so an attempt whose answer is lost is not resent (the
// endpoint is declared Unsafe).
//
// REST: v4/group_open_http_svc/send_group_system_notification
func (s *Service) SendGroupNotification(ctx context.Context, n GroupNotification) error {
	if n.GroupID == "" {
		return wire.Invalid("GroupId", "is empty")
	}
	if n.Content == "" {
		return wire.Invalid("Content", "is empty")
	}
	for i, id := range n.ToMembers {
		if err := checkUserIDAt("ToMembers_Account", i, "", id); err != nil {
			return err
		}
	}
	var resp envelope
	return s.d.Do(ctx, epGroupNotify, &n, &resp)
}

// CodeAlreadyRecalled is Tencent's answer to recalling a C2C message that
// was already recalled (20023).
const CodeAlreadyRecalled = 20023

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epWithdraw = catalog.Declare(api.Endpoint{Path: "openim/admin_msgwithdraw", Safety: api.Idempotent})

// RecallC2C recalls a one-to-one message by the MsgKey its send returned
// (or a callback or history carried). Recalling an already recalled message
// succeeds, so a retried recall is harmless.
//
// REST: v4/openim/admin_msgwithdraw
func (s *Service) RecallC2C(ctx context.Context, from, to, msgKey string) error {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return err
	}
	if err := wire.CheckUserID("To_Account", to); err != nil {
		return err
	}
	if msgKey == "" {
		return wire.Invalid("MsgKey", "is empty")
	}
	req := struct {
		From   string `json:"From_Account"`
		To     string `json:"To_Account"`
		MsgKey string `json:"MsgKey"`
	}{from, to, msgKey}
	var resp envelope
	err := s.d.Do(ctx, epWithdraw, &req, &resp)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Code == CodeAlreadyRecalled {
		return nil
	}
	return err
}

// MaxRecallPerCall is group_msg_recall's cap on MsgSeqList.
const MaxRecallPerCall = 10

// RecallGroupRequest names the group messages to recall.
type RecallGroupRequest struct {
	// GroupID is the group (GroupId).
	GroupID string
	// MsgSeqs are the messages' group sequence numbers
	// (SendResult.MsgSeq); any number, sent 10 per call.
	MsgSeqs []uint64
	// TopicID is the community topic (TopicId), if any.
	TopicID string
	// Reason is shown to members (≤100 bytes).
	Reason string
}

// RecallResult is Tencent's answer for one recalled MsgSeq.
type RecallResult struct {
	// MsgSeq is the message's group sequence number.
	MsgSeq uint64
	// Code is RetCode: 0 recalled, else Tencent's reason (e.g. 10030
	// message not found).
	Code int
}

// MaxRecallReasonBytes caps RecallGroupRequest.Reason.
const MaxRecallReasonBytes = 100

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epGroupRecall = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/group_msg_recall", Safety: api.Idempotent})

// RecallGroup recalls group messages by MsgSeq, 10 per call (Tencent's
// cap), and returns the per-message outcome. A call failure stops the walk
// and returns the results so far with the error.
//
// REST: v4/group_open_http_svc/group_msg_recall
func (s *Service) RecallGroup(ctx context.Context, r RecallGroupRequest) ([]RecallResult, error) {
	if r.GroupID == "" {
		return nil, wire.Invalid("GroupId", "is empty")
	}
	if len(r.MsgSeqs) == 0 {
		return nil, wire.Invalid("MsgSeqList", "is empty")
	}
	for i, q := range r.MsgSeqs {
		if q == 0 {
			return nil, wire.Invalid("MsgSeqList["+strconv.Itoa(i)+"].MsgSeq", "is 0: group sequence numbers start at 1")
		}
	}
	if len(r.Reason) > MaxRecallReasonBytes {
		return nil, wire.Invalid("Reason", "is %d bytes, limit is %d", len(r.Reason), MaxRecallReasonBytes)
	}
	type seq struct {
		MsgSeq uint64 `json:"MsgSeq"`
	}
	var out []RecallResult
	for lo := 0; lo < len(r.MsgSeqs); lo += MaxRecallPerCall {
		hi := min(lo+MaxRecallPerCall, len(r.MsgSeqs))
		req := struct {
			GroupID    string `json:"GroupId"`
			MsgSeqList []seq  `json:"MsgSeqList"`
			TopicID    string `json:"TopicId,omitempty"`
			Reason     string `json:"Reason,omitempty"`
		}{GroupID: r.GroupID, TopicID: r.TopicID, Reason: r.Reason}
		for _, q := range r.MsgSeqs[lo:hi] {
			req.MsgSeqList = append(req.MsgSeqList, seq{q})
		}
		var resp struct {
			envelope
			RecallRetList []struct {
				MsgSeq  wire.FlexUint64 `json:"MsgSeq"`
				RetCode wire.FlexInt    `json:"RetCode"`
			} `json:"RecallRetList"`
		}
		if err := s.d.Do(ctx, epGroupRecall, &req, &resp); err != nil {
			return out, fmt.Errorf("tim: recalling messages %d..%d of %d: %w", lo, hi-1, len(r.MsgSeqs), err)
		}
		for _, it := range resp.RecallRetList {
			out = append(out, RecallResult{MsgSeq: uint64(it.MsgSeq), Code: int(it.RetCode)})
		}
	}
	return out, nil
}

// ModifyC2CRequest changes a sent one-to-one message.
type ModifyC2CRequest struct {
	From   string // From_Account: the original sender
	To     string // To_Account: the original recipient
	MsgKey string // the message's MsgKey
	// Body replaces the elements (nil keeps them).
	Body Body
	// CloudCustomData replaces the custom data ("" keeps it).
	CloudCustomData string
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyC2C = catalog.Declare(api.Endpoint{Path: "openim/modify_c2c_msg", Safety: api.Idempotent})

// ModifyC2C changes the body and/or cloud custom data of a sent C2C message.
//
// REST: v4/openim/modify_c2c_msg
func (s *Service) ModifyC2C(ctx context.Context, r ModifyC2CRequest) error {
	if err := wire.CheckUserID("From_Account", r.From); err != nil {
		return err
	}
	if err := wire.CheckUserID("To_Account", r.To); err != nil {
		return err
	}
	if r.MsgKey == "" {
		return wire.Invalid("MsgKey", "is empty")
	}
	body, err := modifiedBody(r.Body, r.CloudCustomData)
	if err != nil {
		return err
	}
	req := struct {
		From            string          `json:"From_Account"`
		To              string          `json:"To_Account"`
		MsgKey          string          `json:"MsgKey"`
		MsgBody         json.RawMessage `json:"MsgBody,omitempty"`
		CloudCustomData string          `json:"CloudCustomData,omitempty"`
	}{r.From, r.To, r.MsgKey, body, r.CloudCustomData}
	var resp envelope
	return s.d.Do(ctx, epModifyC2C, &req, &resp)
}

// ModifyGroupRequest changes a sent group message.
type ModifyGroupRequest struct {
	GroupID string // GroupId
	MsgSeq  uint64 // the message's group MsgSeq
	// Body replaces the elements (nil keeps them).
	Body Body
	// CloudCustomData replaces the custom data ("" keeps it).
	CloudCustomData string
	// TopicID is the community topic (TopicId), if any.
	TopicID string
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyGroup = catalog.Declare(api.Endpoint{Path: "openim/modify_group_msg", Safety: api.Idempotent})

// ModifyGroup changes the body and/or cloud custom data of a sent group
// message.
//
// REST: v4/openim/modify_group_msg
func (s *Service) ModifyGroup(ctx context.Context, r ModifyGroupRequest) error {
	if r.GroupID == "" {
		return wire.Invalid("GroupId", "is empty")
	}
	if r.MsgSeq == 0 {
		return wire.Invalid("MsgSeq", "is 0: group sequence numbers start at 1")
	}
	body, err := modifiedBody(r.Body, r.CloudCustomData)
	if err != nil {
		return err
	}
	req := struct {
		GroupID         string          `json:"GroupId"`
		MsgSeq          uint64          `json:"MsgSeq"`
		MsgBody         json.RawMessage `json:"MsgBody,omitempty"`
		CloudCustomData string          `json:"CloudCustomData,omitempty"`
		TopicID         string          `json:"TopicId,omitempty"`
	}{r.GroupID, r.MsgSeq, body, r.CloudCustomData, r.TopicID}
	var resp envelope
	return s.d.Do(ctx, epModifyGroup, &req, &resp)
}

func modifiedBody(b Body, cloud string) (json.RawMessage, error) {
	if b == nil {
		if cloud == "" {
			return nil, wire.Invalid("MsgBody", "nothing to modify: set MsgBody or CloudCustomData")
		}
		return nil, nil
	}
	return checkBody(b)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetRead = catalog.Declare(api.Endpoint{Path: "openim/admin_set_msg_read", Safety: api.Idempotent})

// SetC2CRead marks user's one-to-one messages from peer as read up to
// readAt (the zero time means now).
//
// REST: v4/openim/admin_set_msg_read
func (s *Service) SetC2CRead(ctx context.Context, user, peer string, readAt time.Time) error {
	if err := wire.CheckUserID("Report_Account", user); err != nil {
		return err
	}
	if err := wire.CheckUserID("Peer_Account", peer); err != nil {
		return err
	}
	req := struct {
		Report  string `json:"Report_Account"`
		Peer    string `json:"Peer_Account"`
		MsgRead int64  `json:"MsgReadTime,omitempty"`
	}{Report: user, Peer: peer}
	if !readAt.IsZero() {
		req.MsgRead = readAt.Unix()
	}
	var resp envelope
	return s.d.Do(ctx, epSetRead, &req, &resp)
}

// MaxUnreadPeersPerCall is get_c2c_unread_msg_num's cap on Peer_Account.
const MaxUnreadPeersPerCall = 10

// Unread is the answer of C2CUnread.
type Unread struct {
	// Total is the user's unread count over all C2C conversations
	// (AllC2CUnreadMsgNum); set when no peers were asked for.
	Total int64
	// ByPeer is the unread count of each conversation asked for.
	ByPeer map[string]int64
	// Failed lists the peers Tencent could not answer for (70107: the
	// account does not exist).
	Failed []RecipientError
}

// A read: a resend changes nothing.
var epUnread = catalog.Declare(api.Endpoint{Path: "openim/get_c2c_unread_msg_num", Safety: api.Idempotent})

// C2CUnread returns user's unread C2C message count: the total when no
// peers are given, else per conversation with each peer (any number, asked
// 10 per call; a peer listed twice is asked once, in the order of its first
// occurrence). On a call failure it returns what it has so far and an error
// naming the peers of that call (their indices among the distinct peers).
//
// REST: v4/openim/get_c2c_unread_msg_num
func (s *Service) C2CUnread(ctx context.Context, user string, peers ...string) (*Unread, error) {
	if err := wire.CheckUserID("To_Account", user); err != nil {
		return nil, err
	}
	for i, p := range peers {
		if err := checkUserIDAt("Peer_Account", i, "", p); err != nil {
			return nil, err
		}
	}
	peers = distinct(peers)
	out := &Unread{}
	call := func(ps []string) error {
		req := struct {
			To    string   `json:"To_Account"`
			Peers []string `json:"Peer_Account,omitempty"`
		}{user, ps}
		var resp struct {
			envelope
			All  wire.FlexInt `json:"AllC2CUnreadMsgNum"`
			List []struct {
				Peer wire.FlexString `json:"Peer_Account"`
				Num  wire.FlexInt    `json:"C2CUnreadMsgNum"`
			} `json:"C2CUnreadMsgNumList"`
			Errors []struct {
				Peer wire.FlexString `json:"Peer_Account"`
				Code wire.FlexInt    `json:"ErrorCode"`
			} `json:"ErrorList"`
		}
		if err := s.d.Do(ctx, epUnread, &req, &resp); err != nil {
			return err
		}
		out.Total += int64(resp.All)
		for _, it := range resp.List {
			if out.ByPeer == nil {
				out.ByPeer = make(map[string]int64, len(peers))
			}
			out.ByPeer[string(it.Peer)] = int64(it.Num)
		}
		for _, e := range resp.Errors {
			out.Failed = append(out.Failed, recipientError(epUnread.Path, string(e.Peer), int(e.Code)))
		}
		return nil
	}
	if len(peers) == 0 {
		if err := call(nil); err != nil {
			return nil, err
		}
		return out, nil
	}
	for lo := 0; lo < len(peers); lo += MaxUnreadPeersPerCall {
		hi := min(lo+MaxUnreadPeersPerCall, len(peers))
		if err := call(peers[lo:hi]); err != nil {
			return out, fmt.Errorf("tim: unread counts for peers %d..%d of %d: %w", lo, hi-1, len(peers), err)
		}
	}
	return out, nil
}

// distinct returns ids without repeats, in the order of first occurrence.
func distinct(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

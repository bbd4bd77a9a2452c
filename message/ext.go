package message

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// Message-extension limits.
const (
	// MaxExtensionsPerCall caps the ExtensionList of one set call; the Set
	// and Delete methods split longer lists.
	MaxExtensionsPerCall = 20
	// MaxExtensionKeyBytes is the longest extension key.
	MaxExtensionKeyBytes = 100
	// MaxExtensionValueBytes is the longest extension value.
	MaxExtensionValueBytes = 1000
)

// Extension is one key/value extension of a sent message (消息扩展), e.g.
// a vote count or a "handled by" mark. The message must have been sent
// with WithExtension (SupportMessageExtension).
type Extension struct {
	Key   string
	Value string
	// Seq is the version of the key: it grows with every change. Clients
	// must send the latest Seq to change a key; the app admin is not
	// checked, so the methods here overwrite whatever is there.
	Seq uint64
}

// ExtensionResult is one key's outcome of a set or delete.
type ExtensionResult struct {
	// Extension is the key as it now is (Tencent's answer).
	Extension
	// Code is Tencent's per-key result (0 = done); see Err.
	Code int
}

// Err returns nil when the key was written, else an *APIError with the
// per-key code.
func (r *ExtensionResult) Err() error {
	if r.Code == 0 {
		return nil
	}
	return &api.Error{Op: "openim_msg_ext_http_svc", HTTPStatus: 200, Code: r.Code}
}

// ExtensionPage is one answer of a get_key_values call.
type ExtensionPage struct {
	// Extensions are this page's keys, in Seq order.
	Extensions []Extension
	// LatestSeq is the highest Seq of the message's keys.
	LatestSeq uint64
	// ClearSeq is the Seq of the last "clear all": keys at or below it are
	// gone.
	ClearSeq uint64
	// Complete is true when every key has been returned (CompleteFlag).
	Complete bool
	// NextStartSeq is the StartSeq of the following page.
	NextStartSeq uint64
}

// C2CMsgRef names a sent one-to-one message: its sender, recipient and
// MsgKey.
type C2CMsgRef struct {
	From   string // From_Account: the sender
	To     string // To_Account: the recipient
	MsgKey string
}

func (r C2CMsgRef) check() error {
	if err := wire.CheckUserID("From_Account", r.From); err != nil {
		return err
	}
	if err := wire.CheckUserID("To_Account", r.To); err != nil {
		return err
	}
	if r.MsgKey == "" {
		return wire.Invalid("MsgKey", "is empty")
	}
	return nil
}

// GroupMsgRef names a sent group message: its group and MsgSeq.
type GroupMsgRef struct {
	GroupID string // GroupId
	MsgSeq  uint64 // the message's group sequence number (SendResult.MsgSeq)
}

func (r GroupMsgRef) check() error {
	if r.GroupID == "" {
		return wire.Invalid("GroupId", "is empty")
	}
	if r.MsgSeq == 0 {
		return wire.Invalid("MsgSeq", "is 0: group sequence numbers start at 1")
	}
	return nil
}

// extOp is set_key_values' OperateType.
type extOp int

const (
	extSet    extOp = 1
	extDelete extOp = 2
	extClear  extOp = 3
)

type extWire struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
	Seq   uint64 `json:"Seq,omitempty"`
}

type extOut struct {
	Key   wire.FlexString `json:"Key"`
	Value wire.FlexString `json:"Value"`
	Seq   wire.FlexUint64 `json:"Seq"`
}

func (e extOut) ext() Extension {
	return Extension{Key: string(e.Key), Value: string(e.Value), Seq: uint64(e.Seq)}
}

type getExtResponse struct {
	envelope
	CompleteFlag  wire.FlexInt    `json:"CompleteFlag"`
	LatestSeq     wire.FlexUint64 `json:"LatestSeq"`
	ClearSeq      wire.FlexUint64 `json:"ClearSeq"`
	ExtensionList []extOut        `json:"ExtensionList"`
}

func (r *getExtResponse) page(start uint64) *ExtensionPage {
	p := &ExtensionPage{
		LatestSeq: uint64(r.LatestSeq), ClearSeq: uint64(r.ClearSeq), Complete: r.CompleteFlag == 1,
		Extensions: make([]Extension, len(r.ExtensionList)), NextStartSeq: start,
	}
	for i, e := range r.ExtensionList {
		p.Extensions[i] = e.ext()
		if s := p.Extensions[i].Seq; s >= p.NextStartSeq {
			p.NextStartSeq = s + 1
		}
	}
	if len(p.Extensions) == 0 {
		p.Complete = true // nothing more to ask for
	}
	return p
}

type setExtResponse struct {
	envelope
	ExtensionList []struct {
		ErrorCode wire.FlexInt `json:"ErrorCode"`
		Extension extOut       `json:"Extension"`
	} `json:"ExtensionList"`
}

// A read: a resend changes nothing.
var epGetExt = catalog.Declare(api.Endpoint{Path: "openim_msg_ext_http_svc/get_key_values", Safety: api.Idempotent})

// C2CExtensionsPage reads the extensions of a one-to-one message with Seq
// at or above startSeq (0 first; Tencent returns up to 200 per call).
//
// REST: v4/openim_msg_ext_http_svc/get_key_values
func (s *Service) C2CExtensionsPage(ctx context.Context, ref C2CMsgRef, startSeq uint64) (*ExtensionPage, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	req := struct {
		From     string `json:"From_Account"`
		To       string `json:"To_Account"`
		MsgKey   string `json:"MsgKey"`
		StartSeq uint64 `json:"StartSeq"`
	}{ref.From, ref.To, ref.MsgKey, startSeq}
	var resp getExtResponse
	if err := s.d.Do(ctx, epGetExt, &req, &resp); err != nil {
		return nil, err
	}
	return resp.page(startSeq), nil
}

// C2CExtensions iterates over all extensions of a one-to-one message,
// page after page (each from the highest Seq seen + 1). It stops at the
// first error, which it yields (a later page's error names the page); a
// page that does not advance the Seq ends the walk with an error wrapping
// api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/openim_msg_ext_http_svc/get_key_values
func (s *Service) C2CExtensions(ctx context.Context, ref C2CMsgRef) iter.Seq2[Extension, error] {
	return extensions(func(start uint64) (*ExtensionPage, error) { return s.C2CExtensionsPage(ctx, ref, start) })
}

// A read: a resend changes nothing.
var epGroupGetExt = catalog.Declare(api.Endpoint{Path: "openim_msg_ext_http_svc/group_get_key_values", Safety: api.Idempotent})

// GroupExtensionsPage reads the extensions of a group message with Seq at
// or above startSeq (0 first).
//
// REST: v4/openim_msg_ext_http_svc/group_get_key_values
func (s *Service) GroupExtensionsPage(ctx context.Context, ref GroupMsgRef, startSeq uint64) (*ExtensionPage, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	req := struct {
		GroupID  string `json:"GroupId"`
		MsgSeq   uint64 `json:"MsgSeq"`
		StartSeq uint64 `json:"StartSeq"`
	}{ref.GroupID, ref.MsgSeq, startSeq}
	var resp getExtResponse
	if err := s.d.Do(ctx, epGroupGetExt, &req, &resp); err != nil {
		return nil, err
	}
	return resp.page(startSeq), nil
}

// GroupExtensions iterates over all extensions of a group message, as
// C2CExtensions does for a one-to-one message.
//
// REST: v4/openim_msg_ext_http_svc/group_get_key_values
func (s *Service) GroupExtensions(ctx context.Context, ref GroupMsgRef) iter.Seq2[Extension, error] {
	return extensions(func(start uint64) (*ExtensionPage, error) { return s.GroupExtensionsPage(ctx, ref, start) })
}

func extensions(page func(start uint64) (*ExtensionPage, error)) iter.Seq2[Extension, error] {
	return pager.WalkIncreasing("tim: extensions", 0, func(start uint64) (pager.Page[Extension, uint64], error) {
		p, err := page(start)
		if err != nil {
			return pager.Page[Extension, uint64]{}, err
		}
		return pager.Page[Extension, uint64]{Items: p.Extensions, Next: p.NextStartSeq, Done: p.Complete}, nil
	})
}

// SetC2CExtensions sets keys on a one-to-one message (in calls of
// MaxExtensionsPerCall) and returns each key's outcome; a key Tencent
// refuses is reported in its result, not as the error.
//
// REST: v4/openim_msg_ext_http_svc/set_key_values
func (s *Service) SetC2CExtensions(ctx context.Context, ref C2CMsgRef, exts []Extension) ([]ExtensionResult, error) {
	return s.setC2C(ctx, ref, extSet, exts)
}

// DeleteC2CExtensions deletes keys of a one-to-one message.
//
// REST: v4/openim_msg_ext_http_svc/set_key_values
func (s *Service) DeleteC2CExtensions(ctx context.Context, ref C2CMsgRef, keys ...string) ([]ExtensionResult, error) {
	return s.setC2C(ctx, ref, extDelete, keyList(keys))
}

// DeleteC2CExtensionsAt deletes keys of a one-to-one message, each sent
// with its Seq (the version read with C2CExtensions; Value is ignored), as
// Tencent's delete example does ("OperateType":2 with Key, Value "" and
// Seq): a key changed since that version is not deleted and its result
// carries the error code. Source: 设置单聊消息扩展_intl_en.md.
//
// REST: v4/openim_msg_ext_http_svc/set_key_values
func (s *Service) DeleteC2CExtensionsAt(ctx context.Context, ref C2CMsgRef, exts ...Extension) ([]ExtensionResult, error) {
	return s.setC2C(ctx, ref, extDelete, exts)
}

// ClearC2CExtensions deletes every key of a one-to-one message.
//
// REST: v4/openim_msg_ext_http_svc/set_key_values
func (s *Service) ClearC2CExtensions(ctx context.Context, ref C2CMsgRef) error {
	_, err := s.setC2C(ctx, ref, extClear, nil)
	return err
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetExt = catalog.Declare(api.Endpoint{Path: "openim_msg_ext_http_svc/set_key_values", Safety: api.Idempotent})

func (s *Service) setC2C(ctx context.Context, ref C2CMsgRef, op extOp, exts []Extension) ([]ExtensionResult, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	return setExtensions(op, exts, func(list []extWire) (*setExtResponse, error) {
		req := struct {
			From          string    `json:"From_Account"`
			To            string    `json:"To_Account"`
			MsgKey        string    `json:"MsgKey"`
			OperateType   extOp     `json:"OperateType"`
			ExtensionList []extWire `json:"ExtensionList,omitempty"`
		}{ref.From, ref.To, ref.MsgKey, op, list}
		var resp setExtResponse
		return &resp, s.d.Do(ctx, epSetExt, &req, &resp)
	})
}

// SetGroupExtensions sets keys on a group message (in calls of
// MaxExtensionsPerCall) and returns each key's outcome.
//
// REST: v4/openim_msg_ext_http_svc/group_set_key_values
func (s *Service) SetGroupExtensions(ctx context.Context, ref GroupMsgRef, exts []Extension) ([]ExtensionResult, error) {
	return s.setGroup(ctx, ref, extSet, exts)
}

// DeleteGroupExtensions deletes keys of a group message.
//
// REST: v4/openim_msg_ext_http_svc/group_set_key_values
func (s *Service) DeleteGroupExtensions(ctx context.Context, ref GroupMsgRef, keys ...string) ([]ExtensionResult, error) {
	return s.setGroup(ctx, ref, extDelete, keyList(keys))
}

// DeleteGroupExtensionsAt deletes keys of a group message, each sent with
// its Seq (the version read with GroupExtensions; Value is ignored), as
// Tencent's delete example does. Source: 设置群消息扩展_intl_en.md.
//
// REST: v4/openim_msg_ext_http_svc/group_set_key_values
func (s *Service) DeleteGroupExtensionsAt(ctx context.Context, ref GroupMsgRef, exts ...Extension) ([]ExtensionResult, error) {
	return s.setGroup(ctx, ref, extDelete, exts)
}

// ClearGroupExtensions deletes every key of a group message.
//
// REST: v4/openim_msg_ext_http_svc/group_set_key_values
func (s *Service) ClearGroupExtensions(ctx context.Context, ref GroupMsgRef) error {
	_, err := s.setGroup(ctx, ref, extClear, nil)
	return err
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epGroupSetExt = catalog.Declare(api.Endpoint{Path: "openim_msg_ext_http_svc/group_set_key_values", Safety: api.Idempotent})

func (s *Service) setGroup(ctx context.Context, ref GroupMsgRef, op extOp, exts []Extension) ([]ExtensionResult, error) {
	if err := ref.check(); err != nil {
		return nil, err
	}
	return setExtensions(op, exts, func(list []extWire) (*setExtResponse, error) {
		req := struct {
			GroupID       string    `json:"GroupId"`
			MsgSeq        uint64    `json:"MsgSeq"`
			OperateType   extOp     `json:"OperateType"`
			ExtensionList []extWire `json:"ExtensionList,omitempty"`
		}{ref.GroupID, ref.MsgSeq, op, list}
		var resp setExtResponse
		return &resp, s.d.Do(ctx, epGroupSetExt, &req, &resp)
	})
}

func keyList(keys []string) []Extension {
	out := make([]Extension, len(keys))
	for i, k := range keys {
		out[i] = Extension{Key: k}
	}
	return out
}

// setExtensions validates exts and makes one call per MaxExtensionsPerCall
// keys (one call without a list for clear).
func setExtensions(op extOp, exts []Extension, call func([]extWire) (*setExtResponse, error)) ([]ExtensionResult, error) {
	if op == extClear {
		_, err := call(nil)
		return nil, err
	}
	if len(exts) == 0 {
		return nil, wire.Invalid("ExtensionList", "no key given")
	}
	list := make([]extWire, len(exts))
	seen := make(map[string]bool, len(exts))
	for i, e := range exts {
		f := "ExtensionList[" + strconv.Itoa(i) + "]"
		switch {
		case e.Key == "":
			return nil, wire.Invalid(f+".Key", "is empty")
		case !utf8.ValidString(e.Key) || !utf8.ValidString(e.Value):
			return nil, wire.Invalid(f, "is not valid UTF-8")
		case len(e.Key) > MaxExtensionKeyBytes:
			return nil, wire.Invalid(f+".Key", "is %d bytes, limit is %d", len(e.Key), MaxExtensionKeyBytes)
		case len(e.Value) > MaxExtensionValueBytes:
			return nil, wire.Invalid(f+".Value", "is %d bytes, limit is %d", len(e.Value), MaxExtensionValueBytes)
		case op == extSet && e.Value == "":
			return nil, wire.Invalid(f+".Value", "is empty (delete the key instead)")
		case seen[e.Key]:
			return nil, wire.Invalid(f+".Key", "%q is listed twice", e.Key)
		}
		seen[e.Key] = true
		list[i] = extWire(e)
		if op == extDelete {
			list[i].Value = ""
		}
	}
	var out []ExtensionResult
	for lo := 0; lo < len(list); lo += MaxExtensionsPerCall {
		hi := min(lo+MaxExtensionsPerCall, len(list))
		resp, err := call(list[lo:hi])
		if err != nil {
			if len(list) > MaxExtensionsPerCall {
				err = fmt.Errorf("tim: extensions %d..%d of %d: %w", lo, hi-1, len(list), err)
			}
			return out, err
		}
		for _, r := range resp.ExtensionList {
			out = append(out, ExtensionResult{Extension: r.Extension.ext(), Code: int(r.ErrorCode)})
		}
	}
	return out, nil
}

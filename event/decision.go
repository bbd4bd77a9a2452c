package event

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// Verdict is what a "before" callback's answer tells Tencent to do.
type Verdict uint8

// Verdicts.
const (
	// VerdictAllow lets the operation proceed (ErrorCode 0), possibly with a
	// replaced message body.
	VerdictAllow Verdict = iota
	// VerdictReject refuses it (ErrorCode 1, or a C2C pass-through code):
	// the sender gets 20006 (C2C) or 10016 (group).
	VerdictReject
	// VerdictDrop discards a message silently (ErrorCode 2): the sender sees
	// success, nobody receives it.
	VerdictDrop
)

// String returns "allow", "reject" or "drop".
func (v Verdict) String() string {
	switch v {
	case VerdictAllow:
		return "allow"
	case VerdictReject:
		return "reject"
	case VerdictDrop:
		return "drop"
	}
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

// C2C reject codes Tencent passes through to the sender (reference §6.3).
const (
	MinPassThroughCode = 120001
	MaxPassThroughCode = 130000
)

// Decision is a decider's answer to a "before" callback. The zero value
// allows. Build one with Allow, AllowModified, Reject, RejectWithCode or
// Drop.
type Decision struct {
	verdict   Verdict
	code      int
	info      string
	body      message.Body
	replace   bool
	ccd       string
	replaceCC bool
}

// Allow lets the operation proceed unchanged.
func Allow() Decision { return Decision{} }

// AllowModified lets a message through with body delivered instead of the
// sender's (send-message callbacks only; other commands ignore it). An
// empty body replaces nothing. Chain WithCloudCustomData to replace
// CloudCustomData as well.
func AllowModified(body message.Body) Decision {
	return Decision{replace: len(body) > 0, body: body}
}

// WithCloudCustomData returns d with the message's CloudCustomData
// replaced by data. Like a replaced body it only applies when d allows a
// send-message callback (Tencent ignores changes unless ErrorCode is 0).
func (d Decision) WithCloudCustomData(data string) Decision {
	d.ccd, d.replaceCC = data, true
	return d
}

// Reject refuses the operation (ErrorCode 1). info is sent back as
// ErrorInfo; Tencent shows the sender its own code (20006 / 10016).
func Reject(info string) Decision {
	return Decision{verdict: VerdictReject, code: 1, info: info}
}

// RejectWithCode refuses a C2C message with a code in [120001, 130000]
// that Tencent passes, with info, through to the sender. A code outside
// the range is an error (and the returned Decision is a plain Reject).
// On other commands it is a plain rejection (the handler sends 1).
func RejectWithCode(code int, info string) (Decision, error) {
	if code < MinPassThroughCode || code > MaxPassThroughCode {
		return Reject(info), wire.Invalid("ErrorCode", "%d is outside the pass-through range [%d, %d]",
			code, MinPassThroughCode, MaxPassThroughCode)
	}
	return Decision{verdict: VerdictReject, code: code, info: info}, nil
}

// Drop discards the message silently (ErrorCode 2): the sender sees
// success, nobody receives it. For non-message commands Tencent treats it
// as a rejection.
func Drop() Decision { return Decision{verdict: VerdictDrop, code: 2} }

// Verdict reports what d does.
func (d Decision) Verdict() Verdict { return d.verdict }

// Code is the ErrorCode d answers with.
func (d Decision) Code() int { return d.code }

// Info is the ErrorInfo d answers with.
func (d Decision) Info() string { return d.info }

// Body returns the replacement body and whether there is one.
func (d Decision) Body() (message.Body, bool) { return d.body, d.replace }

// CloudCustomData returns the replacement CloudCustomData and whether
// there is one.
func (d Decision) CloudCustomData() (string, bool) { return d.ccd, d.replaceCC }

// String describes d without its body.
func (d Decision) String() string {
	s := d.verdict.String()
	if d.verdict == VerdictReject {
		s += fmt.Sprintf("(%d)", d.code)
	}
	if d.replace || d.replaceCC {
		s += "+modified"
	}
	return s
}

// decisionAnswer is the JSON answer to a before callback.
type decisionAnswer struct {
	ActionStatus    string          `json:"ActionStatus"`
	ErrorInfo       string          `json:"ErrorInfo"`
	ErrorCode       int             `json:"ErrorCode"`
	MsgBody         json.RawMessage `json:"MsgBody,omitempty"`
	CloudCustomData *string         `json:"CloudCustomData,omitempty"`
}

// answer encodes d for cmd. Replacements are only sent for the
// send-message commands and only when allowing (Tencent applies them only
// with ErrorCode 0).
func (d Decision) answer(cmd Command) ([]byte, error) {
	if d.verdict == VerdictAllow && !d.replace && !d.replaceCC {
		return okAnswer, nil
	}
	a := decisionAnswer{ActionStatus: "OK", ErrorInfo: d.info, ErrorCode: d.code}
	if d.verdict == VerdictReject && d.code != 1 &&
		(cmd != CmdC2CBeforeSendMsg || d.code < MinPassThroughCode || d.code > MaxPassThroughCode) {
		a.ErrorCode = 1 // pass-through codes exist for C2C messages only
	}
	if d.verdict == VerdictAllow {
		a.ErrorCode, a.ErrorInfo = 0, ""
		if carriesMessage(cmd) {
			if d.replace {
				b, err := d.body.MarshalJSON()
				if err != nil {
					return nil, err
				}
				a.MsgBody = b
			}
			if d.replaceCC {
				a.CloudCustomData = &d.ccd
			}
		}
	}
	return json.Marshal(a)
}

func carriesMessage(cmd Command) bool {
	switch cmd {
	case CmdC2CBeforeSendMsg, CmdGroupBeforeSendMsg, CmdOfficialAccountBeforeSendMsg:
		return true
	}
	return false
}

// BeforeCallback is a "before" callback whose answer decides whether the
// operation proceeds: *C2CBeforeSendMsg, *GroupBeforeSendMsg,
// *GroupBeforeCreateGroup, *GroupBeforeApplyJoinGroup,
// *GroupBeforeInviteJoinGroup, *GroupBeforeCreateTopic.
type BeforeCallback interface {
	Callback
	before()
}

func (*C2CBeforeSendMsg) before()           {}
func (*GroupBeforeSendMsg) before()         {}
func (*GroupBeforeCreateGroup) before()     {}
func (*GroupBeforeApplyJoinGroup) before()  {}
func (*GroupBeforeInviteJoinGroup) before() {}
func (*GroupBeforeCreateTopic) before()     {}

// Decider answers a before callback.
type Decider[E BeforeCallback] func(ctx context.Context, e E) Decision

// Decide registers fn as the decider for the before callback E. There is
// one decider per command: registering a second one for the same E panics
// (like http.ServeMux with a duplicate pattern); call the returned off
// first to replace it.
//
// The handler gives the decider the budget set by WithBeforeBudget
// (default 1.5 s, inside Tencent's fixed 2 s); ctx expires with it. A
// decider still running then is abandoned and Tencent gets the fallback
// decision (WithFallback, default Allow); so does a decider that panics.
// Without a decider the handler answers Allow. Handlers registered with On
// for E still receive the callback, after the decider.
//
//	event.Decide(d, func(ctx context.Context, m *event.C2CBeforeSendMsg) event.Decision {
//		if strings.Contains(m.MsgBody.Text(), "spam") {
//			return event.Drop()
//		}
//		return event.Allow()
//	})
func Decide[E BeforeCallback](d *Dispatcher, fn Decider[E]) (off func()) {
	t := reflect.TypeFor[E]()
	if t.Kind() == reflect.Interface {
		panic("event: Decide needs a concrete before-callback type, not " + t.String())
	}
	wrapped := func(ctx context.Context, e Event) Decision {
		v, ok := e.(E)
		if !ok {
			return Allow()
		}
		return fn(ctx, v)
	}
	return d.setDecider(t, wrapped)
}

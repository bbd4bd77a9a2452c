package event

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
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

// Group reject codes Tencent passes, with ErrorInfo, through to the caller
// of a group before-callback (send message, create group, apply, invite,
// create topic). Source: the ErrorCode rows of the Group.CallbackBefore…
// pages (yehe_doc/…/第三方回调/群组系统相关回调/*之前回调_intl_zh.md).
const (
	MinGroupPassThroughCode = 10100
	MaxGroupPassThroughCode = 10200
)

// Friend refusal codes: a ResultItem of Sns.CallbackPrevFriendAdd or
// PrevFriendResponse with a ResultCode in this range refuses that friend.
// Source: 资料关系链相关回调/添加好友之前回调_intl_zh.md, 添加好友回应之前回调_intl_zh.md.
const (
	MinFriendRefuseCode = 38000
	MaxFriendRefuseCode = 39000
)

// FriendResult is one ResultItem of the answer to Sns.CallbackPrevFriendAdd
// or Sns.CallbackPrevFriendResponse.
type FriendResult struct {
	// ToAccount is the friend the result is about.
	ToAccount string `json:"To_Account"`
	// ResultCode is 0 to allow, or in [MinFriendRefuseCode,
	// MaxFriendRefuseCode] to refuse.
	ResultCode int `json:"ResultCode"`
	// ResultInfo is the reason given.
	ResultInfo string `json:"ResultInfo"`
}

// Decision is a decider's answer to a "before" callback. The zero value
// allows. Build one with Allow, AllowModified, Reject, RejectWithCode,
// Drop, RefuseMembers, RefuseFriends or FriendResults.
type Decision struct {
	verdict   Verdict
	code      int
	info      string
	body      message.Body
	replace   bool
	ccd       string
	replaceCC bool
	// refused is RefusedMembers_Account (Group.CallbackBeforeInviteJoinGroup).
	refused []string
	// friends is ResultItem (Sns.CallbackPrevFriendAdd / PrevFriendResponse).
	friends []FriendResult
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

// RejectWithCode refuses with a code Tencent passes, with info, through
// to the sender: [120001, 130000] for a C2C message, [10100, 10200] for
// the group before-callbacks, [38000, 39000] for the friend
// before-callbacks (as every item's ResultCode). A code in none of these
// ranges is an error (and the returned Decision is a plain Reject). Where
// the command's range does not hold the code the answer is a plain
// rejection (ErrorCode 1; the friend callbacks get 38000 per item).
func RejectWithCode(code int, info string) (Decision, error) {
	if !inRange(code, MinPassThroughCode, MaxPassThroughCode) &&
		!inRange(code, MinGroupPassThroughCode, MaxGroupPassThroughCode) &&
		!inRange(code, MinFriendRefuseCode, MaxFriendRefuseCode) {
		return Reject(info), wire.Invalid("ErrorCode", "%d is outside the pass-through ranges [%d, %d] (C2C), "+
			"[%d, %d] (group) and [%d, %d] (friends)", code, MinPassThroughCode, MaxPassThroughCode,
			MinGroupPassThroughCode, MaxGroupPassThroughCode, MinFriendRefuseCode, MaxFriendRefuseCode)
	}
	return Decision{verdict: VerdictReject, code: code, info: info}, nil
}

func inRange(code, lo, hi int) bool { return code >= lo && code <= hi }

// RefuseMembers lets an invitation (Group.CallbackBeforeInviteJoinGroup)
// proceed without the given members: the answer allows (ErrorCode 0) and
// lists them in RefusedMembers_Account. With no accounts it is Allow.
// Other commands treat it as Allow.
func RefuseMembers(accounts ...string) Decision {
	if len(accounts) == 0 {
		return Allow()
	}
	return Decision{refused: slices.Clone(accounts)}
}

// FriendResults answers Sns.CallbackPrevFriendAdd or PrevFriendResponse
// friend by friend (the answer's ResultItem). Each ResultCode must be 0
// (allow) or in [38000, 39000] (refuse) and each ToAccount non-empty; the
// handler adds an allowing item for every requested friend not listed.
// Other commands treat it as Allow. On bad input the error names the item
// and the returned Decision still refuses what was meant to be refused: a
// code out of range becomes 38000, an item without an account is left out.
func FriendResults(results ...FriendResult) (Decision, error) {
	var err error
	rs := make([]FriendResult, 0, len(results))
	for i, r := range results {
		switch {
		case r.ToAccount == "":
			if err == nil {
				err = wire.Invalid(fmt.Sprintf("ResultItem[%d].To_Account", i), "is empty")
			}
			continue
		case r.ResultCode != 0 && !inRange(r.ResultCode, MinFriendRefuseCode, MaxFriendRefuseCode):
			if err == nil {
				err = wire.Invalid(fmt.Sprintf("ResultItem[%d].ResultCode", i),
					"%d is neither 0 (allow) nor in the refusal range [%d, %d]", r.ResultCode,
					MinFriendRefuseCode, MaxFriendRefuseCode)
			}
			r.ResultCode = MinFriendRefuseCode
		}
		rs = append(rs, r)
	}
	return Decision{friends: rs}, err
}

// RefuseFriends refuses the listed friends of Sns.CallbackPrevFriendAdd or
// PrevFriendResponse with code (in [38000, 39000]) and info, and allows
// the others; Reject refuses them all. A code out of range is an error,
// and the returned Decision refuses the friends with 38000.
func RefuseFriends(code int, info string, accounts ...string) (Decision, error) {
	var err error
	if !inRange(code, MinFriendRefuseCode, MaxFriendRefuseCode) {
		err = wire.Invalid("ResultCode", "%d is outside the refusal range [%d, %d]", code,
			MinFriendRefuseCode, MaxFriendRefuseCode)
		code = MinFriendRefuseCode
	}
	rs := make([]FriendResult, len(accounts))
	for i, a := range accounts {
		rs[i] = FriendResult{ToAccount: a, ResultCode: code, ResultInfo: info}
	}
	dec, err2 := FriendResults(rs...)
	if err == nil {
		err = err2
	}
	return dec, err
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

// RefusedMembers returns the members RefuseMembers keeps out (a copy).
func (d Decision) RefusedMembers() []string { return slices.Clone(d.refused) }

// FriendResults returns the per-friend results (a copy).
func (d Decision) FriendResults() []FriendResult { return slices.Clone(d.friends) }

// String describes d without its body.
func (d Decision) String() string {
	s := d.verdict.String()
	if d.verdict == VerdictReject {
		s += fmt.Sprintf("(%d)", d.code)
	}
	if d.replace || d.replaceCC {
		s += "+modified"
	}
	if len(d.refused) > 0 {
		s += fmt.Sprintf("+refused(%d)", len(d.refused))
	}
	if len(d.friends) > 0 {
		s += fmt.Sprintf("+results(%d)", len(d.friends))
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
	RefusedMembers  []string        `json:"RefusedMembers_Account,omitempty"`
	ResultItem      []FriendResult  `json:"ResultItem,omitempty"`
}

// answer encodes d for cmd. Replacements are only sent for the
// send-message commands and only when allowing (Tencent applies them only
// with ErrorCode 0); refused members only for an invitation; friend
// results only for the friend commands. For those, d should first be
// bound to the callback (bind), which lists every requested friend.
func (d Decision) answer(cmd Command) ([]byte, error) {
	if isFriendCommand(cmd) {
		return d.friendAnswer()
	}
	if d.verdict == VerdictAllow && !d.replace && !d.replaceCC &&
		(len(d.refused) == 0 || cmd != CmdGroupBeforeInviteJoinGroup) {
		return okAnswer, nil
	}
	a := decisionAnswer{ActionStatus: "OK", ErrorInfo: d.info, ErrorCode: d.code}
	if d.verdict == VerdictReject && d.code != 1 && !passesThrough(cmd, d.code) {
		a.ErrorCode = 1 // this command has no pass-through range holding the code
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
		if cmd == CmdGroupBeforeInviteJoinGroup {
			a.RefusedMembers = d.refused
		}
	}
	return json.Marshal(a)
}

// friendAnswer is the answer to a friend before-callback: ErrorCode 0
// (a non-zero code means "the app failed" and Tencent then lets the
// request through) and the per-friend ResultItem.
func (d Decision) friendAnswer() ([]byte, error) {
	if len(d.friends) == 0 {
		return okAnswer, nil
	}
	return json.Marshal(decisionAnswer{ActionStatus: "OK", ResultItem: d.friends})
}

// passesThrough reports whether Tencent hands code to the caller of cmd.
func passesThrough(cmd Command, code int) bool {
	switch cmd {
	case CmdC2CBeforeSendMsg:
		return inRange(code, MinPassThroughCode, MaxPassThroughCode)
	case CmdGroupBeforeSendMsg, CmdGroupBeforeCreateGroup, CmdGroupBeforeApplyJoinGroup,
		CmdGroupBeforeInviteJoinGroup, CmdGroupBeforeCreateTopic:
		return inRange(code, MinGroupPassThroughCode, MaxGroupPassThroughCode)
	}
	return false
}

func isFriendCommand(cmd Command) bool {
	return cmd == CmdPrevFriendAdd || cmd == CmdPrevFriendResponse
}

// bind completes d for the callback it answers. For the friend commands
// it lists a result for every requested friend: a refusal for all when d
// rejects or drops (ResultCode d's code when in the refusal range, else
// 38000), else the results given and an allowing item for each friend not
// listed. Other commands are returned unchanged.
func (d Decision) bind(cb Callback) Decision {
	var accounts []string
	switch c := cb.(type) {
	case *PrevFriendAdd:
		for _, it := range c.FriendItem {
			accounts = append(accounts, it.ToAccount)
		}
	case *PrevFriendResponse:
		for _, it := range c.ResponseFriendItem {
			accounts = append(accounts, it.ToAccount)
		}
	default:
		return d
	}
	if d.verdict != VerdictAllow {
		code := d.code
		if !inRange(code, MinFriendRefuseCode, MaxFriendRefuseCode) {
			code = MinFriendRefuseCode
		}
		rs := make([]FriendResult, len(accounts))
		for i, a := range accounts {
			rs[i] = FriendResult{ToAccount: a, ResultCode: code, ResultInfo: d.info}
		}
		return Decision{verdict: d.verdict, code: d.code, info: d.info, friends: rs}
	}
	rs := slices.Clone(d.friends)
	for _, a := range accounts {
		if !slices.ContainsFunc(rs, func(r FriendResult) bool { return r.ToAccount == a }) {
			rs = append(rs, FriendResult{ToAccount: a})
		}
	}
	d.friends = rs
	return d
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
// *GroupBeforeInviteJoinGroup, *GroupBeforeCreateTopic, *PrevFriendAdd,
// *PrevFriendResponse.
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
func (*PrevFriendAdd) before()              {}
func (*PrevFriendResponse) before()         {}

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
		return fn(ctx, v).bind(v)
	}
	return d.setDecider(t, wrapped)
}

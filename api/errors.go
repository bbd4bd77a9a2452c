package api

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinel error families. An *Error matches one or more of them with
// errors.Is, decided by its Tencent error code (or its HTTP status).
var (
	// ErrRateLimited: Tencent's frequency controls (60007, 60011, 60018,
	// 60019, 10006, 10023, 70050) or HTTP 429.
	ErrRateLimited = errors.New("tim: rate limited")
	// ErrUserSigExpired: the admin UserSig has expired (70001).
	ErrUserSigExpired = errors.New("tim: usersig expired")
	// ErrUserSigInvalid: the UserSig was rejected: unparsable (70003), wrong
	// key (70009), identifier or SDKAppID mismatch (70013, 70014), account or
	// signature wrong in the URL (60004, 60005), or too many failures (70050).
	ErrUserSigInvalid = errors.New("tim: usersig invalid")
	// ErrWrongRegion: the SDKAppID is unknown to this data centre (70016,
	// 70020) or invalid (60006): check the region the app was created in.
	ErrWrongRegion = errors.New("tim: app not found in this data centre")
	// ErrAccountNotFound: an account is not imported (70107, 90012, 90048,
	// 20003, 10019).
	ErrAccountNotFound = errors.New("tim: account not found")
	// ErrGroupNotFound: the group does not exist or was destroyed (10010,
	// 10015).
	ErrGroupNotFound = errors.New("tim: group not found")
	// ErrPermission: the operation is not allowed for this caller (60010,
	// 60016, 60017, 60020, 60021, 90009, 70403, 10007).
	ErrPermission = errors.New("tim: permission denied")
	// ErrInvalidParameter: Tencent rejected the request as malformed or out
	// of range (60002, 60003, 60009, 60012, 60015, 90001–90011 but 90009,
	// 90026, 90031, 90044, 90054, 93000, 10003, 10004, 10005, 20001, 70402,
	// 80002). Local validation reports the same family before any call,
	// with an *InvalidInputError.
	ErrInvalidParameter = errors.New("tim: invalid parameter")
	// ErrServerBusy: a transient server-side failure worth retrying (10002,
	// 20004, 20005, 60008, 60014, 90992, 91000, 70404) or HTTP 5xx.
	ErrServerBusy = errors.New("tim: server busy")
	// ErrRejectedByCallback: the app's own "before" callback rejected the
	// operation (20006, 10016).
	ErrRejectedByCallback = errors.New("tim: rejected by callback")
	// ErrConflict: the thing already exists (10021 group id taken, 10025 group
	// id taken by you, 10013 already a member).
	ErrConflict = errors.New("tim: already exists")
	// ErrClosed: the client was closed; no call is made.
	ErrClosed = errors.New("tim: client closed")
)

// Error is a failure reported by Tencent: either a non-zero ErrorCode in
// the response envelope (usually under HTTP 200) or a non-200 HTTP status.
// It is also what a per-item result reports for a failed item (a group of
// a batch lookup, a recipient of a batch send). Read it with errors.As;
// classify it with errors.Is and the sentinel families.
type Error struct {
	// Op is the command path, "<service>/<command>".
	Op string
	// HTTPStatus is the HTTP status of the response (200 for most business errors).
	HTTPStatus int
	// Code is Tencent's ErrorCode (0 when only the HTTP status failed).
	Code int
	// Info is Tencent's ErrorInfo text.
	Info string
}

// Error implements error. It never contains the usersig or the secret key.
func (e *Error) Error() string {
	if e.Code == 0 {
		if e.Info != "" {
			// A 200 answer with ActionStatus "FAIL" and no ErrorCode: the
			// ErrorInfo is all Tencent said about it.
			return fmt.Sprintf("tim: %s: HTTP %d %s: %s", e.Op, e.HTTPStatus, http.StatusText(e.HTTPStatus), e.Info)
		}
		return fmt.Sprintf("tim: %s: HTTP %d %s", e.Op, e.HTTPStatus, http.StatusText(e.HTTPStatus))
	}
	if e.Info == "" {
		return fmt.Sprintf("tim: %s: error %d", e.Op, e.Code)
	}
	return fmt.Sprintf("tim: %s: error %d: %s", e.Op, e.Code, e.Info)
}

// Is matches the sentinel families.
func (e *Error) Is(target error) bool {
	if e.Code == 0 {
		switch target {
		case ErrRateLimited:
			return e.HTTPStatus == http.StatusTooManyRequests
		case ErrServerBusy:
			return e.HTTPStatus >= 500 || e.HTTPStatus == http.StatusRequestTimeout
		}
		return false
	}
	fam, ok := families[target]
	if !ok {
		return false
	}
	_, in := fam[e.Code]
	return in
}

// Retryable reports whether the failure is transient: resending the same
// request later may succeed.
func (e *Error) Retryable() bool {
	return e.Is(ErrServerBusy) || (e.Is(ErrRateLimited) && e.Code != 70050)
}

// Families returns the sentinel families err matches, in a fixed order
// (for metrics and logs).
func Families(err error) []error {
	var out []error
	for _, f := range familyOrder {
		if errors.Is(err, f) {
			out = append(out, f)
		}
	}
	return out
}

// CodeOf returns the Tencent code of the *Error in err's chain, or 0.
func CodeOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func set(codes ...int) map[int]struct{} {
	m := make(map[int]struct{}, len(codes))
	for _, c := range codes {
		m[c] = struct{}{}
	}
	return m
}

var familyOrder = []error{ErrRateLimited, ErrUserSigExpired, ErrUserSigInvalid, ErrWrongRegion, ErrAccountNotFound,
	ErrGroupNotFound, ErrPermission, ErrInvalidParameter, ErrServerBusy, ErrRejectedByCallback, ErrConflict}

var families = map[error]map[int]struct{}{
	ErrRateLimited:        set(60007, 60011, 60018, 60019, 10006, 10023, 70050),
	ErrUserSigExpired:     set(70001),
	ErrUserSigInvalid:     set(70003, 70009, 70013, 70014, 60004, 60005, 70050),
	ErrWrongRegion:        set(70016, 70020, 60006),
	ErrAccountNotFound:    set(70107, 90012, 90048, 20003, 10019),
	ErrGroupNotFound:      set(10010, 10015),
	ErrPermission:         set(60010, 60016, 60017, 60020, 60021, 90009, 70403, 10007),
	ErrInvalidParameter:   set(60002, 60003, 60009, 60012, 60015, 90001, 90002, 90003, 90004, 90005, 90006, 90007, 90008, 90010, 90011, 90026, 90031, 90044, 90054, 93000, 10003, 10004, 10005, 20001, 70402, 80002),
	ErrServerBusy:         set(10002, 20004, 20005, 60008, 60014, 90992, 91000, 70404),
	ErrRejectedByCallback: set(20006, 10016),
	ErrConflict:           set(10021, 10025, 10013),
}

// InvalidInputError is returned before any network call when an argument
// or an option breaks a rule. It names the field (or option) and the
// limit, and matches ErrInvalidParameter.
type InvalidInputError struct {
	// Field is the request field or option at fault, e.g. "GroupId",
	// "MsgBody[0].Text" or "WithTimeout".
	Field string
	// Reason says what rule it breaks, with the limit.
	Reason string
}

// Error implements error.
func (e *InvalidInputError) Error() string {
	return "tim: invalid " + e.Field + ": " + e.Reason
}

// Is matches ErrInvalidParameter.
func (e *InvalidInputError) Is(target error) bool { return target == ErrInvalidParameter }

// Envelope is the status part every REST response carries:
// {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}. Response types embed
// it so the body is decoded once; the request path turns a failed envelope
// into an *Error.
type Envelope struct {
	ActionStatus string `json:"ActionStatus,omitempty"`
	ErrorCode    int    `json:"ErrorCode"`
	ErrorInfo    string `json:"ErrorInfo,omitempty"`
	ErrorDisplay string `json:"ErrorDisplay,omitempty"`
}

// Env returns the envelope itself; it lets the request path find the
// envelope inside any response type that embeds it.
func (e *Envelope) Env() *Envelope { return e }

// Enveloped is implemented by every response type that embeds an Envelope.
type Enveloped interface {
	Env() *Envelope
}

// ActionStatus values.
const (
	// StatusOK is a success.
	StatusOK = "OK"
	// StatusFail is a failure; ErrorCode says which.
	StatusFail = "FAIL"
	// StatusSomeError is a partial success with ErrorCode 0: the call was
	// carried out and the items that failed are listed in the answer
	// (openim/batchsendmsg: "MsgKey" for the recipients reached and
	// "ErrorList":[{"To_Account","ErrorCode"}] for the others). Source:
	// yehe_doc/…/REST API/消息相关/发送消息/批量发单聊消息_intl_en.md.
	StatusSomeError = "SomeError"
)

// Failed reports whether the envelope describes a failure of the whole
// call: a non-zero ErrorCode, or an ActionStatus other than "OK" and
// "SomeError". Some APIs (openconfigsvr) omit ActionStatus; then
// ErrorCode alone decides. A "SomeError" with ErrorCode 0 is a partial
// success (see Partial), not a failure: the response type reads the
// per-item failures.
func (e *Envelope) Failed() bool {
	if e.ErrorCode != 0 {
		return true
	}
	return e.ActionStatus != "" && e.ActionStatus != StatusOK && e.ActionStatus != StatusSomeError
}

// Partial reports a partial success: ActionStatus "SomeError" with
// ErrorCode 0. The answer lists the items that failed.
func (e *Envelope) Partial() bool {
	return e.ErrorCode == 0 && e.ActionStatus == StatusSomeError
}

// ErrCursorStuck is reported by every paging iterator when Tencent answers
// a page with a cursor that does not advance (the same cursor again, or a
// page that claims more while carrying none): following it would loop
// forever. The iterator yields it once, wrapped with the page and cursor.
var ErrCursorStuck = errors.New("tim: paging cursor did not advance")

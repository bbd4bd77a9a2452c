package api

import (
	"context"
	"errors"
	"time"
)

// Observer is told what the SDK does: every REST call and each of its
// attempts, retries, limiter waits, usersig renewals and standby-host
// switches, and every callback the webhook handler receives. It is the one
// hook for metrics and traces (contrib/otel implements it); the core calls
// it and depends on nothing.
//
// The Start methods return the context the SDK goes on with, so an
// implementation can put a span in it; the matching End method receives
// that context. Every method is called on the request path: it must be
// quick and must not block. A nil Observer costs no allocation and a nil
// check per hook: 0.1 % of a call's instructions (BENCHMARKS.md, issue 16).
//
// Nothing passed to an Observer holds the secret key, a usersig, a callback
// token or the request URL's query; error values are the SDK's own, which
// are redacted.
//
// Embed NopObserver to implement only the methods you need.
type Observer interface {
	// CallStart runs when a call starts, before the limiter.
	CallStart(ctx context.Context, c Call) context.Context
	// CallEnd runs when the call returns, with its outcome.
	CallEnd(ctx context.Context, c Call, r CallResult)
	// AttemptStart runs before each HTTP round trip.
	AttemptStart(ctx context.Context, a Attempt) context.Context
	// AttemptEnd runs after each HTTP round trip.
	AttemptEnd(ctx context.Context, a Attempt, r AttemptResult)
	// Retry runs when the SDK decides to send the call again, before it
	// sleeps for r.Delay.
	Retry(ctx context.Context, r Retry)
	// LimiterWait runs after every wait in the client-side limiter.
	LimiterWait(ctx context.Context, w LimiterWait)
	// Renewal runs when the admin usersig is renewed after Tencent
	// answered that it expired.
	Renewal(ctx context.Context, r Renewal)
	// HostSwitch runs when calls move to the other host (primary to
	// standby when the primary cannot be reached, or back).
	HostSwitch(ctx context.Context, h HostSwitch)
	// CallbackStart runs when the webhook handler receives a request,
	// before anything is read.
	CallbackStart(ctx context.Context, cb Callback) context.Context
	// CallbackEnd runs when the handler has answered Tencent.
	CallbackEnd(ctx context.Context, cb Callback, r CallbackResult)
}

// Call describes one REST call, as Client.Do or a typed method makes it.
type Call struct {
	// Endpoint is the declaration the call was made with.
	Endpoint Endpoint
	// Start is when the call started.
	Start time.Time
}

// CallResult is how a call ended.
type CallResult struct {
	// Attempts is the number of HTTP round trips made (0 when the call
	// failed before the first, e.g. in the limiter).
	Attempts int
	// HTTPStatus is the last answer's HTTP status (0 if none arrived).
	HTTPStatus int
	// Code is Tencent's error code of the last answer (0 on success).
	Code int
	// Family is the error family name ("" on success; see FamilyName).
	Family string
	// Err is the error the call returns (nil on success).
	Err error
	// Duration is the whole call, limiter waits and retries included.
	Duration time.Duration
}

// Attempt describes one HTTP round trip of a call.
type Attempt struct {
	// Endpoint is the call's declaration.
	Endpoint Endpoint
	// Number counts from 1.
	Number int
	// Host is the host the attempt goes to (no path, no query).
	Host string
	// Standby reports whether Host is the standby host.
	Standby bool
}

// AttemptResult is how one round trip ended.
type AttemptResult struct {
	// HTTPStatus is the answer's status (0 when none arrived).
	HTTPStatus int
	// Code is Tencent's error code in the answer (0 on success).
	Code int
	// Err is the attempt's error (nil on success).
	Err error
	// Duration is the round trip alone.
	Duration time.Duration
}

// RetryReason says why a call is sent again.
type RetryReason string

// The retry reasons.
const (
	// RetryTransport: the round trip failed (connection, timeout, reading
	// the answer) and the call is safe to resend.
	RetryTransport RetryReason = "transport"
	// RetryRateLimited: Tencent or a gateway answered with a rate limit.
	RetryRateLimited RetryReason = "rate_limited"
	// RetryServerBusy: Tencent answered with a transient server error or a
	// gateway with 5xx.
	RetryServerBusy RetryReason = "server_busy"
	// RetryRenewal: the admin usersig expired and was renewed.
	RetryRenewal RetryReason = "usersig_renewed"
)

// Retry describes a decision to resend a call.
type Retry struct {
	// Endpoint is the call's declaration.
	Endpoint Endpoint
	// Attempt is the number of the attempt about to be made.
	Attempt int
	// Reason is why.
	Reason RetryReason
	// Delay is how long the SDK waits first.
	Delay time.Duration
	// Err is the failure that caused the retry.
	Err error
}

// LimiterWait describes one wait in the client-side limiter.
type LimiterWait struct {
	// Key is the limiter key (the command path, or a shared budget such as
	// BatchRecipientsKey).
	Key string
	// Units is how much of the budget the call takes (1 but for budgets
	// spent per recipient).
	Units int
	// Waited is how long the caller waited.
	Waited time.Duration
	// Err is set when the wait ended without a grant (context ended).
	Err error
}

// Renewal describes a renewal of the admin usersig.
type Renewal struct {
	// Endpoint is the call whose answer caused the renewal.
	Endpoint Endpoint
	// Identifier is the admin account (an account name, not a secret).
	Identifier string
}

// HostSwitch describes calls moving between hosts.
type HostSwitch struct {
	// From and To are hosts (no path, no query).
	From, To string
	// ToStandby is true when moving to the standby host.
	ToStandby bool
	// Err is the failure that caused the switch (nil when moving back).
	Err error
}

// Callback describes one request to the webhook handler.
type Callback struct {
	// Command is the CallbackCommand from the query ("" if absent).
	Command string
	// Before reports whether the command is a before-callback (Tencent
	// waits for its decision).
	Before bool
	// Start is when the request arrived.
	Start time.Time
}

// CallbackVerdict is what the handler concluded about a request.
type CallbackVerdict string

// The callback verdicts.
const (
	// VerdictAccepted: verified, parsed and handled.
	VerdictAccepted CallbackVerdict = "accepted"
	// VerdictDuplicate: verified, already seen; not dispatched again.
	VerdictDuplicate CallbackVerdict = "duplicate"
	// VerdictRefused: the signature, app id or time check failed.
	VerdictRefused CallbackVerdict = "refused"
	// VerdictBadRequest: method, size, body or command unusable.
	VerdictBadRequest CallbackVerdict = "bad_request"
	// VerdictFailed: verified, but handling failed (a handler error or
	// panic, or the budget ran out).
	VerdictFailed CallbackVerdict = "failed"
)

// CallbackResult is how the handler answered.
type CallbackResult struct {
	// Verdict is the conclusion.
	Verdict CallbackVerdict
	// Status is the HTTP status answered.
	Status int
	// Decision is the before-callback's answer ("allow", "reject",
	// "modify", …; "" for after-callbacks).
	Decision string
	// Fallback reports whether the configured fallback answered because
	// the decider failed or ran out of time.
	Fallback bool
	// Err is the failure, if any.
	Err error
	// Duration is from arrival to answer.
	Duration time.Duration
}

// NopObserver implements Observer doing nothing; embed it to implement
// only some methods.
type NopObserver struct{}

// CallStart implements Observer.
func (NopObserver) CallStart(ctx context.Context, _ Call) context.Context { return ctx }

// CallEnd implements Observer.
func (NopObserver) CallEnd(context.Context, Call, CallResult) {}

// AttemptStart implements Observer.
func (NopObserver) AttemptStart(ctx context.Context, _ Attempt) context.Context { return ctx }

// AttemptEnd implements Observer.
func (NopObserver) AttemptEnd(context.Context, Attempt, AttemptResult) {}

// Retry implements Observer.
func (NopObserver) Retry(context.Context, Retry) {}

// LimiterWait implements Observer.
func (NopObserver) LimiterWait(context.Context, LimiterWait) {}

// Renewal implements Observer.
func (NopObserver) Renewal(context.Context, Renewal) {}

// HostSwitch implements Observer.
func (NopObserver) HostSwitch(context.Context, HostSwitch) {}

// CallbackStart implements Observer.
func (NopObserver) CallbackStart(ctx context.Context, _ Callback) context.Context { return ctx }

// CallbackEnd implements Observer.
func (NopObserver) CallbackEnd(context.Context, Callback, CallbackResult) {}

// FamilyName names the first error family err matches, for metric labels:
// "rate_limited", "usersig_expired", "usersig_invalid", "wrong_region",
// "account_not_found", "group_not_found", "permission", "invalid_parameter",
// "server_busy", "rejected_by_callback", "conflict", "closed",
// "canceled", "deadline", "other" for any other error, "" for nil.
func FamilyName(err error) string {
	if err == nil {
		return ""
	}
	for _, f := range familyNames {
		if errors.Is(err, f.err) {
			return f.name
		}
	}
	switch {
	case errors.Is(err, ErrClosed):
		return "closed"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	return "other"
}

var familyNames = []struct {
	err  error
	name string
}{
	{ErrRateLimited, "rate_limited"},
	{ErrUserSigExpired, "usersig_expired"},
	{ErrUserSigInvalid, "usersig_invalid"},
	{ErrWrongRegion, "wrong_region"},
	{ErrAccountNotFound, "account_not_found"},
	{ErrGroupNotFound, "group_not_found"},
	{ErrPermission, "permission"},
	{ErrInvalidParameter, "invalid_parameter"},
	{ErrServerBusy, "server_busy"},
	{ErrRejectedByCallback, "rejected_by_callback"},
	{ErrConflict, "conflict"},
}

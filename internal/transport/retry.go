package transport

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"
)

// RetryPolicy says how often and how patiently a failed call is resent.
// Only transient failures are retried (transport errors, HTTP 5xx/408/429,
// Tencent's busy and frequency codes), never after the context is done, and
// a call that could duplicate something is resent only when it carries
// Tencent's dedup keys unchanged or when the request surely never left.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, first included; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff; each further retry doubles it.
	BaseDelay time.Duration
	// MaxDelay caps a single backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the first backoff after a frequency-limit answer.
	RateLimitDelay time.Duration
}

// DefaultRetryPolicy: 4 attempts, 200 ms doubling, capped at 5 s; 1 s after
// a rate-limit answer.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:    4,
	BaseDelay:      200 * time.Millisecond,
	MaxDelay:       5 * time.Second,
	RateLimitDelay: time.Second,
}

// NoRetry makes a single attempt.
var NoRetry = RetryPolicy{MaxAttempts: 1}

// backoff returns the wait before attempt number next (2 = first retry),
// with jitter in [d/2, d].
func (p RetryPolicy) backoff(next int, rateLimited bool) time.Duration {
	base := p.BaseDelay
	if rateLimited && p.RateLimitDelay > base {
		base = p.RateLimitDelay
	}
	if base <= 0 {
		return 0
	}
	d := base
	for i := 2; i < next && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// Safety says whether resending a call could duplicate its effect.
type Safety int

const (
	// Idempotent calls (reads, set-to-value writes) are retried on any
	// transient failure.
	Idempotent Safety = iota
	// Deduped calls carry Tencent's dedup keys (MsgRandom/MsgSeq/Random, a
	// custom GroupId) that stay the same on every resend, so Tencent absorbs
	// duplicates: retried like Idempotent.
	Deduped
	// Unsafe calls are resent only when the request surely was not processed:
	// a DNS or connect failure, or a frequency-limit answer.
	Unsafe
)

type safetyKey struct{}

// WithSafety marks the calls made with ctx.
func WithSafety(ctx context.Context, s Safety) context.Context {
	return context.WithValue(ctx, safetyKey{}, s)
}

// unsafePaths lists the commands whose blind resend may duplicate something
// when the request carries no dedup key the SDK controls.
var unsafePaths = map[string]bool{
	"openim/sendmsg":                                     true,
	"openim/batchsendmsg":                                true,
	"openim/importmsg":                                   true,
	"group_open_http_svc/create_group":                   true,
	"group_open_http_svc/send_group_msg":                 true,
	"group_open_http_svc/send_group_system_notification": true,
	"group_open_http_svc/send_broadcast_msg":             true,
	"group_open_http_svc/import_group_msg":               true,
	"group_open_http_svc/import_group":                   true,
	"all_member_push/im_push":                            true,
	"million_group_open_http_svc/create_topic":           true,
}

func safetyOf(ctx context.Context, path string) Safety {
	if s, ok := ctx.Value(safetyKey{}).(Safety); ok {
		return s
	}
	if unsafePaths[path] {
		return Unsafe
	}
	return Idempotent
}

// Tencent's dedup windows for resent requests carrying the same keys.
const (
	C2CDedupWindow   = 120 * time.Second  // sender + MsgSeq + MsgRandom + content
	GroupDedupWindow = 5 * time.Minute    // Random + content
	PushDedupWindow  = 7 * 24 * time.Hour // all-member push MsgRandom
)

// DedupWindow is how long Tencent recognises a resend of a Deduped call to
// path; retries stop before it closes. Unknown paths get the shortest.
func DedupWindow(path string) time.Duration {
	switch {
	case strings.HasPrefix(path, "all_member_push/"):
		return PushDedupWindow
	case strings.HasPrefix(path, "group_open_http_svc/"), strings.HasPrefix(path, "million_group_open_http_svc/"):
		return GroupDedupWindow
	}
	return C2CDedupWindow
}

type extraLimitKey struct{}

type extraLimit struct {
	key string
	n   int
}

// WithExtraLimit makes the calls made with ctx also spend n units of the
// limiter budget key (e.g. BatchRecipientsKey for a batch send).
func WithExtraLimit(ctx context.Context, key string, n int) context.Context {
	return context.WithValue(ctx, extraLimitKey{}, extraLimit{key, n})
}

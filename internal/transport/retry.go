package transport

import (
	"math/rand/v2"
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

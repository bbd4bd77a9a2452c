package transport

import (
	"context"
	"sync"
	"time"
)

// Limiter decides when a request may go out. Key names the budget: an API
// path such as "openim/sendmsg", or a derived budget such as
// "openim/batchsendmsg#recipients"; n is how many units the call spends
// (1 for a request, the recipient count for a batch). Wait blocks until the
// units are available or ctx is done. Implementations must be safe for
// concurrent use. A shared limiter for several replicas plugs in here.
type Limiter interface {
	Wait(ctx context.Context, key string, n int) error
}

// Rate is a budget: at most N units in any window of length Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Tencent's documented defaults.
var (
	// DefaultAPIRate is Tencent's default per-API frequency limit.
	DefaultAPIRate = Rate{N: 200, Per: time.Second}
	// BatchRecipientsRate is the batchsendmsg budget: 12,000 messages a minute,
	// each recipient counting as one.
	BatchRecipientsRate = Rate{N: 12000, Per: time.Minute}
)

// BatchRecipientsKey is the budget key of batchsendmsg's per-recipient limit.
const BatchRecipientsKey = "openim/batchsendmsg#recipients"

// LocalLimiter is an in-process limiter: one GCRA (generic cell rate
// algorithm) schedule per key. Any window of Rate.Per admits at most Rate.N
// units: the burst allowance is taken out of the steady rate, so a burst
// queues instead of overshooting. Units reserved by a caller whose context
// ends while waiting are not handed back (the limiter errs on the slow side).
type LocalLimiter struct {
	def       Rate
	overrides map[string]Rate
	now       func() time.Time

	mu    sync.Mutex
	cells map[string]*cell
}

type cell struct {
	interval  time.Duration // time per unit
	tolerance time.Duration // burst allowance
	tat       time.Time     // theoretical arrival time of the next unit
}

// NewLocalLimiter returns a limiter applying def to every key, except those
// listed in overrides. A zero-N rate disables limiting for that key.
func NewLocalLimiter(def Rate, overrides map[string]Rate, now func() time.Time) *LocalLimiter {
	if now == nil {
		now = time.Now
	}
	o := make(map[string]Rate, len(overrides)+1)
	o[BatchRecipientsKey] = BatchRecipientsRate
	for k, v := range overrides {
		o[k] = v
	}
	return &LocalLimiter{def: def, overrides: o, now: now, cells: make(map[string]*cell)}
}

func newCell(r Rate) *cell {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	burst := max(r.N/20, 1)
	// With a burst of B, any window of Per holds at most B + steady - 1
	// units; round the interval up so truncation never lets one more in.
	steady := r.N - burst + 1
	interval := (r.Per + time.Duration(steady) - 1) / time.Duration(steady)
	return &cell{interval: interval, tolerance: time.Duration(burst-1) * interval}
}

// Reserve books n units of key and returns how long the caller must wait
// before using them.
func (l *LocalLimiter) Reserve(key string, n int) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.cells[key]
	if !ok {
		r, found := l.overrides[key]
		if !found {
			r = l.def
		}
		c = newCell(r)
		l.cells[key] = c
	}
	if c == nil {
		return 0
	}
	tat := c.tat
	if tat.Before(now) {
		tat = now
	}
	cost := time.Duration(n) * c.interval
	// The request may go once its last unit fits inside the tolerance.
	allowAt := tat.Add(cost - c.interval - c.tolerance)
	c.tat = tat.Add(cost)
	if allowAt.After(now) {
		return allowAt.Sub(now)
	}
	return 0
}

// Wait implements Limiter.
func (l *LocalLimiter) Wait(ctx context.Context, key string, n int) error {
	if n <= 0 {
		return nil
	}
	d := l.Reserve(key, n)
	if d <= 0 {
		return ctx.Err()
	}
	return sleep(ctx, d)
}

// NoLimit is a Limiter that never waits.
type NoLimit struct{}

// Wait implements Limiter.
func (NoLimit) Wait(ctx context.Context, _ string, _ int) error { return ctx.Err() }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

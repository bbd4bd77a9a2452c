package transport

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/timkit/tim/api"
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
const BatchRecipientsKey = api.BatchRecipientsKey

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
	d, _, _ := l.reserve(key, n, time.Time{})
	return d
}

// reserve books n units unless the caller would have to wait past
// deadline (zero: no deadline); ok is false when nothing was booked. end is
// where the booking ends on the schedule, for cancel.
func (l *LocalLimiter) reserve(key string, n int, deadline time.Time) (wait time.Duration, end time.Time, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cell(key)
	if c == nil {
		return 0, time.Time{}, true
	}
	tat := c.tat
	if tat.Before(now) {
		tat = now
	}
	cost := time.Duration(n) * c.interval
	// The request may go once its last unit fits inside the tolerance.
	allowAt := tat.Add(cost - c.interval - c.tolerance)
	if !deadline.IsZero() && allowAt.After(deadline) {
		return allowAt.Sub(now), time.Time{}, false // it could never go in time: book nothing
	}
	c.tat = tat.Add(cost)
	if allowAt.After(now) {
		return allowAt.Sub(now), c.tat, true
	}
	return 0, c.tat, true
}

func (l *LocalLimiter) cell(key string) *cell {
	c, ok := l.cells[key]
	if !ok {
		r, found := l.overrides[key]
		if !found {
			r = l.def
		}
		c = newCell(r)
		l.cells[key] = c
	}
	return c
}

// cancel hands back n units booked up to end by a caller that gave up
// waiting, but only while nobody booked after it: later bookings keep their
// times, and handing back time they sit on would let a window overshoot.
// Otherwise the gap stays (the limiter errs on the slow side).
func (l *LocalLimiter) cancel(key string, n int, end time.Time) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cells[key]
	if c == nil || !c.tat.Equal(end) {
		return
	}
	c.tat = c.tat.Add(-time.Duration(n) * c.interval)
	if c.tat.Before(now) {
		c.tat = now
	}
}

// Wait implements Limiter. A caller whose context would end before its
// turn is refused at once and books nothing; one whose context ends while
// waiting hands its units back.
func (l *LocalLimiter) Wait(ctx context.Context, key string, n int) error {
	if n <= 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline, _ := ctx.Deadline()
	d, end, ok := l.reserve(key, n, deadline)
	if !ok {
		return fmt.Errorf("transport: rate limit: %s would wait %v, beyond the context deadline: %w", key, d.Round(time.Millisecond), context.DeadlineExceeded)
	}
	if d <= 0 {
		return nil
	}
	if err := sleep(ctx, d); err != nil {
		l.cancel(key, n, end)
		return err
	}
	return nil
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

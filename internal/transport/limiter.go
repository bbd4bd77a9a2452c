package transport

import (
	"context"
	"fmt"
	"math"
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

// WindowMargin is the fraction of Rate.Per added to the window the
// limiter counts releases in (1/100: 10 ms of a second). It absorbs the
// variation of the delay between a release and the request's arrival at
// Tencent (scheduling, connection write, network), so that the arrivals,
// not only the releases, stay within N per Per. The cost is the same
// fraction of the rate: 200/s sustains 198/s.
const WindowMargin = 100

// Slack: when the process's timers fire late, the goroutines that send
// after a release run late too, by a similar amount, and a bunch of them
// can reach Tencent inside one window. The limiter therefore measures how
// late its own wake-ups are and widens the window it counts releases in by
// slackFactor times the recent worst lateness (decaying with a half-life of
// slackHalfLife), up to Per/maxSlackFraction: a starved process sends
// more slowly instead of in bursts.
const (
	slackFactor      = 2
	slackHalfLife    = 5 * time.Second
	maxSlackFraction = 4
)

// LocalLimiter is an in-process limiter. Its guarantee is stated where
// Tencent counts: for every key, any window of Rate.Per (plus the margin,
// see WindowMargin) holds at most Rate.N released units, measured at the
// times the units were actually released, not at the times planned for
// them. A caller whose timer fires late (a CPU-starved process) checks the
// window again at its real wake-up time, so late wake-ups never release a
// burst. Under constant demand it sustains N per Per+margin.
//
// Two mechanisms per key: a pacing schedule (GCRA, the generic cell rate
// algorithm, with a burst allowance of N/20) spreads callers out so they do
// not all wake at once; and a log of the actual release times, the only
// thing the guarantee rests on, admits a caller only while the window has
// room. Units planned for a caller whose context ends while waiting are
// handed back to the schedule when nobody booked after it; released units
// stay in the window.
type LocalLimiter struct {
	def       Rate
	overrides map[string]Rate
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	base      time.Time

	mu    sync.Mutex
	cells map[string]*cell
	// late is the worst recent lateness of a wake-up, noted at lateAt
	// (both nanoseconds; decayed by slack).
	late, lateAt int64
}

// noteLate records that a sleep meant to end at planned ended at now.
// l.mu is held.
func (l *LocalLimiter) noteLate(planned, now int64) {
	if now <= planned {
		return
	}
	l.late, l.lateAt = max(l.decayedLate(now), now-planned), now
}

// decayedLate is the recorded lateness halved every slackHalfLife since
// it was noted. l.mu is held.
func (l *LocalLimiter) decayedLate(now int64) int64 {
	if l.late == 0 || now <= l.lateAt {
		return l.late
	}
	return int64(float64(l.late) * math.Exp2(-float64(now-l.lateAt)/float64(slackHalfLife)))
}

// slack is the window's current widening. l.mu is held.
func (l *LocalLimiter) slack(now int64) int64 { return slackFactor * l.decayedLate(now) }

// Slack reports how much the limiter currently widens its windows
// because its wake-ups have been late (see slackFactor).
func (l *LocalLimiter) Slack() time.Duration {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Duration(l.slack(now))
}

// cell is one key's state. Times are nanoseconds since the limiter's base.
type cell struct {
	limit     int   // N
	window    int64 // Per plus the margin
	maxWindow int64 // the window with the most slack (Per + Per/4)
	extra     int64 // slack added to window now (set from the limiter's lateness)
	interval  int64 // pacing: time per unit
	tolerance int64 // pacing: burst allowance
	tat       int64 // pacing: theoretical arrival time of the next unit

	// The release log: a ring of (time, units), oldest first, holding
	// every release still inside the window. used is their unit total.
	recs       []release
	head, size int
	used       int
	// pending counts the units of callers that found the window full and
	// sleep until it has room; later callers queue behind them, so they do
	// not all wake for the same freed slot.
	pending int
}

type release struct {
	at int64
	n  int
}

// NewLocalLimiter returns a limiter applying def to every key, except those
// listed in overrides. A zero-N rate disables limiting for that key. now
// is the clock (nil: time.Now).
func NewLocalLimiter(def Rate, overrides map[string]Rate, now func() time.Time) *LocalLimiter {
	if now == nil {
		now = time.Now
	}
	o := make(map[string]Rate, len(overrides)+1)
	o[BatchRecipientsKey] = BatchRecipientsRate
	for k, v := range overrides {
		o[k] = v
	}
	return &LocalLimiter{def: def, overrides: o, now: now, sleep: sleep, base: now(), cells: make(map[string]*cell)}
}

// windowOf is the window a rate is enforced over: Per plus the margin.
func windowOf(r Rate) time.Duration { return r.Per + r.Per/WindowMargin }

func newCell(r Rate) *cell {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	w := int64(windowOf(r))
	burst := max(r.N/20, 1)
	// Pacing at exactly N per window, rounded up; the release log, not
	// the pacing, keeps every window within N.
	interval := max((w+int64(r.N)-1)/int64(r.N), 1)
	return &cell{
		limit:     r.N,
		window:    w,
		maxWindow: int64(r.Per + r.Per/maxSlackFraction),
		interval:  interval,
		tolerance: int64(burst-1) * interval,
		recs:      make([]release, 8),
	}
}

// plan books n units on the pacing schedule and returns when, at the
// earliest, they may be released (ok is false, and nothing is booked,
// when that is after deadline; deadline 0 means none). end is where the
// booking ends on the schedule, for unplan.
func (c *cell) plan(now int64, n int, deadline int64) (at, end int64, ok bool) {
	tat := max(c.tat, now)
	cost := int64(n) * c.interval
	at = tat + cost - c.interval - c.tolerance // the last unit fits the tolerance
	at = max(at, now, c.roomAt(now, n+c.pending))
	if deadline != 0 && at > deadline {
		return at, 0, false
	}
	c.tat = tat + cost
	return at, c.tat, true
}

// unplan hands back n units booked up to end by a caller that gave up
// waiting, but only while nobody booked after it: later bookings keep their
// times. Otherwise the gap stays (the limiter errs on the slow side).
func (c *cell) unplan(now int64, n int, end int64) {
	if c.tat != end {
		return
	}
	c.tat = max(c.tat-int64(n)*c.interval, now)
}

// win is the window releases are counted in now: Per plus the margin plus
// the slack, at most maxWindow.
func (c *cell) win() int64 { return min(c.window+c.extra, c.maxWindow) }

// prune drops the releases that left the largest window.
func (c *cell) prune(now int64) {
	for c.size > 0 {
		r := c.recs[c.head]
		if r.at > now-c.maxWindow {
			return
		}
		c.used -= r.n
		c.head = (c.head + 1) % len(c.recs)
		c.size--
	}
}

// roomAt is the earliest time from now on at which the window has room
// for n more units (now itself when it has room already).
func (c *cell) roomAt(now int64, n int) int64 {
	c.prune(now)
	w := c.win()
	inWin, i := c.used, 0
	for ; i < c.size; i++ {
		r := c.recs[(c.head+i)%len(c.recs)]
		if r.at > now-w {
			break
		}
		inWin -= r.n
	}
	over := inWin + n - c.limit
	if over <= 0 {
		return now
	}
	for ; i < c.size; i++ {
		r := c.recs[(c.head+i)%len(c.recs)]
		over -= r.n
		if over <= 0 {
			return r.at + w
		}
	}
	// n is more than the window can ever hold beside what is queued:
	// the last release plus a window is as late as anything waits.
	if c.size > 0 {
		return c.recs[(c.head+c.size-1)%len(c.recs)].at + w
	}
	return now + w
}

// admit releases n units at now when the window has room for them and
// returns 0; otherwise it records nothing and returns when to try again.
func (c *cell) admit(now int64, n int) (retryAt int64) {
	// Releases are logged in order: a caller whose clock reading is older
	// than the last logged release (it read the clock before taking the
	// lock) is checked and logged at that later time, which errs on the
	// slow side.
	now = max(now, c.last())
	at := c.roomAt(now, n)
	if at > now {
		return at
	}
	if c.size == len(c.recs) {
		grown := make([]release, 2*len(c.recs))
		for i := 0; i < c.size; i++ {
			grown[i] = c.recs[(c.head+i)%len(c.recs)]
		}
		c.recs, c.head = grown, 0
	}
	c.recs[(c.head+c.size)%len(c.recs)] = release{at: now, n: n}
	c.size++
	c.used += n
	return 0
}

// last is the time of the newest logged release (0 when none).
func (c *cell) last() int64 {
	if c.size == 0 {
		return 0
	}
	return c.recs[(c.head+c.size-1)%len(c.recs)].at
}

// queueAt is admit's retry time for a caller that found the window full:
// it waits behind the units already pending, and joins them.
func (c *cell) queueAt(now int64, n int) int64 {
	at := c.roomAt(now, n+c.pending)
	c.pending += n
	return max(at, now+1)
}

// Reserve books n units of key as Wait would, as if they were released at
// the time it returns (from now), which it logs. It is for tests and
// simulations of the schedule; Wait checks the window at the real release
// time instead.
func (l *LocalLimiter) Reserve(key string, n int) time.Duration {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cell(key)
	if c == nil || n <= 0 {
		return 0
	}
	at, _, _ := c.plan(now, n, 0)
	for {
		at = max(at, c.last())
		retry := c.admit(at, n)
		if retry == 0 {
			break
		}
		at = retry
	}
	return time.Duration(at - now)
}

func (l *LocalLimiter) clock() int64 { return int64(l.now().Sub(l.base)) }

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

// rateOf is key's rate, for messages.
func (l *LocalLimiter) rateOf(key string) Rate {
	if r, ok := l.overrides[key]; ok {
		return r
	}
	return l.def
}

// Wait implements Limiter. A caller whose context would end before its
// turn is refused at once and books nothing; one whose context ends while
// waiting hands its planned units back. It returns once the units are
// logged as released at the current time.
func (l *LocalLimiter) Wait(ctx context.Context, key string, n int) error {
	if n <= 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var deadline int64
	if d, ok := ctx.Deadline(); ok {
		deadline = max(int64(d.Sub(l.base)), 1)
	}
	now := l.clock()
	l.mu.Lock()
	c := l.cell(key)
	if c == nil {
		l.mu.Unlock()
		return nil
	}
	if n > c.limit {
		l.mu.Unlock()
		r := l.rateOf(key)
		return fmt.Errorf("transport: rate limit: %s: %d units can never fit a budget of %d per %v", key, n, r.N, r.Per)
	}
	c.extra = l.slack(now)
	at, end, ok := c.plan(now, n, deadline)
	if !ok {
		l.mu.Unlock()
		return l.tooLate(key, at-now)
	}
	if at <= now {
		if retry := c.admit(now, n); retry == 0 {
			l.mu.Unlock()
			return nil
		}
		at = c.queueAt(now, n)
		l.mu.Unlock()
		return l.waitWindow(ctx, c, key, n, at, deadline)
	}
	l.mu.Unlock()
	err := l.sleep(ctx, time.Duration(at-now))
	now = l.clock()
	l.mu.Lock()
	if err != nil {
		c.unplan(now, n, end)
		l.mu.Unlock()
		return err
	}
	l.noteLate(at, now)
	c.extra = l.slack(now)
	retry := c.admit(now, n)
	if retry == 0 {
		l.mu.Unlock()
		return nil
	}
	at = c.queueAt(now, n)
	l.mu.Unlock()
	return l.waitWindow(ctx, c, key, n, at, deadline)
}

// waitWindow sleeps until at, then tries to release n units of c at the
// real time, again and again; the caller's n units are pending on entry.
func (l *LocalLimiter) waitWindow(ctx context.Context, c *cell, key string, n int, at, deadline int64) error {
	for {
		if deadline != 0 && at > deadline {
			l.mu.Lock()
			c.pending -= n
			l.mu.Unlock()
			return l.tooLate(key, at-l.clock())
		}
		err := l.sleep(ctx, time.Duration(at-l.clock()))
		now := l.clock()
		l.mu.Lock()
		c.pending -= n
		if err != nil {
			l.mu.Unlock()
			return err
		}
		l.noteLate(at, now)
		c.extra = l.slack(now)
		if c.admit(now, n) == 0 {
			l.mu.Unlock()
			return nil
		}
		at = c.queueAt(now, n)
		l.mu.Unlock()
	}
}

func (l *LocalLimiter) tooLate(key string, d int64) error {
	return fmt.Errorf("transport: rate limit: %s would wait %v, beyond the context deadline: %w",
		key, time.Duration(d).Round(time.Millisecond), context.DeadlineExceeded)
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

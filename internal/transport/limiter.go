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
// variation of the delay between the time a release is logged at and the
// request's arrival at Tencent, so that the arrivals, not only the
// releases, stay within N per Per. The cost is the same fraction of the
// rate: 200/s sustains 198/s. It applies to plain Wait callers, whose
// releases are logged when they are let through. A SentLimiter caller (the
// transport) logs its units when the server provably has the request, so
// no arrival comes after its logged time and the window is Per itself.
const WindowMargin = 100

// Slack (for plain Wait callers only): when the process's
// timers fire late, the goroutines that send after a release run late too,
// by a similar amount, and a bunch of them
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
// A caller through the transport (Acquire, then Sent once the server has
// the request: the SentLimiter interface) is held to more: its units
// count as in flight, whatever their age, from the release until the first
// byte of the answer arrives, and then enter the log at that time, which
// no arrival at the server can follow. So a request whose write is delayed
// (a starved process: net/http's write goroutine running hundreds of
// milliseconds late) keeps its place in every window until it has arrived,
// and any window of Per at the receiving side holds at most N units,
// without margin or slack. The cost is the round trip: a unit occupies
// its window for Per plus the time from its release to the answer's first
// byte. Plain Wait and Acquire callers should not share a key: each is
// checked against its own window over the same log.
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
	per       int64 // Per
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
	// inflight counts the units released to Acquire callers whose
	// requests are not written yet (see Sent): they count in every window
	// until they are logged.
	inflight int
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
		per:       int64(r.Per),
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
	at = max(at, now, c.roomAt(now, n))
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
	over := inWin + c.inflight + n - c.limit
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
	// n is more than the window can hold beside what is queued and in
	// flight: units in flight are logged no earlier than now, so room
	// comes a window from now at the soonest (or after the last release).
	if c.size > 0 {
		return max(c.recs[(c.head+c.size-1)%len(c.recs)].at+w, now+w)
	}
	return now + w
}

// admit releases n units at now when the window has room for them and
// returns 0; otherwise it records nothing and returns when to try again.
// Tracked units go in flight instead of into the log (see Sent).
func (c *cell) admit(now int64, n int, tracked bool) (retryAt int64) {
	// Releases are logged in order: a caller whose clock reading is older
	// than the last logged release (it read the clock before taking the
	// lock) is checked and logged at that later time, which errs on the
	// slow side.
	now = max(now, c.last())
	at := c.roomAt(now, n)
	if at > now {
		return at
	}
	if tracked {
		c.inflight += n
		return 0
	}
	c.log(now, n)
	return 0
}

// log appends a release of n units at now (not before the last one).
func (c *cell) log(now int64, n int) {
	now = max(now, c.last())
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
}

// last is the time of the newest logged release (0 when none).
func (c *cell) last() int64 {
	if c.size == 0 {
		return 0
	}
	return c.recs[(c.head+c.size-1)%len(c.recs)].at
}

// queueAt is admit's retry time for a caller that found the window full:
// the time its own n units fit. Callers are not queued behind each other:
// the first whose units fit goes, so a large batch waiting for room does
// not hold back smaller ones that fit the room left (a FIFO queue left
// up to a batch's size of the window unused and sustained 96.7–96.9% of
// the recipient budget; see BENCHMARKS.md). A large batch still goes
// within about a window: the room it needs frees up as the window's
// releases age out, and the pacing schedule spreads the other callers.
func (c *cell) queueAt(now int64, n int) int64 {
	return max(c.roomAt(now, n), now+1)
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
		retry := c.admit(at, n, false)
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
	_, err := l.wait(ctx, key, n, false)
	return err
}

// Acquire implements SentLimiter: Wait, except that the units stay in
// flight (counted in every window) until Sent(key, n) logs them, and its
// window is Per without the margin or the slack. tracked
// is false when nothing was booked (an unlimited key, no units, an
// error): then Sent must not be called.
func (l *LocalLimiter) Acquire(ctx context.Context, key string, n int) (tracked bool, err error) {
	return l.wait(ctx, key, n, true)
}

// Sent implements SentLimiter: the n units of key that Acquire let through
// have reached the server (or never will); they are logged as released
// now.
func (l *LocalLimiter) Sent(key string, n int) {
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.cells[key]
	if c == nil || n <= 0 {
		return
	}
	c.inflight = max(c.inflight-n, 0)
	c.log(now, n)
}

func (l *LocalLimiter) wait(ctx context.Context, key string, n int, tracked bool) (bool, error) {
	if n <= 0 {
		return false, nil
	}
	if err := ctx.Err(); err != nil {
		return false, err
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
		return false, nil
	}
	if n > c.limit {
		l.mu.Unlock()
		r := l.rateOf(key)
		return false, fmt.Errorf("transport: rate limit: %s: %d units can never fit a budget of %d per %v", key, n, r.N, r.Per)
	}
	c.extra = l.extraFor(c, now, tracked)
	at, end, ok := c.plan(now, n, deadline)
	if !ok {
		l.mu.Unlock()
		return false, l.tooLate(key, at-now)
	}
	if at <= now {
		if retry := c.admit(now, n, tracked); retry == 0 {
			l.mu.Unlock()
			return tracked, nil
		}
		at = c.queueAt(now, n)
		l.mu.Unlock()
		return l.waitWindow(ctx, c, key, n, at, deadline, tracked)
	}
	l.mu.Unlock()
	err := l.sleep(ctx, time.Duration(at-now))
	now = l.clock()
	l.mu.Lock()
	if err != nil {
		c.unplan(now, n, end)
		l.mu.Unlock()
		return false, err
	}
	l.noteLate(at, now)
	c.extra = l.extraFor(c, now, tracked)
	retry := c.admit(now, n, tracked)
	if retry == 0 {
		l.mu.Unlock()
		return tracked, nil
	}
	at = c.queueAt(now, n)
	l.mu.Unlock()
	return l.waitWindow(ctx, c, key, n, at, deadline, tracked)
}

// extraFor is what is added to c's window (Per plus the margin) for a
// caller: the slack for a plain Wait; for a tracked one, minus the margin
// (its window is Per: its units are logged once they have arrived).
// l.mu is held.
func (l *LocalLimiter) extraFor(c *cell, now int64, tracked bool) int64 {
	if tracked {
		return c.per - c.window
	}
	return l.slack(now)
}

// waitWindow sleeps until at, then tries to release n units of c at the
// real time, again and again.
func (l *LocalLimiter) waitWindow(ctx context.Context, c *cell, key string, n int, at, deadline int64, tracked bool) (bool, error) {
	for {
		if deadline != 0 && at > deadline {
			return false, l.tooLate(key, at-l.clock())
		}
		err := l.sleep(ctx, time.Duration(at-l.clock()))
		now := l.clock()
		l.mu.Lock()
		if err != nil {
			l.mu.Unlock()
			return false, err
		}
		l.noteLate(at, now)
		c.extra = l.extraFor(c, now, tracked)
		if c.admit(now, n, tracked) == 0 {
			l.mu.Unlock()
			return tracked, nil
		}
		at = c.queueAt(now, n)
		l.mu.Unlock()
	}
}

func (l *LocalLimiter) tooLate(key string, d int64) error {
	return fmt.Errorf("transport: rate limit: %s would wait %v, beyond the context deadline: %w",
		key, time.Duration(d).Round(time.Millisecond), context.DeadlineExceeded)
}

// SentLimiter is a Limiter that counts the units it lets through as in
// flight until told that the server has the request carrying them, and
// starts their window only then. The transport uses it when the configured
// limiter has it (LocalLimiter does): Acquire instead of Wait, then Sent
// once per tracked Acquire, when the attempt ended: its answer arrived or
// it failed, sent or not.
type SentLimiter interface {
	Limiter
	// Acquire waits as Wait does; tracked reports whether the units are
	// in flight, to be reported with Sent(key, n).
	Acquire(ctx context.Context, key string, n int) (tracked bool, err error)
	// Sent reports that the units of a tracked Acquire have reached the
	// server, or never will.
	Sent(key string, n int)
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

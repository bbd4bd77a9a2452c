package transport

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
)

// simClock is a fake clock for LocalLimiter.Wait with many goroutines:
// time moves only when every caller sleeps, then the earliest sleeper
// wakes, late by lateness() (a CPU-starved process's timers). Releases are
// read at the fake time, so the window logic is checked exactly.
type simClock struct {
	mu       sync.Mutex
	cond     *sync.Cond
	now      time.Time
	running  int
	sleepers sleeperHeap
	lateness func() time.Duration
	seq      int
}

type sleeper struct {
	wake time.Time
	seq  int
	ch   chan struct{}
}

type sleeperHeap []sleeper

func (h sleeperHeap) Len() int { return len(h) }
func (h sleeperHeap) Less(i, j int) bool {
	if !h[i].wake.Equal(h[j].wake) {
		return h[i].wake.Before(h[j].wake)
	}
	return h[i].seq < h[j].seq
}
func (h sleeperHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sleeperHeap) Push(x any)   { *h = append(*h, x.(sleeper)) }
func (h *sleeperHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newSimClock(running int, lateness func() time.Duration) *simClock {
	c := &simClock{now: time.Unix(1700000000, 0), running: running, lateness: lateness}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	c.seq++
	s := sleeper{wake: c.now.Add(d + c.lateness()), seq: c.seq, ch: make(chan struct{})}
	heap.Push(&c.sleepers, s)
	c.running--
	c.cond.Broadcast()
	c.mu.Unlock()
	<-s.ch
	return nil
}

// exit marks a caller as finished for good.
func (c *simClock) exit() {
	c.mu.Lock()
	c.running--
	c.cond.Broadcast()
	c.mu.Unlock()
}

// run wakes sleepers one at a time until stop is closed.
func (c *simClock) run(stop <-chan struct{}) {
	for {
		c.mu.Lock()
		for c.running > 0 || c.sleepers.Len() == 0 {
			select {
			case <-stop:
				c.mu.Unlock()
				return
			default:
			}
			if c.running == 0 && c.sleepers.Len() == 0 {
				c.mu.Unlock()
				return
			}
			c.cond.Wait()
		}
		s := heap.Pop(&c.sleepers).(sleeper)
		if s.wake.After(c.now) {
			c.now = s.wake
		}
		c.running++
		close(s.ch)
		c.mu.Unlock()
	}
}

// unitsAt is a release of n units.
type unitsAt = testkit.Arrival

func maxUnitsInWindow(rs []unitsAt, w time.Duration) int { return testkit.MaxUnitsInWindow(rs, w) }

// simulate runs callers goroutines, each calling Wait for units() units
// again and again until total releases, and returns the releases.
func simulate(t *testing.T, r Rate, key string, callers, total int, units func() int, lateness func() time.Duration) []unitsAt {
	t.Helper()
	clk := newSimClock(callers, lateness)
	l := NewLocalLimiter(DefaultAPIRate, map[string]Rate{key: r}, clk.Now)
	l.sleep = clk.Sleep
	var mu sync.Mutex
	var rs []unitsAt
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer clk.exit()
			for {
				n := units()
				if err := l.Wait(context.Background(), key, n); err != nil {
					t.Error(err)
					return
				}
				now := clk.Now()
				mu.Lock()
				done := len(rs) >= total
				if !done {
					rs = append(rs, unitsAt{At: now, N: n})
				}
				mu.Unlock()
				if done {
					return
				}
			}
		}()
	}
	go clk.run(stop)
	wg.Wait()
	close(stop)
	clk.mu.Lock()
	clk.cond.Broadcast()
	clk.mu.Unlock()
	require.Len(t, rs, total)
	return rs
}

func sustained(rs []unitsAt, per time.Duration) float64 { return testkit.Sustained(rs, per) }

func TestLimiterLateWakeUpsNeverBurstPastTheWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		lateness func(*rand.Rand) time.Duration
	}{
		{"punctual", func(*rand.Rand) time.Duration { return 0 }},
		{"late up to 80ms", func(rng *rand.Rand) time.Duration { return time.Duration(rng.Int64N(int64(80 * time.Millisecond))) }},
		{"stalls of 300ms", func(rng *rand.Rand) time.Duration {
			if rng.IntN(20) == 0 {
				return 300 * time.Millisecond
			}
			return time.Duration(rng.Int64N(int64(5 * time.Millisecond)))
		}},
	}
	for _, tc := range cases {
		for _, callers := range []int{1, 8, 64} {
			t.Run(tc.name+"/callers="+itoa(callers), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewPCG(1, uint64(callers)))
				var mu sync.Mutex
				late := func() time.Duration { mu.Lock(); defer mu.Unlock(); return tc.lateness(rng) }
				rs := simulate(t, Rate{N: 200, Per: time.Second}, "openim/sendmsg", callers, 3000,
					func() int { return 1 }, late)
				assert.LessOrEqual(t, maxUnitsInWindow(rs, time.Second), 200)
				// Punctual: the window holds N per Per+margin (198/s).
				// Late wake-ups widen the window by the slack, at most
				// Per/4: the rate stays above 97% of N per (Per +
				// margin + Per/4).
				rate := sustained(rs, time.Second)
				assert.LessOrEqual(t, rate, 200.0)
				floor := 0.97 * 200 / (1 + 1.0/WindowMargin + 1.0/maxSlackFraction)
				if tc.name == "punctual" {
					floor = 0.97 * 200
				}
				if callers > 1 || tc.name == "punctual" { // a lone late caller is slow by itself
					assert.GreaterOrEqual(t, rate, floor, "sustained rate")
				}
			})
		}
	}
}

func TestLimiterBatchRecipientBudgetHoldsUnderLateWakeUps(t *testing.T) {
	t.Parallel()
	// Batches of 1 to 500 recipients against 12,000 a minute. A batch
	// waits until its whole size fits the window, which costs about 1%
	// beside the margin; late timers widen the window (the slack).
	for _, lat := range []time.Duration{0, 200 * time.Millisecond, 2 * time.Second} {
		t.Run(lat.String(), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, 7))
			var mu sync.Mutex
			units := func() int { mu.Lock(); defer mu.Unlock(); return 1 + rng.IntN(500) }
			late := func() time.Duration {
				mu.Lock()
				defer mu.Unlock()
				if lat == 0 {
					return 0
				}
				return time.Duration(rng.Int64N(int64(lat)))
			}
			rs := simulate(t, BatchRecipientsRate, BatchRecipientsKey, 16, 600, units, late)
			assert.LessOrEqual(t, maxUnitsInWindow(rs, time.Minute), 12000)
			rate := sustained(rs, time.Minute)
			assert.LessOrEqual(t, rate, 12000.0)
			floor := 0.97 * 12000 / (1 + 1.0/WindowMargin + 1.0/maxSlackFraction)
			if lat == 0 {
				floor = 0.97 * 12000
			}
			assert.GreaterOrEqual(t, rate, floor, "sustained recipients a minute")
		})
	}
}

func TestLimiterRefusesMoreUnitsThanTheBudget(t *testing.T) {
	t.Parallel()
	l := NewLocalLimiter(DefaultAPIRate, map[string]Rate{"k": {N: 10, Per: time.Second}}, nil)
	err := l.Wait(context.Background(), "k", 11)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "11 units can never fit a budget of 10 per 1s")
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

func TestLimiterSlackFollowsLateWakeUpsAndDecays(t *testing.T) {
	t.Parallel()
	l := NewLocalLimiter(DefaultAPIRate, nil, nil)
	l.mu.Lock()
	l.noteLate(0, int64(40*time.Millisecond)) // a wake-up 40 ms late at t=40ms
	now := int64(40 * time.Millisecond)
	assert.Equal(t, int64(slackFactor*40*time.Millisecond), l.slack(now))
	assert.InDelta(t, float64(slackFactor*20*time.Millisecond), float64(l.slack(now+int64(slackHalfLife))), 1e3)
	assert.Less(t, l.slack(now+int64(20*slackHalfLife)), int64(time.Millisecond))
	l.mu.Unlock()

	// The window grows with the slack, never beyond Per/4.
	c := newCell(Rate{N: 10, Per: time.Second})
	for i := 0; i < 10; i++ {
		require.Zero(t, c.admit(0, 1, false))
	}
	assert.Equal(t, int64(windowOf(Rate{N: 10, Per: time.Second})), c.roomAt(1, 1))
	c.extra = int64(100 * time.Millisecond)
	assert.Equal(t, int64(windowOf(Rate{N: 10, Per: time.Second})+100*time.Millisecond), c.roomAt(1, 1))
	c.extra = int64(time.Hour)
	assert.Equal(t, int64(time.Second+250*time.Millisecond), c.roomAt(1, 1))
}

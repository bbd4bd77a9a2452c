package transport

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
)

// maxInWindow returns the largest number of times inside any window of w.
func maxInWindow(times []time.Time, w time.Duration) int {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

func TestLocalLimiterScheduleNeverExceedsRate(t *testing.T) {
	t.Parallel()
	base := time.Unix(1700000000, 0)
	l := NewLocalLimiter(Rate{N: 200, Per: time.Second}, nil, func() time.Time { return base })
	var times []time.Time
	for i := 0; i < 1000; i++ { // a burst of 1,000 at one instant
		times = append(times, base.Add(l.Reserve("openim/sendmsg", 1)))
	}
	assert.LessOrEqual(t, maxInWindow(times, time.Second), 200)
	last := times[len(times)-1].Sub(base)
	assert.Greater(t, last, 4*time.Second, "1,000 requests at 200/s take about 5 s")
	assert.Less(t, last, 5500*time.Millisecond)
	// Other keys have budgets of their own.
	assert.Zero(t, l.Reserve("openim/batchsendmsg", 1))
}

func TestLocalLimiterWeightsAndOverrides(t *testing.T) {
	t.Parallel()
	base := time.Unix(1700000000, 0)
	l := NewLocalLimiter(DefaultAPIRate, map[string]Rate{"x/y": {N: 10, Per: time.Second}, "off/on": {}}, func() time.Time { return base })
	// 12,000 recipients a minute: 24,000 queue for about a minute.
	assert.Zero(t, l.Reserve(BatchRecipientsKey, 500))
	d := l.Reserve(BatchRecipientsKey, 12000)
	assert.Greater(t, d, 55*time.Second)
	assert.Less(t, d, 65*time.Second)
	var times []time.Time
	for i := 0; i < 50; i++ {
		times = append(times, base.Add(l.Reserve("x/y", 1)))
	}
	assert.LessOrEqual(t, maxInWindow(times, time.Second), 10)
	assert.Zero(t, l.Reserve("off/on", 1000), "a zero rate disables limiting")
}

// recordingLimiter notes when each request was let through.
type recordingLimiter struct {
	Limiter
	mu    sync.Mutex
	times []time.Time
}

func (r *recordingLimiter) Wait(ctx context.Context, key string, n int) error {
	err := r.Limiter.Wait(ctx, key, n)
	r.mu.Lock()
	r.times = append(r.times, time.Now())
	r.mu.Unlock()
	return err
}

func TestLimiterKeepsRealBurstUnderLimit(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	lim := &recordingLimiter{Limiter: NewLocalLimiter(Rate{N: 40, Per: time.Second}, nil, nil)}
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Limiter = lim })
	var wg sync.WaitGroup
	var fails atomic.Int32
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tr.Do(context.Background(), idem("a/b"), nil, nil) != nil {
				fails.Add(1)
			}
		}()
	}
	wg.Wait()
	require.Zero(t, fails.Load())
	assert.Len(t, srv.Calls("a/b"), 60)
	lim.mu.Lock()
	defer lim.mu.Unlock()
	require.Len(t, lim.times, 60)
	// Release times, not server arrivals (which add network jitter): a
	// scheduler hiccup can still bunch two releases, hence the slack of 1.
	assert.LessOrEqual(t, maxInWindow(lim.times, time.Second), 41)
}

func TestLimiterWaitHonoursContext(t *testing.T) {
	t.Parallel()
	l := NewLocalLimiter(Rate{N: 1, Per: time.Hour}, nil, nil)
	require.NoError(t, l.Wait(context.Background(), "k", 1))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	assert.ErrorIs(t, l.Wait(ctx, "k", 1), context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
}

func TestLimiterGivenUpWaitersDoNotStarveLaterCallers(t *testing.T) {
	t.Parallel()
	l := NewLocalLimiter(Rate{N: 200, Per: time.Second}, nil, nil)
	var wg sync.WaitGroup
	var refused atomic.Int32
	start := make(chan struct{})
	for i := 0; i < 4000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			if l.Wait(ctx, "k", 1) != nil {
				refused.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	// A precondition, loose because a loaded machine spreads 4,000
	// goroutines' calls over a good part of a second.
	require.Greater(t, refused.Load(), int32(3000), "most callers could not go within 50 ms")
	begin := time.Now()
	require.NoError(t, l.Wait(context.Background(), "k", 1))
	assert.Less(t, time.Since(begin), 200*time.Millisecond, "callers that gave up left no debt behind")
}

func TestLimiterRefusesAtOnceWhenDeadlineTooClose(t *testing.T) {
	t.Parallel()
	l := NewLocalLimiter(Rate{N: 1, Per: time.Hour}, nil, nil)
	require.NoError(t, l.Wait(context.Background(), "k", 1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx, "k", 1)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 100*time.Millisecond)
	assert.Contains(t, err.Error(), "beyond the context deadline")
}

// A refund must not hand back time that later bookings sit on.
func TestLimiterCancelNeverOverAdmits(t *testing.T) {
	t.Parallel()
	c := newCell(Rate{N: 100, Per: time.Second})
	var times []int64
	book := func(n int) (int64, int64) {
		at, end, ok := c.plan(0, n, 0)
		require.True(t, ok)
		return at, end
	}
	_, end := book(50) // a big booking that will be cancelled
	for i := 0; i < 50; i++ {
		at, _ := book(1)
		times = append(times, at)
	}
	c.unplan(0, 50, end) // later bookings exist: nothing is handed back
	for i := 0; i < 200; i++ {
		at, _ := book(1)
		times = append(times, at)
	}
	for i := 1; i < len(times); i++ {
		assert.GreaterOrEqual(t, times[i], times[i-1]+c.interval-1, "the schedule never moved back")
	}

	// With nobody after it, the refund is taken.
	c2 := newCell(Rate{N: 100, Per: time.Second})
	_, end2, _ := c2.plan(0, 500, 0)
	c2.unplan(0, 500, end2)
	at, _, _ := c2.plan(0, 1, 0)
	assert.Zero(t, at)
}

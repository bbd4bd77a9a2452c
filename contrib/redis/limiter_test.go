package timredis_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"

	timredis "github.com/timkit/tim/contrib/redis"
)

const appID = 1400000000

var prefixes sync.Map // testing.TB → string

// prefix isolates a test's keys on the shared server, also across runs
// of -count.
func prefix(t testing.TB) string {
	if p, ok := prefixes.Load(t); ok {
		return p.(string)
	}
	p, _ := prefixes.LoadOrStore(t, fmt.Sprintf("test:%s:%d:", t.Name(), time.Now().UnixNano()))
	return p.(string)
}

func newLimiter(t testing.TB, rdb redis.Cmdable, opts ...timredis.LimiterOption) *timredis.Limiter {
	t.Helper()
	l, err := timredis.NewLimiter(rdb, appID, append([]timredis.LimiterOption{timredis.WithKeyPrefix(prefix(t))}, opts...)...)
	require.NoError(t, err)
	return l
}

func TestNewLimiterOptions(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	t.Cleanup(func() { _ = rdb.Close() })
	tests := []struct {
		name    string
		rdb     redis.Cmdable
		app     uint64
		opts    []timredis.LimiterOption
		wantErr string
	}{
		{"defaults", rdb, appID, nil, ""},
		{"nil option", rdb, appID, []timredis.LimiterOption{nil}, "opts[0]: is a nil LimiterOption"},
		{"nil client", nil, appID, nil, "nil Redis client"},
		{"zero app", rdb, 0, nil, "SDKAppID is zero"},
		{"negative rate", rdb, appID, []timredis.LimiterOption{timredis.WithRate(tim.Rate{N: -1, Per: time.Second})}, "negative"},
		{"rate without period", rdb, appID, []timredis.LimiterOption{timredis.WithRate(tim.Rate{N: 5})}, "needs a period"},
		{"zero rate disables", rdb, appID, []timredis.LimiterOption{timredis.WithRate(tim.Rate{})}, ""},
		{"key rate", rdb, appID, []timredis.LimiterOption{timredis.WithKeyRate("openim/sendmsg", tim.Rate{N: 10, Per: time.Second})}, ""},
		{"key rate without key", rdb, appID, []timredis.LimiterOption{timredis.WithKeyRate("", tim.Rate{N: 10, Per: time.Second})}, "empty key"},
		{"bad key rate", rdb, appID, []timredis.LimiterOption{timredis.WithKeyRate("x/y", tim.Rate{N: 1, Per: -1})}, "negative"},
		{"nil fallback", rdb, appID, []timredis.LimiterOption{timredis.WithFallback(nil)}, "nil limiter"},
		{"nil logger", rdb, appID, []timredis.LimiterOption{timredis.WithLogger(nil)}, "nil logger"},
		{"zero probe interval", rdb, appID, []timredis.LimiterOption{timredis.WithProbeInterval(0)}, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := timredis.NewLimiter(tt.rdb, tt.app, tt.opts...)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.ErrorIs(t, err, tim.ErrInvalidParameter, "matchable like tim.New's errors")
				assert.Nil(t, l)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, l)
		})
	}
}

// TestWindowInRedis checks the script's answers: units go while the
// window has room; a caller finding it full books nothing and is told when
// the oldest releases will have left; late wake-ups widen the window of
// every replica.
func TestWindowInRedis(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	const per = 200 * time.Millisecond
	w0 := per + per/100 // the base window: 202 ms
	rate := timredis.WithKeyRate("x/y", tim.Rate{N: 10, Per: per})
	// Each wait is the time until a release leaves the window, less the
	// time Redis saw pass since the release: between want-elapsed and want.
	between := func(want, d time.Duration, since time.Time, msg string) {
		t.Helper()
		assert.LessOrEqual(t, d, want, msg)
		assert.GreaterOrEqual(t, d, want-time.Since(since), msg)
	}
	reserve := func(l *timredis.Limiter, n int, late time.Duration) time.Duration {
		t.Helper()
		d, err := l.ReserveInRedis(ctx, "x/y", n, late)
		require.NoError(t, err)
		return d
	}

	l := newLimiter(t, rdb, rate)
	start := time.Now()
	assert.Zero(t, reserve(l, 4, 0))
	second := time.Now()
	assert.Zero(t, reserve(l, 6, 0), "10 units fit a budget of 10")
	between(w0, reserve(l, 1, 0), start, "1 unit waits for the first release to leave")
	between(w0, reserve(l, 5, 0), second, "5 units wait for the second release")
	time.Sleep(w0 + 5*time.Millisecond)
	assert.Zero(t, reserve(l, 10, 0), "the refusals booked nothing; the window has passed")

	// The slack: a replica whose wake-up was 40 ms late widens the window
	// of every replica (by twice that, at most Per/4) for a while.
	for attempt := 1; ; attempt++ {
		other, err := timredis.NewLimiter(rdb, appID, timredis.WithKeyPrefix(fmt.Sprintf("%sslack%d:", prefix(t), attempt)), rate)
		require.NoError(t, err)
		replica, err := timredis.NewLimiter(rdb, appID, timredis.WithKeyPrefix(fmt.Sprintf("%sslack%d:", prefix(t), attempt)), rate)
		require.NoError(t, err)
		booked := time.Now()
		require.Zero(t, reserve(other, 10, 0))
		time.Sleep(w0 + 10*time.Millisecond) // past the base window, within the widened one
		late := reserve(other, 1, 40*time.Millisecond)
		shared := reserve(replica, 1, 0)
		if age := time.Since(booked); age >= per+per/4-5*time.Millisecond && attempt < 3 {
			t.Logf("attempt %d: the process was held up (%v since the release): again", attempt, age)
			continue
		}
		assert.Positive(t, late, "the late replica's window is wider than %v", w0)
		assert.Positive(t, shared, "and so is the other replica's")
		assert.LessOrEqual(t, shared, per/4, "at most Per/4 wider")
		break
	}

	// Other keys and other apps have windows of their own.
	d, err := l.ReserveInRedis(ctx, "openim/querystate", 1, 0)
	require.NoError(t, err)
	assert.Zero(t, d)
	otherApp, err := timredis.NewLimiter(rdb, appID+1, timredis.WithKeyPrefix(prefix(t)), rate)
	require.NoError(t, err)
	assert.Zero(t, reserve(otherApp, 10, 0))

	// The releases are stored under {<prefix>rl:<app>:<key>} (one hash
	// slot with their state) and expire a second after the widest window
	// and MaxFlight (a booking in flight may last that long).
	key := l.RedisKey("x/y")
	assert.Equal(t, "{"+prefix(t)+"rl:1400000000:x/y}", key)
	for _, k := range []string{key, key + ":state"} {
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, time.Second, k)
		assert.LessOrEqual(t, ttl, time.Second+per+per/4+timredis.MaxFlight+time.Millisecond, k)
	}

	// Batch recipients default to 12,000 a minute.
	start = time.Now()
	d, err = l.ReserveInRedis(ctx, tim.BatchRecipientsKey, 12000, 0)
	require.NoError(t, err)
	assert.Zero(t, d)
	d, err = l.ReserveInRedis(ctx, tim.BatchRecipientsKey, 1, 0)
	require.NoError(t, err)
	between(time.Minute+time.Minute/100, d, start, "the 12,001st recipient")

	// New callers get slots on the pacing schedule (200/s: a burst of 10,
	// then one every 5,050 µs), shared by the replicas.
	start = time.Now()
	for i := range 10 {
		d, err := l.PlanInRedis(ctx, "p/q", 1)
		require.NoError(t, err)
		assert.Zero(t, d, "burst unit %d", i)
	}
	replica := newLimiter(t, rdb)
	d, err = replica.PlanInRedis(ctx, "p/q", 1)
	require.NoError(t, err)
	between(5050*time.Microsecond, d, start, "the 11th caller, on another replica")
	d, err = l.PlanInRedis(ctx, "p/q", 3)
	require.NoError(t, err)
	between(4*5050*time.Microsecond, d, start, "3 units after 11")

	// More units than the budget can never go.
	err = l.Wait(ctx, "x/y", 11)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "11 units can never fit a budget of 10 per 200ms")
}

// TestWindowAdmission hammers one limiter from many goroutines: in any
// window of Per at most N units are admitted (5% margin for the time
// between the limiter's answer and the timestamp), and the rate is used. A
// run failing after the process was frozen is repeated, as in
// TestReplicasShareOneBudget.
func TestWindowAdmission(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	const n, per = 100, 500 * time.Millisecond
	var (
		times []time.Time
		stall time.Duration
	)
	for attempt := 1; attempt <= 3; attempt++ {
		l, err := timredis.NewLimiter(srv.client(t), appID, timredis.WithRate(tim.Rate{N: n, Per: per}),
			timredis.WithKeyPrefix(fmt.Sprintf("%sattempt%d:", prefix(t), attempt)))
		require.NoError(t, err)
		times, stall = admit(l, 16, time.Second)
		peak := maxInWindow(times, per)
		t.Logf("run %d: %d admitted, peak %d in %v; longest freeze %v", attempt, len(times), peak, per, stall)
		require.False(t, l.Degraded())
		if peak <= n+n/20 || stall < freezeThreshold {
			break
		}
	}
	assert.LessOrEqual(t, maxInWindow(times, per), n+n/20, "admitted in one window of %v", per)
	// The budget is used (about 2n in 1 s), unless the machine starves us.
	assert.GreaterOrEqual(t, len(times), n, "admitted in 1 s at %d per %v", n, per)
}

// admit calls l.Wait from workers goroutines for d and returns when each
// call was admitted, and the longest freeze of the process meanwhile.
func admit(l tim.Limiter, workers int, d time.Duration) ([]time.Time, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	stall := watchFreezes(ctx)
	var (
		mu    sync.Mutex
		times []time.Time
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := l.Wait(ctx, "openim/sendmsg", 1); err != nil {
					return
				}
				mu.Lock()
				times = append(times, time.Now())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return times, stall()
}

func TestWaitContext(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	l := newLimiter(t, srv.client(t), timredis.WithRate(tim.Rate{N: 1, Per: time.Hour}))
	first, cancel0 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel0()
	require.NoError(t, l.Wait(first, "openim/sendmsg", 1), "the first unit goes at once")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx, "openim/sendmsg", 1)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)

	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	assert.ErrorIs(t, l.Wait(canceled, "openim/sendmsg", 1), context.Canceled)
	assert.False(t, l.Degraded(), "a caller's context is no outage")
}

// TestUnlimitedKeys needs no Redis: zero rates and zero units never call it.
func TestUnlimitedKeys(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	l := newLimiter(t, rdb, timredis.WithKeyRate("openim/sendmsg", tim.Rate{}))
	ctx := context.Background()
	for range 100 {
		require.NoError(t, l.Wait(ctx, "openim/sendmsg", 1))
		require.NoError(t, l.Wait(ctx, "openim/querystate", 0))
	}
	assert.False(t, l.Degraded())
}

// TestUnreachableAtStart falls back from the first call and says so once.
func TestUnreachableAtStart(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	var logs syncBuffer
	l := newLimiter(t, rdb, timredis.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		timredis.WithRate(tim.Rate{N: 20, Per: time.Second}))
	ctx := context.Background()
	start := time.Now()
	for range 20 { // burst 1, then 20/s
		require.NoError(t, l.Wait(ctx, "openim/sendmsg", 1))
	}
	elapsed := time.Since(start)
	assert.True(t, l.Degraded())
	assert.GreaterOrEqual(t, elapsed, 900*time.Millisecond, "the fallback limits too")
	assert.Equal(t, 1, strings.Count(logs.String(), "falls back"), logs.String())
	assert.Contains(t, logs.String(), "level=WARN")
}

// closedAddr is a loopback address nobody listens on.
func closedAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// maxInWindow returns the most instants falling in any window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	ts := append([]time.Time(nil), times...)
	slices.SortFunc(ts, time.Time.Compare)
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInFlightUntilSent: units of a tracked Acquire count in every window
// whatever their age until Sent; then they leave a window after it.
func TestInFlightUntilSent(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	ctx := context.Background()
	const per = 100 * time.Millisecond
	l := newLimiter(t, srv.client(t), timredis.WithKeyRate("x/y", tim.Rate{N: 2, Per: per}))
	tracked, err := l.Acquire(ctx, "x/y", 2)
	require.NoError(t, err)
	require.True(t, tracked)
	time.Sleep(per + 30*time.Millisecond) // past any window: the units are still in flight
	d, err := l.ReserveInRedis(ctx, "x/y", 1, 0)
	require.NoError(t, err)
	assert.Positive(t, d, "2 units in flight fill a budget of 2")

	sent := time.Now()
	l.Sent("x/y", 2)
	d, err = l.ReserveInRedis(ctx, "x/y", 1, 0)
	require.NoError(t, err)
	// A plain caller's window: Per plus the margin plus the slack (the
	// Acquire slept for its pacing slot and reported how late it woke).
	w0 := per + per/100
	assert.LessOrEqual(t, d, per+per/4, "logged at the Sent time")
	assert.GreaterOrEqual(t, d, w0-time.Since(sent))
	time.Sleep(d + 5*time.Millisecond)
	d, err = l.ReserveInRedis(ctx, "x/y", 1, 0)
	require.NoError(t, err)
	assert.Zero(t, d, "a window after the Sent time")

	l.Sent("x/y", 2) // nothing in flight: nothing happens
	tracked, err = l.Acquire(ctx, "unlimited/key", 1)
	require.NoError(t, err)
	assert.True(t, tracked, "the default rate applies")
	l.Sent("unlimited/key", 1)
	tracked, err = newLimiter(t, srv.client(t), timredis.WithRate(tim.Rate{})).Acquire(ctx, "a/b", 1)
	require.NoError(t, err)
	assert.False(t, tracked, "an unlimited key books nothing")
}

package timredis_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"

	timredis "github.com/timkit/tim/contrib/redis"
)

// budgetFreeWithin reports whether a 1-unit reservation of key gets
// through within d (it books the unit when it does).
func budgetFreeWithin(t *testing.T, l *timredis.Limiter, key string, d time.Duration) bool {
	t.Helper()
	return assert.Eventually(t, func() bool {
		wait, err := l.ReserveInRedis(context.Background(), key, 1, 0)
		return err == nil && wait == 0
	}, d, 10*time.Millisecond, "units stay in flight (they lapse only after MaxFlight = %v)", timredis.MaxFlight)
}

// TestSentWhileDegradedIsResent: a Sent that comes while the limiter is
// degraded (or whose script fails) is sent again once Redis answers, also
// when the replica makes no further call: a short outage does not hold the
// key's units in flight for MaxFlight on every replica.
func TestSentWhileDegradedIsResent(t *testing.T) {
	t.Parallel()
	srv := ownRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	const per = 100 * time.Millisecond
	l := newLimiter(t, rdb, timredis.WithKeyRate("x/y", tim.Rate{N: 2, Per: per}),
		timredis.WithProbeInterval(20*time.Millisecond))
	tracked, err := l.Acquire(ctx, "x/y", 2)
	require.NoError(t, err)
	require.True(t, tracked)

	// Redis refuses writes while the request is in flight: the limiter
	// degrades, and the request's Sent comes while it is.
	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory", "1").Err())
	require.NoError(t, l.Wait(ctx, "other/key", 1))
	require.True(t, l.Degraded(), "a refused script degrades the limiter")
	l.Sent("x/y", 2)
	time.Sleep(3 * 20 * time.Millisecond) // a few failing resends
	wait, err := l.ReserveInRedis(ctx, "x/y", 1, 0)
	require.Error(t, err, "Redis still refuses writes")
	assert.Zero(t, wait)

	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory", "0").Err())
	budgetFreeWithin(t, l, "x/y", 2*time.Second)
}

// lateCtx is a context whose Err reports an end once ended is set (its
// Done channel never closes: the end is seen only by asking Err).
type lateCtx struct {
	context.Context
	ended *atomic.Bool
}

func (c lateCtx) Err() error {
	if c.ended.Load() {
		return context.DeadlineExceeded
	}
	return nil
}

// endHook ends a lateCtx just as a command run under it has been
// answered; with lose, the answer is lost (the command fails with the
// context's error, as when the context ends while the command is in flight).
type endHook struct {
	ended *atomic.Bool
	lose  bool
}

func (h endHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h endHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if _, ok := ctx.(lateCtx); !ok || !isScript(cmd) || err != nil {
			return err // a connection's HELLO, NOSCRIPT (the script is then loaded)
		}
		h.ended.Store(true)
		if h.lose {
			cmd.SetErr(context.DeadlineExceeded)
			return context.DeadlineExceeded
		}
		return nil
	}
}

func isScript(cmd redis.Cmder) bool { return cmd.Name() == "evalsha" || cmd.Name() == "eval" }

func (h endHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestBookedAsContextEndsIsTracked: a context that ends just as Redis
// booked the units does not lose the booking: Acquire reports it tracked
// (Sent is owed) and does not fail.
func TestBookedAsContextEndsIsTracked(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	rdb := srv.client(t)
	var ended atomic.Bool
	rdb.AddHook(endHook{ended: &ended})
	const per = 100 * time.Millisecond
	l := newLimiter(t, rdb, timredis.WithKeyRate("x/y", tim.Rate{N: 2, Per: per}))
	tracked, err := l.Acquire(lateCtx{context.Background(), &ended}, "x/y", 2)
	require.NoError(t, err, "the units are booked")
	require.True(t, tracked, "Sent is owed")
	require.True(t, ended.Load(), "the context ended as the booking landed")
	wait, err := l.ReserveInRedis(context.Background(), "x/y", 1, 0)
	require.NoError(t, err)
	assert.Positive(t, wait, "the units are in flight")
	l.Sent("x/y", 2)
	budgetFreeWithin(t, l, "x/y", 2*time.Second)
}

// TestBookingAnswerLostIsReleased: a context that ends while the script
// is in flight leaves Acquire not knowing whether Redis booked the units;
// the limiter releases the booking it may have made itself (Sent is not
// owed by the caller).
func TestBookingAnswerLostIsReleased(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	rdb := srv.client(t)
	var ended atomic.Bool
	rdb.AddHook(endHook{ended: &ended, lose: true})
	const per = 100 * time.Millisecond
	// One unit of a budget of 1: the first script call books (no pacing wait).
	l := newLimiter(t, rdb, timredis.WithKeyRate("x/y", tim.Rate{N: 1, Per: per}),
		timredis.WithProbeInterval(20*time.Millisecond))
	tracked, err := l.Acquire(lateCtx{context.Background(), &ended}, "x/y", 1)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, tracked)
	require.True(t, ended.Load(), "Redis ran the script")
	assert.False(t, l.Degraded(), "the caller's context ended: Redis did not fail")
	budgetFreeWithin(t, l, "x/y", 2*time.Second)
}

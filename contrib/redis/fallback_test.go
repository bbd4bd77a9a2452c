package timredis_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"

	timredis "github.com/timkit/tim/contrib/redis"
)

// TestFallbackAndRecovery stops Redis while calls flow: they go on under
// the local limiter, one log line says so; Redis comes back: the limiter
// returns to it and says so.
func TestFallbackAndRecovery(t *testing.T) {
	t.Parallel()
	srv := ownRedis(t)
	rdb := srv.client(t)
	var logs syncBuffer
	lim, err := timredis.NewLimiter(rdb, appID,
		timredis.WithRate(tim.Rate{N: 100, Per: time.Second}),
		timredis.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		timredis.WithProbeInterval(50*time.Millisecond))
	require.NoError(t, err)
	ep := &endpoint{limit: 1 << 30} // never refuses: this test is about the flow
	hs := httptest.NewServer(ep)
	t.Cleanup(hs.Close)
	c, err := tim.New(appID, secretKey, tim.WithBaseURL(hs.URL), tim.WithLimiter(lim), tim.WithoutRetry())
	require.NoError(t, err)

	// Callers keep calling through the whole test.
	ctx, cancel := context.WithCancel(context.Background())
	var (
		wg       sync.WaitGroup
		ok       atomic.Int64
		failures atomic.Int64
	)
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := c.Do(ctx, tim.Endpoint{Path: "openim/querystate"}, map[string]any{}, nil); err == nil {
					ok.Add(1)
				} else if ctx.Err() == nil {
					failures.Add(1)
					t.Log(err)
				}
			}
		})
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	flowing := func(what string) {
		t.Helper()
		before := ok.Load()
		require.Eventually(t, func() bool { return ok.Load() >= before+20 }, 5*time.Second, 5*time.Millisecond,
			"calls flow %s", what)
	}

	flowing("through Redis")
	assert.False(t, lim.Degraded())
	assert.EqualValues(t, 1, rdb.Exists(context.Background(), "{tim:rl:1400000000:openim/querystate}").Val())

	srv.stop()
	require.Eventually(t, lim.Degraded, 5*time.Second, 5*time.Millisecond)
	flowing("under the local limiter")
	assert.Equal(t, 1, strings.Count(logs.String(), "Redis unavailable"), logs.String())
	assert.Zero(t, strings.Count(logs.String(), "available again"))

	srv.restart(t)
	require.Eventually(t, func() bool { return !lim.Degraded() }, 10*time.Second, 5*time.Millisecond)
	flowing("through Redis again")
	assert.False(t, lim.Degraded())
	assert.EqualValues(t, 1, rdb.Exists(context.Background(), "{tim:rl:1400000000:openim/querystate}").Val(),
		"the schedule is back in the restarted Redis")
	assert.Equal(t, 1, strings.Count(logs.String(), "Redis unavailable"), logs.String())
	assert.Equal(t, 1, strings.Count(logs.String(), "Redis available again"), logs.String())

	cancel()
	wg.Wait()
	assert.Zero(t, failures.Load(), "calls that failed")
}

// TestRefusingRedis: a Redis that answers PING but refuses writes (out of
// memory) is unavailable too; the probe, which runs the script, keeps the
// limiter local until writes are accepted again, without flapping.
func TestRefusingRedis(t *testing.T) {
	t.Parallel()
	srv := ownRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	var logs syncBuffer
	lim, err := timredis.NewLimiter(rdb, appID,
		timredis.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		timredis.WithProbeInterval(20*time.Millisecond))
	require.NoError(t, err)
	require.NoError(t, lim.Wait(ctx, "openim/sendmsg", 1))
	require.False(t, lim.Degraded())

	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory", "1").Err())
	deadline := time.Now().Add(300 * time.Millisecond) // about 15 probes
	for time.Now().Before(deadline) {
		require.NoError(t, lim.Wait(ctx, "openim/sendmsg", 1))
		time.Sleep(5 * time.Millisecond)
	}
	assert.True(t, lim.Degraded())
	assert.Equal(t, 1, strings.Count(logs.String(), "Redis unavailable"), logs.String())
	assert.Contains(t, logs.String(), "OOM")
	assert.Zero(t, strings.Count(logs.String(), "available again"), logs.String())

	require.NoError(t, rdb.ConfigSet(ctx, "maxmemory", "0").Err())
	require.Eventually(t, func() bool {
		_ = lim.Wait(ctx, "openim/sendmsg", 1)
		return !lim.Degraded()
	}, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, 1, strings.Count(logs.String(), "Redis available again"), logs.String())
}

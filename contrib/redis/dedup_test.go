package timredis_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"

	timredis "github.com/timkit/tim/contrib/redis"
)

func stringReader(s string) io.Reader { return strings.NewReader(s) }

func TestDedupStore(t *testing.T) {
	t.Parallel()
	srv := sharedRedis(t)
	rdb := srv.client(t)
	ctx := context.Background()
	s, err := timredis.NewDedupStore(rdb, appID, timredis.WithDedupPrefix(prefix(t)))
	require.NoError(t, err)

	seen, err := s.SeenOrAdd(ctx, "MR|C2C|1_2_3", time.Minute)
	require.NoError(t, err)
	assert.False(t, seen, "first time")
	seen, err = s.SeenOrAdd(ctx, "MR|C2C|1_2_3", time.Minute)
	require.NoError(t, err)
	assert.True(t, seen, "second time")

	// SET key 1 NX with the ttl, under <prefix>dedup:<app>:<key>.
	key := prefix(t) + "dedup:1400000000:MR|C2C|1_2_3"
	assert.Equal(t, "1", rdb.Get(ctx, key).Val())
	ttl := rdb.PTTL(ctx, key).Val()
	assert.Greater(t, ttl, 50*time.Second)
	assert.LessOrEqual(t, ttl, time.Minute)

	// Another app, another window.
	other, err := timredis.NewDedupStore(rdb, appID+1, timredis.WithDedupPrefix(prefix(t)))
	require.NoError(t, err)
	seen, err = other.SeenOrAdd(ctx, "MR|C2C|1_2_3", time.Minute)
	require.NoError(t, err)
	assert.False(t, seen)

	// Keys expire (millisecond ttls are kept as such).
	seen, err = s.SeenOrAdd(ctx, "short", 30*time.Millisecond)
	require.NoError(t, err)
	assert.False(t, seen)
	assert.LessOrEqual(t, rdb.PTTL(ctx, prefix(t)+"dedup:1400000000:short").Val(), 30*time.Millisecond)
	assert.Eventually(t, func() bool {
		seen, err := s.SeenOrAdd(ctx, "short", time.Minute)
		return err == nil && !seen
	}, 2*time.Second, 20*time.Millisecond)

	// A non-positive ttl means the handler's default.
	_, err = s.SeenOrAdd(ctx, "default-ttl", 0)
	require.NoError(t, err)
	ttl = rdb.PTTL(ctx, prefix(t)+"dedup:1400000000:default-ttl").Val()
	assert.Greater(t, ttl, event.DefaultDedupTTL-time.Minute)
	assert.LessOrEqual(t, ttl, event.DefaultDedupTTL)

	// The default prefix.
	def, err := timredis.NewDedupStore(rdb, 1400000099)
	require.NoError(t, err)
	_, err = def.SeenOrAdd(ctx, t.Name(), time.Second)
	require.NoError(t, err)
	assert.EqualValues(t, 1, rdb.Exists(ctx, "tim:dedup:1400000099:"+t.Name()).Val())
}

// TestDedupStoreUnreachable: the error reaches the handler, which then
// delivers (at least once) and logs.
func TestDedupStoreUnreachable(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: closedAddr(t), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := timredis.NewDedupStore(rdb, appID)
	require.NoError(t, err)
	seen, err := s.SeenOrAdd(context.Background(), "k", time.Minute)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "timredis: dedup")
	assert.False(t, seen)
}

func TestNewDedupStoreRefusesBadInput(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	for name, call := range map[string]func() (*timredis.DedupStore, error){
		"nil client": func() (*timredis.DedupStore, error) { return timredis.NewDedupStore(nil, appID) },
		"zero app":   func() (*timredis.DedupStore, error) { return timredis.NewDedupStore(rdb, 0) },
		"nil option": func() (*timredis.DedupStore, error) { return timredis.NewDedupStore(rdb, appID, nil) },
	} {
		s, err := call()
		assert.Nil(t, s, name)
		assert.ErrorIs(t, err, tim.ErrInvalidParameter, name)
	}
}

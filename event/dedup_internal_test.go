package event

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestMemoryDedupTTL(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewMemoryDedup(10)
	s.now = clk.now
	ctx := context.Background()
	seen, err := s.SeenOrAdd(ctx, "a", time.Minute)
	require.NoError(t, err)
	assert.False(t, seen)
	seen, _ = s.SeenOrAdd(ctx, "a", time.Minute)
	assert.True(t, seen)
	clk.add(59 * time.Second)
	seen, _ = s.SeenOrAdd(ctx, "a", time.Minute)
	assert.True(t, seen, "still inside the window")
	clk.add(time.Second)
	seen, _ = s.SeenOrAdd(ctx, "a", time.Minute)
	assert.False(t, seen, "expired: a new delivery")
	assert.Equal(t, 1, s.Len())
}

func TestMemoryDedupBounded(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewMemoryDedup(100)
	s.now = clk.now
	ctx := context.Background()
	for i := range 1000 {
		seen, err := s.SeenOrAdd(ctx, strconv.Itoa(i), time.Hour)
		require.NoError(t, err)
		require.False(t, seen)
		require.LessOrEqual(t, s.Len(), 100)
	}
	assert.Equal(t, 100, s.Len())
	seen, _ := s.SeenOrAdd(ctx, "999", time.Hour)
	assert.True(t, seen, "recent keys kept")
	seen, _ = s.SeenOrAdd(ctx, "0", time.Hour)
	assert.False(t, seen, "oldest keys evicted first")
}

func TestMemoryDedupMixedTTLAndReAdd(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{t: time.Unix(1000, 0)}
	s := NewMemoryDedup(4)
	s.now = clk.now
	ctx := context.Background()
	s.SeenOrAdd(ctx, "long", time.Hour)
	s.SeenOrAdd(ctx, "short", time.Second)
	clk.add(2 * time.Second)
	seen, _ := s.SeenOrAdd(ctx, "short", time.Second)
	assert.False(t, seen, "expired behind a longer-lived key")
	seen, _ = s.SeenOrAdd(ctx, "short", time.Second)
	assert.True(t, seen)
	// Evicting the stale ring entry of "short" must not forget the new one.
	for i := range 3 {
		s.SeenOrAdd(ctx, "k"+strconv.Itoa(i), time.Hour)
	}
	assert.LessOrEqual(t, s.Len(), 4)
}

func TestMemoryDedupConcurrent(t *testing.T) {
	t.Parallel()
	s := NewMemoryDedup(0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := map[string]int{}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := strconv.Itoa((i + g) % 300)
				seen, err := s.SeenOrAdd(context.Background(), k, time.Minute)
				assert.NoError(t, err)
				if !seen {
					mu.Lock()
					firsts[k]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	assert.Len(t, firsts, 300)
	for k, n := range firsts {
		assert.Equal(t, 1, n, k)
	}
}

func TestDecodeTolerantKeepsShallowestField(t *testing.T) {
	t.Parallel()
	fs := jsonFields(reflect.TypeFor[GroupAfterSendMsg]())
	assert.Contains(t, fs.exact, "MsgSeq")
	assert.Contains(t, fs.exact, "GroupId")
	assert.Contains(t, fs.exact, "EventTime")
	assert.Contains(t, fs.folded, "groupid")
}

package usersig

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock that counts its reads.
type fakeClock struct {
	ns    atomic.Int64
	reads atomic.Int64
}

func newFakeClock(t time.Time) *fakeClock {
	c := new(fakeClock)
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time {
	c.reads.Add(1)
	return time.Unix(0, c.ns.Load())
}

func (c *fakeClock) Set(t time.Time)         { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *fakeClock) peek() time.Time         { return time.Unix(0, c.ns.Load()) }

func newTestSigner(t *testing.T, clock *fakeClock, validity time.Duration, opts ...SignerOption) *Signer {
	t.Helper()
	g := newTestGenerator(t, WithClock(clock.Now))
	s, err := NewSigner(g, validity, opts...)
	require.NoError(t, err)
	require.Same(t, g, s.Generator())
	return s
}

func TestNewSignerRules(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t)
	tests := []struct {
		name     string
		g        *Generator
		validity time.Duration
		opts     []SignerOption
		want     error
		msg      string
	}{
		{"nil generator", nil, time.Hour, nil, nil, "usersig: NewSigner needs a non-nil Generator"},
		{"validity 0", g, 0, nil, ErrInvalidValidity, "usersig: validity is 0s, must be at least 1s"},
		{"validity -1h", g, -time.Hour, nil, ErrInvalidValidity, "usersig: validity is -1h0m0s, must be at least 1s"},
		{"renew-before = validity", g, time.Hour, []SignerOption{WithRenewBefore(time.Hour)}, ErrInvalidValidity,
			"usersig: renew-before is 1h0m0s, must be positive and shorter than the validity 1h0m0s"},
		{"renew-before 0", g, time.Hour, []SignerOption{WithRenewBefore(0)}, ErrInvalidValidity,
			"usersig: renew-before is 0s, must be positive and shorter than the validity 1h0m0s"},
		{"renew-before negative", g, time.Hour, []SignerOption{WithRenewBefore(-time.Minute)}, ErrInvalidValidity,
			"usersig: renew-before is -1m0s, must be positive and shorter than the validity 1h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSigner(tt.g, tt.validity, tt.opts...)
			assert.Nil(t, s)
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.Equal(t, tt.msg, err.Error())
		})
	}
	s, err := NewSigner(g, 24*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 6*time.Hour, s.renewBefore, "default: a quarter of the validity")
	s, err = NewSigner(g, 24*time.Hour, WithRenewBefore(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, time.Hour, s.renewBefore)
	s, err = NewSigner(g, 24*time.Hour, WithRenewBefore(time.Hour), nil)
	assert.Nil(t, s)
	assert.ErrorIs(t, err, ErrInvalidOption, "a nil option is refused, not skipped")
}

func TestSignerCaches(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, 24*time.Hour)

	first, err := s.Sig("administrator")
	require.NoError(t, err)
	assert.NoError(t, Verify(first, testAppID, testKey, "administrator", nil, clock.peek()))
	assert.Equal(t, uint64(1), s.generated.Load())

	for range 100 {
		clock.Advance(time.Minute)
		sig, err := s.Sig("administrator")
		require.NoError(t, err)
		assert.Equal(t, first, sig)
	}
	assert.Equal(t, uint64(1), s.generated.Load(), "a cached sig is not generated again")

	other, err := s.Sig("user1")
	require.NoError(t, err)
	assert.NotEqual(t, first, other)
	assert.Equal(t, uint64(2), s.generated.Load())
	assert.NoError(t, Verify(other, testAppID, testKey, "user1", nil, clock.peek()))

	// Identifier rules apply, and a rejected identifier is not cached.
	_, err = s.Sig("")
	assert.ErrorIs(t, err, ErrInvalidIdentifier)
	_, err = s.Sig("this-identifier-is-far-too-long-for-tencent")
	assert.ErrorIs(t, err, ErrInvalidIdentifier)
	n := 0
	s.entries.Range(func(any, any) bool { n++; return true })
	assert.Equal(t, 2, n)
}

func TestSignerRenews(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, 24*time.Hour) // renews in the last 6h

	first, err := s.Sig("admin")
	require.NoError(t, err)

	clock.Set(testT0.Add(18 * time.Hour))
	sig, err := s.Sig("admin")
	require.NoError(t, err)
	assert.Equal(t, first, sig, "exactly renew-before remains")

	clock.Set(testT0.Add(18*time.Hour + time.Second))
	second, err := s.Sig("admin")
	require.NoError(t, err)
	assert.NotEqual(t, first, second, "renewed once less than renew-before remains")
	assert.Equal(t, uint64(2), s.generated.Load())
	info, err := Decode(second)
	require.NoError(t, err)
	assert.Equal(t, testT0.Add(18*time.Hour+time.Second), info.IssuedAt)
	assert.Equal(t, 24*time.Hour, info.Validity)

	clock.Advance(time.Hour)
	sig, err = s.Sig("admin")
	require.NoError(t, err)
	assert.Equal(t, second, sig)
	assert.Equal(t, uint64(2), s.generated.Load())
}

func TestSignerCustomRenewBefore(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour, WithRenewBefore(10*time.Minute))
	first, err := s.Sig("admin")
	require.NoError(t, err)
	clock.Set(testT0.Add(49 * time.Minute))
	sig, err := s.Sig("admin")
	require.NoError(t, err)
	assert.Equal(t, first, sig)
	clock.Set(testT0.Add(51 * time.Minute))
	sig, err = s.Sig("admin")
	require.NoError(t, err)
	assert.NotEqual(t, first, sig)
}

func TestSignerReplacesExpired(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour)
	first, err := s.Sig("admin")
	require.NoError(t, err)

	clock.Set(testT0.Add(3 * time.Hour)) // long past expiry, no call in between
	sig, err := s.Sig("admin")
	require.NoError(t, err)
	assert.NotEqual(t, first, sig)
	assert.NoError(t, Verify(sig, testAppID, testKey, "admin", nil, clock.peek()))
	assert.ErrorIs(t, Verify(first, testAppID, testKey, "admin", nil, clock.peek()), ErrExpired)
}

func TestSignerInvalidate(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, 24*time.Hour)
	first, err := s.Sig("admin")
	require.NoError(t, err)

	s.Invalidate("admin")
	s.Invalidate("never-cached") // no-op
	clock.Advance(time.Second)
	second, err := s.Sig("admin")
	require.NoError(t, err)
	assert.NotEqual(t, first, second)
	assert.Equal(t, uint64(2), s.generated.Load())

	sig, err := s.Sig("admin")
	require.NoError(t, err)
	assert.Equal(t, second, sig)
	assert.Equal(t, uint64(2), s.generated.Load())
}

// TestSignerStress hammers Sig from many goroutines while the clock crosses
// the renewal point: every sig must verify when it is returned, and the
// renewal must happen exactly once.
func TestSignerStress(t *testing.T) {
	t.Parallel()
	const (
		validity    = time.Hour
		renewBefore = 15 * time.Minute
		workers     = 64
	)
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, validity, WithRenewBefore(renewBefore))
	first, err := s.Sig("admin")
	require.NoError(t, err)
	renewAt := testT0.Add(validity - renewBefore)
	clock.Set(renewAt.Add(-2 * time.Second))

	var (
		wg      sync.WaitGroup
		stop    atomic.Bool
		calls   atomic.Int64
		mu      sync.Mutex
		seen    = map[string]bool{}
		failure atomic.Value
	)
	for range workers {
		wg.Go(func() {
			local := map[string]bool{}
			for !stop.Load() {
				sig, err := s.Sig("admin")
				now := clock.peek()
				calls.Add(1)
				if err != nil {
					failure.Store(err.Error())
					return
				}
				if !local[sig] {
					if err := Verify(sig, testAppID, testKey, "admin", nil, now); err != nil {
						failure.Store(err.Error())
						return
					}
					local[sig] = true
				}
				runtime.Gosched() // let the clock walker run on small machines
			}
			mu.Lock()
			for k := range local {
				seen[k] = true
			}
			mu.Unlock()
		})
	}
	// Walk the clock across the renewal point in small steps.
	for range 16 {
		clock.Advance(250 * time.Millisecond)
		for c0 := calls.Load(); calls.Load() < c0+16*workers && failure.Load() == nil; {
			time.Sleep(100 * time.Microsecond)
		}
	}
	stop.Store(true)
	wg.Wait()

	require.Nil(t, failure.Load())
	assert.Equal(t, uint64(2), s.generated.Load(), "one first sig, one renewal")
	assert.Len(t, seen, 2)
	assert.True(t, seen[first], "the first sig was served until the renewal")
	for sig := range seen {
		assert.NoError(t, Verify(sig, testAppID, testKey, "admin", nil, clock.peek()))
	}
}

// TestSignerStressExpired: when the cached sig has already expired, every
// concurrent caller waits for the single replacement.
func TestSignerStressExpired(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour)
	old, err := s.Sig("admin")
	require.NoError(t, err)
	clock.Set(testT0.Add(2 * time.Hour))

	var wg sync.WaitGroup
	results := make([]string, 64)
	start := make(chan struct{})
	for i := range results {
		wg.Go(func() {
			<-start
			sig, err := s.Sig("admin")
			assert.NoError(t, err)
			results[i] = sig
		})
	}
	close(start)
	wg.Wait()
	for _, sig := range results {
		assert.NotEqual(t, old, sig)
		assert.Equal(t, results[0], sig)
	}
	assert.NoError(t, Verify(results[0], testAppID, testKey, "admin", nil, clock.peek()))
	assert.Equal(t, uint64(2), s.generated.Load())
}

func TestSignerHitDoesNotAllocate(t *testing.T) {
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour)
	_, err := s.Sig("admin")
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := s.Sig("admin"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

// TestSignerManyIdentifiers mixes identifiers so both the newest-entry fast
// path and the map are used, with invalidations in between.
func TestSignerManyIdentifiers(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour)
	ids := []string{"administrator", "user1", "user2", "医生张三"}
	first := map[string]string{}
	for _, id := range ids {
		sig, err := s.Sig(id)
		require.NoError(t, err)
		first[id] = sig
	}
	for range 3 {
		for _, id := range ids {
			sig, err := s.Sig(id)
			require.NoError(t, err)
			assert.Equal(t, first[id], sig, id)
		}
	}
	assert.Equal(t, uint64(len(ids)), s.generated.Load())

	clock.Advance(time.Second)
	s.Invalidate("user1")         // in the map only
	s.Invalidate(ids[len(ids)-1]) // also the newest entry
	for _, id := range ids {
		sig, err := s.Sig(id)
		require.NoError(t, err)
		if id == "user1" || id == ids[len(ids)-1] {
			assert.NotEqual(t, first[id], sig, id)
		} else {
			assert.Equal(t, first[id], sig, id)
		}
		assert.NoError(t, Verify(sig, testAppID, testKey, id, nil, clock.peek()))
	}
	assert.Equal(t, uint64(len(ids)+2), s.generated.Load())
}

// TestSignerConcurrentInvalidate races Sig, Invalidate and new identifiers.
func TestSignerConcurrentInvalidate(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testT0)
	s := newTestSigner(t, clock, time.Hour)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := range 200 {
				id := []string{"a", "b", "c"}[(w+i)%3]
				if i%7 == 0 {
					s.Invalidate(id)
					continue
				}
				sig, err := s.Sig(id)
				if !assert.NoError(t, err) {
					return
				}
				assert.NoError(t, Verify(sig, testAppID, testKey, id, nil, clock.peek()))
			}
		})
	}
	wg.Wait()
	// Afterwards, an invalidation always takes effect.
	for _, id := range []string{"a", "b", "c"} {
		before := s.generated.Load()
		s.Invalidate(id)
		_, err := s.Sig(id)
		require.NoError(t, err)
		assert.Equal(t, before+1, s.generated.Load(), id)
	}
}

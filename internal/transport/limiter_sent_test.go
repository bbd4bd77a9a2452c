package transport

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

// Units of a tracked Acquire count in every window, whatever their age,
// until Sent; then they enter the log at the Sent time.
func TestLimiterCountsUnitsInFlightUntilSent(t *testing.T) {
	t.Parallel()
	base := time.Unix(1700000000, 0)
	var mu sync.Mutex
	now := base
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	l := NewLocalLimiter(Rate{N: 10, Per: time.Second}, nil, clock)
	// The default rate's pacing lets 10 go at once only after a while.
	ctx := context.Background()
	for range 10 {
		tracked, err := l.Acquire(ctx, "k", 1)
		require.NoError(t, err)
		require.True(t, tracked)
		advance(200 * time.Millisecond)
	}
	full := func(msg string) {
		t.Helper()
		dctx, cancel := context.WithDeadline(ctx, clock().Add(time.Millisecond))
		defer cancel()
		assert.ErrorIs(t, l.Wait(dctx, "k", 1), context.DeadlineExceeded, msg)
	}
	advance(5 * time.Second) // long past a window: the units are still in flight
	full("10 units in flight")

	for range 10 {
		l.Sent("k", 1)
	}
	advance(time.Second) // a window from the Sent time has not passed
	full("10 units logged a second ago")
	advance(windowOf(Rate{N: 10, Per: time.Second}) - time.Second)
	assert.NoError(t, l.Wait(ctx, "k", 1), "the window from the Sent time has passed")

	// Unlimited keys and no units are not tracked.
	tracked, err := NewLocalLimiter(Rate{}, nil, nil).Acquire(ctx, "k", 1)
	assert.NoError(t, err)
	assert.False(t, tracked)
	tracked, err = l.Acquire(ctx, "k", 0)
	assert.NoError(t, err)
	assert.False(t, tracked)
}

// sentRecorder is a SentLimiter that notes Acquire and Sent calls.
type sentRecorder struct {
	mu       sync.Mutex
	acquired map[string]int
	sent     map[string]int
	onSent   func(key string)
}

func (r *sentRecorder) Wait(context.Context, string, int) error {
	panic("the transport must Acquire from a SentLimiter")
}

func (r *sentRecorder) Acquire(_ context.Context, key string, n int) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acquired[key] += n
	return true, nil
}

func (r *sentRecorder) Sent(key string, n int) {
	r.mu.Lock()
	r.sent[key] += n
	f := r.onSent
	r.mu.Unlock()
	if f != nil {
		f(key)
	}
}

func (r *sentRecorder) counts() (acquired, sent map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acquired, r.sent
}

// The transport reports the units Sent once the attempt is over (the
// answer has arrived, so the server has the request), never while the
// server is still handling it: not when the request is written.
func TestTransportReportsSentWhenTheAttemptEnds(t *testing.T) {
	t.Parallel()
	sent := make(chan struct{})
	var once sync.Once
	rec := &sentRecorder{acquired: map[string]int{}, sent: map[string]int{},
		onSent: func(string) { once.Do(func() { close(sent) }) }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		// The client has the request written and the answer's first byte:
		// its units still count until the attempt is over.
		select {
		case <-sent:
			t.Error("Sent before the answer was complete")
		case <-time.After(50 * time.Millisecond):
		}
		_, _ = io.WriteString(w, `{"ActionStatus":"OK","ErrorCode":0}`)
	}))
	t.Cleanup(srv.Close)
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Limiter = rec; c.Retry = &RetryPolicy{MaxAttempts: 1} })
	ep := api.Endpoint{Path: "openim/batchsendmsg", Safety: api.Idempotent, Budget: BatchRecipientsKey, Units: 7}
	require.NoError(t, tr.Do(context.Background(), ep, nil, nil))
	acquired, reported := rec.counts()
	assert.Equal(t, map[string]int{"openim/batchsendmsg": 1, BatchRecipientsKey: 7}, acquired)
	assert.Equal(t, acquired, reported, "every unit acquired is reported sent, once")
}

// A request that never left is reported Sent too, when the attempt ends:
// nothing stays in flight for ever.
func TestTransportReportsSentWhenNothingWasWritten(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	rec := &sentRecorder{acquired: map[string]int{}, sent: map[string]int{}}
	tr, _ := newTransport(t, "http://"+addr, func(c *Config) { c.Limiter = rec; c.Retry = &RetryPolicy{MaxAttempts: 2} })
	require.Error(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	acquired, sent := rec.counts()
	assert.Equal(t, map[string]int{"a/b": 2}, acquired, "one unit per attempt")
	assert.Equal(t, acquired, sent)
}

// A renewed usersig resends the request without spending the batch budget
// again: the recipients are counted once a call (the per-API budget once an
// attempt), and everything acquired is reported Sent.
func TestRenewalDoesNotSpendTheBatchBudgetTwice(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("openim/batchsendmsg", func(r testkit.Request) any {
		if r.Query.Get("usersig") == testSig+"0" {
			return testkit.Fail(70001, "usersig expired")
		}
		return nil
	})
	rec := &sentRecorder{acquired: map[string]int{}, sent: map[string]int{}}
	tr, s := newTransport(t, srv.URL, func(c *Config) { c.Limiter = rec; c.Retry = &NoRetry })
	ep := api.Endpoint{Path: "openim/batchsendmsg", Safety: api.Idempotent, Budget: BatchRecipientsKey, Units: 7}
	require.NoError(t, tr.Do(context.Background(), ep, nil, nil))
	require.Equal(t, 1, s.invalidated, "the sig was renewed")
	require.Len(t, srv.Calls("openim/batchsendmsg"), 2)
	acquired, reported := rec.counts()
	assert.Equal(t, map[string]int{"openim/batchsendmsg": 2, BatchRecipientsKey: 7}, acquired)
	assert.Equal(t, acquired, reported)
}

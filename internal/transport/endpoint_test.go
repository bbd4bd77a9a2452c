package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

// keyLimiter records every (key, n) the transport asks for.
type keyLimiter struct {
	mu    sync.Mutex
	waits []string
}

func (k *keyLimiter) Wait(_ context.Context, key string, n int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.waits = append(k.waits, fmt.Sprintf("%s×%d", key, n))
	return nil
}

func (k *keyLimiter) got() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.waits...)
}

// The declaration alone decides the budgets a call spends: one unit of its
// rate key per attempt, its Units of Budget once per call.
func TestDeclarationDecidesBudgets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ep    api.Endpoint
		fails int
		want  []string
	}{
		{"path is the default key", idem("a/b"), 0, []string{"a/b×1"}},
		{"rate key shared by two paths", api.Endpoint{Path: "a/b", RateKey: "shared", Safety: api.Idempotent}, 0, []string{"shared×1"}},
		{"batch budget once, per-API unit per attempt",
			api.Endpoint{Path: "a/b", Safety: api.Idempotent, Budget: api.BatchRecipientsKey}.Spending(500), 2,
			[]string{api.BatchRecipientsKey + "×500", "a/b×1", "a/b×1", "a/b×1"}},
		{"units without a budget spend nothing more", api.Endpoint{Path: "a/b", Safety: api.Idempotent, Units: 9}, 0, []string{"a/b×1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			flaky(srv, "a/b", tc.fails, 200, `{"ActionStatus":"FAIL","ErrorCode":10002}`)
			lim := &keyLimiter{}
			tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Limiter = lim })
			require.NoError(t, tr.Do(context.Background(), tc.ep, nil, nil))
			assert.Equal(t, tc.want, lim.got())
		})
	}
}

// A Deduped declaration without a window cannot bound its resends: it is
// treated as Unsafe rather than resent blindly.
func TestDedupedWithoutWindowIsNotResent(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	hits := flaky(srv, "a/b", 5, 503, ``)
	tr, _ := newTransport(t, srv.URL)
	err := tr.Do(context.Background(), api.Endpoint{Path: "a/b", Safety: api.Deduped}, nil, nil)
	assert.ErrorIs(t, err, api.ErrServerBusy)
	assert.Equal(t, int32(1), hits.Load())
}

func TestAfterRunsOnEveryReturn(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("fail/code", func(testkit.Request) any { return testkit.Fail(10004, "bad") })
	var after atomic.Int32
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.After = func(context.Context) { after.Add(1) } })
	ctx := context.Background()
	require.NoError(t, tr.Do(ctx, idem("a/b"), nil, nil))
	require.Error(t, tr.Do(ctx, idem("fail/code"), nil, nil))
	require.Error(t, tr.Do(ctx, api.Endpoint{Path: "bad path"}, nil, nil))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.Error(t, tr.Do(cancelled, idem("a/b"), nil, nil))
	assert.Equal(t, int32(4), after.Load(), "successes, failures, refusals")
}

func TestClosedTransportSendsNothing(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	tr, _ := newTransport(t, srv.URL)
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	tr.Close()
	tr.Close()
	err := tr.Do(context.Background(), idem("a/b"), nil, nil)
	assert.True(t, errors.Is(err, api.ErrClosed), "%v", err)
	assert.Contains(t, err.Error(), "a/b")
	assert.Len(t, srv.Calls("a/b"), 1)
}

// An Unsafe call whose request may have arrived is not resent, whatever
// the failure; one refused by frequency control is.
func TestUnsafeResendRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		status  int
		body    string
		wantHit int32
	}{
		{"busy code", 200, `{"ActionStatus":"FAIL","ErrorCode":91000}`, 1},
		{"5xx", 502, ``, 1},
		{"rate limited: refused unprocessed", 200, `{"ActionStatus":"FAIL","ErrorCode":60007}`, 2},
		{"429: refused unprocessed", http.StatusTooManyRequests, ``, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			hits := flaky(srv, "a/b", 1, tc.status, tc.body)
			tr, _ := newTransport(t, srv.URL)
			_ = tr.Do(context.Background(), api.Endpoint{Path: "a/b"}, nil, nil)
			assert.Equal(t, tc.wantHit, hits.Load())
		})
	}
}

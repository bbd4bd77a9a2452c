//go:build !tim_nohooks

// The observer's tests need the hooks: a build tagged tim_nohooks (for
// scripts/hookcost.sh only) compiles them out, and internal/transport's and
// event's own tests check that the observer is then never called.

package tim_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
)

type traceKey struct{}

// callObserver records the trace value each call's context carried.
type callObserver struct {
	api.NopObserver
	mu     sync.Mutex
	traces []string
	ends   int
}

func (o *callObserver) CallStart(ctx context.Context, _ api.Call) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	v, _ := ctx.Value(traceKey{}).(string)
	o.traces = append(o.traces, v)
	return ctx
}

func (o *callObserver) CallEnd(context.Context, api.Call, api.CallResult) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ends++
}

func TestWithObserverRejectsNil(t *testing.T) {
	t.Parallel()
	_, err := tim.New(testkit.AppID, testkit.Key, tim.WithObserver(nil))
	testkit.AssertInvalid(t, err, "WithObserver")
}

// TestLifecycleEventsCarryTheCallersContext: SDK_READY and SDK_NOT_READY
// handlers get the context of the call that caused them (its values, so
// trace ids flow; not its cancellation, since the call may be over), and
// the observer set with WithObserver sees every call (issue 16).
func TestLifecycleEventsCarryTheCallersContext(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/account_delete", func(testkit.Request) any { return testkit.Fail(70009, "wrong key") })
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	type got struct {
		trace     string
		cancelled bool
	}
	var mu sync.Mutex
	var ready, notReady []got
	event.On(d, func(ctx context.Context, _ *event.Ready) {
		mu.Lock()
		defer mu.Unlock()
		v, _ := ctx.Value(traceKey{}).(string)
		ready = append(ready, got{v, ctx.Err() != nil})
	})
	event.On(d, func(ctx context.Context, _ *event.NotReady) {
		mu.Lock()
		defer mu.Unlock()
		v, _ := ctx.Value(traceKey{}).(string)
		notReady = append(notReady, got{v, ctx.Err() != nil})
	})
	obs := &callObserver{}
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithDispatcher(d), tim.WithObserver(obs))
	require.NoError(t, err)
	defer c.Close()

	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), traceKey{}, "trace-login"))
	_, err = c.Login(ctx)
	require.NoError(t, err)
	cancel()
	_, err = c.Account.Delete(context.WithValue(context.Background(), traceKey{}, "trace-delete"), "u1")
	require.Error(t, err)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []got{{"trace-login", false}}, ready)
	assert.Equal(t, []got{{"trace-delete", false}}, notReady)
	obs.mu.Lock()
	defer obs.mu.Unlock()
	assert.Equal(t, []string{"trace-login", "trace-delete"}, obs.traces)
	assert.Equal(t, 2, obs.ends)
}

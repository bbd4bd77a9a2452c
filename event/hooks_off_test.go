//go:build tim_nohooks

package event_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/event"
)

// countingObserver counts the hooks that reach it.
type countingObserver struct {
	api.NopObserver
	calls atomic.Int32
}

func (o *countingObserver) CallbackStart(ctx context.Context, _ api.Callback) context.Context {
	o.calls.Add(1)
	return ctx
}

func (o *countingObserver) CallbackEnd(context.Context, api.Callback, api.CallbackResult) {
	o.calls.Add(1)
}

// TestNoHooksBuildCallsNoObserver: under the tim_nohooks tag (the build
// scripts/hookcost.sh measures against) the handler still answers, and
// the observer is never called. observe_test.go holds the hooks' own tests
// for the normal build.
func TestNoHooksBuildCallsNoObserver(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	obs := &countingObserver{}
	h := newTestHandler(t, d, event.WithObserver(obs))
	require.Equal(t, 200, post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg)).Code)
	assert.Zero(t, obs.calls.Load(), "tim_nohooks compiles the hooks out")
}

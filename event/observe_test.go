//go:build !tim_nohooks

package event_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/event"
)

type traceKey struct{}

// recordingObserver keeps every callback it is told about and marks the
// context it returns, so handlers can show they received it.
type recordingObserver struct {
	api.NopObserver
	mu     sync.Mutex
	starts []api.Callback
	ends   []observedEnd
}

type observedEnd struct {
	cb    api.Callback
	res   api.CallbackResult
	trace any
}

func (o *recordingObserver) CallbackStart(ctx context.Context, cb api.Callback) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts = append(o.starts, cb)
	return context.WithValue(ctx, traceKey{}, "trace-"+cb.Command)
}

func (o *recordingObserver) CallbackEnd(ctx context.Context, cb api.Callback, r api.CallbackResult) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ends = append(o.ends, observedEnd{cb: cb, res: r, trace: ctx.Value(traceKey{})})
}

func (o *recordingObserver) only(t *testing.T) (api.Callback, observedEnd) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	require.Len(t, o.starts, 1)
	require.Len(t, o.ends, 1)
	return o.starts[0], o.ends[0]
}

func TestObserverSeesEveryVerdict(t *testing.T) {
	t.Parallel()
	grp, bc2c := event.CmdGroupAfterSendMsg, event.CmdC2CBeforeSendMsg
	for _, tt := range []struct {
		name     string
		cmd      event.Command
		edit     []func(url.Values)
		body     []byte
		decider  func(context.Context, *event.C2CBeforeSendMsg) event.Decision
		opts     []event.HandlerOption
		status   int
		verdict  api.CallbackVerdict
		decision string
		fallback bool
		wantErr  bool
	}{
		{name: "verified after callback", cmd: grp, body: readCallback(t, grp), status: 200, verdict: api.VerdictAccepted},
		{name: "refused: forged Sign", cmd: grp, edit: []func(url.Values){setQ("Sign", strings.Repeat("0", 64))},
			body: readCallback(t, grp), status: 401, verdict: api.VerdictRefused, wantErr: true},
		{name: "refused: other app", cmd: grp, edit: []func(url.Values){setQ("SdkAppid", "1400000009")},
			body: readCallback(t, grp), status: 403, verdict: api.VerdictRefused, wantErr: true},
		{name: "bad request: invalid JSON", cmd: grp, body: []byte(`{`), status: 400, verdict: api.VerdictBadRequest, wantErr: true},
		{name: "before decided", cmd: bc2c, body: readCallback(t, bc2c), status: 200, verdict: api.VerdictAccepted,
			decider:  func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Reject("no") },
			decision: "reject(1)"},
		{name: "before: decider late, fallback answered", cmd: bc2c, body: readCallback(t, bc2c), status: 200,
			verdict: api.VerdictFailed, decision: "drop", fallback: true, wantErr: true,
			decider: func(ctx context.Context, _ *event.C2CBeforeSendMsg) event.Decision {
				<-ctx.Done()
				return event.Allow()
			},
			opts: []event.HandlerOption{event.WithBeforeBudget(30 * time.Millisecond), event.WithFallback(event.Drop())}},
		{name: "before: unusable body, fallback answered", cmd: bc2c, body: []byte(`{"MsgRandom":-1}`), status: 200,
			verdict: api.VerdictBadRequest, decision: "reject(1)", fallback: true, wantErr: true,
			opts: []event.HandlerOption{event.WithFallback(event.Reject("closed"))}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			if tt.decider != nil {
				event.Decide(d, tt.decider)
			}
			obs := &recordingObserver{}
			h := newTestHandler(t, d, append([]event.HandlerOption{event.WithObserver(obs)}, tt.opts...)...)
			rec := post(h, callbackURL(tt.cmd, tt.edit...), tt.body)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			start, end := obs.only(t)
			assert.Equal(t, string(tt.cmd), start.Command)
			assert.Equal(t, tt.cmd == bc2c, start.Before)
			assert.False(t, start.Start.IsZero())
			assert.Equal(t, start, end.cb)
			assert.Equal(t, "trace-"+string(tt.cmd), end.trace, "CallbackEnd gets CallbackStart's context")
			assert.Equal(t, tt.verdict, end.res.Verdict)
			assert.Equal(t, tt.status, end.res.Status)
			assert.Equal(t, tt.decision, end.res.Decision)
			assert.Equal(t, tt.fallback, end.res.Fallback)
			assert.Equal(t, tt.wantErr, end.res.Err != nil, "%v", end.res.Err)
			if end.res.Err != nil {
				assert.NotContains(t, end.res.Err.Error(), testToken)
			}
			assert.Positive(t, end.res.Duration)
		})
	}
}

// A second delivery of the same message is reported as a duplicate.
func TestObserverDuplicate(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.On(d, func(context.Context, *event.ReceivedMessage) {})
	obs := &recordingObserver{}
	h := newTestHandler(t, d, event.WithObserver(obs))
	body := readCallback(t, event.CmdGroupAfterSendMsg)
	for range 2 {
		require.Equal(t, 200, post(h, callbackURL(event.CmdGroupAfterSendMsg), body).Code)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	require.Len(t, obs.ends, 2)
	assert.Equal(t, api.VerdictAccepted, obs.ends[0].res.Verdict)
	assert.Equal(t, api.VerdictDuplicate, obs.ends[1].res.Verdict)
}

// The context the observer returns reaches deciders, typed and derived
// handlers, and the handlers of before callbacks.
func TestObserverContextReachesHandlers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	got := make(chan any, 4)
	event.On(d, func(ctx context.Context, _ *event.GroupAfterSendMsg) { got <- ctx.Value(traceKey{}) })
	event.On(d, func(ctx context.Context, _ *event.ReceivedMessage) { got <- ctx.Value(traceKey{}) })
	event.Decide(d, func(ctx context.Context, _ *event.C2CBeforeSendMsg) event.Decision {
		got <- ctx.Value(traceKey{})
		return event.Allow()
	})
	event.On(d, func(ctx context.Context, _ *event.C2CBeforeSendMsg) { got <- ctx.Value(traceKey{}) })
	h := newTestHandler(t, d, event.WithObserver(&recordingObserver{}))
	require.Equal(t, 200, post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg)).Code)
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg)).Code)
	want := []any{"trace-Group.CallbackAfterSendMsg", "trace-Group.CallbackAfterSendMsg",
		"trace-C2C.CallbackBeforeSendMsg", "trace-C2C.CallbackBeforeSendMsg"}
	for i := range want {
		select {
		case v := <-got:
			assert.Equal(t, want[i], v, "hook %d", i)
		case <-time.After(5 * time.Second):
			t.Fatalf("hook %d never ran", i)
		}
	}
}

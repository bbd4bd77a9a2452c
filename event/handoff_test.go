package event_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
)

// work runs d.Work on src until the returned stop is called; stop waits
// for Work to return.
func work(t *testing.T, d *event.Dispatcher, src event.Source, opts ...event.WorkOption) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Work(ctx, src, opts...) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return stop
}

func TestHandoffAcknowledgesBeforeHandlersRun(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var msgs atomic.Int32
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) {
		assert.Equal(t, "patient_1001", e.From)
		assert.Equal(t, event.PlatformIOS, e.Platform, "the origin travels with the entry")
		msgs.Add(1)
	})
	q := event.NewMemoryQueue(3)
	h := newTestHandler(t, d, event.WithHandoff(q))

	rec := post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg))
	require.Equal(t, 200, rec.Code)
	assert.Equal(t, okJSON, rec.Body.String())
	assert.Zero(t, msgs.Load(), "handlers do not run inside Tencent's request")
	ready, _ := q.Len()
	require.Equal(t, 1, ready)

	stop := work(t, d, q)
	require.Eventually(t, func() bool { return msgs.Load() == 1 }, 5*time.Second, time.Millisecond)
	stop()
	ready, pending := q.Len()
	assert.Zero(t, ready+pending, "the entry is acknowledged after its handlers returned")
}

// Tencent's duplicate is marked at the webhook (whichever replica gets
// it): the typed callback is delivered twice, MESSAGE_RECEIVED once.
func TestHandoffDuplicatesYieldOneDerivedEvent(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var raw, msgs atomic.Int32
	d.OnName(event.CallbackReceived, func(context.Context, event.Event) { raw.Add(1) })
	event.On(d, func(context.Context, *event.ReceivedMessage) { msgs.Add(1) })
	q := event.NewMemoryQueue(3)
	store := event.NewMemoryDedup(0)
	h1 := newTestHandler(t, d, event.WithHandoff(q), event.WithDedupStore(store))
	h2 := newTestHandler(t, d, event.WithHandoff(q), event.WithDedupStore(store))
	body := readCallback(t, event.CmdC2CAfterSendMsg)
	require.Equal(t, 200, post(h1, callbackURL(event.CmdC2CAfterSendMsg), body).Code)
	require.Equal(t, 200, post(h2, callbackURL(event.CmdC2CAfterSendMsg), body).Code)
	work(t, d, q, event.WithWorkers(2))
	require.Eventually(t, func() bool { return raw.Load() == 2 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, int32(1), msgs.Load())
}

func TestHandoffPanickingHandlerGoesToDeadLetters(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var calls atomic.Int32
	event.On(d, func(context.Context, *event.ReceivedMessage) {
		calls.Add(1)
		panic("handler bug")
	})
	q := event.NewMemoryQueue(3)
	h := newTestHandler(t, d, event.WithHandoff(q))
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), readCallback(t, event.CmdC2CAfterSendMsg)).Code)
	work(t, d, q)
	require.Eventually(t, func() bool { return len(q.DeadLetters()) == 1 }, 5*time.Second, time.Millisecond)
	assert.Equal(t, int32(3), calls.Load(), "delivered three times, then set aside")
	dead := q.DeadLetters()[0]
	assert.Equal(t, event.CmdC2CAfterSendMsg, dead.Command)
	assert.Equal(t, 3, dead.Deliveries)
}

// A graceful stop lets the handler in hand finish and acknowledges it; the
// entries not read yet stay queued for another worker.
func TestHandoffGracefulStopFinishesInFlight(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	// Buffered: the worker may reach the handler before the test waits on
	// started (a loaded machine), and the non-blocking send must not drop
	// that signal, or the test waits for ever.
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	var done atomic.Int32
	event.On(d, func(ctx context.Context, _ *event.ReceivedMessage) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		assert.NoError(t, ctx.Err(), "the worker's stop does not cancel handlers in hand")
		done.Add(1)
	})
	q := event.NewMemoryQueue(3)
	h := newTestHandler(t, d, event.WithHandoff(q))
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), readCallback(t, event.CmdC2CAfterSendMsg)).Code)
	stop := work(t, d, q, event.WithWorkers(1))
	<-started
	// A second entry arrives while the only worker is busy.
	require.Equal(t, 200, post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg)).Code)
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(20 * time.Millisecond)
	close(release)
	<-stopped
	assert.GreaterOrEqual(t, done.Load(), int32(1))
	ready, pending := q.Len()
	assert.Zero(t, pending, "what was in hand was acknowledged")
	assert.LessOrEqual(t, ready, 1)
}

type failingQueue struct{}

func (failingQueue) Append(context.Context, event.Queued) error { return errors.New("queue down") }

// When the queue refuses the entry the handler handles the callback inline:
// nothing is lost.
func TestHandoffQueueFailureHandlesInline(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var msgs atomic.Int32
	event.On(d, func(context.Context, *event.ReceivedMessage) { msgs.Add(1) })
	h := newTestHandler(t, d, event.WithHandoff(failingQueue{}))
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), readCallback(t, event.CmdC2CAfterSendMsg)).Code)
	assert.Equal(t, int32(1), msgs.Load())
}

// Before-callbacks are answered inline: Tencent waits for the decision.
func TestHandoffKeepsBeforeCallbacksInline(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Reject("no") })
	q := event.NewMemoryQueue(3)
	h := newTestHandler(t, d, event.WithHandoff(q))
	rec := post(h, callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	require.Equal(t, 200, rec.Code)
	assert.NotEqual(t, 0, decodeAnswer(t, rec).ErrorCode, "the decider's rejection is answered")
	ready, _ := q.Len()
	assert.Zero(t, ready)
}

func TestHandoffOptionErrors(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	_, err := event.NewHandler(d, testkit.AppID, event.WithoutSignature(), event.WithHandoff(nil))
	testkit.AssertInvalid(t, err, "WithHandoff")
	q := event.NewMemoryQueue(1)
	ctx := context.Background()
	testkit.AssertInvalid(t, d.Work(ctx, nil), "Work")
	testkit.AssertInvalid(t, d.Work(ctx, q, event.WithWorkers(0)), "WithWorkers")
	testkit.AssertInvalid(t, d.Work(ctx, q, event.WithHandlerTimeout(0)), "WithHandlerTimeout")
	testkit.AssertInvalid(t, d.Work(ctx, q, nil), "opts[0]")
}

// A handler that outlives WithHandlerTimeout fails its entry.
func TestHandoffHandlerTimeoutFailsTheEntry(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.On(d, func(ctx context.Context, _ *event.ReceivedMessage) { <-ctx.Done() })
	q := event.NewMemoryQueue(1)
	h := newTestHandler(t, d, event.WithHandoff(q))
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), readCallback(t, event.CmdC2CAfterSendMsg)).Code)
	work(t, d, q, event.WithHandlerTimeout(10*time.Millisecond))
	require.Eventually(t, func() bool { return len(q.DeadLetters()) == 1 }, 5*time.Second, time.Millisecond)
}

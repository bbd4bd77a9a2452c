//go:build otel_e2e

// The end-to-end test needs tim.WithObserver and event.WithObserver, which
// other branches add: run it with `go test -tags otel_e2e ./...` once they
// are merged.

package otel_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	timotel "github.com/timkit/tim/contrib/otel"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// A client and a webhook handler sharing one Observer, against the fake:
// REST calls become call and attempt spans, the callbacks the fake sends
// for the message become callback spans, and the metrics count both.
func TestEndToEndClientAndWebhook(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	obs, err := timotel.New(timotel.WithTracerProvider(tp), timotel.WithMeterProvider(mp))
	require.NoError(t, err)

	const token = "e2e-callback-token"
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Allow() })
	hook, err := event.NewHandler(d, 1400000000, event.WithToken(token), event.WithObserver(obs))
	require.NoError(t, err)
	hs := httptest.NewServer(hook)
	t.Cleanup(hs.Close)

	srv := timtest.NewServer(t, timtest.WithSDKAppID(1400000000), timtest.WithCallback(hs.URL, token),
		timtest.WithCallbackCommands("C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"))
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL), tim.WithObserver(obs))
	require.NoError(t, err)

	ctx := context.Background()
	for _, id := range []string{"doctor_42", "patient_1001"} {
		require.NoError(t, c.Account.Import(ctx, account.Account{UserID: id}))
	}
	_, err = c.Message.Send(ctx, message.NewText(message.ConvC2C, "patient_1001", "see you at 9",
		message.WithSender("doctor_42")))
	require.NoError(t, err)

	var names []string
	require.Eventually(t, func() bool {
		names = names[:0]
		for _, s := range spans.Ended() {
			names = append(names, s.Name())
		}
		joined := strings.Join(names, "\n")
		return strings.Contains(joined, "tim.callback C2C.CallbackBeforeSendMsg") &&
			strings.Contains(joined, "tim.callback C2C.CallbackAfterSendMsg")
	}, 5*time.Second, 10*time.Millisecond, "spans: %v", names)

	var calls, attempts, callbacks int
	for _, s := range spans.Ended() {
		switch {
		case s.Name() == "tim openim/sendmsg":
			calls++
			assert.Equal(t, trace.SpanKindInternal, s.SpanKind())
		case s.Name() == "POST openim/sendmsg":
			attempts++
			assert.Equal(t, trace.SpanKindClient, s.SpanKind())
			assert.True(t, s.Parent().IsValid(), "an attempt is a child of its call")
		case strings.HasPrefix(s.Name(), "tim.callback "):
			callbacks++
			assert.Equal(t, trace.SpanKindServer, s.SpanKind())
		}
		for _, kv := range s.Attributes() {
			v := kv.Value.String()
			assert.NotContains(t, v, srv.SecretKey)
			assert.NotContains(t, v, token)
			assert.NotContains(t, v, "see you at 9")
		}
	}
	assert.Equal(t, 1, calls)
	assert.GreaterOrEqual(t, attempts, 1)
	assert.GreaterOrEqual(t, callbacks, 2)

	m := collect(t, reader)
	assert.Equal(t, int64(1), m.sums(timotel.MetricCalls)["tim.endpoint=openim/sendmsg,tim.family=none,tim.outcome=ok"])
	got := m.sums(timotel.MetricCallbacks)
	assert.Equal(t, int64(1), got["tim.callback.command=C2C.CallbackBeforeSendMsg,tim.callback.verdict=accepted"])
	assert.Equal(t, int64(1), got["tim.callback.command=C2C.CallbackAfterSendMsg,tim.callback.verdict=accepted"])
	assert.NotEmpty(t, m.counts(timotel.MetricDecisionTime))
}

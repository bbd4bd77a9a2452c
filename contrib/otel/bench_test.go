package otel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/timkit/tim/api"
	timotel "github.com/timkit/tim/contrib/otel"
)

// The hooks of one successful call (CallStart, LimiterWait, AttemptStart,
// AttemptEnd, CallEnd), and of one callback, per iteration.

func benchCall(b *testing.B, o api.Observer) {
	ctx := context.Background()
	c := api.Call{Endpoint: sendmsg, Start: t0}
	a := api.Attempt{Endpoint: sendmsg, Number: 1, Host: primary}
	b.ReportAllocs()
	for b.Loop() {
		cctx := o.CallStart(ctx, c)
		o.LimiterWait(cctx, api.LimiterWait{Key: "openim/sendmsg", Units: 1, Waited: time.Millisecond})
		actx := o.AttemptStart(cctx, a)
		o.AttemptEnd(actx, a, api.AttemptResult{HTTPStatus: 200, Duration: 20 * time.Millisecond})
		o.CallEnd(cctx, c, api.CallResult{Attempts: 1, HTTPStatus: 200, Duration: 25 * time.Millisecond})
	}
}

func benchCallback(b *testing.B, o api.Observer) {
	ctx := context.Background()
	cb := api.Callback{Command: "C2C.CallbackBeforeSendMsg", Before: true, Start: t0}
	b.ReportAllocs()
	for b.Loop() {
		cctx := o.CallbackStart(ctx, cb)
		o.CallbackEnd(cctx, cb, api.CallbackResult{Verdict: api.VerdictAccepted, Status: http.StatusOK,
			Decision: "allow", Duration: 3 * time.Millisecond})
	}
}

func noopObserver(b *testing.B) *timotel.Observer {
	o, err := timotel.New(timotel.WithTracerProvider(tracenoop.NewTracerProvider()),
		timotel.WithMeterProvider(metricnoop.NewMeterProvider()))
	require.NoError(b, err)
	return o
}

func sdkObserver(b *testing.B) *timotel.Observer {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	o, err := timotel.New(timotel.WithTracerProvider(tp), timotel.WithMeterProvider(mp))
	require.NoError(b, err)
	return o
}

func BenchmarkObserverCall(b *testing.B) {
	b.Run("nop-observer", func(b *testing.B) { benchCall(b, api.NopObserver{}) })
	b.Run("otel-noop-provider", func(b *testing.B) { benchCall(b, noopObserver(b)) })
	b.Run("otel-sdk", func(b *testing.B) { benchCall(b, sdkObserver(b)) })
}

func BenchmarkObserverCallback(b *testing.B) {
	b.Run("nop-observer", func(b *testing.B) { benchCallback(b, api.NopObserver{}) })
	b.Run("otel-noop-provider", func(b *testing.B) { benchCallback(b, noopObserver(b)) })
	b.Run("otel-sdk", func(b *testing.B) { benchCallback(b, sdkObserver(b)) })
}

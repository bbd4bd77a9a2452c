package otel_test

import (
	"context"
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/timkit/tim/api"
	timotel "github.com/timkit/tim/contrib/otel"
)

// An Observer on an SDK tracer provider. Hand it to tim.WithObserver and
// event.WithObserver; here the hooks the webhook handler calls for one
// callback are called by hand.
func ExampleNew() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	obs, err := timotel.New(timotel.WithTracerProvider(tp))
	if err != nil {
		panic(err)
	}
	cb := api.Callback{Command: "C2C.CallbackAfterSendMsg"}
	ctx := obs.CallbackStart(context.Background(), cb)
	obs.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictAccepted, Status: 200})

	for _, s := range spans.Ended() {
		fmt.Println(s.Name())
	}
	// Output: tim.callback C2C.CallbackAfterSendMsg
}

// Command consult runs the consult example (examples/consult) with
// OpenTelemetry: every REST call, attempt and callback becomes a span
// printed by the stdout exporter, and the metrics are printed when the
// demo ends.
//
//	go run ./examples/consult -demo            # from contrib/otel
//	go run ./examples/consult -demo -spans=false  # metrics only
//
// The flags and environment are those of examples/consult (the built-in
// fake by default; TIM_SDKAPPID and TIM_SECRET_KEY for Tencent).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/consult/consultapp"

	timotel "github.com/timkit/tim/contrib/otel"
)

func main() {
	demo := flag.Bool("demo", true, "run the consult demo against the backend and exit")
	spans := flag.Bool("spans", true, "print every span (stdout exporter); false prints the metrics only")
	flag.Parse()
	cfg, err := consultapp.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult-otel:", err)
		os.Exit(2)
	}
	if !*demo {
		fmt.Fprintln(os.Stderr, "consult-otel: only -demo is supported here; serve with examples/consult")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg, *spans); err != nil {
		fmt.Fprintln(os.Stderr, "consult-otel: FAILED:", err)
		os.Exit(1)
	}
}

// run runs the demo with an OpenTelemetry observer on the client and the
// webhook, then prints the metrics it recorded.
func run(ctx context.Context, out io.Writer, cfg consultapp.Config, spans bool) error {
	out = &lockedWriter{w: out} // spans are written from the webhook's goroutines too
	spanOut := io.Discard
	if spans {
		spanOut = out
	}
	exp, err := stdouttrace.New(stdouttrace.WithWriter(spanOut))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.WithoutCancel(ctx))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.WithoutCancel(ctx))
	obs, err := timotel.New(timotel.WithTracerProvider(tp), timotel.WithMeterProvider(mp))
	if err != nil {
		return err
	}
	err = consultapp.RunDemo(ctx, out, cfg, consultapp.Options{
		ClientOptions:  []tim.Option{tim.WithObserver(obs)},
		HandlerOptions: []event.HandlerOption{event.WithObserver(obs)},
	})
	if err != nil {
		return err
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nMetrics recorded:")
	enc := json.NewEncoder(out)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if err := enc.Encode(summary(m)); err != nil {
				return err
			}
		}
	}
	return nil
}

// summary is one metric's name and its points' attributes and values.
func summary(m metricdata.Metrics) map[string]any {
	var points []map[string]any
	add := func(attrs map[string]string, v any) {
		points = append(points, map[string]any{"attributes": attrs, "value": v})
	}
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			add(attrMap(p.Attributes.ToSlice()), p.Value)
		}
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			add(attrMap(p.Attributes.ToSlice()), p.Value)
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			add(attrMap(p.Attributes.ToSlice()), map[string]any{"count": p.Count, "sum": p.Sum})
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			add(attrMap(p.Attributes.ToSlice()), map[string]any{"count": p.Count, "sum": p.Sum})
		}
	}
	return map[string]any{"metric": m.Name, "points": points}
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// lockedWriter serialises the demo's lines and the exporter's spans.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

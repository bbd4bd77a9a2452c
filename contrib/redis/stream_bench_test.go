package timredis_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim/event"

	timredis "github.com/timkit/tim/contrib/redis"
)

// BenchmarkHandoffAck measures callbacks acknowledged to Tencent per
// second, 16 at once, with the handlers inline (Tencent waits for them)
// and with the Redis hand-off (Tencent waits for the XADD only; workers run
// the handlers). The MESSAGE_RECEIVED handler sleeps for work (a write to
// the app's own store: 1 ms, or 20 ms with a push to another service).
// The throughput is in the callbacks/s metric.
func BenchmarkHandoffAck(b *testing.B) {
	srv := sharedRedis(b)
	for _, work := range []time.Duration{time.Millisecond, 20 * time.Millisecond} {
		for _, mode := range []string{"inline", "redis-handoff"} {
			b.Run(fmt.Sprintf("handler=%v/%s", work, mode), func(b *testing.B) { benchmarkAck(b, srv, mode, work) })
		}
	}
}

func benchmarkAck(b *testing.B, srv *redisServer, mode string, handlerWork time.Duration) {
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 32})
	defer rdb.Close()
	d, err := event.NewDispatcher()
	if err != nil {
		b.Fatal(err)
	}
	event.On(d, func(context.Context, *event.ReceivedMessage) { time.Sleep(handlerWork) })
	opts := []event.HandlerOption{event.WithoutSignature()}
	var stream *timredis.Stream
	if mode == "redis-handoff" {
		stream, err = timredis.NewStream(rdb, appID, timredis.WithStreamKey(prefix(b)+"bench"),
			timredis.WithConsumer("bench"), timredis.WithMaxLen(10_000_000))
		if err != nil {
			b.Fatal(err)
		}
		opts = append(opts, event.WithHandoff(stream))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.Work(ctx, stream, event.WithWorkers(16)) }()
		defer func() { cancel(); <-done }()
	}
	h, err := event.NewHandler(d, appID, opts...)
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism(8) // 16 requests at once on 2 cores
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, callbackRequest(fmt.Sprintf("%d_1_1", seq.Add(1))))
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "callbacks/s")
}

// BenchmarkHandoffLatency measures what the hand-off adds to a callback's
// handling: from the webhook receiving it to its handler starting, through
// XADD, XREADGROUP and the worker pool (p50 and p99 metrics).
func BenchmarkHandoffLatency(b *testing.B) {
	srv := sharedRedis(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	d, err := event.NewDispatcher()
	if err != nil {
		b.Fatal(err)
	}
	got := make(chan time.Time, 1)
	event.On(d, func(context.Context, *event.ReceivedMessage) { got <- time.Now() })
	stream, err := timredis.NewStream(rdb, appID, timredis.WithStreamKey(prefix(b)+"latency"), timredis.WithConsumer("bench"))
	if err != nil {
		b.Fatal(err)
	}
	h, err := event.NewHandler(d, appID, event.WithoutSignature(), event.WithHandoff(stream))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Work(ctx, stream, event.WithWorkers(4)) }()
	defer func() { cancel(); <-done }()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), callbackRequest(fmt.Sprintf("%d_2_2", i)))
		lat = append(lat, (<-got).Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

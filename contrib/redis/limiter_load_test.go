package timredis_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"

	timredis "github.com/timkit/tim/contrib/redis"
)

// The Redis limiter's load test across replicas: three replicas, each a
// group of sending goroutines with its own Redis connection pool, Limiter
// and tim.Client, send through the whole client to one server in another
// process (internal/testkit/loadserver), which notes when each request
// arrives. It reports, at the server, the worst sliding 1 s window (units)
// and the sustained rate, optionally with goroutines burning every CPU of
// the replicas' process so that timers and the scheduler run late. b.N is
// the number of requests of all replicas together; run it as
//
//	cd contrib/redis && go test -run '^$' -bench ReplicasLoad -benchtime 1000x -count 3
//
// (1,000 requests at 200/s is 5 s per case; the batch cases, 1–100
// recipients a call against 2,000 a second, about 25 s).

type replicaCase struct {
	name    string
	key     string     // the budget that binds
	rate    tim.Rate   // its rate
	units   func() int // units per request (nil: a plain request)
	burners int        // CPU-burning goroutines per GOMAXPROCS
}

func BenchmarkReplicasLoad(b *testing.B) {
	api := tim.Rate{N: 200, Per: time.Second}
	// The batch-recipient budget scaled to a second, as in
	// internal/transport's BenchmarkLimiterLoad.
	batch := tim.Rate{N: 2000, Per: time.Second}
	recipients := func() int { return 1 + rand.IntN(100) }
	cases := []replicaCase{
		{"api/idle", "a/b", api, nil, 0},
		{"api/cpu-starved", "a/b", api, nil, 4},
		{"batch-recipients/idle", tim.BatchRecipientsKey, batch, recipients, 0},
		{"batch-recipients/cpu-starved", tim.BatchRecipientsKey, batch, recipients, 4},
	}
	for _, rc := range cases {
		b.Run(rc.name, func(b *testing.B) { runReplicas(b, rc) })
	}
}

func runReplicas(b *testing.B, rc replicaCase) {
	const replicas, workers = 3, 22
	srv := sharedRedis(b)
	base, arrived := testkit.LoadServer(b)
	keyPrefix := prefix(b) + rc.name + ":"

	var logs syncBuffer // a fallback, even one that recovered, voids the measure
	clients := make([]*tim.Client, replicas)
	limiters := make([]*timredis.Limiter, replicas)
	for i := range clients {
		// Timeouts long enough for a starved process: a timeout would
		// degrade the limiter to local limiting and void the measure.
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: workers,
			DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
		b.Cleanup(func() { _ = rdb.Close() })
		opts := []timredis.LimiterOption{timredis.WithKeyPrefix(keyPrefix), timredis.WithKeyRate(rc.key, rc.rate),
			timredis.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}
		if rc.key == tim.BatchRecipientsKey {
			opts = append(opts, timredis.WithKeyRate("a/b", tim.Rate{})) // only the recipient budget binds
		}
		lim, err := timredis.NewLimiter(rdb, appID, opts...)
		if err != nil {
			b.Fatal(err)
		}
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
		b.Cleanup(hc.CloseIdleConnections)
		c, err := tim.New(appID, secretKey, tim.WithBaseURL(base), tim.WithHTTPClient(hc),
			tim.WithLimiter(lim), tim.WithoutRetry(), tim.WithTimeout(30*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		clients[i], limiters[i] = c, lim
	}

	stop := make(chan struct{})
	burners := testkit.BurnCPU(rc.burners*runtime.GOMAXPROCS(0), stop)
	defer func() { close(stop); burners.Wait() }()

	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for _, c := range clients {
		for range workers {
			wg.Go(func() {
				for left.Add(-1) >= 0 {
					ep := tim.Endpoint{Path: "a/b"}
					n := 0
					if rc.units != nil {
						n = rc.units()
						ep.Budget, ep.Units = tim.BatchRecipientsKey, n
					}
					if err := c.Do(context.Background(), ep, struct{ N int }{n}, nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	if out := logs.String(); out != "" {
		b.Fatalf("a replica fell back to local limiting: the run does not measure Redis:\n%s", out)
	}
	arrivals := arrived()
	if len(arrivals) != b.N {
		b.Fatalf("%d arrivals, want %d", len(arrivals), b.N)
	}
	worst := testkit.MaxUnitsInWindow(arrivals, time.Second)
	b.ReportMetric(float64(worst), "worst-1s-window")
	b.ReportMetric(float64(rc.rate.N), "budget")
	if elapsed > 2*time.Second {
		rate := testkit.Sustained(arrivals, time.Second)
		b.ReportMetric(rate, "sustained/s")
		b.ReportMetric(100*rate/float64(rc.rate.N), "%-of-budget")
	}
	if worst > rc.rate.N {
		b.Errorf("a 1 s window at the server saw %d units, budget %d", worst, rc.rate.N)
	}
	b.ReportMetric(0, "ns/op")
}

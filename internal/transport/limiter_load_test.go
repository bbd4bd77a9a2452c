package transport

import (
	"context"
	"math/rand/v2"
	"net/http/httptrace"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

// The limiter's load test: requests go through the whole transport to a
// server in another process (internal/testkit/loadserver), which notes when each
// arrives. It reports, at the
// server, the worst sliding 1 s window (units) and the sustained rate,
// optionally with goroutines burning every CPU so that timers and the
// scheduler run late. b.N is the number of requests; run it as
//
//	go test -run '^$' -bench LimiterLoad -benchtime 3000x ./internal/transport
//
// (3,000 requests at 200/s is 15 s per case).

// loadSigner is a fixed admin sig.
type loadSigner struct{}

func (loadSigner) Sig(string) (string, error) { return "sig", nil }
func (loadSigner) Invalidate(string)          {}

type loadCase struct {
	name    string
	key     string     // the budget that binds
	rate    Rate       // its rate
	units   func() int // units per request (0: a plain request)
	burners int        // CPU-burning goroutines per GOMAXPROCS
}

func BenchmarkLimiterLoad(b *testing.B) {
	cases := []loadCase{
		{"api/idle", "a/b", DefaultAPIRate, nil, 0},
		{"api/cpu-starved", "a/b", DefaultAPIRate, nil, 4},
		// The batch-recipient budget scaled to a second (2,000 recipients
		// a second, 1–100 per call) so that a run takes seconds, not
		// minutes; the logic is the same as for 12,000 a minute.
		{"batch-recipients/idle", BatchRecipientsKey, Rate{N: 2000, Per: time.Second}, func() int { return 1 + rand.IntN(100) }, 0},
		{"batch-recipients/cpu-starved", BatchRecipientsKey, Rate{N: 2000, Per: time.Second}, func() int { return 1 + rand.IntN(100) }, 4},
	}
	for _, lc := range cases {
		b.Run(lc.name, func(b *testing.B) { runLoad(b, lc) })
	}
}

func runLoad(b *testing.B, lc loadCase) {
	base, arrived := testkit.LoadServer(b)

	overrides := map[string]Rate{lc.key: lc.rate}
	if lc.key == BatchRecipientsKey {
		overrides["a/b"] = Rate{} // only the recipient budget binds
	}
	local := NewLocalLimiter(DefaultAPIRate, overrides, nil)
	lim := &releaseLog{LocalLimiter: local, key: lc.key}
	tr, err := New(Config{SDKAppID: 1400000000, Admin: "administrator", Signer: loadSigner{},
		BaseURL: base, Limiter: lim, Timeout: 30 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()

	stop := make(chan struct{})
	burners := testkit.BurnCPU(lc.burners*runtime.GOMAXPROCS(0), stop)
	defer func() { close(stop); burners.Wait() }()

	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				ep := api.Endpoint{Path: "a/b", Safety: api.Idempotent}
				n := 0
				if lc.units != nil {
					n = lc.units()
					ep.Budget, ep.Units = BatchRecipientsKey, n
				}
				rt := &reqTimes{}
				ctx := context.WithValue(context.Background(), reqTimesKey{}, rt)
				ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
					WroteRequest: func(httptrace.WroteRequestInfo) { rt.wrote = time.Now() },
				})
				err := tr.Do(ctx, ep, struct{ N int }{n}, nil)
				lim.mu.Lock()
				lim.done = append(lim.done, rt)
				lim.mu.Unlock()
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	arrivals := arrived()
	if len(arrivals) != b.N {
		b.Fatalf("%d arrivals, want %d", len(arrivals), b.N)
	}
	worst := maxUnitsInWindow(arrivals, time.Second)
	lim.mu.Lock()
	b.ReportMetric(float64(maxUnitsInWindow(lim.rs, time.Second)), "worst-1s-released")
	var written []unitsAt
	var delays []time.Duration
	for _, rt := range lim.done {
		if !rt.wrote.IsZero() && !rt.released.IsZero() {
			written = append(written, unitsAt{At: rt.wrote, N: rt.n})
			delays = append(delays, rt.wrote.Sub(rt.released))
		}
	}
	lim.mu.Unlock()
	b.ReportMetric(float64(maxUnitsInWindow(written, time.Second)), "worst-1s-written")
	b.ReportMetric(float64(local.Slack())/1e6, "slack-ms")
	slices.Sort(delays)
	if len(delays) > 0 {
		b.ReportMetric(float64(delays[len(delays)*99/100])/1e6, "p99-release-to-write-ms")
	}
	b.ReportMetric(float64(worst), "worst-1s-window")
	b.ReportMetric(float64(lc.rate.N), "budget")
	if elapsed > 2*time.Second {
		rate := sustained(arrivals, time.Second)
		b.ReportMetric(rate, "sustained/s")
		b.ReportMetric(100*rate/float64(lc.rate.N), "%-of-budget")
	}
	if worst > lc.rate.N {
		b.Logf("released: worst 1 s window %d; written: %d; delays release→write p50 %v p99 %v max %v",
			maxUnitsInWindow(lim.rs, time.Second), maxUnitsInWindow(written, time.Second),
			delays[len(delays)/2], delays[len(delays)*99/100], delays[len(delays)-1])
		b.Errorf("a 1 s window at the server saw %d units, budget %d", worst, lc.rate.N)
	}
	b.ReportMetric(0, "ns/op")
}

// releaseLog notes when the limiter released each unit of key. It passes
// Acquire and Sent through, so the transport tracks writes as with the
// LocalLimiter alone.
type releaseLog struct {
	*LocalLimiter
	key  string
	mu   sync.Mutex
	rs   []unitsAt
	done []*reqTimes
}

func (r *releaseLog) Wait(ctx context.Context, key string, n int) error {
	err := r.LocalLimiter.Wait(ctx, key, n)
	r.note(ctx, key, n, err)
	return err
}

func (r *releaseLog) Acquire(ctx context.Context, key string, n int) (bool, error) {
	tracked, err := r.LocalLimiter.Acquire(ctx, key, n)
	r.note(ctx, key, n, err)
	return tracked, err
}

func (r *releaseLog) note(ctx context.Context, key string, n int, err error) {
	if key == r.key && err == nil {
		now := time.Now()
		if rt, ok := ctx.Value(reqTimesKey{}).(*reqTimes); ok {
			rt.released, rt.n = now, n
		}
		r.mu.Lock()
		r.rs = append(r.rs, unitsAt{At: now, N: n})
		r.mu.Unlock()
	}
}

var _ SentLimiter = (*releaseLog)(nil)

// reqTimes is one request's release and write times (the write as
// net/http's trace reports it, from the goroutine that wrote).
type reqTimes struct {
	released, wrote time.Time
	n               int
}

type reqTimesKey struct{}

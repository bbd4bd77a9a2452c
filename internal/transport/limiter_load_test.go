package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timkit/tim/api"
)

// The limiter's load test: requests go through the whole transport to a
// server in another process (testdata/loadserver), which notes when each
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

// burnCPU starts n goroutines spinning until stop is closed.
func burnCPU(n int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := uint64(i)
			for {
				for j := 0; j < 1<<16; j++ {
					x = x*6364136223846793005 + 1442695040888963407
				}
				select {
				case <-stop:
					sink.Add(x)
					return
				default:
				}
			}
		}()
	}
	return &wg
}

var sink atomic.Uint64

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

// startLoadServer builds and starts testdata/loadserver and returns its
// base URL and a function returning (and clearing) its arrivals.
func startLoadServer(b *testing.B) (string, func() []unitsAt) {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "loadserver")
	build := exec.Command("go", "build", "-o", bin, "./testdata/loadserver")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the load server: %v\n%s", err, out)
	}
	// The server runs at real-time priority where the machine allows it
	// (root, Linux), so that its arrival times are not delayed by the
	// burners' or anyone else's load; the benchmark says which.
	cmd := exec.Command(bin)
	if chrt, err := exec.LookPath("chrt"); err == nil && exec.Command(chrt, "-f", "10", "true").Run() == nil {
		cmd = exec.Command(chrt, "-f", "10", bin)
		b.Log("load server at real-time priority (chrt -f 10)")
	} else {
		b.Log("load server at normal priority: its arrival times include its own scheduling delays")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("load server: %v", err)
	}
	base := strings.TrimSpace(line)
	return base, func() []unitsAt {
		resp, err := http.Get(base + "/arrivals")
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var raw [][2]int64
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			b.Fatal(err)
		}
		out := make([]unitsAt, len(raw))
		for i, a := range raw {
			out[i] = unitsAt{time.Unix(0, a[0]), int(a[1])}
		}
		return out
	}
}

func runLoad(b *testing.B, lc loadCase) {
	base, arrived := startLoadServer(b)

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
	burners := burnCPU(lc.burners*runtime.GOMAXPROCS(0), stop)
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
			written = append(written, unitsAt{rt.wrote, rt.n})
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
		r.rs = append(r.rs, unitsAt{now, n})
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

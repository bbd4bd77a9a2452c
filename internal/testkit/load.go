package testkit

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The limiter's load tests (internal/transport's BenchmarkLimiterLoad,
// contrib/redis's BenchmarkReplicasLoad) share what follows: the receiving
// side (internal/testkit/loadserver, a process of its own), CPU burners,
// and the two measures taken at the server.

// Arrival is n units noted at a time.
type Arrival struct {
	At time.Time
	N  int
}

// LoadServer builds and starts internal/testkit/loadserver and returns its
// base URL and a function returning (and clearing) the arrivals it noted.
// The server runs at real-time priority where the machine allows it (root,
// Linux, chrt), so that its arrival times are not delayed by the burners'
// or anyone else's load; it logs which. It stops at the end of tb.
func LoadServer(tb testing.TB) (base string, arrivals func() []Arrival) {
	tb.Helper()
	cmd := buildCommand(tb, "loadserver")
	if chrt, err := exec.LookPath("chrt"); err == nil && exec.Command(chrt, "-f", "10", "true").Run() == nil {
		cmd = exec.Command(chrt, "-f", "10", cmd.Path)
		tb.Log("load server at real-time priority (chrt -f 10)")
	} else {
		tb.Log("load server at normal priority: its arrival times include its own scheduling delays")
	}
	base = startBuilt(tb, cmd)
	return base, func() []Arrival {
		resp, err := http.Get(base + "/arrivals")
		if err != nil {
			tb.Fatal(err)
		}
		defer resp.Body.Close()
		var raw [][2]int64
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			tb.Fatal(err)
		}
		out := make([]Arrival, len(raw))
		for i, a := range raw {
			out[i] = Arrival{time.Unix(0, a[0]), int(a[1])}
		}
		return out
	}
}

// BurnCPU starts n goroutines spinning until stop is closed.
func BurnCPU(n int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			x := uint64(i)
			for {
				for range 1 << 16 {
					x = x*6364136223846793005 + 1442695040888963407
				}
				select {
				case <-stop:
					burnSink.Add(x)
					return
				default:
				}
			}
		})
	}
	return &wg
}

var burnSink atomic.Uint64

// MaxUnitsInWindow is the most units in any window [t, t+w). It sorts as.
func MaxUnitsInWindow(as []Arrival, w time.Duration) int {
	slices.SortFunc(as, func(a, b Arrival) int { return a.At.Compare(b.At) })
	best, lo, sum := 0, 0, 0
	for hi := range as {
		sum += as[hi].N
		for as[hi].At.Sub(as[lo].At) >= w {
			sum -= as[lo].N
			lo++
		}
		best = max(best, sum)
	}
	return best
}

// Sustained is the rate over the arrivals after the first period (the
// start-up burst excluded), in units per period. The units at the first
// instant of that span open it and are not counted (a fence post: the
// start-up burst replays there one window later). It sorts as.
func Sustained(as []Arrival, per time.Duration) float64 {
	slices.SortFunc(as, func(a, b Arrival) int { return a.At.Compare(b.At) })
	start := as[0].At.Add(per)
	units := 0
	var first, last time.Time
	for _, a := range as {
		if a.At.Before(start) {
			continue
		}
		if first.IsZero() {
			first = a.At
		}
		last = a.At
		if a.At.After(first) {
			units += a.N
		}
	}
	return float64(units) / float64(last.Sub(first)) * float64(per)
}

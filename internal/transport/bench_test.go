package transport

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/timkit/tim/api"
)

// cannedRoundTripper answers every request with body, in memory: the
// request path alone is measured, without sockets.
type cannedRoundTripper string

func (c cannedRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": jsonContentType},
		Body:          io.NopCloser(strings.NewReader(string(c))),
		ContentLength: int64(len(c)),
		Request:       r,
	}, nil
}

const benchAnswer = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MsgTime":1700000000,"MsgKey":"827092_1287657_1700000000","MsgId":"144115212910394598-1700000000-1287657"}`

type benchResp struct {
	api.Envelope
	MsgTime int64  `json:"MsgTime"`
	MsgKey  string `json:"MsgKey"`
}

func benchTransport(b *testing.B, o api.Observer) *Transport {
	tr, err := New(Config{SDKAppID: 1400000000, Admin: "administrator", Signer: &fakeSigner{}, BaseURL: "http://tim.invalid",
		HTTPClient: &http.Client{Transport: cannedRoundTripper(benchAnswer)}, Limiter: NoLimit{}, Observer: o})
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

// BenchmarkObserverOverhead alternates, call by call, a transport without
// an observer and one with api.NopObserver, over an in-memory round
// tripper (the request path alone). x-unset is the unset transport's time
// as a multiple of the NopObserver one's: the hooks' own cost bounds what
// the nil checks can cost.
//
//	go test -run '^$' -bench ObserverOverhead -count 7 ./internal/transport/
func BenchmarkObserverOverhead(b *testing.B) {
	unset, nop := benchTransport(b, nil), benchTransport(b, api.NopObserver{})
	ctx := context.Background()
	req := map[string]string{"From_Account": "doctor1", "To_Account": "patient1"}
	var resp benchResp
	call := func(tr *Transport) {
		if err := tr.Do(ctx, idem("openim/sendmsg"), req, &resp); err != nil {
			b.Fatal(err)
		}
	}
	var unsetTimes, nopTimes []time.Duration
	b.ReportAllocs()
	first, second, firstTimes, secondTimes := unset, nop, &unsetTimes, &nopTimes
	for b.Loop() {
		// Who goes first swaps every call: the first of a pair pays for
		// what the previous pair left (GC assists, cold caches).
		t0 := time.Now()
		call(first)
		t1 := time.Now()
		call(second)
		*secondTimes = append(*secondTimes, time.Since(t1))
		*firstTimes = append(*firstTimes, t1.Sub(t0))
		first, second, firstTimes, secondTimes = second, first, secondTimes, firstTimes
	}
	b.StopTimer()
	// Medians of the single calls: a time slice lost to another process
	// lands on one call of one side, which a sum would keep.
	u, n := median(unsetTimes), median(nopTimes)
	b.ReportMetric(float64(u.Nanoseconds()), "unset-p50-ns")
	b.ReportMetric(float64(n.Nanoseconds()), "nop-p50-ns")
	b.ReportMetric(float64(u)/float64(n), "x-unset/nop")
	b.ReportMetric(testing.AllocsPerRun(100, func() { call(unset) }), "unset-allocs/call")
	b.ReportMetric(testing.AllocsPerRun(100, func() { call(nop) }), "nop-allocs/call")
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkDoInMemory is one call without an observer over an in-memory
// round tripper, reporting the median call; compared across builds (with
// and without the observer hooks) it bounds what the unset hooks cost.
func BenchmarkDoInMemory(b *testing.B) {
	tr := benchTransport(b, nil)
	ctx := context.Background()
	req := map[string]string{"From_Account": "doctor1", "To_Account": "patient1"}
	var resp benchResp
	times := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if err := tr.Do(ctx, idem("openim/sendmsg"), req, &resp); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	b.ReportMetric(float64(median(times).Nanoseconds()), "p50-ns")
}

// BenchmarkHookCostDo is BenchmarkDoInMemory's call, observer unset, with
// nothing else in the loop (no clock reads, no bookkeeping).
// scripts/hookcost.sh counts its instructions per call in this build and in
// one tagged tim_nohooks, where the hooks are compiled out (issue 16).
func BenchmarkHookCostDo(b *testing.B) {
	tr := benchTransport(b, nil)
	ctx := context.Background()
	req := map[string]string{"From_Account": "doctor1", "To_Account": "patient1"}
	var resp benchResp
	b.ReportAllocs()
	for b.Loop() {
		if err := tr.Do(ctx, idem("openim/sendmsg"), req, &resp); err != nil {
			b.Fatal(err)
		}
	}
}

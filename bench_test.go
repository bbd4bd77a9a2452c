package tim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/usersig"
)

const checkAnswer = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"UserID":"user_10086","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"}]}`

func checkServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, checkAnswer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// sdkCheck returns one admin call (account check) through the SDK.
func sdkCheck(b *testing.B, srv *httptest.Server) func() {
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0))
	require.NoError(b, err)
	ctx := context.Background()
	return func() {
		st, err := c.Account.Check(ctx, "user_10086")
		if err != nil || len(st) != 1 || !st[0].Imported {
			b.Fatal(err, st)
		}
	}
}

// bareCheck returns the same request made with net/http and encoding/json,
// with the usersig made once: the baseline.
func bareCheck(b *testing.B, srv *httptest.Server) func() {
	c, err := tim.New(testkit.AppID, testkit.Key)
	require.NoError(b, err)
	sig, err := c.UserSig("administrator", 24*time.Hour)
	require.NoError(b, err)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	type item struct {
		UserID string `json:"UserID"`
	}
	type request struct {
		CheckItem []item `json:"CheckItem"`
	}
	type response struct {
		ActionStatus string `json:"ActionStatus"`
		ErrorCode    int    `json:"ErrorCode"`
		ErrorInfo    string `json:"ErrorInfo"`
		ResultItem   []struct {
			UserID        string `json:"UserID"`
			ResultCode    int    `json:"ResultCode"`
			ResultInfo    string `json:"ResultInfo"`
			AccountStatus string `json:"AccountStatus"`
		} `json:"ResultItem"`
	}
	ctx := context.Background()
	n := 0
	return func() {
		n++
		body, _ := json.Marshal(request{CheckItem: []item{{"user_10086"}}})
		url := srv.URL + "/v4/im_open_login_svc/account_check?sdkappid=1400000000&identifier=administrator&usersig=" + sig + "&random=" + strconv.Itoa(n) + "&contenttype=json"
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var r response
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || r.ErrorCode != 0 || r.ResultItem[0].AccountStatus != "Imported" {
			b.Fatal(err, r)
		}
	}
}

// BenchmarkAccountCheck is one admin call through the SDK against a local
// server; BenchmarkAccountCheckBare is the baseline beside it.
func BenchmarkAccountCheck(b *testing.B) {
	call := sdkCheck(b, checkServer(b))
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

func BenchmarkAccountCheckBare(b *testing.B) {
	call := bareCheck(b, checkServer(b))
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

// BenchmarkAccountCheckRatio alternates the two in one loop, so load on a
// shared machine hits both alike, and reports the SDK's time as a multiple
// of the bare client's.
func BenchmarkAccountCheckRatio(b *testing.B) {
	srv := checkServer(b)
	sdk, bare := sdkCheck(b, srv), bareCheck(b, srv)
	var sdkTime, bareTime time.Duration
	for b.Loop() {
		t0 := time.Now()
		bare()
		t1 := time.Now()
		sdk()
		sdkTime += time.Since(t1)
		bareTime += t1.Sub(t0)
	}
	b.ReportMetric(float64(bareTime.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(sdkTime.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(sdkTime)/float64(bareTime), "x-bare")
}

// The C2C send benchmarks of issue 17: the server runs in a process of its
// own (testkit.ProcessServer), so time and allocations are the client's
// alone. Run:
//
//	go test -run '^$' -bench 'SendC2C' -benchmem -count 7 .

// sdkSend returns one C2C text send through the SDK.
func sdkSend(b *testing.B, base string, opts ...tim.Option) func() {
	c, err := tim.New(testkit.AppID, testkit.Key, append([]tim.Option{tim.WithBaseURL(base), tim.WithRateLimit(0)}, opts...)...)
	require.NoError(b, err)
	b.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	return func() {
		m := message.NewText(message.ConvC2C, "patient1", "Your prescription is ready.", message.WithSender("doctor1"))
		if _, err := c.Message.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// bareSend returns the identical request made by hand (testkit.BareSendC2C).
func bareSend(b *testing.B, base string) func() {
	gen, err := usersig.New(testkit.AppID, testkit.Key)
	require.NoError(b, err)
	sig, err := gen.Gen("administrator", 24*time.Hour)
	require.NoError(b, err)
	return testkit.BareSendC2C(b, base, sig)
}

// BenchmarkSendC2C measures each client alone against the out-of-process
// server, for allocations and bytes (this process holds only the client).
func BenchmarkSendC2C(b *testing.B) {
	base := testkit.ProcessServer(b)
	b.Run("sdk", func(b *testing.B) {
		send := sdkSend(b, base)
		b.ReportAllocs()
		for b.Loop() {
			send()
		}
	})
	b.Run("bare", func(b *testing.B) {
		send := bareSend(b, base)
		b.ReportAllocs()
		for b.Loop() {
			send()
		}
	})
}

// allocsPer returns the mean allocations and bytes of n calls of f.
func allocsPer(n int, f func()) (allocs, bytes float64) {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range n {
		f()
	}
	runtime.ReadMemStats(&m1)
	return float64(m1.Mallocs-m0.Mallocs) / float64(n), float64(m1.TotalAlloc-m0.TotalAlloc) / float64(n)
}

// timePair times one call of each side; which goes first alternates with
// i, since the first of a pair pays for what the previous pair left (GC
// assists, a cold cache).
func timePair(i int, sdk, bare func()) (ds, db time.Duration) {
	first, second := bare, sdk
	if i%2 == 1 {
		first, second = sdk, bare
	}
	t0 := time.Now()
	first()
	t1 := time.Now()
	second()
	d1, d2 := t1.Sub(t0), time.Since(t1)
	if i%2 == 1 {
		return d1, d2
	}
	return d2, d1
}

// pairTimes collects the single-call times of both sides.
type pairTimes struct {
	mu        sync.Mutex
	sdk, bare []time.Duration
}

func (p *pairTimes) add(sdk, bare []time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sdk = append(p.sdk, sdk...)
	p.bare = append(p.bare, bare...)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func sum(d []time.Duration) (t time.Duration) {
	for _, x := range d {
		t += x
	}
	return t
}

// reportRatios reports the time ratios of the interleaved calls (x-bare:
// total time; x-bare-p50: median call, which a time slice lost to another
// process on this shared machine does not move) and, from blocks of calls
// measured after the loop, the allocation and byte ratios.
func reportRatios(b *testing.B, p *pairTimes, sdk, bare func()) {
	b.StopTimer()
	st, bt := sum(p.sdk), sum(p.bare)
	n := float64(len(p.sdk))
	b.ReportMetric(float64(bt.Nanoseconds())/n, "bare-ns/call")
	b.ReportMetric(float64(st.Nanoseconds())/n, "sdk-ns/call")
	b.ReportMetric(float64(st)/float64(bt), "x-bare")
	b.ReportMetric(float64(median(p.sdk))/float64(median(p.bare)), "x-bare-p50")
	sa, sb := allocsPer(200, sdk)
	ba, bb := allocsPer(200, bare)
	b.ReportMetric(sa/ba, "allocs-x-bare")
	b.ReportMetric(sb/bb, "bytes-x-bare")
}

// BenchmarkSendC2CRatio alternates the SDK and the bare client call by
// call in one loop, against the out-of-process server, so load on a shared
// machine hits both alike; x-bare is the SDK's time as a multiple of the
// bare client's.
// serialRatio alternates sdk and bare call by call and reports the ratios.
func serialRatio(b *testing.B, sdk, bare func()) {
	sdk()
	bare()
	var st, bt []time.Duration
	for i := 0; b.Loop(); i++ {
		ds, db := timePair(i, sdk, bare)
		st, bt = append(st, ds), append(bt, db)
	}
	var p pairTimes
	p.add(st, bt)
	reportRatios(b, &p, sdk, bare)
}

func BenchmarkSendC2CRatio(b *testing.B) {
	base := testkit.ProcessServer(b)
	sdk, bare := sdkSend(b, base), bareSend(b, base)
	serialRatio(b, sdk, bare)
}

// BenchmarkSendC2CRatioParallel is SendC2CRatio with 16 goroutines, each
// alternating the two clients call by call.
// BenchmarkSendC2CRatioLimited is BenchmarkSendC2CRatio with the SDK's
// default limiter switched on at a rate the loop never reaches (a million a
// second): what the limiter and its in-flight tracking (an httptrace hook
// per attempt) add to a call that does not have to wait. The bare client has
// no limiter, so this ratio includes the limiter's whole cost.
func BenchmarkSendC2CRatioLimited(b *testing.B) {
	base := testkit.ProcessServer(b)
	sdk, bare := sdkSend(b, base, tim.WithRateLimit(1_000_000)), bareSend(b, base)
	serialRatio(b, sdk, bare)
}

func BenchmarkSendC2CRatioParallel(b *testing.B) {
	base := testkit.ProcessServer(b)
	sdk, bare := sdkSend(b, base), bareSend(b, base)
	sdk()
	bare()
	var p pairTimes
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		var st, bt []time.Duration
		for i := 0; pb.Next(); i++ {
			ds, db := timePair(i, sdk, bare)
			st, bt = append(st, ds), append(bt, db)
		}
		p.add(st, bt)
	})
	reportRatios(b, &p, sdk, bare)
}

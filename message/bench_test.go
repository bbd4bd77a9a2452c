package message_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/usersig"
)

const cannedSend = `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgTime":1700000000,"MsgKey":"827092_1287657_1700000000","MsgId":"144115212910394598-1700000000-1287657"}`

// cannedServer answers every call with body after reading the request,
// and counts the calls.
func cannedServer(b *testing.B, body string) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)
	return srv, &calls
}

// BenchmarkSendC2C sends one C2C text message through the SDK and, beside
// it, the identical request with bare net/http + encoding/json, against the
// same local server. Compare sdk with bare for time and allocations:
//
//	go test -run '^$' -bench 'SendC2C' -benchmem -count 6 ./message/
func BenchmarkSendC2C(b *testing.B) {
	srv, _ := cannedServer(b, cannedSend)
	b.Run("sdk", func(b *testing.B) {
		send := sdkSend(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			send()
		}
	})
	b.Run("bare", func(b *testing.B) {
		send := bareSend(b, srv.URL)
		b.ReportAllocs()
		for b.Loop() {
			send()
		}
	})
}

// BenchmarkSendC2CRatio alternates the SDK and the bare client in one loop,
// so load on a shared machine hits both alike, and reports the SDK's time
// as a multiple of the bare client's.
func BenchmarkSendC2CRatio(b *testing.B) {
	srv, _ := cannedServer(b, cannedSend)
	sdk, bare := sdkSend(b, srv.URL), bareSend(b, srv.URL)
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

// sdkSend returns one C2C text send through the SDK.
func sdkSend(b *testing.B, base string) func() {
	ctx := context.Background()
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(base), tim.WithRateLimit(0))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := message.NewService(c)
	if err != nil {
		b.Fatal(err)
	}
	return func() {
		m := message.NewText(message.ConvC2C, "patient1", "Your prescription is ready.", message.WithSender("doctor1"))
		if _, err := svc.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// bareSend returns the identical request made by hand (testkit.BareSendC2C).
func bareSend(b *testing.B, base string) func() {
	gen, err := usersig.New(testkit.AppID, testkit.Key)
	if err != nil {
		b.Fatal(err)
	}
	sig, err := gen.Gen("administrator", 24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return testkit.BareSendC2C(b, base, sig)
}

// BenchmarkSendBatch10k fans one message out to 10,000 recipients (20
// calls of 500) against a local server. Client-side limits are off
// (WithRateLimit(0) plus a no-op limiter), so it measures the SDK, not the
// 12,000/min budget, which would otherwise make it wait.
//
//	go test -run '^$' -bench 'SendBatch10k' -benchmem ./message/
func BenchmarkSendBatch10k(b *testing.B) {
	srv, calls := cannedServer(b, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgKey":"k","MsgId":"i","ErrorList":[]}`)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0), tim.WithLimiter(noLimit{}))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := message.NewService(c)
	if err != nil {
		b.Fatal(err)
	}
	recipients := make([]string, 10000)
	for i := range recipients {
		recipients[i] = fmt.Sprintf("patient%05d", i)
	}
	for _, conc := range []int{1, message.DefaultBatchConcurrency, 16} {
		b.Run("concurrency="+strconv.Itoa(conc), func(b *testing.B) {
			start := calls.Load()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				m := &message.Message{Body: message.Body{&message.Text{Text: "The clinic is closed tomorrow."}}}
				res, err := svc.SendBatch(context.Background(), m, recipients, message.BatchConcurrency(conc))
				if err != nil {
					b.Fatal(err)
				}
				if res.Sent != len(recipients) || res.Calls != 20 {
					b.Fatalf("sent %d in %d calls", res.Sent, res.Calls)
				}
			}
			b.ReportMetric(float64(calls.Load()-start)/float64(b.N), "calls/op")
			b.ReportMetric(float64(len(recipients)*b.N)/b.Elapsed().Seconds(), "recipients/s")
		})
	}
}

// BenchmarkBodyUnmarshal decodes a callback-sized MsgBody.
func BenchmarkBodyUnmarshal(b *testing.B) {
	raw := []byte(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Your prescription is ready."}},{"MsgType":"TIMCustomElem","MsgContent":{"Data":"{\"consultation\":1234}","Desc":"notice"}}]`)
	b.ReportAllocs()
	for b.Loop() {
		var body message.Body
		if err := json.Unmarshal(raw, &body); err != nil {
			b.Fatal(err)
		}
	}
}

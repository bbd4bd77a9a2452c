package event_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/timkit/tim/event"
)

// plainGroupMsg is Group.CallbackAfterSendMsg as a naive struct: the
// baseline a hand-written webhook would decode into.
type plainGroupMsg struct {
	CallbackCommand string `json:"CallbackCommand"`
	GroupID         string `json:"GroupId"`
	Type            string `json:"Type"`
	FromAccount     string `json:"From_Account"`
	OperatorAccount string `json:"Operator_Account"`
	Random          uint32 `json:"Random"`
	MsgID           string `json:"MsgId"`
	MsgSeq          uint64 `json:"MsgSeq"`
	MsgTime         int64  `json:"MsgTime"`
	OnlineOnlyFlag  int    `json:"OnlineOnlyFlag"`
	MsgBody         []struct {
		MsgType    string `json:"MsgType"`
		MsgContent struct {
			Text string `json:"Text"`
		} `json:"MsgContent"`
	} `json:"MsgBody"`
	CloudCustomData string `json:"CloudCustomData"`
	GroupAtInfo     []struct {
		GroupAtAllFlag int    `json:"GroupAtAllFlag"`
		GroupAtAccount string `json:"GroupAt_Account"`
	} `json:"GroupAtInfo"`
	EventTime string `json:"EventTime"`
}

func benchBody(b *testing.B) []byte { return benchBodyOf(b, event.CmdGroupAfterSendMsg) }

func benchBodyOf(b *testing.B, cmd event.Command) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, readCallback(b, cmd)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkBaselineUnmarshal is the yardstick: json.Unmarshal of the
// callback body into a plain struct.
func BenchmarkBaselineUnmarshal(b *testing.B) {
	body := benchBody(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var v plainGroupMsg
		if err := json.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlerGroupAfterSendMsg is the whole path for the same body:
// query parsing, SdkAppid and signature checks, body read, Parse, dispatch
// of the typed callback and of the derived MESSAGE_RECEIVED (through the
// in-memory dedup store, inserting a key every time), and the answer.
func BenchmarkHandlerGroupAfterSendMsg(b *testing.B) {
	d := newDispatcher(b)
	var sink uint64
	event.On(d, func(_ context.Context, e *event.GroupAfterSendMsg) { sink += e.MsgSeq })
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { sink += uint64(len(e.Body)) })
	benchHandler(b, d, event.CmdGroupAfterSendMsg, &sink)
}

// BenchmarkHandlerC2CAfterSendMsg is the same path for a one-to-one
// message.
func BenchmarkHandlerC2CAfterSendMsg(b *testing.B) {
	d := newDispatcher(b)
	var sink uint64
	event.On(d, func(_ context.Context, e *event.C2CAfterSendMsg) { sink += e.MsgSeq })
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { sink += uint64(len(e.Body)) })
	benchHandler(b, d, event.CmdC2CAfterSendMsg, &sink)
}

func benchHandler(b *testing.B, d *event.Dispatcher, cmd event.Command, sink *uint64) {
	body := benchBodyOf(b, cmd)
	// A 1 ns window makes every request a first delivery, so the store
	// inserts (and evicts) each time: the costlier path.
	h, err := event.NewHandler(d, 1400000000, event.WithToken(testToken),
		event.WithHandlerClock(testClock), event.WithDedupTTL(time.Nanosecond))
	if err != nil {
		b.Fatal(err)
	}
	reader := bytes.NewReader(body)
	req := httptest.NewRequest(http.MethodPost, callbackURL(cmd), nil)
	req.ContentLength = int64(len(body))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		reader.Reset(body)
		req.Body = io.NopCloser(reader)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	if *sink == 0 {
		b.Fatal("handlers did not run")
	}
}

// plainC2CMsg is C2C.CallbackAfterSendMsg as a naive struct, the
// baseline for one-to-one messages.
type plainC2CMsg struct {
	CallbackCommand string `json:"CallbackCommand"`
	FromAccount     string `json:"From_Account"`
	ToAccount       string `json:"To_Account"`
	MsgSeq          uint64 `json:"MsgSeq"`
	MsgRandom       uint32 `json:"MsgRandom"`
	MsgTime         int64  `json:"MsgTime"`
	MsgKey          string `json:"MsgKey"`
	MsgID           string `json:"MsgId"`
	OnlineOnlyFlag  int    `json:"OnlineOnlyFlag"`
	MsgBody         []struct {
		MsgType    string `json:"MsgType"`
		MsgContent struct {
			Text string `json:"Text"`
		} `json:"MsgContent"`
	} `json:"MsgBody"`
	CloudCustomData string `json:"CloudCustomData"`
	SendMsgResult   int    `json:"SendMsgResult"`
	ErrorInfo       string `json:"ErrorInfo"`
	UnreadMsgNum    int    `json:"UnreadMsgNum"`
	EventTime       int64  `json:"EventTime"`
}

// benchWriter is a reusable http.ResponseWriter: the benchmarks measure
// the handler, not httptest.ResponseRecorder's allocations (net/http
// hands a real handler its writer ready-made).
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(s int)   { w.status = s }
func (w *benchWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

func (w *benchWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// BenchmarkHandlerRatio alternates, call by call, the whole handler path
// (query, signature, body read, Parse, typed and derived dispatch through
// the in-memory dedup store, the answer) and a bare json.Unmarshal of the
// same body into a plain struct, so load on a shared machine hits both
// alike. It reports handler time / bare time as "x-bare" (issue 17's
// target: ≤ 1.5), per command.
func BenchmarkHandlerRatio(b *testing.B) {
	b.Run("C2C", func(b *testing.B) {
		benchRatio(b, event.CmdC2CAfterSendMsg, func(body []byte) error {
			var v plainC2CMsg
			return json.Unmarshal(body, &v)
		})
	})
	b.Run("Group", func(b *testing.B) {
		benchRatio(b, event.CmdGroupAfterSendMsg, func(body []byte) error {
			var v plainGroupMsg
			return json.Unmarshal(body, &v)
		})
	})
}

func benchRatio(b *testing.B, cmd event.Command, bare func([]byte) error) {
	hb := newHandlerBench(b, cmd)
	var handlerTime, bareTime time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if err := bare(hb.body); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		hb.serve(b)
		t2 := time.Now()
		bareTime += t1.Sub(t0)
		handlerTime += t2.Sub(t1)
	}
	hb.check(b)
	b.ReportMetric(float64(bareTime.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(handlerTime.Nanoseconds())/float64(b.N), "handler-ns/op")
	b.ReportMetric(float64(handlerTime)/float64(bareTime), "x-bare")
}

// BenchmarkHookCostHandler is the handler path of BenchmarkHandlerRatio
// (C2C.CallbackAfterSendMsg, no observer) with nothing else in the loop:
// scripts/hookcost.sh counts its instructions per call in this build and in
// one tagged tim_nohooks, where the hooks are compiled out (issue 16).
func BenchmarkHookCostHandler(b *testing.B) {
	hb := newHandlerBench(b, event.CmdC2CAfterSendMsg)
	b.ReportAllocs()
	for b.Loop() {
		hb.serve(b)
	}
	hb.check(b)
}

// handlerBench is the whole handler path for one command's golden body:
// query, signature, body read, Parse, typed and derived dispatch through
// the in-memory dedup store (a 1 ns window makes every request a first
// delivery: the store inserts and evicts on each call), the answer into a
// reusable writer. No observer.
type handlerBench struct {
	h      *event.Webhook
	body   []byte
	reader *bytes.Reader
	req    *http.Request
	w      *benchWriter
	sink   uint64
}

func newHandlerBench(b *testing.B, cmd event.Command) *handlerBench {
	hb := &handlerBench{body: benchBodyOf(b, cmd), w: &benchWriter{h: http.Header{}}}
	d := newDispatcher(b)
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { hb.sink += e.MsgSeq })
	var err error
	hb.h, err = event.NewHandler(d, 1400000000, event.WithToken(testToken),
		event.WithHandlerClock(testClock), event.WithDedupTTL(time.Nanosecond))
	if err != nil {
		b.Fatal(err)
	}
	hb.reader = bytes.NewReader(hb.body)
	hb.req = httptest.NewRequest(http.MethodPost, callbackURL(cmd), nil)
	hb.req.ContentLength = int64(len(hb.body))
	return hb
}

// serve sends the body through the handler once.
func (hb *handlerBench) serve(b *testing.B) {
	hb.reader.Reset(hb.body)
	hb.req.Body = io.NopCloser(hb.reader)
	hb.w.reset()
	hb.h.ServeHTTP(hb.w, hb.req)
	if hb.w.status != http.StatusOK {
		b.Fatalf("status %d", hb.w.status)
	}
}

// check fails the benchmark if the handlers never ran.
func (hb *handlerBench) check(b *testing.B) {
	if hb.sink == 0 {
		b.Fatal("handlers did not run")
	}
}

// BenchmarkParseGroupAfterSendMsg isolates Parse.
func BenchmarkParseGroupAfterSendMsg(b *testing.B) { benchParse(b, event.CmdGroupAfterSendMsg) }

// BenchmarkParseC2CAfterSendMsg isolates Parse of a one-to-one message.
func BenchmarkParseC2CAfterSendMsg(b *testing.B) { benchParse(b, event.CmdC2CAfterSendMsg) }

func benchParse(b *testing.B, cmd event.Command) {
	body := benchBodyOf(b, cmd)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := event.Parse(string(cmd), body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify isolates the signature check.
func BenchmarkVerify(b *testing.B) {
	req := httptest.NewRequest(http.MethodPost, callbackURL(event.CmdGroupAfterSendMsg), nil)
	q := req.URL.Query()
	b.ReportAllocs()
	for b.Loop() {
		if err := event.Verify(testToken, q, testNow, 0); err != nil {
			b.Fatal(err)
		}
	}
}

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
	body := benchBodyOf(b, cmd)
	d := newDispatcher(b)
	var sink uint64
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { sink += e.MsgSeq })
	// Dedup on, a first delivery every time (1 ns window): the store
	// inserts and evicts on each call.
	h, err := event.NewHandler(d, 1400000000, event.WithToken(testToken),
		event.WithHandlerClock(testClock), event.WithDedupTTL(time.Nanosecond))
	if err != nil {
		b.Fatal(err)
	}
	reader := bytes.NewReader(body)
	req := httptest.NewRequest(http.MethodPost, callbackURL(cmd), nil)
	req.ContentLength = int64(len(body))
	w := &benchWriter{h: http.Header{}}
	var handlerTime, bareTime time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if err := bare(body); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		reader.Reset(body)
		req.Body = io.NopCloser(reader)
		w.reset()
		h.ServeHTTP(w, req)
		t2 := time.Now()
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
		bareTime += t1.Sub(t0)
		handlerTime += t2.Sub(t1)
	}
	if sink == 0 {
		b.Fatal("handlers did not run")
	}
	b.ReportMetric(float64(bareTime.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(handlerTime.Nanoseconds())/float64(b.N), "handler-ns/op")
	b.ReportMetric(float64(handlerTime)/float64(bareTime), "x-bare")
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

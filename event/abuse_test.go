package event_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
)

// The abuse suite: what an attacker (or a broken proxy) can send to the
// webhook, and what it must answer. Issue 14, items 3–6 and 10.
//
// Rules every case is held to, beyond its own expectation:
//   - the answer is Tencent's JSON envelope and never echoes the token or a
//     signature;
//   - nothing panics its way to an answer (the handler's "panicked" log
//     line never appears, except where a case makes a component panic);
//   - a verified before callback is always answered 200 with a decision:
//     with WithFallback(Reject) an unusable body is rejected (fail closed),
//     never 400;
//   - no goroutine outlives the suite (goleak, TestMain).

const rejectFallbackJSON = `{"ActionStatus":"OK","ErrorInfo":"fallback","ErrorCode":1}`

// lyingReader reports how large a buffer the handler offered it, then
// delivers body and ends like a dropped connection.
type lyingReader struct {
	body    []byte
	maxAsk  atomic.Int64
	dropped bool
}

func (l *lyingReader) Read(p []byte) (int, error) {
	if int64(len(p)) > l.maxAsk.Load() {
		l.maxAsk.Store(int64(len(p)))
	}
	if len(l.body) == 0 {
		if l.dropped {
			return 0, io.ErrUnexpectedEOF
		}
		return 0, io.EOF
	}
	n := copy(p, l.body)
	l.body = l.body[n:]
	return n, nil
}

// logSink is a concurrency-safe buffer for a handler's logs.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

type abuseCase struct {
	name string
	// cmd is the command in the URL; edit tweaks the query.
	cmd  event.Command
	edit []func(url.Values)
	// body, or req to build the whole request.
	body   []byte
	method string
	req    func(target string) *http.Request
	opts   []event.HandlerOption

	want int
	// wantBody, when set, is compared as JSON with the answer.
	wantBody string
	// deciderCalls is how many times the decider must have run (-1: any).
	deciderCalls int
	// panics: a component is made to panic on purpose.
	panics bool
	// after runs extra checks.
	after func(t *testing.T, rec *httptest.ResponseRecorder)
}

func setQ(k, v string) func(url.Values) { return func(q url.Values) { q.Set(k, v) } }
func delQ(k string) func(url.Values)    { return func(q url.Values) { q.Del(k) } }

func signedAt(d time.Duration) func(url.Values) {
	return func(q url.Values) {
		rt := strconv.FormatInt(testNow.Add(d).Unix(), 10)
		q.Set("RequestTime", rt)
		q.Set("Sign", event.Sign(testToken, rt))
	}
}

func withField(t testing.TB, cmd event.Command, field, raw string) []byte {
	t.Helper()
	b := readCallback(t, cmd)
	key := []byte(`"` + field + `": `)
	i := bytes.Index(b, key)
	require.GreaterOrEqual(t, i, 0, "golden %s has no %s", cmd, field)
	j := i + len(key)
	k := j + bytes.IndexAny(b[j:], ",\n}")
	return append(append(append([]byte{}, b[:j]...), raw...), b[k:]...)
}

func abuseCases(t *testing.T) []abuseCase {
	grp, c2c, bc2c, bgrp := event.CmdGroupAfterSendMsg, event.CmdC2CAfterSendMsg,
		event.CmdC2CBeforeSendMsg, event.CmdGroupBeforeSendMsg
	validGrp, validBefore := readCallback(t, grp), readCallback(t, bc2c)
	huge := func(cl int64, body []byte) func(string) *http.Request {
		return func(target string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, target, &lyingReader{body: body, dropped: true})
			r.ContentLength = cl
			return r
		}
	}
	chunked := func(body []byte) func(string) *http.Request {
		return func(target string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, target, io.MultiReader(bytes.NewReader(body)))
			r.ContentLength = -1
			return r
		}
	}
	dropped := func(body []byte) func(string) *http.Request {
		return func(target string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, target, &lyingReader{body: body, dropped: true})
			r.ContentLength = int64(len(body)) + 100
			return r
		}
	}
	reject := []event.HandlerOption{event.WithFallback(event.Reject("fallback"))}
	small := []event.HandlerOption{event.WithFallback(event.Reject("fallback")), event.WithMaxBodyBytes(4096)}
	huge62 := []event.HandlerOption{event.WithFallback(event.Reject("fallback")), event.WithMaxBodyBytes(1 << 62)}
	nest := []byte(strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat(`}`, 20000))

	cases := []abuseCase{
		// --- Transport and query: refused before anything is read.
		{name: "GET", cmd: grp, method: http.MethodGet, want: 405},
		{name: "PUT", cmd: grp, method: http.MethodPut, body: validGrp, want: 405},
		{name: "DELETE", cmd: grp, method: http.MethodDelete, want: 405},
		{name: "PATCH", cmd: grp, method: http.MethodPatch, body: validGrp, want: 405},
		{name: "OPTIONS", cmd: grp, method: http.MethodOptions, want: 405},
		{name: "GET before callback", cmd: bc2c, method: http.MethodGet, want: 405},
		{name: "no SdkAppid", cmd: grp, edit: []func(url.Values){delQ("SdkAppid")}, body: validGrp, want: 400},
		{name: "other SdkAppid", cmd: grp, edit: []func(url.Values){setQ("SdkAppid", "1400000001")}, body: validGrp, want: 403},
		{name: "SdkAppid with a NUL", cmd: grp, edit: []func(url.Values){setQ("SdkAppid", strconv.Itoa(testkit.AppID)+"\x00")}, body: validGrp, want: 403},
		{name: "SdkAppid negative", cmd: grp, edit: []func(url.Values){setQ("SdkAppid", "-"+strconv.Itoa(testkit.AppID))}, body: validGrp, want: 403},
		{name: "SdkAppid huge", cmd: grp, edit: []func(url.Values){setQ("SdkAppid", strings.Repeat("9", 5000))}, body: validGrp, want: 403},
		{name: "bad escape in query", cmd: grp, req: func(string) *http.Request {
			return httptest.NewRequest(http.MethodPost, "/cb?SdkAppid=%zz", bytes.NewReader(validGrp))
		}, want: 400},
		{name: "semicolon in query", cmd: grp, req: func(target string) *http.Request {
			return httptest.NewRequest(http.MethodPost, target+";x=1", bytes.NewReader(validGrp))
		}, want: 400},
		{name: "no Sign", cmd: grp, edit: []func(url.Values){delQ("Sign")}, body: validGrp, want: 401},
		{name: "no RequestTime", cmd: grp, edit: []func(url.Values){delQ("RequestTime")}, body: validGrp, want: 401},
		{name: "forged Sign", cmd: grp, edit: []func(url.Values){setQ("Sign", strings.Repeat("0", 64))}, body: validGrp, want: 401},
		{name: "Sign of another token", cmd: grp, edit: []func(url.Values){setQ("Sign", event.Sign("guess", strconv.FormatInt(testNow.Unix(), 10)))}, body: validGrp, want: 401},
		{name: "Sign one char short", cmd: grp, edit: []func(url.Values){func(q url.Values) { q.Set("Sign", q.Get("Sign")[:63]) }}, body: validGrp, want: 401},
		{name: "Sign one char long", cmd: grp, edit: []func(url.Values){func(q url.Values) { q.Set("Sign", q.Get("Sign")+"0") }}, body: validGrp, want: 401},
		{name: "Sign not hex", cmd: grp, edit: []func(url.Values){setQ("Sign", strings.Repeat("g", 64))}, body: validGrp, want: 401},
		{name: "Sign upper-case hex: same signature", cmd: grp, edit: []func(url.Values){func(q url.Values) { q.Set("Sign", strings.ToUpper(q.Get("Sign"))) }}, body: validGrp, want: 200},
		{name: "RequestTime replayed with a new time", cmd: grp, edit: []func(url.Values){setQ("RequestTime", strconv.FormatInt(testNow.Unix()+5, 10))}, body: validGrp, want: 401},
		{name: "stale but signed", cmd: grp, edit: []func(url.Values){signedAt(-61 * time.Second)}, body: validGrp, want: 401},
		{name: "future but signed", cmd: grp, edit: []func(url.Values){signedAt(61 * time.Second)}, body: validGrp, want: 401},
		{name: "RequestTime overflows int64", cmd: grp, edit: []func(url.Values){setQ("RequestTime", "99999999999999999999")}, body: validGrp, want: 401},
		{name: "RequestTime negative", cmd: grp, edit: []func(url.Values){setQ("RequestTime", "-1")}, body: validGrp, want: 401},
		{name: "RequestTime math.MinInt64, signed", cmd: grp, edit: []func(url.Values){func(q url.Values) {
			rt := strconv.FormatInt(math.MinInt64, 10)
			q.Set("RequestTime", rt)
			q.Set("Sign", event.Sign(testToken, rt))
		}}, body: validGrp, want: 401},
		{name: "forged before callback is refused, not decided", cmd: bc2c, edit: []func(url.Values){setQ("Sign", strings.Repeat("ab", 32))}, body: validBefore, opts: reject, want: 401},
		{name: "stale before callback is refused, not decided", cmd: bc2c, edit: []func(url.Values){signedAt(-time.Hour)}, body: validBefore, opts: reject, want: 401},
		{name: "duplicated Sign: the first counts", cmd: grp, req: func(target string) *http.Request {
			return httptest.NewRequest(http.MethodPost, target+"&Sign="+strings.Repeat("0", 64), bytes.NewReader(validGrp))
		}, want: 200},
		{name: "forged Sign first, valid second: refused", cmd: grp, req: func(target string) *http.Request {
			u, _ := url.Parse(target)
			raw := "Sign=" + strings.Repeat("0", 64) + "&" + u.RawQuery
			return httptest.NewRequest(http.MethodPost, u.Path+"?"+raw, bytes.NewReader(validGrp))
		}, want: 401},

		// --- After-callback bodies.
		{name: "after: valid", cmd: grp, body: validGrp, want: 200, wantBody: okJSON},
		{name: "after: empty body", cmd: grp, body: nil, want: 400},
		{name: "after: JSON null", cmd: grp, body: []byte(`null`), want: 400},
		{name: "after: JSON array", cmd: grp, body: []byte(`[]`), want: 400},
		{name: "after: invalid JSON", cmd: grp, body: []byte(`{"GroupId":`), want: 400},
		{name: "after: trailing garbage", cmd: grp, body: append(append([]byte{}, validGrp...), `{}`...), want: 400},
		{name: "after: object where a string goes", cmd: grp, body: withField(t, grp, "GroupId", `{"x":1}`), want: 400},
		{name: "after: MsgSeq overflows uint64", cmd: grp, body: withField(t, grp, "MsgSeq", `18446744073709551616`), want: 400},
		{name: "after: 20000-deep nesting", cmd: grp, body: nest, want: 400},
		{name: "after: oversize, declared", cmd: grp, body: bytes.Repeat([]byte(" "), 5000), opts: small, want: 413},
		{name: "after: oversize, chunked", cmd: grp, req: chunked(append([]byte(`{"GroupId":"`), bytes.Repeat([]byte("x"), 5000)...)), opts: small, want: 413},
		{name: "after: exactly at the cap", cmd: grp, req: chunked(append(append([]byte{}, validGrp...), bytes.Repeat([]byte(" "), 4096-len(validGrp))...)), opts: small, want: 200},
		{name: "after: one byte over the cap", cmd: grp, req: chunked(append(append([]byte{}, validGrp...), bytes.Repeat([]byte(" "), 4097-len(validGrp))...)), opts: small, want: 413},
		{name: "after: declares 2^62, default cap", cmd: grp, req: huge(1<<62, []byte(`{`)), want: 413},
		{name: "after: declares 2^62 under a 2^62 cap, sends 1 byte", cmd: grp, req: huge(1<<62, []byte(`{`)), opts: huge62, want: 400},
		{name: "after: declares 1 MiB, sends 1 byte", cmd: grp, req: huge(1<<20, []byte(`{`)), want: 400},
		{name: "after: connection dropped midway", cmd: grp, req: dropped(validGrp[:40]), want: 400},
		{name: "after: command differs from the URL's", cmd: c2c, body: validGrp, want: 400},
		{name: "after: unknown command, garbage body: acknowledged", cmd: "X.Callback", body: []byte("\x00\xff"), want: 200},
		{name: "after: NUL and invalid UTF-8 in strings tolerated", cmd: grp, body: withField(t, grp, "From_Account", "\"a\\u0000b\xff\""), want: 200},
		{name: "after: lone surrogate escape tolerated", cmd: grp, body: withField(t, grp, "From_Account", `"\ud800"`), want: 200},

		// --- Before callbacks after a valid signature: a decision, always.
		{name: "before: valid, decided", cmd: bc2c, body: validBefore, opts: reject, want: 200,
			wantBody: `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`, deciderCalls: 1},
		{name: "before: invalid JSON fails closed", cmd: bc2c, body: []byte(`{"MsgBody":`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: empty body fails closed", cmd: bc2c, body: nil, opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: JSON null fails closed", cmd: bc2c, body: []byte(`null`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: JSON array fails closed", cmd: bc2c, body: []byte(`[1]`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: object for a string fails closed", cmd: bc2c, body: withField(t, bc2c, "From_Account", `{"x":1}`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: negative MsgRandom fails closed", cmd: bc2c, body: withField(t, bc2c, "MsgRandom", `-1`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: MsgRandom 2^32 fails closed", cmd: bc2c, body: withField(t, bc2c, "MsgRandom", `4294967296`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: MsgSeq 2^32 is a valid uint64, decided", cmd: bc2c, body: withField(t, bc2c, "MsgSeq", `4294967296`), opts: reject, want: 200,
			wantBody: `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`, deciderCalls: 1},
		{name: "before: MsgSeq 2^64 fails closed", cmd: bc2c, body: withField(t, bc2c, "MsgSeq", `18446744073709551616`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: MsgBody a number fails closed", cmd: bc2c, body: withField(t, bc2c, "MsgBody", `42`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: group, MsgSeq an object fails closed", cmd: bgrp, body: withField(t, bgrp, "Random", `{"n":1}`), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: command mismatch fails closed", cmd: bc2c, body: validGrp, opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: oversize, declared, fails closed", cmd: bc2c, body: bytes.Repeat([]byte(" "), 5000), opts: small, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: oversize, chunked, fails closed", cmd: bc2c, req: chunked(bytes.Repeat([]byte(" "), 5000)), opts: small, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: declares 2^62, fails closed", cmd: bc2c, req: huge(1<<62, []byte(`{`)), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: declares 2^62 under a 2^62 cap, fails closed", cmd: bc2c, req: huge(1<<62, []byte(`{`)), opts: huge62, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: connection dropped, fails closed", cmd: bc2c, req: dropped(validBefore[:50]), opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: 20000-deep nesting fails closed", cmd: bc2c, body: nest, opts: reject, want: 200, wantBody: rejectFallbackJSON},
		{name: "before: default fallback allows an unusable body", cmd: bc2c, body: []byte(`{`), want: 200, wantBody: okJSON},
		{name: "before: Drop fallback", cmd: bc2c, body: []byte(`{`), opts: []event.HandlerOption{event.WithFallback(event.Drop())}, want: 200,
			wantBody: `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`},

		// --- Components that fail.
		{name: "dedup store panics: delivered, answered", cmd: grp, body: validGrp,
			opts: []event.HandlerOption{event.WithDedupStore(panickingStore{})}, want: 200, wantBody: okJSON, panics: true},
		{name: "dedup store errors: delivered, answered", cmd: grp, body: validGrp,
			opts: []event.HandlerOption{event.WithDedupStore(failingStore{})}, want: 200, wantBody: okJSON},
	}
	return cases
}

func TestAbuseSuite(t *testing.T) {
	t.Parallel()
	cases := abuseCases(t)
	require.GreaterOrEqual(t, len(cases), 60)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &logSink{}
			d := newDispatcher(t, event.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			var decided, received atomic.Int32
			event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision {
				decided.Add(1)
				return event.Drop()
			})
			event.Decide(d, func(context.Context, *event.GroupBeforeSendMsg) event.Decision {
				decided.Add(1)
				return event.Drop()
			})
			event.On(d, func(context.Context, *event.ReceivedMessage) { received.Add(1) })
			h := newTestHandler(t, d, tc.opts...)
			target := callbackURL(tc.cmd, tc.edit...)
			var r *http.Request
			if tc.req != nil {
				r = tc.req(target)
			} else {
				m := tc.method
				if m == "" {
					m = http.MethodPost
				}
				r = httptest.NewRequest(m, target, bytes.NewReader(tc.body))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)

			assert.Equal(t, tc.want, rec.Code, rec.Body.String())
			e := decodeAnswer(t, rec)
			if tc.wantBody != "" {
				assert.JSONEq(t, tc.wantBody, rec.Body.String())
			}
			if tc.want != 200 {
				assert.Equal(t, "FAIL", e.ActionStatus)
				assert.Equal(t, http.StatusText(tc.want), e.ErrorInfo, "a generic answer")
			}
			if tc.deciderCalls >= 0 {
				assert.Equal(t, int32(tc.deciderCalls), decided.Load(), "decider calls")
			}
			if tc.want == 200 && tc.cmd == event.CmdGroupAfterSendMsg && tc.wantBody == okJSON {
				assert.Equal(t, int32(1), received.Load(), "MESSAGE_RECEIVED delivered")
			}
			q := r.URL.Query()
			for _, secret := range []string{testToken, event.Sign(testToken, q.Get("RequestTime"))} {
				assert.NotContains(t, rec.Body.String(), secret)
				assert.NotContains(t, logs.String(), secret)
			}
			if !tc.panics {
				assert.NotContains(t, logs.String(), "panicked", "no recovered panic")
			}
			if tc.after != nil {
				tc.after(t, rec)
			}
		})
	}
}

// Issue 14 item 3: the buffer follows the bytes that arrive, not the
// declared Content-Length.
func TestAbuseDeclaredLengthCostsOnlyWhatArrives(t *testing.T) {
	t.Parallel()
	for _, cl := range []int64{1 << 20, 1 << 34, 1 << 62} {
		h := newTestHandler(t, newDispatcher(t), event.WithMaxBodyBytes(1<<62))
		lr := &lyingReader{body: []byte(`{"CallbackCommand":`), dropped: true}
		r := httptest.NewRequest(http.MethodPost, callbackURL(event.CmdGroupAfterSendMsg), lr)
		r.ContentLength = cl
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		assert.Equal(t, 400, rec.Code, "Content-Length %d", cl)
		assert.LessOrEqual(t, lr.maxAsk.Load(), int64(8<<10), "buffer offered for Content-Length %d", cl)
	}
}

// A large body still arrives whole, the buffer growing with it.
func TestAbuseLargeBodyGrowsToFit(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var got atomic.Int64
	event.On(d, func(_ context.Context, e *event.GroupAfterSendMsg) { got.Store(int64(len(e.Raw()))) })
	h := newTestHandler(t, d)
	body := append(readCallback(t, event.CmdGroupAfterSendMsg), bytes.Repeat([]byte(" "), 300_000)...)
	for _, cl := range []int64{int64(len(body)), -1} {
		r := httptest.NewRequest(http.MethodPost, callbackURL(event.CmdGroupAfterSendMsg), bytes.NewReader(body))
		r.ContentLength = cl
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		assert.Equal(t, int64(len(body)), got.Load())
	}
}

// slowBody sends body one byte per interval over a real connection.
func slowPost(t *testing.T, srv *httptest.Server, target string, body []byte, every time.Duration) (*http.Response, time.Duration) {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range body {
			if _, err := pw.Write(body[i : i+1]); err != nil {
				return
			}
			time.Sleep(every)
		}
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		_ = pw.CloseWithError(errors.New("test over"))
		<-done
	})
	req, err := http.NewRequest(http.MethodPost, srv.URL+target, pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	start := time.Now()
	resp, err := srv.Client().Do(req)
	elapsed := time.Since(start)
	require.NoError(t, err)
	return resp, elapsed
}

// Issue 14 item 4: the budget runs from arrival; a body that trickles in
// is cut off by the read deadline and answered in time: the fallback for
// a before callback, 408 for an after callback.
func TestAbuseSlowLorisBody(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		cmd      event.Command
		opts     []event.HandlerOption
		budget   time.Duration
		want     int
		wantBody string
	}{
		{"before, default budget", event.CmdC2CBeforeSendMsg, []event.HandlerOption{event.WithFallback(event.Reject("fallback"))},
			event.DefaultBeforeBudget, 200, rejectFallbackJSON},
		{"before, 300 ms budget", event.CmdGroupBeforeSendMsg,
			[]event.HandlerOption{event.WithFallback(event.Reject("fallback")), event.WithBeforeBudget(300 * time.Millisecond)},
			300 * time.Millisecond, 200, rejectFallbackJSON},
		{"after, default budget", event.CmdGroupAfterSendMsg, nil, event.DefaultAfterBudget, 408, ""},
		{"after, 300 ms budget", event.CmdC2CAfterSendMsg, []event.HandlerOption{event.WithAfterBudget(300 * time.Millisecond)},
			300 * time.Millisecond, 408, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			var decided atomic.Int32
			event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { decided.Add(1); return event.Allow() })
			event.Decide(d, func(context.Context, *event.GroupBeforeSendMsg) event.Decision { decided.Add(1); return event.Allow() })
			srv := httptest.NewServer(newTestHandler(t, d, tt.opts...))
			defer srv.Close()
			resp, elapsed := slowPost(t, srv, callbackURL(tt.cmd), readCallback(t, tt.cmd), 40*time.Millisecond)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			_ = resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode, string(b))
			if tt.wantBody != "" {
				assert.JSONEq(t, tt.wantBody, string(b))
			}
			assert.GreaterOrEqual(t, elapsed, tt.budget-50*time.Millisecond, "the body had its budget")
			assert.Less(t, elapsed, tt.budget+400*time.Millisecond, "answered by the budget, inside Tencent's 2 s")
			assert.Equal(t, int32(0), decided.Load(), "no decision on a body that never arrived")
		})
	}
}

// The decider's time counts from arrival, not from the end of the body:
// a body taking most of the budget leaves the decider only the rest.
func TestAbuseDeciderBudgetStartsAtArrival(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	release := make(chan struct{})
	defer close(release)
	event.Decide(d, func(ctx context.Context, _ *event.C2CBeforeSendMsg) event.Decision {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return event.Allow()
	})
	const budget = 600 * time.Millisecond
	srv := httptest.NewServer(newTestHandler(t, d, event.WithBeforeBudget(budget), event.WithFallback(event.Reject("fallback"))))
	defer srv.Close()
	// Compact body, sent at ~400 ms in total, then a decider that waits.
	body := []byte(`{"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"a","To_Account":"b"}`)
	resp, elapsed := slowPost(t, srv, callbackURL(event.CmdC2CBeforeSendMsg), body, 400*time.Millisecond/time.Duration(len(body)))
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.JSONEq(t, rejectFallbackJSON, string(b))
	assert.Less(t, elapsed, budget+300*time.Millisecond, "one budget for body and decider")
}

// Issue 14 item 10: a decider that never returns holds at most
// WithMaxDeciders goroutines; past that, requests get the fallback at
// once.
func TestAbuseStuckDecidersAreBounded(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	release := make(chan struct{})
	var running, handled atomic.Int32
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision {
		running.Add(1)
		<-release // ignores its context: stuck
		return event.Allow()
	})
	event.On(d, func(context.Context, *event.C2CBeforeSendMsg) { handled.Add(1) })
	const limit, requests = 4, 20
	h := newTestHandler(t, d, event.WithBeforeBudget(20*time.Millisecond), event.WithMaxDeciders(limit),
		event.WithFallback(event.Reject("fallback")))
	body := readCallback(t, event.CmdC2CBeforeSendMsg)
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			rec := post(h, callbackURL(event.CmdC2CBeforeSendMsg), body)
			assert.Equal(t, 200, rec.Code)
			assert.JSONEq(t, rejectFallbackJSON, rec.Body.String())
		})
	}
	wg.Wait()
	assert.Equal(t, int32(limit), running.Load(), "only %d deciders ever started", limit)
	assert.Equal(t, int32(requests-limit), handled.Load(), "the refused ones' handlers ran inline")
	close(release)
	require.Eventually(t, func() bool { return handled.Load() == requests }, 5*time.Second, 5*time.Millisecond)
}

// Issue 14 item 10: an after handler that blocks does not hold Tencent's
// answer past the budget; it goes on, with a context that is not
// cancelled by the answer, and ServeHTTP returns when it does.
func TestAbuseBlockedAfterHandlerIsAnsweredInTime(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	release := make(chan struct{})
	var finished atomic.Bool
	var ctxAlive atomic.Bool
	event.On(d, func(ctx context.Context, _ *event.GroupAfterSendMsg) {
		<-release
		ctxAlive.Store(ctx.Err() == nil)
		finished.Store(true)
	})
	const budget = 200 * time.Millisecond
	srv := httptest.NewServer(newTestHandler(t, d, event.WithAfterBudget(budget)))
	defer srv.Close()
	start := time.Now()
	resp, err := srv.Client().Post(srv.URL+callbackURL(event.CmdGroupAfterSendMsg), "application/json",
		bytes.NewReader(readCallback(t, event.CmdGroupAfterSendMsg)))
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	elapsed := time.Since(start)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, okJSON, string(b))
	assert.Less(t, elapsed, budget+500*time.Millisecond, "answered at the budget")
	assert.False(t, finished.Load(), "the handler was still running when Tencent got its answer")
	close(release)
	require.Eventually(t, finished.Load, 5*time.Second, 5*time.Millisecond)
	assert.True(t, ctxAlive.Load(), "the handler's context outlives the answer")
}

// Issue 14 item 5: a DedupStore that panics does not lose the event.
func TestAbusePanickingDedupStoreDelivers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var n atomic.Int32
	event.On(d, func(context.Context, *event.ReceivedMessage) { n.Add(1) })
	h := newTestHandler(t, d, event.WithDedupStore(panickingStore{}))
	rec := post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg))
	assert.Equal(t, 200, rec.Code)
	assert.Equal(t, int32(1), n.Load(), "MESSAGE_RECEIVED delivered despite the store")
}

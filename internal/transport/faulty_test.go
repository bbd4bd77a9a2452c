package transport

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/timkit/tim/api"
)

// faultRun is what one faulty-server case produced.
type faultRun struct {
	err     error
	hits    int32 // requests the primary server's handler saw
	other   int32 // requests the second server (standby, redirect target) saw
	elapsed time.Duration
	logs    string
	obs     []string
}

type faultCase struct {
	name    string
	handler func(w http.ResponseWriter, r *http.Request)
	// tls serves the primary over TLS with httptest's certificate, which
	// the client does not trust unless trust is set.
	tls, trust bool
	// localhost addresses the TLS primary as "localhost", a name its
	// certificate does not cover.
	localhost bool
	// standby adds a healthy plain-HTTP standby host; redirect adds a
	// second server the handler can redirect to (its URL is in the
	// X-Other header of the request).
	standby, redirect bool
	// followingClient makes the caller's HTTP client one whose
	// CheckRedirect follows everything.
	followingClient bool
	ep              api.Endpoint
	ctxTimeout      time.Duration
	timeout         time.Duration // per attempt, when the suite's is too short (TLS handshakes, 1 MiB reads under -race)
	check           func(t *testing.T, r faultRun)
}

func okBody(w http.ResponseWriter) {
	_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`))
}

// hijack takes the connection over after the headers were read.
func hijack(t *testing.T, w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
	}
	return conn, rw
}

// TestFaultyServers is the faulty-server suite of issue 14: every way a
// server or a gateway can misbehave, each with the outcome the transport
// must give (error or not, retried or not, how fast, nothing leaked), under
// -race, with goleak checking every goroutine is gone at the end.
func TestFaultyServers(t *testing.T) {
	// Not parallel: goleak compares the goroutines before and after.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const timeout = 150 * time.Millisecond
	noSig := func(t *testing.T, r faultRun) {
		t.Helper()
		for _, s := range []string{r.logs, fmt.Sprint(r.err), fmt.Sprintf("%+v", r.err), fmt.Sprintf("%#v", r.err)} {
			assert.NotContains(t, s, testSig)
			assert.NotContains(t, s, "usersig=e")
			assert.NotContains(t, s, "sdkappid=")
		}
	}
	cases := []faultCase{
		{
			name: "slow headers", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-time.After(5 * timeout):
				case <-r.Context().Done():
				}
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.ErrorIs(t, r.err, context.DeadlineExceeded, "each attempt ends at its timeout")
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits, "a timeout of an idempotent call is retried")
				assert.Less(t, r.elapsed, time.Duration(fastRetry.MaxAttempts)*timeout+2*time.Second)
			},
		},
		{
			name: "slow headers, unsafe call not resent", ep: api.Endpoint{Path: "a/b"},
			handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-time.After(5 * timeout):
				case <-r.Context().Done():
				}
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Equal(t, int32(1), r.hits, "the request may have been applied")
			},
		},
		{
			name: "slow body", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "64")
				w.WriteHeader(http.StatusOK)
				for i := 0; i < 64; i++ {
					_, _ = w.Write([]byte(" "))
					w.(http.Flusher).Flush()
					select {
					case <-time.After(timeout / 4):
					case <-r.Context().Done():
						return
					}
				}
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.ErrorIs(t, r.err, context.DeadlineExceeded, "the timeout covers the body")
				assert.Less(t, r.elapsed, time.Duration(fastRetry.MaxAttempts)*timeout+2*time.Second)
			},
		},
		{
			name: "huge Content-Length", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.FormatInt(1<<40, 10))
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`{"ActionStatus":"OK"`))
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, ErrResponseTooLarge)
				assert.Equal(t, int32(1), r.hits, "an oversize answer is not retried")
			},
		},
		{
			name: "100 MiB answer", ep: idem("a/b"), timeout: 5 * time.Second,
			handler: func(w http.ResponseWriter, r *http.Request) {
				chunk := bytes.Repeat([]byte("a"), 1<<20)
				_, _ = w.Write([]byte(`{"ActionStatus":"OK","X":"`))
				for i := 0; i < 100 && r.Context().Err() == nil; i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, ErrResponseTooLarge)
				assert.Equal(t, int32(1), r.hits, "an oversize answer is not retried")
			},
		},
		{
			name: "truncated body", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "100")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(`{"ActionStatus":`))
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler) // the server drops the connection
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Contains(t, r.err.Error(), "reading response")
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits, "a transport error of an idempotent call is retried")
			},
		},
		{
			name: "connection reset mid-body", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				conn, rw := hijack(t, w)
				_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n{\"ActionStatus\":\"OK\",")
				_ = rw.Flush()
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // close with RST
				}
				_ = conn.Close()
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits)
			},
		},
		{
			name: "connection closed before any answer", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				conn, _ := hijack(t, w)
				_ = conn.Close()
			},
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits)
			},
		},
		{
			name: "invalid JSON", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"ActionStatus":"OK",`)) },
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Contains(t, r.err.Error(), "decoding response")
				assert.Equal(t, int32(1), r.hits, "the same answer would come again")
			},
		},
		{
			name: "empty 200", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) },
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.Equal(t, int32(1), r.hits)
			},
		},
		{
			name: "HTML gateway page echoing the URL", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = fmt.Fprintf(w, "<html><body>502 Bad Gateway: upstream failed for %s</body></html>", r.URL.String())
			},
			check: func(t *testing.T, r faultRun) {
				var ae *api.Error
				require.ErrorAs(t, r.err, &ae)
				assert.Equal(t, http.StatusBadGateway, ae.HTTPStatus)
				assert.ErrorIs(t, r.err, api.ErrServerBusy)
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits, "a gateway 5xx is retried")
				noSig(t, r)
			},
		},
		{
			name: "envelope echoing the URL in ErrorInfo", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, r *http.Request) {
				info := "upstream error for https://console.tim.qq.com" + r.URL.String() + " (usersig=" + r.URL.Query().Get("usersig") + ")"
				_, _ = fmt.Fprintf(w, `{"ActionStatus":"FAIL","ErrorCode":10002,"ErrorInfo":%q}`, info)
			},
			check: func(t *testing.T, r faultRun) {
				var ae *api.Error
				require.ErrorAs(t, r.err, &ae)
				assert.Equal(t, 10002, ae.Code)
				assert.Contains(t, ae.Info, "upstream error for https://console.tim.qq.com/v4/a/b?REDACTED", "the text stays readable")
				assert.Contains(t, r.logs, "tim: retrying", "the retry warning was logged, and scanned")
				noSig(t, r)
			},
		},
		{
			name: "429 with Retry-After seconds", ep: idem("a/b"),
			handler: func() func(w http.ResponseWriter, r *http.Request) {
				var n atomic.Int32
				return func(w http.ResponseWriter, _ *http.Request) {
					if n.Add(1) == 1 {
						w.Header().Set("Retry-After", "1")
						w.WriteHeader(http.StatusTooManyRequests)
						return
					}
					okBody(w)
				}
			}(),
			check: func(t *testing.T, r faultRun) {
				require.NoError(t, r.err)
				assert.Equal(t, int32(2), r.hits)
				assert.GreaterOrEqual(t, r.elapsed, time.Second, "the resend waited for Retry-After")
				assertObserved(t, r.obs, "retry 2 rate_limited")
			},
		},
		{
			name: "503 with Retry-After as an HTTP date", ep: idem("a/b"),
			handler: func() func(w http.ResponseWriter, r *http.Request) {
				var n atomic.Int32
				return func(w http.ResponseWriter, _ *http.Request) {
					if n.Add(1) == 1 {
						w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					okBody(w)
				}
			}(),
			check: func(t *testing.T, r faultRun) {
				require.NoError(t, r.err)
				assert.Equal(t, int32(2), r.hits)
				assert.GreaterOrEqual(t, r.elapsed, 900*time.Millisecond, "the resend waited for the date (second precision)")
			},
		},
		{
			name: "429 with Retry-After beyond the context", ep: idem("a/b"), ctxTimeout: time.Second,
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, api.ErrRateLimited)
				assert.Equal(t, int32(1), r.hits, "no early resend")
				assert.Less(t, r.elapsed, 500*time.Millisecond, "gave up at once")
			},
		},
		{
			name: "429 with Retry-After beyond the dedup window",
			ep:   api.Endpoint{Path: "openim/sendmsg", Safety: api.Deduped, DedupWindow: 2 * time.Second},
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "5")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, api.ErrRateLimited)
				assert.Equal(t, int32(1), r.hits, "a resend after the window could deliver twice")
				assert.Less(t, r.elapsed, 500*time.Millisecond, "gave up at once")
			},
		},
		{
			name: "429 with Retry-After beyond MaxRetryAfter", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, api.ErrRateLimited)
				assert.Equal(t, int32(1), r.hits)
				assert.Less(t, r.elapsed, 500*time.Millisecond)
			},
		},
		{
			name: "503 then success", ep: idem("a/b"),
			handler: func() func(w http.ResponseWriter, r *http.Request) {
				var n atomic.Int32
				return func(w http.ResponseWriter, _ *http.Request) {
					if n.Add(1) == 1 {
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					okBody(w)
				}
			}(),
			check: func(t *testing.T, r faultRun) {
				require.NoError(t, r.err)
				assert.Equal(t, int32(2), r.hits)
			},
		},
		{
			name: "TLS unknown authority, standby", ep: api.Endpoint{Path: "openim/sendmsg"}, tls: true, standby: true, timeout: 5 * time.Second,
			handler: func(w http.ResponseWriter, _ *http.Request) { okBody(w) },
			check: func(t *testing.T, r faultRun) {
				require.NoError(t, r.err, "the standby answered")
				assert.Zero(t, r.hits, "the handshake failed: nothing reached the primary")
				assert.Equal(t, int32(1), r.other, "sent once, to the standby, although unsafe")
				assertObserved(t, r.obs, "switch standby=true err=true")
			},
		},
		{
			name: "TLS unknown authority, no standby", ep: idem("a/b"), tls: true, timeout: 5 * time.Second,
			handler: func(w http.ResponseWriter, _ *http.Request) { okBody(w) },
			check: func(t *testing.T, r faultRun) {
				require.Error(t, r.err)
				assert.True(t, certError(r.err), "the certificate error is kept: %v", r.err)
				assert.NotContains(t, r.obs, "retry 2 transport", "a certificate error is not retried on the same host")
			},
		},
		{
			name: "TLS hostname mismatch, standby", ep: idem("a/b"), tls: true, trust: true, localhost: true, standby: true, timeout: 5 * time.Second,
			handler: func(w http.ResponseWriter, _ *http.Request) { okBody(w) },
			check: func(t *testing.T, r faultRun) {
				require.NoError(t, r.err)
				assert.Zero(t, r.hits)
				assert.Equal(t, int32(1), r.other)
			},
		},
		{
			name: "307 to another host, caller's client follows redirects", ep: idem("a/b"), redirect: true, followingClient: true,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", r.Header.Get("X-Other")+r.URL.RequestURI())
				w.WriteHeader(http.StatusTemporaryRedirect)
			},
			check: func(t *testing.T, r faultRun) {
				var ae *api.Error
				require.ErrorAs(t, r.err, &ae)
				assert.Equal(t, http.StatusTemporaryRedirect, ae.HTTPStatus)
				assert.Zero(t, r.other, "the usersig never travels to the redirect target")
				assert.Equal(t, int32(1), r.hits, "a redirect is an answer, not retried")
				noSig(t, r)
			},
		},
		{
			name: "302 to another host", ep: idem("a/b"), redirect: true,
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.Header.Get("X-Other")+r.URL.RequestURI(), http.StatusFound)
			},
			check: func(t *testing.T, r faultRun) {
				var ae *api.Error
				require.ErrorAs(t, r.err, &ae)
				assert.Equal(t, http.StatusFound, ae.HTTPStatus)
				assert.Zero(t, r.other)
			},
		},
		{
			name: "60007 under 200", ep: idem("a/b"),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"too frequent"}`))
			},
			check: func(t *testing.T, r faultRun) {
				assert.ErrorIs(t, r.err, api.ErrRateLimited)
				assert.Equal(t, int32(fastRetry.MaxAttempts), r.hits)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runFault(t, tc, timeout) })
	}
}

// redirectHeader passes the second server's URL to the primary's handler.
type redirectHeader struct {
	other string
	rt    http.RoundTripper
}

func (h redirectHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Other", h.other)
	return h.rt.RoundTrip(r)
}

func runFault(t *testing.T, tc faultCase, timeout time.Duration) {
	var hits, other atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		tc.handler(w, r)
	})
	var primary *httptest.Server
	if tc.tls {
		primary = httptest.NewTLSServer(h)
		primary.Config.ErrorLog = discardLog() // failed handshakes are expected
	} else {
		primary = httptest.NewServer(h)
	}
	defer primary.Close()
	second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		other.Add(1)
		okBody(w)
	}))
	defer second.Close()

	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec := &recorder{}
	base := primary.URL
	if tc.localhost {
		base = strings.Replace(base, "127.0.0.1", "localhost", 1)
	}
	var rt http.RoundTripper = &http.Transport{}
	if tc.trust {
		rt = primary.Client().Transport.(*http.Transport).Clone()
	}
	if tc.redirect {
		rt = redirectHeader{other: second.URL, rt: rt}
	}
	hc := &http.Client{Transport: rt}
	if tc.followingClient {
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
	}
	tr, _ := newTransport(t, base, func(c *Config) {
		c.Timeout = timeout
		if tc.timeout > 0 {
			c.Timeout = tc.timeout
		}
		c.Logger = logger
		c.Observer = rec
		c.HTTPClient = hc
		c.MaxResponseBytes = 1 << 20
		if tc.standby {
			c.StandbyURL = second.URL
		}
	})
	defer tr.Close()
	defer closeIdle(rt)

	ctx := context.Background()
	if tc.ctxTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, tc.ctxTimeout)
		defer cancel()
	}
	start := time.Now()
	err := tr.Do(ctx, tc.ep, map[string]string{"k": "v"}, nil)
	r := faultRun{err: err, elapsed: time.Since(start), hits: hits.Load(), other: other.Load(), obs: rec.got(t)}
	mu.Lock()
	r.logs = logs.String()
	mu.Unlock()
	tc.check(t, r)
	assert.NotContains(t, r.logs, testSig, "no log line carries the usersig")
	if err != nil {
		assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), testSig)
	}
}

func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }

func closeIdle(rt http.RoundTripper) {
	for {
		switch v := rt.(type) {
		case redirectHeader:
			rt = v.rt
			continue
		case *http.Transport:
			v.CloseIdleConnections()
		}
		return
	}
}

// TestReadCappedCostsAboutTheCap: reading an answer just under the cap
// allocates about the cap, not twice it (issue 14 item 7).
func TestReadCappedCostsAboutTheCap(t *testing.T) {
	const limit = 8 << 20
	body := bytes.Repeat([]byte("a"), limit-10)
	for _, size := range []int64{-1, int64(len(body))} {
		allocs := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, err := readCapped(bytes.NewReader(body), size, limit)
				if err != nil {
					b.Fatal(err)
				}
				buf.b = nil // not back to the pool: measure every growth
			}
		})
		perRead := allocs.AllocedBytesPerOp()
		if size >= 0 {
			assert.Less(t, perRead, int64(limit)*11/10, "declared size: one allocation of the size, got %d bytes", perRead)
		} else {
			// Doubling from 4 KiB: the buffers sum to twice the last one,
			// which is capped at limit+1; at most 1.5× is live at once.
			assert.Less(t, perRead, int64(limit)*21/10, "undeclared size: %d bytes allocated for a %d-byte cap", perRead, limit)
		}
		buf, err := readCapped(bytes.NewReader(body), size, limit)
		require.NoError(t, err)
		assert.LessOrEqual(t, cap(buf.b), limit+1, "the buffer never grows past the cap")
	}
	_, err := readCapped(bytes.NewReader(append(body, bytes.Repeat([]byte("b"), 20)...)), -1, limit)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 7 ":                           7 * time.Second,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"Fri, 04 Dec 2026 12:00:05 GMT": 5 * time.Second,
		"Fri, 04 Dec 2026 11:00:00 GMT": 0,
		"99999999999999999999":          0, // does not parse as int64: not a date either
		"9999999999":                    MaxRetryAfter * 1000,
	} {
		assert.Equal(t, want, retryAfter(v, now), "%q", v)
	}
}

func TestCertErrorsClassified(t *testing.T) {
	t.Parallel()
	assert.False(t, certError(errors.New("x509: lookalike text only")))
	assert.True(t, notSent(&tls.CertificateVerificationError{Err: errors.New("bad")}))
}

package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

func TestMain(m *testing.M) { testkit.VerifyNoLeaks(m) }

const testSig = "eAEAsecretsig-value_"

type fakeSigner struct {
	mu          sync.Mutex
	gen         int
	invalidated int
}

func (f *fakeSigner) Sig(string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return testSig + strconv.Itoa(f.gen), nil
}

func (f *fakeSigner) Invalidate(string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen++
	f.invalidated++
}

var fastRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RateLimitDelay: 2 * time.Millisecond}

func newTransport(t *testing.T, base string, mod ...func(*Config)) (*Transport, *fakeSigner) {
	t.Helper()
	s := &fakeSigner{}
	retry := fastRetry
	cfg := Config{SDKAppID: testkit.AppID, Admin: "administrator", Signer: s, BaseURL: base, Retry: &retry, Limiter: NoLimit{}}
	for _, m := range mod {
		m(&cfg)
	}
	tr, err := New(cfg)
	require.NoError(t, err)
	return tr, s
}

// sendC2C is openim/sendmsg as the message package declares it.
var sendC2C = api.Endpoint{Path: "openim/sendmsg", Safety: api.Deduped, DedupWindow: api.C2CDedupWindow}

// idem declares path as idempotent (retried on any transient failure).
func idem(path string) api.Endpoint { return api.Endpoint{Path: path, Safety: api.Idempotent} }

type checkResp struct {
	api.Envelope
	ResultItem []struct {
		UserID string `json:"UserID"`
	} `json:"ResultItem"`
}

func TestRequestShape(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/account_check", func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{{"UserID": "u1"}}})
	})
	tr, _ := newTransport(t, srv.URL)
	var resp checkResp
	req := map[string]any{"CheckItem": []map[string]string{{"UserID": "u1"}}}
	require.NoError(t, tr.Do(context.Background(), idem("im_open_login_svc/account_check"), req, &resp))
	assert.Equal(t, "u1", resp.ResultItem[0].UserID)
	assert.Equal(t, "OK", resp.ActionStatus)

	r := srv.Last("im_open_login_svc/account_check")
	assert.Equal(t, "1400000000", r.Query.Get("sdkappid"))
	assert.Equal(t, "administrator", r.Query.Get("identifier"))
	assert.Equal(t, testSig+"0", r.Query.Get("usersig"))
	assert.Equal(t, "json", r.Query.Get("contenttype"))
	n, err := strconv.ParseUint(r.Query.Get("random"), 10, 64)
	require.NoError(t, err)
	assert.LessOrEqual(t, n, uint64(1<<32-1))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"CheckItem":[{"UserID":"u1"}]}`, string(r.Body))

	// A nil request sends {} and a nil response is fine.
	require.NoError(t, tr.Do(context.Background(), idem("openconfigsvr/getappinfo"), nil, nil))
	assert.Equal(t, "{}", string(srv.Last("openconfigsvr/getappinfo").Body))
}

func TestRandomIsFreshPerRequest(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	tr, _ := newTransport(t, srv.URL)
	for i := 0; i < 20; i++ {
		require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	}
	seen := map[string]bool{}
	for _, r := range srv.Calls("a/b") {
		seen[r.Query.Get("random")] = true
	}
	assert.Greater(t, len(seen), 15)
}

func TestEnvelopeErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   string
		code   int
		family error
	}{
		{"fail under 200", 200, `{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"bad"}`, 10004, api.ErrInvalidParameter},
		{"code without ActionStatus", 200, `{"ErrorCode":70107,"ErrorInfo":"not imported"}`, 70107, api.ErrAccountNotFound},
		{"group not found", 200, `{"ActionStatus":"FAIL","ErrorCode":10010,"ErrorInfo":"gone"}`, 10010, api.ErrGroupNotFound},
		{"wrong region", 200, `{"ActionStatus":"FAIL","ErrorCode":70020,"ErrorInfo":"x"}`, 70020, api.ErrWrongRegion},
		{"usersig invalid", 200, `{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"x"}`, 70009, api.ErrUserSigInvalid},
		{"permission", 200, `{"ActionStatus":"FAIL","ErrorCode":10007,"ErrorInfo":"x"}`, 10007, api.ErrPermission},
		{"callback reject", 200, `{"ActionStatus":"FAIL","ErrorCode":20006,"ErrorInfo":"x"}`, 20006, api.ErrRejectedByCallback},
		{"http 502", 502, `bad gateway`, 0, api.ErrServerBusy},
		{"http 404 with envelope", 404, `{"ActionStatus":"FAIL","ErrorCode":60009,"ErrorInfo":"x"}`, 60009, api.ErrInvalidParameter},
		{"70050 is rate limited and invalid", 200, `{"ActionStatus":"FAIL","ErrorCode":70050,"ErrorInfo":"x"}`, 70050, api.ErrRateLimited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			srv.HandleRaw("x/y", func(w http.ResponseWriter, _ testkit.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			})
			tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Retry = &NoRetry })
			err := tr.Do(context.Background(), idem("x/y"), nil, &checkResp{})
			var ae *api.Error
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, tc.status, ae.HTTPStatus)
			assert.Equal(t, "x/y", ae.Op)
			assert.ErrorIs(t, err, tc.family)
		})
	}
}

func TestDriftedFieldStillReportsEnvelopeError(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.HandleRaw("x/y", func(w http.ResponseWriter, _ testkit.Request) {
		_, _ = w.Write([]byte(`{"ActionStatus":"FAIL","ErrorCode":10004,"ErrorInfo":"bad","ResultItem":"not-a-list"}`))
	})
	tr, _ := newTransport(t, srv.URL)
	err := tr.Do(context.Background(), idem("x/y"), nil, &checkResp{})
	assert.ErrorIs(t, err, api.ErrInvalidParameter)
}

func TestUndecodableBody(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.HandleRaw("x/y", func(w http.ResponseWriter, _ testkit.Request) { _, _ = w.Write([]byte(`<html>`)) })
	tr, _ := newTransport(t, srv.URL)
	err := tr.Do(context.Background(), idem("x/y"), nil, &checkResp{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "decoding response")
}

// flaky answers fails times with the given body, then OK.
func flaky(srv *testkit.Server, path string, fails int, status int, body string) *atomic.Int32 {
	var n atomic.Int32
	srv.HandleRaw(path, func(w http.ResponseWriter, _ testkit.Request) {
		if int(n.Add(1)) <= fails {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
			return
		}
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0}`))
	})
	return &n
}

func TestRetries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		ep      api.Endpoint
		status  int
		body    string
		fails   int
		wantOK  bool
		wantHit int32
	}{
		{"busy code then ok", idem("a/b"), 200, `{"ActionStatus":"FAIL","ErrorCode":10002}`, 2, true, 3},
		{"http 500 then ok", idem("a/b"), 500, `oops`, 1, true, 2},
		{"http 429 then ok", idem("a/b"), 429, ``, 1, true, 2},
		{"rate limit code then ok", idem("a/b"), 200, `{"ActionStatus":"FAIL","ErrorCode":60007}`, 1, true, 2},
		{"gives up after max attempts", idem("a/b"), 200, `{"ActionStatus":"FAIL","ErrorCode":20005}`, 10, false, 4},
		{"no retry on invalid parameter", idem("a/b"), 200, `{"ActionStatus":"FAIL","ErrorCode":10004}`, 1, false, 1},
		{"no blind retry on 70050", idem("a/b"), 200, `{"ActionStatus":"FAIL","ErrorCode":70050}`, 1, false, 1},
		{"unsafe path not retried on busy", api.Endpoint{Path: "group_open_http_svc/create_group"}, 200, `{"ActionStatus":"FAIL","ErrorCode":10002}`, 1, false, 1},
		{"unsafe path retried on rate limit", api.Endpoint{Path: "group_open_http_svc/create_group"}, 200, `{"ActionStatus":"FAIL","ErrorCode":10006}`, 1, true, 2},
		{"deduped send retried on busy", sendC2C, 200, `{"ActionStatus":"FAIL","ErrorCode":20004}`, 1, true, 2},
		{"unsafe send not retried on 5xx", api.Endpoint{Path: "openim/sendmsg"}, 503, ``, 1, false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			hits := flaky(srv, tc.ep.Path, tc.fails, tc.status, tc.body)
			tr, _ := newTransport(t, srv.URL)
			err := tr.Do(context.Background(), tc.ep, nil, nil)
			if tc.wantOK {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
			assert.Equal(t, tc.wantHit, hits.Load())
		})
	}
}

func TestRetryResendsIdenticalBody(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	flaky(srv, "openim/sendmsg", 2, 200, `{"ActionStatus":"FAIL","ErrorCode":91000}`)
	tr, _ := newTransport(t, srv.URL)
	req := map[string]any{"MsgRandom": 12345, "MsgSeq": 7, "To_Account": "b"}
	require.NoError(t, tr.Do(context.Background(), sendC2C, req, nil))
	calls := srv.Calls("openim/sendmsg")
	require.Len(t, calls, 3)
	for _, c := range calls[1:] {
		assert.Equal(t, string(calls[0].Body), string(c.Body))
	}
}

func TestTimeoutRetriedForIdempotentOnly(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	var n atomic.Int32
	slowFirst := func(w http.ResponseWriter, _ testkit.Request) {
		if n.Add(1) == 1 {
			time.Sleep(300 * time.Millisecond)
		}
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0}`))
	}
	srv.HandleRaw("a/b", slowFirst)
	srv.HandleRaw("openim/sendmsg", slowFirst)
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	assert.Equal(t, int32(2), n.Load())

	n.Store(0)
	err := tr.Do(context.Background(), api.Endpoint{Path: "openim/sendmsg"}, nil, nil)
	require.Error(t, err, "an unsafe call that may have been processed is not resent")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), n.Load())
}

func TestContextCancelledMidBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	flaky(srv, "a/b", 100, 200, `{"ActionStatus":"FAIL","ErrorCode":10002}`)
	slow := RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Retry = &slow })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	err := tr.Do(ctx, idem("a/b"), nil, nil)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, api.ErrServerBusy, "the last failure is kept")
	assert.Len(t, srv.Calls("a/b"), 1)
}

func TestNoRetryWhenDeadlineTooClose(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	flaky(srv, "a/b", 100, 200, `{"ActionStatus":"FAIL","ErrorCode":10002}`)
	slow := RetryPolicy{MaxAttempts: 5, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Retry = &slow })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := tr.Do(ctx, idem("a/b"), nil, nil)
	assert.Less(t, time.Since(start), 500*time.Millisecond)
	assert.ErrorIs(t, err, api.ErrServerBusy)
}

func TestCancelledContextMakesNoRequest(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	tr, _ := newTransport(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, tr.Do(ctx, idem("a/b"), nil, nil), context.Canceled)
	assert.Empty(t, srv.Requests())
}

func TestExpiredSigRenewedOnce(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("a/b", func(r testkit.Request) any {
		if r.Query.Get("usersig") == testSig+"0" {
			return testkit.Fail(70001, "usersig expired")
		}
		return nil
	})
	var auth []error
	var mu sync.Mutex
	tr, s := newTransport(t, srv.URL, func(c *Config) {
		c.Retry = &NoRetry // renewal does not depend on the retry budget
		c.OnAuth = func(_ context.Context, err error) { mu.Lock(); auth = append(auth, err); mu.Unlock() }
	})
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	assert.Equal(t, 1, s.invalidated)
	calls := srv.Calls("a/b")
	require.Len(t, calls, 2)
	assert.Equal(t, testSig+"1", calls[1].Query.Get("usersig"))
	assert.Equal(t, []error{nil}, auth)

	// Always expired: renew once, then report.
	srv.Handle("a/c", func(testkit.Request) any { return testkit.Fail(70001, "expired") })
	err := tr.Do(context.Background(), idem("a/c"), nil, nil)
	assert.ErrorIs(t, err, api.ErrUserSigExpired)
	assert.Len(t, srv.Calls("a/c"), 2)
	require.Len(t, auth, 2)
	assert.ErrorIs(t, auth[1], api.ErrUserSigExpired)
}

func TestCredentialRejectionReported(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("a/b", func(testkit.Request) any { return testkit.Fail(70009, "bad key") })
	var got error
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.OnAuth = func(_ context.Context, err error) { got = err } })
	err := tr.Do(context.Background(), idem("a/b"), nil, nil)
	assert.ErrorIs(t, err, api.ErrUserSigInvalid)
	assert.ErrorIs(t, got, api.ErrUserSigInvalid)
	assert.Len(t, srv.Calls("a/b"), 1)
}

// deadAddr returns a URL on which nothing listens.
func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestStandbyFailover(t *testing.T) {
	t.Parallel()
	standby := testkit.NewServer(t)
	now := time.Unix(1700000000, 0)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	tr, _ := newTransport(t, deadAddr(t), func(c *Config) {
		c.StandbyURL = standby.URL
		c.Retry = &NoRetry
		c.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	})
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil), "a connect failure on the primary moves the same attempt to the standby")
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	assert.Len(t, standby.Calls("a/b"), 2)
	assert.Positive(t, tr.preferStby.Load(), "standby preferred for a while")
	clock.Add(int64(time.Minute))
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil), "after the window the primary is tried again, then the standby")
	assert.Len(t, standby.Calls("a/b"), 3)
}

func TestStandbyNotUsedWhenRequestWasSent(t *testing.T) {
	t.Parallel()
	primary := testkit.NewServer(t)
	standby := testkit.NewServer(t)
	primary.HandleRaw("openim/sendmsg", func(w http.ResponseWriter, _ testkit.Request) {
		hj, ok := w.(http.Hijacker)
		require.True(t, ok)
		conn, _, err := hj.Hijack()
		require.NoError(t, err)
		_ = conn.Close()
	})
	tr, _ := newTransport(t, primary.URL, func(c *Config) { c.StandbyURL = standby.URL })
	err := tr.Do(context.Background(), api.Endpoint{Path: "openim/sendmsg"}, nil, nil)
	require.Error(t, err)
	assert.Empty(t, standby.Requests())
	assert.Len(t, primary.Calls("openim/sendmsg"), 1)
}

func TestResponseCap(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.HandleRaw("a/b", func(w http.ResponseWriter, _ testkit.Request) {
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"X":"`))
		_, _ = w.Write(bytes.Repeat([]byte("a"), 4096))
		_, _ = w.Write([]byte(`"}`))
	})
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.MaxResponseBytes = 1024; c.Retry = &NoRetry })
	err := tr.Do(context.Background(), idem("a/b"), nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than 1024 bytes")
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	other := testkit.NewServer(t)
	srv := testkit.NewServer(t)
	srv.HandleRaw("a/b", func(w http.ResponseWriter, r testkit.Request) {
		w.Header().Set("Location", other.URL+"/steal")
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Retry = &NoRetry })
	err := tr.Do(context.Background(), idem("a/b"), nil, nil)
	var ae *api.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusTemporaryRedirect, ae.HTTPStatus)
	assert.Empty(t, other.Requests(), "the usersig never travels to a redirect target")
}

func TestRedactionInErrorsAndLogs(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := testkit.NewServer(t)
	srv.HandleRaw("hang/up", func(w http.ResponseWriter, _ testkit.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
	})
	srv.HandleRaw("slow/call", func(w http.ResponseWriter, _ testkit.Request) { time.Sleep(200 * time.Millisecond) })
	srv.HandleRaw("bad/json", func(w http.ResponseWriter, _ testkit.Request) { _, _ = w.Write([]byte("{")) })
	srv.Handle("fail/code", func(testkit.Request) any { return testkit.Fail(10002, "busy") })
	targets := []struct{ base, path string }{
		{srv.URL, "hang/up"}, {srv.URL, "slow/call"}, {srv.URL, "bad/json"}, {srv.URL, "fail/code"},
		{deadAddr(t), "a/b"}, {"http://no-such-host.invalid", "a/b"}, {"http://[::1]:namedport", "a/b"},
	}
	for _, tg := range targets {
		tr, _ := newTransport(t, tg.base, func(c *Config) { c.Logger = logger; c.Timeout = 50 * time.Millisecond })
		err := tr.Do(context.Background(), idem(tg.path), map[string]string{"k": "v"}, nil)
		require.Error(t, err, tg.base)
		assert.NotContains(t, err.Error(), testSig, tg.base)
		var ue interface{ Unwrap() error }
		for e := error(err); e != nil; {
			assert.NotContains(t, e.Error(), testSig)
			if !errors.As(e, &ue) {
				break
			}
			e = ue.Unwrap()
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), testSig)
	assert.NotContains(t, logs.String(), "usersig=e")
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestDoesNotModifyCallersHTTPClient(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	hc := &http.Client{}
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.HTTPClient = hc })
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	assert.Nil(t, hc.Transport)
	assert.Nil(t, hc.CheckRedirect)
}

func TestMarshal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
	}{
		{nil, "{}"}, {json.RawMessage(nil), "{}"}, {json.RawMessage(`{"a":1}`), `{"a":1}`},
		{(*struct{})(nil), "{}"}, {struct {
			A int `json:"A"`
		}{1}, `{"A":1}`},
	} {
		b, err := marshal(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))
	}
	_, err := marshal(func() {})
	assert.Error(t, err)
}

func TestGateway5xxSaysNothingAboutCredentials(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.HandleRaw("a/b", func(w http.ResponseWriter, _ testkit.Request) { w.WriteHeader(http.StatusBadGateway) })
	srv.Handle("a/c", func(testkit.Request) any { return testkit.Fail(10004, "bad") })
	calls := 0
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.OnAuth = func(context.Context, error) { calls++ } })
	assert.Error(t, tr.Do(context.Background(), idem("a/b"), nil, nil))
	assert.Zero(t, calls, "a proxy's 502 neither proves nor refutes the credentials")
	assert.Error(t, tr.Do(context.Background(), idem("a/c"), nil, nil))
	assert.Equal(t, 1, calls, "a business error from Tencent proves them")
}

func TestRetryDecodesIntoACleanValue(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	n := 0
	srv.HandleRaw("a/b", func(w http.ResponseWriter, _ testkit.Request) {
		n++
		if n == 1 {
			_, _ = w.Write([]byte(`{"ActionStatus":"FAIL","ErrorCode":20004,"a":1}`))
			return
		}
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","b":2}`)) // no ErrorCode at all
	})
	tr, _ := newTransport(t, srv.URL)
	var m map[string]any
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, &m))
	assert.Equal(t, map[string]any{"ActionStatus": "OK", "b": float64(2)}, m)

	n = 0
	var r checkResp
	require.NoError(t, tr.Do(context.Background(), idem("a/b"), nil, &r), "the first answer's ErrorCode must not survive")
	assert.Zero(t, r.ErrorCode)
}

func TestDedupedRetriesStopBeforeTheWindowCloses(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	hits := flaky(srv, "openim/sendmsg", 100, 200, `{"ActionStatus":"FAIL","ErrorCode":20004}`)
	// A per-attempt timeout as long as the window leaves no room for a resend.
	long := RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Retry = &long; c.Timeout = api.C2CDedupWindow })
	err := tr.Do(context.Background(), sendC2C, nil, nil)
	assert.ErrorIs(t, err, api.ErrServerBusy)
	assert.Equal(t, int32(1), hits.Load())
	// The same policy on an idempotent call retries.
	hits2 := flaky(srv, "a/b", 100, 200, `{"ActionStatus":"FAIL","ErrorCode":20004}`)
	_ = tr.Do(context.Background(), idem("a/b"), nil, nil)
	assert.Equal(t, int32(5), hits2.Load())
}

func TestURLErrorCarriesNoQuery(t *testing.T) {
	t.Parallel()
	err := redact(&url.Error{Op: "Post", URL: "https://h/v4/a/b?sdkappid=1&identifier=admin&usersig=eAEsecret&random=7", Err: errors.New("boom")}, "eAEsecret")
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "https://h/v4/a/b", ue.URL)
	assert.NotContains(t, err.Error(), "identifier")
}

// blockingLimiter lets the first call through and holds later ones for d.
type blockingLimiter struct {
	n atomic.Int32
	d time.Duration
}

func (b *blockingLimiter) Wait(ctx context.Context, _ string, _ int) error {
	if b.n.Add(1) == 1 {
		return nil
	}
	return sleep(ctx, b.d)
}

func TestDedupedResendNotHeldPastTheWindowByTheLimiter(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	hits := flaky(srv, "openim/sendmsg", 100, 200, `{"ActionStatus":"FAIL","ErrorCode":20004}`)
	lim := &blockingLimiter{d: time.Hour}
	// Window 120 s, timeout 119.9 s: the resend must go within 100 ms or not at all.
	tr, _ := newTransport(t, srv.URL, func(c *Config) { c.Limiter = lim; c.Timeout = api.C2CDedupWindow - 100*time.Millisecond })
	start := time.Now()
	err := tr.Do(context.Background(), sendC2C, nil, nil)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second, "the limiter wait was cut at the window")
	assert.ErrorIs(t, err, api.ErrServerBusy, "the last real failure is reported")
	assert.Contains(t, err.Error(), "dedup window")
	assert.Equal(t, int32(1), hits.Load())
}

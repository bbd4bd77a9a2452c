package tim_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/usersig"
)

func TestMain(m *testing.M) { testkit.VerifyNoLeaks(m) }

var fixedNow = time.Unix(1700000000, 0)

func fixedClock() time.Time { return fixedNow }

func newClient(t *testing.T, srv *testkit.Server, opts ...tim.Option) *tim.Client {
	t.Helper()
	base := []tim.Option{tim.WithBaseURL(srv.URL), tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond})}
	c, err := tim.New(testkit.AppID, testkit.Key, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestNewValidatesInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		appID uint64
		key   string
		opt   tim.Option
		want  string
	}{
		{"zero app id", 0, "k", nil, "sdkAppID: 0 is out of range"},
		{"app id too large", 1 << 32, "k", nil, "out of range"},
		{"empty key", 1400000000, "", nil, "secretKey: is empty"},
		{"unknown region", 1400000000, "k", tim.WithRegion("mars"), `unknown region "mars"`},
		{"base url without scheme", 1400000000, "k", tim.WithBaseURL("example.com"), "scheme must be http or https"},
		{"base url with query", 1400000000, "k", tim.WithBaseURL("https://h/?a=b"), "must not carry a query"},
		{"standby url bad", 1400000000, "k", tim.WithStandbyURL("ftp://x"), "WithStandbyURL"},
		{"admin too long", 1400000000, "k", tim.WithAdmin(strings.Repeat("a", 33)), "33 bytes, limit is 32"},
		{"admin empty", 1400000000, "k", tim.WithAdmin(""), "is empty"},
		{"timeout zero", 1400000000, "k", tim.WithTimeout(0), "must be positive"},
		{"retry attempts zero", 1400000000, "k", tim.WithRetry(tim.RetryPolicy{}), "MaxAttempts 0 is out of range"},
		{"retry negative delay", 1400000000, "k", tim.WithRetry(tim.RetryPolicy{MaxAttempts: 2, BaseDelay: -1}), "must not be negative"},
		{"rate negative", 1400000000, "k", tim.WithRateLimit(-1), "must not be negative"},
		{"api rate bad path", 1400000000, "k", tim.WithAPIRateLimit("sendmsg", tim.Rate{N: 1, Per: time.Second}), "not <service>/<command>"},
		{"api rate no window", 1400000000, "k", tim.WithAPIRateLimit("openim/sendmsg", tim.Rate{N: 1}), "invalid rate"},
		{"nil limiter", 1400000000, "k", tim.WithLimiter(nil), "nil limiter"},
		{"nil logger", 1400000000, "k", tim.WithLogger(nil), "nil logger"},
		{"nil clock", 1400000000, "k", tim.WithClock(nil), "nil clock"},
		{"nil dispatcher", 1400000000, "k", tim.WithDispatcher(nil), "nil dispatcher"},
		{"nil http client", 1400000000, "k", tim.WithHTTPClient(nil), "nil client"},
		{"short sig validity", 1400000000, "k", tim.WithAdminSigValidity(time.Minute), "shorter than 10m"},
		{"tiny response cap", 1400000000, "k", tim.WithMaxResponseBytes(10), "below 1024"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opts []tim.Option
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			c, err := tim.New(tc.appID, tc.key, opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
			// Every refusal names what is wrong and can be matched.
			var inv *tim.InvalidInputError
			require.ErrorAs(t, err, &inv)
			assert.NotEmpty(t, inv.Field)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
		})
	}
	t.Run("option errors name the option", func(t *testing.T) {
		t.Parallel()
		_, err := tim.New(1400000000, "k", tim.WithTimeout(-time.Second))
		var inv *tim.InvalidInputError
		require.ErrorAs(t, err, &inv)
		assert.Equal(t, "WithTimeout", inv.Field)
		_, err = tim.New(1400000000, "k", nil)
		require.ErrorAs(t, err, &inv)
		assert.Equal(t, "opts[0]", inv.Field)
	})
}

func TestParseRegion(t *testing.T) {
	t.Parallel()
	for _, r := range tim.Regions() {
		got, err := tim.ParseRegion(strings.ToUpper(string(r)))
		require.NoError(t, err)
		assert.Equal(t, r, got)
		assert.NotEmpty(t, r.Host())
		assert.Contains(t, r.StandbyHost(), ".my-imcloud.com")
	}
	for alias, want := range map[string]tim.Region{"sgp": tim.RegionSingapore, "usa": tim.RegionSiliconValley, " ger ": tim.RegionFrankfurt, "ksa": tim.RegionRiyadh, "jpn": tim.RegionTokyo} {
		got, err := tim.ParseRegion(alias)
		require.NoError(t, err, alias)
		assert.Equal(t, want, got)
	}
	_, err := tim.ParseRegion("atlantis")
	assert.ErrorContains(t, err, "unknown region")
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	assert.Equal(t, "console.tim.qq.com", tim.RegionChina.Host())
	assert.Equal(t, "adminapisgp.im.qcloud.com", tim.RegionSingapore.Host())
}

// hostRecorder is a RoundTripper that records hosts and refuses to connect.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts = append(h.hosts, r.URL.Scheme+"://"+r.URL.Host)
	h.mu.Unlock()
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("refused by test")}
}

func TestRegionSelectsHostsAndStandby(t *testing.T) {
	t.Parallel()
	for _, r := range tim.Regions() {
		rec := &hostRecorder{}
		c, err := tim.New(testkit.AppID, testkit.Key, tim.WithRegion(r), tim.WithHTTPClient(&http.Client{Transport: rec}), tim.WithoutRetry())
		require.NoError(t, err)
		err = c.Do(context.Background(), tim.Endpoint{Path: "a/b"}, nil, nil)
		require.Error(t, err)
		assert.Equal(t, []string{"https://" + r.Host(), "https://" + r.StandbyHost()}, rec.hosts, r)
	}
}

func TestLoginEmitsReadyOnceAndRepeatLogin(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/account_check", func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{{"UserID": "administrator", "ResultCode": 0, "AccountStatus": "Imported"}}})
	})
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	var ready atomic.Int32
	var got *event.Ready
	event.On(d, func(_ context.Context, e *event.Ready) { ready.Add(1); got = e })
	c := newClient(t, srv, tim.WithDispatcher(d), tim.WithClock(fixedClock))
	assert.False(t, c.Ready())
	assert.Same(t, d, c.Events())

	res, err := c.Login(context.Background())
	require.NoError(t, err)
	assert.False(t, res.RepeatLogin)
	assert.Equal(t, "administrator", res.Identifier)
	assert.True(t, c.Ready())
	assert.Equal(t, int32(1), ready.Load())
	require.NotNil(t, got)
	assert.Equal(t, uint64(testkit.AppID), got.SDKAppID)
	assert.Equal(t, fixedNow, got.At)
	assert.JSONEq(t, `{"CheckItem":[{"UserID":"administrator"}]}`, string(srv.Last("im_open_login_svc/account_check").Body))

	res, err = c.Login(context.Background())
	require.NoError(t, err)
	assert.True(t, res.RepeatLogin)
	assert.Len(t, srv.Requests(), 1, "a repeated Login makes no request")
	require.NoError(t, c.Do(context.Background(), tim.Endpoint{Path: "a/b"}, nil, nil))
	assert.Equal(t, int32(1), ready.Load(), "SDK_READY once per transition")
}

func TestLazyLoginOnFirstCall(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := newClient(t, srv)
	var ready atomic.Int32
	event.On(c.Events(), func(context.Context, *event.Ready) { ready.Add(1) })
	require.NoError(t, c.Account.Kick(context.Background(), "u1"))
	assert.True(t, c.Ready())
	assert.Equal(t, int32(1), ready.Load())
	res, err := c.Login(context.Background())
	require.NoError(t, err)
	assert.True(t, res.RepeatLogin)
}

func TestNotReadyOnRejectedCredentialsThenRecovers(t *testing.T) {
	t.Parallel()
	for _, code := range []int{70009, 70013, 70014, 70016, 70020, 70003, 60010} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			var reject atomic.Bool
			reject.Store(true)
			srv.Handle("im_open_login_svc/account_check", func(testkit.Request) any {
				if reject.Load() {
					return testkit.Fail(code, "rejected")
				}
				return nil
			})
			c := newClient(t, srv)
			var notReady []*event.NotReady
			var readies atomic.Int32
			var mu sync.Mutex
			event.On(c.Events(), func(_ context.Context, e *event.NotReady) { mu.Lock(); notReady = append(notReady, e); mu.Unlock() })
			event.On(c.Events(), func(context.Context, *event.Ready) { readies.Add(1) })

			_, err := c.Login(context.Background())
			var ae *tim.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, code, ae.Code)
			assert.False(t, c.Ready())
			_, err = c.Login(context.Background())
			require.Error(t, err)
			mu.Lock()
			require.Len(t, notReady, 1, "SDK_NOT_READY once per transition")
			assert.Equal(t, code, notReady[0].Code)
			assert.ErrorIs(t, notReady[0].Err, ae)
			mu.Unlock()
			assert.Len(t, srv.Calls("im_open_login_svc/account_check"), 2, "credential errors are not retried")

			reject.Store(false)
			_, err = c.Login(context.Background())
			require.NoError(t, err)
			assert.True(t, c.Ready())
			assert.Equal(t, int32(1), readies.Load())
		})
	}
}

func TestBusinessErrorsDoNotMakeClientNotReady(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/kick", func(testkit.Request) any { return testkit.Fail(70107, "not imported") })
	c := newClient(t, srv)
	err := c.Account.Kick(context.Background(), "ghost")
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.True(t, c.Ready(), "Tencent accepted the credentials; the account is the problem")
}

func TestUserSig(t *testing.T) {
	t.Parallel()
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithClock(fixedClock))
	require.NoError(t, err)
	sig, err := c.UserSig("doctor_42", 7*24*time.Hour)
	require.NoError(t, err)
	require.NoError(t, usersig.Verify(sig, testkit.AppID, testkit.Key, "doctor_42", nil, fixedNow.Add(6*24*time.Hour)))
	info, err := usersig.Decode(sig)
	require.NoError(t, err)
	assert.Equal(t, 7*24*time.Hour, info.Validity)
	assert.True(t, fixedNow.Equal(info.IssuedAt))

	_, err = c.UserSig("", time.Hour)
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	_, err = c.UserSig(strings.Repeat("x", 33), time.Hour)
	assert.ErrorContains(t, err, "limit is 32")
	_, err = c.UserSig("u", 0)
	assert.Error(t, err)
}

func TestDoRejectsBadDeclarationsBeforeNetwork(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := newClient(t, srv)
	for _, p := range []string{"", "sendmsg", "/openim/sendmsg", "openim/sendmsg/", "v4/openim/sendmsg", "openim/send msg", "openim/sendmsg?x=1", "a//b"} {
		err := c.Do(context.Background(), tim.Endpoint{Path: p}, nil, nil)
		var inv *tim.InvalidInputError
		require.ErrorAs(t, err, &inv, p)
		assert.Equal(t, "Endpoint.Path", inv.Field)
	}
	for _, e := range []tim.Endpoint{
		{Path: "openim/sendmsg", Safety: tim.Deduped},         // no window
		{Path: "openim/sendmsg", Safety: 9},                   // unknown class
		{Path: "openim/batchsendmsg", Units: 3},               // units of no budget
		{Path: "openim/batchsendmsg", Budget: "b", Units: -1}, // negative
	} {
		err := c.Do(context.Background(), e, nil, nil)
		assert.ErrorIs(t, err, tim.ErrInvalidParameter, e.String())
	}
	assert.Empty(t, srv.Requests())
	type resp struct {
		tim.Envelope
		Value int `json:"Value"`
	}
	srv.Handle("openconfigsvr/getappinfo", func(testkit.Request) any { return map[string]any{"ErrorCode": 0, "ErrorInfo": "OK", "Value": 7} })
	var r resp
	require.NoError(t, c.Do(context.Background(), tim.Endpoint{Path: "openconfigsvr/getappinfo"}, nil, &r))
	assert.Equal(t, 7, r.Value)
}

func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := newClient(t, srv, tim.WithClock(fixedClock))
	require.NoError(t, c.Do(context.Background(), tim.Endpoint{Path: "a/b"}, nil, nil)) // caches the admin sig
	sig := srv.Last("a/b").Query.Get("usersig")
	require.NotEmpty(t, sig)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		s := fmt.Sprintf(f, c)
		assert.NotContains(t, s, testkit.Key, f)
		assert.NotContains(t, s, sig, f)
	}
}

// TestRedaction drives failures of every kind at debug level and scans
// everything printed and returned for the key and the usersig.
func TestRedaction(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := testkit.NewServer(t)
	srv.HandleRaw("x/hangup", func(w http.ResponseWriter, _ testkit.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
	})
	srv.HandleRaw("x/slow", func(http.ResponseWriter, testkit.Request) { time.Sleep(300 * time.Millisecond) })
	srv.HandleRaw("x/garbage", func(w http.ResponseWriter, _ testkit.Request) { _, _ = w.Write([]byte("not json")) })
	srv.HandleRaw("x/redirect", func(w http.ResponseWriter, _ testkit.Request) {
		http.Redirect(w, &http.Request{}, "http://127.0.0.1:1/?usersig=leak", http.StatusFound)
	})
	srv.Handle("x/busy", func(testkit.Request) any { return testkit.Fail(20005, "busy") })
	srv.Handle("x/expired", func(testkit.Request) any { return testkit.Fail(70001, "expired") })
	srv.Handle("x/badkey", func(testkit.Request) any { return testkit.Fail(70009, "sig verify failed") })

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + l.Addr().String()
	require.NoError(t, l.Close())

	var errs []error
	var sigs []string
	for _, base := range []string{srv.URL, dead, "http://unresolvable.invalid"} {
		c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(base), tim.WithStandbyURL(dead), tim.WithLogger(logger),
			tim.WithTimeout(100*time.Millisecond), tim.WithRetry(tim.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		for _, p := range []string{"x/hangup", "x/slow", "x/garbage", "x/redirect", "x/busy", "x/expired", "x/badkey"} {
			// Idempotent, so the failures are retried and the retry log line is scanned too.
			errs = append(errs, c.Do(context.Background(), tim.Endpoint{Path: p, Safety: tim.Idempotent}, map[string]string{"k": "v"}, nil))
		}
	}
	for _, r := range srv.Requests() {
		sigs = append(sigs, r.Query.Get("usersig"))
	}
	require.NotEmpty(t, sigs)
	mu.Lock()
	printed := logs.String()
	mu.Unlock()
	require.Contains(t, printed, "retrying", "the debug log saw the failures")
	for _, e := range errs {
		require.Error(t, e)
		printed += "\n" + e.Error() + fmt.Sprintf("%+v %#v", e, e)
	}
	assert.NotContains(t, printed, testkit.Key)
	assert.NotContains(t, printed, "usersig=e")
	for _, s := range sigs {
		assert.NotContains(t, printed, s)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestLifecycleHandlerMayCallTheClient(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := newClient(t, srv)
	done := make(chan *tim.LoginResult, 1)
	event.On(c.Events(), func(ctx context.Context, _ *event.Ready) {
		res, err := c.Login(ctx) // re-entering the client from SDK_READY
		assert.NoError(t, err)
		done <- res
	})
	finished := make(chan error, 1)
	go func() { _, err := c.Login(context.Background()); finished <- err }()
	select {
	case err := <-finished:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Login deadlocked in its own SDK_READY handler")
	}
	res := <-done
	assert.True(t, res.RepeatLogin)
}

func TestGateway5xxDoesNotMakeClientReady(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.HandleRaw("im_open_login_svc/account_check", func(w http.ResponseWriter, _ testkit.Request) { w.WriteHeader(http.StatusBadGateway) })
	c := newClient(t, srv)
	var ready atomic.Int32
	event.On(c.Events(), func(context.Context, *event.Ready) { ready.Add(1) })
	_, err := c.Login(context.Background())
	assert.ErrorIs(t, err, tim.ErrServerBusy)
	assert.False(t, c.Ready())
	assert.Zero(t, ready.Load())
	_, err = c.Login(context.Background())
	require.Error(t, err, "a second Login still checks: nothing proved the credentials")
}

func TestLifecycleEventsInOrderUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	var reject atomic.Bool
	srv.Handle("a/b", func(testkit.Request) any {
		if reject.Load() {
			return testkit.Fail(70009, "bad")
		}
		return nil
	})
	c := newClient(t, srv)
	var mu sync.Mutex
	var names []event.Name
	c.Events().OnAny(func(_ context.Context, e event.Event) { mu.Lock(); names = append(names, e.EventName()); mu.Unlock() })
	for i := 0; i < 6; i++ {
		reject.Store(i%2 == 1)
		var wg sync.WaitGroup
		for j := 0; j < 8; j++ {
			wg.Add(1)
			go func() { defer wg.Done(); _ = c.Do(context.Background(), tim.Endpoint{Path: "a/b"}, nil, nil) }()
		}
		wg.Wait()
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, names, 6)
	for i, n := range names {
		want := event.SDKReady
		if i%2 == 1 {
			want = event.SDKNotReady
		}
		assert.Equal(t, want, n, "event %d", i)
	}
}

// Mixed successes and rejections racing: the last event delivered always
// agrees with Ready().
func TestLifecycleLastEventMatchesState(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("a/ok", func(testkit.Request) any { return nil })
	srv.Handle("a/bad", func(testkit.Request) any { return testkit.Fail(70009, "bad") })
	srv.HandleRaw("a/neutral", func(w http.ResponseWriter, _ testkit.Request) { w.WriteHeader(http.StatusBadGateway) })
	c := newClient(t, srv, tim.WithoutRetry())
	var mu sync.Mutex
	var last event.Name
	var count int
	c.Events().OnAny(func(_ context.Context, e event.Event) { mu.Lock(); last = e.EventName(); count++; mu.Unlock() })
	for round := 0; round < 100; round++ {
		var wg sync.WaitGroup
		for j := 0; j < 6; j++ {
			wg.Add(1)
			p := "a/ok"
			if j%2 == 1 {
				p = "a/bad"
			}
			go func() { defer wg.Done(); _ = c.Do(context.Background(), tim.Endpoint{Path: p}, nil, nil) }()
		}
		wg.Wait()
		_ = c.Do(context.Background(), tim.Endpoint{Path: "a/neutral"}, nil, nil) // flushes what is queued; a 502 changes no state
		mu.Lock()
		if count > 0 {
			want := event.SDKNotReady
			if c.Ready() {
				want = event.SDKReady
			}
			require.Equal(t, want, last, "round %d", round)
		}
		mu.Unlock()
	}
}

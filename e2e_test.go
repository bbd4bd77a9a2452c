package tim_test

// End-to-end tests of the root client: client → timtest fake → signed
// callback → event handler → typed events, with nothing mocked in between.

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
	"github.com/timkit/tim/usersig"
)

const e2eToken = "e2e-callback-token"

type e2eEnv struct {
	srv *timtest.Server
	c   *tim.Client
	d   *event.Dispatcher
}

func newE2EEnv(t testing.TB, fakeOpts []timtest.Option, clientOpts ...tim.Option) *e2eEnv {
	t.Helper()
	d := event.NewDispatcher()
	hook := httptest.NewServer(event.NewHandler(d, timtest.DefaultSDKAppID, event.WithToken(e2eToken)))
	t.Cleanup(hook.Close)
	srv := timtest.NewServer(t, append([]timtest.Option{timtest.WithCallback(hook.URL, e2eToken)}, fakeOpts...)...)
	opts := append([]tim.Option{tim.WithBaseURL(srv.URL), tim.WithDispatcher(d),
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RateLimitDelay: 5 * time.Millisecond})}, clientOpts...)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, opts...)
	require.NoError(t, err)
	return &e2eEnv{srv: srv, c: c, d: d}
}

func (e *e2eEnv) settle(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.srv.WaitCallbacks(ctx))
	for _, cb := range e.srv.Callbacks() {
		require.Equal(t, 200, cb.StatusCode, "%s: %s %s", cb.Command, cb.Err, cb.Response)
	}
}

type e2eEvents struct {
	mu  sync.Mutex
	got []event.Event
}

func e2eCollect(d *event.Dispatcher) *e2eEvents {
	c := &e2eEvents{}
	d.OnAny(func(_ context.Context, e event.Event) {
		if _, raw := e.(event.Callback); raw {
			return
		}
		c.mu.Lock()
		c.got = append(c.got, e)
		c.mu.Unlock()
	})
	return c
}

// names returns the derived events' names so far and forgets them.
func (c *e2eEvents) names() []event.Name {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]event.Name, len(c.got))
	for i, e := range c.got {
		out[i] = e.EventName()
	}
	c.got = nil
	return out
}

func e2eContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The front-end story, server side: create, SDK_READY, Login, accounts and
// profiles, user sigs, a text received as MESSAGE_RECEIVED, the
// conversation list, and what happens once an account is deleted.
func TestE2EFrontEndStory(t *testing.T) {
	t.Parallel()
	e := newE2EEnv(t, nil)
	ctx := e2eContext(t)
	evs := e2eCollect(e.d)

	res, err := e.c.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, timtest.DefaultAdmin, res.Identifier)
	assert.True(t, e.c.Ready())
	assert.Equal(t, []event.Name{event.SDKReady}, evs.names())

	require.NoError(t, e.c.Account.Import(ctx, tim.Account{UserID: "doctor", Nick: "Dr. Wang", FaceURL: "https://example.com/w.png"}))
	var many []string
	for i := range 250 {
		many = append(many, fmt.Sprintf("patient_%03d", i))
	}
	imp, err := e.c.Account.ImportMany(ctx, many)
	require.NoError(t, err)
	assert.Empty(t, imp.Failed)
	assert.Len(t, e.srv.Requests("im_open_login_svc/multiaccount_import"), 3, "in calls of 100")
	statuses, err := e.c.Account.Check(ctx, "doctor", "patient_249", "stranger")
	require.NoError(t, err)
	require.Len(t, statuses, 3)
	assert.True(t, statuses[0].Imported)
	assert.True(t, statuses[1].Imported)
	assert.False(t, statuses[2].Imported)

	require.NoError(t, e.c.Profile.Set(ctx, "patient_000", tim.Nick("李雷"), tim.GenderItem(tim.GenderMale), tim.CustomItem("Ward", 3)))
	profiles, err := e.c.Profile.Get(ctx, []string{"doctor", "patient_000"}, tim.TagNick, tim.TagImage, tim.TagGender, tim.CustomTag("Ward"))
	require.NoError(t, err)
	require.Len(t, profiles, 2)
	assert.Equal(t, "Dr. Wang", profiles[0].Nick())
	assert.Equal(t, "https://example.com/w.png", profiles[0].AvatarURL())
	assert.Equal(t, "李雷", profiles[1].Nick())
	assert.Equal(t, string(tim.GenderMale), profiles[1].Values[tim.TagGender].String())
	assert.Equal(t, int64(3), profiles[1].Values[tim.CustomTag("Ward")].Int())

	sig, err := e.c.UserSig("patient_000", time.Hour)
	require.NoError(t, err)
	require.NoError(t, usersig.Verify(sig, e.srv.SDKAppID, e.srv.SecretKey, "patient_000", nil, time.Now()))

	_, err = e.c.Message.Send(ctx, message.NewText(message.ConvC2C, "patient_000", "hello", message.WithSender("doctor")))
	require.NoError(t, err)
	e.settle(t)
	assert.Equal(t, []event.Name{event.MessageReceived}, evs.names())
	var convs []string
	for c, err := range e.c.Conversation.List(ctx, "patient_000") {
		require.NoError(t, err)
		convs = append(convs, c.ID())
	}
	assert.Equal(t, []string{"C2Cdoctor"}, convs)

	// A deleted account can no longer receive.
	out, err := e.c.Account.Delete(ctx, "patient_001", "stranger")
	require.NoError(t, err)
	require.Len(t, out, 2)
	assert.Equal(t, 0, out[0].ResultCode)
	assert.Equal(t, 70107, out[1].ResultCode)
	_, err = e.c.Message.Send(ctx, message.NewText(message.ConvC2C, "patient_001", "hello", message.WithSender("doctor")))
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	e.settle(t)
	assert.Empty(t, evs.names(), "no MESSAGE_RECEIVED for a failed send")
}

// Tencent's frequency limit: without a client-side limiter the client
// backs off and retries 60007 answers; with one that matches the console
// it never earns them.
func TestE2ERateLimits(t *testing.T) {
	t.Parallel()
	const path = "im_open_login_svc/account_check"
	limit := timtest.Rate{N: 6, Per: 100 * time.Millisecond}
	run := func(t *testing.T, e *e2eEnv) {
		t.Helper()
		ctx := e2eContext(t)
		require.NoError(t, e.srv.ImportAccounts("u"))
		var wg sync.WaitGroup
		var failed atomic.Int32
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.c.Account.Check(ctx, "u"); err != nil {
					t.Error(err)
					failed.Add(1)
				}
			}()
		}
		wg.Wait()
		assert.Zero(t, failed.Load())
	}
	codes := func(e *e2eEnv) map[int]int {
		out := map[int]int{}
		for _, r := range e.srv.Requests(path) {
			out[r.Code]++
		}
		return out
	}

	t.Run("server side", func(t *testing.T) {
		t.Parallel()
		e := newE2EEnv(t, []timtest.Option{timtest.WithAPIRateLimit(path, limit)}, tim.WithRateLimit(0),
			tim.WithRetry(tim.RetryPolicy{MaxAttempts: 20, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, RateLimitDelay: 40 * time.Millisecond}))
		run(t, e)
		got := codes(e)
		assert.Equal(t, 12, got[0], "every call succeeded once")
		assert.Positive(t, got[60007], "and some were refused first")
	})
	t.Run("client side", func(t *testing.T) {
		t.Parallel()
		e := newE2EEnv(t, []timtest.Option{timtest.WithAPIRateLimit(path, limit)},
			// Under the server's budget, with room for scheduling jitter.
			tim.WithAPIRateLimit(path, tim.Rate{N: 3, Per: 100 * time.Millisecond}))
		run(t, e)
		assert.Equal(t, map[int]int{0: 12}, codes(e), "no call was refused")
	})
}

// Transient faults are retried where that is safe; a gateway error on a
// message send is resent under its dedup keys.
func TestE2ETransientFaults(t *testing.T) {
	t.Parallel()
	e := newE2EEnv(t, nil)
	ctx := e2eContext(t)
	evs := e2eCollect(e.d)
	require.NoError(t, e.srv.ImportAccounts("a", "b"))

	e.srv.FailNextHTTP("im_open_login_svc/account_check", 2, 502)
	_, err := e.c.Account.Check(ctx, "a")
	require.NoError(t, err)

	e.srv.FailNext("openim/sendmsg", 1, 90994) // Tencent busy: state untouched
	e.srv.DropNext("openim/sendmsg", 1)
	_, err = e.c.Message.Send(ctx, message.NewText(message.ConvC2C, "b", "once", message.WithSender("a")))
	require.NoError(t, err)
	e.settle(t)
	assert.Len(t, e.srv.Messages("a", "b"), 1)
	names := evs.names()
	assert.Contains(t, names, event.MessageReceived)
	n := 0
	for _, x := range names {
		if x == event.MessageReceived {
			n++
		}
	}
	assert.Equal(t, 1, n)

	// A permanent error is not retried.
	e.srv.FailNext("im_open_login_svc/kick", 3, 70107)
	err = e.c.Account.Kick(ctx, "a")
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.Len(t, e.srv.Requests("im_open_login_svc/kick"), 1)
}

// A clock skew between this host and Tencent makes the admin usersig look
// expired: the client renews it once, then reports SDK_NOT_READY; when the
// clocks agree again the next call makes it ready again.
func TestE2EClockSkewAndRecovery(t *testing.T) {
	t.Parallel()
	var skew atomic.Int64
	serverNow := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	e := newE2EEnv(t, []timtest.Option{timtest.WithClock(serverNow)}, tim.WithAdminSigValidity(10*time.Minute))
	ctx := e2eContext(t)
	evs := e2eCollect(e.d)
	_, err := e.c.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, []event.Name{event.SDKReady}, evs.names())

	skew.Store(int64(time.Hour))
	_, err = e.c.Account.Check(ctx, "administrator")
	require.ErrorIs(t, err, tim.ErrUserSigExpired)
	assert.False(t, e.c.Ready())
	assert.Equal(t, []event.Name{event.SDKNotReady}, evs.names())
	reqs := e.srv.Requests("im_open_login_svc/account_check")
	assert.Equal(t, []int{70001, 70001}, []int{reqs[len(reqs)-2].Code, reqs[len(reqs)-1].Code}, "renewed once, then gave up")

	skew.Store(0)
	_, err = e.c.Account.Check(ctx, "administrator")
	require.NoError(t, err)
	assert.True(t, e.c.Ready())
	assert.Equal(t, []event.Name{event.SDKReady}, evs.names())
}

// The primary host unreachable: calls go to the standby host.
func TestE2EStandbyHost(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close() // connection refused from now on

	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(deadURL), tim.WithStandbyURL(srv.URL), tim.WithoutRetry())
	require.NoError(t, err)
	ctx := e2eContext(t)
	_, err = c.Login(ctx)
	require.NoError(t, err)
	require.NoError(t, srv.ImportAccounts("a", "b"))
	_, err = c.Message.Send(ctx, message.NewText(message.ConvC2C, "b", "via standby", message.WithSender("a")))
	require.NoError(t, err, "a connect failure proves the request never left, so even a send fails over")
	assert.Len(t, srv.Messages("a", "b"), 1)
}

package tim_test

// End-to-end tests of the root client: client → timtest fake → signed
// callback → event handler → typed events, with nothing mocked in between.

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/timtest"
	"github.com/timkit/tim/usersig"
)

// e2eRetry resends quickly: the fake answers at once.
var e2eRetry = tim.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RateLimitDelay: 5 * time.Millisecond}

// newE2EEnv is the shared harness with this package's retry policy.
func newE2EEnv(t testing.TB, fakeOpts []timtest.Option, clientOpts ...tim.Option) *e2e.Env {
	t.Helper()
	return e2e.New(t, e2e.WithRetry(e2eRetry), e2e.WithFake(fakeOpts...), e2e.WithClient(clientOpts...))
}

// The front-end story, server side: create, SDK_READY, Login, accounts and
// profiles, user sigs, a text received as MESSAGE_RECEIVED, the
// conversation list, and what happens once an account is deleted.
func TestE2EFrontEndStory(t *testing.T) {
	t.Parallel()
	e := newE2EEnv(t, nil)
	ctx := e2e.Context(t)
	evs := e2e.CollectDerived(e.Dispatcher)

	res, err := e.Client.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, timtest.DefaultAdmin, res.Identifier)
	assert.True(t, e.Client.Ready())
	assert.Equal(t, []event.Name{event.SDKReady}, evs.Names())

	require.NoError(t, e.Client.Account.Import(ctx, account.Account{UserID: "doctor", Nick: "Dr. Wang", FaceURL: "https://example.com/w.png"}))
	var many []string
	for i := range 250 {
		many = append(many, fmt.Sprintf("patient_%03d", i))
	}
	imp, err := e.Client.Account.ImportMany(ctx, many)
	require.NoError(t, err)
	assert.Empty(t, imp.Failed)
	assert.Len(t, e.Fake.Requests("im_open_login_svc/multiaccount_import"), 3, "in calls of 100")
	statuses, err := e.Client.Account.Check(ctx, "doctor", "patient_249", "stranger")
	require.NoError(t, err)
	require.Len(t, statuses, 3)
	assert.True(t, statuses[0].Imported)
	assert.True(t, statuses[1].Imported)
	assert.False(t, statuses[2].Imported)

	require.NoError(t, e.Client.Profile.Set(ctx, "patient_000", profile.Nick("李雷"), profile.GenderItem(profile.GenderMale), profile.CustomItem("Ward", 3)))
	profiles, err := e.Client.Profile.Get(ctx, []string{"doctor", "patient_000"}, profile.TagNick, profile.TagImage, profile.TagGender, profile.CustomTag("Ward"))
	require.NoError(t, err)
	require.Len(t, profiles, 2)
	assert.Equal(t, "Dr. Wang", profiles[0].Nick())
	assert.Equal(t, "https://example.com/w.png", profiles[0].AvatarURL())
	assert.Equal(t, "李雷", profiles[1].Nick())
	assert.Equal(t, string(profile.GenderMale), profiles[1].Values[profile.TagGender].String())
	assert.Equal(t, int64(3), profiles[1].Values[profile.CustomTag("Ward")].Int())

	sig, err := e.Client.UserSig("patient_000", time.Hour)
	require.NoError(t, err)
	require.NoError(t, usersig.Verify(sig, e.Fake.SDKAppID, e.Fake.SecretKey, "patient_000", nil, time.Now()))

	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient_000", "hello", message.WithSender("doctor")))
	require.NoError(t, err)
	e.Settle(t)
	assert.Equal(t, []event.Name{event.MessageReceived}, evs.Names())
	var convs []string
	for c, err := range e.Client.Conversation.List(ctx, "patient_000") {
		require.NoError(t, err)
		convs = append(convs, c.ID())
	}
	assert.Equal(t, []string{"C2Cdoctor"}, convs)

	// A deleted account can no longer receive.
	out, err := e.Client.Account.Delete(ctx, "patient_001", "stranger")
	require.NoError(t, err)
	require.Len(t, out, 2)
	assert.Equal(t, 0, out[0].ResultCode)
	assert.Equal(t, 70107, out[1].ResultCode)
	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient_001", "hello", message.WithSender("doctor")))
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	e.Settle(t)
	assert.Empty(t, evs.Names(), "no MESSAGE_RECEIVED for a failed send")
}

// Tencent's frequency limit: without a client-side limiter the client
// backs off and retries 60007 answers; with one that matches the console
// it never earns them.
func TestE2ERateLimits(t *testing.T) {
	t.Parallel()
	const path = "im_open_login_svc/account_check"
	limit := timtest.Rate{N: 6, Per: 100 * time.Millisecond}
	run := func(t *testing.T, e *e2e.Env) {
		t.Helper()
		ctx := e2e.Context(t)
		require.NoError(t, e.Fake.ImportAccounts("u"))
		var wg sync.WaitGroup
		var failed atomic.Int32
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.Client.Account.Check(ctx, "u"); err != nil {
					t.Error(err)
					failed.Add(1)
				}
			}()
		}
		wg.Wait()
		assert.Zero(t, failed.Load())
	}
	codes := func(e *e2e.Env) map[int]int {
		out := map[int]int{}
		for _, r := range e.Fake.Requests(path) {
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
	ctx := e2e.Context(t)
	evs := e2e.CollectDerived(e.Dispatcher)
	require.NoError(t, e.Fake.ImportAccounts("a", "b"))

	e.Fake.FailNextHTTP("im_open_login_svc/account_check", 2, 502)
	_, err := e.Client.Account.Check(ctx, "a")
	require.NoError(t, err)

	e.Fake.FailNext("openim/sendmsg", 1, 90994) // Tencent busy: state untouched
	e.Fake.DropNext("openim/sendmsg", 1)
	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "b", "once", message.WithSender("a")))
	require.NoError(t, err)
	e.Settle(t)
	assert.Len(t, e.Fake.Messages("a", "b"), 1)
	names := evs.Names()
	assert.Contains(t, names, event.MessageReceived)
	n := 0
	for _, x := range names {
		if x == event.MessageReceived {
			n++
		}
	}
	assert.Equal(t, 1, n)

	// A permanent error is not retried.
	e.Fake.FailNext("im_open_login_svc/kick", 3, 70107)
	err = e.Client.Account.Kick(ctx, "a")
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.Len(t, e.Fake.Requests("im_open_login_svc/kick"), 1)
}

// A clock skew between this host and Tencent makes the admin usersig look
// expired: the client renews it once, then reports SDK_NOT_READY; when the
// clocks agree again the next call makes it ready again.
func TestE2EClockSkewAndRecovery(t *testing.T) {
	t.Parallel()
	var skew atomic.Int64
	serverNow := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	e := newE2EEnv(t, []timtest.Option{timtest.WithClock(serverNow)}, tim.WithAdminSigValidity(10*time.Minute))
	ctx := e2e.Context(t)
	evs := e2e.CollectDerived(e.Dispatcher)
	_, err := e.Client.Login(ctx)
	require.NoError(t, err)
	assert.Equal(t, []event.Name{event.SDKReady}, evs.Names())

	skew.Store(int64(time.Hour))
	_, err = e.Client.Account.Check(ctx, "administrator")
	require.ErrorIs(t, err, tim.ErrUserSigExpired)
	assert.False(t, e.Client.Ready())
	assert.Equal(t, []event.Name{event.SDKNotReady}, evs.Names())
	reqs := e.Fake.Requests("im_open_login_svc/account_check")
	assert.Equal(t, []int{70001, 70001}, []int{reqs[len(reqs)-2].Code, reqs[len(reqs)-1].Code}, "renewed once, then gave up")

	skew.Store(0)
	_, err = e.Client.Account.Check(ctx, "administrator")
	require.NoError(t, err)
	assert.True(t, e.Client.Ready())
	assert.Equal(t, []event.Name{event.SDKReady}, evs.Names())
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
	ctx := e2e.Context(t)
	_, err = c.Login(ctx)
	require.NoError(t, err)
	require.NoError(t, srv.ImportAccounts("a", "b"))
	_, err = c.Message.Send(ctx, message.NewText(message.ConvC2C, "b", "via standby", message.WithSender("a")))
	require.NoError(t, err, "a connect failure proves the request never left, so even a send fails over")
	assert.Len(t, srv.Messages("a", "b"), 1)
}

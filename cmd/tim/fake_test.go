package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/timtest"
)

// webhook is the library's own handler with a recorder of the callbacks
// it accepted.
type webhook struct {
	*httptest.Server
	mu       sync.Mutex
	commands []string
}

func newWebhook(t *testing.T, appID uint64, token string) *webhook {
	t.Helper()
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	wh := &webhook{}
	d.OnAny(func(_ context.Context, e event.Event) {
		if cb, ok := e.(event.Callback); ok {
			wh.mu.Lock()
			wh.commands = append(wh.commands, string(cb.Command()))
			wh.mu.Unlock()
		}
	})
	opts := []event.HandlerOption{event.WithoutSignature()}
	if token != "" {
		opts = []event.HandlerOption{event.WithToken(token)}
	}
	h, err := event.NewHandler(d, appID, opts...)
	require.NoError(t, err)
	wh.Server = httptest.NewServer(h)
	t.Cleanup(wh.Close)
	return wh
}

func (w *webhook) received() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.commands...)
}

// TestFakeServesPrintsCredentialsAndForwardsCallbacks runs `tim fake`,
// uses the printed curl line as is, sends through the printed base URL,
// and checks the webhook got the fake's signed callbacks.
func TestFakeServesPrintsCredentialsAndForwardsCallbacks(t *testing.T) {
	t.Parallel()
	const token = "fake-test-token-9f8e7d"
	wh := newWebhook(t, timtest.DefaultSDKAppID, token)
	e, out, errb := testEnv{vars: map[string]string{envCallbackToken: token}}.env()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"fake", "--addr", "127.0.0.1:0", "--callback", wh.URL}, e) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Serving until interrupted") }, 10*time.Second, 10*time.Millisecond, errb.String())
	printed := out.String()
	assert.Contains(t, printed, "TIM_SDKAPPID=1400000000")
	assert.Contains(t, printed, "TIM_SECRET_KEY="+timtest.DefaultSecretKey)
	assert.Contains(t, printed, "admin usersig (180d): eAE")
	assert.Contains(t, printed, "token $"+envCallbackToken)
	assert.NotContains(t, printed, token, "a token from the environment is not printed")

	base := regexp.MustCompile(`TIM_BASE_URL=(\S+)`).FindStringSubmatch(printed)
	require.Len(t, base, 2)
	curl := regexp.MustCompile(`curl -s -X POST '([^']+)' -d '([^']+)'`).FindStringSubmatch(printed)
	require.Len(t, curl, 3, printed)
	res, err := http.Post(curl[1], "application/json", strings.NewReader(curl[2]))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	te := testEnv{vars: map[string]string{envBaseURL: base[1]}}
	r := te.run(t, "call", "im_open_login_svc/account_import", `{"UserID":"bob"}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	r = te.run(t, "call", "im_open_login_svc/account_check", `{"CheckItem":[{"UserID":"alice"}]}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"Imported"`, "the curl line imported alice")

	r = te.run(t, "send", "--from", "alice", "--to", "bob", "hi")
	require.Equal(t, exitOK, r.code, r.stderr)
	require.Eventually(t, func() bool {
		return strings.Contains(out.String(), "callback C2C.CallbackAfterSendMsg -> 200")
	}, 10*time.Second, 20*time.Millisecond, out.String())
	assert.Contains(t, wh.received(), "C2C.CallbackAfterSendMsg", "the signed callback passed the library's handler")

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(10 * time.Second):
		t.Fatal("tim fake did not stop")
	}
	assert.Contains(t, out.String(), "tim fake: stopped")
}

func TestFakeMakesATokenWhenNoneIsGiven(t *testing.T) {
	t.Parallel()
	e, out, _ := testEnv{}.env()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"fake", "--addr", "127.0.0.1:0", "--callback", "http://127.0.0.1:1/cb"}, e)
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Serving") }, 10*time.Second, 10*time.Millisecond)
	assert.Regexp(t, `token [0-9a-f]{32} \(fresh`, out.String())
	cancel()
	assert.Equal(t, exitOK, <-done)

	r := testEnv{}.run(t, "fake", "--addr", "127.0.0.1:0", "--callback", "not a url")
	assert.Equal(t, exitUsage, r.code)
}

// TestFakeNeverSignsWithTheEnvironmentsKey: TIM_SECRET_KEY may be a real
// app's key; the fake uses its own test key and prints no sig made with
// a key the user gave.
func TestFakeNeverSignsWithTheEnvironmentsKey(t *testing.T) {
	t.Parallel()
	start := func(te testEnv, args ...string) (string, func() int) {
		e, out, errb := te.env()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() { done <- run(ctx, append([]string{"fake", "--addr", "127.0.0.1:0"}, args...), e) }()
		require.Eventually(t, func() bool { return strings.Contains(out.String(), "Serving") || errb.String() != "" },
			10*time.Second, 10*time.Millisecond)
		return out.String() + errb.String(), func() int { cancel(); return <-done }
	}
	realApp := testEnv{vars: map[string]string{envSDKAppID: testAppID, envSecretKey: testKey}}
	printed, stop := start(realApp)
	assert.Equal(t, exitOK, stop())
	assert.Contains(t, printed, "TIM_SDKAPPID=1400000000", "the fake's app, not the environment's")
	assert.Contains(t, printed, "TIM_SECRET_KEY="+timtest.DefaultSecretKey)
	assert.NotContains(t, printed, testKey)

	printed, stop = start(testEnv{}, "--sdkappid", "1400000123", "--key", "my-own-key-42")
	assert.Equal(t, exitOK, stop())
	assert.Contains(t, printed, "TIM_SDKAPPID=1400000123")
	assert.NotContains(t, printed, "my-own-key-42")
	assert.NotContains(t, printed, "usersig (180d)")
	assert.NotContains(t, printed, "usersig=eAE", "no sig made with the user's key in the curl line")
	assert.Contains(t, printed, "SIG=$(tim sig gen administrator --sdkappid 1400000123 --key <your key>)")
	assert.Contains(t, printed, "&usersig=$SIG\"")
}

package e2e

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/timtest"
)

// Token is the callback token the handler checks and, unless WithFakeToken
// says otherwise, the one the fake signs with.
const Token = "e2e-callback-token"

// DefaultRetry resends quickly: the fake answers at once.
var DefaultRetry = tim.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// Env is a client wired to a fake whose signed callbacks reach a real event
// handler on the client's dispatcher.
type Env struct {
	Fake       *timtest.Server
	Client     *tim.Client
	Dispatcher *event.Dispatcher
	// Hook is the httptest server running the event handler.
	Hook *httptest.Server
}

type config struct {
	path      string
	fakeToken string
	clock     func() time.Time
	retry     tim.RetryPolicy
	handler   []event.HandlerOption
	fake      []timtest.Option
	client    []tim.Option
}

// Option adjusts New.
type Option func(*config)

// WithCallbackPath appends p to the handler's URL in the fake's callback URL.
func WithCallbackPath(p string) Option { return func(c *config) { c.path = p } }

// WithFakeToken sets the token the fake signs callbacks with ("" leaves
// them unsigned); the handler still checks Token.
func WithFakeToken(tok string) Option { return func(c *config) { c.fakeToken = tok } }

// WithClock shares one clock between the fake, the handler and the client.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRetry replaces DefaultRetry as the client's retry policy.
func WithRetry(p tim.RetryPolicy) Option { return func(c *config) { c.retry = p } }

// WithHandler adds handler options after event.WithToken(Token).
func WithHandler(o ...event.HandlerOption) Option {
	return func(c *config) { c.handler = append(c.handler, o...) }
}

// WithFake adds fake options after the callback (and clock) options.
func WithFake(o ...timtest.Option) Option {
	return func(c *config) { c.fake = append(c.fake, o...) }
}

// WithClient adds client options after the harness's own, so they win.
func WithClient(o ...tim.Option) Option {
	return func(c *config) { c.client = append(c.client, o...) }
}

// New starts the handler and the fake (both closed when t ends) and builds
// the client.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	cfg := config{fakeToken: Token, retry: DefaultRetry}
	for _, o := range opts {
		o(&cfg)
	}
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	hopts := []event.HandlerOption{event.WithToken(Token)}
	fopts := []timtest.Option{}
	copts := []tim.Option{}
	if cfg.clock != nil {
		hopts = append(hopts, event.WithHandlerClock(cfg.clock))
		copts = append(copts, tim.WithClock(cfg.clock))
	}
	wh, err := event.NewHandler(d, timtest.DefaultSDKAppID, append(hopts, cfg.handler...)...)
	require.NoError(t, err)
	hook := httptest.NewServer(wh)
	t.Cleanup(hook.Close)
	fopts = append(fopts, timtest.WithCallback(hook.URL+cfg.path, cfg.fakeToken))
	if cfg.clock != nil {
		fopts = append(fopts, timtest.WithClock(cfg.clock))
	}
	srv := timtest.NewServer(t, append(fopts, cfg.fake...)...)
	copts = append([]tim.Option{tim.WithBaseURL(srv.URL), tim.WithDispatcher(d), tim.WithRetry(cfg.retry)}, copts...)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, append(copts, cfg.client...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &Env{Fake: srv, Client: c, Dispatcher: d, Hook: hook}
}

// Wait waits (up to 10 s) for every queued callback to be delivered.
func (e *Env) Wait(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.Fake.WaitCallbacks(ctx))
}

// Settle waits for every queued callback and checks the handler accepted
// each one.
func (e *Env) Settle(t testing.TB) {
	t.Helper()
	e.Wait(t)
	for _, cb := range e.Fake.Callbacks() {
		require.Equal(t, 200, cb.StatusCode, "%s: %s %s", cb.Command, cb.Err, cb.Response)
	}
}

// Statuses maps each callback command to the HTTP statuses it got.
func (e *Env) Statuses() map[string][]int {
	out := map[string][]int{}
	for _, cb := range e.Fake.Callbacks() {
		out[cb.Command] = append(out[cb.Command], cb.StatusCode)
	}
	return out
}

// Context is a 20 s context cancelled when t ends.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// FastRetry resends at once: test servers answer immediately.
var FastRetry = tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// Client is a client with testkit's credentials (testkit.AppID and
// testkit.Key) calling baseURL, with FastRetry unless opts say otherwise;
// it is closed when t ends.
func Client(t testing.TB, baseURL string, opts ...tim.Option) *tim.Client {
	t.Helper()
	c, err := tim.New(testkit.AppID, testkit.Key, append([]tim.Option{tim.WithBaseURL(baseURL), tim.WithRetry(FastRetry)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

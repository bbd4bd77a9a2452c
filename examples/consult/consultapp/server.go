package consultapp

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
)

// Config says which IM backend the app talks to: the built-in fake by
// default, Tencent with TIM_SDKAPPID and TIM_SECRET_KEY set (see
// ConfigFromEnv).
type Config = setup.Config

// ConfigFromEnv reads the TIM_* variables the examples share.
func ConfigFromEnv(getenv func(string) string) (Config, error) { return setup.FromEnv(getenv) }

// Backend is an open IM backend: the built-in fake, or Tencent.
type Backend = setup.Backend

// OpenBackend opens the backend cfg names; the fake POSTs its callbacks to
// webhookURL (the URL of /tim/callback, or of a load balancer in front of
// several replicas).
func OpenBackend(cfg Config, webhookURL string) (*Backend, error) { return setup.Open(cfg, webhookURL) }

// Options adds to the app what a deployment chooses: observability,
// a callback hand-off, the user sigs' validity.
type Options struct {
	// SigTTL is the validity of the user sigs issued to front ends
	// (default 24 h).
	SigTTL time.Duration
	// ClientOptions are added to the IM client's (e.g. tim.WithObserver).
	ClientOptions []tim.Option
	// HandlerOptions are added to the webhook's (e.g. event.WithObserver,
	// event.WithHandoff).
	HandlerOptions []event.HandlerOption
	// Workers, when set, is started on its own goroutine with the
	// dispatcher once the app is built, and runs until the app closes (a
	// hand-off's Dispatcher.Work, typically).
	Workers func(ctx context.Context, d *event.Dispatcher)
}

func (o Options) sigTTL() time.Duration {
	if o.SigTTL <= 0 {
		return 24 * time.Hour
	}
	return o.SigTTL
}

// server is a running backend: the IM backend, the client and the app.
type server struct {
	backend *setup.Backend
	client  *tim.Client
	app     *App
	http    *http.Server
	url     string
	// stopWorkers ends Options.Workers and waits for it.
	stopWorkers func()
}

// start opens the IM backend (the fake POSTs its callbacks to this
// server's /tim/callback), logs the client in and serves the app on ln.
func start(ctx context.Context, ln net.Listener, cfg setup.Config, opts Options, logf func(string, ...any)) (*server, error) {
	base := setup.URL(ln, "")
	b, err := setup.Open(cfg, base+"/tim/callback")
	if err != nil {
		return nil, err
	}
	d, err := event.NewDispatcher()
	if err != nil {
		b.Close()
		return nil, err
	}
	c, err := b.NewClient(append([]tim.Option{tim.WithDispatcher(d)}, opts.ClientOptions...)...)
	if err != nil {
		b.Close()
		return nil, err
	}
	if _, err := c.Login(ctx); err != nil {
		_ = c.Close()
		b.Close()
		return nil, fmt.Errorf("login to %s: %w", b.Describe(), err)
	}
	app, err := NewApp(c, d, append(b.HandlerOptions(), opts.HandlerOptions...), opts.sigTTL(), logf)
	if err != nil {
		_ = c.Close()
		b.Close()
		return nil, err
	}
	hs := &http.Server{Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	s := &server{backend: b, client: c, app: app, http: hs, url: base}
	if opts.Workers != nil {
		wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { defer close(done); opts.Workers(wctx, d) }()
		s.stopWorkers = func() { cancel(); <-done }
	}
	return s, nil
}

// close stops the server, letting requests in flight finish within grace
// (0 closes at once), then the IM backend.
func (s *server) close(grace time.Duration) {
	if grace > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		_ = s.http.Shutdown(ctx)
	}
	_ = s.http.Close()
	if s.stopWorkers != nil {
		s.stopWorkers()
	}
	_ = s.client.Close()
	s.backend.Close()
}

// Serve runs the backend on ln until ctx ends, logging to out.
func Serve(ctx context.Context, ln net.Listener, cfg Config, opts Options, out io.Writer) error {
	logger := log.New(out, "", log.LstdFlags)
	s, err := start(ctx, ln, cfg, opts, logger.Printf)
	if err != nil {
		ln.Close()
		return err
	}
	defer s.close(2 * time.Second)
	logger.Printf("consult backend on %s, IM: %s", s.url, s.backend.Describe())
	if s.backend.Fake != nil {
		logger.Printf("the built-in fake POSTs its callbacks to %s/tim/callback", s.url)
	} else {
		logger.Printf("point the IM console's callback URL at <public address of this server>/tim/callback")
	}
	logger.Printf(`try: curl -s -X POST %s/consultations -d '{"doctor":{"id":"dr_wang","name":"Dr. Wang"},"patient":{"id":"pt_li","name":"Li Lei"}}'`, s.url)
	<-ctx.Done()
	logger.Printf("shutting down")
	return nil
}

// Command consult is a small backend for a doctor–patient consultation
// app built on Tencent Cloud IM. It starts consultations (imports the
// doctor and the patient, creates a Work group named "Doctor(Patient)",
// issues the user sigs both front ends log in with), receives Tencent's
// callbacks on a webhook and logs them under the front end's event names
// (MESSAGE_RECEIVED, …), and renames every consultation group of a user
// whose display name changes.
//
//	go run ./examples/consult -demo            # drive its own endpoints, print, exit
//	go run ./examples/consult -addr :8080      # serve
//
// By default it runs against the built-in fake (timtest) in this process,
// which POSTs signed callbacks to the backend's own /tim/callback. With
// TIM_SDKAPPID and TIM_SECRET_KEY set (and optionally TIM_REGION,
// TIM_ADMIN, TIM_CALLBACK_TOKEN) it talks to Tencent instead, and the IM
// console's callback URL should point at http(s)://<this host>/tim/callback;
// see examples/internal/setup.
//
// Endpoints (JSON):
//
//	POST /consultations                     {"doctor":{"id","name"},"patient":{"id","name"}}
//	                                        → {"groupId","groupName","doctor":{"userSig",…},"patient":{…}}
//	POST /consultations/{groupID}/messages  {"from","text"} → {"msgSeq","msgTime"}
//	POST /consultations/{groupID}/triage    {"patient","symptoms"} → {"msgKeys","calls","bytes"}
//	                                        (the triage assistant, a robot, streams its answer to the patient)
//	GET  /users/{userID}/consultations      → [{"groupId","name"}]
//	PUT  /users/{userID}/profile            {"name"} or {"avatar"} → {"groups":[{"groupId","status","oldName","newName"}]}
//	POST /tim/callback                      Tencent's callbacks
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
)

func main() {
	demo := flag.Bool("demo", false, "start the backend, drive its endpoints with an HTTP client, print what happens and exit")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address when serving")
	sigTTL := flag.Duration("sig-ttl", 24*time.Hour, "validity of the user sigs issued to front ends")
	flag.Parse()

	cfg, err := setup.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *demo {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		err = runDemo(ctx, os.Stdout, cfg)
	} else {
		var ln net.Listener
		if ln, err = net.Listen("tcp", *addr); err == nil {
			err = serve(ctx, ln, cfg, *sigTTL, os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult: FAILED:", err)
		os.Exit(1)
	}
}

// server is a running backend: the IM backend, the client and the app.
type server struct {
	backend *setup.Backend
	client  *tim.Client
	app     *App
	http    *http.Server
	url     string
}

// start opens the IM backend (the fake POSTs its callbacks to this
// server's /tim/callback), logs the client in and serves the app on ln.
func start(ctx context.Context, ln net.Listener, cfg setup.Config, sigTTL time.Duration, logf func(string, ...any)) (*server, error) {
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
	c, err := b.NewClient(tim.WithDispatcher(d))
	if err != nil {
		b.Close()
		return nil, err
	}
	if _, err := c.Login(ctx); err != nil {
		_ = c.Close()
		b.Close()
		return nil, fmt.Errorf("login to %s: %w", b.Describe(), err)
	}
	app, err := NewApp(c, d, b.HandlerOptions(), sigTTL, logf)
	if err != nil {
		_ = c.Close()
		b.Close()
		return nil, err
	}
	hs := &http.Server{Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return &server{backend: b, client: c, app: app, http: hs, url: base}, nil
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
	_ = s.client.Close()
	s.backend.Close()
}

// serve runs the backend on ln until ctx ends.
func serve(ctx context.Context, ln net.Listener, cfg setup.Config, sigTTL time.Duration, out io.Writer) error {
	logger := log.New(out, "", log.LstdFlags)
	s, err := start(ctx, ln, cfg, sigTTL, logger.Printf)
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

// Command consult-replicas runs two replicas of the consult example
// (examples/consult) behind one callback URL, sharing one Redis: the
// replicas' webhooks hand Tencent's after-callbacks off to one Redis
// stream (timredis.Stream), their workers share the entries, derived
// events are de-duplicated in Redis (timredis.DedupStore), and the REST
// budget is one (timredis.Limiter).
//
//	go run ./examples/consult-replicas -redis 127.0.0.1:6379   # from contrib/redis
//
// A small round-robin proxy stands in for the load balancer: it is the one
// URL the IM backend knows, for callbacks and for the app's API. The run
// starts a consultation, sends messages through both replicas, stops one
// replica in the middle, sends more, and shows that every message was
// received exactly once, by one replica or the other.
//
// By default it runs against the built-in fake; TIM_SDKAPPID and
// TIM_SECRET_KEY switch to Tencent as in the other examples (the console's
// callback URL must then reach the proxy: TIM_CALLBACK_ADDR).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/consult/consultapp"

	timredis "github.com/timkit/tim/contrib/redis"
)

func main() {
	addr := flag.String("redis", envOr("REDIS_ADDR", "127.0.0.1:6379"), "Redis address (host:port)")
	messages := flag.Int("messages", 6, "messages to send before and after one replica stops")
	flag.Parse()
	cfg, err := consultapp.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult-replicas:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg, *addr, *messages); err != nil {
		fmt.Fprintln(os.Stderr, "consult-replicas: FAILED:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// replica is one process of the app: client, webhook, workers.
type replica struct {
	name    string
	app     *consultapp.App
	client  *tim.Client
	http    *http.Server
	url     *url.URL
	stopped atomic.Bool
	stopW   func()
}

func (r *replica) stop() {
	r.stopped.Store(true)
	_ = r.http.Close()
	r.stopW() // finishes the entries in hand; the rest stay in the stream
	_ = r.client.Close()
}

// run starts the proxy and two replicas, drives the app through the proxy
// and reports what each replica received.
func run(ctx context.Context, out io.Writer, cfg consultapp.Config, redisAddr string, messages int) error {
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr, DialTimeout: time.Second})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis at %s: %w (start one, or pass -redis host:port)", redisAddr, err)
	}
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	frontURL := "http://" + front.Addr().String()
	backend, err := consultapp.OpenBackend(cfg, frontURL+"/tim/callback")
	if err != nil {
		front.Close()
		return err
	}
	defer backend.Close()
	// A run's keys are its own, so that runs against one Redis do not meet.
	prefix := "consult-replicas:" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":"

	out = &lockedWriter{w: out} // the replicas' handlers write too
	logf := func(name string) func(string, ...any) {
		return func(format string, args ...any) {
			fmt.Fprintf(out, "  %s %s\n", name, fmt.Sprintf(format, args...))
		}
	}
	var replicas []*replica
	defer func() {
		for _, r := range replicas {
			if !r.stopped.Load() {
				r.stop()
			}
		}
	}()
	for i := 1; i <= 2; i++ {
		r, err := startReplica(ctx, backend, rdb, prefix, fmt.Sprintf("replica-%d", i), logf(fmt.Sprintf("replica-%d", i)))
		if err != nil {
			front.Close()
			return err
		}
		replicas = append(replicas, r)
	}
	proxy := &http.Server{Handler: roundRobin(replicas), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = proxy.Serve(front) }()
	defer proxy.Close()

	fmt.Fprintf(out, "Two replicas behind %s (callbacks: %s/tim/callback), Redis %s\n", frontURL, frontURL, redisAddr)
	fmt.Fprintf(out, "IM: %s\n\n", backend.Describe())
	api := &http.Client{Timeout: 15 * time.Second}

	fmt.Fprintln(out, "1. Start a consultation through the load balancer")
	var started struct {
		GroupID   string `json:"groupId"`
		GroupName string `json:"groupName"`
	}
	if err := call(ctx, api, frontURL+"/consultations", map[string]any{
		"doctor":  map[string]string{"id": "dr_wang", "name": "Dr. Wang"},
		"patient": map[string]string{"id": "pt_li", "name": "Li Lei"},
	}, &started); err != nil {
		return err
	}
	fmt.Fprintf(out, "  %s %q\n", started.GroupID, started.GroupName)
	send := func(from string, n, first int) error {
		for i := range n {
			body := map[string]string{"from": from, "text": fmt.Sprintf("message %d", first+i)}
			if err := call(ctx, api, frontURL+"/consultations/"+url.PathEscape(started.GroupID)+"/messages", body, nil); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(out, "\n2. Send %d messages; the callbacks reach both replicas, their workers share the stream\n", messages)
	if err := send("pt_li", messages, 1); err != nil {
		return err
	}
	if err := waitReceived(ctx, replicas, messages); err != nil {
		return err
	}
	fmt.Fprintln(out, "\n3. Stop replica-1 (it finishes what it holds); send more: replica-2 takes everything")
	replicas[0].stop()
	if err := send("dr_wang", messages, messages+1); err != nil {
		return err
	}
	if err := waitReceived(ctx, replicas, 2*messages); err != nil {
		return err
	}
	c1 := replicas[0].app.Counts()[event.MessageReceived]
	c2 := replicas[1].app.Counts()[event.MessageReceived]
	fmt.Fprintf(out, "\nDone: %d messages, MESSAGE_RECEIVED %d times (replica-1: %d, replica-2: %d): each exactly once.\n",
		2*messages, c1+c2, c1, c2)
	if c1+c2 != 2*messages {
		return fmt.Errorf("MESSAGE_RECEIVED %d times for %d messages", c1+c2, 2*messages)
	}
	return nil
}

func startReplica(ctx context.Context, b *consultapp.Backend, rdb *redis.Client, prefix, name string, logf func(string, ...any)) (*replica, error) {
	lim, err := timredis.NewLimiter(rdb, b.SDKAppID, timredis.WithKeyPrefix(prefix))
	if err != nil {
		return nil, err
	}
	d, err := event.NewDispatcher()
	if err != nil {
		return nil, err
	}
	c, err := b.NewClient(tim.WithDispatcher(d), tim.WithLimiter(lim))
	if err != nil {
		return nil, err
	}
	if _, err := c.Login(ctx); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%s: login: %w", name, err)
	}
	store, err := timredis.NewDedupStore(rdb, b.SDKAppID, timredis.WithDedupPrefix(prefix))
	if err != nil {
		return nil, err
	}
	stream, err := timredis.NewStream(rdb, b.SDKAppID, timredis.WithStreamKey(prefix+"callbacks"),
		timredis.WithConsumer(name), timredis.WithBlock(200*time.Millisecond))
	if err != nil {
		return nil, err
	}
	app, err := consultapp.NewApp(c, d, b.HandlerOptions(event.WithDedupStore(store), event.WithHandoff(stream)), 24*time.Hour, logf)
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { defer close(done); _ = d.Work(wctx, stream, event.WithWorkers(2)) }()
	hs := &http.Server{Handler: app, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	u, _ := url.Parse("http://" + ln.Addr().String())
	return &replica{name: name, app: app, client: c, http: hs, url: u, stopW: func() { cancel(); <-done }}, nil
}

// roundRobin is the load balancer: each request goes to the next replica
// that is running.
func roundRobin(rs []*replica) http.Handler {
	var next atomic.Uint64
	proxies := make([]*httputil.ReverseProxy, len(rs))
	for i, r := range rs {
		proxies[i] = httputil.NewSingleHostReverseProxy(r.url)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		for range rs {
			i := int(next.Add(1) % uint64(len(rs)))
			if !rs[i].stopped.Load() {
				proxies[i].ServeHTTP(w, req)
				return
			}
		}
		http.Error(w, "no replica running", http.StatusBadGateway)
	})
}

// waitReceived waits until the replicas together have received n
// messages.
func waitReceived(ctx context.Context, rs []*replica, n int) error {
	for {
		total := 0
		for _, r := range rs {
			total += r.app.Counts()[event.MessageReceived]
		}
		if total >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d MESSAGE_RECEIVED (have %d): %w", n, total, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func call(ctx context.Context, hc *http.Client, u string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %s", u, res.Status, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return errors.Join(fmt.Errorf("POST %s: decoding the answer", u), err)
	}
	return nil
}

// lockedWriter serialises writes from the replicas' goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

package timredis_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real redis-server (Debian's package) started on
// a free loopback port, without persistence. A missing binary fails the
// tests, in CI and outside it alike: a green run must mean the Redis code
// ran. Set TIM_SKIP_REDIS=1 to skip them on purpose (each test then says
// so with t.Skip, visible under go test -v).

const missingMessage = "redis-server not found on PATH: install it (Debian: apt-get install redis-server) to run the contrib/redis tests; .ci/run does so. Set TIM_SKIP_REDIS=1 to skip them on purpose"

// redisServer is one redis-server process on 127.0.0.1.
type redisServer struct {
	bin  string
	port int
	Addr string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	out    *lockedWriter
}

var (
	sharedOnce sync.Once
	shared     *redisServer
	sharedErr  error
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial; the outage tests make many on purpose.
	redis.SetLogger(quietLogger{})
	code := m.Run()
	if shared != nil {
		shared.stop()
	}
	os.Exit(code)
}

// redisBinary returns the path of redis-server, or fails the test (skips
// only under TIM_SKIP_REDIS=1).
func redisBinary(tb testing.TB) string {
	tb.Helper()
	if os.Getenv("TIM_SKIP_REDIS") == "1" {
		tb.Skip("TIM_SKIP_REDIS=1: the contrib/redis tests that need redis-server are skipped")
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatal(missingMessage)
	}
	return bin
}

// sharedRedis returns the package's shared server, started on first use
// and stopped by TestMain. Tests sharing it isolate their keys by prefix.
func sharedRedis(tb testing.TB) *redisServer {
	tb.Helper()
	bin := redisBinary(tb)
	sharedOnce.Do(func() {
		shared, sharedErr = launch(bin)
	})
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

// ownRedis starts a server for tb alone, stopped at cleanup.
func ownRedis(tb testing.TB) *redisServer {
	tb.Helper()
	s, err := launch(redisBinary(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.stop)
	return s
}

// launch starts redis-server on a free port (a few tries: the port is
// picked before the server binds it).
func launch(bin string) (*redisServer, error) {
	var err error
	for range 3 {
		var port int
		port, err = freePort()
		if err != nil {
			continue
		}
		s := &redisServer{bin: bin, port: port, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the server on its port and waits until it answers PING.
func (s *redisServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	out := &lockedWriter{w: new(bytes.Buffer)}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			s.cmd, s.exited, s.out = cmd, exited, out
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, out.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on port %d not ready: %v", s.port, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop kills the server and waits for it to go.
func (s *redisServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// restart starts the server again on the same port.
func (s *redisServer) restart(tb testing.TB) {
	tb.Helper()
	var err error
	for range 50 { // the port may linger for a moment
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatal(err)
}

// client returns a go-redis client of s with short timeouts, closed at
// cleanup.
func (s *redisServer) client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:         s.Addr,
		DialTimeout:  200 * time.Millisecond,
		ReadTimeout:  200 * time.Millisecond,
		WriteTimeout: 200 * time.Millisecond,
	})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/examples/consult/consultapp"
)

// startRedis runs a redis-server of the test's own on a free loopback
// port. A missing binary fails the test (TIM_SKIP_REDIS=1 skips it on
// purpose), like the rest of contrib/redis.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("TIM_SKIP_REDIS") == "1" {
			t.Skip("TIM_SKIP_REDIS=1: redis-server tests skipped on purpose")
		}
		t.Fatal("redis-server not found on PATH: install it (Debian: apt-get install redis-server); .ci/run does so")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "redis-server did not start")
	return addr
}

// Two replicas behind one callback URL, one Redis: every message is
// received exactly once, and the one that keeps running takes over when
// the other stops.
func TestTwoReplicasBehindOneCallbackURL(t *testing.T) {
	addr := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, consultapp.Config{}, addr, 6), out.String())
	got := out.String()
	assert.Contains(t, got, "MESSAGE_RECEIVED 12 times")
	assert.Contains(t, got, "replica-1 webhook ← MESSAGE_RECEIVED")
	assert.Contains(t, got, "replica-2 webhook ← MESSAGE_RECEIVED")
	after := got[strings.Index(got, "3. Stop replica-1"):]
	assert.NotContains(t, after, "replica-1 webhook ←", "a stopped replica handles nothing")
	assert.Equal(t, 12, strings.Count(got, "webhook ← MESSAGE_RECEIVED"))
}

func TestRedisUnreachableIsAClearError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, &bytes.Buffer{}, consultapp.Config{}, "127.0.0.1:1", 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redis at 127.0.0.1:1")
}

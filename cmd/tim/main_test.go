package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/timtest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader on other
// goroutines (tim fake prints while the test reads).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// testEnv is the environment of a run: variables, stdin, terminal or not,
// a clock.
type testEnv struct {
	vars  map[string]string
	stdin string
	tty   bool
	now   time.Time
}

func (te testEnv) env() (*env, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	now := te.now
	if now.IsZero() {
		now = time.Now()
	}
	return &env{
		stdin:    strings.NewReader(te.stdin),
		stdout:   out,
		stderr:   errb,
		getenv:   func(k string) string { return te.vars[k] },
		terminal: func(io.Writer) bool { return te.tty },
		now:      func() time.Time { return now },
	}, out, errb
}

func (te testEnv) run(t *testing.T, args ...string) result {
	t.Helper()
	e, out, errb := te.env()
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

// fakeEnv is an environment pointing at a fresh fake (its default
// credentials, as with TIM_BASE_URL alone).
func fakeEnv(t *testing.T, opts ...timtest.Option) (testEnv, *timtest.Server) {
	t.Helper()
	srv := timtest.NewServer(t, opts...)
	return testEnv{vars: map[string]string{envBaseURL: srv.URL}}, srv
}

// assertNoSecret checks that a run printed neither key nor token.
func assertNoSecret(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, r.stdout, s, "secret on stdout")
		assert.NotContains(t, r.stderr, s, "secret on stderr")
	}
}

// TestEveryCommandHasHelpWithExample walks the command tree: every command
// of ours has a short line, a long text or example, an example, and
// `--help` exits 0 showing it.
func TestEveryCommandHasHelpWithExample(t *testing.T) {
	t.Parallel()
	e, _, _ := testEnv{}.env()
	root := newRoot(e)
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if c.Name() == "help" || c.Name() == "completion" || (c.HasParent() && c.Parent().Name() == "completion") {
			return
		}
		n++
		path := strings.Fields(c.CommandPath())[1:]
		assert.NotEmpty(t, c.Short, c.CommandPath())
		assert.NotEmpty(t, c.Example, "%s has no example", c.CommandPath())
		r := testEnv{}.run(t, append(path, "--help")...)
		assert.Equal(t, exitOK, r.code, c.CommandPath())
		assert.Contains(t, r.stdout, "Examples:", c.CommandPath())
		assert.Contains(t, r.stdout, strings.TrimSpace(strings.Split(c.Example, "\n")[0]), c.CommandPath())
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	assert.GreaterOrEqual(t, n, 14, "commands walked")
}

func TestParentsAloneShowTheirHelp(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"sig", "callback", "account", "history"} {
		r := testEnv{}.run(t, p)
		assert.Equal(t, exitOK, r.code, p)
		assert.Contains(t, r.stdout, "Available Commands:", p)
	}
}

func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		r := testEnv{}.run(t, "completion", sh)
		assert.Equal(t, exitOK, r.code, sh)
		assert.Contains(t, r.stdout, "tim", sh)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"nosuch"},
		{"sig", "gen"},
		{"sig", "gen", "alice", "--nosuch"},
		{"call"},
		{"send", "--to", "a", "--group", "g", "x"},
		{"sig", "nosuch"},
		{"callback", "nosuch"},
		{"account", "nosuch"},
		{"history", "nosuch"},
	} {
		r := testEnv{}.run(t, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.NotEmpty(t, r.stderr, args)
	}
}

func TestCredentialsFromFlagsOverrideEnvironment(t *testing.T) {
	t.Parallel()
	vars := map[string]string{envSDKAppID: "1400000001", envSecretKey: "env-key-0123456789"}
	r := testEnv{vars: vars}.run(t, "sig", "gen", "alice", "--sdkappid", "1400000002")
	require.Equal(t, exitOK, r.code, r.stderr)
	d := testEnv{}.run(t, "sig", "decode", strings.TrimSpace(r.stdout), "--json")
	require.Equal(t, exitOK, d.code, d.stderr)
	assert.Contains(t, d.stdout, `"sdkappid": 1400000002`)

	for _, bad := range []map[string]string{
		{envSDKAppID: "x", envSecretKey: "k"},
		{envSDKAppID: "1400000001"},
		{envSecretKey: "k"},
		{envSDKAppID: "1400000001", envSecretKey: "k", envRegion: "mars"},
	} {
		r := testEnv{vars: bad}.run(t, "sig", "gen", "alice")
		assert.Equal(t, exitUsage, r.code, "%v", bad)
	}
	r = testEnv{vars: map[string]string{envSDKAppID: "1400000001", envSecretKey: "k", envRegion: "sgp"}}.run(t, "sig", "gen", "alice")
	assert.Equal(t, exitOK, r.code, "region short names as the client's: %s", r.stderr)
}

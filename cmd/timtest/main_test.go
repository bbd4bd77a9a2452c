package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/timtest"
)

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-appid", "1400000042", "-rate", "0"}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	i := strings.Index(line, "http://")
	require.GreaterOrEqual(t, i, 0, line)
	url := strings.TrimSpace(line[i:])
	go io.Copy(io.Discard, pr) //nolint:errcheck

	c, err := tim.New(1400000042, timtest.DefaultSecretKey, tim.WithBaseURL(url))
	require.NoError(t, err)
	_, err = c.Login(ctx)
	require.NoError(t, err)
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "someone"}))

	cancel()
	assert.NoError(t, <-done)
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Error(t, run(ctx, []string{"-appid", "0"}, io.Discard, io.Discard))
	assert.Error(t, run(ctx, []string{"-callback-url", "ftp://x"}, io.Discard, io.Discard))
	assert.Error(t, run(ctx, []string{"extra"}, io.Discard, io.Discard))
	assert.Error(t, run(ctx, []string{"-nosuchflag"}, io.Discard, io.Discard))
}

// TestListPrintsEveryDeclaredCommand: -list names exactly the commands the
// SDK declares.
func TestListPrintsEveryDeclaredCommand(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run(context.Background(), []string{"-list"}, &out, io.Discard))
	var want []string
	for _, e := range tim.Endpoints() {
		want = append(want, "v4/"+e.Path)
	}
	assert.ElementsMatch(t, want, strings.Fields(out.String()))
}

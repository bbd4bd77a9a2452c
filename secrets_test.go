package tim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/profile"
)

// syncBuffer is a log sink safe for concurrent writes.
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

// sigRecorder remembers every usersig the server received.
type sigRecorder struct {
	mu   sync.Mutex
	sigs map[string]bool
}

func (s *sigRecorder) add(r testkit.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sigs == nil {
		s.sigs = map[string]bool{}
	}
	if sig := r.Query.Get("usersig"); sig != "" {
		s.sigs[sig] = true
	}
}

func (s *sigRecorder) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.sigs {
		out = append(out, k)
	}
	return out
}

// echo is what a misbehaving gateway or server says: the whole request
// URL, usersig included, in ErrorInfo.
func echo(r testkit.Request) string {
	return "failed https://console.tim.qq.com/v4/" + r.Path + "?" + r.Query.Encode() + " usersig=" + r.Query.Get("usersig")
}

// TestSecretsNeverPrinted drives a client through a renewal (70001), a
// retried busy answer, a transport failure, a gateway page and a
// credential rejection, every answer echoing the request URL with the
// usersig, and scans everything a caller can print or log: the Client and
// every error with %v %+v %#v %s (each link of the chain too), the
// SDK_NOT_READY event, and a debug-level log. None may hold the secret key
// or any usersig the server saw (issue 14: secrets test).
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	sigs := &sigRecorder{}
	srv := testkit.NewServer(t)
	var mu sync.Mutex
	calls := map[string]int{}
	count := func(r testkit.Request) int {
		sigs.add(r)
		mu.Lock()
		defer mu.Unlock()
		calls[r.Path]++
		return calls[r.Path]
	}
	// Renewal, then a busy answer that is retried, then success.
	srv.Handle("im_open_login_svc/account_check", func(r testkit.Request) any {
		switch count(r) {
		case 1:
			return testkit.Fail(70001, echo(r))
		case 2:
			return testkit.Fail(10002, echo(r))
		}
		return testkit.With(map[string]any{"ResultItem": []map[string]any{{"UserID": "u1", "AccountStatus": "Imported"}}})
	})
	// A gateway page echoing the URL, then a JSON envelope doing so.
	srv.HandleRaw("profile/portrait_get", func(w http.ResponseWriter, r testkit.Request) {
		if count(r) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "<html>bad gateway %s</html>", echo(r))
			return
		}
		w.WriteHeader(http.StatusBadGateway)
		_, _ = fmt.Fprintf(w, `{"ActionStatus":"FAIL","ErrorCode":91000,"ErrorInfo":%q}`, echo(r))
	})
	// The connection dropped mid-answer.
	srv.HandleRaw("openim/query_online_status", func(w http.ResponseWriter, r testkit.Request) {
		count(r)
		w.Header().Set("Content-Length", "50")
		_, _ = w.Write([]byte(`{"ActionStatus":`))
		panic(http.ErrAbortHandler)
	})
	// Expired even after the renewal: the renewal's error is returned.
	srv.Handle("test_svc/always_expired", func(r testkit.Request) any {
		count(r)
		return testkit.Fail(70001, echo(r))
	})
	// Credentials rejected (the NotReady event carries the error).
	srv.Handle("im_open_login_svc/account_delete", func(r testkit.Request) any {
		count(r)
		return testkit.Fail(70003, echo(r))
	})

	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	var events []string
	var evMu sync.Mutex
	event.On(d, func(_ context.Context, e *event.NotReady) {
		evMu.Lock()
		defer evMu.Unlock()
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			events = append(events, fmt.Sprintf(f, e), fmt.Sprintf(f, *e))
		}
	})
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithLogger(logger), tim.WithDispatcher(d),
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}))
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()

	_, err = c.Account.Check(ctx, "u1")
	require.NoError(t, err, "renewed, retried, then answered")
	var errs []error
	_, err = c.Profile.Get(ctx, []string{"u1"}, profile.TagNick)
	require.Error(t, err)
	errs = append(errs, err)
	_, err = c.Account.QueryOnlineStatus(ctx, []string{"u1"}, account.OnlineStatusOptions{})
	require.Error(t, err)
	errs = append(errs, err)
	err = c.Do(ctx, tim.Endpoint{Path: "test_svc/always_expired", Safety: tim.Idempotent}, map[string]string{"k": "v"}, nil)
	require.ErrorIs(t, err, tim.ErrUserSigExpired)
	errs = append(errs, err)
	_, err = c.Account.Delete(ctx, "u1")
	require.Error(t, err)
	errs = append(errs, err)
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	errs = append(errs, ae)

	seen := sigs.all()
	require.NotEmpty(t, seen, "the server saw the usersigs it echoed")
	secrets := append([]string{testkit.Key}, seen...)
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		out = append(out, fmt.Sprintf(f, c))
		for _, e := range errs {
			for link := e; link != nil; link = errors.Unwrap(link) {
				out = append(out, fmt.Sprintf(f, link))
			}
		}
	}
	evMu.Lock()
	out = append(out, events...)
	evMu.Unlock()
	require.NotEmpty(t, events, "SDK_NOT_READY was delivered and formatted")
	log := logs.String()
	for _, want := range []string{"tim: retrying", "tim: request failed", "tim: request done", "tim: credentials rejected"} {
		require.Contains(t, log, want, "the log covers the path under test")
	}
	out = append(out, log)
	for _, s := range out {
		for _, sec := range secrets {
			assert.NotContains(t, s, sec)
		}
		assert.NotContains(t, strings.ToLower(s), "usersig=e", "a usersig value")
		assert.NotContains(t, s, "?sdkappid=", "a request query")
		assert.NotContains(t, s, "&identifier=", "a request query")
	}
}

// TestWithHTTPClientNeverFollowsRedirects: a caller's client whose
// CheckRedirect follows everything still never carries the usersig to the
// host a 307 points at (issue 14 item 8); the 3xx is an *APIError.
func TestWithHTTPClientNeverFollowsRedirects(t *testing.T) {
	t.Parallel()
	other := testkit.NewServer(t)
	srv := testkit.NewServer(t)
	srv.HandleRaw("im_open_login_svc/account_check", func(w http.ResponseWriter, r testkit.Request) {
		w.Header().Set("Location", other.URL+"/v4/im_open_login_svc/account_check?"+r.Query.Encode())
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	follows := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithHTTPClient(follows))
	require.NoError(t, err)
	defer c.Close()
	defer follows.CloseIdleConnections()
	_, err = c.Account.Check(context.Background(), "u1")
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusTemporaryRedirect, ae.HTTPStatus)
	assert.Empty(t, other.Requests(), "nothing reached the redirect target")
	assert.Len(t, srv.Calls("im_open_login_svc/account_check"), 1, "a redirect is not retried")
	assert.NotNil(t, follows.CheckRedirect, "the caller's client is not modified")
}

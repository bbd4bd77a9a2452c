package timtest_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

func TestLoginAndReady(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	res, err := c.Login(ctxT(t))
	require.NoError(t, err)
	assert.False(t, res.RepeatLogin)
	assert.True(t, c.Ready())
	res, err = c.Login(ctxT(t))
	require.NoError(t, err)
	assert.True(t, res.RepeatLogin)

	reqs := srv.Requests("im_open_login_svc/account_check")
	require.Len(t, reqs, 1)
	assert.Equal(t, "REDACTED", reqs[0].Query.Get("usersig"))
	assert.Equal(t, "json", reqs[0].Query.Get("contenttype"))
}

func TestUserSigVerification(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	tests := []struct {
		name    string
		appID   uint64
		key     string
		opts    []tim.Option
		code    int
		family  error
		wantErr bool
	}{
		{name: "valid", appID: srv.SDKAppID, key: srv.SecretKey},
		{name: "expired", appID: srv.SDKAppID, key: srv.SecretKey,
			opts: []tim.Option{tim.WithClock(func() time.Time { return time.Now().Add(-48 * time.Hour) })},
			code: 70001, family: tim.ErrUserSigExpired},
		{name: "wrong key", appID: srv.SDKAppID, key: "not-the-key", code: 70009, family: tim.ErrUserSigInvalid},
		{name: "unknown app in this data centre", appID: srv.SDKAppID + 1, key: srv.SecretKey, code: 70020, family: tim.ErrWrongRegion},
		{name: "not an admin", appID: srv.SDKAppID, key: srv.SecretKey, opts: []tim.Option{tim.WithAdmin("bob")},
			code: 60010, family: tim.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := append([]tim.Option{tim.WithBaseURL(srv.URL), tim.WithoutRetry()}, tt.opts...)
			c, err := tim.New(tt.appID, tt.key, opts...)
			require.NoError(t, err)
			_, err = c.Login(ctxT(t))
			if tt.code == 0 {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.code, codeOf(err), "err: %v", err)
			assert.True(t, errors.Is(err, tt.family), "err %v is not %v", err, tt.family)
			if tt.code != 60010 { // the root client treats 60010 as a non-credential error (reported)
				assert.False(t, c.Ready())
			}
		})
	}
}

func TestUserSigRawChecks(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t, timtest.WithAdmins("administrator", "ops"))
	good := func() url.Values { return adminQuery(t, srv.SDKAppID, srv.SecretKey, "administrator", "administrator") }
	tests := []struct {
		name   string
		method string
		path   string
		query  func() url.Values
		body   string
		code   int
	}{
		{"ok", "POST", "im_open_login_svc/account_check", good, `{"CheckItem":[{"UserID":"x"}]}`, 0},
		{"second admin", "POST", "im_open_login_svc/account_check",
			func() url.Values { return adminQuery(t, srv.SDKAppID, srv.SecretKey, "ops", "ops") }, `{"CheckItem":[{"UserID":"x"}]}`, 0},
		{"identifier mismatch", "POST", "im_open_login_svc/account_check",
			func() url.Values { return adminQuery(t, srv.SDKAppID, srv.SecretKey, "administrator", "bob") }, `{}`, 70013},
		{"sig for another app", "POST", "im_open_login_svc/account_check",
			func() url.Values {
				q := adminQuery(t, srv.SDKAppID+7, srv.SecretKey, "administrator", "administrator")
				q.Set("sdkappid", "1400000000")
				return q
			}, `{}`, 70014},
		{"unparsable sig", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Set("usersig", "eJyrVgrxCdYrSy1SslIyUqoFAD-4Bio_"); return q }, `{}`, 70003},
		{"truncated sig", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Set("usersig", q.Get("usersig")[:20]); return q }, `{}`, 70003},
		{"no sdkappid", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Del("sdkappid"); return q }, `{}`, 60012},
		{"no usersig", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Del("usersig"); return q }, `{}`, 60004},
		{"no random", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Del("random"); return q }, `{}`, 60002},
		{"contenttype", "POST", "im_open_login_svc/account_check",
			func() url.Values { q := good(); q.Set("contenttype", "xml"); return q }, `{}`, 60002},
		{"GET", "GET", "im_open_login_svc/account_check", good, ``, 60002},
		{"empty body", "POST", "im_open_login_svc/account_check", good, ``, 60003},
		{"not JSON", "POST", "im_open_login_svc/account_check", good, `CheckItem=1`, 60003},
		{"unknown API", "POST", "nosuch/command", good, `{}`, 60009},
		{"wrong type in sendmsg", "POST", "openim/sendmsg", good, `{"To_Account":"a","MsgRandom":1,"SyncOtherMachine":"x"}`, 90001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, e := rawCall(t, srv, tt.method, tt.path, tt.query(), tt.body)
			assert.Equal(t, http.StatusOK, status)
			assert.Equal(t, tt.code, e.ErrorCode, "info: %s", e.ErrorInfo)
			if tt.code == 0 {
				assert.Equal(t, "OK", e.ActionStatus)
			} else {
				assert.Equal(t, "FAIL", e.ActionStatus)
			}
		})
	}
}

func TestUserSigClock(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Now())
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithAdminSigValidity(time.Hour))
	_, err := c.Login(ctxT(t))
	require.NoError(t, err)
	// Two hours later on the server, the client's one-hour sig has expired;
	// the client renews it once, but its own clock is behind: 70001 again.
	clk.Advance(2 * time.Hour)
	_, err = c.Account.Check(ctxT(t), "x")
	assert.Equal(t, 70001, codeOf(err))
	assert.Equal(t, clk.Now(), srv.Now())
}

func TestOptionsValidated(t *testing.T) {
	t.Parallel()
	for _, o := range []timtest.Option{
		timtest.WithSDKAppID(0), timtest.WithSecretKey(""), timtest.WithAdmins(), timtest.WithClock(nil),
		timtest.WithCallback("ftp://x", ""), timtest.WithCallbackTimeout(0), timtest.WithRateLimit(timtest.Rate{N: 1}),
		timtest.WithContactPageSize(0), timtest.WithLogger(nil), timtest.WithCallbackCommands("nodot"),
	} {
		_, err := timtest.Start(o)
		assert.Error(t, err)
	}
	srv, err := timtest.Start(timtest.WithSDKAppID(1400000123), timtest.WithSecretKey("k"))
	require.NoError(t, err)
	defer srv.Close()
	assert.Equal(t, uint64(1400000123), srv.SDKAppID)
	c := newClient(t, srv)
	_, err = c.Login(ctxT(t))
	require.NoError(t, err)
	assert.Contains(t, srv.APIs(), "openim/sendmsg")
}

package timtest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/timtest"
)

// fastRetry retries quickly, for tests of the resend paths.
var fastRetry = tim.WithRetry(tim.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RateLimitDelay: time.Millisecond})

func TestRateLimits(t *testing.T) {
	t.Parallel()
	per := timtest.Rate{N: 3, Per: time.Minute}
	srv := timtest.NewServer(t,
		timtest.WithAPIRateLimit("openim/sendmsg", per),
		timtest.WithAPIRateLimit("group_open_http_svc/send_group_msg", per),
		timtest.WithAPIRateLimit("group_open_http_svc/get_group_info", per),
		timtest.WithAPIRateLimit("im_open_login_svc/account_check", per),
	)
	c := newClient(t, srv, tim.WithRateLimit(0)) // no client-side queueing: let the server say no
	ctx := ctxT(t)
	importUsers(t, c, "a", "b")
	gid := createGroup(t, c, map[string]any{"Owner_Account": "a", "Type": "Public", "Name": "g"})

	calls := []struct {
		path string
		req  func(i int) any
		code int
	}{
		{"openim/sendmsg", func(i int) any { return sendReq{ToAccount: "b", MsgRandom: uint32(i), MsgBody: text("x")} }, 60007},
		{"group_open_http_svc/send_group_msg", func(i int) any { return groupSendReq{GroupID: gid, Random: uint32(i), MsgBody: text("x")} }, 10023},
		{"group_open_http_svc/get_group_info", func(int) any { return map[string]any{"GroupIdList": []string{gid}} }, 10006},
		{"im_open_login_svc/account_check", func(int) any { return map[string]any{"CheckItem": []map[string]any{{"UserID": "a"}}} }, 60007},
	}
	for _, call := range calls {
		for i := range 3 {
			require.NoError(t, c.Do(ctx, ep(call.path), call.req(i), nil), call.path)
		}
		err := c.Do(ctx, ep(call.path), call.req(99), nil)
		assert.Equal(t, call.code, codeOf(err), call.path)
		assert.ErrorIs(t, err, tim.ErrRateLimited)
	}
	assert.Len(t, srv.Messages("administrator", "b"), 3, "a refused call stores nothing")
	assert.Len(t, srv.GroupMessages(gid), 3)

	srv.SetRateLimit("openim/sendmsg", timtest.Rate{})
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), sendReq{ToAccount: "b", MsgRandom: 100, MsgBody: text("x")}, nil))
}

func TestDefaultRateLimit(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t, timtest.WithRateLimit(timtest.Rate{N: 5, Per: time.Minute}))
	c := newClient(t, srv, tim.WithRateLimit(0))
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Account.Check(ctxT(t), "x")
			codes[i] = codeOf(err)
		}()
	}
	wg.Wait()
	limited := 0
	for _, code := range codes {
		if code == 60007 {
			limited++
		}
	}
	assert.Equal(t, 3, limited, "codes %v", codes)
}

func TestFailNextAndHTTPFaults(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	ctx := ctxT(t)

	c := newClient(t, srv)
	srv.FailNext("im_open_login_svc/account_import", 1, 70402)
	err := c.Account.Import(ctx, account.Account{UserID: "x"})
	assert.Equal(t, 70402, codeOf(err))
	assert.False(t, srv.HasAccount("x"), "an injected failure changes nothing")
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "x"}))

	// Retryable codes and gateway faults are resent by the client.
	r := newClient(t, srv, fastRetry)
	srv.FailNext("im_open_login_svc/account_check", 2, 60008)
	_, err = r.Account.Check(ctx, "x")
	require.NoError(t, err)
	srv.FailNextHTTP(timtest.AllAPIs, 1, http.StatusBadGateway)
	_, err = r.Account.Check(ctx, "x")
	require.NoError(t, err)
	var statuses []string
	for _, q := range srv.Requests("im_open_login_svc/account_check") {
		statuses = append(statuses, fmt.Sprint(q.HTTPStatus, "/", q.Code))
	}
	assert.Equal(t, []string{"200/60008", "200/60008", "200/0", "502/0", "200/0"}, statuses)

	// An HTTP fault is an error without a code.
	srv.FailNextHTTP("im_open_login_svc/kick", 1, http.StatusServiceUnavailable)
	err = c.Account.Kick(ctx, "x")
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusServiceUnavailable, ae.HTTPStatus)

	srv.FailNext(timtest.AllAPIs, 5, 60008)
	srv.ClearFaults()
	require.NoError(t, c.Account.Kick(ctx, "x"))
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv, tim.WithTimeout(50*time.Millisecond))
	srv.SetLatency("im_open_login_svc/account_import", 500*time.Millisecond)
	start := time.Now()
	err := c.Account.Import(ctxT(t), account.Account{UserID: "slow"})
	require.Error(t, err)
	assert.NotRegexp(t, `usersig=[^R&]`, err.Error())
	assert.Less(t, time.Since(start), 400*time.Millisecond)
	// The latency is applied to answers that do arrive: a client with room
	// to wait (a 50 ms timeout would fail on a loaded machine) sees it.
	srv.SetLatency("im_open_login_svc/account_import", 20*time.Millisecond)
	patient := newClient(t, srv, tim.WithTimeout(10*time.Second))
	start = time.Now()
	require.NoError(t, patient.Account.Import(ctxT(t), account.Account{UserID: "slow"}))
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
}

func TestCommitThenDrop(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	ctx := ctxT(t)
	c := newClient(t, srv, fastRetry)
	importUsers(t, c, "a", "b")

	// A Deduped send is resent after the lost answer; Tencent's dedup keys
	// absorb the resend: one stored message, the original MsgKey.
	srv.DropNext("openim/sendmsg", 2)
	var resp sendResp
	req := sendReq{FromAccount: "a", ToAccount: "b", MsgSeq: 5, MsgRandom: 777, MsgBody: text("exactly once")}
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), req, &resp))
	msgs := srv.Messages("a", "b")
	require.Len(t, msgs, 1)
	assert.Equal(t, msgs[0].MsgKey, resp.MsgKey)
	reqs := srv.Requests("openim/sendmsg")
	require.Len(t, reqs, 3)
	assert.True(t, reqs[0].Dropped)
	assert.True(t, reqs[1].Dropped)
	assert.False(t, reqs[2].Dropped)

	// Same for a group send: one message, MsgSeq 1.
	gid := createGroup(t, c, map[string]any{"Owner_Account": "a", "Type": "Public", "Name": "g"})
	srv.DropNext("group_open_http_svc/send_group_msg", 1)
	var gr groupSendResp
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_msg"),
		groupSendReq{GroupID: gid, FromAccount: "a", Random: 4242, MsgBody: text("once")}, &gr))
	assert.Equal(t, uint64(1), gr.MsgSeq)
	assert.Len(t, srv.GroupMessages(gid), 1)

	// An Unsafe call (a raw path declares nothing) is not resent: the caller
	// gets an error although the message was stored.
	srv.DropNext("openim/sendmsg", 1)
	err := c.Do(ctx, tim.Endpoint{Path: "openim/sendmsg"}, sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: 1, MsgBody: text("lost answer")}, &resp)
	require.Error(t, err)
	assert.NotRegexp(t, `usersig=[^R&]`, err.Error(), "the transport error must not leak the usersig")
	assert.Len(t, srv.Messages("a", "b"), 2)
}

func TestDropRatioSoak(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	ctx := ctxT(t)
	c := newClient(t, srv, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}))
	importUsers(t, c, "a", "b")
	srv.DropRatio("openim/sendmsg", 0.3)
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, c.Do(ctx, ep("openim/sendmsg"), sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: uint32(i + 1), MsgBody: text(fmt.Sprint(i))}, nil))
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.Messages("a", "b") {
		seen[m.Text()]++
	}
	assert.Len(t, seen, n)
	for k, v := range seen {
		assert.Equal(t, 1, v, k)
	}
	dropped := 0
	for _, r := range srv.Requests("openim/sendmsg") {
		if r.Dropped {
			dropped++
		}
	}
	assert.Positive(t, dropped)
}

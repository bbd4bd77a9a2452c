package account_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/internal/testkit/e2e"
)

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := account.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "account.NewService")
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestAccountImport(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := e2e.Client(t, srv.URL)
	require.NoError(t, c.Account.Import(context.Background(), account.Account{UserID: "doctor_1", Nick: "张医生", FaceURL: "https://x/a.png"}))
	testkit.AssertGolden(t, "testdata/golden/account_import.json", srv.Last("im_open_login_svc/account_import").Body)
	require.NoError(t, c.Account.Import(context.Background(), account.Account{UserID: "p"}))
	assert.JSONEq(t, `{"UserID":"p"}`, string(srv.Last("im_open_login_svc/account_import").Body))
}

func TestAccountImportManySplitsAndMergesFailures(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/multiaccount_import", func(r testkit.Request) any {
		var req struct{ Accounts []string }
		r.Decode(t, &req)
		return testkit.With(map[string]any{"FailAccounts": []string{req.Accounts[0]}})
	})
	c := e2e.Client(t, srv.URL)
	res, err := c.Account.ImportMany(context.Background(), ids("u", 250))
	require.NoError(t, err)
	calls := srv.Calls("im_open_login_svc/multiaccount_import")
	require.Len(t, calls, 3)
	for i, want := range []int{100, 100, 50} {
		var req struct{ Accounts []string }
		calls[i].Decode(t, &req)
		assert.Len(t, req.Accounts, want)
	}
	assert.Equal(t, []string{"u0", "u100", "u200"}, res.Failed)
}

func TestAccountImportManyStopsOnError(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	n := 0
	srv.Handle("im_open_login_svc/multiaccount_import", func(testkit.Request) any {
		n++
		if n == 2 {
			return testkit.Fail(70402, "bad")
		}
		return nil
	})
	c := e2e.Client(t, srv.URL)
	_, err := c.Account.ImportMany(context.Background(), ids("u", 250))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "importing accounts 100..199 of 250")
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	assert.Len(t, srv.Calls("im_open_login_svc/multiaccount_import"), 2)
}

func TestAccountCheckDeleteKick(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("im_open_login_svc/account_check", func(testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"UserID": "a", "ResultCode": 0, "AccountStatus": "Imported"},
			{"UserID": "b", "ResultCode": 0, "AccountStatus": "NotImported"},
		}})
	})
	srv.Handle("im_open_login_svc/account_delete", func(testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"UserID": "a", "ResultCode": 0, "ResultInfo": ""},
			{"UserID": "b", "ResultCode": 70107, "ResultInfo": "not imported"},
		}})
	})
	c := e2e.Client(t, srv.URL)
	ctx := context.Background()
	st, err := c.Account.Check(ctx, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []account.Status{{UserID: "a", Imported: true}, {UserID: "b"}}, st)
	testkit.AssertGolden(t, "testdata/golden/account_check.json", srv.Last("im_open_login_svc/account_check").Body)

	del, err := c.Account.Delete(ctx, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []account.Result{{UserID: "a"}, {UserID: "b", ResultCode: 70107, ResultInfo: "not imported"}}, del)
	testkit.AssertGolden(t, "testdata/golden/account_delete.json", srv.Last("im_open_login_svc/account_delete").Body)

	require.NoError(t, c.Account.Kick(ctx, "a"))
	testkit.AssertGolden(t, "testdata/golden/kick.json", srv.Last("im_open_login_svc/kick").Body)
}

func TestQueryOnlineStatusSplitsBy500(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("openim/query_online_status", func(r testkit.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		return testkit.With(map[string]any{
			"QueryResult": []map[string]any{{"To_Account": req.ToAccount[0], "Status": "Online", "Detail": []map[string]any{{"Platform": "Web", "Status": "Online"}}}},
			"ErrorList":   []map[string]any{{"To_Account": req.ToAccount[1], "ErrorCode": 70107}},
		})
	})
	c := e2e.Client(t, srv.URL)
	res, err := c.Account.QueryOnlineStatus(context.Background(), ids("u", 1200), account.OnlineStatusOptions{Detail: true})
	require.NoError(t, err)
	require.Len(t, srv.Calls("openim/query_online_status"), 3)
	assert.Equal(t, []account.OnlineStatus{
		{UserID: "u0", Status: account.StateOnline, Detail: []account.DeviceState{{Platform: "Web", Status: account.StateOnline}}},
		{UserID: "u500", Status: account.StateOnline, Detail: []account.DeviceState{{Platform: "Web", Status: account.StateOnline}}},
		{UserID: "u1000", Status: account.StateOnline, Detail: []account.DeviceState{{Platform: "Web", Status: account.StateOnline}}},
	}, res.Statuses)
	assert.Equal(t, []account.ItemError{{UserID: "u1", ErrorCode: 70107}, {UserID: "u501", ErrorCode: 70107}, {UserID: "u1001", ErrorCode: 70107}}, res.Errors)
	var first struct {
		IsNeedDetail int      `json:"IsNeedDetail"`
		ToAccount    []string `json:"To_Account"`
	}
	srv.Calls("openim/query_online_status")[2].Decode(t, &first)
	assert.Equal(t, 1, first.IsNeedDetail)
	assert.Len(t, first.ToAccount, 200)
}

func TestAccountValidationBeforeNetwork(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := e2e.Client(t, srv.URL)
	ctx := context.Background()
	long := strings.Repeat("x", 33)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"import empty id", func() error { return c.Account.Import(ctx, account.Account{}) }, "UserID"},
		{"import long id", func() error { return c.Account.Import(ctx, account.Account{UserID: long}) }, "UserID"},
		{"import many none", func() error { _, err := c.Account.ImportMany(ctx, nil); return err }, "Accounts"},
		{"import many bad", func() error { _, err := c.Account.ImportMany(ctx, []string{"a", long}); return err }, "Accounts[1]"},
		{"check none", func() error { _, err := c.Account.Check(ctx); return err }, "CheckItem"},
		{"delete bad", func() error { _, err := c.Account.Delete(ctx, ""); return err }, "DeleteItem[0]"},
		{"kick empty", func() error { return c.Account.Kick(ctx, "") }, "UserID"},
		{"online none", func() error {
			_, err := c.Account.QueryOnlineStatus(ctx, nil, account.OnlineStatusOptions{})
			return err
		}, "To_Account"},
	}
	for _, tc := range cases {
		err := tc.call()
		testkit.AssertInvalid(t, err, tc.field, tc.name)
	}
	assert.Empty(t, srv.Requests())
}

func TestAccountImportManyReportsProgressPerCall(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	n := 0
	srv.Handle("im_open_login_svc/multiaccount_import", func(testkit.Request) any {
		n++
		if n == 3 {
			return testkit.Fail(70402, "bad")
		}
		return nil
	})
	c := e2e.Client(t, srv.URL)
	var got [][2]int
	_, err := c.Account.ImportMany(context.Background(), ids("u", 250), account.WithProgress(func(done, total int) {
		got = append(got, [2]int{done, total})
	}))
	require.Error(t, err)
	// Two calls succeeded; the third failed and is not reported as done.
	assert.Equal(t, [][2]int{{100, 250}, {200, 250}}, got)
}

func TestAccountImportManyProgressReachesTotal(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := e2e.Client(t, srv.URL)
	var last [2]int
	calls := 0
	_, err := c.Account.ImportMany(context.Background(), ids("u", 101), nil, account.WithProgress(func(done, total int) {
		calls++
		last = [2]int{done, total}
	}))
	require.NoError(t, err)
	assert.Equal(t, 2, calls)
	assert.Equal(t, [2]int{101, 101}, last)
}

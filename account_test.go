package tim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testutil"
)

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestAccountImport(t *testing.T) {
	t.Parallel()
	srv := testutil.NewServer(t)
	c := newClient(t, srv)
	require.NoError(t, c.Account.Import(context.Background(), tim.Account{UserID: "doctor_1", Nick: "张医生", FaceURL: "https://x/a.png"}))
	testutil.AssertGolden(t, "testdata/golden/account_import.json", srv.Last("im_open_login_svc/account_import").Body)
	require.NoError(t, c.Account.Import(context.Background(), tim.Account{UserID: "p"}))
	assert.JSONEq(t, `{"UserID":"p"}`, string(srv.Last("im_open_login_svc/account_import").Body))
}

func TestAccountImportManySplitsAndMergesFailures(t *testing.T) {
	t.Parallel()
	srv := testutil.NewServer(t)
	srv.Handle("im_open_login_svc/multiaccount_import", func(r testutil.Request) any {
		var req struct{ Accounts []string }
		r.Decode(t, &req)
		return testutil.With(map[string]any{"FailAccounts": []string{req.Accounts[0]}})
	})
	c := newClient(t, srv)
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
	srv := testutil.NewServer(t)
	n := 0
	srv.Handle("im_open_login_svc/multiaccount_import", func(testutil.Request) any {
		n++
		if n == 2 {
			return testutil.Fail(70402, "bad")
		}
		return nil
	})
	c := newClient(t, srv)
	_, err := c.Account.ImportMany(context.Background(), ids("u", 250))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "importing accounts 100..199 of 250")
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	assert.Len(t, srv.Calls("im_open_login_svc/multiaccount_import"), 2)
}

func TestAccountCheckDeleteKick(t *testing.T) {
	t.Parallel()
	srv := testutil.NewServer(t)
	srv.Handle("im_open_login_svc/account_check", func(testutil.Request) any {
		return testutil.With(map[string]any{"ResultItem": []map[string]any{
			{"UserID": "a", "ResultCode": 0, "AccountStatus": "Imported"},
			{"UserID": "b", "ResultCode": 0, "AccountStatus": "NotImported"},
		}})
	})
	srv.Handle("im_open_login_svc/account_delete", func(testutil.Request) any {
		return testutil.With(map[string]any{"ResultItem": []map[string]any{
			{"UserID": "a", "ResultCode": 0, "ResultInfo": ""},
			{"UserID": "b", "ResultCode": 70107, "ResultInfo": "not imported"},
		}})
	})
	c := newClient(t, srv)
	ctx := context.Background()
	st, err := c.Account.Check(ctx, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []tim.AccountStatus{{UserID: "a", Imported: true}, {UserID: "b"}}, st)
	testutil.AssertGolden(t, "testdata/golden/account_check.json", srv.Last("im_open_login_svc/account_check").Body)

	del, err := c.Account.Delete(ctx, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []tim.AccountResult{{UserID: "a"}, {UserID: "b", ResultCode: 70107, ResultInfo: "not imported"}}, del)
	testutil.AssertGolden(t, "testdata/golden/account_delete.json", srv.Last("im_open_login_svc/account_delete").Body)

	require.NoError(t, c.Account.Kick(ctx, "a"))
	testutil.AssertGolden(t, "testdata/golden/kick.json", srv.Last("im_open_login_svc/kick").Body)
}

func TestQueryOnlineStatusSplitsBy500(t *testing.T) {
	t.Parallel()
	srv := testutil.NewServer(t)
	srv.Handle("openim/query_online_status", func(r testutil.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		return testutil.With(map[string]any{
			"QueryResult": []map[string]any{{"To_Account": req.ToAccount[0], "Status": "Online", "Detail": []map[string]any{{"Platform": "Web", "Status": "Online"}}}},
			"ErrorList":   []map[string]any{{"To_Account": req.ToAccount[1], "ErrorCode": 70107}},
		})
	})
	c := newClient(t, srv)
	res, err := c.Account.QueryOnlineStatus(context.Background(), ids("u", 1200), tim.OnlineStatusOptions{Detail: true})
	require.NoError(t, err)
	require.Len(t, srv.Calls("openim/query_online_status"), 3)
	assert.Equal(t, []tim.OnlineStatus{
		{UserID: "u0", Status: tim.StateOnline, Detail: []tim.DeviceState{{Platform: "Web", Status: tim.StateOnline}}},
		{UserID: "u500", Status: tim.StateOnline, Detail: []tim.DeviceState{{Platform: "Web", Status: tim.StateOnline}}},
		{UserID: "u1000", Status: tim.StateOnline, Detail: []tim.DeviceState{{Platform: "Web", Status: tim.StateOnline}}},
	}, res.Statuses)
	assert.Equal(t, []tim.AccountError{{UserID: "u1", ErrorCode: 70107}, {UserID: "u501", ErrorCode: 70107}, {UserID: "u1001", ErrorCode: 70107}}, res.Errors)
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
	srv := testutil.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	long := strings.Repeat("x", 33)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"import empty id", func() error { return c.Account.Import(ctx, tim.Account{}) }, "UserID"},
		{"import long id", func() error { return c.Account.Import(ctx, tim.Account{UserID: long}) }, "UserID"},
		{"import many none", func() error { _, err := c.Account.ImportMany(ctx, nil); return err }, "Accounts"},
		{"import many bad", func() error { _, err := c.Account.ImportMany(ctx, []string{"a", long}); return err }, "Accounts[1]"},
		{"check none", func() error { _, err := c.Account.Check(ctx); return err }, "CheckItem"},
		{"delete bad", func() error { _, err := c.Account.Delete(ctx, ""); return err }, "DeleteItem[0]"},
		{"kick empty", func() error { return c.Account.Kick(ctx, "") }, "UserID"},
		{"online none", func() error { _, err := c.Account.QueryOnlineStatus(ctx, nil, tim.OnlineStatusOptions{}); return err }, "To_Account"},
		{"profile set no items", func() error { return c.Profile.Set(ctx, "a") }, "ProfileItem"},
		{"profile set bad tag", func() error { return c.Profile.Set(ctx, "a", tim.ProfileItem{Tag: "Nick", Value: "x"}) }, "ProfileItem[0].Tag"},
		{"profile set bad value", func() error {
			return c.Profile.Set(ctx, "a", tim.Nick("x"), tim.ProfileItem{Tag: tim.TagLevel, Value: 1.5})
		}, "ProfileItem[1].Value"},
		{"profile get no tags", func() error { _, err := c.Profile.Get(ctx, []string{"a"}); return err }, "TagList"},
	}
	for _, tc := range cases {
		err := tc.call()
		var inv *tim.InvalidInputError
		require.ErrorAs(t, err, &inv, tc.name)
		assert.Equal(t, tc.field, inv.Field, tc.name)
		assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	}
	assert.Empty(t, srv.Requests())
}

func TestProfileSetAndGet(t *testing.T) {
	t.Parallel()
	srv := testutil.NewServer(t)
	srv.Handle("profile/portrait_get", func(testutil.Request) any {
		return testutil.With(map[string]any{"UserProfileItem": []map[string]any{
			{"To_Account": "doctor_1", "ResultCode": 0, "ProfileItem": []map[string]any{
				{"Tag": "Tag_Profile_IM_Nick", "Value": "张医生"},
				{"Tag": "Tag_Profile_IM_Image", "Value": "https://x/a.png"},
				{"Tag": "Tag_Profile_IM_Level", "Value": 3},
				{"Tag": "Tag_Profile_Custom_Title", "Value": "主任医师"},
			}},
			{"To_Account": "ghost", "ResultCode": 40006, "ResultInfo": "not found"},
		}})
	})
	c := newClient(t, srv)
	ctx := context.Background()
	require.NoError(t, c.Profile.Set(ctx, "doctor_1", tim.Nick("张医生"), tim.Avatar("https://x/a.png"), tim.GenderItem(tim.GenderFemale), tim.CustomItem("Title", "主任医师"), tim.ProfileItem{Tag: tim.TagLevel, Value: 3}))
	testutil.AssertGolden(t, "testdata/golden/portrait_set.json", srv.Last("profile/portrait_set").Body)

	ps, err := c.Profile.Get(ctx, []string{"doctor_1", "ghost"}, tim.TagNick, tim.TagImage, tim.TagLevel, tim.CustomTag("Title"))
	require.NoError(t, err)
	testutil.AssertGolden(t, "testdata/golden/portrait_get.json", srv.Last("profile/portrait_get").Body)
	require.Len(t, ps, 2)
	assert.Equal(t, "张医生", ps[0].Nick())
	assert.Equal(t, "https://x/a.png", ps[0].AvatarURL())
	assert.Equal(t, int64(3), ps[0].Values[tim.TagLevel].Int())
	assert.Equal(t, "3", ps[0].Values[tim.TagLevel].String())
	assert.Equal(t, "主任医师", ps[0].Values[tim.CustomTag("Title")].String())
	assert.Equal(t, 40006, ps[1].ResultCode)
	assert.Empty(t, ps[1].Nick())
}

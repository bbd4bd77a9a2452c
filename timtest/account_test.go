package timtest_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/timtest"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)

	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "doctor", Nick: "Dr. Li", FaceURL: "https://x/a.png"}))
	res, err := c.Account.ImportMany(ctx, []string{"p1", "p2"})
	require.NoError(t, err)
	assert.Empty(t, res.Failed)
	assert.Equal(t, []string{"administrator", "doctor", "p1", "p2"}, srv.Accounts())

	// Re-importing succeeds (and keeps the account).
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "p1"}))

	st, err := c.Account.Check(ctx, "doctor", "ghost", "administrator")
	require.NoError(t, err)
	require.Len(t, st, 3)
	assert.True(t, st[0].Imported)
	assert.False(t, st[1].Imported)
	assert.True(t, st[2].Imported, "admins are accounts")

	// multiaccount_import reports bad ids in FailAccounts (raw: the client validates locally).
	var multi struct {
		env
		FailAccounts []string `json:"FailAccounts"`
	}
	long := "0123456789012345678901234567890123"
	require.NoError(t, c.Do(ctx, ep("im_open_login_svc/multiaccount_import"), map[string]any{"Accounts": []string{"ok1", long}}, &multi))
	assert.Equal(t, []string{long}, multi.FailAccounts)
	over := make([]string, 101)
	for i := range over {
		over[i] = "u"
	}
	err = c.Do(ctx, ep("im_open_login_svc/multiaccount_import"), map[string]any{"Accounts": over}, nil)
	assert.Equal(t, 70402, codeOf(err))

	del, err := c.Account.Delete(ctx, "p2", "ghost", "administrator")
	require.NoError(t, err)
	require.Len(t, del, 3)
	assert.Equal(t, 0, del[0].ResultCode)
	assert.Equal(t, 70107, del[1].ResultCode)
	assert.NotZero(t, del[2].ResultCode)
	assert.False(t, srv.HasAccount("p2"))

	// A deleted account is gone for messages too.
	var out sendResp
	err = c.Do(ctx, ep("openim/sendmsg"), sendReq{ToAccount: "p2", MsgRandom: 1, MsgBody: text("hi")}, &out)
	assert.Equal(t, 90012, codeOf(err))
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
}

func TestOnlineStateAndKick(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, timtest.DefaultSDKAppID, "tok")
	srv := timtest.NewServer(t, timtest.WithCallback(rcv.URL, "tok"))
	c := newClient(t, srv)
	ctx := ctxT(t)
	importUsers(t, c, "u1", "u2")

	require.NoError(t, srv.SimulateLogin("u1", timtest.PlatformIOS))
	require.NoError(t, srv.SimulateLogin("u1", timtest.PlatformWeb))
	require.NoError(t, srv.SimulateLogin("u2", timtest.PlatformAndroid))
	require.NoError(t, srv.SimulateDisconnect("u2", timtest.PlatformAndroid))
	assert.ErrorIs(t, srv.SimulateLogin("ghost", timtest.PlatformWeb), timtest.ErrNotImported)

	got, err := c.Account.QueryOnlineStatus(ctx, []string{"u1", "u2", "ghost"}, account.OnlineStatusOptions{Detail: true})
	require.NoError(t, err)
	require.Len(t, got.Statuses, 2)
	assert.Equal(t, account.StateOnline, got.Statuses[0].Status)
	assert.Equal(t, []account.DeviceState{{Platform: "Web", Status: "Online"}, {Platform: "iPhone", Status: "Online"}}, got.Statuses[0].Detail)
	assert.Equal(t, account.StatePushOnline, got.Statuses[1].Status)
	assert.Equal(t, []account.ItemError{{UserID: "ghost", ErrorCode: 70107}}, got.Errors)

	require.NoError(t, c.Account.Kick(ctx, "u1"))
	st, _ := srv.OnlineStatus("u1")
	assert.Equal(t, timtest.StatusOffline, st)
	assert.Equal(t, 70107, codeOf(c.Account.Kick(ctx, "ghost")))

	require.NoError(t, srv.WaitCallbacks(ctx))
	var infos []string
	for _, r := range rcv.commands("State.StateChange") {
		var b struct {
			EventTime int64 `json:"EventTime"`
			Info      struct {
				Action    string `json:"Action"`
				ToAccount string `json:"To_Account"`
				Reason    string `json:"Reason"`
			} `json:"Info"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &b))
		assert.NotZero(t, b.EventTime)
		infos = append(infos, b.Info.ToAccount+":"+b.Info.Action+"/"+b.Info.Reason+"@"+r.Query.Get("OptPlatform"))
	}
	assert.ElementsMatch(t, []string{
		"u1:Login/Register@IOS", "u1:Login/Register@Web", "u2:Login/Register@Android",
		"u2:Disconnect/LinkClose@Android", "u1:Logout/Kicked@RESTAPI",
	}, infos)
	// Per user, the order is kept.
	u1 := []string{}
	for _, s := range infos {
		if s[:2] == "u1" {
			u1 = append(u1, s)
		}
	}
	assert.Equal(t, "u1:Logout/Kicked@RESTAPI", u1[len(u1)-1])
}

func TestSimulateRelogin(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t, timtest.WithCallback("http://127.0.0.1:1/", ""))
	require.NoError(t, srv.ImportAccounts("u"))
	require.NoError(t, srv.SimulateLogin("u", timtest.PlatformWeb))
	require.NoError(t, srv.SimulateLogin("u", timtest.PlatformWeb))
	require.NoError(t, srv.SimulateLogout("u", timtest.PlatformWeb))
	assert.Error(t, srv.SimulateLogout("u", timtest.PlatformWeb))
	require.NoError(t, srv.WaitCallbacks(ctxT(t)))
	cbs := srv.Callbacks("State.StateChange")
	require.Len(t, cbs, 3)
	assert.Contains(t, string(cbs[1].Body), `"KickedDevice":[{"Platform":"Web"}]`)
	assert.NotEmpty(t, cbs[0].Err, "nobody listens on port 1")
	assert.Empty(t, cbs[0].Query.Get("Sign"), "no token, no Sign")
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "doc", Nick: "Dr. Wang"}))

	require.NoError(t, c.Profile.Set(ctx, "doc", profile.Avatar("https://x/y.png"), profile.CustomItem("Title", "Chief"), profile.CustomItem("Years", 12)))
	err := c.Profile.Set(ctx, "ghost", profile.Nick("x"))
	assert.Equal(t, 70107, codeOf(err))

	ps, err := c.Profile.Get(ctx, []string{"doc", "ghost"}, profile.TagNick, profile.TagImage, profile.CustomTag("Title"), profile.CustomTag("Years"), profile.TagGender)
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, "Dr. Wang", ps[0].Nick())
	assert.Equal(t, "https://x/y.png", ps[0].AvatarURL())
	assert.Equal(t, "Chief", ps[0].Values[profile.CustomTag("Title")].String())
	assert.Equal(t, int64(12), ps[0].Values[profile.CustomTag("Years")].Int())
	_, hasGender := ps[0].Values[profile.TagGender]
	assert.False(t, hasGender, "unset tags are left out")
	assert.Equal(t, 70107, ps[1].ResultCode)

	err = c.Do(ctx, ep("profile/portrait_set"), map[string]any{"From_Account": "doc",
		"ProfileItem": []map[string]any{{"Tag": "Nick", "Value": "x"}}}, nil)
	assert.Equal(t, 40008, codeOf(err))
	assert.Equal(t, `"Chief"`, string(srv.Profile("doc")["Tag_Profile_Custom_Title"]))
}

package timtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/relation"
	"github.com/timkit/tim/timtest"
)

// relFixture starts a fake with accounts imported and a relation service.
func relFixture(t *testing.T, users ...string) (*timtest.Server, *tim.Client, *relation.Service) {
	t.Helper()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	if len(users) > 0 {
		res, err := c.Account.ImportMany(ctxT(t), users)
		require.NoError(t, err)
		require.Empty(t, res.Failed)
	}
	return srv, c, c.Relation
}

func src() string { return "AddSource_Type_Test" }

func TestFriendLifecycle(t *testing.T) {
	t.Parallel()
	srv, c, rel := relFixture(t, "doc", "p1", "p2", "p3", "p4", "p5")
	ctx := ctxT(t)
	require.NoError(t, c.Profile.Set(ctx, "p3", profile.Item{Tag: profile.TagAllowType, Value: "AllowType_Type_DenyAny"}))
	require.NoError(t, c.Profile.Set(ctx, "p4", profile.Item{Tag: profile.TagAllowType, Value: "AllowType_Type_NeedConfirm"}))
	require.NoError(t, c.Profile.Set(ctx, "p1", profile.Nick("Li Lei")))

	res, err := rel.AddFriends(ctx, "doc", []relation.AddFriend{
		{UserID: "p1", AddSource: src(), Remark: "李雷", Group: "患者"},
		{UserID: "p2", AddSource: src()},
		{UserID: "p3", AddSource: src()},
		{UserID: "p4", AddSource: src()},
		{UserID: "ghost", AddSource: src()},
		{UserID: "doc", AddSource: src()},
	}, relation.AddOptions{})
	require.NoError(t, err)
	require.Len(t, res, 6)
	codes := map[string]int{}
	for _, r := range res {
		codes[r.UserID] = r.ResultCode
	}
	assert.Equal(t, map[string]int{"p1": 0, "p2": 0, "p3": 30516, "p4": relation.CodePending, "ghost": 30003, "doc": 30001}, codes)
	assert.Equal(t, []string{"p1", "p2"}, srv.Friends("doc"))
	assert.Equal(t, []string{"doc"}, srv.Friends("p1"), "AddType defaults to both ways")

	// Forcing skips the target's setting; adding again reports an existing friend.
	res, err = rel.AddFriends(ctx, "doc", []relation.AddFriend{{UserID: "p3", AddSource: src()}, {UserID: "p1", AddSource: src()}},
		relation.AddOptions{Force: true, Type: relation.AddSingle})
	require.NoError(t, err)
	assert.True(t, res[0].OK())
	assert.Equal(t, 30001, res[1].ResultCode)
	assert.Empty(t, srv.Friends("p3"), "a one-way add leaves the other list alone")

	checks, err := rel.CheckFriends(ctx, "doc", []string{"p1", "p3", "p5"}, relation.CheckBoth)
	require.NoError(t, err)
	assert.Equal(t, relation.RelationBoth, checks[0].Relation)
	assert.Equal(t, relation.RelationAWithB, checks[1].Relation)
	assert.Equal(t, relation.RelationNone, checks[2].Relation)
	checks, err = rel.CheckFriends(ctx, "p3", []string{"doc"}, relation.CheckBoth)
	require.NoError(t, err)
	assert.Equal(t, relation.RelationBWithA, checks[0].Relation)

	res, err = rel.UpdateFriends(ctx, "doc", []relation.FriendUpdate{
		{UserID: "p1", Items: []relation.Item{relation.SetRemark("李雷 复诊"), relation.SetGroups("患者", "VIP"), relation.SetCustom("Level", relation.Int(2))}},
		{UserID: "p5", Items: []relation.Item{relation.SetRemark("x")}},
	})
	require.NoError(t, err)
	assert.True(t, res[0].OK())
	assert.Equal(t, 30001, res[1].ResultCode, "not a friend")

	got, err := rel.GetFriends(ctx, "doc", []string{"p1", "p5"}, []string{"Tag_Profile_IM_Nick", relation.TagRemark, relation.TagGroup, "Tag_SNS_Custom_Level"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "李雷 复诊", got[0].Items.Remark())
	assert.Equal(t, []string{"患者", "VIP"}, got[0].Items.Groups())
	nick, _ := got[0].Items.Get("Tag_Profile_IM_Nick")
	s, _ := nick.Str()
	assert.Equal(t, "Li Lei", s)
	lvl, _ := got[0].Items.Get("Tag_SNS_Custom_Level")
	n, _ := lvl.Int64()
	assert.Equal(t, int64(2), n)
	assert.Equal(t, 30001, got[1].ResultCode)

	res, err = rel.DeleteFriends(ctx, "doc", []string{"p2", "p5"}, relation.DeleteSingle)
	require.NoError(t, err)
	assert.True(t, res[0].OK())
	assert.Equal(t, 31704, res[1].ResultCode)
	assert.Equal(t, []string{"doc"}, srv.Friends("p2"), "a one-way delete keeps the other side")

	require.NoError(t, rel.DeleteAllFriends(ctx, "doc", relation.DeleteBoth))
	assert.Empty(t, srv.Friends("doc"))
	assert.Empty(t, srv.Friends("p1"))

	err = rel.DeleteAllFriends(ctx, "ghost", "")
	assert.Equal(t, 30003, codeOf(err))
}

func TestFriendListPagesAndSequences(t *testing.T) {
	t.Parallel()
	users := []string{"doc"}
	for i := range 250 {
		users = append(users, fmt.Sprintf("p%03d", i))
	}
	srv, _, rel := relFixture(t, users...)
	ctx := ctxT(t)
	var imp []relation.ImportFriend
	for _, u := range users[1:] {
		imp = append(imp, relation.ImportFriend{UserID: u, AddSource: src(), Groups: []string{"all"}, AddTime: time.Unix(1700000000, 0),
			Custom: []relation.Item{relation.SetCustom("Tier", relation.String("gold"))}})
	}
	res, err := rel.ImportFriends(ctx, "doc", imp)
	require.NoError(t, err)
	require.True(t, res.OK())
	assert.Len(t, srv.Requests("sns/friend_import"), 3, "split by 100")
	assert.Empty(t, srv.Friends("p000"), "imports are one-way")

	var got []relation.Friend
	for f, err := range rel.Friends(ctx, "doc") {
		require.NoError(t, err)
		got = append(got, f)
	}
	require.Len(t, got, 250)
	assert.Equal(t, "p249", got[249].UserID)
	assert.Equal(t, []string{"all"}, got[0].Items.Groups())
	assert.Equal(t, time.Unix(1700000000, 0), got[0].Items.AddTime())
	tier, ok := got[0].Items.Get("Tag_SNS_Custom_Tier")
	require.True(t, ok)
	v, _ := tier.Str()
	assert.Equal(t, "gold", v)

	p, err := rel.FriendsPage(ctx, "doc", 0, relation.Sequences{})
	require.NoError(t, err)
	assert.Equal(t, 250, p.Total)
	assert.False(t, p.Done)
	// With the current sequences Tencent leaves the unchanged fields out.
	p2, err := rel.FriendsPage(ctx, "doc", 0, p.Sequences)
	require.NoError(t, err)
	require.Len(t, p2.Friends, 100)
	assert.Empty(t, p2.Friends[0].Items)
}

func TestBlacklistAgainstFake(t *testing.T) {
	t.Parallel()
	srv, _, rel := relFixture(t, "a", "b", "c", "d", "e")
	ctx := ctxT(t)
	_, err := rel.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "b", AddSource: src()}}, relation.AddOptions{})
	require.NoError(t, err)
	res, err := rel.AddToBlacklist(ctx, "a", []string{"b", "c", "d", "ghost"})
	require.NoError(t, err)
	assert.Equal(t, 30003, res[3].ResultCode)
	assert.Empty(t, srv.Friends("a"), "blacklisting ends the friendship")
	assert.Empty(t, srv.Friends("b"))
	_, err = rel.AddToBlacklist(ctx, "c", []string{"a"})
	require.NoError(t, err)

	var got []string
	for b, err := range rel.Blacklist(ctx, "a", 2) {
		require.NoError(t, err)
		got = append(got, b.UserID)
		assert.False(t, b.Since.IsZero())
	}
	assert.Equal(t, []string{"b", "c", "d"}, got)
	p, err := rel.BlacklistPage(ctx, "a", 0, 10, 0)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), p.Sequence, "the fake answers the documented CurruentSequence spelling")
	assert.True(t, p.Done())

	checks, err := rel.CheckBlacklist(ctx, "a", []string{"c", "b", "e"}, relation.BlackCheckBoth)
	require.NoError(t, err)
	assert.Equal(t, relation.BlackBoth, checks[0].Relation)
	assert.Equal(t, relation.BlackAWithB, checks[1].Relation)
	assert.Equal(t, relation.BlackNone, checks[2].Relation)

	add, err := rel.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "d", AddSource: src()}}, relation.AddOptions{})
	require.NoError(t, err)
	assert.Equal(t, 30515, add[0].ResultCode)
	add, err = rel.AddFriends(ctx, "d", []relation.AddFriend{{UserID: "a", AddSource: src()}}, relation.AddOptions{})
	require.NoError(t, err)
	assert.Equal(t, 30525, add[0].ResultCode)

	_, err = rel.RemoveFromBlacklist(ctx, "a", []string{"b", "c", "d"})
	require.NoError(t, err)
	assert.Empty(t, srv.Blacklist("a"))
}

func TestFriendGroupsAgainstFake(t *testing.T) {
	t.Parallel()
	srv, _, rel := relFixture(t, "doc", "p1", "p2", "p3")
	ctx := ctxT(t)
	_, err := rel.AddFriends(ctx, "doc", []relation.AddFriend{{UserID: "p1", AddSource: src()}, {UserID: "p2", AddSource: src()}}, relation.AddOptions{})
	require.NoError(t, err)

	res, err := rel.AddFriendGroups(ctx, "doc", []string{"患者", "VIP"}, []string{"p1", "p3"})
	require.NoError(t, err)
	assert.True(t, res.Results[0].OK())
	assert.Equal(t, 32216, res.Results[1].ResultCode)
	assert.Equal(t, map[string][]string{"患者": {"p1"}, "VIP": {"p1"}}, srv.FriendGroups("doc"))

	_, err = rel.AddFriendGroups(ctx, "doc", []string{"VIP"}, nil)
	assert.Equal(t, 30001, codeOf(err), "the group exists")

	all, err := rel.FriendGroups(ctx, "doc", relation.GroupsOptions{WithFriends: true})
	require.NoError(t, err)
	assert.Equal(t, []relation.FriendGroup{{Name: "患者", Count: 1, Friends: []string{"p1"}}, {Name: "VIP", Count: 1, Friends: []string{"p1"}}}, all.Groups)
	same, err := rel.FriendGroups(ctx, "doc", relation.GroupsOptions{LastSequence: all.Sequence})
	require.NoError(t, err)
	assert.Empty(t, same.Groups, "unchanged since LastSequence")
	one, err := rel.FriendGroups(ctx, "doc", relation.GroupsOptions{Names: []string{"VIP"}})
	require.NoError(t, err)
	assert.Equal(t, []relation.FriendGroup{{Name: "VIP", Count: 1}}, one.Groups)

	seq, err := rel.DeleteFriendGroups(ctx, "doc", []string{"VIP"})
	require.NoError(t, err)
	assert.Greater(t, seq, all.Sequence)
	assert.Equal(t, map[string][]string{"患者": {"p1"}}, srv.FriendGroups("doc"))
	got, err := rel.GetFriends(ctx, "doc", []string{"p1"}, []string{relation.TagGroup})
	require.NoError(t, err)
	assert.Equal(t, []string{"患者"}, got[0].Items.Groups())
}

func TestFollowAgainstFake(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	_, err := c.Account.ImportMany(ctx, []string{"star", "f1", "f2", "f3"})
	require.NoError(t, err)
	rel := c.Relation
	for _, f := range []string{"f1", "f2", "f3"} {
		clk.Advance(time.Second)
		res, err := rel.Follow(ctx, f, []string{"star"})
		require.NoError(t, err)
		require.True(t, res.OK())
	}
	res, err := rel.Follow(ctx, "star", []string{"f2", "star", "ghost"})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 30001, 30003}, []int{res[0].ResultCode, res[1].ResultCode, res[2].ResultCode})

	var fans []string
	for e, err := range rel.FollowList(ctx, "star", relation.Followers, 2) {
		require.NoError(t, err)
		fans = append(fans, e.UserID)
	}
	assert.Equal(t, []string{"f1", "f2", "f3"}, fans)
	var mutual []string
	for e, err := range rel.FollowList(ctx, "star", relation.Mutual, 0) {
		require.NoError(t, err)
		mutual = append(mutual, e.UserID)
	}
	assert.Equal(t, []string{"f2"}, mutual)
	assert.Equal(t, []string{"f2"}, srv.Following("star"))

	checks, err := rel.CheckFollow(ctx, "star", []string{"f1", "f2", "star"})
	require.NoError(t, err)
	assert.Equal(t, relation.FollowedByB, checks[0].Relation)
	assert.Equal(t, relation.FollowBothWays, checks[1].Relation)

	counts, err := rel.FollowCounts(ctx, "star", []string{"star", "f2", "ghost"})
	require.NoError(t, err)
	assert.Equal(t, [3]int64{3, 1, 1}, [3]int64{counts[0].Followers, counts[0].Following, counts[0].Mutual})
	assert.Equal(t, [3]int64{1, 1, 1}, [3]int64{counts[1].Followers, counts[1].Following, counts[1].Mutual})
	assert.Equal(t, 30003, counts[2].ResultCode)

	_, err = rel.Unfollow(ctx, "f2", []string{"star"})
	require.NoError(t, err)
	checks, err = rel.CheckFollow(ctx, "star", []string{"f2"})
	require.NoError(t, err)
	assert.Equal(t, relation.FollowingB, checks[0].Relation)
}

func TestRelationCapsAndErrors(t *testing.T) {
	t.Parallel()
	srv, c, _ := relFixture(t, "a", "b")
	ctx := ctxT(t)
	items := make([]map[string]any, 101)
	for i := range items {
		items[i] = map[string]any{"To_Account": "b", "AddSource": src()}
	}
	var e env
	err := c.Do(ctx, ep("sns/friend_add"), map[string]any{"From_Account": "a", "AddFriendItem": items}, &e)
	assert.Equal(t, 30001, codeOf(err), "more than 100 friends in one call")
	err = c.Do(ctx, ep("sns/friend_check"), map[string]any{"From_Account": "a", "To_Account": []string{"b"}, "CheckType": "x"}, &e)
	assert.Equal(t, 30001, codeOf(err))
	err = c.Do(ctx, ep("sns/friend_get"), map[string]any{"From_Account": "ghost", "StartIndex": 0}, &e)
	assert.Equal(t, 30003, codeOf(err))
	err = c.Do(ctx, ep("sns/friend_add"), `{"From_Account":1}`, &e)
	assert.Error(t, err)
	err = c.Do(ctx, ep("follow/follow_get"), map[string]any{"From_Account": "a", "FollowType": 1, "WantNum": 1001}, &e)
	assert.Equal(t, 30001, codeOf(err))
	for _, p := range []string{"sns/friend_add", "sns/black_list_get", "sns/group_get", "follow/follow_add", "openconfigsvr/getnospeaking"} {
		assert.Contains(t, srv.APIs(), p)
	}
}

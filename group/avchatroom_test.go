package group_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pOnlineNum  = "group_open_http_svc/get_online_member_num"
	pBan        = "group_open_http_svc/ban_group_member"
	pUnban      = "group_open_http_svc/unban_group_member"
	pBanList    = "group_open_http_svc/get_group_ban_member"
	pLiveMember = "group_open_avchatroom_http_svc/get_members"
	pLiveMarks  = "group_open_avchatroom_http_svc/modify_user_info"
	pLiveAdmin  = "group_open_avchatroom_http_svc/modify_admin"
	pLiveAdmins = "group_open_avchatroom_http_svc/get_admin_list"
	pLiveCheck  = "group_open_avchatroom_http_svc/check_members"
)

func TestOnlineMemberCount(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pOnlineNum, func(testkit.Request) any { return testkit.With(map[string]any{"OnlineMemberNum": 1234}) })
	n, err := svc.OnlineMemberCount(context.Background(), "@TGS#aLIVE")
	require.NoError(t, err)
	assert.Equal(t, 1234, n)
	golden(t, srv, pOnlineNum, "get_online_member_num")

	srv.Handle(pOnlineNum, func(testkit.Request) any { return testkit.Fail(10010, "group not found") })
	_, err = svc.OnlineMemberCount(context.Background(), "@TGS#gone")
	require.ErrorIs(t, err, tim.ErrGroupNotFound)
}

func TestBanGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	require.NoError(t, svc.Ban(ctx, "@TGS#aJRGC4MH6", []string{"brennanli3", "brennanli12"}, time.Hour+time.Millisecond, "you are banned because of irregularities"))
	golden(t, srv, pBan, "ban_group_member")
	var req struct {
		Duration uint32 `json:"Duration"`
	}
	srv.Last(pBan).Decode(t, &req)
	assert.Equal(t, uint32(3601), req.Duration, "rounded up to seconds")
	require.NoError(t, svc.Unban(ctx, "@TGS#aJRGC4MH6", []string{"brennanli3"}))
	golden(t, srv, pUnban, "unban_group_member")

	require.NoError(t, svc.Ban(ctx, "@TGS#g", userIDs(45), time.Minute, ""))
	assert.Equal(t, []int{2, 20, 20, 5}, listSizes(t, srv, pBan, "Members_Account"))
	require.NoError(t, svc.Unban(ctx, "@TGS#g", userIDs(21)))
	assert.Equal(t, []int{1, 20, 1}, listSizes(t, srv, pUnban, "Members_Account"))
}

func TestBannedPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pBanList, func(r testkit.Request) any {
		var req struct{ Offset, Limit int }
		r.Decode(t, &req)
		var list []map[string]any
		for i := req.Offset; i < min(req.Offset+req.Limit, 230); i++ {
			list = append(list, map[string]any{"Member_Account": fmt.Sprintf("b%03d", i), "BannedUntil": 1700000000 + i})
		}
		next := req.Offset + len(list)
		if next >= 230 {
			next = 0
		}
		return testkit.With(map[string]any{"BannedAccountList": list, "NextOffset": next})
	})
	var got []group.BannedMember
	for m, err := range svc.Banned(context.Background(), "@TGS#aLIVE") {
		require.NoError(t, err)
		got = append(got, m)
	}
	require.Len(t, got, 230)
	assert.Equal(t, group.BannedMember{UserID: "b229", Until: time.Unix(1700000229, 0)}, got[229])
	calls := srv.Calls(pBanList)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_group_ban_member.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_group_ban_member_page3.json", calls[2].Body)
}

func TestOnlineMembersPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pLiveMember, func(r testkit.Request) any {
		var req struct {
			Timestamp int64 `json:"Timestamp"`
		}
		r.Decode(t, &req)
		switch req.Timestamp {
		case 0:
			return testkit.With(map[string]any{"MemberList": []map[string]any{{"Member_Account": "a", "JoinTime": 1700000000, "Marks": []int{1000}}}, "NextTimestamp": 1700000100})
		case 1700000100:
			return testkit.With(map[string]any{"MemberList": []map[string]any{{"Member_Account": "b", "JoinTime": "1700000200"}}, "NextTimestamp": 0})
		}
		t.Errorf("unexpected Timestamp %d", req.Timestamp)
		return testkit.Fail(10004, "bad timestamp")
	})
	var got []group.OnlineMember
	for m, err := range svc.OnlineMembers(context.Background(), "@TGS#aLIVE") {
		require.NoError(t, err)
		got = append(got, m)
	}
	assert.Equal(t, []group.OnlineMember{
		{UserID: "a", JoinTime: time.Unix(1700000000, 0), Marks: []uint32{1000}},
		{UserID: "b", JoinTime: time.Unix(1700000200, 0)},
	}, got)
	calls := srv.Calls(pLiveMember)
	require.Len(t, calls, 2)
	testkit.AssertGolden(t, "testdata/golden/get_members.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_members_page2.json", calls[1].Body)
}

func TestLiveMarksAndAdminsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	marks := []group.MemberMarks{{UserID: "vip_1", Marks: []uint32{1000, 1001}}, {UserID: "vip_2", Marks: []uint32{1000}}}
	require.NoError(t, svc.SetMarks(ctx, "@TGS#aLIVE", marks))
	golden(t, srv, pLiveMarks, "modify_user_info_set")
	require.NoError(t, svc.DeleteMarks(ctx, "@TGS#aLIVE", marks[1:]))
	golden(t, srv, pLiveMarks, "modify_user_info_delete")

	require.NoError(t, svc.AddLiveAdmins(ctx, "@TGS#aLIVE", []string{"host_1", "host_2"}))
	golden(t, srv, pLiveAdmin, "modify_admin_add")
	require.NoError(t, svc.RemoveLiveAdmins(ctx, "@TGS#aLIVE", []string{"host_2"}))
	golden(t, srv, pLiveAdmin, "modify_admin_remove")

	srv.Handle(pLiveAdmins, func(testkit.Request) any {
		return testkit.With(map[string]any{"Admin_List": []map[string]any{{"Admin_Account": "host_1", "NickName": "Host", "Avatar": "https://a"}, {"Admin_Account": "host_3"}}})
	})
	admins, err := svc.LiveAdmins(ctx, "@TGS#aLIVE")
	require.NoError(t, err)
	golden(t, srv, pLiveAdmins, "get_admin_list")
	assert.Equal(t, []group.LiveAdmin{{UserID: "host_1", Nick: "Host", Avatar: "https://a"}, {UserID: "host_3"}}, admins)

	srv.Handle(pLiveCheck, func(testkit.Request) any {
		return testkit.With(map[string]any{"Member_Account": []string{"viewer_1"}})
	})
	in, err := svc.CheckLiveMembers(ctx, "@TGS#aLIVE", []string{"viewer_1", "viewer_2", "viewer_1"})
	require.NoError(t, err)
	golden(t, srv, pLiveCheck, "check_members")
	assert.Equal(t, map[string]bool{"viewer_1": true, "viewer_2": false}, in)
}

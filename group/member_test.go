package group_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pGetInfo     = "group_open_http_svc/get_group_info"
	pModifyBase  = "group_open_http_svc/modify_group_base_info"
	pDelete      = "group_open_http_svc/delete_group_member"
	pMemberInfo  = "group_open_http_svc/get_group_member_info"
	pChangeOwner = "group_open_http_svc/change_group_owner"
	pForbid      = "group_open_http_svc/forbid_send_msg"
	pJoined      = "group_open_http_svc/get_joined_group_list"
	pAppGroups   = "group_open_http_svc/get_appid_group_list"
)

func TestGetGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGetInfo, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupInfo": []map[string]any{
			{
				"GroupId": "@TGS#1NVTZEAE4", "ErrorCode": 0, "ErrorInfo": "", "Type": "Private", "Name": "王医生(李雷)",
				"Introduction": "i", "Notification": "n", "FaceUrl": "https://f", "Owner_Account": "doctor_1",
				"CreateTime": 1426976500, "InfoSeq": "3", "LastInfoTime": 1426976600, "LastMsgTime": 1426976700,
				"NextMsgSeq": 9, "MemberNum": 2, "MaxMemberNum": 200, "ApplyJoinOption": "FreeAccess", "ShutUpAllMember": "On",
				"AppDefinedData": []map[string]any{{"Key": "tim_consult", "Value": "x"}},
				"MemberList": []map[string]any{
					{"Member_Account": "doctor_1", "Role": "Owner", "JoinTime": 1425976500, "MsgSeq": 1, "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 0, "ShutUpUntil": 0, "NameCard": "王"},
					{"Member_Account": "patient_7", "Role": "Member", "JoinTime": "1425976501", "ShutUpUntil": 1999999999, "AppMemberDefinedData": []map[string]any{{"Key": "k", "Value": "v"}}},
				},
			},
			{"GroupId": "@TGS#gone", "ErrorCode": 10010, "ErrorInfo": "group not found"},
		}})
	})
	infos, err := svc.Get(context.Background(), []string{"@TGS#1NVTZEAE4", "@TGS#gone"}, &group.ResponseFilter{
		GroupBaseInfo:        []string{"Type", "Name", "Introduction", "FaceUrl", "MemberNum", "ShutUpAllMember"},
		MemberInfo:           []string{"Role", "JoinTime", "NameCard"},
		GroupAppDefinedData:  []string{"tim_consult"},
		MemberAppDefinedData: []string{"k"},
	})
	require.NoError(t, err)
	golden(t, srv, pGetInfo, "get_group_info")
	require.Len(t, infos, 2)
	in := infos[0]
	assert.NoError(t, in.Err())
	assert.Equal(t, group.Private, in.Type)
	assert.Equal(t, "doctor_1", in.Owner)
	assert.Equal(t, time.Unix(1426976500, 0), in.CreateTime)
	assert.Equal(t, uint64(3), in.InfoSeq)
	assert.Equal(t, uint64(9), in.NextMsgSeq)
	assert.Equal(t, time.Unix(1426976600, 0), in.LastInfoTime)
	assert.Equal(t, time.Unix(1426976700, 0), in.LastMsgTime)
	assert.Equal(t, 200, in.MaxMemberNum)
	assert.True(t, in.MuteAll)
	v, ok := in.AppData("tim_consult")
	assert.True(t, ok)
	assert.Equal(t, "x", v)
	_, ok = in.AppData("nope")
	assert.False(t, ok)
	require.Len(t, in.Members, 2)
	assert.Equal(t, group.Member{UserID: "doctor_1", Role: group.RoleOwner, JoinTime: time.Unix(1425976500, 0), MsgSeq: 1, MsgFlag: group.AcceptAndNotify, NameCard: "王"}, in.Members[0])
	assert.Equal(t, time.Unix(1999999999, 0), in.Members[1].MutedUntil)
	assert.Equal(t, time.Unix(1425976501, 0), in.Members[1].JoinTime)
	require.ErrorIs(t, infos[1].Err(), tim.ErrGroupNotFound)
}

// Sequence numbers are uint64 and exact above 2^53, as numbers or
// strings; instants that are 0 or absent are the zero time.
func TestGetSeqsAndTimes(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	const huge = uint64(1)<<63 + 5 // beyond int64
	srv.Handle(pGetInfo, func(testkit.Request) any {
		return testkit.With(map[string]any{"GroupInfo": []map[string]any{{
			"GroupId": "g", "InfoSeq": uint64(1)<<53 + 1, "NextMsgSeq": "9007199254740995", "CreateTime": 0, "LastInfoTime": "",
			"MemberList": []map[string]any{{"Member_Account": "u", "MsgSeq": huge, "JoinTime": 1700000000}},
		}}})
	})
	infos, err := svc.Get(context.Background(), []string{"g"}, nil)
	require.NoError(t, err)
	require.Len(t, infos, 1)
	in := infos[0]
	assert.Equal(t, uint64(1)<<53+1, in.InfoSeq)
	assert.Equal(t, uint64(1)<<53+3, in.NextMsgSeq)
	assert.True(t, in.CreateTime.IsZero(), "0 is no time")
	assert.True(t, in.LastInfoTime.IsZero(), `"" is no time`)
	assert.True(t, in.LastMsgTime.IsZero(), "absent is no time")
	require.Len(t, in.Members, 1)
	assert.Equal(t, huge, in.Members[0].MsgSeq)
	assert.Equal(t, time.Unix(1700000000, 0), in.Members[0].JoinTime)
	assert.True(t, in.Members[0].MutedUntil.IsZero())
}

func TestGetSplitsBy50(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGetInfo, func(r testkit.Request) any {
		var req struct {
			GroupIDList []string `json:"GroupIdList"`
		}
		r.Decode(t, &req)
		var out []map[string]any
		for _, id := range req.GroupIDList {
			out = append(out, map[string]any{"GroupId": id, "ErrorCode": 0})
		}
		return testkit.With(map[string]any{"GroupInfo": out})
	})
	ids := make([]string, 120)
	for i := range ids {
		ids[i] = fmt.Sprintf("@TGS#%03d", i)
	}
	infos, err := svc.Get(context.Background(), ids, nil)
	require.NoError(t, err)
	require.Len(t, infos, 120)
	assert.Equal(t, "@TGS#119", infos[119].GroupID)
	calls := srv.Calls(pGetInfo)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_group_info_nofilter.json", calls[2].Body)
}

func TestUpdateGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	err := svc.Update(context.Background(), group.UpdateRequest{
		GroupID: "@TGS#1NVTZEAE4", Name: new("王医生(李雷)"), Introduction: new(""), Notification: new("今日停诊"),
		FaceURL: new("https://img.example.com/a.png"), MaxMemberNum: new(300), ApplyJoinOption: group.DisableApply,
		InviteJoinOption: group.NeedPermission, MuteAll: new(true), HistoryMsgBeforeJoin: new(false),
		AppDefinedData: []group.KV{{Key: "dept", Value: "cardio"}}, Operator: "doctor_1",
	})
	require.NoError(t, err)
	golden(t, srv, pModifyBase, "modify_group_base_info")
	require.NoError(t, svc.Update(context.Background(), group.UpdateRequest{GroupID: "@TGS#1", FaceURL: new("https://f")}))
	golden(t, srv, pModifyBase, "modify_group_base_info_avatar")
}

func TestAddMembersGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pAdd, func(r testkit.Request) any {
		return testkit.With(map[string]any{"MemberList": []map[string]any{
			{"Member_Account": "tommy", "Result": 1}, {"Member_Account": "jared", "Result": 2}, {"Member_Account": "ghost", "Result": 0}, {"Member_Account": "shy", "Result": 3},
		}})
	})
	res, err := svc.AddMembers(context.Background(), "@TGS#2J4SZEAEL", []string{"tommy", "jared", "ghost", "shy", "tommy"}, group.AddOptions{Silence: true})
	require.NoError(t, err)
	golden(t, srv, pAdd, "add_group_member")
	assert.Equal(t, []group.MemberResult{{"tommy", group.Added}, {"jared", group.AlreadyMember}, {"ghost", group.AddFailed}, {"shy", group.PendingAcceptance}}, res)
}

func TestMemberBatchesSplit(t *testing.T) {
	t.Parallel()
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("u%04d", i)
		}
		return out
	}
	count := func(t *testing.T, srv *testkit.Server, path, key string) []int {
		var sizes []int
		for _, c := range srv.Calls(path) {
			var raw map[string]any
			c.Decode(t, &raw)
			list, _ := raw[key].([]any)
			sizes = append(sizes, len(list))
		}
		return sizes
	}
	ctx := context.Background()
	t.Run("add 650", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		_, err := svc.AddMembers(ctx, "@TGS#g", ids(650), group.AddOptions{})
		require.NoError(t, err)
		assert.Equal(t, []int{300, 300, 50}, count(t, srv, pAdd, "MemberList"))
	})
	t.Run("delete 250", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		require.NoError(t, svc.DeleteMembers(ctx, "@TGS#g", ids(250), group.DeleteOptions{}))
		assert.Equal(t, []int{100, 100, 50}, count(t, srv, pDelete, "MemberToDel_Account"))
	})
	t.Run("mute 1200", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		require.NoError(t, svc.Mute(ctx, "@TGS#g", ids(1200), time.Hour))
		assert.Equal(t, []int{500, 500, 200}, count(t, srv, pForbid, "Members_Account"))
	})
	t.Run("add failure names the batch", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		n := 0
		srv.Handle(pAdd, func(r testkit.Request) any {
			if n++; n == 2 {
				return testkit.Fail(10014, "group full")
			}
			return nil
		})
		_, err := svc.AddMembers(ctx, "@TGS#g", ids(400), group.AddOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "members 300..399 of 400")
	})
}

func TestMemberOpsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	require.NoError(t, svc.DeleteMembers(ctx, "@TGS#2J4SZEAEL", []string{"tommy", "jared"}, group.DeleteOptions{Silence: true, Reason: "转诊"}))
	golden(t, srv, pDelete, "delete_group_member")

	require.NoError(t, svc.ModifyMember(ctx, group.ModifyMemberRequest{
		GroupID: "@TGS#2J4SZEAEL", UserID: "nurse_2", Role: group.RoleAdmin, MsgFlag: group.AcceptNotNotify,
		NameCard: new("护士长"), Mute: new(90*time.Second + time.Millisecond), AppMemberDefinedData: []group.KV{{Key: "title", Value: "RN"}},
	}))
	golden(t, srv, pModifyMember, "modify_group_member_info")
	require.NoError(t, svc.ModifyMember(ctx, group.ModifyMemberRequest{GroupID: "@TGS#2J4SZEAEL", UserID: "nurse_2", Mute: new(time.Duration(0))}))
	golden(t, srv, pModifyMember, "modify_group_member_info_unmute")

	require.NoError(t, svc.ChangeOwner(ctx, "@TGS#2J4SZEAEL", "doctor_2"))
	golden(t, srv, pChangeOwner, "change_group_owner")

	require.NoError(t, svc.Mute(ctx, "@TGS#2J4SZEAEL", []string{"tommy"}, group.MuteForever))
	golden(t, srv, pForbid, "forbid_send_msg")
	var req struct {
		MuteTime uint64 `json:"MuteTime"`
	}
	srv.Last(pForbid).Decode(t, &req)
	assert.Equal(t, uint64(math.MaxUint32), req.MuteTime)
	require.NoError(t, svc.Unmute(ctx, "@TGS#2J4SZEAEL", []string{"tommy", "jared"}))
	golden(t, srv, pForbid, "forbid_send_msg_unmute")
}

// 250 members in pages of 100 (Offset paging).
func TestMembersOffsetPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pMemberInfo, func(r testkit.Request) any {
		var req struct {
			Limit  int     `json:"Limit"`
			Offset *int    `json:"Offset"`
			Next   *string `json:"Next"`
		}
		r.Decode(t, &req)
		assert.Nil(t, req.Next)
		require.NotNil(t, req.Offset)
		var list []map[string]any
		for i := *req.Offset; i < min(*req.Offset+req.Limit, 250); i++ {
			list = append(list, map[string]any{"Member_Account": fmt.Sprintf("m%03d", i), "Role": "Member"})
		}
		return testkit.With(map[string]any{"MemberNum": 250, "MemberList": list})
	})
	var got []string
	for m, err := range svc.Members(context.Background(), "@TGS#2J4SZEAEL", group.MemberListOptions{
		MemberInfo: []string{"Role", "NameCard"}, Roles: []group.Role{group.RoleMember}, AppMemberDefinedData: []string{"title"},
	}) {
		require.NoError(t, err)
		got = append(got, m.UserID)
	}
	require.Len(t, got, 250)
	assert.Equal(t, "m249", got[249])
	calls := srv.Calls(pMemberInfo)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_group_member_info.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_group_member_info_page3.json", calls[2].Body)
}

// Communities page with the opaque Next string ("" first and last).
func TestMembersCommunityNextPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pMemberInfo, func(r testkit.Request) any {
		var req struct {
			Offset *int    `json:"Offset"`
			Next   *string `json:"Next"`
		}
		r.Decode(t, &req)
		assert.Nil(t, req.Offset)
		require.NotNil(t, req.Next)
		switch *req.Next {
		case "":
			return testkit.With(map[string]any{"MemberNum": 3, "Next": "c1", "MemberList": []map[string]any{{"Member_Account": "a"}, {"Member_Account": "b"}}})
		case "c1":
			return testkit.With(map[string]any{"MemberNum": 3, "Next": "", "MemberList": []map[string]any{{"Member_Account": "c"}}})
		}
		t.Errorf("unexpected Next %q", *req.Next)
		return testkit.Fail(10004, "bad next")
	})
	var got []string
	for m, err := range svc.Members(context.Background(), "@TGS#_clinic", group.MemberListOptions{PageSize: 2}) {
		require.NoError(t, err)
		got = append(got, m.UserID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got)
	calls := srv.Calls(pMemberInfo)
	require.Len(t, calls, 2)
	testkit.AssertGolden(t, "testdata/golden/get_group_member_info_community.json", calls[1].Body)
}

// 25 groups in pages of 10: three joined-group pages.
func TestJoinedPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pJoined, func(r testkit.Request) any {
		var req struct {
			Limit, Offset int
		}
		r.Decode(t, &req)
		var list []map[string]any
		for i := req.Offset; i < min(req.Offset+req.Limit, 25); i++ {
			list = append(list, map[string]any{"GroupId": fmt.Sprintf("@TGS#%02d", i), "Type": "Private", "Name": fmt.Sprint("g", i),
				"SelfInfo": map[string]any{"Role": "Owner", "JoinTime": 1700000000, "MsgFlag": "AcceptAndNotify", "UnreadMsgNum": i}})
		}
		return testkit.With(map[string]any{"TotalCount": 25, "GroupIdList": list})
	})
	var got []group.JoinedGroup
	for g, err := range svc.Joined(context.Background(), "doctor_1", group.JoinedOptions{
		Type: group.Private, PageSize: 10, WithNoActiveGroups: true, WithHugeGroups: true,
		BaseInfo: []string{"Type", "Name"}, SelfInfo: []string{"Role", "UnreadMsgNum"},
	}) {
		require.NoError(t, err)
		got = append(got, g)
	}
	require.Len(t, got, 25)
	assert.Equal(t, "@TGS#24", got[24].GroupID)
	assert.Equal(t, "g3", got[3].Name)
	assert.Equal(t, group.SelfInfo{Role: group.RoleOwner, JoinTime: time.Unix(1700000000, 0), MsgFlag: group.AcceptAndNotify, UnreadMsgNum: 3}, got[3].Self)
	calls := srv.Calls(pJoined)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_joined_group_list.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_joined_group_list_page3.json", calls[2].Body)

	_, err := svc.JoinedPage(context.Background(), "doctor_1", 0, group.JoinedOptions{})
	require.NoError(t, err)
	golden(t, srv, pJoined, "get_joined_group_list_minimal")
}

// The 64-bit Next cursor survives values above 2^53, as a number or a string.
func TestAppGroupsPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	const big = uint64(1)<<62 + 3 // not representable in float64
	srv.HandleRaw(pAppGroups, func(w http.ResponseWriter, r testkit.Request) {
		var req struct {
			Next uint64 `json:"Next"`
		}
		r.Decode(t, &req)
		switch req.Next {
		case 0:
			fmt.Fprintf(w, `{"ActionStatus":"OK","ErrorCode":0,"TotalCount":5,"GroupIdList":[{"GroupId":"@TGS#a"},{"GroupId":"@TGS#b"}],"Next":%d}`, big)
		case big:
			fmt.Fprintf(w, `{"ActionStatus":"OK","ErrorCode":0,"TotalCount":5,"GroupIdList":[{"GroupId":"@TGS#c"},{"GroupId":12345}],"Next":"%d"}`, big+1)
		case big + 1:
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"TotalCount":5,"GroupIdList":[{"GroupId":"@TGS#e"}],"Next":0}`)
		default:
			t.Errorf("unexpected Next %d", req.Next)
			fmt.Fprint(w, `{"ActionStatus":"FAIL","ErrorCode":10004}`)
		}
	})
	var got []string
	for id, err := range svc.AppGroups(context.Background(), group.AppGroupsOptions{Type: group.Public, PageSize: 2}) {
		require.NoError(t, err)
		got = append(got, id)
	}
	assert.Equal(t, []string{"@TGS#a", "@TGS#b", "@TGS#c", "12345", "@TGS#e"}, got)
	calls := srv.Calls(pAppGroups)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_appid_group_list.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_appid_group_list_page2.json", calls[1].Body)
}

// A server that returns fewer groups than the Limit asked for does not end
// the list early while TotalCount says there are more; without a total a
// short page ends it.
func TestJoinedPageEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		total int
		calls int
		got   int
	}{
		{"total drives", 25, 3, 25},
		{"no total, short page", 0, 1, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			srv.Handle(pJoined, func(r testkit.Request) any {
				var req struct{ Offset int }
				r.Decode(t, &req)
				var list []map[string]any
				for i := req.Offset; i < min(req.Offset+10, 25); i++ { // server caps pages at 10
					list = append(list, map[string]any{"GroupId": fmt.Sprint(i)})
				}
				resp := map[string]any{"GroupIdList": list}
				if tc.total > 0 {
					resp["TotalCount"] = tc.total
				}
				return testkit.With(resp)
			})
			n := 0
			for _, err := range svc.Joined(context.Background(), "u", group.JoinedOptions{PageSize: 50}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, tc.got, n)
			assert.Len(t, srv.Calls(pJoined), tc.calls)
		})
	}
}

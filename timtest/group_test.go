package timtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

func TestCreateGroupRules(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	importUsers(t, c, "doc", "pat", "nurse")

	id := createGroup(t, c, map[string]any{"Owner_Account": "doc", "Type": "Private", "Name": "Doctor(Patient)",
		"MemberList": []map[string]any{{"Member_Account": "pat"}}})
	assert.True(t, strings.HasPrefix(id, "@TGS#"), id)
	g, ok := srv.Group(id)
	require.True(t, ok)
	assert.Equal(t, "doc", g.Owner)
	assert.Equal(t, []timtest.Member{
		{Account: "doc", Role: "Owner", JoinTime: g.CreateTime, MsgFlag: "AcceptAndNotify"},
		{Account: "pat", Role: "Member", JoinTime: g.CreateTime, MsgFlag: "AcceptAndNotify"},
	}, g.Members)
	assert.Equal(t, 200, g.MaxMemberNum)

	custom := createGroup(t, c, map[string]any{"Owner_Account": "doc", "Type": "Public", "GroupId": "consult-1", "Name": "c1"})
	assert.Equal(t, "consult-1", custom)
	community := createGroup(t, c, map[string]any{"Type": "Community", "Name": "all"})
	assert.True(t, strings.HasPrefix(community, "@TGS#_"), community)

	tests := []struct {
		name string
		req  map[string]any
		code int
	}{
		{"id taken by the same owner", map[string]any{"Owner_Account": "doc", "Type": "Public", "GroupId": "consult-1", "Name": "again"}, 10025},
		{"id taken by someone else", map[string]any{"Owner_Account": "pat", "Type": "Public", "GroupId": "consult-1", "Name": "again"}, 10021},
		{"id taken, no owner given", map[string]any{"Type": "Public", "GroupId": "consult-1", "Name": "again"}, 10021},
		{"reserved prefix", map[string]any{"Type": "Public", "GroupId": "@TGS#mine", "Name": "x"}, 10004},
		{"community id prefix", map[string]any{"Type": "Community", "GroupId": "plain", "Name": "x"}, 10004},
		{"id too long", map[string]any{"Type": "Public", "GroupId": strings.Repeat("g", 49), "Name": "x"}, 10004},
		{"bad type", map[string]any{"Type": "Work", "Name": "x"}, 10004},
		{"no name", map[string]any{"Type": "Public"}, 10004},
		{"name too long", map[string]any{"Type": "Public", "Name": strings.Repeat("名", 34)}, 10004},
		{"owner not imported", map[string]any{"Owner_Account": "ghost", "Type": "Public", "Name": "x"}, 10019},
		{"member not imported", map[string]any{"Type": "Public", "Name": "x", "MemberList": []map[string]any{{"Member_Account": "ghost"}}}, 10019},
		{"AVChatRoom with members", map[string]any{"Type": "AVChatRoom", "Name": "live", "MemberList": []map[string]any{{"Member_Account": "pat"}}}, 10007},
		{"role Owner in MemberList", map[string]any{"Type": "Public", "Name": "x", "MemberList": []map[string]any{{"Member_Account": "pat", "Role": "Owner"}}}, 10004},
		{"more than the cap", map[string]any{"Type": "Public", "Name": "x", "MaxMemberCount": 2, "Owner_Account": "doc",
			"MemberList": []map[string]any{{"Member_Account": "pat"}, {"Member_Account": "nurse"}}}, 10014},
	}
	for _, tt := range tests {
		err := c.Do(ctx, ep("group_open_http_svc/create_group"), tt.req, nil)
		assert.Equal(t, tt.code, codeOf(err), "%s: %v", tt.name, err)
	}
	assert.ErrorIs(t, c.Do(ctx, ep("group_open_http_svc/create_group"), tests[0].req, nil), tim.ErrConflict)

	big := make([]map[string]any, 101)
	for i := range big {
		big[i] = map[string]any{"Member_Account": "pat"}
	}
	err := c.Do(ctx, ep("group_open_http_svc/create_group"), map[string]any{"Type": "Public", "Name": "x", "MemberList": big}, nil)
	assert.Equal(t, 10005, codeOf(err))
	assert.Len(t, srv.Groups(), 3)
}

type groupInfo struct {
	GroupID      string `json:"GroupId"`
	ErrorCode    int    `json:"ErrorCode"`
	Type         string `json:"Type"`
	Name         string `json:"Name"`
	Notification string `json:"Notification"`
	FaceURL      string `json:"FaceUrl"`
	MemberNum    int    `json:"MemberNum"`
	NextMsgSeq   uint64 `json:"NextMsgSeq"`
	MaxMemberNum int    `json:"MaxMemberNum"`
	MemberList   []struct {
		MemberAccount string  `json:"Member_Account"`
		Role          *string `json:"Role"`
		NameCard      *string `json:"NameCard"`
	} `json:"MemberList"`
}

func TestGroupInfoMembersAndOwner(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	users := []string{"owner", "u1", "u2", "u3", "u4", "u5"}
	importUsers(t, c, users...)
	id := createGroup(t, c, map[string]any{"Owner_Account": "owner", "Type": "Public", "Name": "g", "Notification": "hi"})

	var add struct {
		env
		MemberList []struct {
			MemberAccount string `json:"Member_Account"`
			Result        int    `json:"Result"`
		} `json:"MemberList"`
	}
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/add_group_member"), map[string]any{"GroupId": id,
		"MemberList": []map[string]any{{"Member_Account": "u1"}, {"Member_Account": "u2"}, {"Member_Account": "owner"}}}, &add))
	require.Len(t, add.MemberList, 3)
	assert.Equal(t, 1, add.MemberList[0].Result)
	assert.Equal(t, 2, add.MemberList[2].Result)
	assert.Equal(t, 10019, codeOf(c.Do(ctx, ep("group_open_http_svc/add_group_member"), map[string]any{"GroupId": id,
		"MemberList": []map[string]any{{"Member_Account": "ghost"}}}, nil)))
	for _, u := range users[3:] {
		require.NoError(t, c.Do(ctx, ep("group_open_http_svc/add_group_member"), map[string]any{"GroupId": id,
			"MemberList": []map[string]any{{"Member_Account": u}}}, nil))
	}

	// get_group_info: full by default, filtered on request, 10010 per missing group.
	var info struct {
		env
		GroupInfo []groupInfo `json:"GroupInfo"`
	}
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_group_info"), map[string]any{"GroupIdList": []string{id, "nope"}}, &info))
	require.Len(t, info.GroupInfo, 2)
	assert.Equal(t, "g", info.GroupInfo[0].Name)
	assert.Equal(t, "hi", info.GroupInfo[0].Notification)
	assert.Equal(t, 6, info.GroupInfo[0].MemberNum)
	assert.Len(t, info.GroupInfo[0].MemberList, 6)
	assert.Equal(t, uint64(1), info.GroupInfo[0].NextMsgSeq)
	assert.Equal(t, 10010, info.GroupInfo[1].ErrorCode)
	info.GroupInfo = nil
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_group_info"), map[string]any{"GroupIdList": []string{id},
		"ResponseFilter": map[string]any{"GroupBaseInfoFilter": []string{"Name"}, "MemberInfoFilter": []string{"Role"}}}, &info))
	assert.Equal(t, "g", info.GroupInfo[0].Name)
	assert.Empty(t, info.GroupInfo[0].Type)
	require.Len(t, info.GroupInfo[0].MemberList, 6)
	assert.NotNil(t, info.GroupInfo[0].MemberList[0].Role)
	assert.Nil(t, info.GroupInfo[0].MemberList[0].NameCard)

	// modify_group_base_info
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/modify_group_base_info"), map[string]any{"GroupId": id,
		"Name": "Dr. Li(Wang)", "FaceUrl": "https://x/f.png", "MaxMemberNum": 50}, nil))
	g, _ := srv.Group(id)
	assert.Equal(t, "Dr. Li(Wang)", g.Name)
	assert.Equal(t, 50, g.MaxMemberNum)
	assert.Equal(t, uint64(2), g.InfoSeq)
	assert.Equal(t, 10004, codeOf(c.Do(ctx, ep("group_open_http_svc/modify_group_base_info"), map[string]any{"GroupId": id, "Name": ""}, nil)))
	assert.Equal(t, 10007, codeOf(c.Do(ctx, ep("group_open_http_svc/modify_group_base_info"), map[string]any{"GroupId": id, "Name": "n", "From_Account": "u1"}, nil)))
	assert.Equal(t, 10010, codeOf(c.Do(ctx, ep("group_open_http_svc/modify_group_base_info"), map[string]any{"GroupId": "nope", "Name": "n"}, nil)))

	// get_group_member_info pages with Limit/Offset.
	var seen []string
	for off := 0; ; off += 4 {
		var m struct {
			env
			MemberNum  int `json:"MemberNum"`
			MemberList []struct {
				MemberAccount string `json:"Member_Account"`
			} `json:"MemberList"`
		}
		require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_group_member_info"), map[string]any{"GroupId": id, "Limit": 4, "Offset": off}, &m))
		assert.Equal(t, 6, m.MemberNum)
		for _, x := range m.MemberList {
			seen = append(seen, x.MemberAccount)
		}
		if len(m.MemberList) < 4 {
			break
		}
	}
	assert.Equal(t, users, seen)

	// modify_group_member_info, change_group_owner, delete_group_member.
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/modify_group_member_info"), map[string]any{"GroupId": id,
		"Member_Account": "u1", "Role": "Admin", "NameCard": "Nurse Z"}, nil))
	assert.Equal(t, 10007, codeOf(c.Do(ctx, ep("group_open_http_svc/modify_group_member_info"), map[string]any{"GroupId": id,
		"Member_Account": "ghost", "Role": "Admin"}, nil)))
	assert.Equal(t, 10004, codeOf(c.Do(ctx, ep("group_open_http_svc/modify_group_member_info"), map[string]any{"GroupId": id,
		"Member_Account": "owner", "Role": "Member"}, nil)))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/change_group_owner"), map[string]any{"GroupId": id, "NewOwner_Account": "u2"}, nil))
	assert.Equal(t, 10007, codeOf(c.Do(ctx, ep("group_open_http_svc/change_group_owner"), map[string]any{"GroupId": id, "NewOwner_Account": "administrator"}, nil)))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/delete_group_member"), map[string]any{"GroupId": id,
		"MemberToDel_Account": []string{"u5", "ghost"}}, nil))
	assert.Equal(t, 10004, codeOf(c.Do(ctx, ep("group_open_http_svc/delete_group_member"), map[string]any{"GroupId": id,
		"MemberToDel_Account": []string{"u2"}}, nil)), "the owner cannot be deleted")
	g, _ = srv.Group(id)
	assert.Equal(t, "u2", g.Owner)
	roles := map[string]string{}
	for _, m := range g.Members {
		roles[m.Account] = m.Role + "/" + m.NameCard
	}
	assert.Equal(t, map[string]string{"owner": "Member/", "u1": "Admin/Nurse Z", "u2": "Owner/", "u3": "Member/", "u4": "Member/"}, roles)

	// destroy_group, then 10010 everywhere.
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/destroy_group"), map[string]any{"GroupId": id}, nil))
	assert.Equal(t, 10010, codeOf(c.Do(ctx, ep("group_open_http_svc/destroy_group"), map[string]any{"GroupId": id}, nil)))
	err := c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: id, Random: 1, MsgBody: text("x")}, nil)
	assert.Equal(t, 10010, codeOf(err))
	assert.ErrorIs(t, err, tim.ErrGroupNotFound)
}

func TestJoinedAndAppGroupLists(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	importUsers(t, c, "u", "v")
	var ids []string
	for i := range 5 {
		typ := "Public"
		if i == 4 {
			typ = "Private"
		}
		ids = append(ids, createGroup(t, c, map[string]any{"Owner_Account": "u", "Type": typ, "Name": fmt.Sprint("g", i)}))
	}
	live := createGroup(t, c, map[string]any{"Owner_Account": "u", "Type": "AVChatRoom", "Name": "live"})
	createGroup(t, c, map[string]any{"Owner_Account": "v", "Type": "Public", "Name": "other"})

	type joined struct {
		env
		TotalCount  int `json:"TotalCount"`
		GroupIDList []struct {
			GroupID  string `json:"GroupId"`
			Name     string `json:"Name"`
			SelfInfo *struct {
				Role string `json:"Role"`
			} `json:"SelfInfo"`
		} `json:"GroupIdList"`
	}
	var got []string
	for off := 0; off < 10; off += 2 {
		var j joined
		require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_joined_group_list"), map[string]any{"Member_Account": "u", "Limit": 2, "Offset": off,
			"ResponseFilter": map[string]any{"GroupBaseInfoFilter": []string{"Name"}, "SelfInfoFilter": []string{"Role"}}}, &j))
		assert.Equal(t, 5, j.TotalCount, "AVChatRoom left out without WithHugeGroups")
		for _, g := range j.GroupIDList {
			got = append(got, g.GroupID)
			require.NotNil(t, g.SelfInfo)
			assert.Equal(t, "Owner", g.SelfInfo.Role)
			assert.NotEmpty(t, g.Name)
		}
	}
	assert.Equal(t, ids, got)
	var j joined
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_joined_group_list"), map[string]any{"Member_Account": "u", "WithHugeGroups": 1, "GroupType": "AVChatRoom"}, &j))
	require.Equal(t, 1, j.TotalCount)
	assert.Equal(t, live, j.GroupIDList[0].GroupID)

	// get_appid_group_list: uint64 cursor beyond 32 bits.
	var all []string
	var next uint64
	for page := 0; page < 10; page++ {
		var r struct {
			env
			TotalCount  int `json:"TotalCount"`
			GroupIDList []struct {
				GroupID string `json:"GroupId"`
			} `json:"GroupIdList"`
			Next uint64 `json:"Next"`
		}
		require.NoError(t, c.Do(ctx, ep("group_open_http_svc/get_appid_group_list"), map[string]any{"Limit": 3, "Next": next}, &r))
		assert.Equal(t, 7, r.TotalCount)
		for _, g := range r.GroupIDList {
			all = append(all, g.GroupID)
		}
		if r.Next == 0 {
			break
		}
		assert.Greater(t, r.Next, uint64(1<<32))
		next = r.Next
	}
	assert.Len(t, all, 7)
	assert.Equal(t, ids, all[:5])
}

func TestSendGroupMsg(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	importUsers(t, c, "doc", "pat", "outsider")
	id := createGroup(t, c, map[string]any{"Owner_Account": "doc", "Type": "Private", "Name": "consult",
		"MemberList": []map[string]any{{"Member_Account": "pat"}}})

	sendG := func(req groupSendReq) (groupSendResp, error) {
		var r groupSendResp
		err := c.Do(ctx, ep("group_open_http_svc/send_group_msg"), req, &r)
		return r, err
	}
	r1, err := sendG(groupSendReq{GroupID: id, FromAccount: "doc", Random: 1, MsgBody: text("hello")})
	require.NoError(t, err)
	assert.Equal(t, uint64(1), r1.MsgSeq)
	assert.Equal(t, int64(1700000000), r1.MsgTime)
	r2, err := sendG(groupSendReq{GroupID: id, FromAccount: "pat", Random: 2, MsgBody: text("hi doctor")})
	require.NoError(t, err)
	assert.Equal(t, uint64(2), r2.MsgSeq)

	// Admin as the group: no membership needed.
	r3, err := sendG(groupSendReq{GroupID: id, Random: 3, MsgBody: text("system")})
	require.NoError(t, err)
	assert.Equal(t, uint64(3), r3.MsgSeq)
	_, err = sendG(groupSendReq{GroupID: id, FromAccount: "outsider", Random: 4, MsgBody: text("x")})
	assert.Equal(t, 10007, codeOf(err))
	_, err = sendG(groupSendReq{GroupID: id, FromAccount: "ghost", Random: 4, MsgBody: text("x")})
	assert.Equal(t, 10019, codeOf(err))

	// Dedup: same Random and content within 5 minutes → the original MsgSeq.
	clk.Advance(4 * time.Minute)
	dup, err := sendG(groupSendReq{GroupID: id, FromAccount: "doc", Random: 1, MsgBody: text("hello")})
	require.NoError(t, err)
	assert.Equal(t, r1.MsgSeq, dup.MsgSeq)
	assert.Equal(t, r1.MsgTime, dup.MsgTime)
	assert.Len(t, srv.GroupMessages(id), 3)
	clk.Advance(2 * time.Minute)
	fresh, err := sendG(groupSendReq{GroupID: id, FromAccount: "doc", Random: 1, MsgBody: text("hello")})
	require.NoError(t, err)
	assert.Equal(t, uint64(4), fresh.MsgSeq)

	// Muting.
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/forbid_send_msg"), map[string]any{"GroupId": id, "Members_Account": []string{"pat"}, "MuteTime": 60}, nil))
	_, err = sendG(groupSendReq{GroupID: id, FromAccount: "pat", Random: 9, MsgBody: text("muted?")})
	assert.Equal(t, 10017, codeOf(err))
	clk.Advance(61 * time.Second)
	_, err = sendG(groupSendReq{GroupID: id, FromAccount: "pat", Random: 9, MsgBody: text("free again")})
	require.NoError(t, err)

	// Recall and group_msg_get_simple.
	var rec struct {
		env
		RecallRetList []struct {
			MsgSeq  uint64 `json:"MsgSeq"`
			RetCode int    `json:"RetCode"`
		} `json:"RecallRetList"`
	}
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/group_msg_recall"), map[string]any{"GroupId": id,
		"MsgSeqList": []map[string]any{{"MsgSeq": 2}, {"MsgSeq": 99}}}, &rec))
	require.Len(t, rec.RecallRetList, 2)
	assert.Equal(t, 0, rec.RecallRetList[0].RetCode)
	assert.NotZero(t, rec.RecallRetList[1].RetCode)
	assert.True(t, srv.GroupMessages(id)[1].Recalled)

	type simple struct {
		env
		IsFinished int `json:"IsFinished"`
		RspMsgList []struct {
			FromAccount string           `json:"From_Account"`
			MsgSeq      uint64           `json:"MsgSeq"`
			IsPlaceMsg  int              `json:"IsPlaceMsg"`
			MsgBody     []map[string]any `json:"MsgBody"`
		} `json:"RspMsgList"`
	}
	var sm simple
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/group_msg_get_simple"), map[string]any{"GroupId": id, "ReqMsgNumber": 2}, &sm))
	require.Len(t, sm.RspMsgList, 2)
	assert.Equal(t, []uint64{5, 4}, []uint64{sm.RspMsgList[0].MsgSeq, sm.RspMsgList[1].MsgSeq})
	assert.Equal(t, 0, sm.IsFinished)
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/group_msg_get_simple"), map[string]any{"GroupId": id, "ReqMsgNumber": 20, "ReqMsgSeq": 3}, &sm))
	assert.Equal(t, 1, sm.IsFinished)
	require.Len(t, sm.RspMsgList, 2, "the recalled seq 2 is left out")
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/group_msg_get_simple"), map[string]any{"GroupId": id, "ReqMsgNumber": 20, "ReqMsgSeq": 3, "WithRecalledMsg": 1}, &sm))
	require.Len(t, sm.RspMsgList, 3)
	assert.Equal(t, 1, sm.RspMsgList[1].IsPlaceMsg)
	assert.Equal(t, 10004, codeOf(c.Do(ctx, ep("group_open_http_svc/group_msg_get_simple"), map[string]any{"GroupId": id, "ReqMsgNumber": 21}, nil)))

	// System notification: no seq, not in history.
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_system_notification"), map[string]any{"GroupId": id, "Content": "closing soon"}, nil))
	ns := srv.SystemNotifications(id)
	require.Len(t, ns, 1)
	assert.Equal(t, []string{"doc", "pat"}, ns[0].To)
	assert.Len(t, srv.GroupMessages(id), 5)

	// Every member's conversation list has the group.
	for _, u := range []string{"doc", "pat"} {
		convs := srv.Conversations(u)
		require.Len(t, convs, 1, u)
		assert.Equal(t, timtest.ConvGroup, convs[0].Type)
		assert.Equal(t, id, convs[0].Peer)
	}
	assert.Empty(t, srv.Conversations("outsider"))
}

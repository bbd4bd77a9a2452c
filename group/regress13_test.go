package group_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

// Issue 13 defect 1: Tencent sends a member's mute end as "MuteUntil"
// (获取群成员详细资料_intl_en.md, 获取群组详细资料_intl_en.md); reading
// only "ShutUpUntil" left every member's MutedUntil zero.
func TestGroupMemberMuteTimeIsNotAlwaysZero(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	member := map[string]any{"Member_Account": "bob", "Role": "Member", "JoinTime": 1425976500, "MsgSeq": 1233,
		"MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1425976500, "MuteUntil": 1431069882}
	srv.Handle("group_open_http_svc/get_group_member_info", func(testkit.Request) any {
		return testkit.With(map[string]any{"MemberNum": 1, "MemberList": []any{member}})
	})
	srv.Handle("group_open_http_svc/get_group_info", func(testkit.Request) any {
		return testkit.With(map[string]any{"GroupInfo": []any{map[string]any{"GroupId": "@TGS#1", "ErrorCode": 0, "MemberList": []any{member}}}})
	})
	srv.Handle("group_open_http_svc/get_specified_group_member_info", func(testkit.Request) any {
		return testkit.With(map[string]any{"MemberList": []any{member}})
	})
	want := time.Unix(1431069882, 0)
	ctx := context.Background()

	page, err := svc.MembersPage(ctx, "@TGS#1", group.MemberCursor{}, group.MemberListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Members, 1)
	assert.True(t, want.Equal(page.Members[0].MutedUntil), "get_group_member_info: %v", page.Members[0].MutedUntil)

	infos, err := svc.Get(ctx, []string{"@TGS#1"}, nil)
	require.NoError(t, err)
	require.Len(t, infos, 1)
	require.Len(t, infos[0].Members, 1)
	assert.True(t, want.Equal(infos[0].Members[0].MutedUntil), "get_group_info: %v", infos[0].Members[0].MutedUntil)

	ms, err := svc.MembersByID(ctx, "@TGS#1", []string{"bob"}, group.MemberFilter{})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.True(t, want.Equal(ms[0].MutedUntil), "get_specified_group_member_info: %v", ms[0].MutedUntil)
}

// Issue 13 defect 2: the last page of get_group_msg_receipt_detail carries
// "IsFinish":1,"Cursor":"0" (拉取群消息已读回执详情_intl_en.md); the
// iterator must stop there, yielding each reader once.
func TestReceiptDetailPagingEndsOnIsFinish(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_http_svc/get_group_msg_receipt_detail", func(r testkit.Request) any {
		var req struct{ Cursor string }
		r.Decode(t, &req)
		if req.Cursor == "" {
			return testkit.With(map[string]any{"IsFinish": 0, "Cursor": "144115213529088617", "MsgSeq": 1,
				"UnreadList": []any{map[string]any{"Unread_Account": "test"}}})
		}
		return testkit.With(map[string]any{"IsFinish": 1, "Cursor": "0", "MsgSeq": 1,
			"UnreadList": []any{map[string]any{"Unread_Account": "test2"}}})
	})
	var got []string
	for id, err := range svc.ReceiptDetail(context.Background(), group.ReceiptDetailRequest{GroupID: "@TGS#2TTV7VSII", MsgSeq: 1, Filter: group.UnreadMembers}) {
		require.NoError(t, err)
		got = append(got, id)
	}
	assert.Equal(t, []string{"test", "test2"}, got)
	assert.Len(t, srv.Calls("group_open_http_svc/get_group_msg_receipt_detail"), 2)
}

// Issue 13 defect 4: a Community group with topics can be imported
// (导入群基础资料_intl_en.md sends "SupportTopic": 1).
func TestImportGroupCanImportCommunityWithTopics(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_http_svc/import_group", func(testkit.Request) any {
		return testkit.With(map[string]any{"GroupId": "@TGS#_@TGS#cQVLVHIM62CJ"})
	})
	id, err := svc.Import(context.Background(), group.ImportRequest{Type: group.Community, Name: "TestCommunity", SupportTopic: true})
	require.NoError(t, err)
	assert.Equal(t, "@TGS#_@TGS#cQVLVHIM62CJ", id)
	var body map[string]any
	srv.Last("group_open_http_svc/import_group").Decode(t, &body)
	assert.EqualValues(t, 1, body["SupportTopic"])

	_, err = svc.Import(context.Background(), group.ImportRequest{Type: group.Public, Name: "x", SupportTopic: true})
	require.Error(t, err, "only a Community group supports topics")
}

// Issue 13 defect 9: AVChatRoom online members keep the NickName and
// Avatar Tencent sends (获取直播群在线成员列表_intl_en.md).
func TestAVChatRoomMembersKeepNickAndAvatar(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_avchatroom_http_svc/get_members", func(testkit.Request) any {
		return testkit.With(map[string]any{"NextTimestamp": 0, "MemberList": []any{map[string]any{"Member_Account": "teacher2",
			"JoinTime": 1657773110, "NickName": "Teacher t02", "Avatar": "http://www.example.com/teacher2.jpg"}}})
	})
	page, err := svc.OnlineMembersPage(context.Background(), "@TGS#aXXX", 0)
	require.NoError(t, err)
	require.Len(t, page.Members, 1)
	assert.Equal(t, "Teacher t02", page.Members[0].Nick)
	assert.Equal(t, "http://www.example.com/teacher2.jpg", page.Members[0].Avatar)
}

// Issue 13 defect 9: joined topic-enabled Communities keep SupportTopic,
// GrossTopicNextMsgSeq and the user's GrossTopicReadSeq, and the request
// can ask for them (获取用户所加入的群组_intl_en.md).
func TestJoinedGroupsKeepTopicSequences(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_http_svc/get_joined_group_list", func(testkit.Request) any {
		return testkit.With(map[string]any{"TotalCount": 1, "GroupIdList": []any{map[string]any{"GroupId": "@TGS#_@TGS#cMOQ7HIM62CD",
			"Type": "Community", "SupportTopic": 1, "GrossTopicNextMsgSeq": 3, "SelfInfo": map[string]any{"GrossTopicReadSeq": 2}}}})
	})
	page, err := svc.JoinedPage(context.Background(), "leckie", 0, group.JoinedOptions{Type: group.Community, SupportTopic: true})
	require.NoError(t, err)
	require.Len(t, page.Groups, 1)
	g := page.Groups[0]
	assert.True(t, g.SupportTopic)
	assert.EqualValues(t, 3, g.GrossTopicNextMsgSeq)
	assert.EqualValues(t, 2, g.Self.GrossTopicReadSeq)
	var body map[string]any
	srv.Last("group_open_http_svc/get_joined_group_list").Decode(t, &body)
	assert.EqualValues(t, 1, body["SupportTopic"])
}

package timtest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/group"
	"github.com/timkit/tim/timtest"
)

// The fake keeps the permission groups of a Community: modify changes the
// fields given, destroy answers per id, and other group types are refused.
func TestPermissionGroupsOfACommunity(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o")
	public := createGroup(t, c, obj{"Type": "Public", "Name": "p", "Owner_Account": "o"})
	require.Error(t, srv.AddPermissionGroup(public, "@PMG#_x", "x", 1))
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "Owner_Account": "o"})
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "doctors", 1))
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_nurses", "nurses", 0))
	require.Error(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "again", 0), "ids are unique")
	require.Error(t, srv.AddPermissionGroup(gid, "@PMG#_long", strings.Repeat("x", 151), 0))

	assert.Equal(t, 10007, callCode(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": public, "PermissionGroupId": "@PMG#_x", "Permission": 1}))
	assert.Equal(t, 10010, callCode(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": gid, "PermissionGroupId": "@PMG#_nope", "Permission": 1}))
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors",
		"CustomString": strings.Repeat("x", 3001)}))
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors",
		"Permission": "1"}), "Permission is a number")
	call(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors",
		"PermissionGroupName": "医生", "Permission": uint64(1) << 40, "CustomString": "c"})
	p, ok := srv.PermissionGroup(gid, "@PMG#_doctors")
	require.True(t, ok)
	assert.Equal(t, timtest.PermissionGroup{ID: "@PMG#_doctors", Name: "医生", CustomString: "c", Permission: 1 << 40,
		Topics: map[string]uint64{}}, p)
	call(t, c, "group_open_http_svc/modify_permission_group", obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "Permission": 0})
	p, _ = srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.Equal(t, "医生", p.Name, "absent fields are kept")
	assert.Zero(t, p.Permission)

	ids := make([]string, 21)
	for i := range ids {
		ids[i] = "@PMG#_doctors"
	}
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/destroy_permission_group", obj{"GroupId": gid, "PermissionGroupIdList": ids}))
	res := list(t, call(t, c, "group_open_http_svc/destroy_permission_group", obj{"GroupId": gid,
		"PermissionGroupIdList": []string{"@PMG#_doctors", "@PMG#_nope"}}), "PermissionGroupResultList")
	require.Len(t, res, 2)
	assert.Equal(t, obj{"ErrorCode": float64(0), "ErrorInfo": "", "PermissionGroupId": "@PMG#_doctors"}, res[0])
	assert.Equal(t, float64(10010), res[1]["ErrorCode"])
	_, ok = srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.False(t, ok)
	_, ok = srv.PermissionGroup(gid, "@PMG#_nurses")
	assert.True(t, ok)
}

// The typed methods against the fake.
func TestPermissionGroupsThroughTheSDK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o")
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "Owner_Account": "o"})
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "doctors", 0))

	require.NoError(t, c.Group.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: gid, PermissionGroupID: "@PMG#_doctors",
		Permission: new(group.CanManageTopics | group.CanSendMessages)}))
	p, _ := srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.Equal(t, uint64(group.CanManageTopics|group.CanSendMessages), p.Permission)

	res, err := c.Group.DestroyPermissionGroups(ctx, gid, []string{"@PMG#_doctors", "@PMG#_nope"})
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.NoError(t, res[0].Err())
	require.Error(t, res[1].Err())
}

// Topic permissions live in a permission group: added for existing topics
// only, read all or by id, and gone with their topic.
func TestTopicPermissionsOfAPermissionGroup(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o")
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "SupportTopic": 1, "Owner_Account": "o"})
	news := gid + "@TOPIC#_news"
	call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicId": news, "TopicName": "News"})
	chat := gid + "@TOPIC#_chat"
	call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicId": chat, "TopicName": "Chat"})
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "doctors", 0))

	const add, get = "group_open_http_svc/add_topic_permission_group", "group_open_http_svc/get_topic_permission_group"
	assert.Equal(t, 10010, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_nope",
		"TopicPermissionList": []obj{{"TopicId": news, "Permission": 8}}}))
	assert.Equal(t, 10004, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "TopicPermissionList": []obj{}}))
	assert.Equal(t, 10004, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors",
		"TopicPermissionList": []obj{{"TopicId": news}}}), "Permission is required")
	many := make([]obj, 51)
	for i := range many {
		many[i] = obj{"TopicId": news, "Permission": 8}
	}
	assert.Equal(t, 10004, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "TopicPermissionList": many}))

	res := list(t, call(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "TopicPermissionList": []obj{
		{"TopicId": news, "Permission": 8}, {"TopicId": gid + "@TOPIC#_nope", "Permission": 8}, {"TopicId": chat, "Permission": 72}}}),
		"TopicPermissionResultList")
	require.Len(t, res, 3)
	assert.Equal(t, obj{"ErrorCode": float64(0), "ErrorInfo": "", "TopicId": news}, res[0])
	assert.Equal(t, float64(10010), res[1]["ErrorCode"])
	p, _ := srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.Equal(t, map[string]uint64{news: 8, chat: 72}, p.Topics)

	all := list(t, call(t, c, get, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors"}), "TopicPermissionResultList")
	assert.Equal(t, []obj{
		{"ErrorCode": float64(0), "ErrorInfo": "", "TopicId": news, "Permission": float64(8)},
		{"ErrorCode": float64(0), "ErrorInfo": "", "TopicId": chat, "Permission": float64(72)},
	}, all)
	some := list(t, call(t, c, get, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "TopicIdList": []string{chat, gid + "@TOPIC#_nope"}}),
		"TopicPermissionResultList")
	require.Len(t, some, 2)
	assert.Equal(t, float64(72), some[0]["Permission"])
	assert.Equal(t, float64(10010), some[1]["ErrorCode"])

	call(t, c, "million_group_open_http_svc/destroy_topic", obj{"GroupId": gid, "TopicIdList": []string{news}})
	p, _ = srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.Equal(t, map[string]uint64{chat: 72}, p.Topics, "a destroyed topic leaves the permission groups")
}

func TestTopicPermissionsThroughTheSDK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o")
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "SupportTopic": 1, "Owner_Account": "o"})
	news := group.TopicID(gid, "news")
	_, err := c.Group.CreateTopic(ctx, group.TopicRequest{GroupID: gid, TopicID: news, Name: "News"})
	require.NoError(t, err)
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "doctors", 0))

	res, err := c.Group.AddTopicPermissions(ctx, gid, "@PMG#_doctors", []group.TopicGrant{{TopicID: news, Permission: group.TopicCanSend | group.TopicCanMute}})
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NoError(t, res[0].Err())
	got, err := c.Group.TopicPermissions(ctx, gid, "@PMG#_doctors", nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, news, got[0].TopicID)
	assert.Equal(t, group.TopicCanSend|group.TopicCanMute, got[0].Permission)
}

// Members of the community join a permission group once; others are
// refused per user.
func TestPermissionGroupMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o", "tommy", "jared", "outsider")
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "Owner_Account": "o",
		"MemberList": []obj{{"Member_Account": "tommy"}, {"Member_Account": "jared"}}})
	require.NoError(t, srv.AddPermissionGroup(gid, "@PMG#_doctors", "doctors", 0))

	const add = "group_open_http_svc/add_permission_group_member"
	assert.Equal(t, 10010, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_nope", "MemberList": []obj{{"Member_Account": "tommy"}}}))
	assert.Equal(t, 10004, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "MemberList": []obj{}}))
	many := make([]obj, 101)
	for i := range many {
		many[i] = obj{"Member_Account": "tommy"}
	}
	assert.Equal(t, 10004, callCode(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors", "MemberList": many}))

	res := list(t, call(t, c, add, obj{"GroupId": gid, "PermissionGroupId": "@PMG#_doctors",
		"MemberList": []obj{{"Member_Account": "tommy"}, {"Member_Account": "outsider"}}}), "MemberList")
	assert.Equal(t, []obj{{"Member_Account": "tommy", "Result": float64(0)}, {"Member_Account": "outsider", "Result": float64(10007)}}, res)

	got, err := c.Group.AddPermissionGroupMembers(ctx, gid, "@PMG#_doctors", []string{"tommy", "jared"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.True(t, got[0].AlreadyMember())
	assert.True(t, got[1].Added())
	p, _ := srv.PermissionGroup(gid, "@PMG#_doctors")
	assert.Equal(t, []string{"tommy", "jared"}, p.Members)
}

package group_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pModifyPermGroup  = "group_open_http_svc/modify_permission_group"
	pDestroyPermGroup = "group_open_http_svc/destroy_permission_group"
)

// The bits are Tencent's V2TIMCommunityPermissionValue and
// V2TIMTopicPermissionValue (1, 2, 4, … in the documented order).
func TestPermissionBits(t *testing.T) {
	t.Parallel()
	community := []group.CommunityPermission{group.CanManageGroupInfo, group.CanManageMembers, group.CanManagePermissionGroups,
		group.CanManagePermissionGroupMembers, group.CanManageTopics, group.CanMuteMembers, group.CanSendMessages, group.CanAtAll,
		group.CanReadHistory, group.CanRecallOthers, group.CanBanMembers}
	for i, p := range community {
		assert.Equal(t, group.CommunityPermission(1)<<i, p, "community bit %d", i)
	}
	assert.Equal(t, group.CommunityPermission(1024), group.CanBanMembers)
	topic := []group.TopicPermission{group.TopicCanManage, group.TopicCanManagePermissions, group.TopicCanMute, group.TopicCanSend,
		group.TopicCanReadHistory, group.TopicCanRecallOthers, group.TopicCanAtAll}
	for i, p := range topic {
		assert.Equal(t, group.TopicPermission(1)<<i, p, "topic bit %d", i)
	}
	assert.Equal(t, group.TopicPermission(64), group.TopicCanAtAll)

	// The feature page's example: 5 (binary 101) = modify the profile and
	// manage permission groups.
	five := group.CommunityPermission(5)
	assert.True(t, five.Has(group.CanManageGroupInfo|group.CanManagePermissionGroups))
	assert.False(t, five.Has(group.CanManageMembers))
	assert.True(t, group.TopicPermission(8).Has(group.TopicCanSend))
	assert.False(t, group.TopicPermission(8).Has(group.TopicCanSend|group.TopicCanAtAll))
}

func TestUpdatePermissionGroupGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	require.NoError(t, svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{
		GroupID: community, PermissionGroupID: "@PMG#_doctors", Name: new("医生"),
		Permission: new(group.CanManageTopics | group.CanSendMessages), CustomString: new(`{"dept":"cardio"}`),
	}))
	golden(t, srv, pModifyPermGroup, "modify_permission_group")

	// Permission 0 is sent (it withdraws every permission); absent fields
	// are not.
	require.NoError(t, svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{
		GroupID: community, PermissionGroupID: "@PMG#_doctors", Permission: new(group.CommunityPermission(0)),
	}))
	golden(t, srv, pModifyPermGroup, "modify_permission_group_zero")

	srv.Handle(pModifyPermGroup, func(testkit.Request) any { return testkit.Fail(10010, "group not found") })
	err := svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "@PMG#_x", Name: new("x")})
	require.ErrorIs(t, err, tim.ErrGroupNotFound)
}

func TestDestroyPermissionGroupsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle(pDestroyPermGroup, func(testkit.Request) any {
		return testkit.With(map[string]any{"PermissionGroupResultList": []map[string]any{
			{"PermissionGroupId": "@PMG#_@PMG#cM2", "ErrorCode": 0, "ErrorInfo": ""},
			{"PermissionGroupId": "@PMG#_gone", "ErrorCode": 10007, "ErrorInfo": "no permission"},
		}})
	})
	res, err := svc.DestroyPermissionGroups(ctx, community, []string{"@PMG#_@PMG#cM2", "@PMG#_gone", "@PMG#_@PMG#cM2"})
	require.NoError(t, err)
	golden(t, srv, pDestroyPermGroup, "destroy_permission_group")
	require.Len(t, res, 2)
	assert.Equal(t, group.PermissionGroupResult{PermissionGroupID: "@PMG#_@PMG#cM2"}, res[0])
	require.NoError(t, res[0].Err())
	require.ErrorIs(t, res[1].Err(), tim.ErrPermission)
	var ae *api.Error
	require.ErrorAs(t, res[1].Err(), &ae)
	assert.Equal(t, pDestroyPermGroup, ae.Op)
}

// More than 20 ids are sent in calls of 20; a failed call names its batch
// and keeps the results so far.
func TestDestroyPermissionGroupsBatches(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	calls := 0
	srv.Handle(pDestroyPermGroup, func(r testkit.Request) any {
		calls++
		if calls == 3 {
			return testkit.Fail(10002, "internal error")
		}
		var req struct {
			PermissionGroupIDList []string `json:"PermissionGroupIdList"`
		}
		r.Decode(t, &req)
		var items []map[string]any
		for _, id := range req.PermissionGroupIDList {
			items = append(items, map[string]any{"PermissionGroupId": id, "ErrorCode": 0})
		}
		return testkit.With(map[string]any{"PermissionGroupResultList": items})
	})
	var ids []string
	for i := range 45 {
		ids = append(ids, fmt.Sprintf("@PMG#_p%d", i))
	}
	res, err := svc.DestroyPermissionGroups(context.Background(), community, ids)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "permission groups 40..44 of 45")
	assert.Len(t, res, 40)
	assert.Equal(t, 3, calls)
	for _, c := range srv.Calls(pDestroyPermGroup)[:2] {
		assert.Contains(t, string(c.Body), `"@PMG#_p`)
	}
}

func TestPermissionGroupValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	long := strings.Repeat("权", 51) // 153 bytes
	assertInvalid(t, []invalidCase{
		{"update: not a community", "GroupId", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: "@TGS#1", PermissionGroupID: "p", Name: new("n")})
		}},
		{"update: no permission group", "PermissionGroupId", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, Name: new("n")})
		}},
		{"update: nothing to change", "PermissionGroupId", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p"})
		}},
		{"update: empty name", "PermissionGroupName", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p", Name: new("")})
		}},
		{"update: long name", "PermissionGroupName", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p", Name: &long})
		}},
		{"update: name with a newline", "PermissionGroupName", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p", Name: new("a\nb")})
		}},
		{"update: long custom string", "CustomString", func() error {
			return svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p",
				CustomString: new(strings.Repeat("x", group.MaxPermissionGroupCustomStringBytes+1))})
		}},
		{"destroy: none", "PermissionGroupIdList", func() error {
			_, err := svc.DestroyPermissionGroups(ctx, community, nil)
			return err
		}},
		{"destroy: empty id", "PermissionGroupIdList[1]", func() error {
			_, err := svc.DestroyPermissionGroups(ctx, community, []string{"p", ""})
			return err
		}},
		{"destroy: bad UTF-8", "PermissionGroupIdList[0]", func() error {
			_, err := svc.DestroyPermissionGroups(ctx, community, []string{"\xff"})
			return err
		}},
	})
	assert.Empty(t, srv.Calls(pModifyPermGroup))
	assert.Empty(t, srv.Calls(pDestroyPermGroup))

	// The limits themselves pass.
	name := strings.Repeat("权", 50) // 150 bytes
	require.NoError(t, svc.UpdatePermissionGroup(ctx, group.UpdatePermissionGroupRequest{GroupID: community, PermissionGroupID: "p", Name: &name,
		CustomString: new(strings.Repeat("x", group.MaxPermissionGroupCustomStringBytes))}))
}

const (
	pAddTopicPerm = "group_open_http_svc/add_topic_permission_group"
	pGetTopicPerm = "group_open_http_svc/get_topic_permission_group"
)

func TestAddTopicPermissionsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	t1, t2 := group.TopicID(community, "a"), group.TopicID(community, "b")
	srv.Handle(pAddTopicPerm, func(testkit.Request) any {
		return testkit.With(map[string]any{"TopicPermissionResultList": []map[string]any{
			{"ErrorCode": 0, "ErrorInfo": "", "TopicId": t1},
			{"ErrorCode": 10010, "ErrorInfo": "topic not found", "TopicId": t2},
		}})
	})
	res, err := svc.AddTopicPermissions(ctx, community, "@PMG#_doctors", []group.TopicGrant{
		{TopicID: t1, Permission: group.TopicCanSend | group.TopicCanAtAll}, {TopicID: t2, Permission: 0},
	})
	require.NoError(t, err)
	golden(t, srv, pAddTopicPerm, "add_topic_permission_group")
	require.Len(t, res, 2)
	assert.Equal(t, t1, res[0].TopicID)
	require.NoError(t, res[0].Err())
	require.ErrorIs(t, res[1].Err(), tim.ErrGroupNotFound)
	var ae *api.Error
	require.ErrorAs(t, res[1].Err(), &ae)
	assert.Equal(t, pAddTopicPerm, ae.Op)

	// 120 topics go in calls of 50.
	srv.Handle(pAddTopicPerm, func(testkit.Request) any { return testkit.With(nil) })
	var many []group.TopicGrant
	for i := range 120 {
		many = append(many, group.TopicGrant{TopicID: group.TopicID(community, fmt.Sprint(i)), Permission: group.TopicCanSend})
	}
	_, err = svc.AddTopicPermissions(ctx, community, "@PMG#_doctors", many)
	require.NoError(t, err)
	assert.Len(t, srv.Calls(pAddTopicPerm), 4)
}

func TestTopicPermissionsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	t1, t2 := group.TopicID(community, "a"), group.TopicID(community, "b")
	srv.Handle(pGetTopicPerm, func(testkit.Request) any {
		return testkit.With(map[string]any{"TopicPermissionResultList": []map[string]any{
			{"ErrorCode": 0, "ErrorInfo": "", "TopicId": t1, "Permission": 1 << 40},
			{"ErrorCode": 0, "ErrorInfo": "", "TopicId": t2, "Permission": "72"},
		}})
	})
	res, err := svc.TopicPermissions(ctx, community, "@PMG#_doctors", nil)
	require.NoError(t, err)
	golden(t, srv, pGetTopicPerm, "get_topic_permission_group_all")
	require.Len(t, res, 2)
	assert.Equal(t, t1, res[0].TopicID)
	assert.Equal(t, group.TopicPermission(1<<40), res[0].Permission, "unknown bits are kept")
	assert.Equal(t, group.TopicCanSend|group.TopicCanAtAll, res[1].Permission)
	require.NoError(t, res[1].Err())

	_, err = svc.TopicPermissions(ctx, community, "@PMG#_doctors", []string{t2, t2})
	require.NoError(t, err)
	golden(t, srv, pGetTopicPerm, "get_topic_permission_group")

	srv.Handle(pGetTopicPerm, func(testkit.Request) any { return testkit.Fail(10007, "no permission") })
	_, err = svc.TopicPermissions(ctx, community, "@PMG#_doctors", nil)
	require.ErrorIs(t, err, tim.ErrPermission)
}

func TestTopicPermissionValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	t1 := group.TopicID(community, "a")
	assertInvalid(t, []invalidCase{
		{"add: not a community", "GroupId", func() error {
			_, err := svc.AddTopicPermissions(ctx, "@TGS#1", "p", []group.TopicGrant{{TopicID: t1}})
			return err
		}},
		{"add: no permission group", "PermissionGroupId", func() error {
			_, err := svc.AddTopicPermissions(ctx, community, "", []group.TopicGrant{{TopicID: t1}})
			return err
		}},
		{"add: nothing", "TopicPermissionList", func() error {
			_, err := svc.AddTopicPermissions(ctx, community, "p", nil)
			return err
		}},
		{"add: topic of another group", "TopicPermissionList[0].TopicId", func() error {
			_, err := svc.AddTopicPermissions(ctx, community, "p", []group.TopicGrant{{TopicID: "@TGS#_other@TOPIC#_a"}})
			return err
		}},
		{"add: topic twice", "TopicPermissionList[1].TopicId", func() error {
			_, err := svc.AddTopicPermissions(ctx, community, "p", []group.TopicGrant{{TopicID: t1}, {TopicID: t1, Permission: 1}})
			return err
		}},
		{"get: empty topic id", "TopicIdList[0]", func() error {
			_, err := svc.TopicPermissions(ctx, community, "p", []string{""})
			return err
		}},
		{"get: no permission group", "PermissionGroupId", func() error {
			_, err := svc.TopicPermissions(ctx, community, "", nil)
			return err
		}},
	})
	assert.Empty(t, srv.Calls(pAddTopicPerm))
	assert.Empty(t, srv.Calls(pGetTopicPerm))
}

// invalidCase is a call refused before any request, naming field.
type invalidCase struct {
	name, field string
	call        func() error
}

func assertInvalid(t *testing.T, cases []invalidCase) {
	t.Helper()
	for _, tc := range cases {
		err := tc.call()
		var inv *api.InvalidInputError
		require.True(t, errors.As(err, &inv), "%s: %v", tc.name, err)
		assert.Equal(t, tc.field, inv.Field, tc.name)
	}
}

const pAddPermMember = "group_open_http_svc/add_permission_group_member"

func TestAddPermissionGroupMembersGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle(pAddPermMember, func(testkit.Request) any {
		return testkit.With(map[string]any{"MemberList": []map[string]any{
			{"Member_Account": "tommy", "Result": 0},
			{"Member_Account": "jared", "Result": 10013},
			{"Member_Account": "ghost", "Result": "10007"},
		}})
	})
	res, err := svc.AddPermissionGroupMembers(ctx, community, "@PMG#_doctors", []string{"tommy", "jared", "ghost", "tommy"})
	require.NoError(t, err)
	golden(t, srv, pAddPermMember, "add_permission_group_member")
	require.Len(t, res, 3)
	assert.Equal(t, group.PermissionGroupMemberResult{UserID: "tommy"}, res[0])
	assert.True(t, res[0].Added())
	require.NoError(t, res[0].Err())
	assert.True(t, res[1].AlreadyMember())
	assert.False(t, res[1].Added())
	require.NoError(t, res[1].Err(), "already a member is not an error")
	assert.False(t, res[2].Added() || res[2].AlreadyMember())
	require.ErrorIs(t, res[2].Err(), tim.ErrPermission)

	// 250 users go in calls of 100; a failed call names its batch.
	calls := 0
	srv.Handle(pAddPermMember, func(testkit.Request) any {
		if calls++; calls == 2 {
			return testkit.Fail(10002, "internal error")
		}
		return testkit.With(nil)
	})
	var users []string
	for i := range 250 {
		users = append(users, fmt.Sprintf("u%d", i))
	}
	_, err = svc.AddPermissionGroupMembers(ctx, community, "@PMG#_doctors", users)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "permission group members 100..199 of 250")
	assert.Equal(t, 2, calls)

	assertInvalid(t, []invalidCase{
		{"not a community", "GroupId", func() error {
			_, err := svc.AddPermissionGroupMembers(ctx, "@TGS#1", "p", []string{"u"})
			return err
		}},
		{"no permission group", "PermissionGroupId", func() error {
			_, err := svc.AddPermissionGroupMembers(ctx, community, "", []string{"u"})
			return err
		}},
		{"no users", "MemberList", func() error {
			_, err := svc.AddPermissionGroupMembers(ctx, community, "p", nil)
			return err
		}},
	})
	assert.Len(t, srv.Calls(pAddPermMember), 3)
}

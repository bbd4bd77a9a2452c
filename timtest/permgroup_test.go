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

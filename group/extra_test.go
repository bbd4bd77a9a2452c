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
	pSpecified    = "group_open_http_svc/get_specified_group_member_info"
	pRole         = "group_open_http_svc/get_role_in_group"
	pMuted        = "group_open_http_svc/get_group_muted_account"
	pImportMember = "group_open_http_svc/import_group_member"
	pSetUnread    = "group_open_http_svc/set_unread_msg_num"
	pBySender     = "group_open_http_svc/delete_group_msg_by_sender"
	pClearMsg     = "group_open_http_svc/clear_group_msg"
)

func userIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u%04d", i)
	}
	return out
}

// listSizes returns the length of the list under key in each call's body.
func listSizes(t *testing.T, srv *testkit.Server, path, key string) []int {
	t.Helper()
	var sizes []int
	for _, c := range srv.Calls(path) {
		var raw map[string]any
		c.Decode(t, &raw)
		list, _ := raw[key].([]any)
		sizes = append(sizes, len(list))
	}
	return sizes
}

func TestMembersByIDGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pSpecified, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupId": "@TGS#2J4SZEAEL", "MemberList": []map[string]any{
			{"Member_Account": "bob", "Role": "Admin", "JoinTime": 1700000000, "NameCard": "护士长", "AppMemberDefinedData": []map[string]any{{"Key": "title", "Value": "RN"}}},
			{"Member_Account": "peter", "Role": "Member", "ShutUpUntil": "1800000000"},
		}})
	})
	got, err := svc.MembersByID(context.Background(), "@TGS#2J4SZEAEL", []string{"bob", "peter", "bob"}, group.MemberFilter{
		MemberInfo: []string{"Role", "JoinTime", "NameCard", "ShutUpUntil"}, Roles: []group.Role{group.RoleAdmin, group.RoleMember},
		AppMemberDefinedData: []string{"title"},
	})
	require.NoError(t, err)
	golden(t, srv, pSpecified, "get_specified_group_member_info")
	require.Len(t, got, 2)
	assert.Equal(t, group.Member{UserID: "bob", Role: group.RoleAdmin, JoinTime: time.Unix(1700000000, 0), NameCard: "护士长",
		AppMemberDefinedData: []group.KV{{Key: "title", Value: "RN"}}}, got[0])
	assert.Equal(t, time.Unix(1800000000, 0), got[1].MutedUntil)

	_, err = svc.MembersByID(context.Background(), "@TGS#1", []string{"bob"}, group.MemberFilter{})
	require.NoError(t, err)
	golden(t, srv, pSpecified, "get_specified_group_member_info_minimal")
}

func TestExtraBatchesSplit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("specified 120 by 50", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		_, err := svc.MembersByID(ctx, "@TGS#g", userIDs(120), group.MemberFilter{})
		require.NoError(t, err)
		assert.Equal(t, []int{50, 50, 20}, listSizes(t, srv, pSpecified, "Member_List_Account"))
	})
	t.Run("roles 1100 by 500", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		_, err := svc.Roles(ctx, "@TGS#g", userIDs(1100))
		require.NoError(t, err)
		assert.Equal(t, []int{500, 500, 100}, listSizes(t, srv, pRole, "User_Account"))
	})
	t.Run("import 650 by 300", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		var ms []group.ImportMember
		for _, id := range userIDs(650) {
			ms = append(ms, group.ImportMember{UserID: id})
		}
		_, err := svc.ImportMembers(ctx, "@TGS#g", ms)
		require.NoError(t, err)
		assert.Equal(t, []int{300, 300, 50}, listSizes(t, srv, pImportMember, "MemberList"))
	})
	t.Run("roles failure names the batch", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		n := 0
		srv.Handle(pRole, func(r testkit.Request) any {
			if n++; n == 2 {
				return testkit.Fail(10010, "group not found")
			}
			return testkit.With(map[string]any{"UserIdList": []map[string]any{{"Member_Account": "x", "Role": "Member"}}})
		})
		got, err := svc.Roles(ctx, "@TGS#g", userIDs(600))
		require.ErrorIs(t, err, tim.ErrGroupNotFound)
		assert.Contains(t, err.Error(), "users 500..599 of 600")
		assert.Len(t, got, 1, "results of the first batch are kept")
	})
}

func TestRolesGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pRole, func(r testkit.Request) any {
		return testkit.With(map[string]any{"UserIdList": []map[string]any{
			{"Member_Account": "doctor_1", "Role": "Owner"}, {"Member_Account": "nurse_2", "Role": "Admin"},
			{"Member_Account": "patient_7", "Role": "Member"}, {"Member_Account": "stranger", "Role": "NotMember"},
		}})
	})
	got, err := svc.Roles(context.Background(), "@TGS#2J4SZEAEL", []string{"doctor_1", "nurse_2", "patient_7", "stranger"})
	require.NoError(t, err)
	golden(t, srv, pRole, "get_role_in_group")
	assert.Equal(t, []group.MemberRole{{"doctor_1", group.RoleOwner}, {"nurse_2", group.RoleAdmin}, {"patient_7", group.RoleMember}, {"stranger", group.RoleNotMember}}, got)
}

func TestMutedMembers(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pMuted, func(r testkit.Request) any {
		var req struct {
			TopicID string `json:"TopicId"`
		}
		r.Decode(t, &req)
		if req.TopicID != "" { // the older answer shape
			return testkit.With(map[string]any{"GroupId": "@TGS#_c", "ShuttedUinList": []map[string]any{{"Member_Account": "old", "ShuttedUntil": 1700000001}}})
		}
		return testkit.With(map[string]any{"MutedAccountList": []map[string]any{
			{"Member_Account": "tommy", "MutedUntil": 1700000000}, {"Member_Account": "jared", "MutedUntil": "4294967295"},
		}})
	})
	got, err := svc.MutedMembers(context.Background(), "@TGS#2J4SZEAEL", "")
	require.NoError(t, err)
	golden(t, srv, pMuted, "get_group_muted_account")
	assert.Equal(t, []group.MutedMember{{"tommy", time.Unix(1700000000, 0)}, {"jared", time.Unix(4294967295, 0)}}, got)

	got, err = svc.MutedMembers(context.Background(), "@TGS#_c", "@TGS#_c@TOPIC#_t")
	require.NoError(t, err)
	golden(t, srv, pMuted, "get_group_muted_account_topic")
	assert.Equal(t, []group.MutedMember{{"old", time.Unix(1700000001, 0)}}, got)
}

func TestImportMembersGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pImportMember, func(r testkit.Request) any {
		return testkit.With(map[string]any{"MemberList": []map[string]any{
			{"Member_Account": "tommy", "Result": 1}, {"Member_Account": "jared", "Result": 2}, {"Member_Account": "ghost", "Result": "0"},
		}})
	})
	got, err := svc.ImportMembers(context.Background(), "@TGS#2J4SZEAEL", []group.ImportMember{
		{UserID: "tommy", Role: group.RoleAdmin, JoinTime: time.Unix(1448357837, 0), UnreadMsgNum: 5},
		{UserID: "jared"}, {UserID: "ghost", JoinTime: time.Unix(1448357857, 0)},
	})
	require.NoError(t, err)
	golden(t, srv, pImportMember, "import_group_member")
	assert.Equal(t, []group.ImportedMember{{"tommy", group.Imported}, {"jared", group.ImportAlreadyMember}, {"ghost", group.ImportFailed}}, got)
}

func TestHistoryOpsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	require.NoError(t, svc.SetUnread(ctx, "@TGS#2J4SZEAEL", "patient_7", 10))
	golden(t, srv, pSetUnread, "set_unread_msg_num")
	require.NoError(t, svc.SetUnread(ctx, "@TGS#2J4SZEAEL", "patient_7", 0))
	var req struct {
		UnreadMsgNum *int `json:"UnreadMsgNum"`
	}
	srv.Last(pSetUnread).Decode(t, &req)
	require.NotNil(t, req.UnreadMsgNum, "0 is sent, not omitted")

	require.NoError(t, svc.DeleteMessagesBySender(ctx, "@TGS#2J4SZEAEL", "spammer"))
	golden(t, srv, pBySender, "delete_group_msg_by_sender")

	require.NoError(t, svc.ClearHistory(ctx, "@TGS#2J4SZEAEL", 0))
	golden(t, srv, pClearMsg, "clear_group_msg_all")
	require.NoError(t, svc.ClearHistory(ctx, "@TGS#2J4SZEAEL", 1024))
	golden(t, srv, pClearMsg, "clear_group_msg_upto")

	srv.Handle(pBySender, func(testkit.Request) any { return testkit.Fail(10007, "no permission") })
	require.ErrorIs(t, svc.DeleteMessagesBySender(ctx, "@TGS#2J4SZEAEL", "spammer"), tim.ErrPermission)
}

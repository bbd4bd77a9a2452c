package group_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pCreate       = "group_open_http_svc/create_group"
	pAdd          = "group_open_http_svc/add_group_member"
	pModifyMember = "group_open_http_svc/modify_group_member_info"
)

func TestCreateGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  group.CreateRequest
	}{
		{"create_minimal", group.CreateRequest{Type: group.Public, Name: "Cardiology Q&A"}},
		{"create_full", group.CreateRequest{
			Type: group.Private, GroupID: "consult-0001", Name: "王医生(李雷)", Owner: "doctor_1",
			Introduction: "intro <b>", Notification: "notice", FaceURL: "https://img.example.com/g.png", MaxMemberCount: 50,
			ApplyJoinOption: group.NeedPermission, InviteJoinOption: group.DisableInvite,
			AppDefinedData: []group.KV{{Key: "dept", Value: "cardio"}},
			Members: []group.NewMember{
				{UserID: "patient_7"},
				{UserID: "nurse_2", Role: group.RoleAdmin, AppMemberDefinedData: []group.KV{{Key: "title", Value: "RN"}}},
			},
		}},
		{"create_community", group.CreateRequest{Type: group.Community, GroupID: "@TGS#_clinic", Name: "Clinic", SupportTopic: true}},
		{"create_avchatroom", group.CreateRequest{Type: group.AVChatRoom, Name: "Live talk", Owner: "doctor_1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			id := tc.req.GroupID
			if id == "" {
				id = "@TGS#2J4SZEAEL"
			}
			srv.Handle(pCreate, func(r testkit.Request) any {
				return testkit.With(map[string]any{"GroupId": id, "Type": string(tc.req.Type)})
			})
			res, err := svc.Create(context.Background(), tc.req)
			require.NoError(t, err)
			assert.Equal(t, &group.CreateResult{GroupID: id}, res)
			golden(t, srv, pCreate, tc.name)
			assert.Empty(t, srv.Calls(pAdd))
		})
	}
}

// 450 members: 100 go into create_group (those with a role first), the
// rest into add_group_member calls of at most 300.
func TestCreateManyMembers(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCreate, func(r testkit.Request) any { return testkit.With(map[string]any{"GroupId": "@TGS#big"}) })
	srv.Handle(pAdd, func(r testkit.Request) any {
		var req struct {
			MemberList []struct {
				MemberAccount string `json:"Member_Account"`
			} `json:"MemberList"`
		}
		r.Decode(t, &req)
		var out []map[string]any
		for _, m := range req.MemberList {
			out = append(out, map[string]any{"Member_Account": m.MemberAccount, "Result": 1})
		}
		return testkit.With(map[string]any{"MemberList": out})
	})
	var members []group.NewMember
	for i := range 450 {
		m := group.NewMember{UserID: fmt.Sprintf("u%03d", i)}
		if i == 449 {
			m.Role = group.RoleAdmin // sorted into create_group
		}
		members = append(members, m)
	}
	res, err := svc.Create(context.Background(), group.CreateRequest{Type: group.Private, Name: "Big", Owner: "doctor_1", Members: members})
	require.NoError(t, err)
	assert.Equal(t, "@TGS#big", res.GroupID)
	assert.Len(t, res.Members, 350)
	var create struct {
		MemberList []struct {
			MemberAccount string `json:"Member_Account"`
			Role          string `json:"Role"`
		} `json:"MemberList"`
	}
	srv.Last(pCreate).Decode(t, &create)
	require.Len(t, create.MemberList, group.MaxCreateMembers)
	assert.Equal(t, "u449", create.MemberList[0].MemberAccount)
	assert.Equal(t, "Admin", create.MemberList[0].Role)
	assert.Equal(t, "u000", create.MemberList[1].MemberAccount)
	adds := srv.Calls(pAdd)
	require.Len(t, adds, 2)
	for i, want := range []int{300, 50} {
		var req struct {
			GroupID    string `json:"GroupId"`
			MemberList []any  `json:"MemberList"`
		}
		adds[i].Decode(t, &req)
		assert.Equal(t, "@TGS#big", req.GroupID)
		assert.Len(t, req.MemberList, want)
	}
	testkit.AssertGolden(t, "testdata/golden/create_overflow_add.json", adds[1].Body)
	assert.Empty(t, srv.Calls(pModifyMember))
}

// More than 100 members with roles: the ones that do not fit into
// create_group get their role through modify_group_member_info.
func TestCreateOverflowRoles(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCreate, func(r testkit.Request) any { return testkit.With(map[string]any{"GroupId": "@TGS#roles"}) })
	var members []group.NewMember
	for i := range 102 {
		members = append(members, group.NewMember{UserID: fmt.Sprintf("a%03d", i), Role: group.RoleAdmin})
	}
	_, err := svc.Create(context.Background(), group.CreateRequest{Type: group.Public, Name: "Admins", Members: members})
	require.NoError(t, err)
	assert.Len(t, srv.Calls(pAdd), 1)
	mods := srv.Calls(pModifyMember)
	require.Len(t, mods, 2)
	testkit.AssertGolden(t, "testdata/golden/create_overflow_role.json", mods[0].Body)
}

// 10025: the custom id exists and is ours. Create reports Existed and
// (re)adds every member, so repeating a half-done Create completes it.
func TestCreateExistedIsIdempotent(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCreate, func(r testkit.Request) any { return testkit.Fail(10025, "group id has been used by yourself") })
	srv.Handle(pAdd, func(r testkit.Request) any {
		return testkit.With(map[string]any{"MemberList": []map[string]any{{"Member_Account": "patient_7", "Result": 2}}})
	})
	res, err := svc.Create(context.Background(), group.CreateRequest{
		Type: group.Private, GroupID: "consult-0001", Name: "n", Owner: "doctor_1", Members: []group.NewMember{{UserID: "patient_7"}},
	})
	require.NoError(t, err)
	assert.Equal(t, &group.CreateResult{
		GroupID: "consult-0001", Existed: true,
		Members: []group.MemberResult{{UserID: "patient_7", Result: group.AlreadyMember}},
	}, res)
	golden(t, srv, pAdd, "create_existed_add")
}

func TestCreateIDTaken(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCreate, func(r testkit.Request) any { return testkit.Fail(10021, "group id has been used") })
	_, err := svc.Create(context.Background(), group.CreateRequest{Type: group.Private, GroupID: "taken", Name: "n"})
	require.ErrorIs(t, err, group.ErrGroupIDTaken)
	require.ErrorIs(t, err, tim.ErrConflict)
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 10021, ae.Code)
}

// With a custom id the call is idempotent: a transient failure is retried.
// Without one it stays Unsafe: no blind resend that could make two groups.
func TestCreateRetrySafety(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		groupID string
		calls   int
		ok      bool
	}{
		{"custom id retried", "consult-0002", 2, true},
		{"generated id not retried", "", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newRetryingService(t)
			n := 0
			srv.Handle(pCreate, func(r testkit.Request) any {
				n++
				if n == 1 {
					return testkit.Fail(10002, "internal error")
				}
				return testkit.With(map[string]any{"GroupId": "@TGS#x"})
			})
			_, err := svc.Create(context.Background(), group.CreateRequest{Type: group.Private, GroupID: tc.groupID, Name: "n"})
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tim.ErrServerBusy)
			}
			assert.Len(t, srv.Calls(pCreate), tc.calls)
		})
	}
}

func TestCreateAddFailureKeepsGroupID(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCreate, func(r testkit.Request) any { return testkit.With(map[string]any{"GroupId": "@TGS#half"}) })
	srv.Handle(pAdd, func(r testkit.Request) any { return testkit.Fail(10014, "group is full") })
	members := make([]group.NewMember, 101)
	for i := range members {
		members[i].UserID = fmt.Sprintf("m%d", i)
	}
	res, err := svc.Create(context.Background(), group.CreateRequest{Type: group.Private, Name: "n", Members: members})
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, "@TGS#half", res.GroupID)
	assert.Contains(t, err.Error(), "@TGS#half exists")
}

func TestDestroyGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	require.NoError(t, svc.Destroy(context.Background(), "@TGS#2J4SZEAEL"))
	golden(t, srv, "group_open_http_svc/destroy_group", "destroy_group")
}

func TestCheckGroupID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id  string
		typ group.Type
		ok  bool
		why string
	}{
		{"consult-0001", group.Private, true, ""},
		{"a b~c!", group.Public, true, "printable ASCII includes space and ~"},
		{"x" + string(make([]byte, 0)) + "123456789012345678901234567890123456789012345678", group.Private, false, "49 bytes"},
		{"123456789012345678901234567890123456789012345678", group.Private, true, "48 bytes"},
		{"", group.Private, false, "empty"},
		{"医生", group.Private, false, "not ASCII"},
		{"tab\there", group.Private, false, "control"},
		{"del\x7f", group.Private, false, "DEL"},
		{"@TGS#abc", group.Private, false, "reserved prefix"},
		{"@TGS#_abc", group.Public, false, "community prefix on a non-community"},
		{"@TGS#_abc", group.Community, true, ""},
		{"clinic", group.Community, false, "community needs @TGS#_"},
		{"@TGS#_", group.Community, false, "prefix only"},
		{"@tgs#abc", group.Private, true, "prefix is case-sensitive"},
	}
	for _, tc := range tests {
		err := group.CheckGroupID(tc.id, tc.typ)
		if tc.ok {
			assert.NoError(t, err, "%q %s", tc.id, tc.why)
			continue
		}
		require.ErrorIs(t, err, tim.ErrInvalidParameter, "%q %s", tc.id, tc.why)
		var ie *tim.InvalidInputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "GroupId", ie.Field)
	}
}

func FuzzCheckGroupID(f *testing.F) {
	for _, s := range []string{"consult-1", "@TGS#_x", "@TGS#x", "", "医生"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, id string, community bool) {
		typ := group.Private
		if community {
			typ = group.Community
		}
		if group.CheckGroupID(id, typ) != nil {
			return
		}
		if id == "" || len(id) > group.MaxGroupIDBytes {
			t.Fatalf("accepted %q", id)
		}
		for i := 0; i < len(id); i++ {
			if id[i] < 0x20 || id[i] > 0x7e {
				t.Fatalf("accepted non-printable %q", id)
			}
		}
		if community != (len(id) > 6 && id[:6] == "@TGS#_") {
			t.Fatalf("accepted %q for community=%v", id, community)
		}
		if !community && len(id) >= 5 && id[:5] == "@TGS#" {
			t.Fatalf("accepted reserved %q", id)
		}
	})
}

package conversation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

func TestDeleteGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  conversation.DeleteRequest
	}{
		{"delete_c2c", conversation.DeleteRequest{UserID: "patient_7", With: conversation.C2C("doctor_1")}},
		{"delete_group_clear", conversation.DeleteRequest{UserID: "patient_7", With: conversation.Group("@TGS#1NVTZEAE4"), ClearHistory: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			require.NoError(t, svc.Delete(context.Background(), tc.req))
			testkit.AssertGolden(t, "testdata/golden/"+tc.name+".json", srv.Last("recentcontact/delete").Body)
		})
	}
}

func TestContactGroupsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle("recentcontact/create_contact_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupResultItem": []map[string]any{{
			"GroupItem": map[string]any{"GroupName": "VIP patients", "GroupId": 2},
			"ResultItem": []map[string]any{
				{"ContactItem": map[string]any{"Type": 1, "To_Account": "patient_7"}, "ResultCode": 0, "ResultInfo": ""},
				{"ContactItem": map[string]any{"Type": 2, "ToGroupId": "@TGS#1B2AUI7RZ"}, "ResultCode": 51008, "ResultInfo": "too many"},
			},
		}}})
	})
	res, err := svc.CreateContactGroup(ctx, "doctor_1", "VIP patients", conversation.C2C("patient_7"), conversation.Group("@TGS#1B2AUI7RZ"))
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/create_contact_group.json", srv.Last("recentcontact/create_contact_group").Body)
	assert.Equal(t, conversation.ContactGroup{Name: "VIP patients", ID: 2}, res.Group)
	require.Len(t, res.Items, 2)
	assert.NoError(t, res.Items[0].Err())
	assert.Equal(t, conversation.Group("@TGS#1B2AUI7RZ"), res.Items[1].With)
	var ae *tim.APIError
	require.ErrorAs(t, res.Items[1].Err(), &ae)
	assert.Equal(t, 51008, ae.Code)

	srv.Handle("recentcontact/update_contact_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{"UpdateType": 1, "UpdateGroupResult": map[string]any{
			"UpdateGroupType": 1, "GroupName": "Follow-up", "GroupId": 2, "OldGroupName": "VIP patients",
		}})
	})
	g, err := svc.RenameContactGroup(ctx, "doctor_1", "VIP patients", "Follow-up")
	require.NoError(t, err)
	assert.Equal(t, conversation.ContactGroup{Name: "Follow-up", ID: 2}, g)
	testkit.AssertGolden(t, "testdata/golden/update_contact_group_rename.json", srv.Last("recentcontact/update_contact_group").Body)

	srv.Handle("recentcontact/update_contact_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{"UpdateType": 1, "UpdateGroupResult": map[string]any{
			"UpdateGroupType": 2, "GroupName": "Follow-up", "GroupId": 2,
			"ContactResultItem": []map[string]any{{"ContactOptType": 1, "ContactItem": map[string]any{"Type": 1, "To_Account": "patient_8"}, "ResultCode": 0}},
		}})
	})
	items, err := svc.AddToContactGroup(ctx, "doctor_1", "Follow-up", conversation.C2C("patient_8"))
	require.NoError(t, err)
	assert.Equal(t, []conversation.ItemResult{{With: conversation.C2C("patient_8")}}, items)
	testkit.AssertGolden(t, "testdata/golden/update_contact_group_add.json", srv.Last("recentcontact/update_contact_group").Body)
	_, err = svc.RemoveFromContactGroup(ctx, "doctor_1", "Follow-up", conversation.Group("@TGS#1B2AUI7RZ"))
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/update_contact_group_remove.json", srv.Last("recentcontact/update_contact_group").Body)

	srv.Handle("recentcontact/del_contact_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupItem": []map[string]any{{"GroupName": "Follow-up", "GroupId": 2}}})
	})
	g, err = svc.DeleteContactGroup(ctx, "doctor_1", "Follow-up")
	require.NoError(t, err)
	assert.Equal(t, conversation.ContactGroup{Name: "Follow-up", ID: 2}, g)
	testkit.AssertGolden(t, "testdata/golden/del_contact_group.json", srv.Last("recentcontact/del_contact_group").Body)

	srv.Handle("recentcontact/mark_contact", func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"OptType": 3, "ContactItem": map[string]any{"Type": 1, "To_Account": "patient_7"}, "ResultCode": 0, "ResultInfo": ""},
		}})
	})
	custom := "urgent"
	_, err = svc.Mark(ctx, "doctor_1",
		conversation.Mark{With: conversation.C2C("patient_7"), Set: []int{conversation.MarkStar, 32}, Clear: []int{conversation.MarkFold}, Custom: &custom},
		conversation.Mark{With: conversation.Group("@TGS#1B2AUI7RZ"), Set: []int{conversation.MarkUnread}},
		conversation.Mark{With: conversation.C2C("patient_8"), Custom: new("")},
	)
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/mark_contact.json", srv.Last("recentcontact/mark_contact").Body)

	srv.Handle("recentcontact/search_contact_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{
			"ContactResultItem": []map[string]any{{"Type": 1, "To_Account": "patient_7", "StandardMark": "11111110", "CustomMark": "urgent", "ContactGroupId": []int{1, 2}, "Timestamp": 1673500546}},
			"GroupItem":         []map[string]any{{"GroupName": "a", "GroupId": 1}, {"GroupName": "b", "GroupId": 2}},
		})
	})
	data, err := svc.SearchContactGroups(ctx, "doctor_1", conversation.C2C("patient_7"))
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/search_contact_group.json", srv.Last("recentcontact/search_contact_group").Body)
	assert.Equal(t, []conversation.ContactGroup{{"a", 1}, {"b", 2}}, data.Groups)
	assert.Equal(t, []conversation.ContactMarks{{
		With: conversation.C2C("patient_7"), StandardMark: "11111110", CustomMark: "urgent", GroupIDs: []int{1, 2}, Updated: time.Unix(1673500546, 0),
	}}, data.Contacts)
}

func TestContactGroupsPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("recentcontact/get_contact_group", func(r testkit.Request) any {
		var req struct {
			StartIndex int `json:"StartIndex"`
		}
		r.Decode(t, &req)
		if req.StartIndex == 0 {
			return testkit.With(map[string]any{
				"ContactItem":  []map[string]any{{"Type": 1, "To_Account": "teacher4", "StandardMark": "111001", "ContactGroupId": []int{1, 2}, "Timestamp": 1670843110}},
				"GroupItem":    []map[string]any{{"GroupName": "test1x", "GroupId": 1}, {"GroupName": "test10", "GroupId": 2}},
				"CompleteFlag": 0, "NextStartIndex": 1,
			})
		}
		return testkit.With(map[string]any{
			"ContactItem":  []map[string]any{{"Type": 2, "ToGroupId": "@TGS#1N3RSUYG2", "StandardMark": "111001", "CustomMark": "abcd", "Timestamp": 1672998266}},
			"GroupItem":    []map[string]any{{"GroupName": "test1x", "GroupId": 1}, {"GroupName": "test10", "GroupId": 2}},
			"CompleteFlag": 1, "NextStartIndex": 0,
		})
	})
	data, err := svc.ContactGroups(context.Background(), "user0")
	require.NoError(t, err)
	calls := srv.Calls("recentcontact/get_contact_group")
	require.Len(t, calls, 2)
	testkit.AssertGolden(t, "testdata/golden/get_contact_group.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_contact_group_page2.json", calls[1].Body)
	assert.Len(t, data.Groups, 2)
	require.Len(t, data.Contacts, 2)
	assert.Equal(t, conversation.Group("@TGS#1N3RSUYG2"), data.Contacts[1].With)
	assert.Equal(t, "abcd", data.Contacts[1].CustomMark)
}

// A NextStartIndex that does not grow ends ContactGroups with the shared
// cursor-stuck error, keeping what the earlier pages gave; a failing later
// page is named.
func TestContactGroupsStopsOnStuckCursor(t *testing.T) {
	t.Parallel()
	page := func(next int, peer string) map[string]any {
		return testkit.With(map[string]any{
			"ContactItem":  []map[string]any{{"Type": 1, "To_Account": peer}},
			"GroupItem":    []map[string]any{{"GroupName": "g", "GroupId": 1}},
			"CompleteFlag": 0, "NextStartIndex": next,
		})
	}
	tests := []struct {
		name     string
		pages    []map[string]any
		stuck    bool
		contacts int
		text     string
	}{
		{"same index", []map[string]any{page(0, "a")}, true, 1, "page 1"},
		{"index goes back", []map[string]any{page(5, "a"), page(3, "b")}, true, 2, "page 2"},
		{"later page fails", []map[string]any{page(5, "a"), testkit.Fail(50004, "internal error")}, false, 1, "conversation: contact groups page 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			n := 0
			srv.Handle("recentcontact/get_contact_group", func(r testkit.Request) any {
				n++
				if n > len(tc.pages) {
					t.Errorf("unexpected page request %d", n)
					return testkit.Fail(50002, "no more pages")
				}
				return tc.pages[n-1]
			})
			data, err := svc.ContactGroups(context.Background(), "user0")
			require.Error(t, err)
			if tc.stuck {
				assert.ErrorIs(t, err, api.ErrCursorStuck)
				assert.ErrorIs(t, err, tim.ErrCursorStuck)
			} else {
				assert.NotErrorIs(t, err, api.ErrCursorStuck)
				var ae *tim.APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 50004, ae.Code)
			}
			assert.Contains(t, err.Error(), tc.text)
			assert.Len(t, srv.Calls("recentcontact/get_contact_group"), len(tc.pages))
			require.NotNil(t, data)
			assert.Len(t, data.Contacts, tc.contacts)
			assert.Equal(t, []conversation.ContactGroup{{Name: "g", ID: 1}}, data.Groups)
		})
	}
}

// Targets go out as Type 1 / 2, whatever message.ConversationType says.
func TestTargetsOnTheWire(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	_, err := svc.SearchContactGroups(context.Background(), "doctor_1",
		conversation.Target{Type: message.ConvGroup, ID: "@TGS#1"}, conversation.Target{Type: message.ConvC2C, ID: "p"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"From_Account":"doctor_1","ContactItem":[{"Type":2,"ToGroupId":"@TGS#1"},{"Type":1,"To_Account":"p"}]}`,
		string(srv.Last("recentcontact/search_contact_group").Body))
}

func TestSearchSplitsBy300(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	with := make([]conversation.Target, 650)
	for i := range with {
		with[i] = conversation.C2C(fmt.Sprintf("u%d", i))
	}
	_, err := svc.SearchContactGroups(context.Background(), "doctor_1", with...)
	require.NoError(t, err)
	calls := srv.Calls("recentcontact/search_contact_group")
	require.Len(t, calls, 3)
	for i, want := range []int{300, 300, 50} {
		var req struct {
			ContactItem []any `json:"ContactItem"`
		}
		calls[i].Decode(t, &req)
		assert.Len(t, req.ContactItem, want)
	}
}

// Invalid input is rejected before the network, naming the JSON field.
func TestValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	long := strings.Repeat("x", 33)
	badBit := conversation.Mark{With: conversation.C2C("a"), Set: []int{64}}
	tests := []struct {
		name  string
		field string
		call  func(s *conversation.Service) error
	}{
		{"list empty user", "From_Account", func(s *conversation.Service) error { _, e := s.ListPage(ctx, "", conversation.Cursor{}); return e }},
		{"delete long user", "From_Account", func(s *conversation.Service) error {
			return s.Delete(ctx, conversation.DeleteRequest{UserID: long, With: conversation.C2C("a")})
		}},
		{"delete no peer", "With.To_Account", func(s *conversation.Service) error {
			return s.Delete(ctx, conversation.DeleteRequest{UserID: "u", With: conversation.C2C("")})
		}},
		{"delete no group", "With.ToGroupId", func(s *conversation.Service) error {
			return s.Delete(ctx, conversation.DeleteRequest{UserID: "u", With: conversation.Group("")})
		}},
		{"delete bad type", "With.Type", func(s *conversation.Service) error {
			return s.Delete(ctx, conversation.DeleteRequest{UserID: "u", With: conversation.Target{Type: "G2C", ID: "x"}})
		}},
		{"delete lower-case type", "With.Type", func(s *conversation.Service) error {
			return s.Delete(ctx, conversation.DeleteRequest{UserID: "u", With: conversation.Target{Type: "c2c", ID: "x"}})
		}},
		{"create bad type", "GroupContactItem[0].ContactItem[1].Type", func(s *conversation.Service) error {
			_, e := s.CreateContactGroup(ctx, "u", "g", conversation.C2C("a"), conversation.Target{Type: "2", ID: "@TGS#x"})
			return e
		}},
		{"mark bad type", "MarkItem[0].ContactItem.Type", func(s *conversation.Service) error {
			_, e := s.Mark(ctx, "u", conversation.Mark{With: conversation.Target{ID: "a"}, Set: []int{conversation.MarkStar}})
			return e
		}},
		{"search bad type", "ContactItem[0].Type", func(s *conversation.Service) error {
			_, e := s.SearchContactGroups(ctx, "u", conversation.Target{Type: "GROUPS", ID: "@TGS#x"})
			return e
		}},
		{"group name empty", "GroupContactItem[0].GroupName", func(s *conversation.Service) error {
			_, e := s.CreateContactGroup(ctx, "u", "", conversation.C2C("a"))
			return e
		}},
		{"group name too long", "GroupContactItem[0].GroupName", func(s *conversation.Service) error {
			_, e := s.CreateContactGroup(ctx, "u", strings.Repeat("组", 22), conversation.C2C("a"))
			return e
		}},
		{"group name invalid utf8", "UpdateGroup.NewGroupName", func(s *conversation.Service) error {
			_, e := s.RenameContactGroup(ctx, "u", "a", "\xff")
			return e
		}},
		{"create no items", "GroupContactItem[0].ContactItem", func(s *conversation.Service) error {
			_, e := s.CreateContactGroup(ctx, "u", "g")
			return e
		}},
		{"create too many items", "GroupContactItem[0].ContactItem", func(s *conversation.Service) error {
			_, e := s.CreateContactGroup(ctx, "u", "g", make([]conversation.Target, 101)...)
			return e
		}},
		{"add bad item", "UpdateGroup.ContactUpdateItem[0].Type", func(s *conversation.Service) error {
			_, e := s.AddToContactGroup(ctx, "u", "g", conversation.Target{})
			return e
		}},
		{"delete group no name", "GroupName[0]", func(s *conversation.Service) error { _, e := s.DeleteContactGroup(ctx, "u", ""); return e }},
		{"mark nothing", "MarkItem[0]", func(s *conversation.Service) error {
			_, e := s.Mark(ctx, "u", conversation.Mark{With: conversation.C2C("a")})
			return e
		}},
		{"mark bit range", "MarkItem[0].SetMark[0]", func(s *conversation.Service) error { _, e := s.Mark(ctx, "u", badBit); return e }},
		{"mark negative clear", "MarkItem[0].ClearMark[0]", func(s *conversation.Service) error {
			_, e := s.Mark(ctx, "u", conversation.Mark{With: conversation.C2C("a"), Clear: []int{-1}})
			return e
		}},
		{"mark custom too long", "MarkItem[0].CustomMark", func(s *conversation.Service) error {
			_, e := s.Mark(ctx, "u", conversation.Mark{With: conversation.C2C("a"), Custom: new(strings.Repeat("m", 257))})
			return e
		}},
		{"mark none", "MarkItem", func(s *conversation.Service) error { _, e := s.Mark(ctx, "u"); return e }},
		{"search none", "ContactItem", func(s *conversation.Service) error { _, e := s.SearchContactGroups(ctx, "u"); return e }},
		{"get negative start", "StartIndex", func(s *conversation.Service) error { _, e := s.ContactGroupsPage(ctx, "u", -1); return e }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			err := tc.call(svc)
			require.ErrorIs(t, err, tim.ErrInvalidParameter)
			var ie *tim.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field, err.Error())
			assert.Empty(t, srv.Requests(), "no request may leave")
		})
	}
}

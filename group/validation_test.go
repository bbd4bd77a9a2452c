package group_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

// Every invalid input is rejected before the network with an error naming
// the JSON field (and the limit where there is one).
func TestValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cjk := func(n int) string { return strings.Repeat("医", n) } // 3 bytes each
	ok := group.CreateRequest{Type: group.Private, Name: "n"}
	with := func(f func(*group.CreateRequest)) group.CreateRequest { r := ok; f(&r); return r }
	create := func(r group.CreateRequest) func(*group.Service) error {
		return func(s *group.Service) error { _, err := s.Create(ctx, r); return err }
	}
	update := func(r group.UpdateRequest) func(*group.Service) error {
		return func(s *group.Service) error { return s.Update(ctx, r) }
	}
	modify := func(r group.ModifyMemberRequest) func(*group.Service) error {
		return func(s *group.Service) error { return s.ModifyMember(ctx, r) }
	}
	consult := func(r group.ConsultationRequest) func(*group.Service) error {
		return func(s *group.Service) error { _, err := s.CreateConsultation(ctx, r); return err }
	}
	doc, pat := group.Participant{UserID: "d", Name: "D"}, group.Participant{UserID: "p", Name: "P"}
	tests := []struct {
		name   string
		field  string
		reason string // a part of the reason, e.g. the limit
		opts   []group.Option
		call   func(*group.Service) error
	}{
		{"create no type", "Type", "", nil, create(with(func(r *group.CreateRequest) { r.Type = "" }))},
		{"create unknown type", "Type", "Work", nil, create(with(func(r *group.CreateRequest) { r.Type = "Work" }))},
		{"create no name", "Name", "empty", nil, create(with(func(r *group.CreateRequest) { r.Name = "" }))},
		{"name 101 bytes", "Name", "101 bytes, limit is 100", nil, create(with(func(r *group.CreateRequest) { r.Name = strings.Repeat("a", 101) }))},
		{"name 34 CJK = 102 bytes", "Name", "102 bytes, limit is 100", nil, create(with(func(r *group.CreateRequest) { r.Name = cjk(34) }))},
		{"name legacy 30", "Name", "33 bytes, limit is 30", []group.Option{group.WithLimits(group.LegacyLimits())}, create(with(func(r *group.CreateRequest) { r.Name = cjk(11) }))},
		{"name invalid utf8", "Name", "UTF-8", nil, create(with(func(r *group.CreateRequest) { r.Name = "a\xffb" }))},
		{"introduction 401", "Introduction", "limit is 400", nil, create(with(func(r *group.CreateRequest) { r.Introduction = strings.Repeat("i", 401) }))},
		{"notification 401", "Notification", "limit is 400", nil, create(with(func(r *group.CreateRequest) { r.Notification = strings.Repeat("n", 401) }))},
		{"faceurl 501", "FaceUrl", "limit is 500", nil, create(with(func(r *group.CreateRequest) { r.FaceURL = "https://" + strings.Repeat("f", 493) }))},
		{"faceurl custom limit", "FaceUrl", "limit is 100", []group.Option{group.WithLimits(group.Limits{FaceURL: 100})}, create(with(func(r *group.CreateRequest) { r.FaceURL = strings.Repeat("f", 101) }))},
		{"custom id reserved", "GroupId", "@TGS#", nil, create(with(func(r *group.CreateRequest) { r.GroupID = "@TGS#mine" }))},
		{"custom id 49", "GroupId", "limit is 48", nil, create(with(func(r *group.CreateRequest) { r.GroupID = strings.Repeat("g", 49) }))},
		{"community id", "GroupId", "@TGS#_", nil, create(group.CreateRequest{Type: group.Community, Name: "c", GroupID: "clinic"})},
		{"owner too long", "Owner_Account", "limit is 32", nil, create(with(func(r *group.CreateRequest) { r.Owner = strings.Repeat("o", 33) }))},
		{"negative cap", "MaxMemberCount", "", nil, create(with(func(r *group.CreateRequest) { r.MaxMemberCount = -1 }))},
		{"apply option", "ApplyJoinOption", "DisableInvite", nil, create(with(func(r *group.CreateRequest) { r.ApplyJoinOption = group.DisableInvite }))},
		{"invite option", "InviteJoinOption", "DisableApply", nil, create(with(func(r *group.CreateRequest) { r.InviteJoinOption = group.DisableApply }))},
		{"app data key", "AppDefinedData[0].Key", "empty", nil, create(with(func(r *group.CreateRequest) { r.AppDefinedData = []group.KV{{Value: "v"}} }))},
		{"app data value", "AppDefinedData[0].Value", "limit is 512", nil, create(with(func(r *group.CreateRequest) {
			r.AppDefinedData = []group.KV{{Key: "k", Value: strings.Repeat("v", 513)}}
		}))},
		{"avchatroom members", "MemberList", "10007", nil, create(group.CreateRequest{Type: group.AVChatRoom, Name: "live", Members: []group.NewMember{{UserID: "u"}}})},
		{"topic not community", "SupportTopic", "", nil, create(with(func(r *group.CreateRequest) { r.SupportTopic = true }))},
		{"member empty", "MemberList[1].Member_Account", "empty", nil, create(with(func(r *group.CreateRequest) { r.Members = []group.NewMember{{UserID: "a"}, {}} }))},
		{"member twice", "MemberList[1].Member_Account", "twice", nil, create(with(func(r *group.CreateRequest) { r.Members = []group.NewMember{{UserID: "a"}, {UserID: "a"}} }))},
		{"member owner role", "MemberList[0].Role", "Admin", nil, create(with(func(r *group.CreateRequest) { r.Members = []group.NewMember{{UserID: "a", Role: group.RoleOwner}} }))},

		{"get none", "GroupIdList", "", nil, func(s *group.Service) error { _, e := s.Get(ctx, nil, nil); return e }},
		{"get empty id", "GroupIdList[1]", "empty", nil, func(s *group.Service) error { _, e := s.Get(ctx, []string{"a", ""}, nil); return e }},

		{"update nothing", "GroupId", "nothing to change", nil, update(group.UpdateRequest{GroupID: "g"})},
		{"update no group", "GroupId", "empty", nil, update(group.UpdateRequest{Name: new("n")})},
		{"update empty name", "Name", "empty", nil, update(group.UpdateRequest{GroupID: "g", Name: new("")})},
		{"update long intro", "Introduction", "limit is 400", nil, update(group.UpdateRequest{GroupID: "g", Introduction: new(cjk(134))})},
		{"update long notification", "Notification", "limit is 300", []group.Option{group.WithLimits(group.LegacyLimits())}, update(group.UpdateRequest{GroupID: "g", Notification: new(cjk(101))})},
		{"update long face", "FaceUrl", "limit is 500", nil, update(group.UpdateRequest{GroupID: "g", FaceURL: new(strings.Repeat("f", 501))})},
		{"update member cap", "MaxMemberNum", "positive", nil, update(group.UpdateRequest{GroupID: "g", MaxMemberNum: new(0)})},
		{"update operator", "From_Account", "limit is 32", nil, update(group.UpdateRequest{GroupID: "g", MuteAll: new(true), Operator: strings.Repeat("x", 40)})},

		{"add none", "MemberList", "", nil, func(s *group.Service) error { _, e := s.AddMembers(ctx, "g", nil, group.AddOptions{}); return e }},
		{"add bad id", "MemberList[0]", "limit is 32", nil, func(s *group.Service) error {
			_, e := s.AddMembers(ctx, "g", []string{strings.Repeat("u", 33)}, group.AddOptions{})
			return e
		}},
		{"delete none", "MemberToDel_Account", "", nil, func(s *group.Service) error { return s.DeleteMembers(ctx, "g", nil, group.DeleteOptions{}) }},
		{"delete no group", "GroupId", "", nil, func(s *group.Service) error { return s.DeleteMembers(ctx, "", []string{"u"}, group.DeleteOptions{}) }},
		{"modify nothing", "Member_Account", "nothing", nil, modify(group.ModifyMemberRequest{GroupID: "g", UserID: "u"})},
		{"modify owner role", "Role", "ChangeOwner", nil, modify(group.ModifyMemberRequest{GroupID: "g", UserID: "u", Role: group.RoleOwner})},
		{"modify msg flag", "MsgFlag", "", nil, modify(group.ModifyMemberRequest{GroupID: "g", UserID: "u", MsgFlag: "Loud"})},
		{"name card 51 bytes", "NameCard", "51 bytes, limit is 50", nil, modify(group.ModifyMemberRequest{GroupID: "g", UserID: "u", NameCard: new(cjk(17))})},
		{"negative mute", "MuteTime", "negative", nil, modify(group.ModifyMemberRequest{GroupID: "g", UserID: "u", Mute: new(-time.Second)})},
		{"mute too long", "MuteTime", "MuteForever", nil, func(s *group.Service) error { return s.Mute(ctx, "g", []string{"u"}, group.MuteForever+time.Second) }},
		{"mute none", "Members_Account", "", nil, func(s *group.Service) error { return s.Mute(ctx, "g", nil, time.Minute) }},
		{"owner empty", "NewOwner_Account", "empty", nil, func(s *group.Service) error { return s.ChangeOwner(ctx, "g", "") }},
		{"destroy empty", "GroupId", "empty", nil, func(s *group.Service) error { return s.Destroy(ctx, "") }},
		{"members page size", "Limit", "6000", nil, func(s *group.Service) error {
			_, e := s.MembersPage(ctx, "g", group.MemberCursor{}, group.MemberListOptions{PageSize: 6001})
			return e
		}},
		{"members role filter", "MemberRoleFilter[0]", "", nil, func(s *group.Service) error {
			_, e := s.MembersPage(ctx, "g", group.MemberCursor{}, group.MemberListOptions{Roles: []group.Role{"Boss"}})
			return e
		}},
		{"joined no user", "Member_Account", "empty", nil, func(s *group.Service) error { _, e := s.JoinedPage(ctx, "", 0, group.JoinedOptions{}); return e }},
		{"joined type", "GroupType", "", nil, func(s *group.Service) error {
			_, e := s.JoinedPage(ctx, "u", 0, group.JoinedOptions{Type: "Work"})
			return e
		}},
		{"app groups limit", "Limit", "10000", nil, func(s *group.Service) error {
			_, e := s.AppGroupsPage(ctx, 0, group.AppGroupsOptions{PageSize: 10001})
			return e
		}},

		{"consult same user", "Patient.UserID", "doctor", nil, consult(group.ConsultationRequest{Doctor: doc, Patient: group.Participant{UserID: "d", Name: "P"}})},
		{"consult no doctor", "Doctor.UserID", "empty", nil, consult(group.ConsultationRequest{Patient: pat})},
		{"consult empty name", "Doctor.Name", "doctor's name", nil, consult(group.ConsultationRequest{Doctor: group.Participant{UserID: "d", Name: " "}, Patient: pat})},
		{"consult reserved id", "GroupId", "@TGS#", nil, consult(group.ConsultationRequest{Doctor: doc, Patient: pat, GroupID: "@TGS#x"})},
		{"consult long face", "FaceUrl", "limit is 500", nil, consult(group.ConsultationRequest{Doctor: doc, Patient: pat, FaceURL: strings.Repeat("f", 501)})},
		{"consult tiny limit", "Name", "cannot hold", []group.Option{group.WithLimits(group.Limits{Name: 3})}, consult(group.ConsultationRequest{Doctor: doc, Patient: pat})},
		{"sync nothing", "ParticipantUpdate", "nothing", nil, func(s *group.Service) error {
			_, e := s.UpdateParticipant(ctx, "u", group.ParticipantUpdate{})
			return e
		}},
		{"sync empty name", "Name", "empty", nil, func(s *group.Service) error { _, e := s.RenameParticipant(ctx, "u", "\n"); return e }},
		{"sync long face", "FaceUrl", "limit is 100", []group.Option{group.WithLimits(group.LegacyLimits())}, func(s *group.Service) error {
			_, e := s.SetConsultationAvatar(ctx, "u", strings.Repeat("f", 101))
			return e
		}},
		{"sync no user", "Member_Account", "empty", nil, func(s *group.Service) error { _, e := s.RenameParticipant(ctx, "", "x"); return e }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, tc.opts...)
			err := tc.call(svc)
			require.ErrorIs(t, err, tim.ErrInvalidParameter)
			var ie *tim.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field, err.Error())
			assert.Contains(t, ie.Reason, tc.reason)
			assert.Empty(t, srv.Requests(), "no request may leave")
		})
	}
}

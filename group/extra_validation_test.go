package group_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

// The extras reject invalid input before the network, naming the JSON
// field and the limit.
func TestExtraValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	long := strings.Repeat("u", 33)
	many := func(n int) map[string]string {
		m := map[string]string{}
		for _, id := range userIDs(n) {
			m[id] = "v"
		}
		return m
	}
	t1 := group.TopicID(community, "a")
	tests := []struct {
		name   string
		field  string
		reason string
		call   func(*group.Service) error
	}{
		{"specified no group", "GroupId", "empty", func(s *group.Service) error {
			_, e := s.MembersByID(ctx, "", []string{"a"}, group.MemberFilter{})
			return e
		}},
		{"specified no users", "Member_List_Account", "", func(s *group.Service) error { _, e := s.MembersByID(ctx, "g", nil, group.MemberFilter{}); return e }},
		{"specified bad role", "MemberRoleFilter[0]", "Boss", func(s *group.Service) error {
			_, e := s.MembersByID(ctx, "g", []string{"a"}, group.MemberFilter{Roles: []group.Role{"Boss"}})
			return e
		}},
		{"roles long id", "User_Account[1]", "limit is 32", func(s *group.Service) error { _, e := s.Roles(ctx, "g", []string{"a", long}); return e }},
		{"muted bad topic", "TopicId", "does not belong", func(s *group.Service) error { _, e := s.MutedMembers(ctx, "@TGS#_c", "@TGS#_d@TOPIC#_x"); return e }},
		{"import none", "MemberList", "", func(s *group.Service) error { _, e := s.ImportMembers(ctx, "g", nil); return e }},
		{"import owner", "MemberList[0].Role", "Admin", func(s *group.Service) error {
			_, e := s.ImportMembers(ctx, "g", []group.ImportMember{{UserID: "a", Role: group.RoleOwner}})
			return e
		}},
		{"import twice", "MemberList[1].Member_Account", "twice", func(s *group.Service) error {
			_, e := s.ImportMembers(ctx, "g", []group.ImportMember{{UserID: "a"}, {UserID: "a"}})
			return e
		}},
		{"import negative unread", "MemberList[0].UnreadMsgNum", "negative", func(s *group.Service) error {
			_, e := s.ImportMembers(ctx, "g", []group.ImportMember{{UserID: "a", UnreadMsgNum: -1}})
			return e
		}},
		{"unread negative", "UnreadMsgNum", "negative", func(s *group.Service) error { return s.SetUnread(ctx, "g", "a", -1) }},
		{"by sender empty", "Sender_Account", "empty", func(s *group.Service) error { return s.DeleteMessagesBySender(ctx, "g", "") }},
		{"clear no group", "GroupId", "empty", func(s *group.Service) error { return s.ClearHistory(ctx, "", 0) }},

		{"attrs none", "GroupAttr", "no attribute", func(s *group.Service) error { return s.ModifyAttrs(ctx, "g", nil) }},
		{"attrs 17", "GroupAttr", "17 attributes, limit is 16", func(s *group.Service) error { return s.SetAttrs(ctx, "g", many(17)) }},
		{"attr key 33", "GroupAttr[0].key", "limit is 32", func(s *group.Service) error { return s.ModifyAttrs(ctx, "g", map[string]string{long: "v"}) }},
		{"attr empty key", "GroupAttr[0].key", "empty", func(s *group.Service) error { return s.ModifyAttrs(ctx, "g", map[string]string{" ": "v"}) }},
		{"attr value 4001", "GroupAttr[0].value", "limit is 4000", func(s *group.Service) error {
			return s.ModifyAttrs(ctx, "g", map[string]string{"k": strings.Repeat("v", 4001)})
		}},

		{"counter mode", "Mode", "Double", func(s *group.Service) error {
			_, e := s.UpdateCounters(ctx, "g", "Double", []group.Counter{{"k", 1}})
			return e
		}},
		{"counter none", "GroupCounter", "no counter", func(s *group.Service) error { _, e := s.UpdateCounters(ctx, "g", group.CounterSet, nil); return e }},
		{"counter key 129", "GroupCounter[0].Key", "limit is 128", func(s *group.Service) error {
			_, e := s.UpdateCounters(ctx, "g", group.CounterSet, []group.Counter{{strings.Repeat("k", 129), 1}})
			return e
		}},
		{"counter twice", "GroupCounter[1].Key", "twice", func(s *group.Service) error {
			_, e := s.UpdateCounters(ctx, "g", group.CounterSet, []group.Counter{{"k", 1}, {"k", 2}})
			return e
		}},
		{"counter get empty key", "GroupCounterKeys[1]", "empty", func(s *group.Service) error { _, e := s.Counters(ctx, "g", "a", ""); return e }},

		{"receipt no seqs", "MsgSeqList", "no MsgSeq", func(s *group.Service) error { return s.ReportRead(ctx, "g", "u", nil) }},
		{"receipt seq 0", "MsgSeqList[1].MsgSeq", "start at 1", func(s *group.Service) error { _, e := s.Receipts(ctx, "g", []uint64{1, 0}); return e }},
		{"receipt no reader", "From_Account", "empty", func(s *group.Service) error { return s.ReportRead(ctx, "g", "", []uint64{1}) }},
		{"detail seq 0", "MsgSeq", "start at 1", func(s *group.Service) error {
			_, e := s.ReceiptDetailPage(ctx, group.ReceiptDetailRequest{GroupID: "g"}, "")
			return e
		}},
		{"detail filter", "Filter", "", func(s *group.Service) error {
			_, e := s.ReceiptDetailPage(ctx, group.ReceiptDetailRequest{GroupID: "g", MsgSeq: 1, Filter: 2}, "")
			return e
		}},
		{"detail count 201", "Count", "1..200", func(s *group.Service) error {
			_, e := s.ReceiptDetailPage(ctx, group.ReceiptDetailRequest{GroupID: "g", MsgSeq: 1, PageSize: 201}, "")
			return e
		}},

		{"ban zero", "Duration", "positive", func(s *group.Service) error { return s.Ban(ctx, "g", []string{"a"}, 0, "") }},
		{"ban forever+", "Duration", "4294967295", func(s *group.Service) error { return s.Ban(ctx, "g", []string{"a"}, group.MuteForever+time.Second, "") }},
		{"ban description", "Description", "limit is 1000", func(s *group.Service) error {
			return s.Ban(ctx, "g", []string{"a"}, time.Hour, strings.Repeat("d", 1001))
		}},
		{"unban none", "Members_Account", "", func(s *group.Service) error { return s.Unban(ctx, "g", nil) }},
		{"banned limit", "Limit", "1..100", func(s *group.Service) error { _, e := s.BannedPage(ctx, "g", 0, 101); return e }},
		{"banned offset", "Offset", "negative", func(s *group.Service) error { _, e := s.BannedPage(ctx, "g", -1, 0); return e }},
		{"online cursor", "Timestamp", "negative", func(s *group.Service) error { _, e := s.OnlineMembersPage(ctx, "g", -1); return e }},
		{"marks none", "MemberList", "no member", func(s *group.Service) error { return s.SetMarks(ctx, "g", nil) }},
		{"marks empty", "MemberList[0].Marks", "no mark", func(s *group.Service) error { return s.SetMarks(ctx, "g", []group.MemberMarks{{UserID: "a"}}) }},
		{"marks 11 kinds", "MemberList", "limit is 10", func(s *group.Service) error {
			return s.SetMarks(ctx, "g", []group.MemberMarks{{UserID: "a", Marks: []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}})
		}},
		{"admins 6", "Admin_Account", "at most 5", func(s *group.Service) error { return s.AddLiveAdmins(ctx, "g", userIDs(6)) }},
		{"check none", "Member_Account", "", func(s *group.Service) error { _, e := s.CheckLiveMembers(ctx, "g", nil); return e }},

		{"topic not community", "GroupId", "@TGS#_", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: "@TGS#1", Name: "n"})
			return e
		}},
		{"topic no name", "TopicName", "empty", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: community})
			return e
		}},
		{"topic bad custom id", "TopicId", "@TOPIC#_", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: community, TopicID: "cardio", Name: "n"})
			return e
		}},
		{"topic custom id empty part", "TopicId", "nothing after", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: community, TopicID: group.TopicID(community, ""), Name: "n"})
			return e
		}},
		{"topic name 101", "TopicName", "limit is 100", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: community, Name: strings.Repeat("n", 101)})
			return e
		}},
		{"topic custom string", "CustomString", "limit is 3000", func(s *group.Service) error {
			_, e := s.CreateTopic(ctx, group.TopicRequest{GroupID: community, Name: "n", CustomString: strings.Repeat("c", 3001)})
			return e
		}},
		{"import topic no time", "CreateTime", "required", func(s *group.Service) error {
			_, e := s.ImportTopic(ctx, group.TopicRequest{GroupID: community, Name: "n"}, time.Time{})
			return e
		}},
		{"import topic before 1970", "CreateTime", "before 1970", func(s *group.Service) error {
			_, e := s.ImportTopic(ctx, group.TopicRequest{GroupID: community, Name: "n"}, time.Unix(-5, 0))
			return e
		}},
		{"topics foreign id", "TopicIdList[1]", "does not belong", func(s *group.Service) error {
			_, e := s.Topics(ctx, community, group.TopicQuery{TopicIDs: []string{t1, "@TGS#_other@TOPIC#_x"}})
			return e
		}},
		{"update topic nothing", "TopicId", "nothing to change", func(s *group.Service) error {
			return s.UpdateTopic(ctx, group.UpdateTopicRequest{GroupID: community, TopicID: t1})
		}},
		{"update topic empty name", "TopicName", "empty", func(s *group.Service) error {
			return s.UpdateTopic(ctx, group.UpdateTopicRequest{GroupID: community, TopicID: t1, Name: new("")})
		}},
		{"destroy none", "TopicIdList", "no topic", func(s *group.Service) error { _, e := s.DestroyTopics(ctx, community, nil); return e }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			err := tc.call(svc)
			require.Error(t, err)
			var ie *tim.InvalidInputError
			require.True(t, errors.As(err, &ie), "want *InvalidInputError, got %T: %v", err, err)
			assert.Equal(t, tc.field, ie.Field)
			assert.Contains(t, ie.Reason, tc.reason)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			assert.Empty(t, srv.Requests(), "no request may be sent")
		})
	}
}

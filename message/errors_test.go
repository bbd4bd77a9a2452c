package message_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		conv message.ConversationType
		code int
		want error
	}{
		{"c2c_to_not_imported", message.ConvC2C, 90012, tim.ErrAccountNotFound},
		{"c2c_account_not_imported", message.ConvC2C, 70107, tim.ErrAccountNotFound},
		{"c2c_identifier_invalid", message.ConvC2C, 20003, tim.ErrAccountNotFound},
		{"c2c_callback_rejected", message.ConvC2C, 20006, tim.ErrRejectedByCallback},
		{"c2c_lifetime", message.ConvC2C, 90026, tim.ErrInvalidParameter},
		{"c2c_too_long", message.ConvC2C, 93000, tim.ErrInvalidParameter},
		{"c2c_rate", message.ConvC2C, 60007, tim.ErrRateLimited},
		{"c2c_busy", message.ConvC2C, 91000, tim.ErrServerBusy},
		{"group_not_found", message.ConvGroup, 10010, tim.ErrGroupNotFound},
		{"group_bad_id", message.ConvGroup, 10015, tim.ErrGroupNotFound},
		{"group_callback_rejected", message.ConvGroup, 10016, tim.ErrRejectedByCallback},
		{"group_freq", message.ConvGroup, 10023, tim.ErrRateLimited},
		{"group_sender_unknown", message.ConvGroup, 10019, tim.ErrAccountNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, tim.WithoutRetry())
			path := pathSend
			if tc.conv == message.ConvGroup {
				path = pathGroup
			}
			srv.Handle(path, func(testkit.Request) any { return testkit.Fail(tc.code, "nope") })
			res, err := svc.Send(context.Background(), message.NewText(tc.conv, "x", "hi"))
			require.Error(t, err)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, tc.want)
			var ae *tim.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.code, ae.Code)
			assert.Equal(t, path, ae.Op)
		})
	}
}

func TestNonRetryableCodeIsSentOnce(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathSend, func(testkit.Request) any { return testkit.Fail(90012, "To_Account not imported") })
	_, err := svc.Send(context.Background(), message.NewText(message.ConvC2C, "ghost", "hi"))
	require.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.Len(t, srv.Calls(pathSend), 1)
}

func TestGroupDropReason(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathGroup, func(testkit.Request) any {
		return testkit.With(map[string]any{"MsgTime": 1, "MsgSeq": 0, "MsgDropReason": "MsgFreqCtrl"})
	})
	res, err := svc.Send(context.Background(), message.NewText(message.ConvGroup, "g", "hi"))
	require.Error(t, err)
	assert.ErrorIs(t, err, tim.ErrRateLimited)
	var de *message.DroppedError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "MsgFreqCtrl", de.Reason)
	require.NotNil(t, res)
	assert.Equal(t, "MsgFreqCtrl", res.DropReason)
}

func TestRecallC2CAlreadyRecalledIsSuccess(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("openim/admin_msgwithdraw", func(testkit.Request) any { return testkit.Fail(20023, "already recalled") })
	require.NoError(t, svc.RecallC2C(context.Background(), "a", "b", "k"))
	srv.Handle("openim/admin_msgwithdraw", func(testkit.Request) any { return testkit.Fail(20022, "not found") })
	err := svc.RecallC2C(context.Background(), "a", "b", "k")
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 20022, ae.Code)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	text := func(s string) message.Body { return message.Body{&message.Text{Text: s}} }
	long := strings.Repeat("x", message.MaxBodyBytes)
	cases := []struct {
		name  string
		msg   *message.Message
		field string
	}{
		{"nil", nil, "message"},
		{"no_conversation", &message.Message{To: "a", Body: text("x")}, "ConversationType"},
		{"bad_conversation", &message.Message{Conversation: "CONV_C2C", To: "a", Body: text("x")}, "ConversationType"},
		{"no_recipient", message.NewText(message.ConvC2C, "", "x"), "To_Account"},
		{"recipient_too_long", message.NewText(message.ConvC2C, strings.Repeat("a", 33), "x"), "To_Account"},
		{"no_group", message.NewText(message.ConvGroup, "", "x"), "GroupId"},
		{"sender_too_long", message.NewText(message.ConvC2C, "a", "x", message.WithSender(strings.Repeat("s", 33))), "From_Account"},
		{"empty_body", message.New(message.ConvC2C, "a", nil), "MsgBody"},
		{"empty_text", message.NewText(message.ConvC2C, "a", ""), "MsgBody[0].MsgContent.Text"},
		{"empty_second_text", message.New(message.ConvC2C, "a", message.Body{&message.Face{Index: 1}, &message.Text{}}), "MsgBody[1].MsgContent.Text"},
		{"invalid_utf8", message.NewText(message.ConvC2C, "a", "\xff"), "MsgBody[0].MsgContent.Text"},
		{"nil_element", message.New(message.ConvC2C, "a", message.Body{nil}), "MsgBody[0]"},
		{"nil_text", message.New(message.ConvC2C, "a", message.Body{(*message.Text)(nil)}), "MsgBody[0].MsgContent.Text"},
		{"two_customs", message.New(message.ConvC2C, "a", message.Body{&message.Custom{Data: "1"}, &message.Custom{Data: "2"}}), "MsgBody[1]"},
		{"body_too_big", message.NewText(message.ConvC2C, "a", long), "MsgBody"},
		{"unknown_priority", message.NewText(message.ConvGroup, "g", "x", message.WithPriority("high")), "MsgPriority"},
		{"priority_on_c2c", message.NewText(message.ConvC2C, "a", "x", message.WithPriority(message.PriorityHigh)), "MsgPriority"},
		{"lifetime_negative", message.NewText(message.ConvC2C, "a", "x", message.WithLifetime(-time.Second)), "MsgLifeTime"},
		{"lifetime_over_7d", message.NewText(message.ConvC2C, "a", "x", message.WithLifetime(message.MaxLifetime+time.Second)), "MsgLifeTime"},
		{"lifetime_fraction", message.NewText(message.ConvC2C, "a", "x", message.WithLifetime(1500*time.Millisecond)), "MsgLifeTime"},
		{"lifetime_on_group", message.NewText(message.ConvGroup, "g", "x", message.WithLifetime(time.Hour)), "MsgLifeTime"},
		{"sync_on_group", message.NewText(message.ConvGroup, "g", "x", message.WithSyncToSender(true)), "SyncOtherMachine"},
		{"unknown_send_control", message.NewText(message.ConvC2C, "a", "x", message.WithSendControl("NoPush")), "SendMsgControl[0]"},
		{"mute_notifications_on_group", message.NewText(message.ConvGroup, "g", "x", message.WithSendControl(message.WithMuteNotifications)), "SendMsgControl[0]"},
		{"control_with_online_only", message.NewText(message.ConvGroup, "g", "x", message.WithOnlineOnly(), message.WithSendControl(message.NoUnread)), "SendMsgControl"},
		{"unknown_callback_control", message.NewText(message.ConvC2C, "a", "x", message.WithForbidCallback("ForbidAll")), "ForbidCallbackControl[0]"},
		{"mention_on_c2c", message.NewText(message.ConvC2C, "a", "x", message.WithMentionAll()), "GroupAtInfo"},
		{"empty_mention", message.NewText(message.ConvGroup, "g", "x", message.WithMentions("")), "GroupAtInfo[0].GroupAt_Account"},
		{"receivers_on_c2c", message.NewText(message.ConvC2C, "a", "x", message.WithReceivers("b")), "To_Account"},
		{"too_many_receivers", message.NewText(message.ConvGroup, "g", "x", message.WithReceivers(make51()...)), "To_Account"},
		{"topic_on_c2c", message.NewText(message.ConvC2C, "a", "x", message.WithTopic("t")), "TopicId"},
		{"unknown_without_type", message.New(message.ConvC2C, "a", message.Body{&message.Unknown{Content: []byte("{}")}}), "MsgBody[0].MsgType"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			_, err := svc.Send(context.Background(), tc.msg)
			require.Error(t, err)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			var ie *tim.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field, "error: %v", err)
			assert.Empty(t, srv.Requests(), "no network call for invalid input")
		})
	}
}

func make51() []string {
	out := make([]string, 51)
	for i := range out {
		out[i] = "m" + strings.Repeat("x", i%5)
	}
	return out
}

func TestValidationOfOtherCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	text := message.Body{&message.Text{Text: "x"}}
	cases := []struct {
		name  string
		call  func(*message.Service) error
		field string
	}{
		{"batch_no_recipients", func(s *message.Service) error {
			_, err := s.SendBatch(ctx, &message.Message{Body: text}, nil)
			return err
		}, "To_Account"},
		{"batch_empty_recipient", func(s *message.Service) error {
			_, err := s.SendBatch(ctx, &message.Message{Body: text}, []string{"a", ""})
			return err
		}, "To_Account[1]"},
		{"batch_group", func(s *message.Service) error {
			_, err := s.SendBatch(ctx, message.New(message.ConvGroup, "", text), []string{"a"})
			return err
		}, "ConversationType"},
		{"batch_with_to", func(s *message.Service) error {
			_, err := s.SendBatch(ctx, message.New(message.ConvC2C, "b", text), []string{"a"})
			return err
		}, "To_Account"},
		{"batch_bad_body", func(s *message.Service) error {
			_, err := s.SendBatch(ctx, &message.Message{}, []string{"a"})
			return err
		}, "MsgBody"},
		{"notify_no_content", func(s *message.Service) error {
			return s.SendGroupNotification(ctx, message.GroupNotification{GroupID: "g"})
		}, "Content"},
		{"recall_no_key", func(s *message.Service) error { return s.RecallC2C(ctx, "a", "b", "") }, "MsgKey"},
		{"recall_group_no_seqs", func(s *message.Service) error {
			_, err := s.RecallGroup(ctx, message.RecallGroupRequest{GroupID: "g"})
			return err
		}, "MsgSeqList"},
		{"recall_group_seq0", func(s *message.Service) error {
			_, err := s.RecallGroup(ctx, message.RecallGroupRequest{GroupID: "g", MsgSeqs: []uint64{5, 0}})
			return err
		}, "MsgSeqList[1].MsgSeq"},
		{"recall_group_long_reason", func(s *message.Service) error {
			_, err := s.RecallGroup(ctx, message.RecallGroupRequest{GroupID: "g", MsgSeqs: []uint64{1}, Reason: strings.Repeat("r", 101)})
			return err
		}, "Reason"},
		{"modify_nothing", func(s *message.Service) error {
			return s.ModifyC2C(ctx, message.ModifyC2CRequest{From: "a", To: "b", MsgKey: "k"})
		}, "MsgBody"},
		{"modify_group_seq0", func(s *message.Service) error {
			return s.ModifyGroup(ctx, message.ModifyGroupRequest{GroupID: "g", Body: text})
		}, "MsgSeq"},
		{"import_no_time", func(s *message.Service) error {
			return s.ImportC2C(ctx, &message.ImportC2CRequest{From: "a", To: "b", Body: text})
		}, "MsgTimeStamp"},
		{"import_bad_mode", func(s *message.Service) error {
			return s.ImportC2C(ctx, &message.ImportC2CRequest{Mode: 3, From: "a", To: "b", Body: text, Time: time.Unix(1, 0)})
		}, "SyncFromOldSystem"},
		{"import_group_unordered", func(s *message.Service) error {
			_, err := s.ImportGroup(ctx, message.ImportGroupRequest{GroupID: "g", Messages: []message.ImportGroupMsg{
				{From: "a", Time: time.Unix(2, 0), Body: text}, {From: "a", Time: time.Unix(1, 0), Body: text}}})
			return err
		}, "MsgList[1].SendTime"},
		{"import_group_empty_text", func(s *message.Service) error {
			_, err := s.ImportGroup(ctx, message.ImportGroupRequest{GroupID: "g", Messages: []message.ImportGroupMsg{
				{From: "a", Time: time.Unix(2, 0), Body: message.Body{&message.Text{}}}}})
			return err
		}, "MsgList[0].MsgBody[0].MsgContent.Text"},
		{"unread_bad_peer", func(s *message.Service) error {
			_, err := s.C2CUnread(ctx, "a", "b", "")
			return err
		}, "Peer_Account[1]"},
		{"history_range", func(s *message.Service) error {
			_, err := s.C2CHistoryPage(ctx, message.HistoryRequest{Operator: "a", Peer: "b", Since: time.Unix(10, 0), Until: time.Unix(5, 0)})
			return err
		}, "MinTime"},
		{"group_history_per_page", func(s *message.Service) error {
			_, err := s.GroupHistoryPage(ctx, message.GroupHistoryRequest{GroupID: "g", PerPage: 21})
			return err
		}, "ReqMsgNumber"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			err := tc.call(svc)
			require.Error(t, err)
			var ie *tim.InvalidInputError
			require.True(t, errors.As(err, &ie), "want InvalidInputError, got %v", err)
			assert.Equal(t, tc.field, ie.Field, "error: %v", err)
			assert.Empty(t, srv.Requests())
		})
	}
}

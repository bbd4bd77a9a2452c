package group_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pCreateTopic  = "million_group_open_http_svc/create_topic"
	pGetTopic     = "million_group_open_http_svc/get_topic"
	pModifyTopic  = "million_group_open_http_svc/modify_topic"
	pDestroyTopic = "million_group_open_http_svc/destroy_topic"
	pImportTopic  = "group_open_http_svc/import_topic"
)

const community = "@TGS#_@TGS#cQVLVHIM62CJ"

func TestTopicID(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "@TGS#_clinic@TOPIC#_cardio", group.TopicID("@TGS#_clinic", "cardio"))
}

func TestCreateTopicGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle(pCreateTopic, func(r testkit.Request) any {
		var req struct {
			TopicID string `json:"TopicId"`
		}
		r.Decode(t, &req)
		if req.TopicID == "" {
			req.TopicID = community + "@TOPIC#_@TOPIC#cUQDJQTH6"
		}
		return testkit.With(map[string]any{"TopicId": req.TopicID})
	})
	id, err := svc.CreateTopic(ctx, group.TopicRequest{GroupID: community, Name: "TestTopic"})
	require.NoError(t, err)
	assert.Equal(t, community+"@TOPIC#_@TOPIC#cUQDJQTH6", id)
	golden(t, srv, pCreateTopic, "create_topic_minimal")

	id, err = svc.CreateTopic(ctx, group.TopicRequest{
		GroupID: community, TopicID: group.TopicID(community, "cardio"), Name: "心内科", Operator: "doctor_1",
		Introduction: "intro", Notification: "notice", FaceURL: "https://f", CustomString: "{\"k\":1}",
		TopicDefinedData: []group.KV{{Key: "dept", Value: "cardio"}},
	})
	require.NoError(t, err)
	assert.Equal(t, community+"@TOPIC#_cardio", id)
	golden(t, srv, pCreateTopic, "create_topic_full")
}

// Without a custom TopicId a lost answer is not resent (a second topic
// could appear); with one, Tencent rejects the duplicate, so it is.
func TestCreateTopicRetrySafety(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		topicID string
		calls   int
	}{{"generated id", "", 1}, {"custom id", group.TopicID(community, "x"), 2}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newRetryingService(t)
			n := 0
			srv.Handle(pCreateTopic, func(testkit.Request) any {
				if n++; n == 1 {
					return testkit.Fail(10002, "internal error")
				}
				return testkit.With(map[string]any{"TopicId": "t"})
			})
			_, err := svc.CreateTopic(context.Background(), group.TopicRequest{GroupID: community, TopicID: tc.topicID, Name: "n"})
			if tc.calls == 1 {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, srv.Calls(pCreateTopic), tc.calls)
		})
	}
}

func TestImportTopicGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pImportTopic, func(testkit.Request) any { return testkit.With(map[string]any{"TopicId": community + "@TOPIC#_old"}) })
	id, err := svc.ImportTopic(context.Background(), group.TopicRequest{GroupID: community, TopicID: group.TopicID(community, "old"), Name: "Old", Operator: "admin_1"}, time.Unix(1648000000, 0))
	require.NoError(t, err)
	assert.Equal(t, community+"@TOPIC#_old", id)
	golden(t, srv, pImportTopic, "import_topic")
}

func TestTopicsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	t1 := group.TopicID(community, "a")
	srv.Handle(pGetTopic, func(testkit.Request) any {
		return testkit.With(map[string]any{"TopicAndSelfInfo": []map[string]any{
			{
				"ErrorCode": 0,
				"TopicInfo": map[string]any{
					"TopicId": t1, "GroupID": community, "TopicName": "A", "FaceUrl": "https://f", "Notification": "n", "Introduction": "i",
					"CustomString": "c", "CreateTime": 1648000000, "LastMsgTime": "1648000100", "NextMsgSeq": 12, "ShutUpAllFlag": 1,
				},
				"SelfInfo": map[string]any{"ShutUpTime": 1648003600, "MsgSeq": "9007199254740993", "MsgFlag": "AcceptNotNotify"},
			},
			{"ErrorCode": 10010, "ErrorInfo": "topic not found", "TopicInfo": map[string]any{"TopicId": community + "@TOPIC#_gone"}},
		}})
	})
	got, err := svc.Topics(context.Background(), community, group.TopicQuery{TopicIDs: []string{t1, community + "@TOPIC#_gone"}, User: "doctor_1"})
	require.NoError(t, err)
	golden(t, srv, pGetTopic, "get_topic")
	require.Len(t, got, 2)
	assert.Equal(t, group.Topic{
		TopicID: t1, GroupID: community, Name: "A", FaceURL: "https://f", Notification: "n", Introduction: "i", CustomString: "c",
		CreateTime: time.Unix(1648000000, 0), LastMsgTime: time.Unix(1648000100, 0), NextMsgSeq: 12, MuteAll: true,
		Self: &group.TopicSelf{MutedUntil: time.Unix(1648003600, 0), MsgSeq: 1<<53 + 1, MsgFlag: group.AcceptNotNotify},
	}, got[0])
	require.NoError(t, got[0].Err())
	require.ErrorIs(t, got[1].Err(), tim.ErrGroupNotFound)

	_, err = svc.Topics(context.Background(), community, group.TopicQuery{})
	require.NoError(t, err)
	golden(t, srv, pGetTopic, "get_topic_all")
}

func TestUpdateAndDestroyTopicsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	t1, t2 := group.TopicID(community, "a"), group.TopicID(community, "b")
	require.NoError(t, svc.UpdateTopic(ctx, group.UpdateTopicRequest{
		GroupID: community, TopicID: t1, Name: new("A2"), Operator: "doctor_1", Introduction: new(""), MuteAll: new(true),
	}))
	golden(t, srv, pModifyTopic, "modify_topic")

	srv.Handle(pDestroyTopic, func(testkit.Request) any {
		return testkit.With(map[string]any{"DestroyResultItem": []map[string]any{
			{"TopicId": t1, "ErrorCode": 0}, {"TopicId": t2, "ErrorCode": 10007, "ErrorInfo": "no permission"},
		}})
	})
	res, err := svc.DestroyTopics(ctx, community, []string{t1, t2})
	require.NoError(t, err)
	golden(t, srv, pDestroyTopic, "destroy_topic")
	require.Len(t, res, 2)
	require.NoError(t, res[0].Err())
	require.ErrorIs(t, res[1].Err(), tim.ErrPermission)

	srv.Handle(pDestroyTopic, func(testkit.Request) any { return testkit.Fail(10010, "group not found") })
	_, err = svc.DestroyTopics(ctx, community, []string{t1})
	require.ErrorIs(t, err, tim.ErrGroupNotFound)
}

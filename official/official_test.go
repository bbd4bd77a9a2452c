package official_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/official"
)

const svc = "official_account_open_http_svc/"

func recorded(t *testing.T) (*official.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c.Official, srv
}

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := official.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "official.NewService")
}

// TestConformance sends each documented request through the typed method
// (built from the documented values) and reads the documented answer.
func TestConformance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type doc = map[string]json.RawMessage
	str := func(m doc, k string) string {
		var s string
		_ = json.Unmarshal(m[k], &s)
		return s
	}
	calls := map[string]func(t *testing.T, s *official.Service, req doc, resp json.RawMessage){
		svc + "create_official_account": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var n uint32
			require.NoError(t, json.Unmarshal(req["MaxSubscriberNum"], &n))
			id, err := s.Create(ctx, official.Account{ID: str(req, "OfficialAccountUserID"), Owner: str(req, "Owner_Account"), Name: str(req, "Name"),
				Introduction: str(req, "Introduction"), FaceURL: str(req, "FaceUrl"), Organization: str(req, "Organization"),
				CustomString: str(req, "CustomString"), MaxSubscribers: n})
			require.NoError(t, err)
			var want struct{ OfficialAccountUserID string }
			require.NoError(t, json.Unmarshal(resp, &want))
			assert.Equal(t, want.OfficialAccountUserID, id)
		},
		svc + "destroy_official_account": func(t *testing.T, s *official.Service, req doc, _ json.RawMessage) {
			require.NoError(t, s.Destroy(ctx, str(req, "Official_Account")))
		},
		svc + "modify_official_account_base_info": func(t *testing.T, s *official.Service, req doc, _ json.RawMessage) {
			var n uint32
			require.NoError(t, json.Unmarshal(req["MaxSubscriberNum"], &n))
			require.NoError(t, s.Modify(ctx, official.Account{ID: str(req, "Official_Account"), Name: str(req, "Name"),
				Introduction: str(req, "Introduction"), FaceURL: str(req, "FaceUrl"), Organization: str(req, "Organization"),
				CustomString: str(req, "CustomString"), MaxSubscribers: n}))
		},
		svc + "add_subscriber": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var list []struct{ Subscriber_Account string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(req["SubscriberList"], &list))
			var ids []string
			for _, x := range list {
				ids = append(ids, x.Subscriber_Account)
			}
			got, err := s.AddSubscribers(ctx, str(req, "Official_Account"), ids...)
			require.NoError(t, err)
			assertOutcomes(t, resp, got)
		},
		svc + "delete_subscriber": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var ids []string
			require.NoError(t, json.Unmarshal(req["SubscriberToDel_Account"], &ids))
			got, err := s.DeleteSubscribers(ctx, str(req, "Official_Account"), ids...)
			require.NoError(t, err)
			assertOutcomes(t, resp, got)
		},
		svc + "modify_subscriber_info": func(t *testing.T, s *official.Service, req doc, _ json.RawMessage) {
			require.NoError(t, s.ModifySubscriber(ctx, str(req, "Official_Account"), str(req, "Subscriber_Account"), str(req, "CustomString")))
		},
		svc + "get_subscriber_info": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var limit int
			require.NoError(t, json.Unmarshal(req["Limit"], &limit))
			p, err := s.SubscribersPage(ctx, str(req, "Official_Account"), str(req, "Next"), limit)
			require.NoError(t, err)
			var want struct {
				Next           string
				SubscriberNum  int64
				SubscriberList []struct {
					Subscriber_Account, CustomString, MsgFlag string //nolint:revive // the wire names
					SubscribeTime, LastSendMsgTime            int64
				}
			}
			require.NoError(t, json.Unmarshal(resp, &want))
			assert.Equal(t, want.Next, p.Next)
			assert.Equal(t, want.SubscriberNum, p.Total)
			require.Len(t, p.Subscribers, len(want.SubscriberList))
			for i, w := range want.SubscriberList {
				got := p.Subscribers[i]
				assert.Equal(t, w.Subscriber_Account, got.UserID)
				assert.Equal(t, w.SubscribeTime, got.SubscribedAt.Unix())
				assert.Equal(t, w.CustomString, got.CustomString)
				assert.Equal(t, official.MsgFlag(w.MsgFlag), got.MsgFlag)
				assert.True(t, got.LastSendMsgTime.IsZero(), "LastSendMsgTime 0 is the zero time")
			}
		},
		svc + "official_account_msg_get_simple": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var n int
			require.NoError(t, json.Unmarshal(req["ReqMsgNumber"], &n))
			p, err := s.HistoryPage(ctx, str(req, "Official_Account"), official.HistoryQuery{LastMsgKey: str(req, "LastMsgKey"), Number: n})
			require.NoError(t, err)
			if resp == nil {
				return
			}
			var want struct {
				IsFinished int
				LastMsgKey string
				RspMsgList []struct {
					From_Account         string //nolint:revive // the wire name
					IsPlaceMsg           int
					MsgBody              message.Body
					MsgSeq, MsgTimeStamp int64
					MsgKey               string
				}
			}
			require.NoError(t, json.Unmarshal(resp, &want))
			assert.Equal(t, want.IsFinished, p.IsFinished)
			assert.Equal(t, want.LastMsgKey, p.LastMsgKey)
			require.Len(t, p.Messages, len(want.RspMsgList))
			for i, w := range want.RspMsgList {
				got := p.Messages[i]
				assert.Equal(t, w.From_Account, got.From)
				assert.Equal(t, w.IsPlaceMsg == 1, got.Placeholder)
				assert.Equal(t, w.MsgBody, got.Body)
				require.Len(t, got.Body, 2)
				assert.Equal(t, uint64(w.MsgSeq), got.Seq)
				assert.Equal(t, w.MsgKey, got.MsgKey)
				assert.Equal(t, w.MsgTimeStamp, got.Time.Unix())
			}
		},
		svc + "send_official_account_msg": func(t *testing.T, s *official.Service, req doc, _ json.RawMessage) {
			var body message.Body
			require.NoError(t, json.Unmarshal(req["MsgBody"], &body))
			var push message.OfflinePushInfo
			require.NoError(t, json.Unmarshal(req["OfflinePushInfo"], &push))
			var random uint32
			require.NoError(t, json.Unmarshal(req["Random"], &random))
			_, err := s.Send(ctx, official.Broadcast{ID: str(req, "Official_Account"), Random: random, Body: body,
				CloudCustomData: str(req, "CloudCustomData"), OfflinePush: &push})
			require.NoError(t, err)
		},
		svc + "official_account_msg_recall": func(t *testing.T, s *official.Service, req doc, resp json.RawMessage) {
			var keys []string
			require.NoError(t, json.Unmarshal(req["MsgKeyList"], &keys))
			got, err := s.Recall(ctx, str(req, "Official_Account"), keys, str(req, "Reason"))
			require.NoError(t, err)
			var want struct{ RecallRetList []official.RecallResult }
			require.NoError(t, json.Unmarshal(resp, &want))
			assert.Equal(t, want.RecallRetList, got)
		},
	}
	for _, e := range official.Endpoints() {
		call := calls[e.Path]
		require.NotNil(t, call, "no conformance call for %s", e.Path)
		for _, ex := range testkit.RESTExamples(t, "..", e.Path) {
			t.Run(e.Path+"/"+ex.Name, func(t *testing.T) {
				s, srv := recorded(t)
				if ex.Response != nil {
					srv.Handle(e.Path, func(testkit.Request) any { return ex.Response })
				}
				var req doc
				require.NoError(t, json.Unmarshal(ex.Request, &req))
				call(t, s, req, ex.Response)
				got := srv.Last(e.Path).Body
				assert.JSONEq(t, string(ex.Request), string(got))
				testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
			})
		}
	}
}

func assertOutcomes(t *testing.T, resp json.RawMessage, got []official.SubscriberResult) {
	t.Helper()
	var want struct{ SubscriberList []official.SubscriberResult }
	require.NoError(t, json.Unmarshal(resp, &want))
	require.NotEmpty(t, want.SubscriberList)
	assert.Equal(t, want.SubscriberList, got)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	s, srv := recorded(t)
	ctx := context.Background()
	_, err := s.Create(ctx, official.Account{Owner: "u", Name: "n", ID: "oa_1"})
	testkit.AssertInvalid(t, err, "OfficialAccountUserID")
	_, err = s.Create(ctx, official.Account{Name: "n"})
	testkit.AssertInvalid(t, err, "Owner_Account")
	_, err = s.Create(ctx, official.Account{Owner: "u"})
	testkit.AssertInvalid(t, err, "Name")
	_, err = s.Create(ctx, official.Account{Owner: "u", Name: strings.Repeat("名", 51)})
	testkit.AssertInvalid(t, err, "Name")
	_, err = s.Create(ctx, official.Account{Owner: "u", Name: "n", CustomString: strings.Repeat("x", 3001)})
	testkit.AssertInvalid(t, err, "CustomString")
	testkit.AssertInvalid(t, s.Destroy(ctx, "@TOA#_"), "Official_Account")
	testkit.AssertInvalid(t, s.Modify(ctx, official.Account{ID: "@TOA#_a", Owner: "u"}), "Owner_Account")
	_, err = s.AddSubscribers(ctx, "@TOA#_a")
	testkit.AssertInvalid(t, err, "SubscriberList")
	many := make([]string, 101)
	for i := range many {
		many[i] = "u"
	}
	_, err = s.AddSubscribers(ctx, "@TOA#_a", many...)
	testkit.AssertInvalid(t, err, "SubscriberList")
	_, err = s.DeleteSubscribers(ctx, "@TOA#_a", "")
	testkit.AssertInvalid(t, err, "SubscriberToDel_Account[0]")
	_, err = s.Send(ctx, official.Broadcast{ID: "@TOA#_a"})
	testkit.AssertInvalid(t, err, "MsgBody")
	_, err = s.Recall(ctx, "@TOA#_a", nil, "")
	testkit.AssertInvalid(t, err, "MsgKeyList")
	_, err = s.Recall(ctx, "@TOA#_a", make([]string, 11), "")
	testkit.AssertInvalid(t, err, "MsgKeyList")
	_, err = s.Recall(ctx, "@TOA#_a", []string{"1_1_1"}, strings.Repeat("r", 101))
	testkit.AssertInvalid(t, err, "Reason")
	_, err = s.HistoryPage(ctx, "@TOA#_a", official.HistoryQuery{Number: -1})
	testkit.AssertInvalid(t, err, "ReqMsgNumber")
	_, err = s.HistoryPage(ctx, "", official.HistoryQuery{})
	testkit.AssertInvalid(t, err, "Official_Account")
	testkit.AssertInvalid(t, s.ModifySubscriber(ctx, "@TOA#_a", "", "x"), "Subscriber_Account")
	testkit.AssertInvalid(t, s.ModifySubscriber(ctx, "a", "u", "x"), "Official_Account")
	_, err = s.SubscribersPage(ctx, "@TOA#_a", "", 201)
	testkit.AssertInvalid(t, err, "Limit")
	_, err = s.SubscribersPage(ctx, "@TOA#_a", "", -1)
	testkit.AssertInvalid(t, err, "Limit")
	_, errs := testkit.Drain(s.Subscribers(ctx, "TOA_a", 0), 0)
	require.Len(t, errs, 1)
	testkit.AssertInvalid(t, errs[0], "Official_Account")
	assert.Empty(t, srv.Requests())
}

// TestSubscribersWalk: the walker sends Limit and each page's Next, ends
// on an empty Next, and stops with ErrCursorStuck on a Next that does not
// move.
func TestSubscribersWalk(t *testing.T) {
	t.Parallel()
	page := func(next string, users ...string) map[string]any {
		list := []map[string]any{}
		for _, u := range users {
			list = append(list, map[string]any{"Subscriber_Account": u, "SubscribeTime": 1698821747, "MsgFlag": "Discard"})
		}
		return map[string]any{"ActionStatus": "OK", "ErrorCode": 0, "Next": next, "SubscriberNum": 3, "SubscriberList": list}
	}
	tests := []struct {
		name  string
		pages map[string]map[string]any
		want  []string
		stuck bool
	}{
		{"ends on an empty Next", map[string]map[string]any{"": page("c1", "u1", "u2"), "c1": page("", "u3")}, []string{"u1", "u2", "u3"}, false},
		{"a Next that does not move", map[string]map[string]any{"": page("c1", "u1"), "c1": page("c1", "u2")}, []string{"u1", "u2"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, srv := recorded(t)
			srv.Handle(svc+"get_subscriber_info", func(r testkit.Request) any {
				var req struct {
					Limit int
					Next  string
				}
				r.Decode(t, &req)
				assert.Equal(t, official.MaxSubscriberPage, req.Limit)
				return tc.pages[req.Next]
			})
			subs, errs := testkit.Drain(s.Subscribers(context.Background(), "@TOA#_ward", 0), 10)
			var got []string
			for _, sub := range subs {
				assert.Equal(t, official.Discard, sub.MsgFlag)
				got = append(got, sub.UserID)
			}
			assert.Equal(t, tc.want, got)
			assertWalkEnd(t, errs, tc.stuck)
		})
	}
}

// TestSendDrawsARandom: a broadcast without a Random gets one.
func TestSendDrawsARandom(t *testing.T) {
	t.Parallel()
	s, srv := recorded(t)
	_, err := s.Send(context.Background(), official.Broadcast{ID: "@TOA#_a", Body: message.Body{&message.Text{Text: "ward news"}}})
	require.NoError(t, err)
	var req struct{ Random uint32 }
	srv.Last(svc+"send_official_account_msg").Decode(t, &req)
	assert.NotZero(t, req.Random)
}

// TestHistoryWalk: the walker reads the newest page without a key, then
// each page from the previous LastMsgKey, with WithRecalledMsg when asked;
// it ends on an empty page or an empty LastMsgKey and stops with
// ErrCursorStuck on a LastMsgKey that does not move.
func TestHistoryWalk(t *testing.T) {
	t.Parallel()
	page := func(last string, seqs ...int) map[string]any {
		list := []map[string]any{}
		for _, q := range seqs {
			list = append(list, map[string]any{"From_Account": "@TOA#_ward", "IsPlaceMsg": 0, "MsgSeq": q,
				"MsgKey": fmt.Sprintf("%d_1_1698741698", q), "MsgTimeStamp": 1698741698,
				"MsgBody": []any{map[string]any{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": "x"}}}})
		}
		return map[string]any{"ActionStatus": "OK", "ErrorCode": 0, "IsFinished": 0, "LastMsgKey": last, "RspMsgList": list}
	}
	tests := []struct {
		name     string
		recalled bool
		pages    map[string]map[string]any
		want     []uint64
		stuck    bool
	}{
		{"ends on an empty page", true, map[string]map[string]any{"": page("4_1_1698741698", 4, 5), "4_1_1698741698": page("3_1_1698741698", 3),
			"3_1_1698741698": page("")}, []uint64{4, 5, 3}, false},
		{"ends on an empty LastMsgKey", false, map[string]map[string]any{"": page("", 9)}, []uint64{9}, false},
		{"a LastMsgKey that does not move", false, map[string]map[string]any{"": page("4_1_1698741698", 4),
			"4_1_1698741698": page("4_1_1698741698", 4)}, []uint64{4, 4}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, srv := recorded(t)
			srv.Handle(svc+"official_account_msg_get_simple", func(r testkit.Request) any {
				var req struct {
					LastMsgKey      string
					ReqMsgNumber    int
					WithRecalledMsg int
				}
				r.Decode(t, &req)
				assert.Equal(t, 2, req.ReqMsgNumber)
				assert.Equal(t, tc.recalled, req.WithRecalledMsg == 1)
				return tc.pages[req.LastMsgKey]
			})
			msgs, errs := testkit.Drain(s.History(context.Background(), "@TOA#_ward", 2, tc.recalled), 10)
			var got []uint64
			for _, m := range msgs {
				got = append(got, m.Seq)
			}
			assert.Equal(t, tc.want, got)
			assertWalkEnd(t, errs, tc.stuck)
		})
	}
}

// assertWalkEnd: a walk that ends cleanly yields no error; a stuck one
// yields exactly one, matching ErrCursorStuck.
func assertWalkEnd(t *testing.T, errs []error, stuck bool) {
	t.Helper()
	if !stuck {
		assert.Empty(t, errs)
		return
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
	assert.ErrorIs(t, errs[0], tim.ErrCursorStuck)
}

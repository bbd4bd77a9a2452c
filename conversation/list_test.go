package conversation_test

import (
	"context"
	"net/http"
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

func newService(t *testing.T, opts ...conversation.Option) (*conversation.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry())
	require.NoError(t, err)
	svc, err := conversation.NewService(c, opts...)
	require.NoError(t, err)
	return svc, srv
}

type listReq struct {
	FromAccount   string `json:"From_Account"`
	TimeStamp     int64  `json:"TimeStamp"`
	StartIndex    int64  `json:"StartIndex"`
	TopTimeStamp  int64  `json:"TopTimeStamp"`
	TopStartIndex int64  `json:"TopStartIndex"`
	AssistFlags   int    `json:"AssistFlags"`
}

func collect(t *testing.T, svc *conversation.Service, user string) ([]conversation.Conversation, error) {
	t.Helper()
	var out []conversation.Conversation
	for c, err := range svc.List(context.Background(), user) {
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Three pages: pinned conversations come first and page with their own
// cursor (TopTimeStamp/TopStartIndex), normal ones with TimeStamp/StartIndex.
// The server checks that each request carries exactly the cursors the
// previous answer returned.
func TestListPagesFeedBackBothCursors(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	pages := []map[string]any{
		{
			"SessionItem": []map[string]any{
				{"Type": 1, "To_Account": "pinned_peer", "MsgTime": 1630997627, "TopFlag": 1},
				{"Type": 2, "GroupId": "@TGS#pinned", "MsgTime": 1630997628, "TopFlag": 1},
			},
			"CompleteFlag": 0, "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 1630997628, "TopStartIndex": 2,
		},
		{
			"SessionItem": []map[string]any{
				{"Type": 2, "GroupId": "@TGS#pinned2", "MsgTime": 1630997600, "TopFlag": 1},
				{"Type": 1, "To_Account": "peer1", "MsgTime": 1630997650, "TopFlag": 0},
			},
			"CompleteFlag": 0, "TimeStamp": 1630997650, "StartIndex": 1, "TopTimeStamp": 1630997600, "TopStartIndex": 3,
		},
		{
			"SessionItem": []map[string]any{
				{"Type": 2, "GroupId": "@TGS#g1", "MsgTime": 1630997640, "TopFlag": 0},
				{"Type": 1, "To_Account": "peer2", "MsgTime": 1630997630, "TopFlag": 0},
			},
			"CompleteFlag": 1, "TimeStamp": 1630997630, "StartIndex": 3, "TopTimeStamp": 1630997600, "TopStartIndex": 3,
		},
	}
	want := []listReq{
		{"doctor_1", 0, 0, 0, 0, 15},
		{"doctor_1", 0, 0, 1630997628, 2, 15},
		{"doctor_1", 1630997650, 1, 1630997600, 3, 15},
	}
	n := 0
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		var got listReq
		r.Decode(t, &got)
		if n >= len(pages) {
			t.Errorf("unexpected page request %d", n+1)
			return testkit.Fail(10004, "no more pages")
		}
		assert.Equal(t, want[n], got, "request %d", n+1)
		p := testkit.With(pages[n])
		n++
		return p
	})

	got, err := collect(t, svc, "doctor_1")
	require.NoError(t, err)
	require.Len(t, got, 6)
	assert.Len(t, srv.Calls("recentcontact/get_list"), 3)
	testkit.AssertGolden(t, "testdata/golden/get_list.json", srv.Calls("recentcontact/get_list")[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_list_page2.json", srv.Calls("recentcontact/get_list")[1].Body)

	assert.Equal(t, conversation.Conversation{Type: message.ConvC2C, PeerID: "pinned_peer", MsgTime: time.Unix(1630997627, 0), Pinned: true}, got[0])
	assert.Equal(t, "C2Cpinned_peer", got[0].ID())
	assert.Equal(t, message.ConvGroup, got[1].Type)
	assert.Equal(t, "@TGS#pinned", got[1].GroupID)
	assert.Equal(t, "GROUP@TGS#pinned", got[1].ID())
	assert.True(t, got[2].Pinned)
	assert.False(t, got[3].Pinned)
	var pinned, ids []string
	for _, c := range got {
		ids = append(ids, c.ID())
		if c.Pinned {
			pinned = append(pinned, c.ID())
		}
	}
	assert.Equal(t, []string{"C2Cpinned_peer", "GROUP@TGS#pinned", "GROUP@TGS#pinned2"}, pinned)
	assert.Equal(t, []string{"C2Cpinned_peer", "GROUP@TGS#pinned", "GROUP@TGS#pinned2", "C2Cpeer1", "GROUP@TGS#g1", "C2Cpeer2"}, ids)
}

func TestListPage(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, conversation.WithAssistFlags(conversation.AssistFlagsWithMarks))
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		return testkit.With(map[string]any{
			"SessionItem": []map[string]any{{
				"Type": 1, "To_Account": "p", "MsgTime": 100, "TopFlag": 0,
				"StandardMark": "111001", "CustomMark": "vip", "ContactGroupId": []int{1, 2},
			}},
			"CompleteFlag": 0, "TimeStamp": 100, "StartIndex": 1, "TopTimeStamp": 0, "TopStartIndex": 0,
			"ErrorDisplay": "",
		})
	})
	p, err := svc.ListPage(context.Background(), "u1", conversation.Cursor{TimeStamp: time.Unix(5, 0), StartIndex: 6, TopTimeStamp: time.Unix(7, 0), TopStartIndex: 8})
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/get_list_marks.json", srv.Last("recentcontact/get_list").Body)
	assert.False(t, p.Complete)
	// The time cursors come back as instants; 0 on the wire is the zero time.
	assert.Equal(t, conversation.Cursor{TimeStamp: time.Unix(100, 0), StartIndex: 1}, p.Next)
	assert.True(t, p.Next.TopTimeStamp.IsZero())
	require.Len(t, p.Conversations, 1)
	c := p.Conversations[0]
	assert.Equal(t, "111001", c.StandardMark)
	assert.Equal(t, "vip", c.CustomMark)
	assert.Equal(t, []int{1, 2}, c.ContactGroupIDs)
	assert.Equal(t, conversation.C2C("p"), c.Target())
}

// Tencent's samples drift (§11): Type as a string or missing, GroupId as a
// number, To_Account as an array, numbers as strings.
func TestListToleratesDrift(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.HandleRaw("recentcontact/get_list", func(w http.ResponseWriter, r testkit.Request) {
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":"",
		"SessionItem":[
		 {"Type":"2","GroupId":1234567,"MsgTime":"1630997628","TopFlag":"1"},
		 {"Type":1,"To_Account":["alice"],"MsgTime":1630997627,"TopFlag":0},
		 {"To_Account":"bob","MsgTime":1},
		 {"GroupId":"@TGS#x"},
		 {"Type":"G2C","ToGroupId":"@TGS#y","Unknown":{"a":[1,2]}},
		 {"Type":1,"To_Account":[],"MsgTime":null,"ContactGroupId":["3",4]},
		 {"Type":1,"To_Account":"pa\u0074ient \"7\"","CustomMark":"\u533b"}
		],
		"CompleteFlag":"1","TimeStamp":"0","StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0}`))
	})
	got, err := collect(t, svc, "u")
	require.NoError(t, err)
	require.Len(t, got, 7)
	assert.Equal(t, `patient "7"`, got[6].PeerID)
	assert.Equal(t, "医", got[6].CustomMark)
	assert.Equal(t, conversation.Conversation{Type: message.ConvGroup, GroupID: "1234567", MsgTime: time.Unix(1630997628, 0), Pinned: true}, got[0])
	assert.Equal(t, "alice", got[1].PeerID)
	assert.Equal(t, message.ConvC2C, got[1].Type)
	assert.Equal(t, message.ConvC2C, got[2].Type)
	assert.Equal(t, "bob", got[2].PeerID)
	assert.Equal(t, conversation.Group("@TGS#x"), got[3].Target())
	assert.Equal(t, conversation.Group("@TGS#y"), got[4].Target())
	assert.True(t, got[5].MsgTime.IsZero())
	assert.Equal(t, []int{3, 4}, got[5].ContactGroupIDs)
}

func TestListStopsOnStuckCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		return testkit.With(map[string]any{
			"SessionItem":  []map[string]any{{"Type": 1, "To_Account": "p"}},
			"CompleteFlag": 0, "TimeStamp": 9, "StartIndex": 9, "TopTimeStamp": 0, "TopStartIndex": 0,
		})
	})
	got, err := collect(t, svc, "u")
	require.ErrorIs(t, err, api.ErrCursorStuck)
	require.ErrorIs(t, err, tim.ErrCursorStuck)
	assert.Contains(t, err.Error(), "conversation: list page 2")
	assert.Len(t, got, 2, "both pages' items are yielded before the error")
	assert.Len(t, srv.Calls("recentcontact/get_list"), 2)
}

func TestListErrorOnLaterPage(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	n := 0
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		n++
		if n == 2 {
			return testkit.Fail(70107, "account not imported")
		}
		return testkit.With(map[string]any{
			"SessionItem":  []map[string]any{{"Type": 1, "To_Account": "p"}},
			"CompleteFlag": 0, "TimeStamp": n, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0,
		})
	})
	got, err := collect(t, svc, "u")
	require.ErrorIs(t, err, tim.ErrAccountNotFound)
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 70107, ae.Code)
	assert.Contains(t, err.Error(), "page 2")
	assert.Len(t, got, 1)
}

func TestListBreakStopsPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	n := 0
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		n++
		return testkit.With(map[string]any{
			"SessionItem":  []map[string]any{{"Type": 1, "To_Account": "a"}, {"Type": 1, "To_Account": "b"}},
			"CompleteFlag": 0, "TimeStamp": n, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0,
		})
	})
	for c, err := range svc.List(context.Background(), "u") {
		require.NoError(t, err)
		if c.PeerID == "b" {
			break
		}
	}
	assert.Len(t, srv.Calls("recentcontact/get_list"), 1)
}

func TestListContextCancelled(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range svc.List(ctx, "u") {
		require.ErrorIs(t, err, context.Canceled)
	}
	assert.Empty(t, srv.Requests())
}

func TestListValidatesUser(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	for _, u := range []string{"", "123456789012345678901234567890123"} {
		_, err := svc.ListPage(context.Background(), u, conversation.Cursor{})
		require.ErrorIs(t, err, tim.ErrInvalidParameter)
		var ie *tim.InvalidInputError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "From_Account", ie.Field)
		_, err = collect(t, svc, u)
		require.ErrorIs(t, err, tim.ErrInvalidParameter)
	}
	assert.Empty(t, srv.Requests())
}

// A Page's Next fed back to ListPage sends the same four integers: the
// time cursors survive the round trip through time.Time.
func TestListPageCursorRoundTrip(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("recentcontact/get_list", func(r testkit.Request) any {
		return testkit.With(map[string]any{
			"SessionItem":  []map[string]any{},
			"CompleteFlag": 0, "TimeStamp": 1630997650, "StartIndex": 1, "TopTimeStamp": 1630997600, "TopStartIndex": 3,
		})
	})
	p, err := svc.ListPage(context.Background(), "u", conversation.Cursor{})
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1630997650, 0), p.Next.TimeStamp)
	assert.Equal(t, time.Unix(1630997600, 0), p.Next.TopTimeStamp)
	_, err = svc.ListPage(context.Background(), "u", p.Next)
	require.NoError(t, err)
	var got listReq
	srv.Last("recentcontact/get_list").Decode(t, &got)
	assert.Equal(t, listReq{"u", 1630997650, 1, 1630997600, 3, 15}, got)
	// An instant given in another zone is the same second on the wire.
	_, err = svc.ListPage(context.Background(), "u", conversation.Cursor{TimeStamp: time.Unix(1630997650, 999).In(time.FixedZone("CST", 8*3600))})
	require.NoError(t, err)
	srv.Last("recentcontact/get_list").Decode(t, &got)
	assert.Equal(t, int64(1630997650), got.TimeStamp)
}

func TestListPageRejectsBadCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	before1970 := time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		field string
		cur   conversation.Cursor
	}{
		{"TimeStamp", conversation.Cursor{TimeStamp: before1970}},
		{"TopTimeStamp", conversation.Cursor{TopTimeStamp: before1970}},
		{"StartIndex", conversation.Cursor{StartIndex: -1}},
		{"TopStartIndex", conversation.Cursor{TopStartIndex: -1}},
	} {
		_, err := svc.ListPage(context.Background(), "u", tc.cur)
		var ie *tim.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.field)
		assert.Equal(t, tc.field, ie.Field)
	}
	assert.Empty(t, srv.Requests())
}

func TestNewServiceRejectsBadInput(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	tests := []struct {
		name  string
		d     api.Doer
		opts  []conversation.Option
		field string
	}{
		{"nil doer", nil, nil, "conversation.NewService"},
		{"nil option", c, []conversation.Option{nil}, "opts[0]"},
		{"undocumented assist bit", c, []conversation.Option{conversation.WithAssistFlags(64)}, "WithAssistFlags"},
		{"negative assist flags", c, []conversation.Option{conversation.WithAssistFlags(-1)}, "WithAssistFlags"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := conversation.NewService(tc.d, tc.opts...)
			assert.Nil(t, svc)
			require.ErrorIs(t, err, tim.ErrInvalidParameter)
			var ie *api.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field)
		})
	}
	svc, err := conversation.NewService(c, conversation.WithAssistFlags(conversation.AssistFlagsWithMarks))
	require.NoError(t, err)
	assert.NotNil(t, svc)
}

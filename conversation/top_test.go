package conversation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
)

const pTop = "recentcontact/top"

// TestPinConformance sends each documented recentcontact/top request.
func TestPinConformance(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pTop) {
		svc, srv := newService(t)
		srv.Handle(pTop, func(testkit.Request) any { return ex.Response })
		var r struct {
			From string `json:"From_Account"`
			Op   int    `json:"OperationType"`
			List []struct {
				Type    int
				ToAcc   string `json:"To_Account"`
				GroupID string `json:"GroupId"`
			} `json:"RecentContactItem"`
		}
		require.NoError(t, json.Unmarshal(ex.Request, &r), ex.Name)
		var with []conversation.Target
		for _, it := range r.List {
			if it.Type == 2 {
				with = append(with, conversation.Group(it.GroupID))
			} else {
				with = append(with, conversation.C2C(it.ToAcc))
			}
		}
		require.NoError(t, svc.Pin(context.Background(), r.From, r.Op == 1, with...), ex.Name)
		got := srv.Last(pTop).Body
		assert.JSONEq(t, string(ex.Request), string(got), ex.Name)
		testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
	}
}

func TestPinValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx := context.Background()
	testkit.AssertInvalid(t, svc.Pin(ctx, "", true, conversation.C2C("b")), "From_Account")
	testkit.AssertInvalid(t, svc.Pin(ctx, "a", true), "RecentContactItem")
	testkit.AssertInvalid(t, svc.Pin(ctx, "a", false, conversation.C2C("b"), conversation.Group("")), "RecentContactItem[1].ToGroupId")
	testkit.AssertInvalid(t, svc.Pin(ctx, "a", true, conversation.Target{Type: "Topic", ID: "x"}), "RecentContactItem[0].Type")
	assert.Empty(t, srv.Requests())
}

// TestPinOnTheFake pins and unpins a conversation on the fake; a
// conversation that is not in the list is refused with 50002.
func TestPinOnTheFake(t *testing.T) {
	t.Parallel()
	e := e2e.New(t)
	srv, c, ctx := e.Fake, e.Client, e2e.Context(t)
	require.NoError(t, srv.ImportAccounts("a", "b", "c"))
	for _, to := range []string{"b", "c"} {
		_, err := c.Message.Send(ctx, message.NewText(message.ConvC2C, to, "hi", message.WithSender("a")))
		require.NoError(t, err)
	}
	pinned := func() map[string]bool {
		out := map[string]bool{}
		for _, cv := range srv.Conversations("a") {
			out[cv.Peer] = cv.Pinned
		}
		return out
	}
	require.NoError(t, c.Conversation.Pin(ctx, "a", true, conversation.C2C("b")))
	assert.Equal(t, map[string]bool{"b": true, "c": false}, pinned())
	assert.Equal(t, "b", srv.Conversations("a")[0].Peer, "pinned conversations come first")

	var apiErr *api.Error
	err := c.Conversation.Pin(ctx, "a", true, conversation.C2C("c"), conversation.C2C("nobody"))
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 50002, apiErr.Code)
	assert.Equal(t, map[string]bool{"b": true, "c": false}, pinned(), "a refused call changes nothing")

	require.NoError(t, c.Conversation.Pin(ctx, "a", false, conversation.C2C("b")))
	assert.Equal(t, map[string]bool{"b": false, "c": false}, pinned())
}

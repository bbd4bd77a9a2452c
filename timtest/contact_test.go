package timtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

type contactPage struct {
	env
	CompleteFlag  int   `json:"CompleteFlag"`
	TimeStamp     int64 `json:"TimeStamp"`
	StartIndex    int   `json:"StartIndex"`
	TopTimeStamp  int64 `json:"TopTimeStamp"`
	TopStartIndex int   `json:"TopStartIndex"`
	SessionItem   []struct {
		Type      int    `json:"Type"`
		ToAccount string `json:"To_Account"`
		GroupID   string `json:"GroupId"`
		MsgTime   int64  `json:"MsgTime"`
		TopFlag   int    `json:"TopFlag"`
	} `json:"SessionItem"`
}

// listAll pages through get_list and returns "peer/TopFlag" entries and the page count.
func listAll(t *testing.T, c *tim.Client, user string, flags int) ([]string, int) {
	t.Helper()
	req := map[string]any{"From_Account": user, "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": flags}
	var out []string
	for pages := 1; ; pages++ {
		require.Less(t, pages, 50)
		var p contactPage
		require.NoError(t, c.Do(ctxT(t), ep("recentcontact/get_list"), req, &p))
		for _, it := range p.SessionItem {
			peer := it.ToAccount
			if it.Type == 2 {
				peer = "G:" + it.GroupID
			}
			out = append(out, fmt.Sprintf("%s/%d", peer, it.TopFlag))
		}
		if p.CompleteFlag == 1 {
			return out, pages
		}
		req["TimeStamp"], req["StartIndex"] = p.TimeStamp, p.StartIndex
		req["TopTimeStamp"], req["TopStartIndex"] = p.TopTimeStamp, p.TopStartIndex
	}
}

func TestContactListPaging(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now), timtest.WithContactPageSize(3))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	users := []string{"me", "p0", "p1", "p2", "p3", "p4", "p5", "p6"}
	importUsers(t, c, users...)
	gid := createGroup(t, c, map[string]any{"Owner_Account": "me", "Type": "Public", "Name": "g"})

	// p0..p6 write to me; several in the same second so the StartIndex matters.
	for i := range 7 {
		send(t, c, fmt.Sprint("p", i), "me", "hi", uint32(i+1))
		if i%3 == 0 {
			clk.Advance(time.Second)
		}
	}
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: gid, FromAccount: "me", Random: 1, MsgBody: text("g")}, nil))
	require.NoError(t, srv.PinConversation("me", timtest.ConvC2C, "p1", true))
	require.NoError(t, srv.PinConversation("me", timtest.ConvC2C, "p4", true))
	assert.Error(t, srv.PinConversation("me", timtest.ConvC2C, "nobody", true))

	want := []string{"G:" + gid + "/0", "p6/0", "p5/0", "p3/0", "p2/0", "p0/0"}
	got, pages := listAll(t, c, "me", 7)
	assert.Equal(t, append([]string{"p4/1", "p1/1"}, want...), got)
	assert.Equal(t, 3, pages)

	// Without pinned support, pinned ones are ordinary conversations.
	got, _ = listAll(t, c, "me", 0)
	assert.Equal(t, []string{"G:" + gid + "/0", "p6/0", "p5/0", "p4/0", "p3/0", "p2/0", "p1/0", "p0/0"}, got)

	// delete (ToGroupid key) removes it; ClearRamble hides the history from that side.
	require.NoError(t, c.Do(ctx, ep("recentcontact/delete"), map[string]any{"From_Account": "me", "Type": 2, "ToGroupid": gid}, nil))
	require.NoError(t, c.Do(ctx, ep("recentcontact/delete"), map[string]any{"From_Account": "me", "Type": 1, "To_Account": "p6", "ClearRamble": 1}, nil))
	got, _ = listAll(t, c, "me", 7)
	assert.Equal(t, []string{"p4/1", "p1/1", "p5/0", "p3/0", "p2/0", "p0/0"}, got)
	var r roamResp
	require.NoError(t, c.Do(ctx, ep("openim/admin_getroammsg"), map[string]any{"Operator_Account": "me", "Peer_Account": "p6",
		"MaxCnt": 10, "MinTime": 0, "MaxTime": clk.Now().Unix()}, &r))
	assert.Empty(t, r.MsgList)
	require.NoError(t, c.Do(ctx, ep("openim/admin_getroammsg"), map[string]any{"Operator_Account": "p6", "Peer_Account": "me",
		"MaxCnt": 10, "MinTime": 0, "MaxTime": clk.Now().Unix()}, &r))
	assert.Len(t, r.MsgList, 1, "the other side keeps its history")

	assert.Equal(t, 70107, codeOf(c.Do(ctx, ep("recentcontact/get_list"), map[string]any{"From_Account": "ghost"}, nil)))
	assert.Equal(t, 60003, codeOf(c.Do(ctx, ep("recentcontact/delete"), map[string]any{"From_Account": "me", "Type": 3, "To_Account": "x"}, nil)))
}

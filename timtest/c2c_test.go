package timtest_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

func TestSendMsgChecks(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "a", "b")
	tests := []struct {
		name string
		req  any
		code int
	}{
		{"ok", sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: 1, MsgBody: text("x")}, 0},
		{"admin sender by default", sendReq{ToAccount: "b", MsgRandom: 2, MsgBody: text("x")}, 0},
		{"recipient not imported", sendReq{FromAccount: "a", ToAccount: "ghost", MsgRandom: 3, MsgBody: text("x")}, 90012},
		{"sender not imported", sendReq{FromAccount: "ghost", ToAccount: "b", MsgRandom: 4, MsgBody: text("x")}, 70107},
		{"no To_Account", map[string]any{"MsgRandom": 1, "MsgBody": text("x")}, 90003},
		{"To_Account not a string", map[string]any{"To_Account": []string{"b"}, "MsgRandom": 1, "MsgBody": text("x")}, 90003},
		{"no MsgRandom", map[string]any{"To_Account": "b", "MsgBody": text("x")}, 90005},
		{"MsgTimeStamp not an integer", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgTimeStamp": "now", "MsgBody": text("x")}, 90006},
		{"MsgBody not an array", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgBody": map[string]any{"MsgType": "TIMTextElem"}}, 90002},
		{"empty MsgBody", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgBody": []any{}}, 90002},
		{"unknown element", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgBody": []any{map[string]any{"MsgType": "TIMBogusElem", "MsgContent": map[string]any{}}}}, 90007},
		{"two custom elements", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgBody": []any{
			map[string]any{"MsgType": "TIMCustomElem", "MsgContent": map[string]any{"Data": "1"}},
			map[string]any{"MsgType": "TIMCustomElem", "MsgContent": map[string]any{"Data": "2"}}}}, 90007},
		{"MsgLifeTime over 7 days", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgLifeTime": 604801, "MsgBody": text("x")}, 90026},
		{"too long", map[string]any{"To_Account": "b", "MsgRandom": 1, "MsgBody": text(string(make([]byte, 13000)))}, 93000},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var resp sendResp
				err := c.Do(ctxT(t), ep("openim/sendmsg"), tt.req, &resp)
				assert.Equal(t, tt.code, codeOf(err), "err: %v", err)
			})
		}
	})
	require.Len(t, srv.Messages("a", "b"), 1)
	require.Len(t, srv.Messages("administrator", "b"), 1)
}

func TestSendMsgKeysAndDedup(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	importUsers(t, c, "a", "b")

	req := sendReq{FromAccount: "a", ToAccount: "b", MsgSeq: 31906, MsgRandom: 833502, MsgBody: text("hello"), CloudCustomData: "cc"}
	var first, second sendResp
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), req, &first))
	assert.Equal(t, "31906_833502_1700000000", first.MsgKey)
	assert.Equal(t, int64(1700000000), first.MsgTime)
	assert.NotEmpty(t, first.MsgID)

	// The same request inside 120 s is a duplicate: original identifiers, nothing stored.
	clk.Advance(100 * time.Second)
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), req, &second))
	assert.Equal(t, first.MsgKey, second.MsgKey)
	assert.Equal(t, first.MsgTime, second.MsgTime)
	msgs := srv.Messages("a", "b")
	require.Len(t, msgs, 1)
	assert.Equal(t, "hello", msgs[0].Text())
	assert.Equal(t, "cc", msgs[0].CloudCustomData)
	assert.Equal(t, 1, srv.Unread("b", "a"))

	// Another body is another message.
	other := req
	other.MsgBody = text("hello!")
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), other, &second))
	assert.Len(t, srv.Messages("a", "b"), 2)

	// After the window the same request is new again.
	clk.Advance(21 * time.Second)
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), req, &second))
	assert.NotEqual(t, first.MsgKey, second.MsgKey)
	assert.Len(t, srv.Messages("a", "b"), 3)

	// Without MsgSeq the server picks one; the MsgKey is still seq_random_time.
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), sendReq{FromAccount: "b", ToAccount: "a", MsgRandom: 7, MsgBody: text("yo")}, &second))
	assert.Regexp(t, regexp.MustCompile(`^[1-9][0-9]*_7_1700000121$`), second.MsgKey)

	// Both sides see the conversation.
	assert.Equal(t, []timtest.Conversation{{Type: timtest.ConvC2C, Peer: "b", MsgTime: 1700000121}}, srv.Conversations("a"))
	assert.Equal(t, []timtest.Conversation{{Type: timtest.ConvC2C, Peer: "a", MsgTime: 1700000121}}, srv.Conversations("b"))
}

func TestBatchSendMsg(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, timtest.DefaultSDKAppID, "")
	srv := timtest.NewServer(t, timtest.WithCallback(rcv.URL, ""))
	c := newClient(t, srv)
	ctx := ctxT(t)
	importUsers(t, c, "a", "b", "c")

	var resp struct {
		env
		MsgKey    string `json:"MsgKey"`
		ErrorList []struct {
			ToAccount string `json:"To_Account"`
			ErrorCode int    `json:"ErrorCode"`
		} `json:"ErrorList"`
	}
	// A partial failure is ActionStatus "SomeError" with ErrorCode 0 (read
	// raw here: what the SDK makes of it is the SDK's business).
	req := sendReq{FromAccount: "a", ToAccount: []string{"b", "ghost", "c"}, MsgRandom: 9, MsgBody: text("all")}
	raw := postRaw(t, srv, "openim/batchsendmsg", req)
	require.NoError(t, json.Unmarshal(raw, &resp))
	assert.Equal(t, "SomeError", resp.ActionStatus)
	assert.Equal(t, 0, resp.ErrorCode)
	require.Len(t, resp.ErrorList, 1)
	assert.Equal(t, "ghost", resp.ErrorList[0].ToAccount)
	assert.Equal(t, 70107, resp.ErrorList[0].ErrorCode)
	require.Len(t, srv.MessagesTo("b"), 1)
	require.Len(t, srv.MessagesTo("c"), 1)
	assert.True(t, srv.MessagesTo("c")[0].Batch)
	assert.Equal(t, resp.MsgKey, srv.MessagesTo("c")[0].MsgKey)

	// A resend is absorbed.
	var again struct {
		env
		MsgKey string `json:"MsgKey"`
	}
	require.NoError(t, json.Unmarshal(postRaw(t, srv, "openim/batchsendmsg", req), &again))
	assert.Equal(t, resp.MsgKey, again.MsgKey)
	assert.Len(t, srv.MessagesTo("b"), 1)
	var ok env
	require.NoError(t, c.Do(ctx, ep("openim/batchsendmsg"), sendReq{FromAccount: "a", ToAccount: []string{"b"}, MsgRandom: 10, MsgBody: text("one")}, &ok))
	assert.Equal(t, "OK", ok.ActionStatus, "no failed recipient: OK")
	err := c.Do(ctx, ep("openim/batchsendmsg"), sendReq{FromAccount: "a", ToAccount: []string{"ghost", "nobody"}, MsgRandom: 11, MsgBody: text("x")}, nil)
	assert.Equal(t, 90012, codeOf(err), "sent to none: FAIL 90012")

	over := make([]string, 501)
	for i := range over {
		over[i] = fmt.Sprint("u", i)
	}
	err = c.Do(ctx, ep("openim/batchsendmsg"), sendReq{ToAccount: over, MsgRandom: 1, MsgBody: text("x")}, nil)
	assert.Equal(t, 90011, codeOf(err))

	require.NoError(t, srv.WaitCallbacks(ctx))
	assert.Empty(t, rcv.commands(), "batchsendmsg triggers no callbacks")
}

type roamResp struct {
	env
	Complete    int    `json:"Complete"`
	MsgCnt      int    `json:"MsgCnt"`
	LastMsgTime int64  `json:"LastMsgTime"`
	LastMsgKey  string `json:"LastMsgKey"`
	MsgList     []struct {
		FromAccount  string           `json:"From_Account"`
		ToAccount    string           `json:"To_Account"`
		MsgKey       string           `json:"MsgKey"`
		MsgTimeStamp int64            `json:"MsgTimeStamp"`
		MsgFlagBits  int              `json:"MsgFlagBits"`
		MsgBody      []map[string]any `json:"MsgBody"`
	} `json:"MsgList"`
}

func TestRoamMsgPagingWithdrawModify(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	importUsers(t, c, "a", "b")

	var keys []string
	for i := range 7 {
		from, to := "a", "b"
		if i%2 == 1 {
			from, to = to, from
		}
		keys = append(keys, send(t, c, from, to, fmt.Sprint("m", i), uint32(100+i)).MsgKey)
		if i%3 == 2 {
			clk.Advance(time.Second) // several messages share a second
		}
	}

	// Page backwards, 3 at a time, from b's side.
	req := map[string]any{"Operator_Account": "b", "Peer_Account": "a", "MaxCnt": 3, "MinTime": 0, "MaxTime": clk.Now().Unix()}
	var got []string
	for page := 0; ; page++ {
		require.Less(t, page, 5)
		var r roamResp
		require.NoError(t, c.Do(ctx, ep("openim/admin_getroammsg"), req, &r))
		var texts []string
		for _, m := range r.MsgList {
			texts = append(texts, m.MsgBody[0]["MsgContent"].(map[string]any)["Text"].(string))
		}
		got = append(texts, got...)
		assert.Equal(t, len(r.MsgList), r.MsgCnt)
		if r.Complete == 1 {
			break
		}
		req["MaxTime"], req["LastMsgKey"] = r.LastMsgTime, r.LastMsgKey
	}
	assert.Equal(t, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6"}, got)

	// Recall: 20022 unknown, 20023 twice, 90054 malformed; the history flags it.
	withdraw := func(from, to, key string) error {
		return c.Do(ctx, ep("openim/admin_msgwithdraw"), map[string]any{"From_Account": from, "To_Account": to, "MsgKey": key}, nil)
	}
	require.NoError(t, withdraw("a", "b", keys[0]))
	assert.Equal(t, 20023, codeOf(withdraw("a", "b", keys[0])))
	assert.Equal(t, 20022, codeOf(withdraw("b", "a", keys[0])), "wrong direction")
	assert.Equal(t, 20022, codeOf(withdraw("a", "b", "1_2_3")))
	assert.Equal(t, 90054, codeOf(withdraw("a", "b", "bogus")))
	assert.True(t, srv.Messages("a", "b")[0].Recalled)
	var r roamResp
	require.NoError(t, c.Do(ctx, ep("openim/admin_getroammsg"), map[string]any{"Operator_Account": "a", "Peer_Account": "b",
		"MaxCnt": 100, "MinTime": 0, "MaxTime": clk.Now().Unix()}, &r))
	require.Len(t, r.MsgList, 7)
	assert.Equal(t, timtest.MsgFlagRecalled, r.MsgList[0].MsgFlagBits)

	// Modify a message body.
	require.NoError(t, c.Do(ctx, ep("openim/modify_c2c_msg"), map[string]any{"From_Account": "b", "To_Account": "a",
		"MsgKey": keys[1], "MsgBody": text("edited")}, nil))
	assert.Equal(t, "edited", srv.Messages("a", "b")[1].Text())
	assert.Equal(t, 20023, codeOf(c.Do(ctx, ep("openim/modify_c2c_msg"), map[string]any{"From_Account": "a", "To_Account": "b",
		"MsgKey": keys[0], "MsgBody": text("x")}, nil)))
}

func TestUnreadAndImport(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	importUsers(t, c, "a", "b", "c")
	send(t, c, "a", "c", "1", 1)
	send(t, c, "a", "c", "2", 2)
	send(t, c, "b", "c", "3", 3)
	var noUnread sendResp
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), sendReq{FromAccount: "b", ToAccount: "c", MsgRandom: 4,
		MsgBody: text("silent"), SendMsgControl: []string{"NoUnread"}}, &noUnread))

	type unread struct {
		env
		All  int `json:"AllC2CUnreadMsgNum"`
		List []struct {
			Peer string `json:"Peer_Account"`
			N    int    `json:"C2CUnreadMsgNum"`
		} `json:"C2CUnreadMsgNumList"`
		ErrorList []struct {
			Peer string `json:"Peer_Account"`
			Code int    `json:"ErrorCode"`
		} `json:"ErrorList"`
	}
	var u unread
	require.NoError(t, c.Do(ctx, ep("openim/get_c2c_unread_msg_num"), map[string]any{"To_Account": "c", "Peer_Account": []string{"a", "b", "ghost"}}, &u))
	assert.Equal(t, 3, u.All)
	require.Len(t, u.List, 2)
	assert.Equal(t, 2, u.List[0].N)
	assert.Equal(t, 1, u.List[1].N)
	require.Len(t, u.ErrorList, 1)
	assert.Equal(t, 70107, u.ErrorList[0].Code)

	require.NoError(t, c.Do(ctx, ep("openim/admin_set_msg_read"), map[string]any{"Report_Account": "c", "Peer_Account": "a"}, nil))
	require.NoError(t, c.Do(ctx, ep("openim/get_c2c_unread_msg_num"), map[string]any{"To_Account": "c"}, &u))
	assert.Equal(t, 1, u.All)

	// History import: no unread, no callbacks, kept with its own time.
	imp := sendReq{SyncFromOldSystem: 2, FromAccount: "a", ToAccount: "b", MsgSeq: 5, MsgRandom: 5, MsgTimeStamp: 1600000000, MsgBody: text("old")}
	require.NoError(t, c.Do(ctx, ep("openim/importmsg"), imp, nil))
	require.NoError(t, c.Do(ctx, ep("openim/importmsg"), imp, nil))
	msgs := srv.Messages("a", "b")
	require.Len(t, msgs, 1)
	assert.True(t, msgs[0].Imported)
	assert.Equal(t, "5_5_1600000000", msgs[0].MsgKey)
	assert.Equal(t, 0, srv.Unread("b", "a"))
	assert.Equal(t, 90006, codeOf(c.Do(ctx, ep("openim/importmsg"), sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: 1, MsgBody: text("x")}, nil)))
}

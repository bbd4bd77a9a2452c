package timtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

const token = "xxxxyyyy"

func TestSignMatchesTencentExample(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061", timtest.Sign("xxxxyyyy", 1669872112))
}

// setup starts a receiver and a server sending it callbacks.
func setup(t *testing.T, opts ...timtest.Option) (*timtest.Server, *receiver, *tim.Client) {
	t.Helper()
	rcv := newReceiver(t, timtest.DefaultSDKAppID, token)
	srv := timtest.NewServer(t, append([]timtest.Option{timtest.WithCallback(rcv.URL+"/im/callback", token)}, opts...)...)
	c := newClient(t, srv)
	importUsers(t, c, "a", "b", "c")
	return srv, rcv, c
}

func TestC2CCallbacks(t *testing.T) {
	t.Parallel()
	srv, rcv, c := setup(t)
	ctx := ctxT(t)
	r := send(t, c, "a", "b", "hello", 42)
	require.NoError(t, srv.WaitCallbacks(ctx))

	got := rcv.commands()
	require.Len(t, got, 2)
	assert.Equal(t, "C2C.CallbackBeforeSendMsg", got[0].Command)
	after := got[1]
	assert.Equal(t, "C2C.CallbackAfterSendMsg", after.Command)
	q := after.Query
	assert.Equal(t, strconv.FormatUint(srv.SDKAppID, 10), q.Get("SdkAppid"))
	assert.Equal(t, "json", q.Get("contenttype"))
	assert.Equal(t, "RESTAPI", q.Get("OptPlatform"))
	assert.Equal(t, "127.0.0.1", q.Get("ClientIP"))
	assert.NotEmpty(t, q.Get("Sign"))
	assert.Zero(t, rcv.badSigns)

	var b struct {
		CallbackCommand string `json:"CallbackCommand"`
		FromAccount     string `json:"From_Account"`
		ToAccount       string `json:"To_Account"`
		MsgRandom       uint32 `json:"MsgRandom"`
		MsgTime         int64  `json:"MsgTime"`
		MsgKey          string `json:"MsgKey"`
		SendMsgResult   *int   `json:"SendMsgResult"`
		ErrorInfo       string `json:"ErrorInfo"`
		UnreadMsgNum    int    `json:"UnreadMsgNum"`
		MsgBody         []struct {
			MsgType string `json:"MsgType"`
		} `json:"MsgBody"`
	}
	require.NoError(t, json.Unmarshal(after.Body, &b))
	assert.Equal(t, "C2C.CallbackAfterSendMsg", b.CallbackCommand)
	assert.Equal(t, "a", b.FromAccount)
	assert.Equal(t, "b", b.ToAccount)
	assert.Equal(t, uint32(42), b.MsgRandom)
	assert.Equal(t, r.MsgKey, b.MsgKey)
	assert.Equal(t, r.MsgTime, b.MsgTime)
	require.NotNil(t, b.SendMsgResult)
	assert.Equal(t, 0, *b.SendMsgResult)
	assert.Equal(t, "send msg succeed", b.ErrorInfo)
	assert.Equal(t, 1, b.UnreadMsgNum)
	assert.Equal(t, "TIMTextElem", b.MsgBody[0].MsgType)

	// The server keeps its own record of what it sent.
	sent := srv.Callbacks("C2C.CallbackAfterSendMsg")
	require.Len(t, sent, 1)
	assert.Equal(t, http.StatusOK, sent[0].StatusCode)
	assert.JSONEq(t, string(after.Body), string(sent[0].Body))

	// A recall notifies too; batchsendmsg and ForbidCallbackControl do not.
	require.NoError(t, c.Do(ctx, ep("openim/admin_msgwithdraw"), map[string]any{"From_Account": "a", "To_Account": "b", "MsgKey": r.MsgKey}, nil))
	require.NoError(t, c.Do(ctx, ep("openim/sendmsg"), sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: 43, MsgBody: text("quiet"),
		ForbidCallbackControl: []string{"ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"}}, nil))
	require.NoError(t, srv.WaitCallbacks(ctx))
	assert.Len(t, rcv.commands("C2C.CallbackAfterMsgWithDraw"), 1)
	assert.Len(t, rcv.commands("C2C.CallbackAfterSendMsg"), 1)
}

func TestCallbacksOrderedPerConversation(t *testing.T) {
	t.Parallel()
	srv, rcv, c := setup(t, timtest.WithCallbackCommands("C2C.CallbackAfterSendMsg"))
	for i := range 25 {
		send(t, c, "a", "b", fmt.Sprint(i), uint32(i+1))
	}
	require.NoError(t, srv.WaitCallbacks(ctxT(t)))
	got := rcv.commands()
	require.Len(t, got, 25, "only the enabled command is sent")
	for i, g := range got {
		var b struct {
			MsgRandom uint32 `json:"MsgRandom"`
		}
		require.NoError(t, json.Unmarshal(g.Body, &b))
		assert.Equal(t, uint32(i+1), b.MsgRandom)
	}
}

func TestBeforeSendDecisions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		answer   string
		status   int
		slow     bool
		code     int
		stored   string // text stored, "" = nothing
		afterCnt int
	}{
		{name: "allow", answer: `{"ActionStatus":"OK","ErrorCode":0}`, stored: "original", afterCnt: 1},
		{name: "reject", answer: `{"ActionStatus":"OK","ErrorCode":1,"ErrorInfo":"no"}`, code: 20006},
		{name: "custom code", answer: `{"ActionStatus":"FAIL","ErrorCode":120005,"ErrorInfo":"blocked word"}`, code: 120005},
		{name: "silent drop", answer: `{"ActionStatus":"OK","ErrorCode":2}`},
		{name: "replace body", answer: `{"ActionStatus":"OK","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"replaced"}}]}`,
			stored: "replaced", afterCnt: 1},
		{name: "receiver fails", status: 500, answer: `oops`, stored: "original", afterCnt: 1},
		{name: "timeout", slow: true, answer: `{"ActionStatus":"OK","ErrorCode":1}`, stored: "original", afterCnt: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			timeout := timtest.DefaultCallbackTimeout
			if tt.slow {
				timeout = 200 * time.Millisecond
			}
			srv, rcv, c := setup(t, timtest.WithCallbackTimeout(timeout))
			rcv.setAnswer(func(cmd string, _ []byte) (int, string) {
				if cmd != "C2C.CallbackBeforeSendMsg" {
					return 200, `{"ActionStatus":"OK","ErrorCode":0}`
				}
				if tt.slow {
					time.Sleep(time.Second)
				}
				return max(tt.status, 200), tt.answer
			})
			var resp sendResp
			err := c.Do(ctxT(t), ep("openim/sendmsg"), sendReq{FromAccount: "a", ToAccount: "b", MsgRandom: 5, MsgBody: text("original")}, &resp)
			assert.Equal(t, tt.code, codeOf(err), "err %v", err)
			if tt.code == 20006 {
				assert.ErrorIs(t, err, tim.ErrRejectedByCallback)
			}
			if tt.code == 120005 {
				assert.Contains(t, err.Error(), "blocked word")
			}
			msgs := srv.Messages("a", "b")
			if tt.stored == "" {
				assert.Empty(t, msgs)
			} else {
				require.Len(t, msgs, 1)
				assert.Equal(t, tt.stored, msgs[0].Text())
			}
			require.NoError(t, srv.WaitCallbacks(ctxT(t)))
			afters := srv.Callbacks("C2C.CallbackAfterSendMsg")
			require.Len(t, afters, tt.afterCnt)
			if tt.afterCnt > 0 {
				assert.Contains(t, string(afters[0].Body), tt.stored, "the after-callback sees the stored body")
			}
			if tt.name == "timeout" {
				before := srv.Callbacks("C2C.CallbackBeforeSendMsg")
				require.Len(t, before, 1)
				assert.NotEmpty(t, before[0].Err)
				assert.NotContains(t, before[0].Err, "Sign=", "no signature in the recorded error")
			}
		})
	}
}

func TestGroupCallbacks(t *testing.T) {
	t.Parallel()
	srv, rcv, c := setup(t)
	ctx := ctxT(t)
	id := createGroup(t, c, map[string]any{"Owner_Account": "a", "Type": "Public", "Name": "g"})
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/add_group_member"), map[string]any{"GroupId": id,
		"MemberList": []map[string]any{{"Member_Account": "b"}, {"Member_Account": "c"}}}, nil))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/modify_group_base_info"), map[string]any{"GroupId": id, "Name": "renamed"}, nil))

	var gr groupSendResp
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: id, FromAccount: "b", Random: 7, MsgBody: text("hi all")}, &gr))

	// Before-callback decisions for groups.
	rcv.setAnswer(func(cmd string, body []byte) (int, string) {
		if cmd != "Group.CallbackBeforeSendMsg" {
			return 200, `{"ActionStatus":"OK","ErrorCode":0}`
		}
		var b struct {
			Random uint32 `json:"Random"`
		}
		_ = json.Unmarshal(body, &b)
		switch b.Random {
		case 8:
			return 200, `{"ActionStatus":"OK","ErrorCode":1}`
		case 9:
			return 200, `{"ActionStatus":"OK","ErrorCode":2}`
		case 10:
			return 200, `{"ActionStatus":"OK","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"[filtered]"}}]}`
		}
		return 200, `{"ActionStatus":"OK","ErrorCode":0}`
	})
	err := c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: id, FromAccount: "b", Random: 8, MsgBody: text("bad")}, nil)
	assert.Equal(t, 10016, codeOf(err))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: id, FromAccount: "b", Random: 9, MsgBody: text("dropped")}, nil))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/send_group_msg"), groupSendReq{GroupID: id, FromAccount: "b", Random: 10, MsgBody: text("rude")}, &gr))
	assert.Equal(t, uint64(2), gr.MsgSeq)
	msgs := srv.GroupMessages(id)
	require.Len(t, msgs, 2)
	assert.Equal(t, "[filtered]", msgs[1].Text())

	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/group_msg_recall"), map[string]any{"GroupId": id, "MsgSeqList": []map[string]any{{"MsgSeq": 1}}}, nil))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/delete_group_member"), map[string]any{"GroupId": id, "MemberToDel_Account": []string{"c"}}, nil))
	require.NoError(t, c.Do(ctx, ep("group_open_http_svc/destroy_group"), map[string]any{"GroupId": id}, nil))
	require.NoError(t, srv.WaitCallbacks(ctx))

	var order []string
	for _, g := range rcv.commands() {
		if g.Command != "Group.CallbackBeforeSendMsg" {
			order = append(order, g.Command)
		}
	}
	assert.Equal(t, []string{
		"Group.CallbackAfterCreateGroup", "Group.CallbackAfterNewMemberJoin", "Group.CallbackAfterGroupInfoChanged",
		"Group.CallbackAfterSendMsg", "Group.CallbackAfterSendMsg", "Group.CallbackAfterRecallMsg",
		"Group.CallbackAfterMemberExit", "Group.CallbackAfterGroupDestroyed",
	}, order)

	var after struct {
		GroupID         string `json:"GroupId"`
		Type            string `json:"Type"`
		FromAccount     string `json:"From_Account"`
		OperatorAccount string `json:"Operator_Account"`
		Random          uint32 `json:"Random"`
		MsgSeq          uint64 `json:"MsgSeq"`
		MsgTime         int64  `json:"MsgTime"`
		EventTime       any    `json:"EventTime"`
	}
	require.NoError(t, json.Unmarshal(rcv.commands("Group.CallbackAfterSendMsg")[0].Body, &after))
	assert.Equal(t, id, after.GroupID)
	assert.Equal(t, "Public", after.Type)
	assert.Equal(t, "b", after.FromAccount)
	assert.Equal(t, "administrator", after.OperatorAccount)
	assert.Equal(t, uint64(1), after.MsgSeq)
	assert.IsType(t, "", after.EventTime, "EventTime is a string in group callbacks")

	var joined struct {
		JoinType      string `json:"JoinType"`
		NewMemberList []struct {
			MemberAccount string `json:"Member_Account"`
		} `json:"NewMemberList"`
	}
	require.NoError(t, json.Unmarshal(rcv.commands("Group.CallbackAfterNewMemberJoin")[0].Body, &joined))
	assert.Equal(t, "Invited", joined.JoinType)
	assert.Len(t, joined.NewMemberList, 2)
	var changed map[string]any
	require.NoError(t, json.Unmarshal(rcv.commands("Group.CallbackAfterGroupInfoChanged")[0].Body, &changed))
	assert.Equal(t, "renamed", changed["Name"])
	assert.NotContains(t, changed, "Notification", "only changed fields are reported")
	var exit struct {
		ExitType string `json:"ExitType"`
	}
	require.NoError(t, json.Unmarshal(rcv.commands("Group.CallbackAfterMemberExit")[0].Body, &exit))
	assert.Equal(t, "Kicked", exit.ExitType)
	assert.Zero(t, rcv.badSigns)
}

func TestWaitCallbacksHonoursContext(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, timtest.DefaultSDKAppID, "")
	rcv.setAnswer(func(string, []byte) (int, string) {
		time.Sleep(300 * time.Millisecond)
		return 200, `{"ActionStatus":"OK","ErrorCode":0}`
	})
	srv := timtest.NewServer(t, timtest.WithCallback(rcv.URL, ""), timtest.WithCallbackCommands("State.StateChange"))
	require.NoError(t, srv.ImportAccounts("u"))
	require.NoError(t, srv.SimulateLogin("u", timtest.PlatformMac))
	short, cancel := contextWithTimeout(10 * time.Millisecond)
	defer cancel()
	assert.Error(t, srv.WaitCallbacks(short))
	require.NoError(t, srv.WaitCallbacks(ctxT(t)))
	assert.Len(t, rcv.commands(), 1)
	assert.Empty(t, rcv.commands()[0].Query.Get("Sign"))
}

package message_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// Group sequence numbers are uint64 end to end: one beyond 32 bits comes
// back from a send, goes into recall and modify, and comes back from
// recall, import and broadcast whole. Wire seconds become time.Time; an
// absent MsgTime the zero time.
func TestWideSeqsAndTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	const big = uint64(1)<<40 + 9
	srv.Handle(pathGroup, func(testkit.Request) any {
		return testkit.With(map[string]any{"MsgTime": 1700000000, "MsgSeq": fmt.Sprint(big)})
	})
	srv.Handle(pathSend, func(testkit.Request) any { return testkit.With(map[string]any{"MsgKey": "k"}) }) // no MsgTime
	srv.Handle("group_open_http_svc/group_msg_recall", func(testkit.Request) any {
		return testkit.With(map[string]any{"RecallRetList": []any{map[string]any{"MsgSeq": fmt.Sprint(big), "RetCode": 0}}})
	})
	srv.Handle("group_open_http_svc/import_group_msg", func(testkit.Request) any {
		return testkit.With(map[string]any{"ImportMsgResult": []any{map[string]any{"MsgSeq": big, "MsgTime": "1600000000"}}})
	})
	srv.Handle(pathBroadcast, func(testkit.Request) any { return testkit.With(map[string]any{"MsgSeq": fmt.Sprint(big)}) })

	res, err := svc.Send(ctx, message.NewText(message.ConvGroup, "g", "hi"))
	require.NoError(t, err)
	assert.Equal(t, big, res.MsgSeq)
	assert.Equal(t, time.Unix(1700000000, 0), res.MsgTime)

	c2c := message.NewText(message.ConvC2C, "b", "hi")
	cres, err := svc.Send(ctx, c2c)
	require.NoError(t, err)
	assert.True(t, cres.MsgTime.IsZero(), "no MsgTime: the zero time, not 1970")
	assert.Equal(t, uint64(c2c.Seq), cres.MsgSeq)

	rec, err := svc.RecallGroup(ctx, message.RecallGroupRequest{GroupID: "g", MsgSeqs: []uint64{res.MsgSeq}})
	require.NoError(t, err)
	assert.Equal(t, []message.RecallResult{{MsgSeq: big}}, rec)
	var recReq struct {
		MsgSeqList []struct {
			MsgSeq uint64 `json:"MsgSeq"`
		} `json:"MsgSeqList"`
	}
	srv.Last("group_open_http_svc/group_msg_recall").Decode(t, &recReq)
	require.Len(t, recReq.MsgSeqList, 1)
	assert.Equal(t, big, recReq.MsgSeqList[0].MsgSeq)

	require.NoError(t, svc.ModifyGroup(ctx, message.ModifyGroupRequest{GroupID: "g", MsgSeq: big, CloudCustomData: "x"}))
	var modReq struct {
		MsgSeq uint64 `json:"MsgSeq"`
	}
	srv.Last("openim/modify_group_msg").Decode(t, &modReq)
	assert.Equal(t, big, modReq.MsgSeq)

	imp, err := svc.ImportGroup(ctx, message.ImportGroupRequest{GroupID: "g", Messages: []message.ImportGroupMsg{
		{From: "a", Time: time.Unix(1600000000, 0), Body: message.Body{&message.Text{Text: "x"}}}}})
	require.NoError(t, err)
	assert.Equal(t, []message.ImportGroupResult{{MsgSeq: big, MsgTime: time.Unix(1600000000, 0)}}, imp)

	br, err := svc.SendBroadcast(ctx, &message.Broadcast{Body: message.Body{&message.Text{Text: "x"}}})
	require.NoError(t, err)
	assert.Equal(t, big, br.MsgSeq)
}

// RelayedMsg keeps Tencent's JSON: MsgTimeStamp in Unix seconds, omitted
// when zero; a 64-bit MsgSeq survives both ways.
func TestRelayedMsgJSON(t *testing.T) {
	t.Parallel()
	const big = uint64(1)<<60 + 1
	in := message.RelayedMsg{From: "a", GroupID: "g", MsgSeq: big, MsgRandom: 7, MsgTimeStamp: time.Unix(1700000000, 0),
		CloudCustomData: "c", MsgBody: message.Body{&message.Text{Text: "hi"}}}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"From_Account":"a","GroupId":"g","MsgSeq":1152921504606846977,"MsgRandom":7,"MsgTimeStamp":1700000000,
		"CloudCustomData":"c","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}`, string(b))
	var out message.RelayedMsg
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	b, err = json.Marshal(message.RelayedMsg{MsgBody: message.Body{}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"MsgBody":[]}`, string(b), "zero time and seq are omitted")

	require.NoError(t, json.Unmarshal([]byte(`{"MsgSeq":"12","MsgTimeStamp":"1700000001","MsgRandom":"3"}`), &out))
	assert.Equal(t, message.RelayedMsg{MsgSeq: 12, MsgRandom: 3, MsgTimeStamp: time.Unix(1700000001, 0)}, out)
	require.NoError(t, json.Unmarshal([]byte(`{"From_Account":"x"}`), &out))
	assert.True(t, out.MsgTimeStamp.IsZero())
}

package message_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testutil"
	"github.com/timkit/tim/message"
)

const (
	pathRoam         = "openim/admin_getroammsg"
	pathGroupHistory = "group_open_http_svc/group_msg_get_simple"
)

func roamMsg(i int) map[string]any {
	return map[string]any{
		"From_Account": "a", "To_Account": "b", "MsgSeq": i, "MsgRandom": 1000 + i,
		"MsgTimeStamp": fmt.Sprint(1700000000 - i), // drift: a string
		"MsgFlagBits":  0, "IsPeerRead": i % 2, "MsgKey": fmt.Sprintf("key%d", i),
		"MsgBody": []any{map[string]any{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": fmt.Sprintf("m%d", i)}}},
	}
}

func TestC2CHistoryIteratesAllPages(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	type roamReq struct {
		MaxCnt     int    `json:"MaxCnt"`
		MinTime    int64  `json:"MinTime"`
		MaxTime    int64  `json:"MaxTime"`
		LastMsgKey string `json:"LastMsgKey"`
	}
	srv.Handle(pathRoam, func(r testutil.Request) any {
		var req roamReq
		r.Decode(t, &req)
		page := map[string]string{"": "0", "key2": "1", "key5": "2"}[req.LastMsgKey]
		switch page {
		case "0":
			return testutil.With(map[string]any{"Complete": 0, "MsgCnt": 3, "LastMsgTime": 1699999998, "LastMsgKey": "key2",
				"MsgList": []any{roamMsg(0), roamMsg(1), roamMsg(2)}})
		case "1":
			return testutil.With(map[string]any{"Complete": 0, "MsgCnt": 3, "LastMsgTime": 1699999995, "LastMsgKey": "key5",
				"MsgList": []any{roamMsg(3), roamMsg(4), roamMsg(5)}})
		default:
			return testutil.With(map[string]any{"Complete": 1, "MsgCnt": 1, "MsgList": []any{roamMsg(6)}})
		}
	})
	until := time.Unix(1700000100, 0)
	var got []string
	for m, err := range svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b", PerPage: 3, Until: until}) {
		require.NoError(t, err)
		got = append(got, m.Body.Text())
		assert.Equal(t, "a", m.From)
	}
	assert.Equal(t, []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6"}, got)

	calls := srv.Calls(pathRoam)
	require.Len(t, calls, 3)
	var reqs []roamReq
	for _, c := range calls {
		var r roamReq
		c.Decode(t, &r)
		reqs = append(reqs, r)
	}
	assert.Equal(t, roamReq{MaxCnt: 3, MaxTime: 1700000100}, reqs[0])
	assert.Equal(t, roamReq{MaxCnt: 3, MaxTime: 1699999998, LastMsgKey: "key2"}, reqs[1])
	assert.Equal(t, roamReq{MaxCnt: 3, MaxTime: 1699999995, LastMsgKey: "key5"}, reqs[2])
}

func TestC2CHistoryPageFields(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathRoam, func(testutil.Request) any {
		return testutil.With(map[string]any{"Complete": 1, "MsgList": []any{roamMsg(1)}})
	})
	p, err := svc.C2CHistoryPage(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"})
	require.NoError(t, err)
	require.Len(t, p.Messages, 1)
	assert.True(t, p.Complete)
	assert.Equal(t, message.HistoryMessage{From: "a", To: "b", MsgSeq: 1, MsgRandom: 1001, MsgTimeStamp: 1699999999,
		IsPeerRead: true, MsgKey: "key1", Body: message.Body{&message.Text{Text: "m1"}}}, p.Messages[0])
}

func TestHistoryIteratorStopsEarlyAndOnError(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, tim.WithoutRetry())
	srv.Handle(pathRoam, func(r testutil.Request) any {
		var req struct{ LastMsgKey string }
		r.Decode(t, &req)
		if req.LastMsgKey != "" {
			return testutil.Fail(70107, "gone")
		}
		return testutil.With(map[string]any{"Complete": 0, "LastMsgTime": 1, "LastMsgKey": "k", "MsgList": []any{roamMsg(0), roamMsg(1)}})
	})
	n := 0
	for range svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Len(t, srv.Calls(pathRoam), 1, "breaking stops fetching")

	var errs []error
	n = 0
	for m, err := range svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		require.NotNil(t, m)
		n++
	}
	assert.Equal(t, 2, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tim.ErrAccountNotFound)
}

func TestC2CHistoryStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathRoam, func(testutil.Request) any {
		return testutil.With(map[string]any{"Complete": 0, "LastMsgTime": 100, "LastMsgKey": "same", "MsgList": []any{roamMsg(0)}})
	})
	var last error
	n := 0
	for _, err := range svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}) {
		last = err
		if n++; n > 10 {
			break
		}
	}
	require.Error(t, last)
	assert.Len(t, srv.Calls(pathRoam), 2)
}

func groupMsg(seq int) map[string]any {
	m := map[string]any{
		"From_Account": "doctor", "IsPlaceMsg": 0, "IsSystemMsg": 0, "MsgPriority": 1, // drift: a number
		"MsgRandom": 7000 + seq, "MsgSeq": seq, "MsgTimeStamp": 1700000000 + seq,
		"MsgBody": []any{map[string]any{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": fmt.Sprintf("g%d", seq)}}},
	}
	if seq == 3 {
		m["IsPlaceMsg"] = 1
		delete(m, "MsgBody")
	}
	return m
}

func TestGroupHistoryWalksDown(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	const latest = 45
	srv.Handle(pathGroupHistory, func(r testutil.Request) any {
		var req struct {
			ReqMsgSeq    int `json:"ReqMsgSeq"`
			ReqMsgNumber int `json:"ReqMsgNumber"`
		}
		r.Decode(t, &req)
		top := req.ReqMsgSeq
		if top == 0 {
			top = latest
		}
		var list []any
		for s := top; s > top-req.ReqMsgNumber && s >= 1; s-- {
			list = append(list, groupMsg(s))
		}
		return testutil.With(map[string]any{"GroupId": "g", "IsFinished": 1, "RspMsgList": list})
	})
	var seqs []uint32
	for m, err := range svc.GroupHistory(context.Background(), message.GroupHistoryRequest{GroupID: "g"}) {
		require.NoError(t, err)
		seqs = append(seqs, m.MsgSeq)
		if m.MsgSeq == 3 {
			assert.True(t, m.Placeholder)
			assert.Nil(t, m.Body)
		} else {
			assert.Equal(t, fmt.Sprintf("g%d", m.MsgSeq), m.Body.Text())
			assert.Equal(t, "1", m.Priority)
		}
	}
	require.Len(t, seqs, latest)
	assert.Equal(t, uint32(latest), seqs[0])
	assert.Equal(t, uint32(1), seqs[latest-1])

	calls := srv.Calls(pathGroupHistory)
	require.Len(t, calls, 3, "45 messages at 20 per call")
	var firstReqs []map[string]any
	for _, c := range calls {
		var m map[string]any
		c.Decode(t, &m)
		firstReqs = append(firstReqs, m)
	}
	assert.NotContains(t, firstReqs[0], "ReqMsgSeq", "the first call starts at the latest message")
	assert.EqualValues(t, 25, firstReqs[1]["ReqMsgSeq"])
	assert.EqualValues(t, 5, firstReqs[2]["ReqMsgSeq"])
}

func TestGroupHistoryEmptyGroup(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathGroupHistory, func(testutil.Request) any {
		return testutil.With(map[string]any{"IsFinished": 1, "RspMsgList": []any{}})
	})
	n := 0
	for range svc.GroupHistory(context.Background(), message.GroupHistoryRequest{GroupID: "g", FromSeq: 10}) {
		n++
	}
	assert.Zero(t, n)
	assert.Len(t, srv.Calls(pathGroupHistory), 1)
}

func TestRecallGroupSplitsByTen(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_http_svc/group_msg_recall", func(r testutil.Request) any {
		var req struct {
			MsgSeqList []struct{ MsgSeq uint32 }
		}
		r.Decode(t, &req)
		var list []any
		for _, s := range req.MsgSeqList {
			code := 0
			if s.MsgSeq == 12 {
				code = 10030
			}
			list = append(list, map[string]any{"MsgSeq": s.MsgSeq, "RetCode": code})
		}
		return testutil.With(map[string]any{"RecallRetList": list})
	})
	seqs := make([]uint32, 23)
	for i := range seqs {
		seqs[i] = uint32(i + 1)
	}
	res, err := svc.RecallGroup(context.Background(), message.RecallGroupRequest{GroupID: "g", MsgSeqs: seqs})
	require.NoError(t, err)
	assert.Len(t, srv.Calls("group_open_http_svc/group_msg_recall"), 3)
	require.Len(t, res, 23)
	assert.Equal(t, message.RecallResult{MsgSeq: 12, Code: 10030}, res[11])
}

func TestImportGroupSplitsBySeven(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("group_open_http_svc/import_group_msg", func(r testutil.Request) any {
		var req struct {
			MsgList []struct{ SendTime int64 }
		}
		r.Decode(t, &req)
		var list []any
		for _, m := range req.MsgList {
			list = append(list, map[string]any{"MsgSeq": m.SendTime - 100, "MsgTime": m.SendTime, "Result": 0})
		}
		return testutil.With(map[string]any{"ImportMsgResult": list})
	})
	var msgs []message.ImportGroupMsg
	for i := range 15 {
		msgs = append(msgs, message.ImportGroupMsg{From: "a", Time: time.Unix(int64(101+i), 0), Body: message.Body{&message.Text{Text: "x"}}})
	}
	res, err := svc.ImportGroup(context.Background(), message.ImportGroupRequest{GroupID: "g", Messages: msgs})
	require.NoError(t, err)
	assert.Len(t, srv.Calls("group_open_http_svc/import_group_msg"), 3)
	require.Len(t, res, 15)
	assert.Equal(t, message.ImportGroupResult{MsgSeq: 15, MsgTime: 115}, res[14])
}

func TestImportC2CFixesKeysOnce(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	r := &message.ImportC2CRequest{From: "a", To: "b", Time: time.Unix(1556178721, 0), Body: message.Body{&message.Text{Text: "x"}}}
	require.NoError(t, svc.ImportC2C(context.Background(), r))
	require.NotZero(t, r.Seq)
	require.NotZero(t, r.Random)
	require.NoError(t, svc.ImportC2C(context.Background(), r))
	calls := srv.Calls("openim/importmsg")
	require.Len(t, calls, 2)
	assert.Equal(t, string(calls[0].Body), string(calls[1].Body))
}

func TestC2CUnread(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("openim/get_c2c_unread_msg_num", func(r testutil.Request) any {
		var req struct {
			Peers []string `json:"Peer_Account"`
		}
		r.Decode(t, &req)
		if len(req.Peers) == 0 {
			return testutil.With(map[string]any{"AllC2CUnreadMsgNum": 12})
		}
		var list, errs []any
		for _, p := range req.Peers {
			if p == "ghost" {
				errs = append(errs, map[string]any{"Peer_Account": p, "ErrorCode": 70107})
				continue
			}
			list = append(list, map[string]any{"Peer_Account": p, "C2CUnreadMsgNum": fmt.Sprint(len(p))}) // drift: a string
		}
		return testutil.With(map[string]any{"C2CUnreadMsgNumList": list, "ErrorList": errs})
	})
	total, err := svc.C2CUnread(context.Background(), "u")
	require.NoError(t, err)
	assert.Equal(t, int64(12), total.Total)

	peers := []string{"ghost"}
	for i := range 12 {
		peers = append(peers, fmt.Sprintf("p%02d", i))
	}
	res, err := svc.C2CUnread(context.Background(), "u", peers...)
	require.NoError(t, err)
	assert.Len(t, srv.Calls("openim/get_c2c_unread_msg_num"), 3, "one for the total, two for 13 peers")
	assert.Len(t, res.ByPeer, 12)
	assert.Equal(t, int64(3), res.ByPeer["p07"])
	require.Len(t, res.Failed, 1)
	assert.Equal(t, "ghost", res.Failed[0].Account)
	assert.ErrorIs(t, res.Failed[0], tim.ErrAccountNotFound)
}

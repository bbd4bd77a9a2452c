package message_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
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
	srv.Handle(pathRoam, func(r testkit.Request) any {
		var req roamReq
		r.Decode(t, &req)
		page := map[string]string{"": "0", "key2": "1", "key5": "2"}[req.LastMsgKey]
		switch page {
		case "0":
			return testkit.With(map[string]any{"Complete": 0, "MsgCnt": 3, "LastMsgTime": 1699999998, "LastMsgKey": "key2",
				"MsgList": []any{roamMsg(0), roamMsg(1), roamMsg(2)}})
		case "1":
			return testkit.With(map[string]any{"Complete": 0, "MsgCnt": 3, "LastMsgTime": 1699999995, "LastMsgKey": "key5",
				"MsgList": []any{roamMsg(3), roamMsg(4), roamMsg(5)}})
		default:
			return testkit.With(map[string]any{"Complete": 1, "MsgCnt": 1, "MsgList": []any{roamMsg(6)}})
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
	srv.Handle(pathRoam, func(testkit.Request) any {
		return testkit.With(map[string]any{"Complete": 1, "MsgList": []any{roamMsg(1)}})
	})
	p, err := svc.C2CHistoryPage(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"})
	require.NoError(t, err)
	require.Len(t, p.Messages, 1)
	assert.True(t, p.Complete)
	assert.Equal(t, message.HistoryMessage{From: "a", To: "b", MsgSeq: 1, MsgRandom: 1001, MsgTimeStamp: time.Unix(1699999999, 0),
		IsPeerRead: true, MsgKey: "key1", Body: message.Body{&message.Text{Text: "m1"}}}, p.Messages[0])
}

func TestHistoryIteratorStopsEarlyAndOnError(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, tim.WithoutRetry())
	srv.Handle(pathRoam, func(r testkit.Request) any {
		var req struct{ LastMsgKey string }
		r.Decode(t, &req)
		if req.LastMsgKey != "" {
			return testkit.Fail(70107, "gone")
		}
		return testkit.With(map[string]any{"Complete": 0, "LastMsgTime": 1, "LastMsgKey": "k", "MsgList": []any{roamMsg(0), roamMsg(1)}})
	})
	n := 0
	for range svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Len(t, srv.Calls(pathRoam), 1, "breaking stops fetching")

	msgs, errs := testkit.Drain(svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}), 0)
	for _, m := range msgs {
		require.NotNil(t, m)
	}
	assert.Len(t, msgs, 2)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tim.ErrAccountNotFound)
}

func TestC2CHistoryStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathRoam, func(testkit.Request) any {
		return testkit.With(map[string]any{"Complete": 0, "LastMsgTime": 100, "LastMsgKey": "same", "MsgList": []any{roamMsg(0)}})
	})
	_, errs := testkit.Drain(svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}), 10)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
	assert.ErrorIs(t, errs[0], tim.ErrCursorStuck)
	assert.Contains(t, errs[0].Error(), "c2c history page 2")
	assert.Len(t, srv.Calls(pathRoam), 2)
}

// A later page's error names the page; the first page's comes as is.
func TestC2CHistoryLaterPageErrorNamed(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, tim.WithoutRetry())
	srv.Handle(pathRoam, func(r testkit.Request) any {
		var req struct{ LastMsgKey string }
		r.Decode(t, &req)
		if req.LastMsgKey == "kk" {
			return testkit.Fail(70107, "gone")
		}
		return testkit.With(map[string]any{"Complete": 0, "LastMsgTime": 50, "LastMsgKey": req.LastMsgKey + "k", "MsgList": []any{roamMsg(0)}})
	})
	_, errs := testkit.Drain(svc.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b", LastMsgKey: "k"}), 0)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], tim.ErrAccountNotFound)
	assert.Contains(t, errs[0].Error(), "c2c history page 2:")

	// The request's own LastMsgKey is where the walk starts.
	calls := srv.Calls(pathRoam)
	require.Len(t, calls, 2)
	var first struct{ LastMsgKey string }
	calls[0].Decode(t, &first)
	assert.Equal(t, "k", first.LastMsgKey)
}

// Wire numbers become the exported types: sequence numbers above 2³² keep
// every bit, Unix seconds become time.Time, and 0 (absent) the zero time.
func TestHistoryConversions(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	const big = uint64(1)<<40 + 7
	srv.Handle(pathRoam, func(testkit.Request) any {
		return testkit.With(map[string]any{"Complete": 0, "LastMsgTime": 1700000000, "LastMsgKey": "k", "MsgList": []any{
			map[string]any{"From_Account": "a", "MsgSeq": fmt.Sprint(big), "MsgTimeStamp": 1700000001, "MsgBody": []any{}},
			map[string]any{"From_Account": "a", "MsgSeq": 4294967295, "MsgBody": []any{}},
		}})
	})
	srv.Handle(pathGroupHistory, func(testkit.Request) any {
		return testkit.With(map[string]any{"IsFinished": 1, "RspMsgList": []any{
			map[string]any{"MsgSeq": big, "MsgTimeStamp": "1700000002", "MsgRandom": 4294967295},
			map[string]any{"MsgSeq": 1},
		}})
	})
	p, err := svc.C2CHistoryPage(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"})
	require.NoError(t, err)
	require.Len(t, p.Messages, 2)
	assert.Equal(t, big, p.Messages[0].MsgSeq)
	assert.Equal(t, time.Unix(1700000001, 0), p.Messages[0].MsgTimeStamp)
	assert.Equal(t, uint64(4294967295), p.Messages[1].MsgSeq)
	assert.True(t, p.Messages[1].MsgTimeStamp.IsZero(), "absent: the zero time, not 1970")
	assert.Equal(t, time.Unix(1700000000, 0), p.LastMsgTime)

	g, err := svc.GroupHistoryPage(context.Background(), message.GroupHistoryRequest{GroupID: "g", FromSeq: big})
	require.NoError(t, err)
	require.Len(t, g.Messages, 2)
	assert.Equal(t, big, g.Messages[0].MsgSeq)
	assert.Equal(t, uint32(4294967295), g.Messages[0].Random)
	assert.Equal(t, time.Unix(1700000002, 0), g.Messages[0].MsgTime)
	assert.True(t, g.Messages[1].MsgTime.IsZero())
	var req struct {
		ReqMsgSeq uint64 `json:"ReqMsgSeq"`
	}
	srv.Last(pathGroupHistory).Decode(t, &req)
	assert.Equal(t, big, req.ReqMsgSeq, "a 64-bit FromSeq is sent whole")
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
	srv.Handle(pathGroupHistory, func(r testkit.Request) any {
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
		return testkit.With(map[string]any{"GroupId": "g", "IsFinished": 1, "RspMsgList": list})
	})
	var seqs []uint64
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
	assert.Equal(t, uint64(latest), seqs[0])
	assert.Equal(t, uint64(1), seqs[latest-1])

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

// A server that answers with messages above the sequence asked for (here:
// it ignores ReqMsgSeq) would be walked forever: the walk stops with
// api.ErrCursorStuck after the repeated page.
func TestGroupHistoryStuck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		list  func(req int) []any
		calls int
	}{
		{"ignores ReqMsgSeq", func(int) []any { return []any{groupMsg(30), groupMsg(29)} }, 2},
		{"answers above it", func(req int) []any {
			if req == 0 {
				return []any{groupMsg(30), groupMsg(29)}
			}
			return []any{groupMsg(req + 5)}
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			srv.Handle(pathGroupHistory, func(r testkit.Request) any {
				var req struct{ ReqMsgSeq int }
				r.Decode(t, &req)
				return testkit.With(map[string]any{"IsFinished": 1, "RspMsgList": tc.list(req.ReqMsgSeq)})
			})
			_, errs := testkit.Drain(svc.GroupHistory(context.Background(), message.GroupHistoryRequest{GroupID: "g"}), 100)
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
			assert.Contains(t, errs[0].Error(), "group history page 2")
			assert.Len(t, srv.Calls(pathGroupHistory), tc.calls)
		})
	}
}

func TestGroupHistoryEmptyGroup(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathGroupHistory, func(testkit.Request) any {
		return testkit.With(map[string]any{"IsFinished": 1, "RspMsgList": []any{}})
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
	srv.Handle("group_open_http_svc/group_msg_recall", func(r testkit.Request) any {
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
		return testkit.With(map[string]any{"RecallRetList": list})
	})
	seqs := make([]uint64, 23)
	for i := range seqs {
		seqs[i] = uint64(i + 1)
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
	srv.Handle("group_open_http_svc/import_group_msg", func(r testkit.Request) any {
		var req struct {
			MsgList []struct{ SendTime int64 }
		}
		r.Decode(t, &req)
		var list []any
		for _, m := range req.MsgList {
			list = append(list, map[string]any{"MsgSeq": m.SendTime - 100, "MsgTime": m.SendTime, "Result": 0})
		}
		return testkit.With(map[string]any{"ImportMsgResult": list})
	})
	var msgs []message.ImportGroupMsg
	for i := range 15 {
		msgs = append(msgs, message.ImportGroupMsg{From: "a", Time: time.Unix(int64(101+i), 0), Body: message.Body{&message.Text{Text: "x"}}})
	}
	res, err := svc.ImportGroup(context.Background(), message.ImportGroupRequest{GroupID: "g", Messages: msgs})
	require.NoError(t, err)
	assert.Len(t, srv.Calls("group_open_http_svc/import_group_msg"), 3)
	require.Len(t, res, 15)
	assert.Equal(t, message.ImportGroupResult{MsgSeq: 15, MsgTime: time.Unix(115, 0)}, res[14])
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
	srv.Handle("openim/get_c2c_unread_msg_num", func(r testkit.Request) any {
		var req struct {
			Peers []string `json:"Peer_Account"`
		}
		r.Decode(t, &req)
		if len(req.Peers) == 0 {
			return testkit.With(map[string]any{"AllC2CUnreadMsgNum": 12})
		}
		var list, errs []any
		for _, p := range req.Peers {
			if p == "ghost" {
				errs = append(errs, map[string]any{"Peer_Account": p, "ErrorCode": 70107})
				continue
			}
			list = append(list, map[string]any{"Peer_Account": p, "C2CUnreadMsgNum": fmt.Sprint(len(p))}) // drift: a string
		}
		return testkit.With(map[string]any{"C2CUnreadMsgNumList": list, "ErrorList": errs})
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

// A peer listed twice is asked once, in the order of its first occurrence.
func TestC2CUnreadAsksDuplicatesOnce(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("openim/get_c2c_unread_msg_num", func(r testkit.Request) any {
		var req struct {
			Peers []string `json:"Peer_Account"`
		}
		r.Decode(t, &req)
		var list []any
		for _, p := range req.Peers {
			list = append(list, map[string]any{"Peer_Account": p, "C2CUnreadMsgNum": len(p)})
		}
		return testkit.With(map[string]any{"C2CUnreadMsgNumList": list})
	})
	peers := []string{"d", "b", "d", "a", "b"}
	for i := range 10 {
		peers = append(peers, fmt.Sprintf("p%02d", i), "a")
	}
	res, err := svc.C2CUnread(context.Background(), "u", peers...)
	require.NoError(t, err)
	calls := srv.Calls("openim/get_c2c_unread_msg_num")
	require.Len(t, calls, 2, "13 distinct peers: 10 + 3")
	var asked []string
	for _, c := range calls {
		var req struct {
			Peers []string `json:"Peer_Account"`
		}
		c.Decode(t, &req)
		asked = append(asked, req.Peers...)
	}
	want := []string{"d", "b", "a"}
	for i := range 10 {
		want = append(want, fmt.Sprintf("p%02d", i))
	}
	assert.Equal(t, want, asked)
	assert.Len(t, res.ByPeer, 13)
	assert.Equal(t, int64(3), res.ByPeer["p09"])
}

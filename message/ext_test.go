package message_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

const (
	pathGetExt      = "openim_msg_ext_http_svc/get_key_values"
	pathSetExt      = "openim_msg_ext_http_svc/set_key_values"
	pathGroupGetExt = "openim_msg_ext_http_svc/group_get_key_values"
	pathGroupSetExt = "openim_msg_ext_http_svc/group_set_key_values"
	pathDeleteC2C   = "openim/delete_c2c_msg_ramble"
	pathC2CReceipt  = "openim/c2c_msg_read_receipt"
	pathBroadcast   = "group_open_http_svc/send_broadcast_msg"
)

var (
	c2cRef   = message.C2CMsgRef{From: "doctor1", To: "patient1", MsgKey: "1287657_827092_1700000000"}
	groupRef = message.GroupMsgRef{GroupID: "@TGS#2J4SZEAEL", MsgSeq: 42}
)

// 450 keys in pages of 200, continued from the highest Seq seen.
func TestExtensionsPaging(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		path string
		iter func(*message.Service) func(func(message.Extension, error) bool)
	}{
		{"c2c", pathGetExt, func(s *message.Service) func(func(message.Extension, error) bool) {
			return s.C2CExtensions(context.Background(), c2cRef)
		}},
		{"group", pathGroupGetExt, func(s *message.Service) func(func(message.Extension, error) bool) {
			return s.GroupExtensions(context.Background(), groupRef)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			srv.Handle(tc.path, func(r testkit.Request) any {
				var req struct {
					StartSeq int `json:"StartSeq"`
				}
				r.Decode(t, &req)
				var list []map[string]any
				for seq := max(req.StartSeq, 1); seq <= 450 && len(list) < 200; seq++ {
					list = append(list, map[string]any{"Key": fmt.Sprintf("k%03d", seq), "Value": "v", "Seq": seq})
				}
				complete := 0
				if len(list) == 0 || list[len(list)-1]["Seq"] == 450 {
					complete = 1
				}
				return testkit.With(map[string]any{"CompleteFlag": complete, "LatestSeq": 450, "ClearSeq": 0, "ExtensionList": list})
			})
			var got []message.Extension
			for e, err := range tc.iter(svc) {
				require.NoError(t, err)
				got = append(got, e)
			}
			require.Len(t, got, 450)
			assert.Equal(t, message.Extension{Key: "k450", Value: "v", Seq: 450}, got[449])
			calls := srv.Calls(tc.path)
			require.Len(t, calls, 3)
			assertGolden(t, "testdata/golden/call_"+tc.name+"_get_ext.json", calls[0].Body)
			assertGolden(t, "testdata/golden/call_"+tc.name+"_get_ext_page3.json", calls[2].Body)
		})
	}
}

// A page that is not complete but does not raise the Seq (here: the same
// keys again) would be fetched forever: the walk stops with
// api.ErrCursorStuck; a later page's error names the page.
func TestExtensionsPagingStops(t *testing.T) {
	t.Parallel()
	t.Run("stuck", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t)
		srv.Handle(pathGroupGetExt, func(testkit.Request) any {
			return testkit.With(map[string]any{"CompleteFlag": 0, "LatestSeq": 9, "ExtensionList": []map[string]any{{"Key": "k", "Value": "v", "Seq": 3}}})
		})
		got, errs := testkit.Drain(svc.GroupExtensions(context.Background(), groupRef), 20)
		assert.Len(t, got, 2, "the first page and the repeated one")
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
		assert.Contains(t, errs[0].Error(), "tim: extensions page 2")
		assert.Len(t, srv.Calls(pathGroupGetExt), 2)
	})
	t.Run("later page fails", func(t *testing.T) {
		t.Parallel()
		svc, srv := newService(t, tim.WithoutRetry())
		srv.Handle(pathGetExt, func(r testkit.Request) any {
			var req struct{ StartSeq int }
			r.Decode(t, &req)
			if req.StartSeq > 0 {
				return testkit.Fail(70107, "gone")
			}
			return testkit.With(map[string]any{"CompleteFlag": 0, "ExtensionList": []map[string]any{{"Key": "k", "Value": "v", "Seq": 1}}})
		})
		_, errs := testkit.Drain(svc.C2CExtensions(context.Background(), c2cRef), 0)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], tim.ErrAccountNotFound)
		assert.Contains(t, errs[0].Error(), "tim: extensions page 2: ")
	})
}

// A group MsgSeq beyond 32 bits is sent whole; Seq values beyond 2⁵³ are
// read without going through float64.
func TestExtensionsWideSeqs(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	const msgSeq, seq = uint64(1)<<33 + 1, uint64(1)<<60 + 3
	srv.Handle(pathGroupGetExt, func(testkit.Request) any {
		return testkit.With(map[string]any{"CompleteFlag": 1, "LatestSeq": fmt.Sprint(seq), "ExtensionList": []map[string]any{{"Key": "k", "Value": "v", "Seq": fmt.Sprint(seq)}}})
	})
	p, err := svc.GroupExtensionsPage(context.Background(), message.GroupMsgRef{GroupID: "g", MsgSeq: msgSeq}, 0)
	require.NoError(t, err)
	assert.Equal(t, seq, p.LatestSeq)
	assert.Equal(t, seq, p.Extensions[0].Seq)
	assert.Equal(t, seq+1, p.NextStartSeq)
	var req struct {
		MsgSeq uint64 `json:"MsgSeq"`
	}
	srv.Last(pathGroupGetExt).Decode(t, &req)
	assert.Equal(t, msgSeq, req.MsgSeq)
}

func TestExtensionsPageFields(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathGetExt, func(testkit.Request) any {
		return testkit.With(map[string]any{"CompleteFlag": 1, "LatestSeq": "9", "ClearSeq": 3, "ExtensionList": []map[string]any{{"Key": "vote", "Value": "3", "Seq": 9}}})
	})
	p, err := svc.C2CExtensionsPage(context.Background(), c2cRef, 4)
	require.NoError(t, err)
	assert.Equal(t, &message.ExtensionPage{Extensions: []message.Extension{{"vote", "3", 9}}, LatestSeq: 9, ClearSeq: 3, Complete: true, NextStartSeq: 10}, p)
}

func TestSetExtensionsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	answer := func(r testkit.Request) any {
		var req struct {
			ExtensionList []struct {
				Key, Value string
				Seq        int
			} `json:"ExtensionList"`
		}
		r.Decode(t, &req)
		var out []map[string]any
		for i, e := range req.ExtensionList {
			code := 0
			if e.Key == "locked" {
				code = 23001
			}
			out = append(out, map[string]any{"ErrorCode": code, "Extension": map[string]any{"Key": e.Key, "Value": e.Value, "Seq": e.Seq + i + 1}})
		}
		return testkit.With(map[string]any{"ExtensionList": out})
	}
	srv.Handle(pathSetExt, answer)
	srv.Handle(pathGroupSetExt, answer)

	res, err := svc.SetC2CExtensions(ctx, c2cRef, []message.Extension{{Key: "vote", Value: "3"}, {Key: "locked", Value: "x", Seq: 7}})
	require.NoError(t, err)
	assertGolden(t, "testdata/golden/call_c2c_set_ext.json", srv.Last(pathSetExt).Body)
	require.Len(t, res, 2)
	assert.Equal(t, message.ExtensionResult{Extension: message.Extension{Key: "vote", Value: "3", Seq: 1}}, res[0])
	require.NoError(t, res[0].Err())
	var ae *tim.APIError
	require.ErrorAs(t, res[1].Err(), &ae)
	assert.Equal(t, 23001, ae.Code)

	_, err = svc.DeleteC2CExtensions(ctx, c2cRef, "vote")
	require.NoError(t, err)
	assertGolden(t, "testdata/golden/call_c2c_delete_ext.json", srv.Last(pathSetExt).Body)
	require.NoError(t, svc.ClearC2CExtensions(ctx, c2cRef))
	assertGolden(t, "testdata/golden/call_c2c_clear_ext.json", srv.Last(pathSetExt).Body)

	_, err = svc.SetGroupExtensions(ctx, groupRef, []message.Extension{{Key: "handled_by", Value: "nurse_2"}})
	require.NoError(t, err)
	assertGolden(t, "testdata/golden/call_group_set_ext.json", srv.Last(pathGroupSetExt).Body)
	_, err = svc.DeleteGroupExtensions(ctx, groupRef, "handled_by")
	require.NoError(t, err)
	assertGolden(t, "testdata/golden/call_group_delete_ext.json", srv.Last(pathGroupSetExt).Body)
	require.NoError(t, svc.ClearGroupExtensions(ctx, groupRef))
	assertGolden(t, "testdata/golden/call_group_clear_ext.json", srv.Last(pathGroupSetExt).Body)
}

func TestSetExtensionsSplitBy20(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	var exts []message.Extension
	for i := range 45 {
		exts = append(exts, message.Extension{Key: fmt.Sprint("k", i), Value: "v"})
	}
	n := 0
	srv.Handle(pathGroupSetExt, func(testkit.Request) any {
		if n++; n == 3 {
			return testkit.Fail(10010, "group not found")
		}
		return nil
	})
	_, err := svc.SetGroupExtensions(context.Background(), groupRef, exts)
	require.ErrorIs(t, err, tim.ErrGroupNotFound)
	assert.Contains(t, err.Error(), "extensions 40..44 of 45")
	var sizes []int
	for _, c := range srv.Calls(pathGroupSetExt) {
		var req struct {
			ExtensionList []any `json:"ExtensionList"`
		}
		c.Decode(t, &req)
		sizes = append(sizes, len(req.ExtensionList))
	}
	assert.Equal(t, []int{20, 20, 5}, sizes)
}

func TestExtensionValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name, field, reason string
		call                func(*message.Service) error
	}{
		{"no from", "From_Account", "empty", func(s *message.Service) error {
			_, e := s.C2CExtensionsPage(ctx, message.C2CMsgRef{To: "b", MsgKey: "k"}, 0)
			return e
		}},
		{"no msgkey", "MsgKey", "empty", func(s *message.Service) error {
			return s.ClearC2CExtensions(ctx, message.C2CMsgRef{From: "a", To: "b"})
		}},
		{"seq 0", "MsgSeq", "start at 1", func(s *message.Service) error {
			_, e := s.GroupExtensionsPage(ctx, message.GroupMsgRef{GroupID: "g"}, 0)
			return e
		}},
		{"no group", "GroupId", "empty", func(s *message.Service) error { return s.ClearGroupExtensions(ctx, message.GroupMsgRef{MsgSeq: 1}) }},
		{"no keys", "ExtensionList", "no key", func(s *message.Service) error { _, e := s.SetC2CExtensions(ctx, c2cRef, nil); return e }},
		{"empty key", "ExtensionList[0].Key", "empty", func(s *message.Service) error { _, e := s.DeleteGroupExtensions(ctx, groupRef, ""); return e }},
		{"key 101", "ExtensionList[0].Key", "limit is 100", func(s *message.Service) error {
			_, e := s.SetGroupExtensions(ctx, groupRef, []message.Extension{{Key: strings.Repeat("k", 101), Value: "v"}})
			return e
		}},
		{"value 1001", "ExtensionList[0].Value", "limit is 1000", func(s *message.Service) error {
			_, e := s.SetC2CExtensions(ctx, c2cRef, []message.Extension{{Key: "k", Value: strings.Repeat("v", 1001)}})
			return e
		}},
		{"empty value", "ExtensionList[0].Value", "delete the key", func(s *message.Service) error {
			_, e := s.SetC2CExtensions(ctx, c2cRef, []message.Extension{{Key: "k"}})
			return e
		}},
		{"key twice", "ExtensionList[1].Key", "twice", func(s *message.Service) error {
			_, e := s.SetC2CExtensions(ctx, c2cRef, []message.Extension{{Key: "k", Value: "1"}, {Key: "k", Value: "2"}})
			return e
		}},
		{"delete c2c no keys", "MsgKeyList", "no MsgKey", func(s *message.Service) error { return s.DeleteC2CMessages(ctx, "a", "b") }},
		{"delete c2c no owner", "Operator_Account", "empty", func(s *message.Service) error { return s.DeleteC2CMessages(ctx, "", "b", "k") }},
		{"receipt empty key", "C2CMsgInfo[1]", "empty", func(s *message.Service) error { return s.SendC2CReadReceipts(ctx, "a", "b", "k", "") }},
		{"receipt no sender", "Peer_Account", "empty", func(s *message.Service) error { return s.SendC2CReadReceipts(ctx, "a", "", "k") }},
		{"broadcast nil", "message", "nil", func(s *message.Service) error { _, e := s.SendBroadcast(ctx, nil); return e }},
		{"broadcast empty body", "MsgBody", "empty", func(s *message.Service) error { _, e := s.SendBroadcast(ctx, &message.Broadcast{}); return e }},
		{"broadcast long from", "From_Account", "limit is 32", func(s *message.Service) error {
			_, e := s.SendBroadcast(ctx, &message.Broadcast{From: strings.Repeat("f", 33), Body: message.Body{&message.Text{Text: "hi"}}})
			return e
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			err := tc.call(svc)
			var ie *tim.InvalidInputError
			require.True(t, errors.As(err, &ie), "want *InvalidInputError, got %T: %v", err, err)
			assert.Equal(t, tc.field, ie.Field)
			assert.Contains(t, ie.Reason, tc.reason)
			assert.Empty(t, srv.Requests())
		})
	}
}

func TestC2CExtrasGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	require.NoError(t, svc.DeleteC2CMessages(ctx, "user0", "user1", "1472765512_1000001_1697000000", "1472765513_1000002_1697000001"))
	assertGolden(t, "testdata/golden/call_delete_c2c_msg_ramble.json", srv.Last(pathDeleteC2C).Body)
	require.NoError(t, svc.SendC2CReadReceipts(ctx, "patient1", "doctor1", "1287657_827092_1700000000"))
	assertGolden(t, "testdata/golden/call_c2c_msg_read_receipt.json", srv.Last(pathC2CReceipt).Body)

	srv.Handle(pathC2CReceipt, func(testkit.Request) any { return testkit.Fail(70107, "account not imported") })
	require.ErrorIs(t, svc.SendC2CReadReceipts(ctx, "ghost", "doctor1", "k"), tim.ErrAccountNotFound)
}

func TestBroadcastGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBroadcast, func(testkit.Request) any { return testkit.With(map[string]any{"MsgSeq": 7}) })
	b := &message.Broadcast{From: "admin_bot", Body: message.Body{&message.Text{Text: "直播即将开始"}}, CloudCustomData: `{"kind":"notice"}`, Random: 1287657}
	res, err := svc.SendBroadcast(context.Background(), b)
	require.NoError(t, err)
	assertGolden(t, "testdata/golden/call_broadcast.json", srv.Last(pathBroadcast).Body)
	assert.Equal(t, &message.BroadcastResult{MsgSeq: 7, Random: 1287657}, res)

	// A zero Random is drawn once and kept on the Broadcast.
	b2 := &message.Broadcast{Body: message.Body{&message.Text{Text: "hi"}}}
	res, err = svc.SendBroadcast(context.Background(), b2)
	require.NoError(t, err)
	require.NotZero(t, b2.Random)
	assert.Equal(t, b2.Random, res.Random)

	// Resent unchanged: the same Random. Reused as a template (another
	// body, sender or custom data): a fresh one, so Tencent's Random +
	// content rule cannot take it for the first broadcast.
	drawn := b2.Random
	_, err = svc.SendBroadcast(context.Background(), b2)
	require.NoError(t, err)
	assert.Equal(t, drawn, b2.Random)
	for _, change := range []func(){
		func() { b2.Body = message.Body{&message.Text{Text: "bye"}} },
		func() { b2.From = "host" },
		func() { b2.CloudCustomData = "x" },
	} {
		change()
		res, err = svc.SendBroadcast(context.Background(), b2)
		require.NoError(t, err)
		assert.NotEqual(t, drawn, res.Random)
		drawn = res.Random
	}

	// A Random set by the caller is kept whatever changes.
	b.Body = message.Body{&message.Text{Text: "另一条"}}
	res, err = svc.SendBroadcast(context.Background(), b)
	require.NoError(t, err)
	assert.Equal(t, uint32(1287657), res.Random)
}

// The broadcast carries no dedup key Tencent documents, so a transient
// failure after the request was sent is not retried.
func TestBroadcastNotResent(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBroadcast, func(testkit.Request) any { return testkit.Fail(10002, "internal error") })
	_, err := svc.SendBroadcast(context.Background(), &message.Broadcast{Body: message.Body{&message.Text{Text: "hi"}}})
	require.ErrorIs(t, err, tim.ErrServerBusy)
	assert.Len(t, srv.Calls(pathBroadcast), 1)
}

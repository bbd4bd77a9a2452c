package group_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pReceipt       = "group_open_http_svc/group_msg_receipt"
	pGetReceipt    = "group_open_http_svc/get_group_msg_receipt"
	pReceiptDetail = "group_open_http_svc/get_group_msg_receipt_detail"
)

func TestReportReadGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	require.NoError(t, svc.ReportRead(context.Background(), "@TGS#2J4SZEAEL", "patient_7", []uint64{1, 2}))
	golden(t, srv, pReceipt, "group_msg_receipt")

	seqs := make([]uint64, 120)
	for i := range seqs {
		seqs[i] = uint64(i + 1)
	}
	svc, srv = newService(t)
	require.NoError(t, svc.ReportRead(context.Background(), "@TGS#g", "u", seqs))
	assert.Equal(t, []int{50, 50, 20}, listSizes(t, srv, pReceipt, "MsgSeqList"))
}

func TestReceiptsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGetReceipt, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupMsgReceiptList": []map[string]any{
			{"MsgSeq": 1, "ReadNum": 5, "UnreadNum": 2, "Code": 0},
			{"MsgSeq": "9007199254740993", "Code": 10062}, // 2^53+1: exact only as an integer
		}})
	})
	got, err := svc.Receipts(context.Background(), "@TGS#2J4SZEAEL", []uint64{1, 2})
	require.NoError(t, err)
	golden(t, srv, pGetReceipt, "get_group_msg_receipt")
	require.Len(t, got, 2)
	assert.Equal(t, group.Receipt{MsgSeq: 1, ReadNum: 5, UnreadNum: 2}, got[0])
	assert.Equal(t, uint64(1<<53+1), got[1].MsgSeq)
	require.NoError(t, got[0].Err())
	var ae *tim.APIError
	require.ErrorAs(t, got[1].Err(), &ae)
	assert.Equal(t, 10062, ae.Code)
}

// 450 unread members in pages of 200, following the opaque cursor.
func TestReceiptDetailPaging(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pReceiptDetail, func(r testkit.Request) any {
		var req struct {
			Cursor string `json:"Cursor"`
			Count  int    `json:"Count"`
		}
		r.Decode(t, &req)
		start := 0
		if req.Cursor != "" {
			_, _ = fmt.Sscanf(req.Cursor, "c%d", &start)
		}
		var list []map[string]any
		for i := start; i < min(start+req.Count, 450); i++ {
			list = append(list, map[string]any{"Unread_Account": fmt.Sprintf("m%03d", i)})
		}
		end := start + len(list)
		done, next := 0, fmt.Sprintf("c%d", end)
		if end >= 450 {
			done, next = 1, ""
		}
		return testkit.With(map[string]any{"IsFinished": done, "MsgSeq": 7, "UnreadList": list, "Cursor": next})
	})
	var got []string
	for id, err := range svc.ReceiptDetail(context.Background(), group.ReceiptDetailRequest{GroupID: "@TGS#2J4SZEAEL", MsgSeq: 7, Filter: group.UnreadMembers}) {
		require.NoError(t, err)
		got = append(got, id)
	}
	require.Len(t, got, 450)
	assert.Equal(t, "m449", got[449])
	calls := srv.Calls(pReceiptDetail)
	require.Len(t, calls, 3)
	testkit.AssertGolden(t, "testdata/golden/get_group_msg_receipt_detail.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/get_group_msg_receipt_detail_page2.json", calls[1].Body)

	// Readers, one small page.
	srv.Handle(pReceiptDetail, func(r testkit.Request) any {
		return testkit.With(map[string]any{"IsFinished": 1, "ReadList": []map[string]any{{"Read_Account": "a"}, {"Read_Account": "b"}}})
	})
	p, err := svc.ReceiptDetailPage(context.Background(), group.ReceiptDetailRequest{GroupID: "@TGS#1", MsgSeq: 1, PageSize: 10}, "")
	require.NoError(t, err)
	assert.Equal(t, &group.ReceiptDetailPage{Members: []string{"a", "b"}, Done: true}, p)
	golden(t, srv, pReceiptDetail, "get_group_msg_receipt_detail_read")
}

// An answer without a Cursor ends the walk even when IsFinished is absent.
func TestReceiptDetailNoCursorEnds(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pReceiptDetail, func(testkit.Request) any {
		return testkit.With(map[string]any{"ReadList": []map[string]any{{"Read_Account": "a"}}})
	})
	var got []string
	for id, err := range svc.ReceiptDetail(context.Background(), group.ReceiptDetailRequest{GroupID: "@TGS#1", MsgSeq: 1}) {
		require.NoError(t, err)
		got = append(got, id)
	}
	assert.Equal(t, []string{"a"}, got)
	assert.Len(t, srv.Calls(pReceiptDetail), 1)
}

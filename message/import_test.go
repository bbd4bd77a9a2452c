package message_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

func TestImportGroupReportsProgressPerCall(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	n := 0
	srv.Handle("group_open_http_svc/import_group_msg", func(testkit.Request) any {
		n++
		if n == 3 {
			return testkit.Fail(10004, "bad")
		}
		return nil
	})
	var msgs []message.ImportGroupMsg
	for i := range 20 {
		msgs = append(msgs, message.ImportGroupMsg{From: "a", Time: time.Unix(int64(101+i), 0), Body: message.Body{&message.Text{Text: "x"}}})
	}
	var got [][2]int
	_, err := svc.ImportGroup(context.Background(), message.ImportGroupRequest{GroupID: "g", Messages: msgs},
		message.WithImportProgress(func(done, total int) { got = append(got, [2]int{done, total}) }))
	require.Error(t, err)
	// Calls of 7: two succeeded, the third failed and is not reported.
	assert.Equal(t, [][2]int{{7, 20}, {14, 20}}, got)
}

func TestImportC2CAllImportsInOrderWithProgress(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	var msgs []*message.ImportC2CRequest
	for i := range 3 {
		msgs = append(msgs, &message.ImportC2CRequest{From: "a", To: "b", Time: time.Unix(int64(1556178721+i), 0),
			Body: message.Body{&message.Text{Text: "x"}}})
	}
	var got [][2]int
	n, err := svc.ImportC2CAll(context.Background(), msgs, nil,
		message.WithImportProgress(func(done, total int) { got = append(got, [2]int{done, total}) }))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, [][2]int{{1, 3}, {2, 3}, {3, 3}}, got)
	calls := srv.Calls("openim/importmsg")
	require.Len(t, calls, 3)
	for i, c := range calls {
		var req struct{ MsgTimeStamp int64 }
		c.Decode(t, &req)
		assert.Equal(t, int64(1556178721+i), req.MsgTimeStamp)
	}
}

func TestImportC2CAllStopsAtFirstFailure(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("openim/importmsg", func(r testkit.Request) any {
		var req struct{ MsgTimeStamp int64 }
		r.Decode(t, &req)
		if req.MsgTimeStamp == 2 {
			return testkit.Fail(90001, "bad json")
		}
		return nil
	})
	msgs := []*message.ImportC2CRequest{
		{From: "a", To: "b", Time: time.Unix(1, 0), Body: message.Body{&message.Text{Text: "x"}}},
		{From: "a", To: "b", Time: time.Unix(2, 0), Body: message.Body{&message.Text{Text: "y"}}},
		{From: "a", To: "b", Time: time.Unix(3, 0), Body: message.Body{&message.Text{Text: "z"}}},
	}
	calls := 0
	n, err := svc.ImportC2CAll(context.Background(), msgs, message.WithImportProgress(func(int, int) { calls++ }))
	require.Error(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, calls)
	assert.Contains(t, err.Error(), "importing message 1 of 3")
	assert.Len(t, srv.Calls("openim/importmsg"), 2)

}

func TestImportC2CAllChecksEveryMessageBeforeAnyCall(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	good := &message.ImportC2CRequest{From: "a", To: "b", Time: time.Unix(1, 0), Body: message.Body{&message.Text{Text: "x"}}}
	for _, tc := range []struct {
		bad   *message.ImportC2CRequest
		field string
	}{
		{nil, "msgs[1].request"},
		{&message.ImportC2CRequest{From: "a", Time: time.Unix(2, 0), Body: message.Body{&message.Text{Text: "y"}}}, "msgs[1].To_Account"},
		{&message.ImportC2CRequest{From: "a", To: "b", Body: message.Body{&message.Text{Text: "y"}}}, "msgs[1].MsgTimeStamp"},
	} {
		n, err := svc.ImportC2CAll(context.Background(), []*message.ImportC2CRequest{good, tc.bad})
		testkit.AssertInvalid(t, err, tc.field)
		assert.Zero(t, n)
	}
	assert.Empty(t, srv.Calls("openim/importmsg"), "nothing is sent when a message is invalid")
}

package message_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// Issue 13 defect 3: Tencent's documented answer to a batch where some
// recipients failed ("Response when the message was not sent to some target
// accounts", 批量发单聊消息_intl_en.md) is a partial success, not a total
// failure: the others are sent, the MsgKey is kept, rong fails with 70107.
func TestBatchSendPartialFailureIsNotTotalFailure(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBatch, func(testkit.Request) any {
		return map[string]any{
			"ActionStatus": "SomeError", "ErrorCode": 0, "ErrorInfo": "",
			"MsgKey":    "4852_28135_1579678877",
			"ErrorList": []map[string]any{{"To_Account": "rong", "ErrorCode": 70107}},
		}
	})
	m := message.NewText("", "", "hi, beauty", message.WithSender("dave"))
	res, err := svc.SendBatch(context.Background(), m, []string{"bonnie", "rong"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent)
	require.Len(t, res.Parts, 1)
	assert.Equal(t, "4852_28135_1579678877", res.Parts[0].MsgKey)
	require.Len(t, res.Failed, 1)
	assert.Equal(t, "rong", res.Failed[0].Account)
	assert.Equal(t, 70107, res.Failed[0].Code)
	assert.ErrorIs(t, res.Failed[0], tim.ErrAccountNotFound)
	assert.False(t, res.Failed[0].Unknown)
	assert.Empty(t, res.Failed.Retryable(), "70107 is not fixed by a resend")
}

// A resend targets only recipients Tencent refused with a transient code
// or never got: not the missing account, not the ones reached.
func TestBatchSendResendTargetsOnlyRetryableRecipients(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBatch, func(testkit.Request) any {
		return map[string]any{
			"ActionStatus": "SomeError", "ErrorCode": 0, "MsgKey": "k",
			"ErrorList": []map[string]any{{"To_Account": "b", "ErrorCode": 70107}, {"To_Account": "c", "ErrorCode": 10002}},
		}
	})
	m := message.NewText("", "", "x", message.WithSender("s"))
	res, err := svc.SendBatch(context.Background(), m, []string{"a", "b", "c"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent)
	assert.Equal(t, []string{"c"}, res.Failed.Retryable())
	assert.Equal(t, []string{"b", "c"}, res.Failed.Accounts())

	// A whole call refused by Tencent with a busy code: its recipients
	// provably did not get it and are retryable.
	srv.Handle(pathBatch, func(testkit.Request) any { return testkit.Fail(10002, "busy") })
	res, err = svc.SendBatch(context.Background(), m, []string{"a", "b"})
	require.Error(t, err)
	assert.Equal(t, []string{"a", "b"}, res.Failed.Retryable())
	assert.Empty(t, res.Failed.Unknown())
}

// The context ending before a call is made: those recipients were never
// sent and a resend is safe.
func TestBatchSendNeverSentRecipientsAreRetryable(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m := message.NewText("", "", "x", message.WithSender("s"))
	res, err := svc.SendBatch(ctx, m, []string{"a", "b"})
	require.Error(t, err)
	assert.Equal(t, 0, res.Calls)
	assert.Equal(t, []string{"a", "b"}, res.Failed.Retryable())
	assert.True(t, res.Failed[0].NotSent)
}

// Issue 15: SendBatch reports recipients done out of the total as calls
// complete, serialised, ending at the total.
func TestBatchProgressReportsRecipientsDone(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBatch, func(testkit.Request) any { return testkit.With(map[string]any{"MsgKey": "k"}) })
	var mu sync.Mutex
	var seen [][2]int
	m := message.NewText("", "", "x", message.WithSender("s"))
	_, err := svc.SendBatch(context.Background(), m, users(1234), message.BatchConcurrency(3),
		message.BatchProgress(func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, [2]int{done, total})
		}))
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 4, "once before the first call, once per call")
	assert.Equal(t, [2]int{0, 1234}, seen[0])
	assert.Equal(t, [2]int{1234, 1234}, seen[3])
	for i := 1; i < len(seen); i++ {
		assert.Greater(t, seen[i][0], seen[i-1][0], "done only grows")
	}
}

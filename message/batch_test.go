package message_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// countingLimiter never waits and records what each budget key spent.
type countingLimiter struct {
	mu    sync.Mutex
	spent map[string]int
}

func (l *countingLimiter) Wait(ctx context.Context, key string, n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spent == nil {
		l.spent = map[string]int{}
	}
	l.spent[key] += n
	return ctx.Err()
}

func users(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("user%05d", i)
	}
	return out
}

type batchReq struct {
	To        []string `json:"To_Account"`
	MsgRandom uint32   `json:"MsgRandom"`
	MsgSeq    uint32   `json:"MsgSeq"`
}

func TestBatchSplitsAndMergesFailures(t *testing.T) {
	t.Parallel()
	lim := &countingLimiter{}
	svc, srv := newService(t, tim.WithLimiter(lim))
	var inFlight, maxInFlight atomic.Int32
	srv.Handle(pathBatch, func(r testkit.Request) any {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			old := maxInFlight.Load()
			if cur <= old || maxInFlight.CompareAndSwap(old, cur) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		var req batchReq
		r.Decode(t, &req)
		var errs []map[string]any
		for _, to := range req.To {
			if to == "user00007" || to == "user01233" {
				errs = append(errs, map[string]any{"To_Account": to, "ErrorCode": 70107})
			}
		}
		return testkit.With(map[string]any{"MsgKey": "k" + req.To[0], "ErrorList": errs})
	})

	m := &message.Message{Body: message.Body{&message.Text{Text: "clinic closed"}}}
	recipients := users(1234)
	recipients = append(recipients, "user00001", "user00002") // duplicates are sent once
	res, err := svc.SendBatch(context.Background(), m, recipients, message.BatchConcurrency(2))
	require.NoError(t, err)

	calls := srv.Calls(pathBatch)
	require.Len(t, calls, 3)
	assert.Equal(t, 3, res.Calls)
	var sizes []int
	var all []string
	randoms := map[string]uint32{} // first recipient -> MsgRandom
	for _, c := range calls {
		var req batchReq
		c.Decode(t, &req)
		sizes = append(sizes, len(req.To))
		all = append(all, req.To...)
		assert.NotEqual(t, m.Random, req.MsgRandom, "a call's MsgRandom is derived, not the message's")
		assert.Equal(t, m.Seq, req.MsgSeq, "every call carries the message's MsgSeq")
		randoms[req.To[0]] = req.MsgRandom
	}
	assert.Len(t, randoms, 3)
	assert.Len(t, slices.Compact(slices.Sorted(maps.Values(randoms))), 3, "every call has a MsgRandom of its own")
	slices.Sort(sizes)
	assert.Equal(t, []int{234, 500, 500}, sizes)
	slices.Sort(all)
	assert.Equal(t, users(1234), all, "each recipient exactly once")

	assert.Equal(t, 1232, res.Sent)
	require.Len(t, res.Failed, 2)
	assert.Equal(t, []string{"user00007", "user01233"}, res.Failed.Accounts())
	for _, f := range res.Failed {
		assert.Equal(t, 70107, f.Code)
		assert.ErrorIs(t, f, tim.ErrAccountNotFound)
	}
	require.Len(t, res.Parts, 3)
	assert.Equal(t, "kuser00000", res.Parts[0].MsgKey)
	assert.Equal(t, "kuser01000", res.Parts[2].MsgKey)
	for _, p := range res.Parts {
		assert.Equal(t, randoms[p.To[0]], p.Random, "the part reports the MsgRandom its call carried")
	}
	assert.Equal(t, m.Random, res.Random)
	assert.Equal(t, m.Seq, res.Seq)
	assert.LessOrEqual(t, maxInFlight.Load(), int32(2), "bounded concurrency")

	lim.mu.Lock()
	defer lim.mu.Unlock()
	assert.Equal(t, 1234, lim.spent["openim/batchsendmsg#recipients"], "each recipient spends one unit of the 12,000/min budget")
	assert.Equal(t, 3, lim.spent[pathBatch])
}

func TestBatchWholeCallFailure(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, tim.WithoutRetry())
	srv.Handle(pathBatch, func(r testkit.Request) any {
		var req batchReq
		r.Decode(t, &req)
		if req.To[0] == "user00500" {
			return testkit.Fail(90011, "too many targets")
		}
		return testkit.With(map[string]any{"MsgKey": "k"})
	})
	res, err := svc.SendBatch(context.Background(), &message.Message{Body: message.Body{&message.Text{Text: "x"}}}, users(1100))
	require.Error(t, err)
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
	require.NotNil(t, res)
	assert.Equal(t, 3, res.Calls)
	assert.Equal(t, 600, res.Sent)
	require.Len(t, res.Failed, 500)
	assert.Equal(t, "user00500", res.Failed[0].Account)
	assert.Equal(t, 90011, res.Failed[0].Code)
	assert.Error(t, res.Parts[1].Err)
	assert.NoError(t, res.Parts[0].Err)
}

func TestBatchCancelledContextReportsUnsent(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx, cancel := context.WithCancel(context.Background())
	srv.Handle(pathBatch, func(testkit.Request) any {
		cancel()
		return nil
	})
	res, err := svc.SendBatch(ctx, &message.Message{Body: message.Body{&message.Text{Text: "x"}}}, users(2000), message.BatchConcurrency(1))
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, res.Calls, 4)
	assert.Equal(t, 2000, res.Sent+len(res.Failed), "every recipient is either sent or reported")
}

func TestBatchChunkKeysAreDeterministic(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pathBatch, func(testkit.Request) any { return testkit.With(map[string]any{"MsgKey": "k"}) })
	bodies := func(from int) map[string]string {
		out := map[string]string{}
		for _, c := range srv.Calls(pathBatch)[from:] {
			var req batchReq
			c.Decode(t, &req)
			out[req.To[0]+"/"+fmt.Sprint(len(req.To))] = string(c.Body)
		}
		return out
	}
	text := func() message.Body { return message.Body{&message.Text{Text: "clinic closed"}} }
	list := users(1100)

	m := &message.Message{Body: text()}
	r1, err := svc.SendBatch(context.Background(), m, list)
	require.NoError(t, err)
	first := bodies(0)
	require.Len(t, first, 3)

	// The same *Message to the same list: byte-identical calls.
	_, err = svc.SendBatch(context.Background(), m, list)
	require.NoError(t, err)
	assert.Equal(t, first, bodies(3))

	// After a restart: a new message WithKeys from the persisted keys, to
	// the same list, makes the same calls.
	again := message.New(message.ConvC2C, "", text(), message.WithKeys(r1.Random, r1.Seq))
	_, err = svc.SendBatch(context.Background(), again, list)
	require.NoError(t, err)
	assert.Equal(t, first, bodies(6))

	// Another list (one recipient more at the front): every call differs.
	_, err = svc.SendBatch(context.Background(), m, append([]string{"newcomer"}, list...))
	require.NoError(t, err)
	for k, b := range bodies(9) {
		for _, old := range first {
			var x, y batchReq
			require.NoError(t, json.Unmarshal([]byte(b), &x))
			require.NoError(t, json.Unmarshal([]byte(old), &y))
			assert.NotEqual(t, y.MsgRandom, x.MsgRandom, "call %s reuses a MsgRandom of the first list", k)
		}
	}

	// Body changed: the message's keys are drawn afresh.
	m.Body = message.Body{&message.Text{Text: "clinic open"}}
	r2, err := svc.SendBatch(context.Background(), m, list)
	require.NoError(t, err)
	assert.NotEqual(t, r1.Random, r2.Random)
}

package chunkstream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/chunkstream"
)

var lim = chunkstream.Limits{MinGap: 30 * time.Millisecond, MaxIdle: 300 * time.Millisecond,
	IdleMargin: 100 * time.Millisecond, MaxBytes: 1 << 10, CloseTimeout: time.Second}

// recorder is a Send that records its calls and answers keys k1, k2, ….
type recorder struct {
	mu    sync.Mutex
	calls []chunkstream.Call
	at    []time.Time
	fail  func(n int, c chunkstream.Call) error
	keys  int
}

func (r *recorder) send(_ context.Context, c chunkstream.Call) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	r.at = append(r.at, time.Now())
	if r.fail != nil {
		if err := r.fail(len(r.calls), c); err != nil {
			return "", err
		}
	}
	if c.MsgKey != "" {
		return c.MsgKey, nil
	}
	r.keys++
	return fmt.Sprintf("k%d", r.keys), nil
}

// messages joins the recorded chunks per MsgKey, in order of first call.
func (r *recorder) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	cur := ""
	for _, c := range r.calls {
		cur += c.Chunk
		if c.Finish {
			out = append(out, cur)
			cur = ""
		}
	}
	return out
}

func seq(parts ...string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, p := range parts {
			if !yield(p) {
				return
			}
		}
	}
}

func TestJoinsAndPaces(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	chunks := func(yield func(string) bool) {
		for i := range 40 {
			time.Sleep(3 * time.Millisecond)
			if !yield(fmt.Sprintf("%d,", i)) {
				return
			}
		}
	}
	res, err := chunkstream.Run(context.Background(), chunks, lim, r.send)
	require.NoError(t, err)
	assert.Equal(t, []string{"k1"}, res.MsgKeys)
	var want strings.Builder
	for i := range 40 {
		fmt.Fprintf(&want, "%d,", i)
	}
	assert.Equal(t, []string{want.String()}, r.messages())
	assert.Less(t, res.Calls, 40)
	for i := 1; i < len(r.at); i++ {
		assert.GreaterOrEqual(t, r.at[i].Sub(r.at[i-1]), lim.MinGap, "call %d", i)
	}
	for i, c := range r.calls {
		if i > 0 {
			assert.Equal(t, "k1", c.MsgKey, "call %d keeps the MsgKey", i)
		} else {
			assert.Empty(t, c.MsgKey)
		}
	}
	assert.Equal(t, want.Len(), res.Bytes)
}

func TestSkipsEmptyChunks(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	res, err := chunkstream.Run(context.Background(), seq("", "a", "", "b"), lim, r.send)
	require.NoError(t, err)
	assert.Equal(t, []string{"ab"}, r.messages())
	assert.Equal(t, 2, res.Bytes)
	res, err = chunkstream.Run(context.Background(), seq(), lim, r.send)
	require.NoError(t, err)
	assert.Zero(t, res.Calls, "nothing produced, nothing sent")
}

func TestSplitsOnRuneBoundary(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	small := lim
	small.MaxBytes = 8
	text := strings.Repeat("症", 10) // 30 bytes
	res, err := chunkstream.Run(context.Background(), seq(text), small, r.send)
	require.NoError(t, err)
	msgs := r.messages()
	assert.Equal(t, text, strings.Join(msgs, ""))
	assert.Len(t, res.MsgKeys, len(msgs))
	for _, m := range msgs {
		assert.True(t, utf8.ValidString(m), "%q", m)
		assert.Less(t, len(m), small.MaxBytes)
	}
}

func TestStallFinishesBeforeTheIdleGap(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	chunks := func(yield func(string) bool) {
		_ = yield("one")
		time.Sleep(2 * lim.MaxIdle)
		_ = yield("two")
	}
	res, err := chunkstream.Run(context.Background(), chunks, lim, r.send)
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "two"}, r.messages())
	assert.Equal(t, []string{"k1", "k2"}, res.MsgKeys)
	assert.Less(t, r.at[1].Sub(r.at[0]), lim.MaxIdle, "the stalled message was closed in time")
	assert.GreaterOrEqual(t, r.at[1].Sub(r.at[0]), lim.MaxIdle-lim.IdleMargin-10*time.Millisecond)
}

func TestCancelSendsTheHeldTextAsFinal(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	chunks := func(yield func(string) bool) {
		defer close(stopped)
		_ = yield("a") && yield("b")
		cancel()
		for yield("x") {
			time.Sleep(time.Millisecond)
		}
	}
	_, err := chunkstream.Run(ctx, chunks, lim, r.send)
	require.ErrorIs(t, err, context.Canceled)
	<-stopped
	msgs := r.messages()
	require.Len(t, msgs, 1, "the message was finished")
	assert.True(t, strings.HasPrefix(msgs[0], "ab"))
	assert.True(t, r.calls[len(r.calls)-1].Finish)
}

func TestFailedCallIsNotRepeated(t *testing.T) {
	t.Parallel()
	lost := errors.New("connection reset after the request was sent")
	r := &recorder{fail: func(n int, c chunkstream.Call) error {
		if c.Chunk == "two" {
			return lost
		}
		return nil
	}}
	chunks := func(yield func(string) bool) {
		_ = yield("one")
		time.Sleep(2 * lim.MinGap)
		_ = yield("two")
		time.Sleep(2 * lim.MinGap)
		_ = yield("three")
	}
	res, err := chunkstream.Run(context.Background(), chunks, lim, r.send)
	require.ErrorIs(t, err, chunkstream.ErrOutcomeUnknown)
	require.ErrorIs(t, err, lost)
	var sent []string
	for _, c := range r.calls {
		sent = append(sent, c.Chunk)
	}
	assert.Equal(t, []string{"one", "two", ""}, sent, "two once, then an empty closing call")
	assert.True(t, r.calls[2].Finish)
	assert.Equal(t, "k1", r.calls[2].MsgKey)
	assert.Equal(t, 3, res.Bytes)
}

func TestFirstCallFailureStops(t *testing.T) {
	t.Parallel()
	r := &recorder{fail: func(int, chunkstream.Call) error { return errors.New("10004") }}
	res, err := chunkstream.Run(context.Background(), seq("a", "b"), lim, r.send)
	require.ErrorIs(t, err, chunkstream.ErrOutcomeUnknown)
	assert.Len(t, r.calls, 1, "no MsgKey: nothing to close, nothing resent")
	assert.Empty(t, res.MsgKeys)
}

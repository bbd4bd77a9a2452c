package robot_test

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/robot"
	"github.com/timkit/tim/timtest"
)

const bot = "@RBT#triage"

func botClient(t *testing.T, opts ...tim.Option) (*tim.Client, *timtest.Server) {
	t.Helper()
	return botClientB(t, opts...)
}

func botClientB(t testing.TB, opts ...tim.Option) (*tim.Client, *timtest.Server) {
	t.Helper()
	c, srv := faked(t, opts...)
	require.NoError(t, c.Robot.Create(context.Background(), robot.Robot{UserID: bot}))
	return c, srv
}

// paced yields n chunks, one every gap.
func paced(n int, gap time.Duration) (iter.Seq[string], string) {
	var all strings.Builder
	for i := range n {
		fmt.Fprintf(&all, "w%d ", i)
	}
	return func(yield func(string) bool) {
		for i := range n {
			if i > 0 && gap > 0 {
				time.Sleep(gap)
			}
			if !yield(fmt.Sprintf("w%d ", i)) {
				return
			}
		}
	}, all.String()
}

// callTimes are the arrival times of the stream calls at the fake.
func callTimes(srv *timtest.Server) []time.Time {
	var out []time.Time
	for _, r := range srv.Requests(pStream) {
		out = append(out, r.At)
	}
	return out
}

// assertPaced checks Tencent's documented pacing on the calls the fake
// received: never more than 5 in any one second.
func assertPaced(t *testing.T, at []time.Time) {
	t.Helper()
	for i := range at {
		n := 0
		for j := i; j < len(at) && at[j].Sub(at[i]) < time.Second; j++ {
			n++
		}
		assert.LessOrEqual(t, n, 5, "calls %d.. land %d in one second", i, n)
	}
}

// TestStreamFastProducerIsPaced: a producer far faster than Tencent's 5
// continuations a second is joined into paced calls; one message, every
// byte once, in order, finished.
func TestStreamFastProducerIsPaced(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t)
	chunks, want := paced(120, 10*time.Millisecond)
	res, err := c.Robot.Stream(context.Background(), bot, "patient", chunks)
	require.NoError(t, err)
	require.Len(t, res.MsgKeys, 1)
	assert.Equal(t, len(want), res.Bytes)
	assert.Less(t, res.Calls, 120/2, "chunks were not joined")
	at := callTimes(srv)
	require.Len(t, at, res.Calls)
	assertPaced(t, at)
	for i := 1; i < len(at); i++ {
		assert.LessOrEqual(t, at[i].Sub(at[i-1]), robot.DefaultStreamLimits.MaxIdle)
	}
	st := srv.Streams()
	require.Len(t, st, 1)
	assert.True(t, st[0].Finished)
	assert.Equal(t, res.MsgKeys[0], st[0].MsgKey)
	assert.Equal(t, want, st[0].Text())
	msgs := srv.Messages(bot, "patient")
	require.Len(t, msgs, 1, "the finished stream is one message in history")
	assert.Equal(t, want, msgs[0].Text())
	assert.Equal(t, res.MsgKeys[0], msgs[0].MsgKey)
	for _, user := range []string{"patient", bot} {
		convs := srv.Conversations(user)
		require.NotEmpty(t, convs, "%s has no conversation", user)
		assert.Equal(t, timtest.ConvC2C, convs[0].Type)
	}
	assert.Equal(t, bot, srv.Conversations("patient")[0].Peer, "the answer is in the patient's conversation list")

	// Through the SDK: the answer is in the C2C history like any message.
	var texts []string
	for m, err := range c.Message.C2CHistory(context.Background(), message.HistoryRequest{Operator: bot, Peer: "patient"}) {
		require.NoError(t, err)
		texts = append(texts, m.Body.Text())
	}
	assert.Equal(t, []string{want}, texts)
}

// TestStreamStallPastIdleGap: a producer that stalls longer than the idle
// gap gets its message finished before the gap ends; what it yields later
// is a second message. No call of one message is farther than the gap from
// the one before it.
func TestStreamStallPastIdleGap(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t)
	lim := robot.DefaultStreamLimits
	lim.MaxIdle, lim.IdleMargin = 600*time.Millisecond, 200*time.Millisecond
	s, err := c.Robot.WithStreamLimits(lim)
	require.NoError(t, err)
	chunks := func(yield func(string) bool) {
		_ = yield("before ") && yield("the stall")
		time.Sleep(3 * lim.MaxIdle)
		_ = yield("after ") && yield("it")
	}
	res, err := s.Stream(context.Background(), bot, "patient", chunks)
	require.NoError(t, err)
	require.Len(t, res.MsgKeys, 2)
	st := srv.Streams()
	require.Len(t, st, 2)
	assert.Equal(t, "before the stall", st[0].Text())
	assert.Equal(t, "after it", st[1].Text())
	for _, x := range st {
		assert.True(t, x.Finished, "%s was finished by a call, not by Tencent's timeout", x.MsgKey)
		assert.False(t, x.TimedOut)
	}
	assert.Equal(t, res.MsgKeys, []string{st[0].MsgKey, st[1].MsgKey})
	// The calls of the first message: none farther apart than MaxIdle.
	var first []time.Time
	for _, r := range srv.Requests(pStream) {
		if strings.Contains(string(r.Body), st[0].MsgKey) || !strings.Contains(string(r.Body), "MsgKey") {
			first = append(first, r.At)
		}
	}
	first = first[:len(first)-1] // the second message's opening call has no MsgKey either
	for i := 1; i < len(first); i++ {
		assert.Less(t, first[i].Sub(first[i-1]), lim.MaxIdle)
	}
	assertPaced(t, callTimes(srv))
}

// TestStreamContextCancelledMidStream: when ctx ends, the text read so far
// is sent as the final call, the message is finished, the producer is
// stopped, and ctx's error is returned.
func TestStreamContextCancelledMidStream(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t)
	var stopped atomic.Bool
	var produced strings.Builder
	var mu = make(chan struct{}, 1)
	chunks := func(yield func(string) bool) {
		defer stopped.Store(true)
		for i := 0; ; i++ {
			s := fmt.Sprintf("w%d ", i)
			if !yield(s) {
				return
			}
			mu <- struct{}{}
			produced.WriteString(s)
			<-mu
			time.Sleep(20 * time.Millisecond)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	res, err := c.Robot.Stream(ctx, bot, "patient", chunks)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Len(t, res.MsgKeys, 1)
	st := srv.Streams()
	require.Len(t, st, 1)
	assert.True(t, st[0].Finished, "the stream was finished on cancellation")
	require.Eventually(t, stopped.Load, 2*time.Second, 10*time.Millisecond, "the producer was not stopped")
	mu <- struct{}{}
	all := produced.String()
	<-mu
	assert.True(t, strings.HasPrefix(all, st[0].Text()), "sent %q is not a prefix of produced %q", st[0].Text(), all)
	assert.NotEmpty(t, st[0].Text())
	assertPaced(t, callTimes(srv))
}

// TestStreamLostAnswerIsNotResent: the answer of a continuation is lost
// after Tencent applied it. Even with retries on, the chunk is not sent
// again; the message is closed with an empty final call and the error
// says the chunk was not resent.
func TestStreamLostAnswerIsNotResent(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	chunks := func(yield func(string) bool) {
		if !yield("one ") {
			return
		}
		for len(srv.Requests(pStream)) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // the first answer is back
		srv.DropNext(pStream, 1)
		if !yield("two ") {
			return
		}
		for len(srv.Requests(pStream)) < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		yield("three ")
	}
	res, err := c.Robot.Stream(context.Background(), bot, "patient", chunks)
	require.ErrorIs(t, err, robot.ErrChunkNotResent)
	require.Len(t, res.MsgKeys, 1)
	st := srv.Streams()
	require.Len(t, st, 1)
	assert.Equal(t, []string{"one ", "two ", ""}, st[0].Chunks, "two sent once, then the closing call")
	assert.True(t, st[0].Finished)
	n := 0
	for _, r := range srv.Requests(pStream) {
		if strings.Contains(string(r.Body), `"two `) {
			n++
		}
	}
	assert.Equal(t, 1, n, "the chunk whose answer was lost was sent again")
}

// TestStreamSplitsAtSizeLimit: text that would reach MaxBytes continues in
// a new message, cut on a UTF-8 boundary.
func TestStreamSplitsAtSizeLimit(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t)
	lim := robot.DefaultStreamLimits
	lim.MaxBytes = 10
	s, err := c.Robot.WithStreamLimits(lim)
	require.NoError(t, err)
	res, err := s.Stream(context.Background(), bot, "patient", func(yield func(string) bool) { yield("ab症状cd症状ef") })
	require.NoError(t, err)
	st := srv.Streams()
	require.Len(t, st, len(res.MsgKeys))
	require.GreaterOrEqual(t, len(st), 2)
	var all strings.Builder
	for _, x := range st {
		assert.Less(t, len(x.Text()), lim.MaxBytes)
		assert.True(t, x.Finished)
		all.WriteString(x.Text())
	}
	assert.Equal(t, "ab症状cd症状ef", all.String())
}

func TestDefaultStreamLimitsAreTencents(t *testing.T) {
	t.Parallel()
	l := robot.DefaultStreamLimits
	assert.GreaterOrEqual(t, l.MinGap, 200*time.Millisecond, "5 continuations a second")
	assert.Equal(t, 15*time.Second, l.MaxIdle)
	assert.Equal(t, 128*1024, l.MaxBytes)
	assert.Less(t, l.IdleMargin, l.MaxIdle)
}

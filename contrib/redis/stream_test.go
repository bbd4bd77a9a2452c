package timredis_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/timkit/tim/event"

	timredis "github.com/timkit/tim/contrib/redis"
)

func newStream(t testing.TB, rdb redis.Cmdable, consumer string, opts ...timredis.StreamOption) *timredis.Stream {
	t.Helper()
	base := []timredis.StreamOption{
		timredis.WithStreamKey(prefix(t) + "callbacks"),
		timredis.WithConsumer(consumer),
		timredis.WithBlock(50 * time.Millisecond),
	}
	s, err := timredis.NewStream(rdb, appID, append(base, opts...)...)
	require.NoError(t, err)
	return s
}

// replica is one process behind the callback URL: a webhook that hands
// off to the stream, and workers that read it.
type replica struct {
	d      *event.Dispatcher
	h      http.Handler
	stream *timredis.Stream
	src    event.Source // what the workers read: stream, unless a test wraps it
	cancel context.CancelFunc
	done   chan error
}

func newReplica(t testing.TB, rdb redis.Cmdable, name string, store event.DedupStore, opts ...timredis.StreamOption) *replica {
	t.Helper()
	d, err := event.NewDispatcher()
	require.NoError(t, err)
	r := &replica{d: d, stream: newStream(t, rdb, name, opts...)}
	r.src = r.stream
	r.h, err = event.NewHandler(d, appID, event.WithoutSignature(), event.WithDedupStore(store), event.WithHandoff(r.stream))
	require.NoError(t, err)
	return r
}

// start runs workers on the replica's stream until stop.
func (r *replica) start(workers int) {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- r.d.Work(ctx, r.src, event.WithWorkers(workers)) }()
}

func (r *replica) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Work did not return after its context ended")
	}
}

func post(t testing.TB, h http.Handler, msgKey string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, callbackRequest(msgKey))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

func TestStreamRoundTrip(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	s := newStream(t, rdb, "c1")
	ctx := context.Background()
	in := event.Queued{
		Command:  event.CmdC2CAfterSendMsg,
		Body:     []byte(`{"CallbackCommand":"C2C.CallbackAfterSendMsg"}`),
		Received: time.Unix(1_700_000_000, 123),
		Origin: event.Origin{SDKAppID: appID, ClientIP: "203.0.113.7", OptPlatform: "iOS",
			RequestTime: time.Unix(1_700_000_000, 0)},
		Duplicate: true,
	}
	require.NoError(t, s.Append(ctx, in))
	got, err := s.Read(ctx, 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	out := got[0]
	assert.NotEmpty(t, out.ID)
	assert.Equal(t, 1, out.Deliveries)
	out.ID, out.Deliveries = "", 0
	assert.Equal(t, in, out)

	require.NoError(t, s.Ack(ctx, got[0].ID))
	n, err := rdb.XLen(ctx, s.Key()).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "an acknowledged entry is deleted")

	rctx, cancel := context.WithTimeout(ctx, 120*time.Millisecond)
	defer cancel()
	_, err = s.Read(rctx, 10)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "an empty stream blocks until the context ends")
}

// A worker that dies mid-handler (its context cancelled and the process
// gone) leaves its entries pending; another replica takes them over after
// the claim idle time and handles them.
func TestStreamDeadWorkersEntriesGoToAnother(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	store, err := timredis.NewDedupStore(rdb, appID, timredis.WithDedupPrefix(prefix(t)))
	require.NoError(t, err)
	idle := timredis.WithClaimIdle(200 * time.Millisecond)
	a := newReplica(t, rdb, "a", store, idle)
	b := newReplica(t, rdb, "b", store, idle)

	release := make(chan struct{})
	var inA atomic.Int32
	event.On(a.d, func(context.Context, *event.ReceivedMessage) {
		inA.Add(1)
		<-release // the process "hangs" here until it is killed
	})
	handledByB := map[string]int{}
	var mu sync.Mutex
	event.On(b.d, func(_ context.Context, m *event.ReceivedMessage) {
		mu.Lock()
		handledByB[m.MsgKey]++
		mu.Unlock()
	})

	keys := []string{"1_1_1", "2_2_2", "3_3_3"}
	for _, k := range keys {
		post(t, a.h, k)
	}
	a.start(3)
	require.Eventually(t, func() bool { return inA.Load() == 3 }, 5*time.Second, time.Millisecond)
	// Kill A: cancel its context and drop it (its handlers never return
	// while B works).
	a.cancel()

	b.start(2)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handledByB) == 3
	}, 10*time.Second, 5*time.Millisecond)
	b.stop(t)
	mu.Lock()
	for _, k := range keys {
		assert.Equal(t, 1, handledByB[k], k)
	}
	mu.Unlock()

	close(release) // let A's goroutines end, so that nothing leaks
	<-a.done
	pending, err := rdb.XPending(context.Background(), a.stream.Key(), "tim").Result()
	require.NoError(t, err)
	assert.Zero(t, pending.Count)
}

// The stream delivers at least once, and a live worker's entries are no
// exception: A has one worker, stuck in a slow handler with the first
// entry, and its reader stuck handing it the second (read ahead, waiting
// for a free worker), so nothing refreshes their idle time; B takes both
// over after the claim idle time and handles them while A still holds
// them. Both acknowledge; nothing is left behind. This is why WithClaimIdle
// must exceed the slowest handler with room to spare, and why handlers
// must be idempotent.
func TestStreamSlowHandlerIsHandledAgain(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	store := event.NewMemoryDedup(0)
	idle := timredis.WithClaimIdle(100 * time.Millisecond)
	a := newReplica(t, rdb, "a", store, idle)
	b := newReplica(t, rdb, "b", store, idle)
	started, release := make(chan struct{}), make(chan struct{})
	var (
		once     sync.Once
		mu       sync.Mutex
		byA, byB = map[string]int{}, map[string]int{}
	)
	event.On(a.d, func(_ context.Context, m *event.ReceivedMessage) {
		mu.Lock()
		byA[m.MsgKey]++
		mu.Unlock()
		once.Do(func() { close(started) })
		<-release // a slow handler: still running when B takes the entries over
	})
	event.On(b.d, func(_ context.Context, m *event.ReceivedMessage) {
		mu.Lock()
		byB[m.MsgKey]++
		mu.Unlock()
	})
	post(t, a.h, "1_1_1")
	post(t, a.h, "2_2_2")
	a.start(1)
	<-started
	ctx := context.Background()
	require.Eventually(t, func() bool {
		p, err := rdb.XPending(ctx, a.stream.Key(), "tim").Result()
		return err == nil && p.Consumers["a"] == 2
	}, 10*time.Second, 5*time.Millisecond, "A's reader holds the second entry too")
	b.start(1)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(byB) == 2
	}, 10*time.Second, 5*time.Millisecond, "B takes over the entries A holds past the claim idle time")
	close(release)
	a.stop(t)
	b.stop(t)
	mu.Lock()
	assert.Equal(t, map[string]int{"1_1_1": 1, "2_2_2": 1}, byB, "B handled both once")
	assert.Equal(t, map[string]int{"1_1_1": 1, "2_2_2": 1}, byA, "A handled both too: at least once")
	mu.Unlock()
	pending, err := rdb.XPending(ctx, a.stream.Key(), "tim").Result()
	require.NoError(t, err)
	assert.Zero(t, pending.Count, "both acknowledged")
	n, err := rdb.XLen(ctx, a.stream.Key()).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

// A replica does not take over its own entries: an entry whose handler
// runs for several claim idle times, alone on the stream, is handled once
// (XAUTOCLAIM finds it idle and hands it to its own consumer again; the
// stream knows it is in flight and does not return it), then acknowledged.
func TestStreamSlowHandlerAloneIsHandledOnce(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	a := newReplica(t, rdb, "a", event.NewMemoryDedup(0), timredis.WithClaimIdle(50*time.Millisecond))
	var handled atomic.Int32
	event.On(a.d, func(context.Context, *event.ReceivedMessage) {
		handled.Add(1)
		time.Sleep(400 * time.Millisecond) // 8 claim idle times; the reader polls every 50 ms
	})
	post(t, a.h, "1_1_1")
	a.start(2)
	ctx := context.Background()
	require.Eventually(t, func() bool {
		n, err := rdb.XLen(ctx, a.stream.Key()).Result()
		return err == nil && n == 0
	}, 10*time.Second, 10*time.Millisecond, "the entry is acknowledged")
	time.Sleep(200 * time.Millisecond) // a second handling, if any, has begun by now
	a.stop(t)
	assert.EqualValues(t, 1, handled.Load(), "handled once by its only replica")
	pending, err := rdb.XPending(ctx, a.stream.Key(), "tim").Result()
	require.NoError(t, err)
	assert.Zero(t, pending.Count)
}

// A slow handler's entry that fails once is delivered again, not
// dead-lettered: the reader's claims that keep its own in-flight entry
// from going idle (one per claim idle time while it polls) are not
// deliveries and must not count towards MaxDeliveries.
func TestStreamSlowHandlerFailingOnceIsRetried(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	s := newStream(t, rdb, "c1", timredis.WithClaimIdle(50*time.Millisecond), timredis.WithMaxDeliveries(2))
	ctx := context.Background()
	require.NoError(t, s.Append(ctx, event.Queued{Command: event.CmdC2CAfterSendMsg, Body: []byte(`{}`), Received: time.Now()}))
	got, err := s.Read(ctx, 1)
	require.NoError(t, err)
	require.Len(t, got, 1)
	q := got[0]
	require.Equal(t, 1, q.Deliveries)

	// The handler takes 6 claim idle times; the reader keeps polling, and
	// each poll finds the entry idle past the claim idle time.
	for range 6 {
		time.Sleep(60 * time.Millisecond)
		rctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		more, err := s.Read(rctx, 1)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Empty(t, more, "its own in-flight entry is not handed out again")
	}
	pend, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: s.Key(), Group: "tim", Start: "-", End: "+", Count: 10,
	}).Result()
	require.NoError(t, err)
	require.Len(t, pend, 1)
	assert.Equal(t, "c1", pend[0].Consumer, "still with its reader")
	assert.EqualValues(t, 1, pend[0].RetryCount, "the reader's own claims are not deliveries")

	require.NoError(t, s.Fail(ctx, q, fmt.Errorf("handler failed once")))
	time.Sleep(60 * time.Millisecond) // past the claim idle time
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	again, err := s.Read(rctx, 1)
	cancel()
	require.NoError(t, err)
	require.Len(t, again, 1, "a single failure is retried")
	assert.Equal(t, q.ID, again[0].ID)
	assert.Equal(t, 2, again[0].Deliveries)
	assert.Zero(t, rdb.XLen(ctx, s.DeadLetterKey()).Val(), "nothing dead-lettered")
	require.NoError(t, s.Ack(ctx, again[0].ID))
}

// A graceful stop finishes what is in hand and leaves unread entries for
// the other replicas.
func TestStreamGracefulStopLeavesTheRest(t *testing.T) {
	t.Parallel()
	rdb := sharedRedis(t).client(t)
	store := event.NewMemoryDedup(0)
	a := newReplica(t, rdb, "a", store)
	var handled atomic.Int32
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	event.On(a.d, func(ctx context.Context, _ *event.ReceivedMessage) {
		started <- struct{}{}
		<-release
		handled.Add(1)
	})
	post(t, a.h, "1_1_1")
	a.start(1)
	<-started
	for i := range 5 {
		post(t, a.h, fmt.Sprintf("%d_9_9", i+10))
	}
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	a.stop(t)
	assert.GreaterOrEqual(t, handled.Load(), int32(1))
	ctx := context.Background()
	pending, err := rdb.XPending(ctx, a.stream.Key(), "tim").Result()
	require.NoError(t, err)
	assert.Zero(t, pending.Count, "nothing is left pending under the stopped consumer")
	left, err := rdb.XLen(ctx, a.stream.Key()).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(6)-int64(handled.Load()), left, "unread entries stay for another worker")
}

// readLog wraps a replica's Source and records, per MsgKey, the entries
// read that carry MESSAGE_RECEIVED (those not marked Duplicate at the
// webhook): their ids and how many times they were read.
type readLog struct {
	event.Source
	mu    *sync.Mutex
	ids   map[string]map[string]bool // MsgKey -> entry ids
	reads map[string]int             // MsgKey -> reads
}

func (l readLog) Read(ctx context.Context, max int) ([]event.Queued, error) {
	batch, err := l.Source.Read(ctx, max)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range batch {
		if q.Duplicate {
			continue
		}
		var b struct{ MsgKey string }
		if json.Unmarshal(q.Body, &b) != nil || b.MsgKey == "" {
			continue
		}
		if l.ids[b.MsgKey] == nil {
			l.ids[b.MsgKey] = map[string]bool{}
		}
		l.ids[b.MsgKey][q.ID] = true
		l.reads[b.MsgKey]++
	}
	return batch, err
}

// TestStreamTenThousandCallbacks: 10,000 distinct callbacks, and 500 of
// them sent twice, reach three replicas (four workers each); 20 of the
// messages make a handler panic every time. The stream's guarantee is
// at least once: every other message's MESSAGE_RECEIVED is handled at
// least once; the webhook's de-duplication puts it in one entry only (the
// repeated callbacks are marked Duplicate), so it is handled again only
// when that entry was read again, and never more often than it was read.
// With a claim idle of 100 ms, a loaded machine makes such re-reads
// happen: an entry that waits for a free worker, or whose worker is not
// scheduled, for 100 ms is taken over by another replica while the first
// still holds it (see NOTES.md). The poison ones land in the dead-letter
// stream after MaxDeliveries tries; nothing is left pending.
//
// It runs alone (not parallel), so that its goroutine check sees only its
// own goroutines.
func TestStreamTenThousandCallbacks(t *testing.T) {
	srv := sharedRedis(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	store, err := timredis.NewDedupStore(rdb, appID, timredis.WithDedupPrefix(prefix(t)))
	require.NoError(t, err)
	const total, dups, poison, maxDeliveries = 10_000, 500, 20, 3
	opts := []timredis.StreamOption{timredis.WithClaimIdle(100 * time.Millisecond), timredis.WithMaxDeliveries(maxDeliveries)}

	var (
		mu      sync.Mutex
		counts  = map[string]int{}
		panics  atomic.Int32
		replics []*replica
		reads   = readLog{mu: &mu, ids: map[string]map[string]bool{}, reads: map[string]int{}}
	)
	isPoison := func(k string) bool {
		var n int
		_, _ = fmt.Sscanf(k, "%d_", &n)
		return n%(total/poison) == 0
	}
	for i := range 3 {
		r := newReplica(t, rdb, fmt.Sprintf("replica-%d", i), store, opts...)
		rl := reads
		rl.Source = r.stream
		r.src = rl
		event.On(r.d, func(_ context.Context, m *event.ReceivedMessage) {
			if isPoison(m.MsgKey) {
				panics.Add(1)
				panic("poison message " + m.MsgKey)
			}
			mu.Lock()
			counts[m.MsgKey]++
			mu.Unlock()
		})
		replics = append(replics, r)
	}
	for _, r := range replics {
		r.start(4)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < total+dups; i += 8 {
				k := i % total
				post(t, replics[i%3].h, fmt.Sprintf("%d_7_1557481126", k))
			}
		})
	}
	wg.Wait()
	s := replics[0].stream
	ctx := context.Background()
	require.Eventually(t, func() bool {
		n, err := rdb.XLen(ctx, s.Key()).Result()
		return err == nil && n == 0
	}, 60*time.Second, 20*time.Millisecond, "the stream drains")
	for _, r := range replics {
		r.stop(t)
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, counts, total-poison, "every message but the poison ones handled")
	assert.Len(t, reads.ids, total, "one MESSAGE_RECEIVED entry read per message")
	again, poisonReads := 0, 0
	for k, ids := range reads.ids {
		if len(ids) != 1 {
			t.Errorf("MESSAGE_RECEIVED for %s appended in %d entries: the webhook's de-duplication failed", k, len(ids))
		}
		if isPoison(k) {
			poisonReads += reads.reads[k]
			continue
		}
		if n := counts[k]; n != reads.reads[k] {
			t.Errorf("MESSAGE_RECEIVED for %s handled %d times, its entry read %d times", k, n, reads.reads[k])
		}
		again += counts[k] - 1
	}
	t.Logf("MESSAGE_RECEIVED handled again after its entry was taken over: %d of %d", again, total-poison)
	dead, err := rdb.XRange(ctx, s.DeadLetterKey(), "-", "+").Result()
	require.NoError(t, err)
	// Each poison message is set aside; twice when a reclaim found it past
	// MaxDeliveries while its last try was still running (at least once).
	deadKeys := map[string]int{}
	for _, m := range dead {
		assert.Equal(t, "C2C.CallbackAfterSendMsg", m.Values["cmd"])
		var b struct{ MsgKey string }
		require.NoError(t, json.Unmarshal([]byte(fmt.Sprint(m.Values["body"])), &b))
		assert.True(t, isPoison(b.MsgKey), "only poison messages are set aside: %s", b.MsgKey)
		deadKeys[b.MsgKey]++
		n, err := strconv.Atoi(fmt.Sprint(m.Values["deliveries"]))
		require.NoError(t, err)
		assert.GreaterOrEqual(t, n, maxDeliveries, "set aside after MaxDeliveries tries")
		// Normally the last try's panic sets it aside; on a loaded machine
		// a reclaim can find it past MaxDeliveries first.
		assert.Regexp(t, "panicked|delivered too often", m.Values["cause"])
	}
	assert.Len(t, deadKeys, poison, "every poison message is set aside")
	if len(dead) != poison {
		t.Logf("%d poison messages set aside in %d dead letters", poison, len(dead))
	}
	assert.EqualValues(t, poisonReads, panics.Load(), "every read of a poison entry panicked")
	assert.GreaterOrEqual(t, poisonReads, poison*maxDeliveries)
}

func TestNewStreamRefusesBadInput(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	cases := map[string]func() error{
		"NewStream":         func() error { _, err := timredis.NewStream(nil, appID); return err },
		"NewStream(app)":    func() error { _, err := timredis.NewStream(rdb, 0); return err },
		"WithStreamKey":     func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithStreamKey("")); return err },
		"WithConsumerGroup": func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithConsumerGroup("")); return err },
		"WithConsumer":      func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithConsumer("")); return err },
		"WithMaxLen":        func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithMaxLen(0)); return err },
		"WithClaimIdle":     func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithClaimIdle(0)); return err },
		"WithMaxDeliveries": func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithMaxDeliveries(0)); return err },
		"WithBlock":         func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithBlock(0)); return err },
		"WithStreamLogger":  func() error { _, err := timredis.NewStream(rdb, appID, timredis.WithStreamLogger(nil)); return err },
		"opts[0]":           func() error { _, err := timredis.NewStream(rdb, appID, nil); return err },
	}
	for name, f := range cases {
		err := f()
		assert.Error(t, err, name)
	}
	s, err := timredis.NewStream(rdb, appID)
	require.NoError(t, err)
	assert.Equal(t, "tim:callbacks:1400000000", s.Key())
	assert.Equal(t, "tim:callbacks:1400000000:dead", s.DeadLetterKey())
	assert.NotEmpty(t, s.Consumer())
}

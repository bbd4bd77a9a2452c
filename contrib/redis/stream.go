package timredis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim/event"
)

// Stream defaults.
const (
	// DefaultStreamMaxLen bounds the stream (approximately, MAXLEN ~):
	// acknowledged entries are deleted, so it bounds the backlog.
	DefaultStreamMaxLen = 100_000
	// DefaultClaimIdle is how long an entry may stay unacknowledged with one
	// consumer before another takes it over.
	DefaultClaimIdle = 30 * time.Second
	// DefaultMaxDeliveries is how many times an entry is delivered before
	// it is moved to the dead-letter stream.
	DefaultMaxDeliveries = 5
	// DefaultBlock is how long one read waits for new entries; a stopping
	// worker notices its context's end within it.
	DefaultBlock = time.Second
)

// Stream is a durable hand-off queue for verified after-callbacks, on a
// Redis stream with a consumer group: an event.Queue for the webhook
// (event.WithHandoff) and an event.Source for the workers
// (event.Dispatcher.Work), shared by every replica behind one callback
// URL.
//
//   - Append is XADD with an approximate MAXLEN bound; Tencent is answered
//     after it returns.
//   - Read is XREADGROUP for this consumer, after XAUTOCLAIM … JUSTID and
//     XCLAIM have taken over the entries other consumers left
//     unacknowledged for longer than the claim idle time (a replica that
//     died or was redeployed mid-handler). Only the entries handed out
//     count as deliveries.
//   - Ack is XACK and XDEL in one transaction, after the handlers returned.
//   - Fail leaves the entry pending, so it is delivered again after the
//     claim idle time; an entry delivered MaxDeliveries times is moved to
//     the dead-letter stream (<key>:dead) with the last failure, and logged.
//
// Delivery is at least once: an entry whose handlers ran but whose Ack was
// lost is delivered again, and so is an entry that stays with a live
// consumer for longer than the claim idle time (a slow handler, a wait for
// a free worker, a paused or CPU-starved process): another consumer takes
// it over and handles it while the first still does. Keep handlers
// idempotent: derived events (MESSAGE_RECEIVED, …) are de-duplicated at the
// webhook, before the append, so a callback Tencent repeats yields one
// entry, but that entry's handlers can run more than once. A consumer
// never takes over the entries it is handling itself.
//
// Each replica makes its own Stream with its own consumer name (default:
// host name, process id and a random suffix). Safe for concurrent use.
type Stream struct {
	rdb       redis.Cmdable
	key       string
	dead      string
	group     string
	consumer  string
	maxLen    int64
	claimIdle time.Duration
	maxDeliv  int
	block     time.Duration
	log       *slog.Logger

	mu     sync.Mutex
	ready  bool   // the consumer group exists
	cursor string // XAUTOCLAIM cursor

	// flight guards inFlight, the entries Read returned and not yet
	// acknowledged or failed. reclaim holds it from XAUTOCLAIM until it has
	// set those entries aside, and Ack and Fail forget an entry only after
	// Redis has acknowledged it, so a reclaim never mistakes an entry just
	// acknowledged here for one to hand out again.
	flight   sync.Mutex
	inFlight map[string]struct{}
}

// StreamOption configures NewStream, which reports a bad one as an
// *tim.InvalidInputError naming it.
type StreamOption func(*Stream) error

// WithStreamKey sets the stream's Redis key (default
// "tim:callbacks:<appID>"); the dead-letter stream is <key>:dead.
func WithStreamKey(key string) StreamOption {
	return func(s *Stream) error {
		if key == "" {
			return invalid("WithStreamKey", "empty key")
		}
		s.key = key
		return nil
	}
}

// WithConsumerGroup sets the consumer group (default "tim"). Every replica
// that shares the work uses the same group.
func WithConsumerGroup(group string) StreamOption {
	return func(s *Stream) error {
		if group == "" {
			return invalid("WithConsumerGroup", "empty group name")
		}
		s.group = group
		return nil
	}
}

// WithConsumer sets this replica's consumer name (default host name,
// process id and a random suffix). Two live replicas must not share one.
func WithConsumer(name string) StreamOption {
	return func(s *Stream) error {
		if name == "" {
			return invalid("WithConsumer", "empty consumer name")
		}
		s.consumer = name
		return nil
	}
}

// WithMaxLen bounds the stream's length (default DefaultStreamMaxLen). Past
// it Redis trims the oldest entries, acknowledged or not: size it well above
// the largest backlog you expect.
func WithMaxLen(n int64) StreamOption {
	return func(s *Stream) error {
		if n < 1 {
			return invalid("WithMaxLen", "%d must be at least 1", n)
		}
		s.maxLen = n
		return nil
	}
}

// WithClaimIdle sets how long an entry stays with a consumer that does not
// acknowledge it before another consumer takes it over (default
// DefaultClaimIdle). The clock starts when the entry is read, and Work
// reads one entry per worker ahead, so an entry may wait for a free worker
// before its handlers start: make it well over twice your slowest handler,
// plus the longest pause a replica can suffer (GC, CPU throttling). An
// entry held past it is handled again by another consumer.
func WithClaimIdle(d time.Duration) StreamOption {
	return func(s *Stream) error {
		if d <= 0 {
			return invalid("WithClaimIdle", "%v must be positive", d)
		}
		s.claimIdle = d
		return nil
	}
}

// WithMaxDeliveries sets how many deliveries an entry gets before it is
// moved to the dead-letter stream (default DefaultMaxDeliveries).
func WithMaxDeliveries(n int) StreamOption {
	return func(s *Stream) error {
		if n < 1 {
			return invalid("WithMaxDeliveries", "%d must be at least 1", n)
		}
		s.maxDeliv = n
		return nil
	}
}

// WithBlock sets how long one read waits for new entries (default
// DefaultBlock).
func WithBlock(d time.Duration) StreamOption {
	return func(s *Stream) error {
		if d <= 0 {
			return invalid("WithBlock", "%v must be positive", d)
		}
		s.block = d
		return nil
	}
}

// WithStreamLogger sets where dead-lettered and trimmed entries are
// reported (default: silent).
func WithStreamLogger(l *slog.Logger) StreamOption {
	return func(s *Stream) error {
		if l == nil {
			return invalid("WithStreamLogger", "nil logger")
		}
		s.log = l
		return nil
	}
}

// NewStream returns the hand-off stream of the app sdkAppID's callbacks in
// rdb. A nil rdb, a zero app id or a bad option is an
// *tim.InvalidInputError.
func NewStream(rdb redis.Cmdable, sdkAppID uint64, opts ...StreamOption) (*Stream, error) {
	if rdb == nil {
		return nil, invalid("NewStream", "nil Redis client")
	}
	if sdkAppID == 0 {
		return nil, invalid("NewStream", "SDKAppID is zero")
	}
	s := &Stream{
		rdb:       rdb,
		key:       DefaultKeyPrefix + "callbacks:" + strconv.FormatUint(sdkAppID, 10),
		group:     "tim",
		maxLen:    DefaultStreamMaxLen,
		claimIdle: DefaultClaimIdle,
		maxDeliv:  DefaultMaxDeliveries,
		block:     DefaultBlock,
		log:       slog.New(slog.DiscardHandler),
		cursor:    "0-0",
		inFlight:  map[string]struct{}{},
	}
	for i, o := range opts {
		if o == nil {
			return nil, invalid(fmt.Sprintf("opts[%d]", i), "is a nil StreamOption")
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.consumer == "" {
		s.consumer = defaultConsumer()
	}
	s.dead = s.key + ":dead"
	return s, nil
}

func defaultConsumer() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "replica"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// Key returns the stream's Redis key; DeadLetterKey the dead-letter
// stream's; Consumer this replica's consumer name.
func (s *Stream) Key() string { return s.key }

// DeadLetterKey returns the dead-letter stream's key.
func (s *Stream) DeadLetterKey() string { return s.dead }

// Consumer returns this replica's consumer name.
func (s *Stream) Consumer() string { return s.consumer }

// ensureGroup creates the consumer group (and the stream) once. It starts
// at the stream's beginning, so entries appended before any worker
// started are not skipped.
func (s *Stream) ensureGroup(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready {
		return nil
	}
	err := s.rdb.XGroupCreateMkStream(ctx, s.key, s.group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("timredis: creating consumer group %q: %w", s.group, err)
	}
	s.ready = true
	return nil
}

// Entry fields.
const (
	fCommand  = "cmd"
	fBody     = "body"
	fReceived = "recv"
	fAppID    = "app"
	fClientIP = "ip"
	fPlatform = "plat"
	fReqTime  = "rt"
	fDup      = "dup"
	fCause    = "cause"
	fFrom     = "from"
	fDeliv    = "deliveries"
)

func values(q event.Queued) []any {
	dup := "0"
	if q.Duplicate {
		dup = "1"
	}
	var rt int64
	if !q.Origin.RequestTime.IsZero() {
		rt = q.Origin.RequestTime.Unix()
	}
	return []any{
		fCommand, string(q.Command),
		fBody, q.Body,
		fReceived, q.Received.UnixNano(),
		fAppID, q.Origin.SDKAppID,
		fClientIP, q.Origin.ClientIP,
		fPlatform, string(q.Origin.OptPlatform),
		fReqTime, rt,
		fDup, dup,
	}
}

// Append implements event.Queue: XADD with an approximate MAXLEN.
func (s *Stream) Append(ctx context.Context, q event.Queued) error {
	if err := s.ensureGroup(ctx); err != nil {
		return err
	}
	err := s.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: s.key, MaxLen: s.maxLen, Approx: true, Values: values(q),
	}).Err()
	if err != nil {
		return fmt.Errorf("timredis: appending a callback: %w", err)
	}
	return nil
}

// Read implements event.Source: first the entries other consumers left
// idle for longer than the claim idle time (XAUTOCLAIM), then new ones
// (XREADGROUP, blocking up to the block time). An entry this Stream
// returned and that is not yet acknowledged or failed is not returned again
// (the claim only resets its idle time). Entries delivered more than
// MaxDeliveries times are moved to the dead-letter stream instead of being
// returned. It returns ctx's error once ctx has ended.
func (s *Stream) Read(ctx context.Context, max int) ([]event.Queued, error) {
	if max < 1 {
		max = 1
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := s.ensureGroup(ctx); err != nil {
			return nil, err
		}
		out, err := s.reclaim(ctx, max)
		if err != nil || len(out) > 0 {
			s.hold(out)
			return out, err
		}
		res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: s.group, Consumer: s.consumer, Streams: []string{s.key, ">"},
			Count: int64(max), Block: s.block,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // nothing new within the block time
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if strings.HasPrefix(err.Error(), "NOGROUP") {
				s.mu.Lock()
				s.ready = false // the stream was deleted: make it again
				s.mu.Unlock()
			}
			return nil, fmt.Errorf("timredis: reading callbacks: %w", err)
		}
		for _, st := range res {
			for _, m := range st.Messages {
				q, perr := decodeEntry(m)
				if perr != nil {
					s.deadLetter(ctx, m, 1, perr)
					continue
				}
				q.Deliveries = 1
				out = append(out, q)
			}
		}
		if len(out) > 0 {
			s.hold(out)
			return out, nil
		}
	}
}

// reclaim takes over entries idle with other (or this, restarted)
// consumers, in two steps: XAUTOCLAIM … JUSTID takes the idle entries
// without counting a delivery, then XCLAIM takes again (and counts) those
// to hand out. Our own in-flight entries get only the first step: it
// resets their idle time and leaves their delivery count alone, so a slow
// handler's entry is not moved to the dead-letter stream after one
// failure because the reader claimed it while polling.
func (s *Stream) reclaim(ctx context.Context, max int) ([]event.Queued, error) {
	s.mu.Lock()
	start := s.cursor
	s.mu.Unlock()
	s.flight.Lock()
	ids, next, err := s.rdb.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{
		Stream: s.key, Group: s.group, Consumer: s.consumer,
		MinIdle: s.claimIdle, Start: start, Count: int64(max),
	}).Result()
	if err == nil {
		// Our own entries, idle past the claim time because their handler
		// is slow or they wait for a free worker, are being handled here:
		// they are not handed out again. The claim reset their idle time,
		// which keeps other consumers off them for a while.
		ids = slices.DeleteFunc(ids, func(id string) bool {
			_, ok := s.inFlight[id]
			return ok
		})
	}
	s.flight.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("timredis: reclaiming idle callbacks: %w", err)
	}
	s.mu.Lock()
	s.cursor = next
	s.mu.Unlock()
	if len(ids) == 0 {
		return nil, nil
	}
	// The entries are ours now, idle for 0 ms: no idle minimum. (Another
	// consumer could only have taken one in between if this process
	// paused for a whole claim idle time; it is then handled twice, as
	// "at least once" allows.) An entry acknowledged in between, or
	// trimmed (Redis 7 drops it from the pending list), is not returned.
	msgs, err := s.rdb.XClaim(ctx, &redis.XClaimArgs{
		Stream: s.key, Group: s.group, Consumer: s.consumer, Messages: ids,
	}).Result()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("timredis: reclaiming idle callbacks: %w", err)
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	counts, err := s.deliveries(ctx, msgs)
	if err != nil {
		return nil, err
	}
	var out []event.Queued
	for _, m := range msgs {
		if m.Values == nil {
			// Trimmed by MAXLEN while pending: the entry is gone.
			s.log.ErrorContext(ctx, "timredis: a pending callback was trimmed from the stream before it was handled; raise WithMaxLen",
				"stream", s.key, "id", m.ID)
			s.ackDel(ctx, m.ID)
			continue
		}
		n := counts[m.ID]
		if n > s.maxDeliv {
			s.deadLetter(ctx, m, n-1, errors.New("delivered too often without an acknowledgement (a worker died in its handlers each time?)"))
			continue
		}
		q, perr := decodeEntry(m)
		if perr != nil {
			s.deadLetter(ctx, m, n, perr)
			continue
		}
		q.Deliveries = n
		out = append(out, q)
	}
	return out, nil
}

// hold records entries Read returns as in flight; release forgets one
// once Redis has acknowledged it or it failed.
func (s *Stream) hold(qs []event.Queued) {
	s.flight.Lock()
	defer s.flight.Unlock()
	for _, q := range qs {
		s.inFlight[q.ID] = struct{}{}
	}
}

func (s *Stream) release(id string) {
	s.flight.Lock()
	delete(s.inFlight, id)
	s.flight.Unlock()
}

// deliveries reads the delivery counts of msgs (now pending with us).
func (s *Stream) deliveries(ctx context.Context, msgs []redis.XMessage) (map[string]int, error) {
	pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: s.key, Group: s.group, Consumer: s.consumer,
		Start: msgs[0].ID, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs)) + 16,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("timredis: reading delivery counts: %w", err)
	}
	out := make(map[string]int, len(pend))
	for _, p := range pend {
		out[p.ID] = int(p.RetryCount)
	}
	return out, nil
}

// Ack implements event.Source: XACK and XDEL in one transaction.
func (s *Stream) Ack(ctx context.Context, id string) error {
	defer s.release(id) // after XACK: see flight
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.key, s.group, id)
		p.XDel(ctx, s.key, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("timredis: acknowledging callback %s: %w", id, err)
	}
	return nil
}

func (s *Stream) ackDel(ctx context.Context, id string) {
	if err := s.Ack(ctx, id); err != nil {
		s.log.WarnContext(ctx, "timredis: cannot acknowledge", "id", id, "error", err.Error())
	}
}

// Fail implements event.Source. Below MaxDeliveries the entry stays
// pending with this consumer and is taken over again (by any consumer,
// this one included) after the claim idle time; at MaxDeliveries it moves
// to the dead-letter stream.
func (s *Stream) Fail(ctx context.Context, q event.Queued, cause error) error {
	defer s.release(q.ID) // after the move: see flight
	if q.Deliveries < s.maxDeliv {
		return nil
	}
	vals := append(values(q), fCause, causeText(cause), fFrom, q.ID, fDeliv, q.Deliveries)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: s.dead, MaxLen: s.maxLen, Approx: true, Values: vals})
		p.XAck(ctx, s.key, s.group, q.ID)
		p.XDel(ctx, s.key, q.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("timredis: moving callback %s to the dead-letter stream: %w", q.ID, err)
	}
	s.log.ErrorContext(ctx, "timredis: callback moved to the dead-letter stream",
		"stream", s.dead, "id", q.ID, "command", string(q.Command), "deliveries", q.Deliveries, "cause", causeText(cause))
	return nil
}

// deadLetter moves a raw entry (unparsable, or delivered too often) to
// the dead-letter stream.
func (s *Stream) deadLetter(ctx context.Context, m redis.XMessage, deliveries int, cause error) {
	vals := make([]any, 0, 2*len(m.Values)+6)
	for k, v := range m.Values {
		vals = append(vals, k, v)
	}
	vals = append(vals, fCause, causeText(cause), fFrom, m.ID, fDeliv, deliveries)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: s.dead, MaxLen: s.maxLen, Approx: true, Values: vals})
		p.XAck(ctx, s.key, s.group, m.ID)
		p.XDel(ctx, s.key, m.ID)
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "timredis: cannot move a callback to the dead-letter stream", "id", m.ID, "error", err.Error())
		return
	}
	s.log.ErrorContext(ctx, "timredis: callback moved to the dead-letter stream",
		"stream", s.dead, "id", m.ID, "deliveries", deliveries, "cause", causeText(cause))
}

func causeText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// decodeEntry reads an entry's fields back into an event.Queued.
func decodeEntry(m redis.XMessage) (event.Queued, error) {
	str := func(k string) (string, bool) {
		v, ok := m.Values[k].(string)
		return v, ok
	}
	q := event.Queued{ID: m.ID}
	cmd, ok := str(fCommand)
	if !ok {
		return q, fmt.Errorf("entry %s has no %q field", m.ID, fCommand)
	}
	body, ok := str(fBody)
	if !ok {
		return q, fmt.Errorf("entry %s has no %q field", m.ID, fBody)
	}
	q.Command, q.Body = event.Command(cmd), []byte(body)
	if v, ok := str(fReceived); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			q.Received = time.Unix(0, n)
		}
	}
	if v, ok := str(fAppID); ok {
		q.Origin.SDKAppID, _ = strconv.ParseUint(v, 10, 64)
	}
	q.Origin.ClientIP, _ = str(fClientIP)
	plat, _ := str(fPlatform)
	q.Origin.OptPlatform = event.Platform(plat)
	if v, ok := str(fReqTime); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n != 0 {
			q.Origin.RequestTime = time.Unix(n, 0)
		}
	}
	dup, _ := str(fDup)
	q.Duplicate = dup == "1"
	return q, nil
}

var (
	_ event.Queue  = (*Stream)(nil)
	_ event.Source = (*Stream)(nil)
)

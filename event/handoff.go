package event

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Hand-off: acknowledge Tencent fast, process after-callbacks later.
//
// Tencent delivers a callback once, waits about 2 s for the answer and
// never retries. With WithHandoff the handler verifies, parses and
// de-duplicates an after-callback as always, then appends it to a Queue and
// answers Tencent at once; workers (Dispatcher.Work) read the queue and
// dispatch each entry through the same Dispatcher, so handlers registered
// with On do not change. A Queue that is durable and shared (the Redis
// Streams queue of github.com/timkit/tim/contrib/redis) makes delivery
// at-least-once across replicas: an entry is acknowledged only after its
// handlers returned, and the entries of a worker that died are read again
// by another.
//
// Before-callbacks are never handed off: Tencent waits for their decision,
// so they are answered inline within the budget, as without a queue.

// Queued is a verified after-callback as it travels through a Queue.
type Queued struct {
	// ID is the queue's id for the entry, set by Source.Read ("" when
	// appending).
	ID string
	// Command is the callback command.
	Command Command
	// Body is the request body exactly as Tencent sent it.
	Body []byte
	// Received is when the handler received the request.
	Received time.Time
	// Origin is where the request came from (SDKAppID, ClientIP,
	// OptPlatform, RequestTime).
	Origin Origin
	// Duplicate is true when the events derived from this callback were
	// already delivered for its natural key (Tencent sent the same thing
	// twice): the worker dispatches the typed callback only, as the inline
	// handler does.
	Duplicate bool
	// Deliveries counts how many times the entry has been read, this time
	// included (set by Source.Read; 1 the first time).
	Deliveries int
}

// Queue is where WithHandoff puts verified after-callbacks. Append must
// return only once the entry is stored as durably as the queue can store
// it: Tencent is acknowledged right after, and never resends.
type Queue interface {
	Append(ctx context.Context, q Queued) error
}

// Source is what workers read a Queue through.
type Source interface {
	// Read returns up to max entries, blocking until at least one is
	// available or ctx ends (then it returns ctx's error). It includes
	// entries other consumers left unacknowledged for too long.
	Read(ctx context.Context, max int) ([]Queued, error)
	// Ack marks an entry handled; it is not delivered again.
	Ack(ctx context.Context, id string) error
	// Fail records that handling the entry failed (a handler panicked):
	// the source delivers it again later, or sets it aside once it has
	// failed too often (its poison policy).
	Fail(ctx context.Context, q Queued, cause error) error
}

// WithHandoff makes the handler append each verified after-callback to q
// and acknowledge Tencent, instead of running the handlers inside the
// request; run Dispatcher.Work on the queue's Source to handle them. When
// Append fails, the handler logs the error and handles the callback
// inline, so nothing is lost. A nil q is an error.
func WithHandoff(q Queue) HandlerOption {
	return func(h *Webhook) error {
		if q == nil {
			return optionError("WithHandoff", "nil Queue")
		}
		h.queue = q
		return nil
	}
}

// handOff appends cb to the queue, or handles it inline when the queue
// fails. The natural key is checked here, before the append, so that
// Tencent's duplicates are marked as such once, whichever replica they
// reach.
func (h *Webhook) handOff(ctx context.Context, cb Callback, body []byte, received time.Time) {
	q := Queued{Command: cb.Command(), Body: body, Received: received, Origin: cb.meta().origin}
	dv := derive(cb)
	if dv.n > 0 {
		q.Duplicate = h.seenOrAdd(ctx, dv.key)
	}
	if err := h.queue.Append(ctx, q); err != nil {
		h.d.log.ErrorContext(ctx, "tim/event: hand-off queue failed; handling the callback inline",
			"command", string(q.Command), "error", err.Error())
		h.d.Emit(ctx, cb)
		if !q.Duplicate {
			for i := range dv.n {
				h.d.Emit(ctx, dv.events[i])
			}
		}
	}
}

// WorkOption configures Dispatcher.Work.
type WorkOption func(*workConfig) error

type workConfig struct {
	workers int
	backoff time.Duration
	timeout time.Duration
}

// WithWorkers sets how many entries are handled at once (default 4).
func WithWorkers(n int) WorkOption {
	return func(c *workConfig) error {
		if n < 1 {
			return optionError("WithWorkers", fmt.Sprintf("%d must be at least 1", n))
		}
		c.workers = n
		return nil
	}
}

// WithHandlerTimeout bounds the handlers of one entry (default: none).
// When it passes, the entry's context ends and the entry counts as
// failed; handlers should honour their context.
func WithHandlerTimeout(d time.Duration) WorkOption {
	return func(c *workConfig) error {
		if d <= 0 {
			return optionError("WithHandlerTimeout", fmt.Sprintf("%v must be positive", d))
		}
		c.timeout = d
		return nil
	}
}

// Work reads src and dispatches every entry on d (the typed callback, then
// its derived events), acknowledging each after its handlers returned, or
// reporting it with Source.Fail when one panicked or the entry cannot be
// parsed. It runs until ctx ends, then stops reading, lets the entries in
// hand finish (their handlers' context is not cancelled by ctx's end) and
// returns nil; entries it had not read stay in the queue for other
// workers. A Read error other than ctx's end is retried after a pause.
func (d *Dispatcher) Work(ctx context.Context, src Source, opts ...WorkOption) error {
	if src == nil {
		return optionError("Work", "nil Source")
	}
	cfg := workConfig{workers: 4, backoff: 500 * time.Millisecond}
	for i, o := range opts {
		if o == nil {
			return optionError(fmt.Sprintf("opts[%d]", i), "is a nil WorkOption")
		}
		if err := o(&cfg); err != nil {
			return err
		}
	}
	jobs := make(chan Queued)
	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for q := range jobs {
				d.work(ctx, src, q, cfg.timeout)
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	for {
		batch, err := src.Read(ctx, cfg.workers) // one entry per worker at a time
		if ctx.Err() != nil {
			// Entries read together with the end of ctx are handed out
			// anyway: they are ours now (pending under our name) and
			// finishing them is cheaper than waiting for a reclaim.
			for _, q := range batch {
				jobs <- q
			}
			return nil
		}
		if err != nil {
			d.log.WarnContext(ctx, "tim/event: reading the hand-off queue failed; retrying", "error", err.Error())
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(cfg.backoff):
			}
			continue
		}
		for _, q := range batch {
			jobs <- q
		}
	}
}

// errHandlerPanicked is the cause Work reports for an entry whose handlers
// panicked.
var errHandlerPanicked = errors.New("tim/event: a handler panicked")

// work handles one entry. Its handlers get a context that outlives the
// worker's (a graceful stop lets them finish) but carries its values.
func (d *Dispatcher) work(wctx context.Context, src Source, q Queued, timeout time.Duration) {
	ctx := context.WithoutCancel(wctx)
	var cancel context.CancelFunc = func() {}
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	err := d.handleQueued(ctx, q)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("tim/event: handlers outlived their timeout: %w", ctx.Err())
	}
	// Ack and Fail use a context of their own: the entry's may have ended.
	actx, acancel := context.WithTimeout(context.WithoutCancel(wctx), 5*time.Second)
	defer acancel()
	if err != nil {
		if ferr := src.Fail(actx, q, err); ferr != nil {
			d.log.ErrorContext(ctx, "tim/event: cannot report a failed hand-off entry", "id", q.ID, "error", ferr.Error())
		}
		return
	}
	if aerr := src.Ack(actx, q.ID); aerr != nil {
		d.log.ErrorContext(ctx, "tim/event: cannot acknowledge a hand-off entry; it will be delivered again",
			"id", q.ID, "error", aerr.Error())
	}
}

// handleQueued parses and dispatches one entry; an error means it failed.
func (d *Dispatcher) handleQueued(ctx context.Context, q Queued) (err error) {
	defer func() {
		if p := recover(); p != nil {
			d.log.ErrorContext(ctx, "tim/event: handling a hand-off entry panicked",
				"command", string(q.Command), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = errHandlerPanicked
		}
	}()
	cb, perr := Parse(string(q.Command), q.Body)
	if perr != nil {
		if q.Command != "" && !q.Command.Known() {
			u := new(UnknownCallback)
			u.CallbackCommand, u.raw = q.Command, q.Body
			cb = u
		} else {
			return fmt.Errorf("tim/event: hand-off entry %s does not parse: %w", q.ID, perr)
		}
	}
	cb.meta().origin = q.Origin
	if d.Emit(ctx, cb) > 0 {
		return errHandlerPanicked
	}
	if q.Duplicate {
		return nil
	}
	dv := derive(cb)
	for i := range dv.n {
		if d.Emit(ctx, dv.events[i]) > 0 {
			return errHandlerPanicked
		}
	}
	return nil
}

// MemoryQueue is an in-process Queue and Source: entries live in memory
// and are lost with the process. It is for tests and for trying the
// hand-off; use a durable queue in production. A failed entry is delivered
// again until it has been delivered MaxDeliveries times, then moved to
// DeadLetters. The zero value is not usable: call NewMemoryQueue.
type MemoryQueue struct {
	mu      sync.Mutex
	ready   []Queued
	pending map[string]Queued
	dead    []Queued
	next    int
	signal  chan struct{}
	max     int
}

// NewMemoryQueue returns an empty MemoryQueue that sets an entry aside
// after maxDeliveries failed deliveries (at least 1).
func NewMemoryQueue(maxDeliveries int) *MemoryQueue {
	return &MemoryQueue{pending: map[string]Queued{}, signal: make(chan struct{}, 1), max: max(maxDeliveries, 1)}
}

// Append implements Queue.
func (m *MemoryQueue) Append(_ context.Context, q Queued) error {
	m.mu.Lock()
	m.next++
	q.ID = fmt.Sprintf("%d-0", m.next)
	q.Body = append([]byte(nil), q.Body...)
	m.ready = append(m.ready, q)
	m.mu.Unlock()
	m.wake()
	return nil
}

func (m *MemoryQueue) wake() {
	select {
	case m.signal <- struct{}{}:
	default:
	}
}

// Read implements Source.
func (m *MemoryQueue) Read(ctx context.Context, n int) ([]Queued, error) {
	for {
		m.mu.Lock()
		if len(m.ready) > 0 {
			k := min(n, len(m.ready))
			out := make([]Queued, k)
			copy(out, m.ready[:k])
			m.ready = m.ready[k:]
			for i := range out {
				out[i].Deliveries++
				m.pending[out[i].ID] = out[i]
			}
			more := len(m.ready) > 0
			m.mu.Unlock()
			if more {
				m.wake()
			}
			return out, nil
		}
		m.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-m.signal:
		}
	}
}

// Ack implements Source.
func (m *MemoryQueue) Ack(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.pending[id]; !ok {
		return fmt.Errorf("tim/event: no pending entry %q", id)
	}
	delete(m.pending, id)
	return nil
}

// Fail implements Source.
func (m *MemoryQueue) Fail(_ context.Context, q Queued, _ error) error {
	m.mu.Lock()
	p, ok := m.pending[q.ID]
	if !ok {
		m.mu.Unlock()
		return fmt.Errorf("tim/event: no pending entry %q", q.ID)
	}
	delete(m.pending, q.ID)
	if p.Deliveries >= m.max {
		m.dead = append(m.dead, p)
		m.mu.Unlock()
		return nil
	}
	m.ready = append(m.ready, p)
	m.mu.Unlock()
	m.wake()
	return nil
}

// Len reports how many entries wait to be read and how many are read but
// not yet acknowledged.
func (m *MemoryQueue) Len() (ready, pending int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.ready), len(m.pending)
}

// DeadLetters returns the entries set aside after too many failures.
func (m *MemoryQueue) DeadLetters() []Queued {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Queued(nil), m.dead...)
}

var (
	_ Queue  = (*MemoryQueue)(nil)
	_ Source = (*MemoryQueue)(nil)
)

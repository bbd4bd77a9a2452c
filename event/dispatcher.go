package event

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/timkit/tim/internal/wire"
)

// Name is an event name as the front-end SDK spells it (TIM.EVENT.*).
type Name string

// Event names. The lifecycle ones are emitted by the client; the others are
// derived from Tencent's callbacks.
const (
	SDKReady            Name = "SDK_READY"
	SDKNotReady         Name = "SDK_NOT_READY"
	MessageReceived     Name = "MESSAGE_RECEIVED"
	MessageRevoked      Name = "MESSAGE_REVOKED"
	MessageReadByPeer   Name = "MESSAGE_READ_BY_PEER"
	KickedOut           Name = "KICKED_OUT"
	UserStatusUpdated   Name = "USER_STATUS_UPDATED"
	GroupCreated        Name = "GROUP_CREATED"
	GroupDismissed      Name = "GROUP_DISMISSED"
	GroupMemberJoined   Name = "GROUP_MEMBER_JOINED"
	GroupMemberLeft     Name = "GROUP_MEMBER_LEFT"
	GroupProfileUpdated Name = "GROUP_PROFILE_UPDATED"
	ProfileUpdated      Name = "PROFILE_UPDATED"
	FriendAdded         Name = "FRIEND_ADDED"
	CallbackReceived    Name = "CALLBACK_RECEIVED"
)

// Event is anything a Dispatcher delivers.
type Event interface {
	// EventName is the front-end name of the event.
	EventName() Name
}

// Handler receives events of type E.
type Handler[E Event] func(ctx context.Context, e E)

type subscription struct {
	id int64
	fn func(ctx context.Context, e Event)
}

// subs is an immutable snapshot: emitters read it without locks.
type subs struct {
	byType map[reflect.Type][]subscription
	byName map[Name][]subscription
	all    []subscription
	decide map[reflect.Type]decider // one per before-callback type
}

type decider struct {
	id int64
	fn func(ctx context.Context, e Event) Decision
}

// Dispatcher routes events to the handlers registered for their type or
// name. It is safe for concurrent use; the zero value is not usable, call
// NewDispatcher.
type Dispatcher struct {
	log  *slog.Logger
	mu   sync.Mutex // serialises writers
	snap atomic.Pointer[subs]
	next int64
}

// Option configures a Dispatcher. NewDispatcher reports a bad one as an
// *api.InvalidInputError naming it.
type Option func(*Dispatcher) error

// WithLogger sets where recovered handler panics are reported (default:
// silent); a nil logger is an error.
func WithLogger(l *slog.Logger) Option {
	return func(d *Dispatcher) error {
		if l == nil {
			return optionError("WithLogger", "nil logger")
		}
		d.log = l
		return nil
	}
}

// NewDispatcher returns an empty dispatcher, or an error for a bad option.
func NewDispatcher(opts ...Option) (*Dispatcher, error) {
	d := &Dispatcher{log: slog.New(slog.DiscardHandler)}
	for i, o := range opts {
		if o == nil {
			return nil, optionError(fmt.Sprintf("opts[%d]", i), "is a nil Option")
		}
		if err := o(d); err != nil {
			return nil, err
		}
	}
	d.snap.Store(&subs{byType: map[reflect.Type][]subscription{}, byName: map[Name][]subscription{},
		decide: map[reflect.Type]decider{}})
	return d, nil
}

// On registers fn for every event of type E and returns a function that
// removes the registration.
//
//	event.On(d, func(ctx context.Context, e *event.Ready) { … })
func On[E Event](d *Dispatcher, fn Handler[E]) (off func()) {
	t := reflect.TypeFor[E]()
	wrapped := func(ctx context.Context, e Event) {
		if v, ok := e.(E); ok {
			fn(ctx, v)
		}
	}
	if t.Kind() == reflect.Interface {
		// An interface type: match by assertion against every event.
		return d.add(func(s *subs, sub subscription) { s.all = append(s.all, sub) }, wrapped)
	}
	return d.add(func(s *subs, sub subscription) { s.byType[t] = append(s.byType[t], sub) }, wrapped)
}

// OnName registers fn for every event whose EventName is name, whatever its
// Go type: for code that follows the front end's string-keyed style.
func (d *Dispatcher) OnName(name Name, fn func(ctx context.Context, e Event)) (off func()) {
	return d.add(func(s *subs, sub subscription) { s.byName[name] = append(s.byName[name], sub) }, fn)
}

// OnAny registers fn for every event.
func (d *Dispatcher) OnAny(fn func(ctx context.Context, e Event)) (off func()) {
	return d.add(func(s *subs, sub subscription) { s.all = append(s.all, sub) }, fn)
}

func (d *Dispatcher) add(insert func(*subs, subscription), fn func(context.Context, Event)) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.next++
	sub := subscription{id: d.next, fn: fn}
	s := d.snap.Load().clone()
	insert(s, sub)
	d.snap.Store(s)
	var once sync.Once
	return func() { once.Do(func() { d.remove(sub.id) }) }
}

func (d *Dispatcher) remove(id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.snap.Load().clone()
	drop := func(list []subscription) []subscription {
		out := list[:0:0]
		for _, x := range list {
			if x.id != id {
				out = append(out, x)
			}
		}
		return out
	}
	for k, v := range s.byType {
		s.byType[k] = drop(v)
	}
	for k, v := range s.byName {
		s.byName[k] = drop(v)
	}
	s.all = drop(s.all)
	for k, v := range s.decide {
		if v.id == id {
			delete(s.decide, k)
		}
	}
	d.snap.Store(s)
}

// setDecider installs the decider of a before-callback type.
func (d *Dispatcher) setDecider(t reflect.Type, fn func(context.Context, Event) Decision) func() {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.snap.Load()
	if _, dup := s.decide[t]; dup {
		panic("event: a decider for " + t.String() + " is already registered")
	}
	d.next++
	id := d.next
	s = s.clone()
	s.decide[t] = decider{id: id, fn: fn}
	d.snap.Store(s)
	var once sync.Once
	return func() { once.Do(func() { d.remove(id) }) }
}

// lookupDecider returns the decider registered for e's type.
func (d *Dispatcher) lookupDecider(e Event) (func(context.Context, Event) Decision, bool) {
	dc, ok := d.snap.Load().decide[reflect.TypeOf(e)]
	return dc.fn, ok
}

func (s *subs) clone() *subs {
	c := &subs{
		byType: make(map[reflect.Type][]subscription, len(s.byType)+1),
		byName: make(map[Name][]subscription, len(s.byName)+1),
		all:    append([]subscription(nil), s.all...),
		decide: make(map[reflect.Type]decider, len(s.decide)+1),
	}
	for k, v := range s.decide {
		c.decide[k] = v
	}
	for k, v := range s.byType {
		c.byType[k] = append([]subscription(nil), v...)
	}
	for k, v := range s.byName {
		c.byName[k] = append([]subscription(nil), v...)
	}
	return c
}

// HasHandlers reports whether any handler would receive e.
func (d *Dispatcher) HasHandlers(e Event) bool {
	s := d.snap.Load()
	return len(s.byType[reflect.TypeOf(e)]) > 0 || len(s.byName[e.EventName()]) > 0 || len(s.all) > 0
}

// Emit delivers e to its handlers: those registered for its type, then for
// its name, then for every event. It returns after all have run. A handler
// panic is recovered and logged; Emit reports how many handlers panicked.
func (d *Dispatcher) Emit(ctx context.Context, e Event) (panicked int) {
	if e == nil {
		return 0
	}
	s := d.snap.Load()
	for _, list := range [...][]subscription{s.byType[reflect.TypeOf(e)], s.byName[e.EventName()], s.all} {
		for _, sub := range list {
			if !d.call(ctx, sub, e) {
				panicked++
			}
		}
	}
	return panicked
}

func (d *Dispatcher) call(ctx context.Context, sub subscription, e Event) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
			d.log.ErrorContext(ctx, "tim/event: handler panicked", "event", string(e.EventName()),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	sub.fn(ctx, e)
	return true
}

// optionError reports a bad option or constructor argument, like tim.New
// does: an *api.InvalidInputError naming it.
func optionError(field, reason string) error { return wire.Invalid(field, "%s", reason) }

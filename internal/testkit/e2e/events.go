package e2e

import (
	"context"
	"sync"

	"github.com/timkit/tim/event"
)

// Recorder keeps the events of one type.
type Recorder[E event.Event] struct {
	mu  sync.Mutex
	got []E
}

// Record starts keeping d's events of type E.
func Record[E event.Event](d *event.Dispatcher) *Recorder[E] {
	r := &Recorder[E]{}
	event.On(d, func(_ context.Context, e E) {
		r.mu.Lock()
		r.got = append(r.got, e)
		r.mu.Unlock()
	})
	return r
}

// All returns a copy of the events so far.
func (r *Recorder[E]) All() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]E(nil), r.got...)
}

// Take returns the events so far and forgets them.
func (r *Recorder[E]) Take() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// Collector keeps every event the dispatcher delivers (of any type).
type Collector struct {
	mu  sync.Mutex
	got []event.Event
}

// Collect keeps every event d delivers, raw callbacks included.
func Collect(d *event.Dispatcher) *Collector { return collect(d, false) }

// CollectDerived keeps the events d delivers except the raw callbacks
// (event.Callback): lifecycle and derived events only.
func CollectDerived(d *event.Dispatcher) *Collector { return collect(d, true) }

func collect(d *event.Dispatcher, skipCallbacks bool) *Collector {
	c := &Collector{}
	d.OnAny(func(_ context.Context, e event.Event) {
		if _, raw := e.(event.Callback); raw && skipCallbacks {
			return
		}
		c.mu.Lock()
		c.got = append(c.got, e)
		c.mu.Unlock()
	})
	return c
}

// Take returns the events so far and forgets them.
func (c *Collector) Take() []event.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.got
	c.got = nil
	return out
}

// Names returns the names of the events so far and forgets them.
func (c *Collector) Names() []event.Name {
	evs := c.Take()
	out := make([]event.Name, len(evs))
	for i, e := range evs {
		out[i] = e.EventName()
	}
	return out
}

// Only returns the events of type E among evs, in order.
func Only[E event.Event](evs []event.Event) []E {
	var out []E
	for _, e := range evs {
		if x, ok := e.(E); ok {
			out = append(out, x)
		}
	}
	return out
}

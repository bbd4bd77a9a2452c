package group

import (
	"context"
	"fmt"
	"slices"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Group counter limits.
const (
	// MaxCountersPerCall caps the keys of one counter call.
	MaxCountersPerCall = 20
	// MaxCounterKeyBytes is the longest counter key.
	MaxCounterKeyBytes = 128
)

// Counter is one group counter (群计数器): a named signed 64-bit value kept
// by Tencent, e.g. a like count shown to every member.
type Counter struct {
	Key   string `json:"Key"`
	Value int64  `json:"Value"`
}

// CounterMode says how UpdateCounters applies its values.
type CounterMode string

// Counter update modes.
const (
	// CounterSet sets each counter to the value given (a resend is
	// harmless).
	CounterSet CounterMode = "Set"
	// CounterIncrease adds the value to each counter.
	CounterIncrease CounterMode = "Increase"
	// CounterDecrease subtracts the value from each counter.
	CounterDecrease CounterMode = "Decrease"
)

type counterOut struct {
	Key   wire.FlexString `json:"Key"`
	Value wire.FlexInt    `json:"Value"`
}

func counters(in []counterOut) []Counter {
	out := make([]Counter, len(in))
	for i, c := range in {
		out[i] = Counter{Key: string(c.Key), Value: int64(c.Value)}
	}
	return out
}

// A read: a resend changes nothing.
var epGetCounter = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_counter", Safety: api.Idempotent})

// Counters reads a group's counters: the given keys (asked
// MaxCountersPerCall at a time), or all of them when none is given.
//
// REST: v4/group_open_http_svc/get_group_counter
func (s *Service) Counters(ctx context.Context, groupID string, keys ...string) ([]Counter, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if err := checkCounterKeys("GroupCounterKeys", keys); err != nil {
		return nil, err
	}
	call := func(ks []string) ([]Counter, error) {
		req := struct {
			GroupID          string   `json:"GroupId"`
			GroupCounterKeys []string `json:"GroupCounterKeys,omitempty"`
		}{groupID, ks}
		var resp struct {
			envelope
			GroupCounter []counterOut `json:"GroupCounter"`
		}
		if err := s.d.Do(ctx, epGetCounter, &req, &resp); err != nil {
			return nil, err
		}
		return counters(resp.GroupCounter), nil
	}
	if len(keys) == 0 {
		return call(nil)
	}
	keys = dedupe(keys)
	var out []Counter
	err := wire.Chunks(len(keys), MaxCountersPerCall, func(lo, hi int) error {
		cs, err := call(slices.Clip(keys[lo:hi]))
		if err != nil {
			return batchErr(err, "counters", lo, hi, len(keys), MaxCountersPerCall)
		}
		out = append(out, cs...)
		return nil
	})
	return out, err
}

// Increase and Decrease would count twice if resent: Unsafe. Mode Set
// writes values, and the method declares those calls Idempotent.
var epUpdateCounter = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/update_group_counter", Safety: api.Unsafe})

// UpdateCounters sets, increases or decreases group counters (a counter
// that does not exist starts at 0), in calls of MaxCountersPerCall, and
// returns their new values. Increase and Decrease are not idempotent: the
// client never resends them after a request may have reached Tencent.
//
// REST: v4/group_open_http_svc/update_group_counter
func (s *Service) UpdateCounters(ctx context.Context, groupID string, mode CounterMode, cs []Counter) ([]Counter, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	ep := epUpdateCounter
	switch mode {
	case CounterSet:
		ep.Safety = api.Idempotent
	case CounterIncrease, CounterDecrease:
	default:
		return nil, wire.Invalid("Mode", "must be %q, %q or %q, got %q", CounterSet, CounterIncrease, CounterDecrease, string(mode))
	}
	if len(cs) == 0 {
		return nil, wire.Invalid("GroupCounter", "no counter given")
	}
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		f := fmt.Sprintf("GroupCounter[%d].Key", i)
		if err := checkCounterKey(f, c.Key); err != nil {
			return nil, err
		}
		if seen[c.Key] {
			return nil, wire.Invalid(f, "%q is listed twice", c.Key)
		}
		seen[c.Key] = true
	}
	var out []Counter
	err := wire.Chunks(len(cs), MaxCountersPerCall, func(lo, hi int) error {
		req := struct {
			GroupID      string      `json:"GroupId"`
			GroupCounter []Counter   `json:"GroupCounter"`
			Mode         CounterMode `json:"Mode"`
		}{groupID, cs[lo:hi], mode}
		var resp struct {
			envelope
			GroupCounter []counterOut `json:"GroupCounter"`
		}
		if err := s.d.Do(ctx, ep, &req, &resp); err != nil {
			return batchErr(err, "counters", lo, hi, len(cs), MaxCountersPerCall)
		}
		out = append(out, counters(resp.GroupCounter)...)
		return nil
	})
	return out, err
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDeleteCounter = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/delete_group_counter", Safety: api.Idempotent})

// DeleteCounters deletes the given counters of a group (in calls of
// MaxCountersPerCall), or all of them when no key is given.
//
// REST: v4/group_open_http_svc/delete_group_counter
func (s *Service) DeleteCounters(ctx context.Context, groupID string, keys ...string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := checkCounterKeys("GroupCounterKeys", keys); err != nil {
		return err
	}
	call := func(ks []string) error {
		req := struct {
			GroupID          string   `json:"GroupId"`
			GroupCounterKeys []string `json:"GroupCounterKeys,omitempty"`
		}{groupID, ks}
		var resp envelope
		return s.d.Do(ctx, epDeleteCounter, &req, &resp)
	}
	if len(keys) == 0 {
		return call(nil)
	}
	keys = dedupe(keys)
	return wire.Chunks(len(keys), MaxCountersPerCall, func(lo, hi int) error {
		return batchErr(call(slices.Clip(keys[lo:hi])), "counters", lo, hi, len(keys), MaxCountersPerCall)
	})
}

func checkCounterKeys(field string, keys []string) error {
	for i, k := range keys {
		if err := checkCounterKey(fmt.Sprintf("%s[%d]", field, i), k); err != nil {
			return err
		}
	}
	return nil
}

func checkCounterKey(field, k string) error {
	if k == "" {
		return wire.Invalid(field, "is empty")
	}
	return checkText(field, k, MaxCounterKeyBytes)
}

package api

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Safety says whether a call may be sent again when an attempt's outcome
// is unknown (a timeout, a dropped connection, a 5xx after the request left).
type Safety uint8

const (
	// Unsafe calls are resent only when the request provably never reached
	// Tencent (name resolution or connection set-up failed) or Tencent
	// refused it unprocessed (a frequency-limit answer). It is the zero
	// value: a call nobody declared is never resent blindly.
	Unsafe Safety = iota
	// Idempotent calls (reads, set-to-value writes, deletes, creations under
	// an id the caller chose) have the same effect however often they arrive,
	// and are retried on any transient failure.
	Idempotent
	// Deduped calls carry keys that Tencent uses to drop a resend within a
	// window (MsgRandom/MsgSeq of a C2C message, Random of a group message,
	// MsgRandom of a push). They are retried with the same keys, and only
	// while the resend would still arrive inside Endpoint.DedupWindow.
	Deduped
)

// String names the safety class.
func (s Safety) String() string {
	switch s {
	case Unsafe:
		return "unsafe"
	case Idempotent:
		return "idempotent"
	case Deduped:
		return "deduped"
	}
	return fmt.Sprintf("Safety(%d)", uint8(s))
}

// Tencent's dedup windows: how long a resend carrying the same keys is
// recognised and dropped.
const (
	// C2CDedupWindow covers openim/sendmsg: same sender, MsgSeq, MsgRandom
	// and content within 120 s.
	C2CDedupWindow = 120 * time.Second
	// GroupDedupWindow covers group sends: same Random and content within
	// 5 minutes.
	GroupDedupWindow = 5 * time.Minute
	// PushDedupWindow covers all_member_push/im_push: the same MsgRandom
	// within 7 days.
	PushDedupWindow = 7 * 24 * time.Hour
)

// BatchRecipientsKey is the limiter budget of openim/batchsendmsg's
// per-recipient limit (Tencent counts every recipient of a batch as one
// message against 12,000 a minute).
const BatchRecipientsKey = "openim/batchsendmsg#recipients"

// Endpoint declares one REST command: everything the request path needs to
// know about it besides the request itself. Each command the SDK calls is
// declared once, beside the method that calls it:
//
//	var sendC2C = catalog.Declare(api.Endpoint{
//		Path:        "openim/sendmsg",
//		Safety:      api.Deduped,
//		DedupWindow: api.C2CDedupWindow,
//	})
//
// A literal with only a Path (api.Endpoint{Path: "x/y"}) is a valid
// declaration of an Unsafe call spending the path's own rate budget.
type Endpoint struct {
	// Path is "<service>/<command>", as in https://<host>/v4/<service>/<command>.
	Path string
	// Safety says when a resend is allowed; the zero value is Unsafe.
	Safety Safety
	// DedupWindow is how long Tencent drops a resend of a Deduped call; the
	// SDK stops retrying before a resend could arrive after it. Required
	// for Deduped (a Deduped endpoint without one is treated as Unsafe),
	// ignored otherwise.
	DedupWindow time.Duration
	// RateKey names the limiter budget the call spends one unit of per
	// attempt; "" means Path (Tencent limits each API separately).
	RateKey string
	// Budget names a second limiter budget the call spends Units of once,
	// such as BatchRecipientsKey; "" for none.
	Budget string
	// Units is how many units of Budget one call spends. It depends on the
	// request (the number of recipients), so the declaration leaves it 0 and
	// each call sets it with Spending.
	Units int
}

// Spending returns a copy of e that spends n units of e.Budget.
func (e Endpoint) Spending(n int) Endpoint {
	e.Units = n
	return e
}

// Limit returns the limiter key of the per-attempt budget: RateKey, or
// Path when RateKey is empty.
func (e Endpoint) Limit() string {
	if e.RateKey != "" {
		return e.RateKey
	}
	return e.Path
}

// Resend returns the safety the request path applies: Safety, except that
// a Deduped endpoint without a DedupWindow is Unsafe.
func (e Endpoint) Resend() Safety {
	if e.Safety == Deduped && e.DedupWindow <= 0 {
		return Unsafe
	}
	return e.Safety
}

// Validate reports what is wrong with the declaration, if anything: the
// path's shape, a Deduped call without a window, a budget without a key.
func (e Endpoint) Validate() error {
	if !ValidPath(e.Path) {
		return &InvalidInputError{Field: "Endpoint.Path", Reason: fmt.Sprintf("%q is not <service>/<command>", e.Path)}
	}
	switch e.Safety {
	case Unsafe, Idempotent:
	case Deduped:
		if e.DedupWindow <= 0 {
			return &InvalidInputError{Field: "Endpoint.DedupWindow", Reason: e.Path + " is Deduped but declares no dedup window"}
		}
	default:
		return &InvalidInputError{Field: "Endpoint.Safety", Reason: fmt.Sprintf("%s: unknown %v", e.Path, e.Safety)}
	}
	if e.Units < 0 {
		return &InvalidInputError{Field: "Endpoint.Units", Reason: fmt.Sprintf("%s: %d is negative", e.Path, e.Units)}
	}
	if e.Units > 0 && e.Budget == "" {
		return &InvalidInputError{Field: "Endpoint.Budget", Reason: e.Path + " spends units of no budget"}
	}
	return nil
}

// String is the path and the safety class, e.g. "openim/sendmsg (deduped 2m0s)".
func (e Endpoint) String() string {
	if e.Safety == Deduped {
		return fmt.Sprintf("%s (%v %v)", e.Path, e.Safety, e.DedupWindow)
	}
	return fmt.Sprintf("%s (%v)", e.Path, e.Safety)
}

// ValidPath reports whether p has the shape "<service>/<command>": two
// non-empty parts of ASCII letters, digits, '_', '-' or '.'.
func ValidPath(p string) bool {
	slash := -1
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '/':
			if slash >= 0 || i == 0 || i == len(p)-1 {
				return false
			}
			slash = i
		case ch == '_' || ch == '-' || ch == '.' || ('a' <= ch && ch <= 'z') || ('A' <= ch && ch <= 'Z') || ('0' <= ch && ch <= '9'):
		default:
			return false
		}
	}
	return slash > 0
}

// Doer makes one REST call: it sends req (marshalled to JSON; nil sends {}
// and a json.RawMessage is sent as is) to e.Path with the admin
// credentials, spends e's limiter budgets, retries as e.Safety allows, and
// decodes the answer into resp (nil discards it). A failed envelope is an
// *Error even under HTTP 200. *tim.Client implements it, and so does the
// client's request path that the area services use.
type Doer interface {
	Do(ctx context.Context, e Endpoint, req, resp any) error
}

// Catalog collects the endpoints a package declares, so the list of
// commands a package calls is its declarations and nothing else. A package
// holds one in a package-level variable, fills it during initialisation
// only, and exposes it with an Endpoints function.
type Catalog struct {
	list []Endpoint
}

// Declare records e and returns it, for a package-level variable:
//
//	var getList = catalog.Declare(api.Endpoint{Path: "recentcontact/get_list", Safety: api.Idempotent})
//
// Declarations are checked by the SDK's tests (Validate, one declaration
// per path), not here, so a package never panics while initialising.
func (c *Catalog) Declare(e Endpoint) Endpoint {
	c.list = append(c.list, e)
	return e
}

// Endpoints returns a copy of the declarations in the order they were made.
func (c *Catalog) Endpoints() []Endpoint {
	return slices.Clone(c.list)
}

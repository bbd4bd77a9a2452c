package tim

import (
	"sync"

	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/moderation"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/relation"
	"github.com/timkit/tim/robot"
)

// Endpoint declares one REST command: its Path, whether a resend is safe
// (Safety, with the DedupWindow of a Deduped call), and the limiter budgets
// it spends (RateKey, Budget and Units). It is [api.Endpoint]; every typed
// method of the SDK calls a declared Endpoint, Endpoints lists them, and
// Client.Do takes one:
//
//	type Endpoint struct {
//		Path        string        // "<service>/<command>"
//		Safety      Safety        // Unsafe (the zero value), Idempotent or Deduped
//		DedupWindow time.Duration // how long Tencent drops a resend of a Deduped call
//		RateKey     string        // limiter key of the per-attempt budget ("" = Path)
//		Budget      string        // a second budget, such as BatchRecipientsKey
//		Units       int           // units of Budget one call spends (set with Spending)
//	}
type Endpoint = api.Endpoint

// Safety says whether a call may be resent after an attempt whose outcome
// is unknown: Unsafe (never, unless the request provably did not reach
// Tencent), Idempotent, or Deduped (resent with the same dedup keys inside
// Tencent's window). It is [api.Safety].
type Safety = api.Safety

// The safety classes of an Endpoint.
const (
	// Unsafe: not resent once the request may have reached Tencent.
	Unsafe = api.Unsafe
	// Idempotent: resent on any transient failure.
	Idempotent = api.Idempotent
	// Deduped: resent with the same dedup keys, inside the DedupWindow.
	Deduped = api.Deduped
)

// Endpoints returns the declaration of every REST command the SDK's typed
// methods call, grouped by package (account, profile, message,
// conversation, group, relation, push, operation, robot, desk, official, moderation) in declaration
// order.
// The coverage table of the README, the fake's route check and the tests
// that prove unsafe commands are never resent all read this list.
func Endpoints() []Endpoint {
	var out []Endpoint
	for _, list := range [][]api.Endpoint{
		account.Endpoints(), profile.Endpoints(), message.Endpoints(), conversation.Endpoints(),
		group.Endpoints(), relation.Endpoints(), push.Endpoints(), operation.Endpoints(),
		robot.Endpoints(), desk.Endpoints(), official.Endpoints(), moderation.Endpoints(),
	} {
		out = append(out, list...)
	}
	return out
}

// Lookup returns the SDK's declaration of the command at path, for
// Client.Do: a raw call then gets the same resend safety and budgets as
// the typed method. ok is false for a command the SDK does not declare;
// use Endpoint{Path: path} (Unsafe) for it.
func Lookup(path string) (e Endpoint, ok bool) {
	e, ok = byPath()[path]
	return e, ok
}

// byPath indexes the declarations once; they are fixed after package
// initialisation.
var byPath = sync.OnceValue(func() map[string]Endpoint {
	m := make(map[string]Endpoint)
	for _, e := range Endpoints() {
		m[e.Path] = e
	}
	return m
})

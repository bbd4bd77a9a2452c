package operation

import (
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Service runs the app-wide operations: global mute, operating statistics,
// message-history downloads, Tencent's server IP list and the moderation of
// chat files. It is safe for concurrent use.
type Service struct {
	d api.Doer
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("operation.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// MaxUserIDBytes is the longest UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

// beijing is the zone of Tencent's hour buckets and expiry times (UTC+8,
// no daylight saving).
var beijing = time.FixedZone("CST", 8*60*60)

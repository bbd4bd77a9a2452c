package operation

import (
	"context"
	"time"

	"github.com/timkit/tim/internal/wire"
)

// Doer is what the service needs from a client; *tim.Client implements it.
type Doer interface {
	Do(ctx context.Context, path string, req, resp any) error
}

// Service runs the app-wide operations: global mute, operating statistics,
// message-history downloads, Tencent's server IP list and the moderation of
// chat files. It is safe for concurrent use.
type Service struct {
	d Doer
}

// NewService returns a Service that makes its calls through d.
func NewService(d Doer) *Service { return &Service{d: d} }

type envelope = wire.Envelope

// REST paths used by this package.
const (
	pathSetNoSpeaking = "openconfigsvr/setnospeaking"
	pathGetNoSpeaking = "openconfigsvr/getnospeaking"
	pathGetAppInfo    = "openconfigsvr/getappinfo"
	pathGetHistory    = "open_msg_svc/get_history"
	pathGetIPList     = "ConfigSvc/GetIPList"
	pathForbid        = "im_cos_msg/forbid_illegal_object"
	pathAllow         = "im_cos_msg/allow_banned_object"
	pathCosSig        = "im_cos_msg/get_cos_sig"
)

// MaxUserIDBytes is the longest UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

// beijing is the zone of Tencent's hour buckets and expiry times (UTC+8,
// no daylight saving).
var beijing = time.FixedZone("CST", 8*60*60)

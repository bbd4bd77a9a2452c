package robot

import (
	"context"
	"strings"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Service creates, disables and lists robots and streams their messages.
// It is safe for concurrent use.
type Service struct {
	d   api.Doer
	lim StreamLimits
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("robot.NewService", "nil Doer")
	}
	return &Service{d: d, lim: DefaultStreamLimits}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

// Prefix starts every robot's UserID.
const Prefix = "@RBT#"

// MaxSignatureBytes is the longest SelfSignature of a robot.
const MaxSignatureBytes = 500

// MaxRobots is how many robots an app can have.
const MaxRobots = 20

// CheckID checks a robot UserID: it starts with Prefix and fits
// Tencent's 32-byte UserID limit.
func CheckID(field, id string) error {
	if err := wire.CheckUserID(field, id); err != nil {
		return err
	}
	if !strings.HasPrefix(id, Prefix) || len(id) == len(Prefix) {
		return wire.Invalid(field, "%q does not start with %q followed by a name", id, Prefix)
	}
	return nil
}

// Robot is a robot account to create.
type Robot struct {
	// UserID starts with "@RBT#" (at most 32 bytes).
	UserID string `json:"UserID"`
	// Nick is the robot's nickname.
	Nick string `json:"Nick,omitempty"`
	// FaceURL is the URL of its avatar.
	FaceURL string `json:"FaceUrl,omitempty"`
	// SelfSignature is its status line (at most 500 bytes).
	SelfSignature string `json:"SelfSignature,omitempty"`
}

// Creating an existing robot again creates nothing (documented), so a
// resend leaves the same result.
var epCreate = catalog.Declare(api.Endpoint{Path: "openim_robot_http_svc/create_robot", Safety: api.Idempotent})

// Create creates a robot account.
//
// REST: v4/openim_robot_http_svc/create_robot
func (s *Service) Create(ctx context.Context, r Robot) error {
	if err := CheckID("UserID", r.UserID); err != nil {
		return err
	}
	if len(r.SelfSignature) > MaxSignatureBytes {
		return wire.Invalid("SelfSignature", "%d bytes, limit is %d", len(r.SelfSignature), MaxSignatureBytes)
	}
	var resp api.Envelope
	return s.d.Do(ctx, epCreate, &r, &resp)
}

// Disabling a robot twice leaves it disabled.
var epDelete = catalog.Declare(api.Endpoint{Path: "openim_robot_http_svc/delete_robot", Safety: api.Idempotent})

// Delete disables a robot account. Tencent keeps the UserID itself.
//
// REST: v4/openim_robot_http_svc/delete_robot
func (s *Service) Delete(ctx context.Context, userID string) error {
	if err := CheckID("Robot_Account", userID); err != nil {
		return err
	}
	req := struct {
		RobotAccount string `json:"Robot_Account"`
	}{userID}
	var resp api.Envelope
	return s.d.Do(ctx, epDelete, &req, &resp)
}

// A read: a resend changes nothing.
var epGetAll = catalog.Declare(api.Endpoint{Path: "openim_robot_http_svc/get_all_robots", Safety: api.Idempotent})

// All lists the app's robot UserIDs.
//
// REST: v4/openim_robot_http_svc/get_all_robots
func (s *Service) All(ctx context.Context) ([]string, error) {
	var resp struct {
		api.Envelope
		RobotAccount []string `json:"Robot_Account"`
	}
	if err := s.d.Do(ctx, epGetAll, &struct{}{}, &resp); err != nil {
		return nil, err
	}
	return resp.RobotAccount, nil
}

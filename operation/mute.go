package operation

import (
	"context"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// MuteForever is Tencent's "permanently muted" (4294967295 seconds).
const MuteForever = 4294967295 * time.Second

// MuteRequest sets a user's global mute. Global mute applies to every
// conversation: a muted sender's one-to-one messages fail with 20012, its
// group messages with 10017, without reaching the before-send callbacks.
type MuteRequest struct {
	// UserID is the account (Set_Account).
	UserID string
	// C2C, when not nil, mutes one-to-one messages for that long (rounded
	// up to seconds; 0 unmutes; MuteForever mutes permanently).
	C2C *time.Duration
	// Group, when not nil, mutes group messages the same way.
	Group *time.Duration
}

func muteSeconds(field string, d time.Duration) (uint32, error) {
	if d < 0 || d > MuteForever {
		return 0, wire.Invalid(field, "%s out of range 0..%d s", d, uint32(MuteForever/time.Second))
	}
	secs := (d + time.Second - 1) / time.Second
	return uint32(secs), nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetNoSpeaking = catalog.Declare(api.Endpoint{Path: "openconfigsvr/setnospeaking", Safety: api.Idempotent})

// SetGlobalMute mutes or unmutes a user's one-to-one and/or group messages
// app-wide. At least one of C2C and Group must be set.
//
// REST: v4/openconfigsvr/setnospeaking
func (s *Service) SetGlobalMute(ctx context.Context, req MuteRequest) error {
	if err := wire.CheckUserID("Set_Account", req.UserID); err != nil {
		return err
	}
	if req.C2C == nil && req.Group == nil {
		return wire.Invalid("C2CmsgNospeakingTime", "neither C2CmsgNospeakingTime nor GroupmsgNospeakingTime is set")
	}
	w := struct {
		SetAccount             string  `json:"Set_Account"`
		C2CmsgNospeakingTime   *uint32 `json:"C2CmsgNospeakingTime,omitempty"`
		GroupmsgNospeakingTime *uint32 `json:"GroupmsgNospeakingTime,omitempty"`
	}{SetAccount: req.UserID}
	if req.C2C != nil {
		n, err := muteSeconds("C2CmsgNospeakingTime", *req.C2C)
		if err != nil {
			return err
		}
		w.C2CmsgNospeakingTime = &n
	}
	if req.Group != nil {
		n, err := muteSeconds("GroupmsgNospeakingTime", *req.Group)
		if err != nil {
			return err
		}
		w.GroupmsgNospeakingTime = &n
	}
	var resp envelope // the answer carries no ActionStatus: ErrorCode decides
	return s.d.Do(ctx, epSetNoSpeaking, &w, &resp)
}

// Mute is a user's global mute as getnospeaking reports it: how long each
// kind of message stays muted (0: not muted; MuteForever: permanently).
type Mute struct {
	C2C   time.Duration
	Group time.Duration
}

// C2CMuted reports whether one-to-one messages are muted.
func (m Mute) C2CMuted() bool { return m.C2C > 0 }

// GroupMuted reports whether group messages are muted.
func (m Mute) GroupMuted() bool { return m.Group > 0 }

// A read: a resend changes nothing.
var epGetNoSpeaking = catalog.Declare(api.Endpoint{Path: "openconfigsvr/getnospeaking", Safety: api.Idempotent})

// GlobalMute reads a user's global mute. Tencent reports an account that
// does not exist as permanently muted.
//
// REST: v4/openconfigsvr/getnospeaking
func (s *Service) GlobalMute(ctx context.Context, userID string) (*Mute, error) {
	if err := wire.CheckUserID("Get_Account", userID); err != nil {
		return nil, err
	}
	req := struct {
		GetAccount string `json:"Get_Account"`
	}{userID}
	var resp struct {
		envelope
		// Note the lower-case "msg" in both keys.
		C2CmsgNospeakingTime   wire.FlexInt `json:"C2CmsgNospeakingTime"`
		GroupmsgNospeakingTime wire.FlexInt `json:"GroupmsgNospeakingTime"`
	}
	if err := s.d.Do(ctx, epGetNoSpeaking, &req, &resp); err != nil {
		return nil, err
	}
	return &Mute{C2C: muteDuration(int64(resp.C2CmsgNospeakingTime)), Group: muteDuration(int64(resp.GroupmsgNospeakingTime))}, nil
}

func muteDuration(secs int64) time.Duration {
	switch {
	case secs <= 0:
		return 0
	case secs >= int64(MuteForever/time.Second):
		return MuteForever
	}
	return time.Duration(secs) * time.Second
}

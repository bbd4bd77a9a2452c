package push

import (
	"context"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/dedupkey"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// Limits of timpush/batch (https://cloud.tencent.com/document/product/269/108906).
const (
	// MaxTargetedUsers caps To_Account of one targeted push (1 to 500).
	MaxTargetedUsers = 500
	// MaxDataIDBytes caps DataId, the caller's tag passed back in push
	// callbacks.
	MaxDataIDBytes = 64
)

// UserPush is a push to a list of users (the Push service's "单发推送",
// UserID-targeted push).
type UserPush struct {
	// From is the sender (From_Account, required): a UserID or a
	// RegistrationID.
	From string
	// To are the recipients (To_Account): 1 to MaxTargetedUsers UserIDs or
	// RegistrationIDs.
	To []string
	// OfflinePush is the notification (OfflinePushInfo, required).
	OfflinePush *message.OfflinePushInfo
	// DataID is passed back to the app in the push callbacks (DataId,
	// optional, at most MaxDataIDBytes bytes).
	DataID string
	// Random is MsgRandom; zero draws one. Tencent uses it to drop
	// duplicates sent within the same second only.
	Random uint32
}

// Tencent dedups MsgRandom only within the same second ("同一秒内的消息去重"),
// shorter than any retry backoff: a resend could push twice.
var epBatch = catalog.Declare(api.Endpoint{Path: "timpush/batch"})

// SendToUsers pushes a notification to 1 to MaxTargetedUsers users through
// the Push service (TIMPush; online push needs client SDK 8.2.6325 or
// later) and returns its task. It is not resent after a failure: the
// MsgRandom dedup window is one second. Tencent allows 30 calls a second
// (the international page; other copies give 10/30/40 by edition).
//
// REST: v4/timpush/batch
func (s *Service) SendToUsers(ctx context.Context, p *UserPush) (*Result, error) {
	if p == nil {
		return nil, wire.Invalid("To_Account", "no push given")
	}
	if p.From == "" {
		return nil, wire.Invalid("From_Account", "is empty")
	}
	if err := checkPushAccount("From_Account", p.From); err != nil {
		return nil, err
	}
	switch n := len(p.To); {
	case n == 0:
		return nil, wire.Invalid("To_Account", "is empty: a push needs 1 to %d recipients", MaxTargetedUsers)
	case n > MaxTargetedUsers:
		return nil, wire.Invalid("To_Account", "has %d recipients, limit is %d", n, MaxTargetedUsers)
	}
	for _, id := range p.To {
		if err := checkPushAccount("To_Account", id); err != nil {
			return nil, err
		}
	}
	if p.OfflinePush == nil {
		return nil, wire.Invalid("OfflinePushInfo", "is required")
	}
	if len(p.DataID) > MaxDataIDBytes {
		return nil, wire.Invalid("DataId", "is %d bytes, limit is %d", len(p.DataID), MaxDataIDBytes)
	}
	random := p.Random
	if random == 0 {
		random = dedupkey.NonZero()
	}
	req := struct {
		From            string                   `json:"From_Account"`
		To              []string                 `json:"To_Account"`
		MsgRandom       uint32                   `json:"MsgRandom"`
		OfflinePushInfo *message.OfflinePushInfo `json:"OfflinePushInfo"`
		DataID          string                   `json:"DataId,omitempty"`
	}{p.From, p.To, random, p.OfflinePush, p.DataID}
	var resp struct {
		envelope
		TaskID wire.FlexString `json:"TaskId"`
	}
	if err := s.d.Do(ctx, epBatch, &req, &resp); err != nil {
		return nil, err
	}
	return &Result{TaskID: string(resp.TaskID), Random: random}, nil
}

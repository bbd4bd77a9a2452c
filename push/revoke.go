package push

import (
	"context"
	"encoding/json"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// RevokeWindow is how long after it started a push task can be revoked (24
// hours, https://cloud.tencent.com/document/product/269/105123).
const RevokeWindow = 24 * time.Hour

// A second revoke of a task is refused as a repeat (90050) and changes
// nothing: a resend after a lost answer cannot revoke twice.
var epRevoke = catalog.Declare(api.Endpoint{Path: "timpush/revoke", Safety: api.Idempotent})

// Revoke stops an all-member or tag push task (the TaskId Send returned)
// within RevokeWindow of its start: accounts not yet reached are not
// pushed, and an offline notification already shown is replaced by note
// (APNs, FCM notification mode, Huawei and Honor only) unless the
// recipient has the app in the foreground. note (OfflinePushInfo) is
// required. Tencent answers 90050 for a task already revoked, 90051 past
// one call a second, 90052 past the window, 90053 when a task pushed with
// OnlineOnlyFlag 0 is revoked without OfflinePushInfo.
//
// REST: v4/timpush/revoke
func (s *Service) Revoke(ctx context.Context, taskID string, note *message.OfflinePushInfo) error {
	if taskID == "" {
		return wire.Invalid("TaskId", "is empty")
	}
	if note == nil {
		return wire.Invalid("OfflinePushInfo", "is required")
	}
	info, err := withoutZeroPushFlag(note)
	if err != nil {
		return err
	}
	req := struct {
		TaskID          string          `json:"TaskId"`
		OfflinePushInfo json.RawMessage `json:"OfflinePushInfo"`
	}{taskID, info}
	var resp envelope
	return s.d.Do(ctx, epRevoke, &req, &resp)
}

// withoutZeroPushFlag encodes note without PushFlag when it is 0 (push
// normally): the revoke page documents Title, Desc and Ext, not the flag,
// which message.OfflinePushInfo always writes.
func withoutZeroPushFlag(note *message.OfflinePushInfo) (json.RawMessage, error) {
	b, err := json.Marshal(note)
	if err != nil || note.PushFlag != 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "PushFlag")
	return json.Marshal(m)
}

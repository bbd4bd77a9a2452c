package conversation

import (
	"context"
	"fmt"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// topItem is one conversation of recentcontact/top; this API spells the
// group id "GroupId" (delete says "ToGroupid", the contact groups
// "ToGroupId").
type topItem struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	GroupID   string `json:"GroupId,omitempty"`
}

// Pinning sets a state: a resend leaves the conversations pinned (or
// unpinned) as the first call did.
var epTop = catalog.Declare(api.Endpoint{Path: "recentcontact/top", Safety: api.Idempotent})

// Pin pins (pinned true, OperationType 1) or unpins (false, 2) the given
// conversations of userID's list; get_list returns pinned conversations
// first with TopFlag 1. Source: https://cloud.tencent.com/document/product/269/103772
// (intl zh: https://trtc.io/zh/document/78304).
//
// REST: v4/recentcontact/top
func (s *Service) Pin(ctx context.Context, userID string, pinned bool, with ...Target) error {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return err
	}
	if len(with) == 0 {
		return wire.Invalid("RecentContactItem", "no conversation given")
	}
	items := make([]topItem, len(with))
	for i, t := range with {
		if err := t.check(fmt.Sprintf("RecentContactItem[%d]", i)); err != nil {
			return err
		}
		items[i] = topItem{Type: wireType(t.Type)}
		if t.Type == message.ConvGroup {
			items[i].GroupID = t.ID
		} else {
			items[i].ToAccount = t.ID
		}
	}
	op := 2
	if pinned {
		op = 1
	}
	req := struct {
		FromAccount       string    `json:"From_Account"`
		OperationType     int       `json:"OperationType"`
		RecentContactItem []topItem `json:"RecentContactItem"`
	}{userID, op, items}
	var resp envelope
	return s.d.Do(ctx, epTop, &req, &resp)
}

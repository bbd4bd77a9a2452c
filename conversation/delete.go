package conversation

import (
	"context"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// DeleteRequest names a conversation to remove from a user's list.
type DeleteRequest struct {
	// UserID owns the conversation list (From_Account).
	UserID string
	// With is the conversation: C2C(peer) or Group(groupID).
	With Target
	// ClearHistory also deletes the roaming (cloud) messages of the
	// conversation for this user (ClearRamble = 1).
	ClearHistory bool
}

type deleteRequest struct {
	FromAccount string `json:"From_Account"`
	Type        int    `json:"Type"`
	ToAccount   string `json:"To_Account,omitempty"`
	// ToGroupid is spelt with a lower-case "id" in this API only.
	ToGroupid   string `json:"ToGroupid,omitempty"`
	ClearRamble int    `json:"ClearRamble"`
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDelete = catalog.Declare(api.Endpoint{Path: "recentcontact/delete", Safety: api.Idempotent})

// Delete removes one conversation from a user's list, optionally with its
// roaming messages.
//
// REST: v4/recentcontact/delete
func (s *Service) Delete(ctx context.Context, req DeleteRequest) error {
	if err := wire.CheckUserID("From_Account", req.UserID); err != nil {
		return err
	}
	if err := req.With.check("With"); err != nil {
		return err
	}
	w := deleteRequest{FromAccount: req.UserID, Type: wireType(req.With.Type)}
	if req.With.Type == message.ConvGroup {
		w.ToGroupid = req.With.ID
	} else {
		w.ToAccount = req.With.ID
	}
	if req.ClearHistory {
		w.ClearRamble = 1
	}
	var resp envelope
	return s.d.Do(ctx, epDelete, &w, &resp)
}

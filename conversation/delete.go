package conversation

import (
	"context"
	"fmt"
	"slices"

	"github.com/timkit/tim/internal/wire"
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
	Type        Type   `json:"Type"`
	ToAccount   string `json:"To_Account,omitempty"`
	// ToGroupid is spelt with a lower-case "id" in this API only.
	ToGroupid   string `json:"ToGroupid,omitempty"`
	ClearRamble int    `json:"ClearRamble"`
}

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
	w := deleteRequest{FromAccount: req.UserID, Type: req.With.Type}
	if req.With.Type == TypeGroup {
		w.ToGroupid = req.With.ID
	} else {
		w.ToAccount = req.With.ID
	}
	if req.ClearHistory {
		w.ClearRamble = 1
	}
	var resp envelope
	return s.d.Do(ctx, pathDelete, &w, &resp)
}

// MaxUnreadPeersPerCall is Tencent's cap on Peer_Account per
// get_c2c_unread_msg_num call; C2CUnread splits longer lists.
const MaxUnreadPeersPerCall = 10

// PeerError is a per-peer failure in a batch answer.
type PeerError struct {
	PeerID    string `json:"Peer_Account"`
	ErrorCode int    `json:"ErrorCode"` // 70107: the account does not exist
}

// Unread holds unread C2C message counts of one user.
type Unread struct {
	// Counts maps each peer asked for to its unread count.
	Counts map[string]int
	// Failed lists the peers Tencent could not answer for.
	Failed []PeerError
}

type unreadRequest struct {
	ToAccount   string   `json:"To_Account"`
	PeerAccount []string `json:"Peer_Account,omitempty"`
}

type unreadResponse struct {
	envelope
	AllC2CUnreadMsgNum  wire.FlexInt `json:"AllC2CUnreadMsgNum"`
	C2CUnreadMsgNumList []struct {
		PeerAccount     string       `json:"Peer_Account"`
		C2CUnreadMsgNum wire.FlexInt `json:"C2CUnreadMsgNum"`
	} `json:"C2CUnreadMsgNumList"`
	ErrorList []struct {
		PeerAccount string       `json:"Peer_Account"`
		ErrorCode   wire.FlexInt `json:"ErrorCode"`
	} `json:"ErrorList"`
}

// C2CUnreadTotal returns userID's unread count over all C2C conversations.
//
// REST: v4/openim/get_c2c_unread_msg_num
func (s *Service) C2CUnreadTotal(ctx context.Context, userID string) (int, error) {
	if err := wire.CheckUserID("To_Account", userID); err != nil {
		return 0, err
	}
	var resp unreadResponse
	if err := s.d.Do(ctx, pathC2CUnread, &unreadRequest{ToAccount: userID}, &resp); err != nil {
		return 0, err
	}
	return int(resp.AllC2CUnreadMsgNum), nil
}

// C2CUnread returns userID's unread count with each peer, in calls of
// MaxUnreadPeersPerCall (duplicates are asked once). On a call failure it
// returns what it has so far and an error naming the batch.
//
// REST: v4/openim/get_c2c_unread_msg_num
func (s *Service) C2CUnread(ctx context.Context, userID string, peers []string) (*Unread, error) {
	if err := wire.CheckUserID("To_Account", userID); err != nil {
		return nil, err
	}
	if len(peers) == 0 {
		return nil, wire.Invalid("Peer_Account", "no peer given (use C2CUnreadTotal for the total)")
	}
	uniq := make([]string, 0, len(peers))
	seen := make(map[string]bool, len(peers))
	for i, p := range peers {
		if err := wire.CheckUserID(fmt.Sprintf("Peer_Account[%d]", i), p); err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			uniq = append(uniq, p)
		}
	}
	res := &Unread{Counts: make(map[string]int, len(uniq))}
	err := wire.Chunks(len(uniq), MaxUnreadPeersPerCall, func(lo, hi int) error {
		var resp unreadResponse
		req := unreadRequest{ToAccount: userID, PeerAccount: slices.Clip(uniq[lo:hi])}
		if err := s.d.Do(ctx, pathC2CUnread, &req, &resp); err != nil {
			return fmt.Errorf("conversation: unread counts for peers %d..%d of %d: %w", lo, hi-1, len(uniq), err)
		}
		for _, it := range resp.C2CUnreadMsgNumList {
			res.Counts[it.PeerAccount] = int(it.C2CUnreadMsgNum)
		}
		for _, e := range resp.ErrorList {
			res.Failed = append(res.Failed, PeerError{PeerID: e.PeerAccount, ErrorCode: int(e.ErrorCode)})
		}
		return nil
	})
	return res, err
}

package group

import (
	"context"
	"math"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Pinned group messages (群消息置顶): pin_message, unpin_message and
// get_pinned_messages. Sources: https://cloud.tencent.com/document/product/269/133874
// (pin), 134119 (unpin), 134120 (list). The pages say: not for AVChatRoom;
// the Ultimate (旗舰版), Enterprise and Developer plans only; a Community
// needs the TopicId of the topic the message lives in.

// PinRequest names one group message to pin or unpin.
type PinRequest struct {
	// GroupID is the group (an id, not a name).
	GroupID string
	// TopicID is the topic the message lives in; the pages require it for
	// Community groups. Empty for other groups.
	TopicID string
	// MsgSeq is the message's sequence number, 1 to 4294967295; the message
	// must exist and (for a pin) not have expired, (for an unpin) be pinned.
	MsgSeq uint64
	// By is the account the pin or unpin is made in the name of
	// (Pinner_Account / UnPinner_Account); empty means the app
	// administrator.
	By string
}

// PinnedMessage is one entry of a group's (or topic's) pinned messages.
type PinnedMessage struct {
	// MsgSeq is the pinned message's sequence number.
	MsgSeq uint64
	// By is the account that pinned it (Pinner_Account).
	By string
}

// checkGroupTopic checks a group id and, when given, a topic id of it.
func checkGroupTopic(groupID, topicID string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if topicID != "" {
		return checkTopicRef("TopicId", groupID, topicID)
	}
	return nil
}

// groupTopicWire names a group or one topic of a community.
type groupTopicWire struct {
	GroupID string `json:"GroupId"`
	TopicID string `json:"TopicId,omitempty"`
}

// pinWire is the body of pin_message and unpin_message; each fills its
// own operator field.
type pinWire struct {
	GroupID  string `json:"GroupId"`
	TopicID  string `json:"TopicId,omitempty"`
	MsgSeq   uint64 `json:"MsgSeq"`
	Pinner   string `json:"Pinner_Account,omitempty"`
	UnPinner string `json:"UnPinner_Account,omitempty"`
}

// setPin checks r and sends it as a pin (or an unpin).
func (s *Service) setPin(ctx context.Context, ep api.Endpoint, r PinRequest, pin bool) error {
	if err := checkGroupTopic(r.GroupID, r.TopicID); err != nil {
		return err
	}
	if r.MsgSeq == 0 || r.MsgSeq > math.MaxUint32 {
		return wire.Invalid("MsgSeq", "is %d, want 1 to %d", r.MsgSeq, uint64(math.MaxUint32))
	}
	req := pinWire{GroupID: r.GroupID, TopicID: r.TopicID, MsgSeq: r.MsgSeq}
	byField, by := "UnPinner_Account", &req.UnPinner
	if pin {
		byField, by = "Pinner_Account", &req.Pinner
	}
	if r.By != "" {
		if err := wire.CheckUserID(byField, r.By); err != nil {
			return err
		}
		*by = r.By
	}
	var resp envelope
	return s.d.Do(ctx, ep, &req, &resp)
}

// Pinning a message that is pinned already leaves it pinned: the state a
// resend asks for is the state the first call made.
var epPin = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/pin_message", Safety: api.Idempotent})

// Pin pins a group message; clients show pinned messages first, the most
// recently pinned on top.
//
// REST: v4/group_open_http_svc/pin_message
func (s *Service) Pin(ctx context.Context, r PinRequest) error { return s.setPin(ctx, epPin, r, true) }

// Unpinning leaves the message unpinned however often it is asked (a resend
// may be refused because the message is no longer pinned; nothing changes).
var epUnpin = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/unpin_message", Safety: api.Idempotent})

// Unpin removes a message from the group's pinned messages. The page says a
// non-empty By (UnPinner_Account) needs the caller to be the app
// administrator, which a server-side client always is.
//
// REST: v4/group_open_http_svc/unpin_message
func (s *Service) Unpin(ctx context.Context, r PinRequest) error {
	return s.setPin(ctx, epUnpin, r, false)
}

// A read: a resend changes nothing.
var epPinned = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_pinned_messages", Safety: api.Idempotent})

// PinnedMessages lists the pinned messages of a group or, with topicID, of
// one community topic, in the order Tencent answers.
//
// REST: v4/group_open_http_svc/get_pinned_messages
func (s *Service) PinnedMessages(ctx context.Context, groupID, topicID string) ([]PinnedMessage, error) {
	if err := checkGroupTopic(groupID, topicID); err != nil {
		return nil, err
	}
	req := groupTopicWire{groupID, topicID}
	var resp struct {
		envelope
		PinnedMsgList []struct {
			MsgSeq        wire.FlexUint64 `json:"MsgSeq"`
			PinnerAccount wire.FlexString `json:"Pinner_Account"`
		} `json:"PinnedMsgList"`
	}
	if err := s.d.Do(ctx, epPinned, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]PinnedMessage, len(resp.PinnedMsgList))
	for i, p := range resp.PinnedMsgList {
		out[i] = PinnedMessage{MsgSeq: uint64(p.MsgSeq), By: string(p.PinnerAccount)}
	}
	return out, nil
}

package event

import (
	"time"

	"github.com/timkit/tim/message"
)

// Callbacks Tencent documented after the 2023 list (issue 18): message
// extensions, follows, and the customer-service desk's session events.
// Sources: C2C.CallbackAfterC2CMsgExtension
// https://www.tencentcloud.com/document/product/1047/76006,
// Group.CallbackAfterGroupMsgExtension
// https://www.tencentcloud.com/document/product/1047/76007,
// Follow.CallbackAfterFollowAdd https://trtc.io/document/70355,
// Follow.CallbackAfterFollowDelete https://trtc.io/ja/document/70356,
// Desk.SessionEventNotify
// https://www.tencentcloud.com/ind/document/product/1229/68989.

// Commands of the newer callbacks.
const (
	CmdC2CAfterMsgExtension   Command = "C2C.CallbackAfterC2CMsgExtension"
	CmdGroupAfterMsgExtension Command = "Group.CallbackAfterGroupMsgExtension"
	CmdFollowAfterAdd         Command = "Follow.CallbackAfterFollowAdd"
	CmdFollowAfterDelete      Command = "Follow.CallbackAfterFollowDelete"
	CmdDeskSessionEvent       Command = "Desk.SessionEventNotify"
)

// Names of the events derived from the newer callbacks. The front end
// names the extension events; it has no follow events, so those two are
// this package's.
const (
	MessageExtensionsUpdated Name = "MESSAGE_EXTENSIONS_UPDATED"
	MessageExtensionsDeleted Name = "MESSAGE_EXTENSIONS_DELETED"
	FollowAdded              Name = "FOLLOW_ADDED"
	FollowDeleted            Name = "FOLLOW_DELETED"
	DeskSessionEventReceived Name = "DESK_SESSION_EVENT"
)

// ExtensionOp is a message-extension callback's OperateType.
type ExtensionOp int

// The documented operations.
const (
	// ExtensionSet: keys were set (values in ExtensionList).
	ExtensionSet ExtensionOp = 1
	// ExtensionDelete: the listed keys were deleted.
	ExtensionDelete ExtensionOp = 2
	// ExtensionClear: every key of the message was cleared.
	ExtensionClear ExtensionOp = 3
)

// MsgExtension is one key of a message's extensions, with its version.
type MsgExtension struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
	// Seq is the key's version.
	Seq uint64 `json:"Seq"`
}

// C2CAfterMsgExtension is C2C.CallbackAfterC2CMsgExtension: a one-to-one
// message's extensions were set, deleted or cleared. Derived event:
// *MessageExtensions.
type C2CAfterMsgExtension struct {
	Meta
	FromAccount   string         `json:"From_Account"`
	ToAccount     string         `json:"To_Account"`
	MsgKey        string         `json:"MsgKey"`
	OperateType   ExtensionOp    `json:"OperateType"`
	ExtensionList []MsgExtension `json:"ExtensionList"`
	// Seq is the latest version of the message's extensions as a whole.
	Seq uint64 `json:"Seq"`
}

// GroupAfterMsgExtension is Group.CallbackAfterGroupMsgExtension: a group
// message's extensions were set, deleted or cleared. Derived event:
// *MessageExtensions.
type GroupAfterMsgExtension struct {
	Meta
	GroupID       string         `json:"GroupId"`
	MsgSeq        uint64         `json:"MsgSeq"`
	OperateType   ExtensionOp    `json:"OperateType"`
	ExtensionList []MsgExtension `json:"ExtensionList"`
	Seq           uint64         `json:"Seq"`
}

// FollowTarget is one {"To_Account": …} item of FollowList.
type FollowTarget struct {
	ToAccount string `json:"To_Account"`
}

// FollowAfterAdd is Follow.CallbackAfterFollowAdd: From followed the
// users of FollowList. Derived event: *Follows.
type FollowAfterAdd struct {
	Meta
	FromAccount string         `json:"From_Account"`
	FollowList  []FollowTarget `json:"FollowList"`
}

// FollowAfterDelete is Follow.CallbackAfterFollowDelete: From unfollowed
// the users of ToAccount. Derived event: *Follows.
type FollowAfterDelete struct {
	Meta
	FromAccount string   `json:"From_Account"`
	ToAccount   []string `json:"To_Account"`
}

// DeskSessionEvent is Desk.SessionEventNotify: an event of a desk
// (customer-service) session: a user's or robot's message, a transfer to
// an agent (in progress, done, failed), a reassignment, the close, a user
// timeout. Event names it; every field of the page's example is typed
// (page 1229/68989, whose Chinese copy shows the whole example). Derived
// event: *DeskSession.
type DeskSessionEvent struct {
	Meta
	SessionID string `json:"SessionId"`
	// Event is the kind of session event, e.g. "ChatBot.UserSendMsg".
	Event DeskEvent `json:"Event"`
	// ChannelType is how the user reached the desk: "SDK" (app or client
	// integration) or "Web" (the H5 web page).
	ChannelType string `json:"ChannelType,omitempty"`
	// ClientUserID is the user's UserID.
	ClientUserID string `json:"ClientUserId,omitempty"`
	// CustomerServiceID is the UserID of the customer-service account.
	CustomerServiceID string `json:"CustomerServiceId,omitempty"`
	// AgentID identifies the human agent (an e-mail address in the
	// page's example), once one serves the session.
	AgentID string `json:"AgentId,omitempty"`
	// MsgKey identifies the message of a message event.
	MsgKey string `json:"MsgKey,omitempty"`
	// MsgBody is the message of a message event.
	MsgBody message.Body `json:"MsgBody,omitempty"`
	// CloudCustomData is the message's custom data.
	CloudCustomData string `json:"CloudCustomData,omitempty"`
	// IsContactUser reports whether the agent contacted the user first.
	IsContactUser bool `json:"IsContactUser"`
	// SatisfactionSelected is the user's satisfaction rating, 1 to 5
	// stars; 0 when the user has not rated.
	SatisfactionSelected int `json:"SatisfactionSelected,omitempty"`
}

// DeskEvent names a desk session event. The page lists more kinds than
// the three constants below (transfers, reassignment, close, timeout),
// but its stored copies break off inside that list; an event of another
// kind arrives with its name as Tencent spells it.
type DeskEvent string

// The desk session events whose names the page's list shows.
const (
	// DeskSessionBegin: the session started.
	DeskSessionBegin DeskEvent = "SessionBegin"
	// DeskUserSendMsg: the user sent a message while a robot serves the
	// session.
	DeskUserSendMsg DeskEvent = "ChatBot.UserSendMsg"
	// DeskRobotSendMsg: the robot sent a message to the user.
	DeskRobotSendMsg DeskEvent = "ChatBot.RobotSendMsg"
)

// MessageExtensions is MESSAGE_EXTENSIONS_UPDATED (keys set) or
// MESSAGE_EXTENSIONS_DELETED (keys deleted or cleared), from a one-to-one
// (MsgKey) or group (GroupID, MsgSeq) message.
type MessageExtensions struct {
	ConversationType message.ConversationType
	// From and To are the one-to-one message's sender and recipient;
	// MsgKey identifies it.
	From, To, MsgKey string
	// GroupID and MsgSeq identify the group message.
	GroupID string
	MsgSeq  uint64
	Op      ExtensionOp
	// Extensions are the keys touched (empty for a clear).
	Extensions []MsgExtension
	// Seq is the latest version of the message's extensions.
	Seq      uint64
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (e *MessageExtensions) EventName() Name {
	if e.Op == ExtensionSet {
		return MessageExtensionsUpdated
	}
	return MessageExtensionsDeleted
}

// Follows is FOLLOW_ADDED or FOLLOW_DELETED: From followed or unfollowed
// the users of To.
type Follows struct {
	From  string
	To    []string
	Added bool
	Time  time.Time
	// Callback is *FollowAfterAdd or *FollowAfterDelete.
	Callback Callback
}

// EventName implements Event.
func (e *Follows) EventName() Name {
	if e.Added {
		return FollowAdded
	}
	return FollowDeleted
}

// DeskSession is DESK_SESSION_EVENT: one event of a desk session, once
// however often Tencent delivers it.
type DeskSession struct {
	SessionID    string
	Event        DeskEvent
	ChannelType  string
	ClientUserID string
	// AgentID is the human agent serving the session, if any.
	AgentID string
	// MsgKey and Body are the message of a message event (empty otherwise).
	MsgKey string
	Body   message.Body
	// Rating is the user's satisfaction rating (1–5), 0 if none.
	Rating   int
	Time     time.Time
	Callback *DeskSessionEvent
}

// EventName implements Event.
func (*DeskSession) EventName() Name { return DeskSessionEventReceived }

// deriveExt derives the events of the newer callbacks; ok is false for
// any other callback.
func deriveExt(cb Callback, at time.Time) (out derived, ok bool) {
	switch c := cb.(type) {
	case *C2CAfterMsgExtension:
		out.key = "EX|C2C|" + c.MsgKey + "|" + u64(c.Seq)
		if c.MsgKey == "" {
			out.key = bodyKey(cb)
		}
		out.add(&MessageExtensions{ConversationType: message.ConvC2C, From: c.FromAccount, To: c.ToAccount, MsgKey: c.MsgKey,
			Op: c.OperateType, Extensions: c.ExtensionList, Seq: c.Seq, Time: at, Callback: cb})
	case *GroupAfterMsgExtension:
		out.key = groupScope("EX", c.GroupID, "") + "|" + u64(c.MsgSeq) + "|" + u64(c.Seq)
		out.add(&MessageExtensions{ConversationType: message.ConvGroup, GroupID: c.GroupID, MsgSeq: c.MsgSeq,
			Op: c.OperateType, Extensions: c.ExtensionList, Seq: c.Seq, Time: at, Callback: cb})
	case *FollowAfterAdd:
		out.key = bodyKey(cb)
		to := make([]string, len(c.FollowList))
		for i, f := range c.FollowList {
			to[i] = f.ToAccount
		}
		out.add(&Follows{From: c.FromAccount, To: to, Added: true, Time: at, Callback: cb})
	case *FollowAfterDelete:
		out.key = bodyKey(cb)
		out.add(&Follows{From: c.FromAccount, To: c.ToAccount, Time: at, Callback: cb})
	case *DeskSessionEvent:
		out.key = bodyKey(cb)
		out.add(&DeskSession{SessionID: c.SessionID, Event: c.Event, ChannelType: c.ChannelType,
			ClientUserID: c.ClientUserID, AgentID: c.AgentID, MsgKey: c.MsgKey, Body: c.MsgBody,
			Rating: c.SatisfactionSelected, Time: at, Callback: c})
	default:
		return out, false
	}
	return out, true
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *C2CAfterMsgExtension) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c C2CAfterMsgExtension) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *C2CAfterMsgExtension) jsonForm() any { type plain C2CAfterMsgExtension; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *GroupAfterMsgExtension) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c GroupAfterMsgExtension) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *GroupAfterMsgExtension) jsonForm() any {
	type plain GroupAfterMsgExtension
	return (*plain)(c)
}

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *FollowAfterAdd) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c FollowAfterAdd) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *FollowAfterAdd) jsonForm() any { type plain FollowAfterAdd; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *FollowAfterDelete) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c FollowAfterDelete) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *FollowAfterDelete) jsonForm() any { type plain FollowAfterDelete; return (*plain)(c) }

// UnmarshalJSON decodes Tencent's JSON form of the callback (strictly;
// Parse is the tolerant decoder).
func (c *DeskSessionEvent) UnmarshalJSON(b []byte) error { return unmarshalCallback(b, c) }

// MarshalJSON encodes the callback in Tencent's JSON form.
func (c DeskSessionEvent) MarshalJSON() ([]byte, error) { return marshalCallback(&c) }

func (c *DeskSessionEvent) jsonForm() any { type plain DeskSessionEvent; return (*plain)(c) }

package event

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/timkit/tim/message"
)

// Events derived from callbacks, under the front end's names. Each carries
// the typed callback it came from; duplicates (Tencent redelivering, several
// replicas behind one URL sharing a DedupStore) are suppressed by their
// natural key. The raw callback itself is always delivered, duplicate or not.

// ReceivedMessage is MESSAGE_RECEIVED: a message was delivered, one-to-one
// (from C2C.CallbackAfterSendMsg with SendMsgResult 0) or in a group (from
// Group.CallbackAfterSendMsg). One type for both, like the front end's
// Message.
type ReceivedMessage struct {
	// ConversationType is message.ConvC2C or message.ConvGroup.
	ConversationType message.ConversationType
	// From is the sender.
	From string
	// To is the recipient (C2C only).
	To string
	// GroupID, GroupType and TopicID are set for group messages.
	GroupID   string
	GroupType GroupType
	TopicID   string
	// Operator made the request (group only): an admin sending through REST
	// on From's behalf shows here.
	Operator        string
	Body            message.Body
	CloudCustomData string
	// MsgKey is the C2C recall handle.
	MsgKey string
	// MsgID is the client-side message id.
	MsgID string
	// MsgSeq is the group sequence number (the group recall handle) or the
	// C2C sender-chosen sequence.
	MsgSeq uint64
	// MsgRandom is the C2C MsgRandom or the group Random.
	MsgRandom  uint32
	Time       time.Time
	OnlineOnly bool
	// AtInfo lists the group message's @-mentions.
	AtInfo []GroupAt
	// UnreadCount is the C2C recipient's unread total after delivery.
	UnreadCount int
	// Platform is the sender's platform, canonical (PlatformIOS for "IOS").
	Platform Platform
	// Callback is the callback this came from (*C2CAfterSendMsg or
	// *GroupAfterSendMsg).
	Callback Callback
}

// EventName implements Event.
func (*ReceivedMessage) EventName() Name { return MessageReceived }

// ConversationID returns the front end's conversation id as seen by
// viewer: "GROUP<groupID>" for a group message, "C2C<the other user>" for
// a one-to-one message.
func (m *ReceivedMessage) ConversationID(viewer string) string {
	if m.ConversationType == message.ConvGroup {
		return "GROUP" + m.GroupID
	}
	if viewer == m.From {
		return "C2C" + m.To
	}
	return "C2C" + m.From
}

// RevokedMessage is MESSAGE_REVOKED: messages were recalled, one-to-one
// (by MsgKey) or in a group (by MsgSeq).
type RevokedMessage struct {
	// ConversationType is message.ConvC2C or message.ConvGroup.
	ConversationType message.ConversationType
	// From and To are the C2C sender and recipient.
	From, To string
	// MsgKey identifies the recalled C2C message.
	MsgKey string
	// GroupID, MsgSeqs, Operator and TopicID describe a group recall.
	GroupID  string
	MsgSeqs  []uint64
	Operator string
	TopicID  string
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*RevokedMessage) EventName() Name { return MessageRevoked }

// PeerRead is MESSAGE_READ_BY_PEER: Reader read Peer's one-to-one messages
// up to LastRead.
type PeerRead struct {
	Reader   string
	Peer     string
	LastRead time.Time
	// UnreadCount is Reader's remaining C2C unread total.
	UnreadCount int
	Time        time.Time
	Callback    Callback
}

// EventName implements Event.
func (*PeerRead) EventName() Name { return MessageReadByPeer }

// UserStatus is USER_STATUS_UPDATED: a user logged in, out, lost the
// connection or set a custom status.
type UserStatus struct {
	UserID       string
	Action       StateAction
	Reason       StateReason
	CustomStatus string
	// Platform is where it happened (canonical OptPlatform).
	Platform Platform
	// Kicked lists the platforms this login pushed out (canonical).
	Kicked   []Platform
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*UserStatus) EventName() Name { return UserStatusUpdated }

// Online reports whether the user is online after this change.
func (s *UserStatus) Online() bool {
	return s.Action == ActionLogin || s.Action == ActionCustomStatusChange
}

// Kicked is KICKED_OUT: a new login of UserID pushed the user's other
// devices offline (State.StateChange with KickedDevice).
type Kicked struct {
	UserID string
	// Devices are the platforms pushed out (canonical).
	Devices []Platform
	// By is the platform of the new login (canonical OptPlatform).
	By       Platform
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*Kicked) EventName() Name { return KickedOut }

// NewGroup is GROUP_CREATED.
type NewGroup struct {
	GroupID      string
	Type         GroupType
	Name         string
	Owner        string
	Operator     string
	Introduction string
	Notification string
	FaceURL      string
	Members      []string
	Time         time.Time
	Callback     Callback
}

// EventName implements Event.
func (*NewGroup) EventName() Name { return GroupCreated }

// DismissedGroup is GROUP_DISMISSED.
type DismissedGroup struct {
	GroupID string
	Type    GroupType
	Name    string
	Owner   string
	// Members is empty for communities.
	Members  []string
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*DismissedGroup) EventName() Name { return GroupDismissed }

// MembersJoined is GROUP_MEMBER_JOINED.
type MembersJoined struct {
	GroupID  string
	Type     GroupType
	JoinType JoinType
	Operator string
	Members  []string
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*MembersJoined) EventName() Name { return GroupMemberJoined }

// MembersLeft is GROUP_MEMBER_LEFT.
type MembersLeft struct {
	GroupID  string
	Type     GroupType
	ExitType ExitType
	Operator string
	Members  []string
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*MembersLeft) EventName() Name { return GroupMemberLeft }

// GroupProfile is GROUP_PROFILE_UPDATED: only the changed fields are
// non-nil.
type GroupProfile struct {
	GroupID      string
	Type         GroupType
	Operator     string
	Name         *string
	Introduction *string
	Notification *string
	FaceURL      *string
	Time         time.Time
	Callback     Callback
}

// EventName implements Event.
func (*GroupProfile) EventName() Name { return GroupProfileUpdated }

// UserProfile is PROFILE_UPDATED: UserID's profile fields changed.
type UserProfile struct {
	UserID   string
	Operator string
	// Changes maps each changed tag (Tag_Profile_IM_Nick, …) to its new
	// value (a string or a number).
	Changes  map[string]any
	Time     time.Time
	Callback Callback
}

// EventName implements Event.
func (*UserProfile) EventName() Name { return ProfileUpdated }

// Nick returns the new nickname, if it changed.
func (p *UserProfile) Nick() (string, bool) {
	v, ok := p.Changes["Tag_Profile_IM_Nick"].(string)
	return v, ok
}

// NewFriends is FRIEND_ADDED.
type NewFriends struct {
	Pairs     []FriendPair
	ClientCmd string
	// Admin is set when an admin added the friends through REST.
	Admin    string
	Forced   bool
	Callback Callback
}

// EventName implements Event.
func (*NewFriends) EventName() Name { return FriendAdded }

// derived is what one callback yields: up to two events under one dedup
// key (one key, so a duplicate callback suppresses both).
type derived struct {
	key    string
	events [2]Event
	n      int
}

func (d *derived) add(e Event) { d.events[d.n] = e; d.n++ }

// derive turns a callback into its front-end events; n == 0 when it has
// none.
func derive(cb Callback) derived {
	var out derived
	m := cb.meta()
	at := m.EventTime
	plat := m.origin.OptPlatform.Canonical()
	if ext, ok := deriveExt(cb, at); ok {
		return ext
	}
	switch c := cb.(type) {
	case *C2CAfterSendMsg:
		if c.SendMsgResult != 0 {
			return out
		}
		if c.MsgKey != "" {
			out.key = "MR|C2C|" + c.MsgKey
		} else {
			out.key = "MR|C2C|" + c.FromAccount + "|" + c.ToAccount + "|" + u64(c.MsgSeq) + "|" +
				u64(uint64(c.MsgRandom)) + "|" + strconv.FormatInt(unixSeconds(c.MsgTime), 10)
		}
		out.add(&ReceivedMessage{
			ConversationType: message.ConvC2C, From: c.FromAccount, To: c.ToAccount, Body: c.MsgBody,
			CloudCustomData: c.CloudCustomData, MsgKey: c.MsgKey, MsgID: c.MsgID, MsgSeq: c.MsgSeq,
			MsgRandom: c.MsgRandom, Time: timeOr(c.MsgTime, at), OnlineOnly: c.OnlineOnlyFlag == 1,
			UnreadCount: c.UnreadMsgNum, Platform: plat, Callback: cb,
		})
	case *GroupAfterSendMsg:
		// A community's topics number their messages separately: the
		// topic is part of the key.
		if c.MsgSeq != 0 {
			out.key = groupScope("MR", c.GroupID, c.TopicID) + "|" + u64(c.MsgSeq)
		} else {
			out.key = groupScope("MR", c.GroupID, c.TopicID) + "|r" + u64(uint64(c.Random)) + "|" +
				c.FromAccount + "|" + strconv.FormatInt(unixSeconds(c.MsgTime), 10)
		}
		out.add(&ReceivedMessage{
			ConversationType: message.ConvGroup, From: c.FromAccount, GroupID: c.GroupID, GroupType: c.Type,
			TopicID: c.TopicID, Operator: c.OperatorAccount, Body: c.MsgBody, CloudCustomData: c.CloudCustomData,
			MsgID: c.MsgID, MsgSeq: c.MsgSeq, MsgRandom: c.Random, Time: timeOr(c.MsgTime, at),
			OnlineOnly: c.OnlineOnlyFlag == 1, AtInfo: c.GroupAtInfo, Platform: plat, Callback: cb,
		})
	case *C2CAfterMsgWithDraw:
		out.key = "RV|C2C|" + c.MsgKey
		if c.MsgKey == "" {
			out.key = bodyKey(cb)
		}
		out.add(&RevokedMessage{ConversationType: message.ConvC2C, From: c.FromAccount, To: c.ToAccount, MsgKey: c.MsgKey,
			Time: at, Callback: cb})
	case *GroupAfterRecallMsg:
		seqs := make([]uint64, len(c.MsgSeqList))
		var b strings.Builder
		b.WriteString(groupScope("RV", c.GroupID, c.TopicID))
		for i, s := range c.MsgSeqList {
			seqs[i] = s.MsgSeq
			b.WriteString("|" + u64(s.MsgSeq))
		}
		out.key = b.String()
		out.add(&RevokedMessage{ConversationType: message.ConvGroup, GroupID: c.GroupID, MsgSeqs: seqs,
			Operator: c.OperatorAccount, TopicID: c.TopicID, Time: at, Callback: cb})
	case *C2CAfterMsgReport:
		out.key = "RD|" + c.ReportAccount + "|" + c.PeerAccount + "|" + strconv.FormatInt(unixSeconds(c.LastReadTime), 10)
		out.add(&PeerRead{Reader: c.ReportAccount, Peer: c.PeerAccount, LastRead: c.LastReadTime,
			UnreadCount: c.UnreadMsgNum, Time: at, Callback: cb})
	case *StateChange:
		// Two real state changes can share user, action and millisecond
		// (a second device logging in and kicking the first): only the
		// whole body, and the platform that sent it, tell them apart.
		out.key = bodyKey(cb) + "|" + string(plat)
		var kicked []Platform
		for _, k := range c.KickedDevice {
			kicked = append(kicked, k.Platform.Canonical())
		}
		out.add(&UserStatus{UserID: c.Info.ToAccount, Action: c.Info.Action, Reason: c.Info.Reason,
			CustomStatus: c.Info.CustomStatus, Platform: plat, Kicked: kicked, Time: at, Callback: cb})
		if len(kicked) > 0 {
			out.add(&Kicked{UserID: c.Info.ToAccount, Devices: kicked, By: plat, Time: at, Callback: cb})
		}
	case *GroupAfterCreateGroup:
		out.key = "GC|" + c.GroupID
		out.add(&NewGroup{GroupID: c.GroupID, Type: c.Type, Name: c.Name, Owner: c.OwnerAccount,
			Operator: c.OperatorAccount, Introduction: c.Introduction, Notification: c.Notification,
			FaceURL: c.FaceURL, Members: accounts(c.MemberList), Time: at, Callback: cb})
	case *GroupAfterGroupDestroyed:
		out.key = "GD|" + c.GroupID
		out.add(&DismissedGroup{GroupID: c.GroupID, Type: c.Type, Name: c.Name, Owner: c.OwnerAccount,
			Members: accounts(c.MemberList), Time: at, Callback: cb})
	case *GroupAfterNewMemberJoin:
		out.key = bodyKey(cb)
		out.add(&MembersJoined{GroupID: c.GroupID, Type: c.Type, JoinType: c.JoinType, Operator: c.OperatorAccount,
			Members: accounts(c.NewMemberList), Time: at, Callback: cb})
	case *GroupAfterMemberExit:
		out.key = bodyKey(cb)
		out.add(&MembersLeft{GroupID: c.GroupID, Type: c.Type, ExitType: c.ExitType, Operator: c.OperatorAccount,
			Members: accounts(c.ExitMemberList), Time: at, Callback: cb})
	case *GroupAfterGroupInfoChanged:
		out.key = bodyKey(cb)
		out.add(&GroupProfile{GroupID: c.GroupID, Type: c.Type, Operator: c.OperatorAccount, Name: c.Name,
			Introduction: c.Introduction, Notification: c.Notification, FaceURL: c.FaceURL, Time: at, Callback: cb})
	case *PortraitSet:
		out.key = bodyKey(cb)
		changes := make(map[string]any, len(c.ProfileItem))
		for _, it := range c.ProfileItem {
			changes[it.Tag] = it.Value
		}
		out.add(&UserProfile{UserID: c.FromAccount, Operator: c.OperatorAccount, Changes: changes, Time: at,
			Callback: cb})
	case *FriendAdd:
		out.key = bodyKey(cb)
		out.add(&NewFriends{Pairs: c.PairList, ClientCmd: c.ClientCmd, Admin: c.AdminAccount,
			Forced: c.ForceFlag == 1, Callback: cb})
	}
	return out
}

// groupScope starts the dedup key of a group message event: kind|G|group
// for a group's own messages (the keys of earlier releases, so a shared
// store stays valid across an upgrade), and kind|T| followed by the
// length-prefixed group and topic ids for a community topic, whose
// MsgSeqs are its own. Both ids may hold any printable ASCII, '|'
// included; the length prefixes keep two (group, topic) pairs from
// spelling the same key.
func groupScope(kind, groupID, topicID string) string {
	if topicID == "" {
		return kind + "|G|" + groupID
	}
	return kind + "|T|" + strconv.Itoa(len(groupID)) + ":" + groupID + strconv.Itoa(len(topicID)) + ":" + topicID
}

// bodyKey is the natural key of callbacks without one: the command and a
// digest of the body (a redelivery carries the same bytes).
func bodyKey(cb Callback) string {
	sum := sha256.Sum256(cb.Raw())
	return "B|" + string(cb.Command()) + "|" + hex.EncodeToString(sum[:16])
}

func accounts(ms []Member) []string {
	if len(ms) == 0 {
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.MemberAccount
	}
	return out
}

// timeOr returns t, or alt when t is zero.
func timeOr(t, alt time.Time) time.Time {
	if t.IsZero() {
		return alt
	}
	return t
}

func u64(v uint64) string { return strconv.FormatUint(v, 10) }

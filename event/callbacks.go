package event

import (
	"time"

	"github.com/timkit/tim/message"
)

// Shared pieces of callback bodies.

// Member is one {"Member_Account": …} item of a group member list.
type Member struct {
	MemberAccount string `json:"Member_Account"`
}

// KeyValue is one {"Key","Value"} item (group-creation custom data). Value
// is whatever JSON Tencent sent: usually a string.
type KeyValue struct {
	Key   string `json:"Key"`
	Value any    `json:"Value"`
}

// GroupAt is one @-mention of a group message.
type GroupAt struct {
	// GroupAtAllFlag is 1 for @all, 0 for a single member.
	GroupAtAllFlag int    `json:"GroupAtAllFlag"`
	GroupAtAccount string `json:"GroupAt_Account"`
}

// ---------------------------------------------------------------------------
// State, profile, alert

// StateAction is StateChange.Info.Action.
type StateAction string

// State actions.
const (
	ActionLogin              StateAction = "Login"      // TCP connection up
	ActionLogout             StateAction = "Logout"     // TCP down by logout
	ActionDisconnect         StateAction = "Disconnect" // TCP lost
	ActionCustomStatusChange StateAction = "CustomStatusChange"
)

// StateReason is StateChange.Info.Reason.
type StateReason string

// State reasons: Login(Register), Logout(Unregister),
// Disconnect(LinkClose | TimeOut), CustomStatusChange(SetCustomStatus).
const (
	ReasonRegister        StateReason = "Register"
	ReasonUnregister      StateReason = "Unregister"
	ReasonLinkClose       StateReason = "LinkClose" // FIN/RST, process killed
	ReasonTimeOut         StateReason = "TimeOut"   // heartbeat lost (400 s)
	ReasonSetCustomStatus StateReason = "SetCustomStatus"
)

// StateInfo is StateChange.Info.
type StateInfo struct {
	Action    StateAction `json:"Action"`
	ToAccount string      `json:"To_Account"`
	Reason    StateReason `json:"Reason"`
	// CustomStatus is the user's new custom status (Action
	// CustomStatusChange).
	CustomStatus string `json:"CustomStatus,omitempty"`
}

// KickedDevice is a device logged out by a new login.
type KickedDevice struct {
	// Platform as sent: "iOS" or "IOS", "Android", "Web", "Windows",
	// "iPad", "Mac", "Linux".
	Platform Platform `json:"Platform"`
}

// StateChange is State.StateChange: a user went online or offline (needs
// the online-status feature switched on in the console). Derived events:
// *UserStatusChanged always, *KickedOut when KickedDevice is not empty.
type StateChange struct {
	Meta
	Info StateInfo `json:"Info"`
	// KickedDevice lists the devices this login pushed out (Login only).
	KickedDevice []KickedDevice `json:"KickedDevice,omitempty"`
}

// ProfileItem is one changed profile field: Tag is e.g. Tag_Profile_IM_Nick;
// Value a string or an integer.
type ProfileItem struct {
	Tag   string `json:"Tag"`
	Value any    `json:"Value"`
}

// PortraitSet is Profile.CallbackPortraitSet: a user's profile changed.
// Derived event: *ProfileUpdated.
type PortraitSet struct {
	Meta
	// OperatorAccount triggered the change (an admin for REST calls).
	OperatorAccount string `json:"Operator_Account"`
	// FromAccount is the user whose profile changed.
	FromAccount string        `json:"From_Account"`
	ProfileItem []ProfileItem `json:"ProfileItem"`
}

// RequestOverLimit is Alert.RequestOverLimit: a REST API's request rate
// passed 80% of its limit (source: https://cloud.tencent.com/document/product/269/105418).
type RequestOverLimit struct {
	Meta
	// ServiceName and APICommand name the API ("openim", "batchsendmsg").
	ServiceName string `json:"ServiceName"`
	// APICommand is the body's Command (the Go name avoids Meta.Command).
	APICommand string `json:"Command"`
	// Request is the API's request rate (QPS).
	Request int `json:"Request"`
	// Limit is the API's rate limit (QPS).
	Limit int `json:"Limit"`
}

// ---------------------------------------------------------------------------
// Relationship chain (Sns)

// FriendPair is one pair of a Sns callback's PairList.
type FriendPair struct {
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
	// InitiatorAccount asked for the friendship (FriendAdd only).
	InitiatorAccount string `json:"Initiator_Account,omitempty"`
}

// FriendAdd is Sns.CallbackFriendAdd: friendships were added. Derived
// event: *FriendAdded.
type FriendAdd struct {
	Meta
	PairList []FriendPair `json:"PairList"`
	// ClientCmd: friend_add / FriendAdd (a request) or friend_response /
	// FriendResponse (an accepted request).
	ClientCmd string `json:"ClientCmd"`
	// AdminAccount is set when an admin added the friends through REST.
	AdminAccount string `json:"Admin_Account"`
	// ForceFlag is 1 when an admin forced the friendship.
	ForceFlag int `json:"ForceFlag"`
}

// FriendDelete is Sns.CallbackFriendDelete.
type FriendDelete struct {
	Meta
	PairList  []FriendPair `json:"PairList"`
	ClientCmd string       `json:"ClientCmd"`
}

// BlackListAdd is Sns.CallbackBlackListAdd.
type BlackListAdd struct {
	Meta
	PairList []FriendPair `json:"PairList"`
}

// BlackListDelete is Sns.CallbackBlackListDelete.
type BlackListDelete struct {
	Meta
	PairList []FriendPair `json:"PairList"`
}

// AddType is how a friendship is added: both ways or one way.
type AddType string

// Add types.
const (
	AddTypeBoth   AddType = "Add_Type_Both"   // two-way (the default)
	AddTypeSingle AddType = "Add_Type_Single" // one-way
)

// FriendRequestItem is one FriendItem of Sns.CallbackPrevFriendAdd: a
// user From_Account asks to befriend.
type FriendRequestItem struct {
	// ToAccount is the user to be added as a friend.
	ToAccount string `json:"To_Account"`
	// Remark is the remark From_Account set for ToAccount.
	Remark string `json:"Remark,omitempty"`
	// GroupName is the friend list From_Account files ToAccount under.
	GroupName string `json:"GroupName,omitempty"`
	// AddSource is where the request came from (AddSource_Type_…).
	AddSource string `json:"AddSource,omitempty"`
	// AddWording is the request's message.
	AddWording string `json:"AddWording,omitempty"`
}

// PrevFriendAdd is Sns.CallbackPrevFriendAdd: a user asks to add friends
// (requests made through REST do not trigger it). Register a decider with
// Decide to allow or refuse each requested friend: Allow lets every one
// through, Reject refuses them all, RefuseFriends and FriendResults decide
// one by one (the answer's ResultItem).
type PrevFriendAdd struct {
	Meta
	// RequesterAccount sent the request.
	RequesterAccount string `json:"Requester_Account"`
	// FromAccount is the user who wants the friends.
	FromAccount string `json:"From_Account"`
	// FriendItem lists the requested friends.
	FriendItem []FriendRequestItem `json:"FriendItem"`
	AddType    AddType             `json:"AddType"`
	// ForceAddFlags is 1 when an admin forces the friendship, else 0.
	ForceAddFlags int `json:"ForceAddFlags"`
}

// ResponseAction is how a user answers a friend request.
type ResponseAction string

// Response actions.
const (
	// ResponseAgreeAndAdd agrees and adds the requester as a friend too.
	ResponseAgreeAndAdd ResponseAction = "Response_Action_AgreeAndAdd"
	// ResponseAgree lets the requester add the user.
	ResponseAgree ResponseAction = "Response_Action_Agree"
	// ResponseReject refuses the request.
	ResponseReject ResponseAction = "Response_Action_Reject"
)

// FriendResponseItem is one ResponseFriendItem of
// Sns.CallbackPrevFriendResponse.
type FriendResponseItem struct {
	// ToAccount is the user whose request is answered.
	ToAccount string `json:"To_Account"`
	// Remark is the remark From_Account sets for ToAccount.
	Remark string `json:"Remark,omitempty"`
	// TagName is the friend list From_Account files ToAccount under.
	TagName        string         `json:"TagName,omitempty"`
	ResponseAction ResponseAction `json:"ResponseAction"`
}

// PrevFriendResponse is Sns.CallbackPrevFriendResponse: a user is about
// to answer friend requests. Decide like PrevFriendAdd (per ResultItem).
type PrevFriendResponse struct {
	Meta
	// RequesterAccount sent the answer.
	RequesterAccount string `json:"Requester_Account"`
	// FromAccount is the user answering.
	FromAccount string `json:"From_Account"`
	// ResponseFriendItem lists the answers.
	ResponseFriendItem []FriendResponseItem `json:"ResponseFriendItem"`
}

// ---------------------------------------------------------------------------
// C2C

// C2CMessage is the message part shared by the C2C send callbacks. The
// callback types that embed it convert MsgTime from and to JSON; a
// C2CMessage decoded on its own does not.
type C2CMessage struct {
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
	// MsgSeq and MsgRandom identify the message together with the sender
	// and MsgTime.
	MsgSeq    uint64 `json:"MsgSeq"`
	MsgRandom uint32 `json:"MsgRandom"`
	// MsgTime is the send time (Unix seconds on the wire).
	MsgTime time.Time `json:"-"`
	msgTimeWire
	// MsgKey is the handle for recall (admin_msgwithdraw); absent in old
	// callbacks.
	MsgKey string `json:"MsgKey,omitempty"`
	// MsgID is the client-side message id.
	MsgID string `json:"MsgId,omitempty"`
	// OnlineOnlyFlag is 1 for an online-only message.
	OnlineOnlyFlag  int          `json:"OnlineOnlyFlag"`
	MsgBody         message.Body `json:"MsgBody"`
	CloudCustomData string       `json:"CloudCustomData,omitempty"`
}

// C2CBeforeSendMsg is C2C.CallbackBeforeSendMsg: a one-to-one message is
// about to be delivered. Register a decider with Decide to allow, modify,
// reject or drop it (2-second budget).
type C2CBeforeSendMsg struct {
	Meta
	C2CMessage
}

// C2CAfterSendMsg is C2C.CallbackAfterSendMsg: a one-to-one message was
// sent. Derived event: *MessageReceived (when SendMsgResult is 0).
type C2CAfterSendMsg struct {
	Meta
	C2CMessage
	// SendMsgResult is 0 when the message was delivered, else an error code.
	SendMsgResult int `json:"SendMsgResult"`
	// ErrorInfo is "send msg succeed" or the failure reason.
	ErrorInfo string `json:"ErrorInfo"`
	// UnreadMsgNum is the recipient's total C2C unread count (−1 when the
	// delivery failed).
	UnreadMsgNum int `json:"UnreadMsgNum"`
}

// C2CAfterMsgReport is C2C.CallbackAfterMsgReport: a user marked a C2C
// conversation read. Derived event: *MessageReadByPeer.
type C2CAfterMsgReport struct {
	Meta
	// ReportAccount read the messages.
	ReportAccount string `json:"Report_Account"`
	// PeerAccount is the other side of the conversation (whose messages
	// were read).
	PeerAccount string `json:"Peer_Account"`
	// LastReadTime: every message sent before it is read (Unix seconds on
	// the wire).
	LastReadTime time.Time `json:"-"`
	lastReadTimeWire
	// UnreadMsgNum is the reporter's remaining C2C unread total.
	UnreadMsgNum int `json:"UnreadMsgNum"`
}

// C2CAfterMsgWithDraw is C2C.CallbackAfterMsgWithDraw (Tencent's capital
// D): a one-to-one message was recalled. Derived event: *MessageRevoked.
type C2CAfterMsgWithDraw struct {
	Meta
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
	MsgKey      string `json:"MsgKey"`
	// UnreadMsgNum is the recipient's C2C unread total (older samples).
	UnreadMsgNum int `json:"UnreadMsgNum"`
}

// BotOnC2CMessage is Bot.OnC2CMessage: a user messaged a chatbot.
type BotOnC2CMessage struct {
	Meta
	C2CMessage
}

// ChatbotOnC2CSignalMessage is Chatbot.OnC2CSignalMessage. Little
// documented: read Raw.
type ChatbotOnC2CSignalMessage struct {
	Meta
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
}

// ---------------------------------------------------------------------------
// Groups

// GroupType is a group's API type ("Private" = Work, "Public",
// "ChatRoom" = Meeting, "AVChatRoom", "Community").
type GroupType string

// GroupBase is what most group callbacks carry.
type GroupBase struct {
	GroupID string    `json:"GroupId"`
	Type    GroupType `json:"Type"`
	// OperatorAccount made the request (an admin for REST calls).
	OperatorAccount string `json:"Operator_Account,omitempty"`
	// TopicID is set for community topics.
	TopicID string `json:"TopicId,omitempty"`
}

// GroupMessage is the message part shared by the group send callbacks.
type GroupMessage struct {
	GroupID string    `json:"GroupId"`
	Type    GroupType `json:"Type"`
	// FromAccount is the sender.
	FromAccount string `json:"From_Account"`
	// OperatorAccount made the request: it differs from FromAccount when an
	// admin sent through REST on someone's behalf.
	OperatorAccount string `json:"Operator_Account"`
	// Random is the sender's 32-bit random (dedup key).
	Random uint32 `json:"Random"`
	// MsgID is the client-side message id.
	MsgID           string       `json:"MsgId,omitempty"`
	OnlineOnlyFlag  int          `json:"OnlineOnlyFlag"`
	MsgBody         message.Body `json:"MsgBody"`
	CloudCustomData string       `json:"CloudCustomData,omitempty"`
	TopicID         string       `json:"TopicId,omitempty"`
}

// GroupBeforeSendMsg is Group.CallbackBeforeSendMsg: a group message is
// about to be delivered. Register a decider with Decide (2-second budget).
type GroupBeforeSendMsg struct {
	Meta
	GroupMessage
}

// GroupAfterSendMsg is Group.CallbackAfterSendMsg: a group message was
// sent. Derived event: *MessageReceived.
type GroupAfterSendMsg struct {
	Meta
	GroupMessage
	// MsgSeq is the message's per-group sequence number: GroupID+MsgSeq is
	// unique, and the handle for recall.
	MsgSeq uint64 `json:"MsgSeq"`
	// MsgTime is the send time (Unix seconds on the wire).
	MsgTime time.Time `json:"-"`
	msgTimeWire
	GroupAtInfo []GroupAt `json:"GroupAtInfo,omitempty"`
}

// GroupBeforeCreateGroup is Group.CallbackBeforeCreateGroup: a group is
// about to be created. Register a decider with Decide to allow or reject.
type GroupBeforeCreateGroup struct {
	Meta
	OperatorAccount string    `json:"Operator_Account"`
	OwnerAccount    string    `json:"Owner_Account"`
	Type            GroupType `json:"Type"`
	Name            string    `json:"Name"`
	// CreateGroupNum / CreatedGroupNum: groups of this type the operator
	// already created (the field name drifts between doc versions).
	CreateGroupNum  int        `json:"CreateGroupNum"`
	CreatedGroupNum int        `json:"CreatedGroupNum"`
	InviteOption    string     `json:"InviteOption,omitempty"`
	MemberList      []Member   `json:"MemberList"`
	UserDefinedData []KeyValue `json:"UserDefinedDataList,omitempty"`
}

// GroupAfterCreateGroup is Group.CallbackAfterCreateGroup. Derived event:
// *GroupCreated.
type GroupAfterCreateGroup struct {
	Meta
	GroupID         string     `json:"GroupId"`
	OperatorAccount string     `json:"Operator_Account"`
	OwnerAccount    string     `json:"Owner_Account"`
	Type            GroupType  `json:"Type"`
	Name            string     `json:"Name"`
	Introduction    string     `json:"Introduction,omitempty"`
	Notification    string     `json:"Notification,omitempty"`
	FaceURL         string     `json:"FaceUrl,omitempty"`
	MemberList      []Member   `json:"MemberList"`
	UserDefinedData []KeyValue `json:"UserDefinedDataList,omitempty"`
}

// GroupBeforeApplyJoinGroup is Group.CallbackBeforeApplyJoinGroup: a user
// asks to join. Decide may allow or reject.
type GroupBeforeApplyJoinGroup struct {
	Meta
	GroupID          string    `json:"GroupId"`
	Type             GroupType `json:"Type"`
	RequestorAccount string    `json:"Requestor_Account"`
}

// GroupBeforeInviteJoinGroup is Group.CallbackBeforeInviteJoinGroup:
// members are about to be invited. Decide may allow or reject.
type GroupBeforeInviteJoinGroup struct {
	Meta
	GroupID            string    `json:"GroupId"`
	Type               GroupType `json:"Type"`
	OperatorAccount    string    `json:"Operator_Account"`
	DestinationMembers []Member  `json:"DestinationMembers"`
}

// JoinType is how new members joined.
type JoinType string

// Join types.
const (
	JoinApply   JoinType = "Apply"
	JoinInvited JoinType = "Invited"
)

// GroupAfterNewMemberJoin is Group.CallbackAfterNewMemberJoin. Derived
// event: *GroupMemberJoined.
type GroupAfterNewMemberJoin struct {
	Meta
	GroupID         string    `json:"GroupId"`
	Type            GroupType `json:"Type"`
	JoinType        JoinType  `json:"JoinType"`
	OperatorAccount string    `json:"Operator_Account"`
	NewMemberList   []Member  `json:"NewMemberList"`
}

// ExitType is how members left.
type ExitType string

// Exit types.
const (
	ExitKicked ExitType = "Kicked"
	ExitQuit   ExitType = "Quit"
)

// GroupAfterMemberExit is Group.CallbackAfterMemberExit. Derived event:
// *GroupMemberLeft.
type GroupAfterMemberExit struct {
	Meta
	GroupID         string    `json:"GroupId"`
	Type            GroupType `json:"Type"`
	ExitType        ExitType  `json:"ExitType"`
	OperatorAccount string    `json:"Operator_Account"`
	ExitMemberList  []Member  `json:"ExitMemberList"`
}

// GroupAfterGroupDestroyed is Group.CallbackAfterGroupDestroyed. Derived
// event: *GroupDismissed.
type GroupAfterGroupDestroyed struct {
	Meta
	GroupID      string    `json:"GroupId"`
	Type         GroupType `json:"Type"`
	OwnerAccount string    `json:"Owner_Account"`
	Name         string    `json:"Name"`
	// MemberList is absent for communities.
	MemberList []Member `json:"MemberList"`
}

// GroupAfterGroupInfoChanged is Group.CallbackAfterGroupInfoChanged: only
// the changed fields are present, hence the pointers. Derived event:
// *GroupProfileUpdated.
type GroupAfterGroupInfoChanged struct {
	Meta
	GroupID         string    `json:"GroupId"`
	Type            GroupType `json:"Type"`
	OperatorAccount string    `json:"Operator_Account"`
	Name            *string   `json:"Name,omitempty"`
	Introduction    *string   `json:"Introduction,omitempty"`
	Notification    *string   `json:"Notification,omitempty"`
	FaceURL         *string   `json:"FaceUrl,omitempty"`
}

// MsgSeqItem is one {"MsgSeq": n} item.
type MsgSeqItem struct {
	MsgSeq uint64 `json:"MsgSeq"`
}

// GroupAfterRecallMsg is Group.CallbackAfterRecallMsg. Derived event:
// *MessageRevoked.
type GroupAfterRecallMsg struct {
	Meta
	GroupID         string       `json:"GroupId"`
	Type            GroupType    `json:"Type"`
	OperatorAccount string       `json:"Operator_Account"`
	MsgSeqList      []MsgSeqItem `json:"MsgSeqList"`
	TopicID         string       `json:"TopicId,omitempty"`
}

// GroupAfterGroupFull is Group.CallbackAfterGroupFull.
type GroupAfterGroupFull struct {
	Meta
	GroupBase
}

// GroupOnMemberStateChange is Group.CallbackOnMemberStateChange (live
// group members online state).
type GroupOnMemberStateChange struct {
	Meta
	GroupBase
	EventType  string   `json:"EventType"`
	MemberList []Member `json:"MemberList"`
}

// GroupSendMsgException is Group.CallbackSendMsgException: a group
// message failed to send (ErrorCode says why, e.g. 10023 for too many
// messages).
type GroupSendMsgException struct {
	Meta
	GroupMessage
	// ErrorCode is the failure's group error code.
	ErrorCode int `json:"ErrorCode"`
	// ErrorInfo describes the failure.
	ErrorInfo string `json:"ErrorInfo"`
}

// GroupOnDailyQuotaAlarm is Group.CallbackOnDailyGroupQuotaAlarm: the
// day's net group increase passed 70% of the daily quota (source:
// https://cloud.tencent.com/document/product/269/90841).
type GroupOnDailyQuotaAlarm struct {
	Meta
	// QuotaUsed is today's net increase (groups created minus dismissed).
	QuotaUsed int `json:"QuotaUsed"`
	// Quota is the daily limit.
	Quota int `json:"Quota"`
}

// GroupBeforeCreateTopic is Group.CallbackBeforeCreateTopic. Decide may
// allow or reject.
type GroupBeforeCreateTopic struct {
	Meta
	GroupBase
	// Name is the topic's name.
	Name string `json:"Name,omitempty"`
}

// GroupAfterCreateTopic is Group.CallbackAfterCreateTopic: a topic of a
// community was created (TopicID names it).
type GroupAfterCreateTopic struct {
	Meta
	GroupBase
	// OwnerAccount owns the topic.
	OwnerAccount string `json:"Owner_Account,omitempty"`
	// Name is the topic's name.
	Name string `json:"Name,omitempty"`
	// UserDefinedData is the topic's custom data.
	UserDefinedData []KeyValue `json:"UserDefinedDataList,omitempty"`
}

// GroupAfterTopicDestroyed is Group.CallbackAfterTopicDestroyed: topics of
// a community were dismissed.
type GroupAfterTopicDestroyed struct {
	Meta
	GroupBase
	// TopicIDList names the dismissed topics.
	TopicIDList []string `json:"TopicIdList"`
}

// GroupAfterTopicInfoChanged is Group.CallbackAfterTopicInfoChanged: only
// the changed fields are present, hence the pointers.
type GroupAfterTopicInfoChanged struct {
	Meta
	GroupBase
	Name         *string `json:"Name,omitempty"`
	Introduction *string `json:"Introduction,omitempty"`
	Notification *string `json:"Notification,omitempty"`
	FaceURL      *string `json:"FaceUrl,omitempty"`
}

// GroupAfterMemberFieldChanged is Group.CallbackAfterMemberFieldChanged:
// a member's role or name card changed. Tencent's pages disagree on the
// member's key (Member_Account on the international site, 1047/60393;
// Modified_Account on cloud.tencent.com, 269/105353): both are read, and
// Member returns whichever is set.
type GroupAfterMemberFieldChanged struct {
	Meta
	GroupBase
	MemberAccount   string `json:"Member_Account,omitempty"`
	ModifiedAccount string `json:"Modified_Account,omitempty"`
	// Role is the member's role after the change ("Admin", "Member").
	Role string `json:"Role,omitempty"`
	// NameCard is the member's name card after the change (nil when not
	// sent).
	NameCard *string `json:"NameCard,omitempty"`
}

// Member is the member whose profile changed.
func (c *GroupAfterMemberFieldChanged) Member() string {
	if c.MemberAccount != "" {
		return c.MemberAccount
	}
	return c.ModifiedAccount
}

// GroupAttr is one custom group attribute; Tencent spells these keys in
// lower case.
type GroupAttr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// GroupAfterGroupAttrChanged is Group.CallbackAfterGroupAttrChanged: custom
// group attributes were set, modified, cleared or deleted (source:
// https://cloud.tencent.com/document/product/269/105354).
type GroupAfterGroupAttrChanged struct {
	Meta
	GroupBase
	// OptionType is "set" (reset), "modify", "clear" or "delete".
	OptionType string      `json:"OptionType"`
	GroupAttr  []GroupAttr `json:"GroupAttr"`
}

// GroupReceipt is one GroupMsgReceiptList item: the read state of a group
// message.
type GroupReceipt struct {
	MsgSeq    uint64 `json:"MsgSeq"`
	ReadNum   int    `json:"ReadNum"`
	UnreadNum int    `json:"UnreadNum"`
	// ReadReceiptMembers lists the members who read it.
	ReadReceiptMembers []Member `json:"ReadReceiptMembers,omitempty"`
}

// GroupAfterReadReceipt is Group.CallbackAfterReadReceipt: read receipts
// of group messages (source: https://cloud.tencent.com/document/product/269/105355).
type GroupAfterReadReceipt struct {
	Meta
	GroupBase
	GroupMsgReceiptList []GroupReceipt `json:"GroupMsgReceiptList"`
}

// GroupAfterChangeGroupOwner is Group.CallbackAfterChangeGroupOwner.
type GroupAfterChangeGroupOwner struct {
	Meta
	GroupBase
	OldOwnerAccount string `json:"OldOwner_Account,omitempty"`
	NewOwnerAccount string `json:"NewOwner_Account,omitempty"`
}

// BotOnGroupMessage is Bot.OnGroupMessage: a chatbot was @-mentioned.
type BotOnGroupMessage struct {
	Meta
	GroupMessage
}

// ---------------------------------------------------------------------------
// Other products

// ContentResultNotify is ContentCallback.ResultNotify (moderation result).
type ContentResultNotify struct {
	Meta
}

// OfficialAccountCallback is any of the eleven OfficialAccount.* commands;
// Command tells which. Read Raw for the fields.
type OfficialAccountCallback struct {
	Meta
	OfficialAccount string `json:"Official_Account,omitempty"`
}

// PushOfflinePush is Push.OfflinePush (push result).
type PushOfflinePush struct {
	Meta
}

// PushAllMemberPush is Push.AllMemberPush (all-member push result).
type PushAllMemberPush struct {
	Meta
}

// UnknownCallback is a callback whose command this package does not know.
// The handler acknowledges it; read Command and Raw.
type UnknownCallback struct {
	Meta
}

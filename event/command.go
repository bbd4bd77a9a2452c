package event

// Command is a CallbackCommand, as Tencent sends it in the callback URL and
// body (reference §6.4).
type Command string

// Callback commands (reference §6.4). Note Tencent's spelling of
// C2C.CallbackAfterMsgWithDraw (capital D).
const (
	CmdStateChange      Command = "State.StateChange"
	CmdRequestOverLimit Command = "Alert.RequestOverLimit"
	CmdPortraitSet      Command = "Profile.CallbackPortraitSet"

	CmdPrevFriendAdd      Command = "Sns.CallbackPrevFriendAdd"
	CmdPrevFriendResponse Command = "Sns.CallbackPrevFriendResponse"
	CmdFriendAdd          Command = "Sns.CallbackFriendAdd"
	CmdFriendDelete       Command = "Sns.CallbackFriendDelete"
	CmdBlackListAdd       Command = "Sns.CallbackBlackListAdd"
	CmdBlackListDelete    Command = "Sns.CallbackBlackListDelete"

	CmdC2CBeforeSendMsg    Command = "C2C.CallbackBeforeSendMsg"
	CmdC2CAfterSendMsg     Command = "C2C.CallbackAfterSendMsg"
	CmdC2CAfterMsgReport   Command = "C2C.CallbackAfterMsgReport"
	CmdC2CAfterMsgWithDraw Command = "C2C.CallbackAfterMsgWithDraw"
	CmdBotOnC2CMessage     Command = "Bot.OnC2CMessage"

	CmdGroupOnDailyQuotaAlarm      Command = "Group.CallbackOnDailyGroupQuotaAlarm"
	CmdGroupBeforeCreateGroup      Command = "Group.CallbackBeforeCreateGroup"
	CmdGroupAfterCreateGroup       Command = "Group.CallbackAfterCreateGroup"
	CmdGroupBeforeApplyJoinGroup   Command = "Group.CallbackBeforeApplyJoinGroup"
	CmdGroupBeforeInviteJoinGroup  Command = "Group.CallbackBeforeInviteJoinGroup"
	CmdGroupAfterNewMemberJoin     Command = "Group.CallbackAfterNewMemberJoin"
	CmdGroupAfterMemberExit        Command = "Group.CallbackAfterMemberExit"
	CmdGroupBeforeSendMsg          Command = "Group.CallbackBeforeSendMsg"
	CmdGroupAfterSendMsg           Command = "Group.CallbackAfterSendMsg"
	CmdGroupAfterGroupFull         Command = "Group.CallbackAfterGroupFull"
	CmdGroupAfterGroupDestroyed    Command = "Group.CallbackAfterGroupDestroyed"
	CmdGroupAfterGroupInfoChanged  Command = "Group.CallbackAfterGroupInfoChanged"
	CmdGroupOnMemberStateChange    Command = "Group.CallbackOnMemberStateChange"
	CmdGroupSendMsgException       Command = "Group.CallbackSendMsgException"
	CmdGroupAfterRecallMsg         Command = "Group.CallbackAfterRecallMsg"
	CmdGroupBeforeCreateTopic      Command = "Group.CallbackBeforeCreateTopic"
	CmdGroupAfterCreateTopic       Command = "Group.CallbackAfterCreateTopic"
	CmdGroupAfterTopicDestroyed    Command = "Group.CallbackAfterTopicDestroyed"
	CmdGroupAfterTopicInfoChanged  Command = "Group.CallbackAfterTopicInfoChanged"
	CmdGroupAfterMemberFieldChange Command = "Group.CallbackAfterMemberFieldChanged"
	CmdGroupAfterGroupAttrChanged  Command = "Group.CallbackAfterGroupAttrChanged"
	CmdGroupAfterReadReceipt       Command = "Group.CallbackAfterReadReceipt"
	CmdGroupAfterChangeGroupOwner  Command = "Group.CallbackAfterChangeGroupOwner"
	CmdBotOnGroupMessage           Command = "Bot.OnGroupMessage"
	CmdChatbotOnC2CSignalMessage   Command = "Chatbot.OnC2CSignalMessage"

	CmdContentResultNotify Command = "ContentCallback.ResultNotify"

	CmdOfficialAccountBeforeCreate         Command = "OfficialAccount.CallbackBeforeCreateOfficialAccount"
	CmdOfficialAccountAfterCreate          Command = "OfficialAccount.CallbackAfterCreateOfficialAccount"
	CmdOfficialAccountAfterInfoChanged     Command = "OfficialAccount.CallbackAfterOfficialAccountInfoChanged"
	CmdOfficialAccountAfterDestroyed       Command = "OfficialAccount.CallbackAfterOfficialAccountDestroyed"
	CmdOfficialAccountBeforeAddSubscriber  Command = "OfficialAccount.CallbackBeforeAddSubscriber"
	CmdOfficialAccountAfterAddSubscriber   Command = "OfficialAccount.CallbackAfterAddSubscriber"
	CmdOfficialAccountAfterFull            Command = "OfficialAccount.CallbackAfterOfficialAccountFull"
	CmdOfficialAccountAfterDeleteSubscribe Command = "OfficialAccount.CallbackAfterDeleteSubscriber"
	CmdOfficialAccountBeforeSendMsg        Command = "OfficialAccount.CallbackBeforeSendMsg"
	CmdOfficialAccountAfterSendMsg         Command = "OfficialAccount.CallbackAfterSendMsg"
	CmdOfficialAccountAfterMsgWithDraw     Command = "OfficialAccount.CallbackAfterMsgWithDraw"

	CmdPushOfflinePush   Command = "Push.OfflinePush"
	CmdPushAllMemberPush Command = "Push.AllMemberPush"
)

// factories maps every known command to a constructor of its typed
// callback. Read-only after init.
var factories = map[Command]func() Callback{
	CmdStateChange:      func() Callback { return new(StateChange) },
	CmdRequestOverLimit: func() Callback { return new(RequestOverLimit) },
	CmdPortraitSet:      func() Callback { return new(PortraitSet) },

	CmdPrevFriendAdd:      func() Callback { return new(PrevFriendAdd) },
	CmdPrevFriendResponse: func() Callback { return new(PrevFriendResponse) },
	CmdFriendAdd:          func() Callback { return new(FriendAdd) },
	CmdFriendDelete:       func() Callback { return new(FriendDelete) },
	CmdBlackListAdd:       func() Callback { return new(BlackListAdd) },
	CmdBlackListDelete:    func() Callback { return new(BlackListDelete) },

	CmdC2CBeforeSendMsg:    func() Callback { return new(C2CBeforeSendMsg) },
	CmdC2CAfterSendMsg:     func() Callback { return new(C2CAfterSendMsg) },
	CmdC2CAfterMsgReport:   func() Callback { return new(C2CAfterMsgReport) },
	CmdC2CAfterMsgWithDraw: func() Callback { return new(C2CAfterMsgWithDraw) },
	CmdBotOnC2CMessage:     func() Callback { return new(BotOnC2CMessage) },

	CmdGroupOnDailyQuotaAlarm:      func() Callback { return new(GroupOnDailyQuotaAlarm) },
	CmdGroupBeforeCreateGroup:      func() Callback { return new(GroupBeforeCreateGroup) },
	CmdGroupAfterCreateGroup:       func() Callback { return new(GroupAfterCreateGroup) },
	CmdGroupBeforeApplyJoinGroup:   func() Callback { return new(GroupBeforeApplyJoinGroup) },
	CmdGroupBeforeInviteJoinGroup:  func() Callback { return new(GroupBeforeInviteJoinGroup) },
	CmdGroupAfterNewMemberJoin:     func() Callback { return new(GroupAfterNewMemberJoin) },
	CmdGroupAfterMemberExit:        func() Callback { return new(GroupAfterMemberExit) },
	CmdGroupBeforeSendMsg:          func() Callback { return new(GroupBeforeSendMsg) },
	CmdGroupAfterSendMsg:           func() Callback { return new(GroupAfterSendMsg) },
	CmdGroupAfterGroupFull:         func() Callback { return new(GroupAfterGroupFull) },
	CmdGroupAfterGroupDestroyed:    func() Callback { return new(GroupAfterGroupDestroyed) },
	CmdGroupAfterGroupInfoChanged:  func() Callback { return new(GroupAfterGroupInfoChanged) },
	CmdGroupOnMemberStateChange:    func() Callback { return new(GroupOnMemberStateChange) },
	CmdGroupSendMsgException:       func() Callback { return new(GroupSendMsgException) },
	CmdGroupAfterRecallMsg:         func() Callback { return new(GroupAfterRecallMsg) },
	CmdGroupBeforeCreateTopic:      func() Callback { return new(GroupBeforeCreateTopic) },
	CmdGroupAfterCreateTopic:       func() Callback { return new(GroupAfterCreateTopic) },
	CmdGroupAfterTopicDestroyed:    func() Callback { return new(GroupAfterTopicDestroyed) },
	CmdGroupAfterTopicInfoChanged:  func() Callback { return new(GroupAfterTopicInfoChanged) },
	CmdGroupAfterMemberFieldChange: func() Callback { return new(GroupAfterMemberFieldChanged) },
	CmdGroupAfterGroupAttrChanged:  func() Callback { return new(GroupAfterGroupAttrChanged) },
	CmdGroupAfterReadReceipt:       func() Callback { return new(GroupAfterReadReceipt) },
	CmdGroupAfterChangeGroupOwner:  func() Callback { return new(GroupAfterChangeGroupOwner) },
	CmdBotOnGroupMessage:           func() Callback { return new(BotOnGroupMessage) },
	CmdChatbotOnC2CSignalMessage:   func() Callback { return new(ChatbotOnC2CSignalMessage) },

	CmdContentResultNotify: func() Callback { return new(ContentResultNotify) },

	CmdOfficialAccountBeforeCreate:         func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterCreate:          func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterInfoChanged:     func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterDestroyed:       func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountBeforeAddSubscriber:  func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterAddSubscriber:   func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterFull:            func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterDeleteSubscribe: func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountBeforeSendMsg:        func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterSendMsg:         func() Callback { return new(OfficialAccountCallback) },
	CmdOfficialAccountAfterMsgWithDraw:     func() Callback { return new(OfficialAccountCallback) },

	CmdPushOfflinePush:   func() Callback { return new(PushOfflinePush) },
	CmdPushAllMemberPush: func() Callback { return new(PushAllMemberPush) },

	CmdC2CAfterMsgExtension:   func() Callback { return new(C2CAfterMsgExtension) },
	CmdGroupAfterMsgExtension: func() Callback { return new(GroupAfterMsgExtension) },
	CmdFollowAfterAdd:         func() Callback { return new(FollowAfterAdd) },
	CmdFollowAfterDelete:      func() Callback { return new(FollowAfterDelete) },
	CmdDeskSessionEvent:       func() Callback { return new(DeskSessionEvent) },
}

// Known reports whether c is a command this package parses into its own
// type (anything else parses into *UnknownCallback).
func (c Command) Known() bool {
	_, ok := factories[c]
	return ok
}

// Commands returns every known command, in no particular order.
func Commands() []Command {
	out := make([]Command, 0, len(factories))
	for c := range factories {
		out = append(out, c)
	}
	return out
}

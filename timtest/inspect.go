package timtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

func (s *Server) routeTable() map[string]handler {
	return map[string]handler{
		"im_open_login_svc/account_import":      (*call).accountImport,
		"im_open_login_svc/multiaccount_import": (*call).multiAccountImport,
		"im_open_login_svc/account_check":       (*call).accountCheck,
		"im_open_login_svc/account_delete":      (*call).accountDelete,
		"im_open_login_svc/kick":                (*call).kick,
		"openim/query_online_status":            (*call).queryOnlineStatus,
		"profile/portrait_set":                  (*call).portraitSet,
		"profile/portrait_get":                  (*call).portraitGet,

		"openim/sendmsg":                (*call).sendMsg,
		"openim/batchsendmsg":           (*call).batchSendMsg,
		"openim/importmsg":              (*call).importMsg,
		"openim/admin_getroammsg":       (*call).getRoamMsg,
		"openim/admin_msgwithdraw":      (*call).msgWithdraw,
		"openim/modify_c2c_msg":         (*call).modifyC2CMsg,
		"openim/admin_set_msg_read":     (*call).setMsgRead,
		"openim/get_c2c_unread_msg_num": (*call).unreadMsgNum,

		"recentcontact/get_list": (*call).getContactList,
		"recentcontact/delete":   (*call).deleteContact,

		"recentcontact/create_contact_group": (*call).createContactGroup,
		"recentcontact/update_contact_group": (*call).updateContactGroup,
		"recentcontact/del_contact_group":    (*call).delContactGroup,
		"recentcontact/mark_contact":         (*call).markContact,
		"recentcontact/search_contact_group": (*call).searchContactGroup,
		"recentcontact/get_contact_group":    (*call).getContactGroup,
		"recentcontact/top":                  (*call).topContact,

		"openim/c2c_msg_read_receipt":  (*call).c2cReadReceipt,
		"openim/delete_c2c_msg_ramble": (*call).deleteC2CRamble,
		"openim/modify_group_msg":      (*call).modifyGroupMsg,

		"openim_msg_ext_http_svc/get_key_values":       (*call).getKeyValues,
		"openim_msg_ext_http_svc/set_key_values":       (*call).setKeyValues,
		"openim_msg_ext_http_svc/group_get_key_values": (*call).groupGetKeyValues,
		"openim_msg_ext_http_svc/group_set_key_values": (*call).groupSetKeyValues,

		"group_open_attr_http_svc/get_group_attr":             (*call).getGroupAttr,
		"group_open_http_svc/modify_group_attr":               (*call).modifyGroupAttr,
		"group_open_http_svc/set_group_attr":                  (*call).setGroupAttr,
		"group_open_http_svc/clear_group_attr":                (*call).clearGroupAttr,
		"group_open_http_svc/delete_group_attr":               (*call).deleteGroupAttr,
		"group_open_http_svc/get_group_counter":               (*call).getGroupCounter,
		"group_open_http_svc/update_group_counter":            (*call).updateGroupCounter,
		"group_open_http_svc/delete_group_counter":            (*call).deleteGroupCounter,
		"group_open_http_svc/ban_group_member":                (*call).banGroupMember,
		"group_open_http_svc/unban_group_member":              (*call).unbanGroupMember,
		"group_open_http_svc/get_group_ban_member":            (*call).getGroupBanMember,
		"group_open_http_svc/get_group_muted_account":         (*call).getGroupMutedAccount,
		"group_open_http_svc/get_online_member_num":           (*call).getOnlineMemberNum,
		"group_open_http_svc/get_role_in_group":               (*call).getRoleInGroup,
		"group_open_http_svc/get_specified_group_member_info": (*call).getSpecifiedGroupMemberInfo,
		"group_open_http_svc/import_group":                    (*call).importGroup,
		"group_open_http_svc/import_group_member":             (*call).importGroupMember,
		"group_open_http_svc/import_group_msg":                (*call).importGroupMsg,
		"group_open_http_svc/set_unread_msg_num":              (*call).setUnreadMsgNum,
		"group_open_http_svc/delete_group_msg_by_sender":      (*call).deleteGroupMsgBySender,
		"group_open_http_svc/clear_group_msg":                 (*call).clearGroupMsg,
		"group_open_http_svc/send_broadcast_msg":              (*call).sendBroadcastMsg,
		"group_open_http_svc/group_msg_receipt":               (*call).groupMsgReceipt,
		"group_open_http_svc/get_group_msg_receipt":           (*call).getGroupMsgReceipt,
		"group_open_http_svc/get_group_msg_receipt_detail":    (*call).getGroupMsgReceiptDetail,
		"group_open_http_svc/import_topic":                    (*call).importTopic,

		"group_open_http_svc/modify_permission_group":     (*call).modifyPermissionGroup,
		"group_open_http_svc/destroy_permission_group":    (*call).destroyPermissionGroup,
		"group_open_http_svc/add_topic_permission_group":  (*call).addTopicPermissionGroup,
		"group_open_http_svc/get_topic_permission_group":  (*call).getTopicPermissionGroup,
		"group_open_http_svc/add_permission_group_member": (*call).addPermissionGroupMember,

		"group_open_avchatroom_http_svc/get_members":      (*call).liveGetMembers,
		"group_open_avchatroom_http_svc/modify_user_info": (*call).liveModifyUserInfo,
		"group_open_avchatroom_http_svc/modify_admin":     (*call).liveModifyAdmin,
		"group_open_avchatroom_http_svc/get_admin_list":   (*call).liveGetAdminList,
		"group_open_avchatroom_http_svc/check_members":    (*call).liveCheckMembers,

		"million_group_open_http_svc/create_topic":  (*call).createTopic,
		"million_group_open_http_svc/get_topic":     (*call).getTopic,
		"million_group_open_http_svc/modify_topic":  (*call).modifyTopic,
		"million_group_open_http_svc/destroy_topic": (*call).destroyTopic,

		"group_open_http_svc/create_group":                   (*call).createGroup,
		"group_open_http_svc/get_group_info":                 (*call).getGroupInfo,
		"group_open_http_svc/modify_group_base_info":         (*call).modifyGroupBaseInfo,
		"group_open_http_svc/add_group_member":               (*call).addGroupMember,
		"group_open_http_svc/delete_group_member":            (*call).deleteGroupMember,
		"group_open_http_svc/modify_group_member_info":       (*call).modifyGroupMemberInfo,
		"group_open_http_svc/get_group_member_info":          (*call).getGroupMemberInfo,
		"group_open_http_svc/change_group_owner":             (*call).changeGroupOwner,
		"group_open_http_svc/forbid_send_msg":                (*call).forbidSendMsg,
		"group_open_http_svc/destroy_group":                  (*call).destroyGroup,
		"group_open_http_svc/get_joined_group_list":          (*call).getJoinedGroupList,
		"group_open_http_svc/get_appid_group_list":           (*call).getAppIDGroupList,
		"group_open_http_svc/send_group_msg":                 (*call).sendGroupMsg,
		"group_open_http_svc/send_group_system_notification": (*call).sendGroupSystemNotification,
		"group_open_http_svc/group_msg_recall":               (*call).groupMsgRecall,
		"group_open_http_svc/group_msg_get_simple":           (*call).groupMsgGetSimple,
		"group_open_http_svc/pin_message":                    (*call).pinMessage,
		"group_open_http_svc/unpin_message":                  (*call).unpinMessage,
		"group_open_http_svc/get_pinned_messages":            (*call).getPinnedMessages,

		"sns/friend_add":         (*call).friendAdd,
		"sns/friend_import":      (*call).friendImport,
		"sns/friend_update":      (*call).friendUpdate,
		"sns/friend_delete":      (*call).friendDelete,
		"sns/friend_delete_all":  (*call).friendDeleteAll,
		"sns/friend_check":       (*call).friendCheck,
		"sns/friend_get":         (*call).friendGet,
		"sns/friend_get_list":    (*call).friendGetList,
		"sns/black_list_add":     (*call).blackListAdd,
		"sns/black_list_delete":  (*call).blackListDelete,
		"sns/black_list_get":     (*call).blackListGet,
		"sns/black_list_check":   (*call).blackListCheck,
		"sns/group_add":          (*call).snsGroupAdd,
		"sns/group_delete":       (*call).snsGroupDelete,
		"sns/group_get":          (*call).snsGroupGet,
		"follow/follow_add":      (*call).followAdd,
		"follow/follow_delete":   (*call).followDelete,
		"follow/follow_check":    (*call).followCheck,
		"follow/follow_get":      (*call).followGet,
		"follow/follow_get_info": (*call).followGetInfo,

		"openconfigsvr/setnospeaking": (*call).setNoSpeaking,
		"openconfigsvr/getnospeaking": (*call).getNoSpeaking,
		"openconfigsvr/getappinfo":    (*call).getAppInfo,
		"open_msg_svc/get_history":    (*call).getHistory,
		"ConfigSvc/GetIPList":         (*call).getIPList,

		"im_cos_msg/forbid_illegal_object": (*call).forbidObject,
		"im_cos_msg/allow_banned_object":   (*call).allowObject,
		"im_cos_msg/get_cos_sig":           (*call).getCosSig,

		"all_member_push/im_push":            (*call).imPush,
		"all_member_push/im_set_attr_name":   (*call).setAttrName,
		"all_member_push/im_get_attr_name":   (*call).getAttrName,
		"all_member_push/im_get_attr":        (*call).getAttr,
		"all_member_push/im_set_attr":        (*call).setAttr,
		"all_member_push/im_remove_attr":     (*call).removeAttr,
		"all_member_push/im_get_tag":         (*call).getTag,
		"all_member_push/im_add_tag":         (*call).addTag,
		"all_member_push/im_remove_tag":      (*call).removeTag,
		"all_member_push/im_remove_all_tags": (*call).removeAllTags,
		"timpush/batch":                      (*call).timpushBatch,
		"timpush/delete_sched_task":          (*call).deleteSchedTask,
		"timpush/get_sched_task":             (*call).getSchedTask,
		"timpush/revoke":                     (*call).revokePush,
		"timpush/set_attr_name":              (*call).setAttrName,
		"timpush/get_attr_name":              (*call).getAttrNameTyped,
		"timpush/get_attr":                   (*call).getAttr,
		"timpush/set_attr":                   (*call).setAttr,
		"timpush/remove_attr":                (*call).removeAttr,
		"timpush/get_tag":                    (*call).getTag,
		"timpush/add_tag":                    (*call).addTag,
		"timpush/clear_all_tags":             (*call).removeAllTags,

		"openim_robot_http_svc/create_robot":    (*call).createRobot,
		"openim_robot_http_svc/delete_robot":    (*call).deleteRobot,
		"openim_robot_http_svc/get_all_robots":  (*call).getAllRobots,
		"openim_robot_http_svc/send_stream_msg": (*call).robotSendStream,
		"desk_http_svc/send_stream_msg":         (*call).deskSendStream,
		"desk_http_svc/end_session":             (*call).deskEndSession,
		"desk_http_svc/end_queuing":             (*call).deskEndQueuing,
		"desk_http_svc/get_session_state":       (*call).deskSessionState,
		"desk_http_svc/transfer_to_human":       (*call).deskTransfer,

		"openim_console_http_svc/desk_update_robot": (*call).deskUpdateRobot,

		"im_msg_audit/content_moderation":               (*call).contentModeration,
		"im_msg_audit_mgr/add_cloud_audit_keywords":     (*call).addCloudAuditKeywords,
		"im_msg_audit_mgr/delete_cloud_audit_keywords":  (*call).deleteCloudAuditKeywords,
		"im_msg_audit_mgr/get_cloud_audit_keywords":     (*call).getCloudAuditKeywords,
		"im_msg_audit_mgr/get_cloud_audit_keywords_ids": (*call).getCloudAuditLibraries,

		"official_account_open_http_svc/create_official_account":           (*call).createOfficialAccount,
		"official_account_open_http_svc/destroy_official_account":          (*call).destroyOfficialAccount,
		"official_account_open_http_svc/modify_official_account_base_info": (*call).modifyOfficialAccount,
		"official_account_open_http_svc/add_subscriber":                    (*call).addSubscriber,
		"official_account_open_http_svc/delete_subscriber":                 (*call).deleteSubscriber,
		"official_account_open_http_svc/modify_subscriber_info":            (*call).modifySubscriberInfo,
		"official_account_open_http_svc/get_subscriber_info":               (*call).getSubscriberInfo,
		"official_account_open_http_svc/send_official_account_msg":         (*call).sendOfficialAccountMsg,
		"official_account_open_http_svc/official_account_msg_recall":       (*call).officialMsgRecall,
		"official_account_open_http_svc/official_account_msg_get_simple":   (*call).officialMsgGetSimple,
	}
}

// APIs lists the REST paths ("<service>/<command>") the fake answers.
func (s *Server) APIs() []string {
	out := make([]string, 0, len(s.routes))
	for p := range s.routes {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Request is one REST call the server received.
type Request struct {
	Method string
	// Path is "<service>/<command>", without "/v4/".
	Path string
	// Query is the query string with the usersig replaced by "REDACTED".
	Query url.Values
	Body  json.RawMessage
	At    time.Time
	// Code is the ErrorCode answered (0 = OK).
	Code int
	// HTTPStatus is the HTTP status answered.
	HTTPStatus int
	// Dropped is true when the answer was dropped after commit.
	Dropped bool
}

// Requests returns the calls received so far, optionally only those of the
// given paths.
func (s *Server) Requests(paths ...string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, 0, len(s.requests))
	for _, r := range s.requests {
		if len(paths) == 0 || contains(paths, r.Path) {
			out = append(out, r)
		}
	}
	return out
}

// Message is a stored C2C message.
type Message struct {
	From, To  string
	MsgSeq    uint32
	MsgRandom uint32
	// MsgTime is the unix second the message was sent (or its MsgTimeStamp).
	MsgTime int64
	MsgKey  string
	MsgID   string
	Body    []MsgElem
	// CloudCustomData as stored (after a before-callback's replacement).
	CloudCustomData string
	Recalled        bool
	// Imported is true for messages of openim/importmsg.
	Imported bool
	// Batch is true for messages of openim/batchsendmsg.
	Batch bool
	// OnlineOnly is true for OnlineOnlyFlag 1 messages (kept out of history).
	OnlineOnly bool
}

// Text concatenates the message's TIMTextElem texts.
func (m Message) Text() string { return textOf(m.Body) }

func textOf(body []MsgElem) string {
	var b strings.Builder
	for _, e := range body {
		b.WriteString(e.Text())
	}
	return b.String()
}

func elems(raw json.RawMessage) []MsgElem {
	var out []MsgElem
	_ = json.Unmarshal(raw, &out)
	return out
}

func (m *c2cMsg) export() Message {
	return Message{From: m.from, To: m.to, MsgSeq: m.seq, MsgRandom: m.random, MsgTime: m.time, MsgKey: m.key,
		MsgID: m.msgID, Body: elems(m.body), CloudCustomData: m.cloud, Recalled: m.recalled,
		Imported: m.imported, Batch: m.batch, OnlineOnly: m.onlineOnly}
}

// Messages returns the C2C messages between a and b in history order.
func (s *Server) Messages(a, b string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	cv := s.c2c[convKey(a, b)]
	if cv == nil {
		return nil
	}
	ms := slices.Clone(cv.msgs)
	slices.SortStableFunc(ms, func(x, y *c2cMsg) int { return cmp.Or(cmp.Compare(x.time, y.time), cmp.Compare(x.idx, y.idx)) })
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.export())
	}
	return out
}

// MessagesTo returns every C2C message userID received, in arrival order.
func (s *Server) MessagesTo(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ms []*c2cMsg
	for _, cv := range s.c2c {
		for _, m := range cv.msgs {
			if m.to == userID {
				ms = append(ms, m)
			}
		}
	}
	slices.SortFunc(ms, func(x, y *c2cMsg) int { return cmp.Compare(x.idx, y.idx) })
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.export())
	}
	return out
}

// Unread returns how many C2C messages from peer userID has not read.
func (s *Server) Unread(userID, peer string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unreadLocked(userID, peer)
}

// GroupMessage is a message sent in a group.
type GroupMessage struct {
	GroupID string
	// From is the sender (the admin identifier for admin sends without From_Account).
	From   string
	MsgSeq uint64 // 0 for online-only messages
	Random uint32
	// MsgTime is the unix second it was sent.
	MsgTime         int64
	Body            []MsgElem
	CloudCustomData string
	Priority        string
	Recalled        bool
	OnlineOnly      bool
}

// Text concatenates the message's TIMTextElem texts.
func (m GroupMessage) Text() string { return textOf(m.Body) }

// GroupMessages returns the messages of a group in send order (nil for an
// unknown or destroyed group).
func (s *Server) GroupMessages(groupID string) []GroupMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[groupID]
	if g == nil {
		return nil
	}
	out := make([]GroupMessage, 0, len(g.msgs))
	for _, m := range g.msgs {
		out = append(out, GroupMessage{GroupID: g.id, From: m.from, MsgSeq: m.seq, Random: m.random,
			MsgTime: m.time, Body: elems(m.body), CloudCustomData: m.cloud, Priority: m.priority,
			Recalled: m.recalled, OnlineOnly: m.onlineOnly})
	}
	return out
}

// SystemNotification is a send_group_system_notification (not stored by
// Tencent: online members only).
type SystemNotification struct {
	GroupID string
	To      []string
	Content string
	At      time.Time
}

// SystemNotifications returns the system notifications sent to a group.
func (s *Server) SystemNotifications(groupID string) []SystemNotification {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[groupID]; g != nil {
		return slices.Clone(g.notifications)
	}
	return nil
}

// Group is a snapshot of a group.
type Group struct {
	GroupID      string
	Type         string
	Name         string
	Introduction string
	Notification string
	FaceURL      string
	Owner        string
	CreateTime   int64
	MaxMemberNum int
	MuteAll      bool
	NextMsgSeq   uint64
	InfoSeq      uint64
	Members      []Member
}

// Member is a snapshot of a group member.
type Member struct {
	Account   string
	Role      string
	JoinTime  int64
	NameCard  string
	MsgFlag   string
	MuteUntil int64
}

func (g *group) export() Group {
	out := Group{GroupID: g.id, Type: g.typ, Name: g.name, Introduction: g.intro, Notification: g.notif,
		FaceURL: g.face, Owner: g.owner, CreateTime: g.createTime, MaxMemberNum: g.maxMembers,
		MuteAll: g.muteAll, NextMsgSeq: g.nextSeq, InfoSeq: g.infoSeq}
	for _, m := range g.members {
		out.Members = append(out.Members, Member{Account: m.account, Role: m.role, JoinTime: m.joinTime,
			NameCard: m.nameCard, MsgFlag: m.msgFlag, MuteUntil: m.muteUntil})
	}
	return out
}

// Group returns a snapshot of a live group.
func (s *Server) Group(groupID string) (Group, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[groupID]
	if g == nil {
		return Group{}, false
	}
	return g.export(), true
}

// Groups returns every live group in creation order.
func (s *Server) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := make([]*group, 0, len(s.groups))
	for _, g := range s.groups {
		gs = append(gs, g)
	}
	slices.SortFunc(gs, func(a, b *group) int { return cmp.Compare(a.serial, b.serial) })
	out := make([]Group, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.export())
	}
	return out
}

// Accounts returns the imported accounts (admins included) in import order.
func (s *Server) Accounts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.accOrder)
}

// HasAccount reports whether userID is imported.
func (s *Server) HasAccount(userID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[userID] != nil
}

// ImportAccounts imports accounts directly, without a REST call; for test
// set-up.
func (s *Server) ImportAccounts(userIDs ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range userIDs {
		if !validUserID(id) {
			return fmt.Errorf("timtest: %q is not a UserID of 1..32 bytes", id)
		}
	}
	for _, id := range userIDs {
		s.addAccount(id, s.Now())
	}
	return nil
}

// Profile returns userID's profile fields (tag → raw JSON value).
func (s *Server) Profile(userID string) map[string]json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[userID]
	if a == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(a.profile))
	for k, v := range a.profile {
		out[k] = v
	}
	return out
}

// OnlineStatus returns userID's state as query_online_status reports it
// (Online, PushOnline or Offline) and its devices.
func (s *Server) OnlineStatus(userID string) (string, map[Platform]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[userID]
	if a == nil {
		return StatusOffline, nil
	}
	devs := make(map[Platform]string, len(a.devices))
	for p, st := range a.devices {
		devs[p] = st
	}
	return a.status(), devs
}

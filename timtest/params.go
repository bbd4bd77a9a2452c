package timtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Every request body is checked against its command's parameter table
// before the handler runs, as Tencent's front end does: a required field
// that is missing (or null) and a field of the wrong JSON type are answered
// with the command's parameter error code and an ErrorInfo naming the
// field. The tables list the fields of the request tables of the REST API
// pages (/work/docs/yehe_doc/中间件与通信/即时通信 IM/服务端 API/REST API/,
// "Request fields"); the codes are the "invalid parameter" codes the same
// pages list: 10004 for the group services, 90001 (and the field-specific
// 90002/90003/90005/90006/90007) for openim, 70402 for accounts, 40001 for
// profiles, 30001 for relationships, 50002 for recent contacts, 90001 for
// all-member push, 60003 elsewhere.

// kind is the JSON type a field must have.
type kind string

const (
	kString  kind = "s"  // JSON string
	kInt     kind = "i"  // JSON number without fraction or exponent
	kNum     kind = "n"  // any JSON number
	kObject  kind = "o"  // JSON object
	kArray   kind = "a"  // JSON array of anything
	kStrings kind = "as" // JSON array of strings
	kInts    kind = "ai" // JSON array of integers
	kObjects kind = "ao" // JSON array of objects
	kAny     kind = "*"  // anything (the handler checks it)
)

// param is one top-level request field.
type param struct {
	name     string
	kind     kind
	required bool
	code     int // 0 = the command's code
}

// paramSpec is a command's request table.
type paramSpec struct {
	code   int
	fields []param
}

// spec parses "Name:kind" items; "!" after the kind marks a required field
// and "=NNNNN" a field-specific code: "To_Account:s!=90003".
func spec(code int, items ...string) paramSpec {
	ps := paramSpec{code: code}
	for _, it := range items {
		name, rest, ok := strings.Cut(it, ":")
		if !ok {
			panic("timtest: bad param spec " + it)
		}
		p := param{name: name}
		if r, c, ok := strings.Cut(rest, "="); ok {
			n, err := strconv.Atoi(c)
			if err != nil {
				panic("timtest: bad param code in " + it)
			}
			p.code, rest = n, r
		}
		if strings.HasSuffix(rest, "!") {
			p.required, rest = true, strings.TrimSuffix(rest, "!")
		}
		switch k := kind(rest); k {
		case kString, kInt, kNum, kObject, kArray, kStrings, kInts, kObjects, kAny:
			p.kind = k
		default:
			panic("timtest: bad param kind in " + it)
		}
		ps.fields = append(ps.fields, p)
	}
	return ps
}

// Parameter error codes of the API families.
const (
	codeProfileParam = 40001
	codeSnsParam     = 30001
	codeContactParam = 50002
	codeContactUser  = 50001
)

// paramSpecs is the request table of every routed command.
var paramSpecs = map[string]paramSpec{
	// The newer products (issue 18): types from the documented request
	// examples, identifiers required.
	"desk_http_svc/end_queuing":                                        spec(60003, "SessionID:s!"),
	"desk_http_svc/get_session_state":                                  spec(141004, "SessionId:s", "ClientUserId:s", "CustomerServiceId:s"),
	"desk_http_svc/transfer_to_human":                                  spec(141004, "SessionId:s!", "AgentIdList:as", "AgentGroupId:i", "SendTipIfNoAgentOnline:i"),
	"openim_console_http_svc/desk_update_robot":                        spec(codeDeskRobotParam, "RobotId:s!", "Nick:s!"),
	"desk_http_svc/end_session":                                        spec(60003, "SessionId:s!"),
	"desk_http_svc/send_stream_msg":                                    spec(60003, "SessionId:s!", "Chunk:s", "MsgKey:s", "CloudCustomData:s", "Finish:i"),
	"im_msg_audit/content_moderation":                                  spec(60003, "AuditName:s", "ContentType:s", "Content:s", "ExtSender:s", "ExtReceiver:s"),
	"im_msg_audit_mgr/add_cloud_audit_keywords":                        spec(codeKeywordParam, "SdkAppId:i", "LibID:s!", "UserKeywords:ao"),
	"im_msg_audit_mgr/delete_cloud_audit_keywords":                     spec(60003, "SdkAppId:i", "LibID:s!", "Keywords:as"),
	"im_msg_audit_mgr/get_cloud_audit_keywords":                        spec(60003, "SdkAppId:i", "Offset:i", "Limit:i", "LibID:s!", "Content:s"),
	"im_msg_audit_mgr/get_cloud_audit_keywords_ids":                    spec(60003, "SdkAppId:i", "Offset:i", "Limit:i"),
	"official_account_open_http_svc/add_subscriber":                    spec(60003, "Official_Account:s!", "SubscriberList:ao"),
	"official_account_open_http_svc/create_official_account":           spec(60003, "OfficialAccountUserID:s", "Owner_Account:s", "CustomString:s", "FaceUrl:s", "Introduction:s", "MaxSubscriberNum:i", "Name:s", "Organization:s"),
	"official_account_open_http_svc/delete_subscriber":                 spec(60003, "Official_Account:s!", "SubscriberToDel_Account:as"),
	"official_account_open_http_svc/get_subscriber_info":               spec(60003, "Official_Account:s!", "Limit:i", "Next:s!"),
	"official_account_open_http_svc/modify_subscriber_info":            spec(60003, "Official_Account:s!", "Subscriber_Account:s!", "CustomString:s!"),
	"official_account_open_http_svc/destroy_official_account":          spec(60003, "Official_Account:s!"),
	"official_account_open_http_svc/modify_official_account_base_info": spec(60003, "Official_Account:s!", "CustomString:s", "FaceUrl:s", "Introduction:s", "Name:s", "Organization:s", "MaxSubscriberNum:i"),
	"official_account_open_http_svc/official_account_msg_get_simple":   spec(60003, "Official_Account:s!", "LastMsgKey:s", "ReqMsgNumber:i", "WithRecalledMsg:i"),
	"official_account_open_http_svc/official_account_msg_recall":       spec(60003, "Official_Account:s!", "MsgKeyList:as", "Reason:s"),
	"official_account_open_http_svc/send_official_account_msg":         spec(60003, "Official_Account:s!", "Random:i", "MsgBody:ao", "CloudCustomData:s", "OfflinePushInfo:o"),
	"openim_robot_http_svc/create_robot":                               spec(60003, "UserID:s!", "Nick:s", "FaceUrl:s", "SelfSignature:s"),
	"openim_robot_http_svc/delete_robot":                               spec(60003, "Robot_Account:s!"),
	"openim_robot_http_svc/get_all_robots":                             spec(60003),
	"openim_robot_http_svc/send_stream_msg":                            spec(60003, "From_Account:s!", "To_Account:s!", "Chunk:s", "MsgKey:s", "Finish:i"),
	"im_open_login_svc/account_import":                                 spec(codeAccountParam, "UserID:s", "Identifier:s", "Nick:s", "FaceUrl:s"),
	"im_open_login_svc/multiaccount_import":                            spec(codeAccountParam, "Accounts:as!"),
	"im_open_login_svc/account_check":                                  spec(codeAccountParam, "CheckItem:ao!"),
	"im_open_login_svc/account_delete":                                 spec(codeAccountParam, "DeleteItem:ao!"),
	"im_open_login_svc/kick":                                           spec(codeAccountParam, "UserID:s!"),
	"openim/query_online_status":                                       spec(codeMsgJSON, "To_Account:as!=90003", "IsNeedDetail:i", "IsReturnCustomStatus:i"),
	"profile/portrait_set":                                             spec(codeProfileParam, "From_Account:s!", "ProfileItem:ao!"),
	"profile/portrait_get":                                             spec(codeProfileParam, "To_Account:as!=40002", "TagList:as!"), // 拉取资料: 40002 no To_Account

	"openim/sendmsg":      spec(codeMsgJSON, append(sendFields, "To_Account:s!=90003")...),
	"openim/batchsendmsg": spec(codeMsgJSON, append(sendFields, "To_Account:as!=90003")...),
	"openim/importmsg": spec(codeMsgJSON, "SyncFromOldSystem:i", "From_Account:s!", "To_Account:s!=90003", "MsgSeq:i",
		"MsgRandom:i!=90005", "MsgTimeStamp:i!=90006", "MsgBody:ao!=90002", "CloudCustomData:s"),
	"openim/admin_getroammsg": spec(codeMsgJSON, "Operator_Account:s!", "Peer_Account:s!", "MaxCnt:i!", "MinTime:i!",
		"MaxTime:i!", "LastMsgKey:s"),
	"openim/admin_msgwithdraw":      spec(codeMsgJSON, "From_Account:s!", "To_Account:s!=90003", "MsgKey:s!=90054"),
	"openim/modify_c2c_msg":         spec(codeMsgJSON, "From_Account:s!", "To_Account:s!=90003", "MsgKey:s!=90054", "MsgBody:ao=90002", "CloudCustomData:s"),
	"openim/admin_set_msg_read":     spec(codeMsgJSON, "Report_Account:s!", "Peer_Account:s!", "MsgReadTime:i"),
	"openim/get_c2c_unread_msg_num": spec(codeMsgJSON, "To_Account:s!=90003", "Peer_Account:as"),
	"openim/delete_c2c_msg_ramble":  spec(codeMsgJSON, "Operator_Account:s!", "Peer_Account:s!", "MsgKeyList:as!=90054"),
	"openim/c2c_msg_read_receipt":   spec(codeMsgJSON, "Operator_Account:s!", "Peer_Account:s!", "C2CMsgInfo:ao!"),
	// 消息相关/历史消息/修改群聊历史消息: 90001 JSON, 90002 MsgBody.
	"openim/modify_group_msg": spec(codeMsgJSON, "GroupId:s!", "MsgSeq:i!", "MsgBody:ao=90002", "CloudCustomData:s",
		"TopicId:s"),

	"recentcontact/get_list": spec(codeContactParam, "From_Account:s!", "TimeStamp:i", "StartIndex:i", "TopTimeStamp:i",
		"TopStartIndex:i", "AssistFlags:i"),
	"recentcontact/delete": spec(codeContactParam, "From_Account:s!", "Type:i!", "To_Account:s", "ToGroupid:s",
		"ClearRamble:i"),
	"recentcontact/create_contact_group": spec(codeContactParam, "From_Account:s!", "GroupContactItem:ao!"),
	"recentcontact/update_contact_group": spec(codeContactParam, "From_Account:s!", "UpdateType:i!", "UpdateGroup:o",
		"UpdateGroupType:i"),
	"recentcontact/del_contact_group":    spec(codeContactParam, "From_Account:s!", "GroupName:as!"),
	"recentcontact/mark_contact":         spec(codeContactParam, "From_Account:s!", "MarkItem:ao!"),
	"recentcontact/search_contact_group": spec(codeContactParam, "From_Account:s!", "ContactItem:ao!"),
	"recentcontact/get_contact_group":    spec(codeContactParam, "From_Account:s!", "StartIndex:i!"),
	"recentcontact/top":                  spec(codeContactParam, "From_Account:s!", "OperationType:i!", "RecentContactItem:ao!"),

	"group_open_http_svc/create_group": spec(codeGroupParam, "Owner_Account:s", "Type:s!", "GroupId:s", "Name:s!",
		"Introduction:s", "Notification:s", "FaceUrl:s", "MaxMemberCount:i", "ApplyJoinOption:s", "InviteJoinOption:s",
		"AppDefinedData:ao", "MemberList:ao", "SupportTopic:i"),
	"group_open_http_svc/get_group_info": spec(codeGroupParam, "GroupIdList:as!", "ResponseFilter:o"),
	"group_open_http_svc/modify_group_base_info": spec(codeGroupParam, "GroupId:s!", "Name:s", "Introduction:s",
		"Notification:s", "FaceUrl:s", "MaxMemberNum:i", "ApplyJoinOption:s", "InviteJoinOption:s", "MuteAllMember:s",
		"ShutUpAllMember:s", "From_Account:s", "AppDefinedData:ao"),
	"group_open_http_svc/add_group_member":    spec(codeGroupParam, "GroupId:s!", "Silence:i", "MemberList:ao!"),
	"group_open_http_svc/delete_group_member": spec(codeGroupParam, "GroupId:s!", "Silence:i", "Reason:s", "MemberToDel_Account:as!"),
	"group_open_http_svc/modify_group_member_info": spec(codeGroupParam, "GroupId:s!", "Member_Account:s!", "Role:s",
		"MsgFlag:s", "NameCard:s", "MuteTime:i", "ShutUpTime:i", "AppMemberDefinedData:ao"),
	"group_open_http_svc/get_group_member_info": spec(codeGroupParam, "GroupId:s!", "MemberInfoFilter:as",
		"MemberRoleFilter:as", "AppDefinedDataFilter_GroupMember:as", "Limit:i", "Offset:i", "Next:s"),
	"group_open_http_svc/get_specified_group_member_info": spec(codeGroupParam, "GroupId:s!", "Member_List_Account:as!",
		"MemberInfoFilter:as", "MemberRoleFilter:as", "AppDefinedDataFilter_GroupMember:as"),
	"group_open_http_svc/change_group_owner": spec(codeGroupParam, "GroupId:s!", "NewOwner_Account:s!"),
	"group_open_http_svc/forbid_send_msg":    spec(codeGroupParam, "GroupId:s!", "Members_Account:as!", "MuteTime:i!", "TopicId:s"),
	"group_open_http_svc/destroy_group":      spec(codeGroupParam, "GroupId:s!"),
	"group_open_http_svc/get_joined_group_list": spec(codeGroupParam, "Member_Account:s!", "WithHugeGroups:i",
		"WithNoActiveGroups:i", "Limit:i", "Offset:i", "GroupType:s", "ResponseFilter:o", "SupportTopic:i"),
	"group_open_http_svc/get_appid_group_list": spec(codeGroupParam, "Limit:i", "Next:i", "GroupType:s"),
	"group_open_http_svc/send_group_msg": spec(codeGroupParam, "GroupId:s!", "Random:i!", "MsgPriority:s",
		"MsgBody:ao!", "From_Account:s", "OnlineOnlyFlag:i", "SendMsgControl:as", "ForbidCallbackControl:as",
		"CloudCustomData:s", "GroupAtInfo:ao", "OfflinePushInfo:o", "TopicId:s", "NeedReadReceipt:i",
		"To_Account:as", "SupportMessageExtension:i"),
	"group_open_http_svc/send_group_system_notification": spec(codeGroupParam, "GroupId:s!", "ToMembers_Account:as",
		"Content:s!", "TopicId:s"),
	"group_open_http_svc/group_msg_recall":        spec(codeGroupParam, "GroupId:s!", "MsgSeqList:ao!", "Reason:s", "TopicId:s"),
	"group_open_http_svc/group_msg_get_simple":    spec(codeGroupParam, "GroupId:s!", "ReqMsgSeq:i", "ReqMsgNumber:i!", "WithRecalledMsg:i", "TopicId:s"),
	"group_open_http_svc/get_role_in_group":       spec(codeGroupParam, "GroupId:s!", "User_Account:as!"),
	"group_open_http_svc/get_group_muted_account": spec(codeGroupParam, "GroupId:s!", "TopicId:s"),
	"group_open_http_svc/import_group": spec(codeGroupParam, "Owner_Account:s", "Type:s!", "GroupId:s", "Name:s!",
		"Introduction:s", "Notification:s", "FaceUrl:s", "MaxMemberCount:i", "ApplyJoinOption:s", "CreateTime:i",
		"AppDefinedData:ao", "SupportTopic:i", "InviteJoinOption:s"),
	"group_open_http_svc/import_group_msg":    spec(codeGroupParam, "GroupId:s!", "RecentContactFlag:i", "MsgList:ao!", "TopicId:s"),
	"group_open_http_svc/import_group_member": spec(codeGroupParam, "GroupId:s!", "MemberList:ao!"),
	"group_open_http_svc/import_topic": spec(codeGroupParam, "GroupId:s!", "TopicId:s", "TopicName:s!", "Type:s",
		"From_Account:s", "CustomString:s", "FaceUrl:s", "Notification:s", "Introduction:s", "CreateTime:i", "TopicDefinedData:ao"),
	"group_open_http_svc/set_unread_msg_num":         spec(codeGroupParam, "GroupId:s!", "Member_Account:s!", "UnreadMsgNum:i!"),
	"group_open_http_svc/delete_group_msg_by_sender": spec(codeGroupParam, "GroupId:s!", "Sender_Account:s!"),
	"group_open_http_svc/clear_group_msg":            spec(codeGroupParam, "GroupId:s!", "MsgSeq:i"),
	"group_open_http_svc/modify_group_attr":          spec(codeGroupParam, "GroupId:s!", "GroupAttr:ao!"),
	"group_open_http_svc/set_group_attr":             spec(codeGroupParam, "GroupId:s!", "GroupAttr:ao!"),
	"group_open_http_svc/clear_group_attr":           spec(codeGroupParam, "GroupId:s!"),
	"group_open_http_svc/delete_group_attr":          spec(codeGroupParam, "GroupId:s!", "GroupAttr:a!"),
	"group_open_attr_http_svc/get_group_attr":        spec(codeGroupParam, "GroupId:s!"),
	"group_open_http_svc/pin_message":                spec(codeGroupParam, "GroupId:s!", "TopicId:s", "MsgSeq:i!", "Pinner_Account:s"),
	"group_open_http_svc/unpin_message":              spec(codeGroupParam, "GroupId:s!", "TopicId:s", "MsgSeq:i!", "UnPinner_Account:s"),
	"group_open_http_svc/get_pinned_messages":        spec(codeGroupParam, "GroupId:s!", "TopicId:s"),
	"group_open_http_svc/send_broadcast_msg": spec(codeGroupParam, "From_Account:s", "Random:i!", "MsgBody:ao!",
		"CloudCustomData:s"),
	"group_open_http_svc/group_msg_receipt":     spec(codeGroupParam, "GroupId:s!", "From_Account:s!", "MsgSeqList:ao!", "TopicId:s"),
	"group_open_http_svc/get_group_msg_receipt": spec(codeGroupParam, "GroupId:s!", "MsgSeqList:ao!", "TopicId:s"),
	"group_open_http_svc/get_group_msg_receipt_detail": spec(codeGroupParam, "GroupId:s!", "MsgSeq:i!", "Filter:i!",
		"Cursor:s", "Count:i", "TopicId:s"),
	"group_open_http_svc/get_group_ban_member": spec(codeGroupParam, "GroupId:s!", "Limit:i", "Offset:i"),
	"group_open_http_svc/ban_group_member": spec(codeGroupParam, "GroupId:s!", "Members_Account:as!", "Duration:i!",
		"Description:s"),
	"group_open_http_svc/unban_group_member":    spec(codeGroupParam, "GroupId:s!", "Members_Account:as!"),
	"group_open_http_svc/get_group_counter":     spec(codeGroupParam, "GroupId:s!", "GroupCounterKeys:as"),
	"group_open_http_svc/update_group_counter":  spec(codeGroupParam, "GroupId:s!", "GroupCounter:ao!", "Mode:s!"),
	"group_open_http_svc/delete_group_counter":  spec(codeGroupParam, "GroupId:s!", "GroupCounterKeys:as"),
	"group_open_http_svc/get_online_member_num": spec(codeGroupParam, "GroupId:s!"),

	"group_open_avchatroom_http_svc/get_members":      spec(codeGroupParam, "GroupId:s!", "Timestamp:i", "Mark:i"),
	"group_open_avchatroom_http_svc/modify_user_info": spec(codeGroupParam, "GroupId:s!", "CommandType:i!", "MemberList:ao!"),
	"group_open_avchatroom_http_svc/modify_admin":     spec(codeGroupParam, "GroupId:s!", "CommandType:i!", "Admin_Account:as!"),
	"group_open_avchatroom_http_svc/get_admin_list":   spec(codeGroupParam, "GroupId:s!"),
	"group_open_avchatroom_http_svc/check_members":    spec(codeGroupParam, "GroupId:s!", "Member_Account:as!"),

	"group_open_http_svc/modify_permission_group": spec(codeGroupParam, "GroupId:s!", "PermissionGroupId:s!",
		"PermissionGroupName:s", "Permission:i", "CustomString:s"),
	"group_open_http_svc/destroy_permission_group": spec(codeGroupParam, "GroupId:s!", "PermissionGroupIdList:as!"),
	"group_open_http_svc/add_topic_permission_group": spec(codeGroupParam, "GroupId:s!", "PermissionGroupId:s!",
		"TopicPermissionList:ao!"),
	"group_open_http_svc/get_topic_permission_group":  spec(codeGroupParam, "GroupId:s!", "PermissionGroupId:s!", "TopicIdList:as"),
	"group_open_http_svc/add_permission_group_member": spec(codeGroupParam, "GroupId:s!", "PermissionGroupId:s!", "MemberList:ao!"),

	"million_group_open_http_svc/create_topic": spec(codeGroupParam, "GroupId:s!", "TopicId:s", "TopicName:s!",
		"From_Account:s", "CustomString:s", "FaceUrl:s", "Notification:s", "Introduction:s", "TopicDefinedData:ao"),
	"million_group_open_http_svc/get_topic": spec(codeGroupParam, "GroupId:s!", "From_Account:s", "TopicIdList:as",
		"ResponseFilter:as"),
	"million_group_open_http_svc/modify_topic": spec(codeGroupParam, "GroupId:s!", "TopicId:s!", "From_Account:s",
		"TopicName:s", "CustomString:s", "FaceUrl:s", "Notification:s", "Introduction:s", "MuteAllMember:s", "TopicDefinedData:ao"),
	"million_group_open_http_svc/destroy_topic": spec(codeGroupParam, "GroupId:s!", "TopicIdList:as!"),

	"openim_msg_ext_http_svc/get_key_values": spec(codeGroupParam, "From_Account:s!", "To_Account:s!", "MsgKey:s!", "StartSeq:i"),
	"openim_msg_ext_http_svc/set_key_values": spec(codeGroupParam, "From_Account:s!", "To_Account:s!", "MsgKey:s!",
		"OperateType:i!", "ExtensionList:ao"),
	"openim_msg_ext_http_svc/group_get_key_values": spec(codeGroupParam, "GroupId:s!", "MsgSeq:i!", "StartSeq:i"),
	"openim_msg_ext_http_svc/group_set_key_values": spec(codeGroupParam, "GroupId:s!", "MsgSeq:i!", "OperateType:i!", "ExtensionList:ao"),

	"sns/friend_add":         spec(codeSnsParam, "From_Account:s!", "AddFriendItem:ao!", "AddType:s", "ForceAddFlags:i"),
	"sns/friend_import":      spec(codeSnsParam, "From_Account:s!", "AddFriendItem:ao!"),
	"sns/friend_update":      spec(codeSnsParam, "From_Account:s!", "UpdateItem:ao!"),
	"sns/friend_delete":      spec(codeSnsParam, "From_Account:s!", "To_Account:as!", "DeleteType:s"),
	"sns/friend_delete_all":  spec(codeSnsParam, "From_Account:s!", "DeleteType:s"),
	"sns/friend_check":       spec(codeSnsParam, "From_Account:s!", "To_Account:as!", "CheckType:s!"),
	"sns/friend_get":         spec(codeSnsParam, "From_Account:s!", "StartIndex:i!", "StandardSequence:i", "CustomSequence:i"),
	"sns/friend_get_list":    spec(codeSnsParam, "From_Account:s!", "To_Account:as!", "TagList:as!"),
	"sns/black_list_add":     spec(codeSnsParam, "From_Account:s!", "To_Account:as!"),
	"sns/black_list_delete":  spec(codeSnsParam, "From_Account:s!", "To_Account:as!"),
	"sns/black_list_get":     spec(codeSnsParam, "From_Account:s!", "StartIndex:i!", "MaxLimited:i!", "LastSequence:i!"),
	"sns/black_list_check":   spec(codeSnsParam, "From_Account:s!", "To_Account:as!", "CheckType:s!"),
	"sns/group_add":          spec(codeSnsParam, "From_Account:s!", "GroupName:as!", "To_Account:as"),
	"sns/group_delete":       spec(codeSnsParam, "From_Account:s!", "GroupName:as!"),
	"sns/group_get":          spec(codeSnsParam, "From_Account:s!", "NeedFriend:s", "LastSequence:i", "GroupName:as"),
	"follow/follow_add":      spec(codeSnsParam, "From_Account:s!", "FollowItem:ao!"),
	"follow/follow_delete":   spec(codeSnsParam, "From_Account:s!", "To_Account:as!"),
	"follow/follow_check":    spec(codeSnsParam, "From_Account:s!", "To_Account:as!"),
	"follow/follow_get":      spec(codeSnsParam, "From_Account:s!", "FollowType:i!", "StartCursor:s", "WantNum:i"),
	"follow/follow_get_info": spec(codeSnsParam, "From_Account:s!", "To_Account:as!"),

	// The global mute pages document their own codes (130002..130008); the handlers answer them.
	"openconfigsvr/setnospeaking":      spec(codeJSONParse, "Set_Account:*", "C2CmsgNospeakingTime:*", "GroupmsgNospeakingTime:*"),
	"openconfigsvr/getnospeaking":      spec(codeJSONParse, "Get_Account:*"),
	"openconfigsvr/getappinfo":         spec(codeNoSpeakJSON, "RequestField:as"),            // 运营管理/拉取运营数据: 130001
	"open_msg_svc/get_history":         spec(codeHistoryParam, "ChatType:s!", "MsgTime:s!"), // 运营管理/下载最近消息记录: 1002
	"ConfigSvc/GetIPList":              spec(codeJSONParse),
	"im_cos_msg/forbid_illegal_object": spec(codeJSONParse, "RawURL:s!"),
	"im_cos_msg/allow_banned_object":   spec(codeJSONParse, "RawURL:s!"),
	"im_cos_msg/get_cos_sig":           spec(codeJSONParse, "RawURLs:ao!"),

	"timpush/batch":             spec(codeMsgJSON, "From_Account:s!", "To_Account:as!=90018", "MsgRandom:i!=90005", "OfflinePushInfo:o!", "DataId:s"),
	"timpush/revoke":            spec(codeMsgJSON, "TaskId:s!", "OfflinePushInfo:o!"),
	"timpush/get_sched_task":    spec(codeSchedParam, "Sdkappid:i!", "TaskID:i!"),
	"timpush/delete_sched_task": spec(codeSchedParam, "Sdkappid:i!", "TaskID:i!", "Type:s!"),
	"all_member_push/im_push": spec(codeMsgJSON, "From_Account:s", "MsgRandom:i!=90005", "MsgLifeTime:i", "Condition:o",
		"MsgBody:ao!=90002", "OfflinePushInfo:o"),
	"all_member_push/im_set_attr_name":   spec(codeMsgJSON, "AttrNames:o!"),
	"all_member_push/im_get_attr_name":   spec(codeMsgJSON),
	"all_member_push/im_get_attr":        spec(codeMsgJSON, "To_Account:as!"),
	"all_member_push/im_set_attr":        spec(codeMsgJSON, "UserAttrs:ao!"),
	"all_member_push/im_remove_attr":     spec(codeMsgJSON, "UserAttrs:ao!"),
	"all_member_push/im_get_tag":         spec(codeMsgJSON, "To_Account:as!"),
	"all_member_push/im_add_tag":         spec(codeMsgJSON, "UserTags:ao!"),
	"all_member_push/im_remove_tag":      spec(codeMsgJSON, "UserTags:ao!"),
	"all_member_push/im_remove_all_tags": spec(codeMsgJSON, "To_Account:as!"),
	"timpush/set_attr_name":              spec(codeMsgJSON, "AttrNames:o!", "AttrTypes:o"),
	"timpush/get_attr_name":              spec(codeMsgJSON),
	"timpush/get_attr":                   spec(codeMsgJSON, "To_Account:as!"),
	"timpush/set_attr":                   spec(codeMsgJSON, "UserAttrs:ao!"),
	"timpush/remove_attr":                spec(codeMsgJSON, "UserAttrs:ao!"),
	"timpush/get_tag":                    spec(codeMsgJSON, "To_Account:as!"),
	"timpush/add_tag":                    spec(codeMsgJSON, "UserTags:ao!", "Replace:i"),
	"timpush/clear_all_tags":             spec(codeMsgJSON, "To_Account:as!"),
}

// sendFields are the fields sendmsg and batchsendmsg share.
var sendFields = []string{"SyncOtherMachine:i", "From_Account:s", "MsgLifeTime:i=90026", "MsgSeq:i", "MsgRandom:i!=90005",
	"MsgTimeStamp:i=90006", "MsgBody:ao!=90002", "CloudCustomData:s", "ForbidCallbackControl:as", "SendMsgControl:as",
	"OnlineOnlyFlag:i", "OfflinePushInfo:o", "IsNeedReadReceipt:i", "SupportMessageExtension:i"}

// checkParams answers a body that breaks its command's request table.
func checkParams(path string, body []byte) error {
	ps, ok := paramSpecs[path]
	if !ok {
		return nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return fail(ps.code, "request body is not a JSON object")
	}
	// Ill-typed fields first (a field sent with the wrong type is named
	// even when another is missing), then missing ones.
	for _, p := range ps.fields {
		raw := bytes.TrimSpace(top[p.name])
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		if msg := typeError(p.kind, raw); msg != "" {
			return fail(ps.codeOf(p), "parameter error: field %s %s", p.name, msg)
		}
	}
	for _, p := range ps.fields {
		raw := bytes.TrimSpace(top[p.name])
		if p.required && (len(raw) == 0 || string(raw) == "null") {
			return fail(ps.codeOf(p), "parameter error: required field %s is missing", p.name)
		}
	}
	return nil
}

func (ps paramSpec) codeOf(p param) int {
	if p.code != 0 {
		return p.code
	}
	return ps.code
}

// typeError describes how raw fails kind ("" = it does not).
func typeError(k kind, raw json.RawMessage) string {
	switch k {
	case kAny:
		return ""
	case kString:
		if raw[0] != '"' {
			return "must be a string"
		}
	case kInt:
		if !isInt(raw) {
			return "must be an integer"
		}
	case kNum:
		if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return "must be a number"
		}
	case kObject:
		if raw[0] != '{' {
			return "must be an object"
		}
	case kArray, kStrings, kInts, kObjects:
		if raw[0] != '[' {
			return "must be an array"
		}
		if k == kArray {
			return ""
		}
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "must be an array"
		}
		for i, it := range items {
			elem := map[kind]kind{kStrings: kString, kInts: kInt, kObjects: kObject}[k]
			if it = bytes.TrimSpace(it); len(it) == 0 || typeError(elem, it) != "" {
				return fmt.Sprintf("[%d] %s", i, typeError(elem, it))
			}
		}
	}
	return ""
}

func isInt(raw json.RawMessage) bool {
	s := string(raw)
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

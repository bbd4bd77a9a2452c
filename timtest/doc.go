// Package timtest is an in-memory fake of the Tencent Cloud IM REST API and
// of the callbacks (webhooks) Tencent sends, for tests, examples and local
// development without Tencent's servers or credentials.
//
// It speaks Tencent's wire format, not this SDK's Go types, so it checks the
// SDK as much as it serves it:
//
//	srv := timtest.NewServer(t)                      // closed when the test ends
//	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
//	_, err = c.Login(ctx)                            // a real usersig, really verified
//
// Outside of tests, Start returns a running server (Close it when done);
// the timtest command (cmd/timtest) serves one on a local port.
//
// # What it models
//
// Requests are handled as Tencent handles them: POST
// /v4/<service>/<command>?sdkappid&identifier&usersig&random&contenttype=json
// with a JSON object body ({} when an API takes no fields); every business
// outcome is HTTP 200 with {"ActionStatus","ErrorInfo","ErrorCode",...}.
// The URL is checked in this order: sdkappid missing 60012, not a number
// 60006, not this app 70020 (unknown in this data centre); identifier or
// usersig missing 60004; random missing or not a uint32, or contenttype not
// json, 60002. The usersig is decoded and verified with the usersig package
// and the app's key: unparsable 70003, issued for another app 70014,
// identifier mismatch 70013, expired 70001, wrong key 70009. The identifier
// must be a configured admin (WithAdmins, default "administrator"), else
// 60010. Then the API's frequency limit (below), injected faults, and a
// body that is not a JSON object: 60003. Unknown APIs answer 60009; every
// command the SDK declares is answered (Server.APIs lists them).
//
// Each body is then checked against its command's request table
// (params.go): a required field that is missing or null, and a field of the
// wrong JSON type, answer the command's parameter error code with an
// ErrorInfo naming the field ("parameter error: required field GroupId is
// missing"): 10004 for group services and message extensions, 90001 for
// openim and all-member push (90003 To_Account, 90005 MsgRandom, 90006
// MsgTimeStamp, 90002 MsgBody, 90054 MsgKey), 70402 accounts, 40001
// profiles, 30001 relationships, 50002 recent contacts, 1002 get_history,
// 130001 getappinfo, 60003 elsewhere.
// A nested field of the wrong type answers the same code, naming its path
// ("MemberList.Member_Account").
//
// State follows Tencent's semantics, per API:
//
//   - Accounts: account_import (UserID, or the old Identifier; Nick and
//     FaceUrl land in the profile), multiaccount_import (≤100, bad ids in
//     FailAccounts), account_check, account_delete (per-item 70107 for
//     unknown ids; admins cannot be deleted), kick (70107 for unknown ids;
//     all devices go offline), query_online_status (≤500, per-device detail,
//     unknown ids in ErrorList with 70107). Admins are accounts. Other
//     accounts must be imported before anything uses them: 70107 for a
//     sender or an operator, 90012 for a C2C recipient, 10019 in groups.
//   - Profiles: portrait_set/portrait_get for Tag_Profile_IM_* and any
//     Tag_Profile_Custom_* tag; values are kept as the JSON sent.
//   - C2C: sendmsg stores per conversation with MsgKey "seq_random_time" and
//     MsgTime (MsgTimeStamp when given); batchsendmsg (≤500, 90011 above;
//     per-recipient ErrorList with 70107 and ActionStatus "SomeError"; never calls back; the 12,000
//     recipients-a-minute budget answers 60007); importmsg (no callbacks;
//     SyncFromOldSystem 2 adds no unread); admin_getroammsg (newest MaxCnt
//     of the time range in ascending order, LastMsgTime/LastMsgKey name the
//     oldest returned, continue with MaxTime=LastMsgTime plus LastMsgKey;
//     recalled messages carry MsgFlagBits=1); admin_msgwithdraw (20022 not
//     found, 20023 already recalled, 90054 malformed key); modify_c2c_msg;
//     admin_set_msg_read; get_c2c_unread_msg_num (≤10 peers).
//     SyncOtherMachine 2 keeps a message out of the sender's history and
//     conversation list; SendMsgControl NoUnread / NoLastMsg and
//     ForbidCallbackControl are honoured.
//   - Groups: create_group (Private, Public, ChatRoom, AVChatRoom,
//     Community; custom GroupId printable ASCII ≤48 bytes not starting with
//     @TGS#, Community ids must start with @TGS#_, generated ids look like
//     @TGS#2ABCDEFGHI; an existing id answers 10025 when the request's
//     Owner_Account owns it, else 10021; AVChatRoom refuses initial members
//     with 10007; MemberList ≤100 (10005); default member caps 200, 2000,
//     10000, unlimited, 100000 by type, 10014 above), get_group_info (≤50
//     ids, per-group ErrorCode 10010, ResponseFilter), modify_group_base_info,
//     add_group_member (≤300, Result 1 added / 2 already a member),
//     delete_group_member, modify_group_member_info, get_group_member_info
//     (Limit/Offset), change_group_owner, forbid_send_msg, destroy_group
//     (then 10010), get_joined_group_list (Limit/Offset/TotalCount,
//     AVChatRoom only WithHugeGroups), get_appid_group_list (uint64 Next
//     cursor; its values are above 2^32 on purpose), send_group_msg (MsgSeq
//     per group from 1; the sender must be a member, 10007, unless it is an
//     admin or omitted, which sends as the admin; muted senders 10017),
//     send_group_system_notification (not stored, no seq), group_msg_recall
//     (≤10 seqs, RecallRetList), group_msg_get_simple (≤20, newest first
//     from ReqMsgSeq, IsFinished).
//   - Relationships (sns/*, follow/*): friend_add (AddType both by default;
//     per-account ResultCode 30003 unknown account, 30515/30525 blacklisted
//     either way, 30516 target accepts nobody and 30539 pending when the
//     target's Tag_Profile_IM_AllowType asks for it unless ForceAddFlags is
//     1), friend_import (one-way, keeps AddTime, RemarkTime, groups and
//     Tag_SNS_Custom_* fields), friend_update (remark, groups, custom
//     fields), friend_delete (31704 for a non-friend), friend_delete_all,
//     friend_check, friend_get (pages of 100; a StandardSequence or
//     CustomSequence equal to the current one leaves those fields out),
//     friend_get_list (friend and profile tags), black_list_add (ends the
//     friendship both ways) / _delete / _get (answers the documented
//     "CurruentSequence" spelling) / _check, friend groups group_add (32216
//     for a non-friend), group_delete, group_get (NeedFriend, LastSequence),
//     and follows (follow_add, follow_delete, follow_check FollowType 0–3,
//     follow_get with an opaque cursor, follow_get_info counts). Per-call
//     caps as in package relation; more answers 30001.
//   - Global mute: openconfigsvr/setnospeaking and getnospeaking (answers
//     without ActionStatus; remaining seconds, 4294967295 permanent, an
//     unknown account reads as permanently muted). A muted sender's
//     sendmsg and batchsendmsg fail with 20012 and send_group_msg with
//     10017, before any callback.
//   - Conversations: every stored C2C message updates both sides'
//     recent-contact lists and every group message every member's (not
//     AVChatRoom, not online-only, not NoLastMsg). recentcontact/get_list
//     pages with TimeStamp/StartIndex and TopTimeStamp/TopStartIndex
//     (pinned conversations first when AssistFlags bit 0 is set) and
//     CompleteFlag; the page size is WithContactPageSize (default 100).
//     PinConversation pins as a front end would. recentcontact/delete takes
//     To_Account or ToGroupid; ClearRamble 1 hides the C2C history from
//     that side.
//   - Dedup windows: a C2C send with the same sender, MsgSeq, MsgRandom and
//     CRC32 of MsgBody within 120 s, and a group send with the same GroupId,
//     Random and content within 5 minutes, store nothing new and answer the
//     original MsgKey/MsgTime (C2C) or MsgSeq/MsgTime (group).
//   - Frequency limits: 200 calls a second per API by default (WithRateLimit,
//     WithAPIRateLimit, SetRateLimit; Rate{} turns a limit off), counted in
//     a sliding window of wall-clock time. Over the limit: 10023 for
//     send_group_msg and send_group_system_notification, 10006 for other
//     group APIs, 60007 for everything else. A refused call changes nothing.
//   - Faults: FailNext (answer a code without touching state), FailNextHTTP
//     (a gateway status), DropNext / DropRatio (commit the call, then close
//     the connection without answering), SetLatency; AllAPIs applies one to
//     every API.
//   - Callbacks (WithCallback): POSTed with SdkAppid, CallbackCommand,
//     contenttype=json, ClientIP (the REST caller's address), OptPlatform
//     (RESTAPI for REST-caused events, the device for simulated ones, IOS in
//     State.StateChange) and, with a token, Sign = hex SHA-256(token +
//     RequestTime) and RequestTime. Sent: C2C.CallbackBeforeSendMsg,
//     C2C.CallbackAfterSendMsg (MsgKey, SendMsgResult 0, ErrorInfo "send msg
//     succeed", UnreadMsgNum), C2C.CallbackAfterMsgWithDraw,
//     Group.CallbackBeforeSendMsg, Group.CallbackAfterSendMsg (MsgSeq,
//     MsgTime), Group.CallbackAfterCreateGroup, AfterGroupInfoChanged (only
//     the changed Name/Introduction/Notification/FaceUrl), AfterNewMemberJoin
//     (JoinType Invited), AfterMemberExit (ExitType Kicked),
//     AfterGroupDestroyed, AfterRecallMsg, and State.StateChange (EventTime
//     in ms as a number; group callbacks carry it as a string, as Tencent's
//     samples do). "Before" callbacks are synchronous with a 2 s budget
//     (WithCallbackTimeout): ErrorCode 1 rejects (20006 C2C, 10016 group),
//     2 drops silently (success for the sender, nothing stored), C2C codes
//     120001–130000 are passed through with their ErrorInfo, a MsgBody (and
//     CloudCustomData) in an ErrorCode 0 answer replaces the message's; no
//     answer, a timeout, a non-200 or unparsable answer proceed as if no
//     callback were configured. "After" callbacks are sent asynchronously,
//     in order per conversation, group or user, once (no retry);
//     WaitCallbacks waits for them. WithCallbackCommands enables only some.
//   - Devices: SimulateLogin, SimulateLogout and SimulateDisconnect change
//     the online state and send State.StateChange (Login/Register,
//     Logout/Unregister, Disconnect/LinkClose; a second login on the same
//     platform reports the replaced device in KickedDevice).
//   - Robots, streams, desk, official accounts (robot.go, stream.go,
//     desk.go, official.go): robots (@RBT#, at most 20, re-creating is a
//     no-op, delete disables); send_stream_msg of robots and of the desk
//     (first call answers a MsgKey, later calls append, Finish 1 ends; at
//     most 5 calls of a stream in any second, a gap over 15 s ends it,
//     text below 128 KB; all refusals 10004); a finished or timed-out robot
//     stream is one text message in the C2C history and both conversation
//     lists (no callbacks); official accounts with subscribers (their
//     subscription time and custom string, read in pages whose Next is an
//     index), broadcasts (the same content within 5 minutes answers the
//     first MsgKey) and recall. Streams and OfficialAccounts inspect them; Robots lists the
//     active robots. Desk sessions: get_session_state answers the state
//     SetDeskSession set ("Chatbot" for a session it was not told about,
//     "NotInSession" for a user without one); an ended session answers
//     141005.
//   - Moderation (moderation.go): content_moderation blocks a text that
//     contains a word of SetAuditKeywords (Block, score 100, the words
//     hit), passes everything else (files are not looked at), and answers
//     93000 past 8 KB. Sends are not checked against the list.
//
// Inspection helpers read the state without REST calls: Requests (usersig
// redacted), Callbacks, Messages, MessagesTo, Unread, GroupMessages,
// SystemNotifications, Group, Groups, Accounts, HasAccount, Profile,
// OnlineStatus, Conversations, Friends, FriendGroups, Blacklist, Following,
// GlobalMute (the request and callback records keep the last MaxRecords
// entries); ImportAccounts seeds accounts.
//
// # Where it differs from Tencent (assumptions)
//
// Where the public documentation is silent the fake makes a choice; each is
// listed here so a test does not mistake it for Tencent's behaviour.
//
//   - A duplicate inside a dedup window answers success with the original
//     identifiers (MsgKey/MsgTime, MsgSeq/MsgTime); Tencent documents the
//     dedup but not the answer. The C2C key leaves out To_Account as
//     documented, so the same MsgSeq+MsgRandom+body from one sender to two
//     users inside 120 s is one message. batchsendmsg and importmsg dedup
//     on the same key in windows of their own.
//   - When MsgSeq is omitted the fake picks a random one; C2C history with
//     equal MsgTime is ordered by arrival, not by MsgSeq.
//   - Message size: MsgBody plus CloudCustomData above 12 KB answers 93000
//     (C2C) or 80002 (group); Tencent's current limit is not documented.
//   - Group field limits use the newer, larger values (Name 100,
//     Introduction 400, Notification 400, FaceUrl 500 bytes); a bad custom
//     GroupId answers 10004; add_group_member takes at most 300 members;
//     a MemberList above 100 answers 10005; any non-imported member fails
//     the whole add with 10019; modify_group_member_info on a non-member
//     and change_group_owner to a non-member answer 10007; Private (Work)
//     groups have no admins (10004).
//   - An admin send_group_msg without From_Account is stored and reported
//     with From_Account = the admin identifier. AVChatRoom senders need not
//     be members (members are not tracked for live groups). The group
//     before-callback's ErrorCode 2 answers MsgSeq 0. Group recall answers
//     RetCode 10030 for an unknown or already recalled seq.
//     group_msg_get_simple leaves recalled messages out unless
//     WithRecalledMsg is 1, then returns them as placeholders (IsPlaceMsg 1,
//     empty MsgBody); MsgPriority comes back as the string sent.
//   - recentcontact/get_list: pinned conversations are always paged (bit 2
//     of AssistFlags is not needed); StartIndex counts the items already
//     returned that share the cursor's TimeStamp; there are no empty
//     conversations, marks or conversation groups. Creating a group or
//     joining one adds no conversation until a message is sent.
//   - Over-cap requests in the account APIs (multiaccount_import,
//     account_check, account_delete, query_online_status) and a bad UserID
//     in account_import answer 70402; portrait_get of more than 100 ids or
//     no tags, and portrait_set without items, answer 60003; an unknown
//     profile tag answers 40008; a non-imported account in portrait_set
//     answers 70107 and in portrait_get gets ResultCode 70107 plus an entry
//     in Fail_Account. Unset tags are left out of portrait_get.
//   - A REST kick sends State.StateChange with Action Logout and Reason
//     "Kicked" (ReasonKicked), and only when the user was online. A
//     disconnected mobile device (iOS, Android, iPad) is PushOnline, other
//     platforms go Offline. query_online_status names platforms iPhone,
//     Android, Web, PC (Windows, Linux), iPad, Mac.
//   - C2C callbacks carry EventTime (ms, a number). C2C before-callback
//     ErrorCode 2 drops silently like the group one. Unknown non-zero codes
//     of a group before-callback reject (10016).
//   - Rate limits count wall-clock time, so a frozen WithClock cannot starve
//     a test; every API has its own window (Tencent's is per app and API).
//     Tencent answers the 60007 family for REST frequency in general; the
//     group codes 10006/10023 are used for group APIs here.
//   - Messages, memberships and conversations of a deleted account stay.
//     MsgLifeTime, OfflinePushInfo, Sns callbacks and pending friend
//     requests (30539 forms no relation) are not modelled.
//   - C2C extras: c2c_msg_read_receipt sets IsPeerRead of the messages
//     named (as does admin_set_msg_read for the reader's side);
//     delete_c2c_msg_ramble hides messages from the operator's history only;
//     modify_group_msg changes MsgBody/CloudCustomData of a stored group or
//     topic message (10030 when missing or recalled).
//   - Message extensions: per message a key set with Seq versions; each
//     set/delete call that writes takes the next Seq, a stale Seq answers
//     23001 for that key with the stored value, OperateType 3 clears and
//     sets ClearSeq; get pages whole Seqs (≤200 keys) with CompleteFlag;
//     23004 when the message does not exist.
//   - Group extras: custom attributes (≤16 keys of ≤32 bytes, values ≤4000
//     and ≤16000 in all: 10045..10048; set replaces, modify merges),
//     counters (Set/Increase/Decrease, ≤20 keys: 10063; not Community),
//     AVChatRoom bans (ban removes the member; get_group_ban_member pages
//     by Offset),
//     get_group_muted_account, get_online_member_num, get_role_in_group
//     (NotMember), get_specified_group_member_info, import_group
//     (CreateTime, SupportTopic for Community; no callbacks),
//     import_group_member (Result 0/1/2, UnreadMsgNum), import_group_msg
//     (≤7 per call, seqs continue the group's), set_unread_msg_num,
//     delete_group_msg_by_sender, clear_group_msg, send_broadcast_msg (to
//     every AVChatRoom group), read receipts (group_msg_receipt,
//     get_group_msg_receipt counts members other than the sender,
//     get_group_msg_receipt_detail pages with Cursor and IsFinish). Live
//     groups: get_members (NickName/Avatar from the profile, Marks,
//     NextTimestamp cursor), modify_user_info marks (≤10 kinds),
//     modify_admin (≤5), get_admin_list, check_members; JoinLive adds an
//     online member, as a client would.
//   - get_group_member_info pages Community groups by the Next string
//     ("" on the last page, 100 members when Limit is 0); other types by
//     Offset.
//   - Topics of Community groups with SupportTopic: create/import (TopicId
//     = GroupId + "@TOPIC#_" + name, or a generated "@TOPIC#c…"), get
//     (TopicInfo spells GroupID; ResponseFilter; SelfInfo with From_Account),
//     modify (MuteAllMember), destroy (DestroyResultItem per id); created
//     (not imported), changed and destroyed topics call back
//     (Group.CallbackAfterCreateTopic, AfterTopicInfoChanged,
//     AfterTopicDestroyed) with the documented fields.
//   - Conversation groups and marks: ≤20 groups of ≤32 bytes, ≤1000
//     conversations each; StandardMark is a bit string; 51006/51008/51009/
//     51010/51011 as documented; 50001 for an unknown From_Account.
//   - All-member push: attribute names "0".."9", user attributes (names
//     must be defined), tags (≤10 per call, ≤100 per user, 50 bytes:
//     90020/90032), im_push picks recipients by TagsAnd/TagsOr/AttrsAnd/
//     AttrsOr among imported non-admin accounts, same MsgRandom within 7 days
//     answers the same TaskId (Pushes lists the tasks).
//   - Operations: getappinfo answers three days of string figures
//     (RegistUserNumTotal and GroupAllGroupNum from the state), no
//     ActionStatus; get_history one gzip file per finished hour (Beijing
//     time) of the last 7 days, built from the stored messages and served
//     at its URL ({"SdkAppId","ChatType","MsgTime","MsgList"}); an hour
//     without messages answers 1004; GetIPList answers IPList; im_cos_msg forbid/allow keep a
//     banned set that get_cos_sig reports as Status 1.
//   - Relationship choices the documents leave open: adding an existing
//     friend answers per-account 30001; friend_delete without DeleteType
//     deletes both ways, friend_delete_all without it one way; adding an
//     existing friend group answers 30001 for the call; setting a friend's
//     groups creates missing groups; blacklisting ends the friendship both
//     ways; follow_delete of someone not followed succeeds. A failed
//     setnospeaking/getnospeaking answers with ActionStatus FAIL like the
//     other APIs, and setnospeaking for an unknown account answers 70107.
//   - A call delayed by SetLatency whose client gives up is not run; a
//     non-POST request answers 60002.
package timtest

// Package group manages Tencent Cloud IM groups through the REST API, as
// the app administrator: create (every API type, custom ids, owner,
// initial members beyond Tencent's creation cap, custom data, join
// options), read profiles, update profiles, members (add, remove, modify,
// list, mute, change owner), destroy, the groups a user has joined and the
// app's whole group list; and the extras: member lookups and roles,
// migration imports, history clearing, attributes, counters, read
// receipts, live-streaming (AVChatRoom) helpers and community topics. On
// top of that it keeps doctor–patient consultation groups, the first
// user's case, named and true.
//
//	svc, err := group.NewService(client) // *tim.Client implements api.Doer
//	if err != nil { … } // a nil Doer or a bad option: *api.InvalidInputError
//	res, err := svc.Create(ctx, group.CreateRequest{
//		Type: group.Private, Name: "Ward 3", Owner: "doctor_1",
//		Members: []group.NewMember{{UserID: "nurse_2"}},
//	})
//
// # Types and names
//
// Types are the REST names: Private is the front end's Work group and
// ChatRoom its Meeting group (Work and Meeting are aliases). JSON keys
// follow Tencent, inconsistencies included: create_group takes
// MaxMemberCount, modify_group_base_info and get_group_info say
// MaxMemberNum; forbid_send_msg takes Members_Account while
// delete_group_member takes MemberToDel_Account.
//
// # Byte limits
//
// Tencent counts UTF-8 bytes (a Chinese character is 3) and its documents
// disagree on the text limits. The service validates against
// DefaultLimits (Name 100, Introduction 400, Notification 400, FaceUrl
// 500 bytes, the current docs) before any request; WithLimits changes
// them (LegacyLimits holds the older 30/240/300/100). Custom group ids are
// checked locally too (CheckGroupID).
//
// # Idempotent creation
//
// With a custom GroupId, create_group is safe to resend: Tencent answers
// 10025 when the id exists and is yours. Create (and Import) mark such calls
// idempotent so the client retries them on transient failures, and
// reports 10025 as CreateResult.Existed rather than as an error, so a
// repeated Create (for instance after a crash between creating the group
// and adding its members) completes the job. 10021 (the id is someone
// else's) is an error matching ErrGroupIDTaken.
//
// # Consultation groups
//
// CreateConsultation creates a Work group owned by the doctor with the
// patient as member, named "Doctor(Patient)" by a NameFormat (FormatASCII
// by default; FormatFullWidth gives "医生（患者）"; any template with
// {doctor} and {patient}) fitted to Limits.Name: when too long, the longer
// name is shortened first, at a character boundary, marked with "…", and
// neither name is ever dropped.
//
// When a doctor or a patient changes display name (or avatar),
// RenameParticipant / UpdateParticipant renames every consultation group
// they are in: it lists their groups with get_joined_group_list (all
// pages, including Work groups nobody has spoken in yet, which Tencent
// hides by default), reads each group's recorded participants, recomputes
// the name from both, and modifies only the groups that change, returning
// one result per group (renamed, updated, unchanged, failed).
//
// # Where the participants are recorded, and why
//
// The name cannot be recomputed from the group name itself (it may be
// shortened) nor from the member list (which does not say who is the
// doctor, and carries no display names; name cards are capped at 50
// bytes and members edit their own). So each consultation group carries a
// small JSON record of both participants — UserID and display name as
// used in the name:
//
//	{"tim_consult":1,"doctor":{"id":"d1","name":"王医生"},"patient":{"id":"p1","name":"李雷"}}
//
// By default the record is the group's Introduction. That works on any
// app with no console setup, which matters because group custom fields
// (AppDefinedData) must be declared per group type in the IM console
// before use: create_group fails for an undeclared key. The costs: the
// record is visible as the group's introduction, and Work-group members
// may edit group profiles, so a member can damage it. The service then
// reports that group as Failed (ErrBadRecord) and never guesses.
//
// Apps that can configure the console should declare a Work-group custom
// field (default key "tim_consult", value up to 512 bytes, write access for
// the admin only) and use WithRecordInAppDefinedData: the record is then
// hidden from users and out of their reach, and the Introduction is free.
// Reading always falls back to the Introduction, so groups created before
// the switch keep working and are moved over on their next update.
//
// Display names are stored cleaned and capped at Limits.Name bytes; the
// group name is always computed from the stored form, so creation and
// every later recomputation agree.
//
// # Accounts
//
// create_group needs imported accounts. CreateConsultation imports the
// doctor and the patient first when asked (ImportAccounts), with
// multiaccount_import through the same Doer (UserIDs only: existing
// profiles are untouched), or with any AccountImporter given to
// WithAccountImporter — e.g. an AccountImporterFunc around the root
// client's Account.ImportMany.
//
// # Extras
//
// Members: MembersByID (by UserID, 50 per call), Roles (Owner, Admin,
// Member or NotMember, 500 per call), MutedMembers, ImportMembers (with
// join time and unread count, 300 per call), SetUnread. History:
// DeleteMessagesBySender, ClearHistory. Every list is split into calls of
// Tencent's cap (Max…PerCall); per-item outcomes are returned typed
// (ImportedMember, Receipt, Topic, TopicResult) instead of being folded
// into one error, and a failed call names the batch that failed.
//
// Attributes (Attrs, ModifyAttrs, SetAttrs, ClearAttrs) are up to 16
// key/value pairs per group that need no console declaration, unlike
// AppDefinedData. Counters (Counters, UpdateCounters, DeleteCounters) are
// signed 64-bit values kept by Tencent; UpdateCounters with
// CounterIncrease or CounterDecrease is marked unsafe to resend, so a
// timeout never counts twice, while CounterSet is retried.
//
// Read receipts (Pro plans, enabled in the console; messages sent with
// message.WithReadReceipt): ReportRead on behalf of a member, Receipts for
// read/unread counts, ReceiptDetail for who has (not) read, page by page.
//
// # Paging, sequence numbers and times
//
// Every paged list has a page method (MembersPage, JoinedPage,
// AppGroupsPage, BannedPage, OnlineMembersPage, ReceiptDetailPage) and an
// iterator over all items (Members, Joined, AppGroups, Banned,
// OnlineMembers, ReceiptDetail). An iterator yields a failure once and
// stops, naming the page when it is not the first; when Tencent answers a
// page that is not the last with a cursor that does not move on, it stops
// with an error matching api.ErrCursorStuck (tim.ErrCursorStuck) instead of
// fetching the same page forever. Message and profile sequence numbers
// (MsgSeq, InfoSeq, NextMsgSeq) are uint64; instants (CreateTime,
// JoinTime, MutedUntil, …) are time.Time, zero when Tencent sends 0 or
// nothing; mute and ban lengths are time.Duration.
//
// Live-streaming groups: OnlineMemberCount, OnlineMembers (paged by
// Tencent's Timestamp cursor), Ban/Unban/Banned, SetMarks/DeleteMarks,
// AddLiveAdmins/RemoveLiveAdmins/LiveAdmins, CheckLiveMembers.
//
// Community topics: CreateTopic, ImportTopic, Topics, UpdateTopic,
// DestroyTopics. A custom topic id is the GroupId, "@TOPIC#_" and a name
// (TopicID builds it); with one, creation is retried like an idempotent
// call, without one it is never resent after the request may have
// arrived. Topic texts are checked against the same Limits as groups.
//
// Community permission groups: UpdatePermissionGroup,
// DestroyPermissionGroups, AddTopicPermissions, TopicPermissions and
// AddPermissionGroupMembers. Permissions are bit sets, CommunityPermission
// for the whole community and TopicPermission for one topic (CanSendMessages,
// TopicCanSend, …; Has tests them); bits without a constant pass through.
// Creating and listing permission groups, changing or removing topic
// permissions and removing or listing permission-group members are not
// covered yet (their pages could not be read far enough: NOTES.md).
package group

// Package push sends Tencent Cloud IM all-member pushes ("全员推送") as the
// app administrator, and manages the user attributes and tags that target
// them.
//
// # Pushing
//
// A Push carries a message.Body (built like any message), an optional
// Condition (TagsOr, TagsAnd, AttrsOr, AttrsAnd; tags and attributes cannot
// be combined), an offline lifetime (Lifetime, a time.Duration in whole
// seconds sent as MsgLifeTime; 0 = online users only, at most 7 days) and
// optional offline-push settings (message.OfflinePushInfo).
//
// Service.SendToUsers pushes a notification to a list of 1 to 500 users
// through the Push service (TIMPush, timpush/batch); its MsgRandom dedups
// within one second only, so it is never resent. Service.DeleteScheduled
// deletes a scheduled push task still pending (timpush/delete_sched_task);
// Service.Scheduled reads one (timpush/get_sched_task). Service.Revoke stops
// an all-member or tag push within 24 hours (timpush/revoke).
// Service.PushService returns a view whose attribute and tag methods call
// the Push service's twins of the all_member_push commands (timpush/…),
// where accounts may be RegistrationIDs; users an answer reports in its
// ErrorList come back as UserErrors.
//
// Tencent deduplicates pushes by MsgRandom alone for 7 days, whatever
// their content. Service.Send settles the Push's Random (Push.FixRandom)
// and im_push is declared api.Deduped with api.PushDedupWindow, so a
// timeout or transient failure is resent byte for byte and Tencent counts
// it as the same push task; the SDK stops resending before a resend could
// arrive after the window. A Random the SDK drew is bound to what the Push sends (From, Body,
// Condition, Lifetime, OfflinePush): the same unchanged *Push sent again
// keeps it, a *Push changed since gets a fresh one, so a reused Push is
// not silently swallowed as a duplicate. A Random you set is always sent
// as it is. Keep the Random (it is in the Result and on the Push) to retry
// a push later without pushing twice.
//
// # Attributes and tags
//
// An app names up to 10 push attributes (SetAttrNames); users then carry
// values for them (SetUserAttrs, UserAttrs, RemoveUserAttrs) and any number
// of tags up to 100 (AddUserTags, UserTags, RemoveUserTags,
// RemoveAllUserTags). Calls take any number of users and split them into
// Tencent's per-call caps (100 users, 10 tags per user per im_add_tag).
//
// All-member push needs the Pro, Pro Plus or Enterprise edition and is
// switched on in the IM console. The root package wires a Service into
// tim.Client (tim.Client.Push); standalone, build one with NewService
// around anything that implements api.Doer. Endpoints lists the commands
// the package calls, each declared once beside its method.
package push

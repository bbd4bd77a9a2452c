// Package message builds Tencent Cloud IM messages and sends them, as the
// app administrator, through the REST API: the server half of the front
// end's createTextMessage / sendMessage.
//
// # Elements and bodies
//
// A message body (Body) is a list of elements: *Text, *Custom (at most one
// per message), *Location, *Face, *Image, *Sound, *File, *Video and *Relay
// (merged forward). Body encodes to Tencent's MsgBody array and decodes it
// tolerantly (callbacks, history): unknown element types become *Unknown
// and are re-encoded unchanged, numbers sent as strings are accepted.
//
// # Building and sending
//
// New and the typed constructors (NewText, NewCustom, …) mirror
// createTextMessage({to, conversationType, payload, priority,
// needReadReceipt, cloudCustomData}); options add the rest (offline push,
// SendMsgControl, ForbidCallbackControl, lifetime, sync to sender, sender,
// @-mentions). Service.Send validates before any network call (each error
// names the JSON field and the limit) and sends to a user
// (v4/openim/sendmsg) or a group (v4/group_open_http_svc/send_group_msg);
// Service.SendBatch reaches any number of users in calls of 500 within the
// 12,000 recipients/minute budget and lists per-recipient failures.
//
// # No duplicates, nothing lost
//
// Every message carries Tencent's dedup keys, drawn when it is built (or
// on its first Send): MsgRandom and MsgSeq for C2C, Random for groups.
// Sends are marked as deduplicated calls, so after a timeout or a
// transient error the transport resends the byte-identical request, which
// Tencent's dedup window (120 s C2C, 5 min group) absorbs; sending the same
// unchanged *Message again yourself reuses the same keys too. Drawn keys
// are bound to what they protect (conversation type, recipient or group,
// sender, body, custom data): a message reused as a template with another
// To or body gets fresh keys, because Tencent's C2C key leaves the
// recipient out and would otherwise swallow the second message while
// answering success. Keys you set yourself (WithKeys) are always sent as
// they are; their uniqueness is then yours. The keys are in the SendResult
// (and on the Message) so they can be persisted with an outbox row and
// reused after a restart (WithKeys). SendBatch gives each call of 500 a
// MsgRandom of its own, derived from the message's keys and the call's
// recipients, so no call is taken for a resend of another; ImportC2C and
// SendBroadcast bind the keys they draw the same way.
//
// # Afterwards
//
// Recall (RecallC2C by MsgKey, RecallGroup by MsgSeq), modify (ModifyC2C,
// ModifyGroup), import history (ImportC2C, ImportGroup), read marks and
// unread counts (SetC2CRead, C2CUnread), and history as iterators over all
// pages (C2CHistory, GroupHistory).
//
// # Times, sequence numbers, paging
//
// Every instant this package reports or takes is a time.Time (zero when
// Tencent sends none), every sequence number it reports is a uint64
// (SendResult.MsgSeq, RecallGroupRequest.MsgSeqs, GroupMsgRef.MsgSeq,
// history, extensions, imports). The dedup keys the sender chooses stay
// uint32, as openim sends them: Random, Message.Seq (C2C MsgSeq) and
// ImportC2CRequest.Seq. Each iterator over pages (C2CHistory,
// GroupHistory, C2CExtensions, GroupExtensions) yields its first error
// and stops; a server that answers without moving the cursor ends the walk
// with an error wrapping api.ErrCursorStuck (tim.ErrCursorStuck).
//
// # Extensions, receipts, broadcast
//
// Message extensions (SupportMessageExtension; send WithExtension) are
// key/value pairs on a sent message: C2CExtensions/GroupExtensions iterate
// over them page by page, Set…/Delete…/Clear…Extensions write them in
// calls of 20 keys and return each key's outcome (ExtensionResult). A C2C
// message is named by C2CMsgRef (From, To, MsgKey), a group message by
// GroupMsgRef (GroupId, MsgSeq).
//
// DeleteC2CMessages deletes messages from one side of a conversation;
// SendC2CReadReceipts reports messages as read by their recipient.
// SendBroadcast reaches every live-streaming group of the app; Tencent's
// page for it documents no dedup rule, so it is never resent after the
// request may have arrived.
//
// The root package wires a Service into tim.Client; standalone, build one
// with NewService around anything that implements api.Doer.
package message

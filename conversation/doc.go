// Package conversation reads and manages users' conversation lists
// ("recent contacts") through the Tencent Cloud IM REST API: the paged list
// with both cursor pairs (normal and pinned conversations), pinning and
// unpinning a conversation (Pin, recentcontact/top), deleting a
// conversation, and conversation groups and marks. C2C unread counts are
// in package message (message.Service.C2CUnread).
//
// It is the server half of the front-end SDK's getConversationList: the
// backend acts as the app administrator and reads any user's list.
//
//	svc, err := conversation.NewService(client) // *tim.Client implements api.Doer
//	if err != nil {
//		return err
//	}
//	for c, err := range svc.List(ctx, "doctor_42") {
//		if err != nil {
//			return err
//		}
//		fmt.Println(c.ID(), c.MsgTime, c.Pinned)
//	}
//
// # Paging
//
// recentcontact/get_list pages two lists at once: normal conversations
// (TimeStamp/StartIndex) and pinned ones (TopTimeStamp/TopStartIndex). Each
// answer carries the next values of all four; List feeds them back until
// Tencent says CompleteFlag = 1, and stops with an error matching
// api.ErrCursorStuck (tim.ErrCursorStuck) if the cursors do not move (a
// server that never completes would otherwise loop forever). ListPage is
// one page, for callers that keep the cursor themselves; Cursor holds the
// two time cursors as time.Time (Unix seconds on the wire, the zero time
// for 0). ContactGroups follows get_contact_group's NextStartIndex the same
// way and stops when it does not grow.
//
// # Conversation types
//
// A conversation's kind is message.ConversationType, the one type the SDK
// uses for it: message.ConvC2C or message.ConvGroup. This package sends
// them as Tencent's Type 1 and 2 and rejects any other value with an
// *api.InvalidInputError before a call.
//
// # AssistFlags
//
// AssistFlags defaults to 15 as the current documentation asks (bit 0:
// pinned conversations, bit 1: empty conversations, bit 2: pinned
// conversations paged; bit 3 is part of the documented fixed value).
// Conversation marks and conversation groups come back on each item only
// with AssistFlagsWithMarks (63); set it with WithAssistFlags.
//
// # Tolerance
//
// Tencent's own samples drift: Type is an integer (sometimes a string or a
// name such as "C2C" or "G2C"),
// GroupId may come as a number, and To_Account is a string in some bodies
// and an array in others. Items are decoded tolerantly; unknown fields are
// ignored and a missing Type is inferred from which id is present.
//
// # Conversation groups and marks
//
// The contact-group APIs (create/update/del/search/get_contact_group,
// mark_contact) need the Pro/Pro Plus/Enterprise edition for groups and
// standard marks. Their field names, limits and sources are recorded in
// NOTES.md beside this file. Note the spelling Tencent uses: conversation
// group APIs name a group conversation with "ToGroupId", while
// recentcontact/delete spells it "ToGroupid".
package conversation

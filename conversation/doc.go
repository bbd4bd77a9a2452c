// Package conversation reads and manages users' conversation lists
// ("recent contacts") through the Tencent Cloud IM REST API: the paged list
// with both cursor pairs (normal and pinned conversations), deleting a
// conversation, C2C unread counts, and conversation groups and marks.
//
// It is the server half of the front-end SDK's getConversationList: the
// backend acts as the app administrator and reads any user's list.
//
//	svc := conversation.NewService(client) // *tim.Client implements Doer
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
// Tencent says CompleteFlag = 1, and stops with an error if the cursors do
// not move (a server that never completes would otherwise loop forever).
// ListPage is one page, for callers that keep the cursor themselves.
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
// Tencent's own samples drift: Type is an integer (sometimes a string),
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

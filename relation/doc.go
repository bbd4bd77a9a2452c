// Package relation manages Tencent Cloud IM's relationship chain as the app
// administrator: friends (add, import, update, delete, check, list), friend
// groups, the blacklist, and follows (followers, following, mutual).
//
// # Batches and per-account results
//
// Tencent caps how many accounts one call takes (100 friends for
// friend_add, 1000 for the blacklist, 20 for follow_add, …; the constants
// Max…PerCall, with sources in NOTES.md). The methods take any number and
// split them into calls of the cap, sending repeated ids once.
//
// These APIs answer per account: a call succeeds while single accounts
// fail (blacklisted, not a friend, refused, a request left pending). Every
// batch method returns those outcomes typed, one ItemResult (ResultCode,
// ResultInfo) per account, never swallowed: Results.Failed lists the
// failures and ItemResult.Err turns one into a *tim.APIError. Accounts
// Tencent only names in Fail_Account or Invalid_Account get a result too.
// When a whole call fails, the method returns the results of the calls
// before it and an error naming the batch.
//
// # Lists
//
// The friend list (friend_get), the blacklist (black_list_get) and the
// follow lists (follow_get) have a page method and an iterator over every
// entry (Friends, Blacklist, FollowList). An iterator yields an error once
// and stops; a page that is not the last but does not move the cursor (a
// StartIndex that does not grow, a NextCursor equal to the one sent) ends
// it with an error matching api.ErrCursorStuck (tim.ErrCursorStuck). Field
// values (remarks, groups, custom fields, profile fields) come as Items of
// Tag and Value; Value reads Tencent's loosely typed values tolerantly.
//
// # Sequences and times
//
// Data versions (StandardSequence, CustomSequence, the blacklist's and the
// friend groups' CurrentSequence, LastSequence) are uint64. Instants
// (AddBlackTimeStamp, FollowTime, an imported friend's AddTime and
// RemarkTime, Tag_SNS_IM_AddTime) are time.Time: Unix seconds on the wire,
// the zero time for 0 or absent.
//
// # Wiring
//
// The root package wires a Service into tim.Client; standalone, build one
// with NewService around anything that implements api.Doer.
package relation

// Package tim is a server-side Go SDK for Tencent Cloud IM (腾讯云即时通信 IM).
//
// A backend uses it for the server half of what Tencent's front-end SDKs do:
// it issues UserSigs to its users (the front end never holds the secret key),
// acts as the app administrator over the REST API (accounts, profiles, C2C and
// group messages, conversation lists, groups), and turns Tencent's callback
// webhooks into typed events that carry the names the front end knows
// (SDK_READY, MESSAGE_RECEIVED, …).
//
// The entry point is [New], which takes the SDKAppID and the secret key from
// the IM console. Every method that touches the network takes a
// [context.Context] first, is safe for concurrent use, and returns an
// [*APIError] (matchable with [errors.As]) or one of the sentinel families
// ([ErrRateLimited], [ErrUserSigExpired], …, matchable with [errors.Is]).
//
// Sub-packages:
//   - usersig: generate, verify and decode UserSigs; a cached signer.
//   - message: message elements, C2C and group sends, batches, recall, history.
//   - conversation: conversation (recent contact) lists.
//   - group: groups, members and doctor(patient) consultation groups.
//   - event: the event dispatcher and the callback (webhook) handler.
//   - timtest: an in-memory fake of the IM REST API for tests and examples.
package tim

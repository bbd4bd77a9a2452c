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
// the IM console; [Client.Close] releases what it holds. Every method that
// touches the network takes a [context.Context] first, is safe for
// concurrent use, and returns an [*APIError] (matchable with [errors.As]) or
// one of the sentinel families ([ErrRateLimited], [ErrUserSigExpired], …,
// matchable with [errors.Is]). Bad input is refused before any call with an
// [*InvalidInputError] naming the field or option.
//
// Every REST command the SDK calls is declared once, as an [Endpoint] beside
// the method that calls it: its path, whether a resend is safe, the limiter
// budgets it spends. [Endpoints] lists them, [Lookup] finds one, and
// [Client.Do] takes one to call any command, typed or not.
//
// Sub-packages:
//   - api: the shared contract: Endpoint, Doer, Error, the error families, Envelope.
//   - usersig: generate, verify and decode UserSigs; a cached signer.
//   - account, profile: accounts (import, check, delete, kick, online status) and profiles.
//   - message: message elements, C2C and group sends, batches, recall, history.
//   - conversation: conversation (recent contact) lists, marks and groups.
//   - group: groups, members and doctor(patient) consultation groups.
//   - relation, push, operation: friends and follows, all-member push, operations.
//   - robot, desk, official: robot accounts and streamed answers, the customer-service
//     desk's streams and session ends, official accounts.
//   - moderation: cloud content moderation (im_msg_audit/content_moderation).
//   - event: the event dispatcher and the callback (webhook) handler.
//   - timtest: an in-memory fake of the IM REST API for tests and examples.
package tim

// Package official manages Tencent Cloud IM official accounts (公众号,
// "official channels"), as the app administrator: create, change and
// destroy an account, add and remove its subscribers, set a subscriber's
// custom string, read the subscribers page by page, broadcast a message to
// every subscriber, recall broadcast messages and read the account's
// message history page by page (official_account_open_http_svc/*).
//
// An official account's ID starts with "@TOA#_" (Tencent generates one when
// none is given). A broadcast is limited by Tencent to one message a second
// and two an hour per account, and a message with the same content as one
// sent in the last 5 minutes is dropped as a duplicate.
//
// The commands whose answers Tencent's pages did not let us verify
// (get_official_account_info, get_subscribed_official_account_list) are
// not here yet; see NOTES.md.
//
// The root package wires a Service into tim.Client (tim.Client.Official).
package official

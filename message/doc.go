// Package message builds Tencent Cloud IM messages and sends them: element
// types (text, custom, location, face, image, sound, file, video, relay),
// a builder that mirrors the front end's createTextMessage, C2C, group and
// batch sends that never duplicate on retry, recall, modify, import, read
// marks, unread counts and history iterators.
//
// Every send carries Tencent's dedup keys (MsgRandom and MsgSeq for C2C,
// Random for groups), fixed once per message, so a retry after a timeout or
// a transient error resends the byte-identical request and Tencent's dedup
// window (120 s C2C, 5 min group) absorbs it.
package message

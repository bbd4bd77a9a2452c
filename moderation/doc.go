// Package moderation sends content to Tencent's cloud moderation as the
// app administrator: im_msg_audit/content_moderation checks a text, an
// image, an audio or a video (given by URL) against the audit policy of a
// scene (C2C, Group, UserInfo, …). Text and images are judged in the
// answer (Verdict); audio and video answer with a RequestId whose result
// arrives later through the audit callback.
//
// The cloud keyword libraries (im_msg_audit_mgr): GetCloudLibraries lists
// them, GetCloudKeywords reads a library's words, AddCloudKeywords and
// DeleteCloudKeywords change them. The batch check and the local keyword
// commands are not here: no full documentation page for them could be
// read; see NOTES.md.
//
// The root package wires a Service into tim.Client (tim.Client.Moderation).
package moderation

// Package moderation sends content to Tencent's cloud moderation as the
// app administrator: im_msg_audit/content_moderation checks a text, an
// image, an audio or a video (given by URL) against the audit policy of a
// scene (C2C, Group, UserInfo, …). Text and images are judged in the
// answer (Verdict); audio and video answer with a RequestId whose result
// arrives later through the audit callback.
//
// AddCloudKeywords adds words to a cloud keyword library
// (im_msg_audit_mgr/add_cloud_audit_keywords). The batch check and the
// other keyword-management commands are not here: no full documentation
// page for them could be read; see NOTES.md.
//
// The root package wires a Service into tim.Client (tim.Client.Moderation).
package moderation

// Package operation runs Tencent Cloud IM's app-wide operations as the app
// administrator:
//
//   - global mute (openconfigsvr/setnospeaking, getnospeaking): mute a
//     user's one-to-one and/or group messages everywhere, for a while or
//     for good (MuteForever). A muted sender's sends fail with 20012 (C2C)
//     and 10017 (group) before any callback;
//   - operating statistics of the last 30 days (openconfigsvr/getappinfo);
//   - hourly message-history files (open_msg_svc/get_history) and a
//     streaming reader for the downloaded files (ReadHistory);
//   - the IP list of Tencent's IM servers (ConfigSvc/GetIPList);
//   - chat-file moderation (im_cos_msg/*): ban and unban a stored file,
//     read files' state with a signed URL.
//
// The openconfigsvr answers carry no ActionStatus; the transport decides
// success by ErrorCode, and getappinfo's "ErrorInfo": "OK" is success.
//
// The root package wires a Service into tim.Client; standalone, build one
// with NewService around anything that implements Doer.
package operation

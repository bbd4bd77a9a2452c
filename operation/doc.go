// Package operation runs Tencent Cloud IM's app-wide operations as the app
// administrator:
//
//   - global mute (openconfigsvr/setnospeaking, getnospeaking): mute a
//     user's one-to-one and/or group messages everywhere, for a while or
//     for good (MuteForever). A muted sender's sends fail with 20012 (C2C)
//     and 10017 (group) before any callback;
//   - operating statistics of the last 30 days (openconfigsvr/getappinfo);
//   - hourly message-history files (open_msg_svc/get_history) and a
//     streaming reader for the downloaded files (ReadHistory). The kind of
//     messages is a message.ConversationType (message.ConvC2C,
//     message.ConvGroup), sent as get_history's "C2C" / "Group"; the hour is
//     a time.Time, named in Beijing time (UTC+8) on the wire;
//   - the IP list of Tencent's IM servers (ConfigSvc/GetIPList);
//   - chat-file moderation (im_cos_msg/*): ban and unban a stored file,
//     read files' state with a signed URL.
//
// The openconfigsvr answers carry no ActionStatus; the transport decides
// success by ErrorCode, and getappinfo's "ErrorInfo": "OK" is success.
//
// Times are time.Time (history hours and expiries, the statistics' days,
// all read in Beijing time), mute lengths time.Duration, sequence numbers
// uint64 and random keys uint32.
//
// The root package wires a Service into tim.Client (tim.Client.Operation);
// standalone, build one with NewService around anything that implements
// api.Doer. Endpoints lists the commands the package calls, each declared
// once beside its method.
package operation

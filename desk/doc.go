// Package desk calls Tencent's customer-service product (Desk, "智能客服")
// as the app administrator: streamed answers into a desk session
// (desk_http_svc/send_stream_msg), one call at a time (SendStreamChunk) or
// driven from an iter.Seq[string] of chunks (Stream, with the pacing and
// idle rules of robot.Stream and a message text below 12 KB:
// DefaultStreamLimits). An agent who takes the session over sees the
// streamed message too. EndSession ends a session (desk_http_svc/
// end_session); EndQueuing ends a session's wait for a human agent
// (desk_http_svc/end_queuing); SessionState and UserSessionState read
// where a session stands (desk_http_svc/get_session_state);
// TransferToHuman hands a session to a human agent
// (desk_http_svc/transfer_to_human); UpdateRobot renames a desk robot
// (openim_console_http_svc/desk_update_robot).
//
// The other desk commands the issue lists (send_stream_msg_v2,
// update_channel_specific_conversation_settings) are not here yet: their
// pages could not be read in full; see NOTES.md.
//
// The root package wires a Service into tim.Client (tim.Client.Desk).
package desk

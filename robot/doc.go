// Package robot manages Tencent Cloud IM's robot (chatbot) accounts and
// streams their answers, as the app administrator:
//
//   - create, disable and list robots (openim_robot_http_svc/create_robot,
//     delete_robot, get_all_robots). A robot's UserID starts with "@RBT#";
//     an app has at most 20 robots, and creating an existing one again
//     creates nothing;
//   - one call of a streamed answer (openim_robot_http_svc/send_stream_msg,
//     SendStreamChunk), and Stream, which drives a whole answer from an
//     iter.Seq[string] of chunks as an assistant produces them: it paces
//     the calls, keeps the MsgKey, finishes a stalled message before
//     Tencent's idle gap closes it, and never sends a chunk twice;
//     ReadChunks turns an io.Reader into such a sequence.
//
// The root package wires a Service into tim.Client (tim.Client.Robot);
// standalone, build one with NewService around anything that implements
// api.Doer. Endpoints lists the commands the package calls. Sources of the
// facts used are in NOTES.md.
package robot

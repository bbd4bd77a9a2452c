package robot

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/chunkstream"
	"github.com/timkit/tim/internal/wire"
)

// StreamLimits are the numbers Stream keeps; DefaultStreamLimits holds
// Tencent's documented values.
type StreamLimits struct {
	// MinGap is the least time between the starts of two calls of one
	// stream. Tencent takes at most 5 continuations a second and
	// recommends a call every 200 ms; the default, 220 ms, leaves room for
	// network jitter so six calls never land inside one second.
	MinGap time.Duration
	// MaxIdle is the longest gap between two calls before Tencent ends the
	// stream (15 s).
	MaxIdle time.Duration
	// IdleMargin is how long before MaxIdle a stalled message is finished.
	IdleMargin time.Duration
	// MaxBytes is the size a message's text stays below (128 KB).
	MaxBytes int
	// CloseTimeout bounds the final call made after the context ended or
	// after a lost answer.
	CloseTimeout time.Duration
}

// DefaultStreamLimits are Tencent's documented stream limits (see NOTES.md
// for the pages).
var DefaultStreamLimits = StreamLimits{
	MinGap:       220 * time.Millisecond,
	MaxIdle:      15 * time.Second,
	IdleMargin:   2 * time.Second,
	MaxBytes:     128 * 1024,
	CloseTimeout: 2 * time.Second,
}

// minGap is Tencent's pacing: 5 continuations a second.
const minGap = 200 * time.Millisecond

func (l StreamLimits) check() error {
	switch {
	case l.MinGap < minGap:
		return wire.Invalid("StreamLimits.MinGap", "%v is below Tencent's %v", l.MinGap, minGap)
	case l.MaxIdle <= 0 || l.MaxIdle > DefaultStreamLimits.MaxIdle:
		return wire.Invalid("StreamLimits.MaxIdle", "%v is outside (0, %v]", l.MaxIdle, DefaultStreamLimits.MaxIdle)
	case l.IdleMargin < 0 || l.MaxIdle-l.IdleMargin <= l.MinGap:
		return wire.Invalid("StreamLimits.IdleMargin", "%v leaves no more than MinGap of MaxIdle %v", l.IdleMargin, l.MaxIdle)
	case l.MaxBytes <= 1 || l.MaxBytes > DefaultStreamLimits.MaxBytes:
		return wire.Invalid("StreamLimits.MaxBytes", "%d is outside (1, %d]", l.MaxBytes, DefaultStreamLimits.MaxBytes)
	case l.CloseTimeout <= 0:
		return wire.Invalid("StreamLimits.CloseTimeout", "%v is not positive", l.CloseTimeout)
	}
	return nil
}

// WithStreamLimits returns a copy of s whose Stream keeps lim instead of
// DefaultStreamLimits: tighter limits only (a longer MinGap, a shorter
// MaxIdle or MaxBytes), never looser than Tencent's.
func (s *Service) WithStreamLimits(lim StreamLimits) (*Service, error) {
	if err := lim.check(); err != nil {
		return nil, err
	}
	c := *s
	c.lim = lim
	return &c, nil
}

// StreamChunk is one call of a streamed answer.
type StreamChunk struct {
	// From is the robot (From_Account, "@RBT#…").
	From string
	// To is the user who receives the answer (To_Account).
	To string
	// Chunk is this call's text.
	Chunk string
	// MsgKey is "" on the first call, then the key the first call returned.
	MsgKey string
	// Finish marks the last call of the answer.
	Finish bool
}

// Each call appends text to a message on the user's screen and Tencent
// documents no dedup key for it: a resend would show the chunk twice.
var epSendStream = catalog.Declare(api.Endpoint{Path: "openim_robot_http_svc/send_stream_msg"})

// SendStreamChunk makes one call of a streamed answer and returns the
// message's MsgKey. Most callers want Stream, which makes these calls.
//
// REST: v4/openim_robot_http_svc/send_stream_msg
func (s *Service) SendStreamChunk(ctx context.Context, c StreamChunk) (msgKey string, err error) {
	if err := CheckID("From_Account", c.From); err != nil {
		return "", err
	}
	if err := wire.CheckUserID("To_Account", c.To); err != nil {
		return "", err
	}
	if c.Chunk == "" && !c.Finish {
		return "", wire.Invalid("Chunk", "is empty (only a final call may carry no text)")
	}
	if c.Chunk == "" && c.MsgKey == "" {
		return "", wire.Invalid("Chunk", "is empty on the first call")
	}
	req := struct {
		From   string `json:"From_Account"`
		To     string `json:"To_Account"`
		Chunk  string `json:"Chunk"`
		MsgKey string `json:"MsgKey,omitempty"`
		Finish int    `json:"Finish,omitempty"`
	}{c.From, c.To, c.Chunk, c.MsgKey, wire.BoolInt(c.Finish)}
	var resp struct {
		api.Envelope
		MsgKey string `json:"MsgKey"`
	}
	if err := s.d.Do(ctx, epSendStream, &req, &resp); err != nil {
		return "", err
	}
	if resp.MsgKey == "" {
		return c.MsgKey, nil
	}
	return resp.MsgKey, nil
}

// StreamResult says what Stream did.
type StreamResult struct {
	// MsgKeys are the keys of the messages the answer became: one, unless
	// the producer stalled longer than the idle gap or the text outgrew
	// MaxBytes (the rest then continued in a new message).
	MsgKeys []string
	// Calls counts the send_stream_msg calls made.
	Calls int
	// Bytes counts the text bytes Tencent accepted.
	Bytes int
}

// ErrChunkNotResent wraps the error of a call that failed or whose answer
// was lost: Stream did not send that chunk again (it may already be on the
// user's screen), closed the message, and stopped.
var ErrChunkNotResent = chunkstream.ErrOutcomeUnknown

// Stream sends the robot from's answer to user to as one streamed message,
// reading chunks as they are produced, until they end: it joins chunks
// that come faster than Tencent's pacing allows, keeps the MsgKey, ends
// the message before the idle gap when the producer stalls (later chunks
// then start a new message), and splits an answer that outgrows the size
// limit. When ctx ends, the text read so far is sent as the final call and
// ctx's error is returned. A call that fails is never repeated: Stream
// closes the message and returns an error wrapping ErrChunkNotResent and
// the call's error. Empty chunks are skipped.
//
// The producer runs in a goroutine of its own; when Stream returns early,
// its next yield returns false.
//
// REST: v4/openim_robot_http_svc/send_stream_msg
func (s *Service) Stream(ctx context.Context, from, to string, chunks iter.Seq[string]) (*StreamResult, error) {
	if err := CheckID("From_Account", from); err != nil {
		return nil, err
	}
	if err := wire.CheckUserID("To_Account", to); err != nil {
		return nil, err
	}
	if chunks == nil {
		return nil, wire.Invalid("chunks", "nil sequence")
	}
	send := func(ctx context.Context, c chunkstream.Call) (string, error) {
		return s.SendStreamChunk(ctx, StreamChunk{From: from, To: to, Chunk: c.Chunk, MsgKey: c.MsgKey, Finish: c.Finish})
	}
	res, err := chunkstream.Run(ctx, chunks, chunkstream.Limits(s.lim), send)
	return &StreamResult{MsgKeys: res.MsgKeys, Calls: res.Calls, Bytes: res.Bytes}, err
}

// Package chunkstream drives Tencent's streamed-message commands (a robot's
// openim_robot_http_svc/send_stream_msg, the desk's desk_http_svc/
// send_stream_msg): it reads the chunks an assistant produces and turns
// them into calls that respect Tencent's documented limits.
//
// The rules it keeps (numbers in Limits, sources in robot/NOTES.md):
//   - pacing: at most one call per MinGap (Tencent takes 5 continuations a
//     second); chunks that arrive faster are joined and sent together;
//   - idle gap: Tencent closes a stream that receives nothing for MaxIdle;
//     when the producer stalls that long, the message is finished before
//     Tencent closes it and what the producer yields later goes into a new
//     message;
//   - size: a message carries less than MaxBytes of text; past it the
//     message is finished (at a UTF-8 boundary) and the rest continues in a
//     new message;
//   - the MsgKey the first call returns is kept and sent with every later
//     call of the same message;
//   - a call whose outcome is unknown (the answer was lost) is never sent
//     again: the chunk may already be on the client's screen. The driver
//     closes the message with an empty final call and reports the error;
//   - when ctx ends, the text still held is sent as the final call (with a
//     short deadline of its own) and ctx's error is returned.
package chunkstream

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
	"unicode/utf8"
)

// Limits are the numbers the driver keeps.
type Limits struct {
	// MinGap is the least time between the starts of two calls of one
	// stream.
	MinGap time.Duration
	// MaxIdle is how long Tencent keeps a stream open without a call.
	MaxIdle time.Duration
	// IdleMargin is how long before MaxIdle ends the driver finishes a
	// stalled message.
	IdleMargin time.Duration
	// MaxBytes is the size a message's text stays below.
	MaxBytes int
	// CloseTimeout bounds the final call made after ctx ended or after a
	// lost answer.
	CloseTimeout time.Duration
}

// Call is one call of the streaming command.
type Call struct {
	// MsgKey is "" on the first call of a message, then the key Tencent
	// returned.
	MsgKey string
	// Chunk is the text of this call.
	Chunk string
	// Finish marks the last call of the message.
	Finish bool
}

// Send makes one call and returns the MsgKey Tencent answered ("" when the
// answer carried none; the driver keeps the key it had).
type Send func(ctx context.Context, c Call) (msgKey string, err error)

// Result says what a stream did.
type Result struct {
	// MsgKeys are the keys of the messages the stream produced, in order:
	// one unless the producer stalled past the idle gap or the text
	// outgrew MaxBytes.
	MsgKeys []string
	// Calls counts the calls made (including failed ones).
	Calls int
	// Bytes counts the text bytes sent in calls that succeeded.
	Bytes int
}

// ErrOutcomeUnknown wraps the error of a call whose answer was lost or
// failed: the chunk was not sent again.
var ErrOutcomeUnknown = errors.New("stream chunk not resent")

// Run reads chunks until they end (or ctx ends) and streams them with send.
// Empty chunks are skipped. The producer runs in its own goroutine; when
// Run returns early, the producer's next yield returns false.
func Run(ctx context.Context, chunks iter.Seq[string], lim Limits, send Send) (Result, error) {
	d := &driver{lim: lim, send: send}
	return d.run(ctx, chunks)
}

type driver struct {
	lim      Limits
	send     Send
	res      Result
	key      string // the open message's key; "" when none is open
	open     bool   // a message has been started and not finished
	msgBytes int
	pending  []byte
	last     time.Time // start of the previous call
}

func (d *driver) run(ctx context.Context, chunks iter.Seq[string]) (Result, error) {
	ch := make(chan string)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ch)
		for s := range chunks {
			if s == "" {
				continue
			}
			select {
			case ch <- s:
			case <-stop:
				return
			}
		}
	}()

	pace := time.NewTimer(time.Hour)
	pace.Stop()
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	defer pace.Stop()
	defer idle.Stop()
	for {
		var paceC, idleC <-chan time.Time
		if len(d.pending) > 0 {
			wait := d.lim.MinGap - time.Since(d.last)
			if d.last.IsZero() || wait <= 0 {
				if err := d.flush(ctx, false); err != nil {
					return d.res, err
				}
				continue
			}
			pace.Reset(wait)
			paceC = pace.C
		} else if d.open {
			wait := time.Until(d.last.Add(d.lim.MaxIdle - d.lim.IdleMargin))
			idle.Reset(max(wait, 0))
			idleC = idle.C
		}
		select {
		case s, ok := <-ch:
			pace.Stop()
			idle.Stop()
			if !ok {
				return d.res, d.finish(ctx)
			}
			d.pending = append(d.pending, s...)
		case <-paceC:
		case <-idleC:
			// The producer stalled: finish the message before Tencent
			// closes it; later chunks start a new one.
			if err := d.call(ctx, "", true); err != nil {
				return d.res, err
			}
		case <-ctx.Done():
			pace.Stop()
			idle.Stop()
			cctx, cancel := d.closeCtx(ctx)
			defer cancel()
			_ = d.finish(cctx)
			return d.res, ctx.Err()
		}
	}
}

func (d *driver) closeCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d.lim.CloseTimeout)
}

// finish sends what is held as the final call of the open message (more
// than one message when the text outgrows MaxBytes); with nothing held and
// no message open there is nothing to do.
func (d *driver) finish(ctx context.Context) error {
	for len(d.pending) > 0 || d.open {
		if err := d.pace(ctx); err != nil {
			return err
		}
		if err := d.flush(ctx, true); err != nil {
			return err
		}
	}
	return nil
}

// pace waits until MinGap has passed since the previous call started.
func (d *driver) pace(ctx context.Context) error {
	if d.last.IsZero() {
		return nil
	}
	wait := d.lim.MinGap - time.Since(d.last)
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush sends the held text, splitting it where the message would reach
// MaxBytes (the head finishes the message, the tail stays held).
func (d *driver) flush(ctx context.Context, final bool) error {
	room := d.lim.MaxBytes - 1 - d.msgBytes
	if len(d.pending) > room {
		cut := max(room, 0)
		for cut > 0 && !utf8.RuneStart(d.pending[cut]) {
			cut--
		}
		head := string(d.pending[:cut])
		d.pending = d.pending[cut:]
		return d.call(ctx, head, true)
	}
	text := string(d.pending)
	d.pending = d.pending[:0]
	return d.call(ctx, text, final)
}

// call makes one call; on failure it closes the open message without
// resending the chunk.
func (d *driver) call(ctx context.Context, chunk string, finish bool) error {
	d.last = time.Now()
	d.res.Calls++
	key, err := d.send(ctx, Call{MsgKey: d.key, Chunk: chunk, Finish: finish})
	if err != nil {
		if d.key != "" && !finish {
			cctx, cancel := d.closeCtx(ctx)
			if d.pace(cctx) == nil {
				d.last = time.Now()
				d.res.Calls++
				_, _ = d.send(cctx, Call{MsgKey: d.key, Finish: true})
			}
			cancel()
		}
		d.open, d.key = false, ""
		return fmt.Errorf("%w (%d bytes, call %d): %w", ErrOutcomeUnknown, len(chunk), d.res.Calls, err)
	}
	d.res.Bytes += len(chunk)
	d.msgBytes += len(chunk)
	if d.key == "" {
		d.key = key
		d.res.MsgKeys = append(d.res.MsgKeys, key)
	}
	d.open = true
	if finish {
		d.open, d.key, d.msgBytes = false, "", 0
	}
	return nil
}

package timtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Streamed messages (openim_robot_http_svc/send_stream_msg, and the desk's
// send_stream_msg in desk.go). The first call opens a stream and answers
// its MsgKey; later calls carry the MsgKey and append their Chunk; the call
// with Finish 1 ends it. The fake enforces the documented limits: at most
// 5 continuations a second, a gap of at most 15 s between calls (past it
// the stream has ended and further calls fail), a text below 128 KB. A
// finished (or timed-out) robot stream becomes a text message from the
// robot in the C2C history and both conversation lists.

const (
	streamMaxIdle  = 15 * time.Second
	streamMaxBytes = 128 * 1024
	streamPerSec   = 5
)

type stream struct {
	key      string
	from, to string // robot streams
	session  string // desk streams
	chunks   []string
	calls    []time.Time
	bytes    int
	finished bool
	timedOut bool
	stored   bool
}

// Stream is a streamed message as the fake holds it.
type Stream struct {
	MsgKey string
	// From and To are the robot and the user (robot streams).
	From, To string
	// SessionID is the desk session (desk streams).
	SessionID string
	// Chunks are the texts of the calls, in arrival order.
	Chunks []string
	// Finished is true once a call carried Finish 1; TimedOut when the
	// idle gap ended the stream instead.
	Finished, TimedOut bool
}

// Text is the message's text: the chunks joined.
func (st Stream) Text() string { return strings.Join(st.Chunks, "") }

// expireLocked ends st if its idle gap has passed; s.mu is held.
func (s *Server) expireLocked(st *stream, now time.Time) {
	if st.finished || st.timedOut || len(st.calls) == 0 {
		return
	}
	if now.Sub(st.calls[len(st.calls)-1]) > streamMaxIdle {
		st.timedOut = true
		s.storeStreamLocked(st)
	}
}

// storeStreamLocked puts an ended robot stream in the C2C history.
func (s *Server) storeStreamLocked(st *stream) {
	if st.stored || st.from == "" {
		return
	}
	st.stored = true
	body, _ := json.Marshal([]map[string]any{{"MsgType": "TIMTextElem", "MsgContent": map[string]string{"Text": strings.Join(st.chunks, "")}}})
	t := st.calls[0].Unix()
	m := &c2cMsg{from: st.from, to: st.to, key: st.key, time: t, body: body, senderRoam: true}
	m.msgID = s.newMsgID(st.calls[0], 0)
	s.storeC2CLocked(m, true)
}

// streamCall runs one call of a stream; open makes a new stream (keyed
// from, to / session). s.mu is held.
func (s *Server) streamCallLocked(key, chunk string, finish bool, now time.Time, open func(key string) *stream) (string, error) {
	nx := s.nxLocked()
	var st *stream
	if key == "" {
		if chunk == "" {
			return "", fail(codeRobotParam, "Chunk is empty on the first call")
		}
		nx.streamSeq++
		key = fmt.Sprintf("%d_%d_%d", nx.streamSeq, uint32(now.UnixNano()), now.Unix())
		st = open(key)
		nx.streams[key] = st
	} else {
		st = nx.streams[key]
		if st == nil {
			return "", fail(codeRobotParam, "MsgKey %q is not a stream of this sender", key)
		}
		s.expireLocked(st, now)
		switch {
		case st.finished:
			return "", fail(codeRobotParam, "stream %s already finished", key)
		case st.timedOut:
			return "", fail(codeRobotParam, "stream %s ended: no call for over %v", key, streamMaxIdle)
		}
		recent := 0
		for _, at := range st.calls {
			if now.Sub(at) < time.Second {
				recent++
			}
		}
		if recent >= streamPerSec {
			return "", fail(codeRobotParam, "stream %s: over %d continuations a second", key, streamPerSec)
		}
	}
	if st.bytes+len(chunk) >= streamMaxBytes {
		return "", fail(codeRobotParam, "stream %s would reach %d bytes", key, streamMaxBytes)
	}
	st.calls = append(st.calls, now)
	st.chunks = append(st.chunks, chunk)
	st.bytes += len(chunk)
	if finish {
		st.finished = true
		s.storeStreamLocked(st)
	}
	return key, nil
}

type streamAnswer struct {
	envelope
	MsgKey string `json:"MsgKey"`
}

func (c *call) robotSendStream() (any, error) {
	var req struct {
		From   string `json:"From_Account"`
		To     string `json:"To_Account"`
		Chunk  string `json:"Chunk"`
		MsgKey string `json:"MsgKey"`
		Finish int    `json:"Finish"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeRobotParam, "request JSON: %v", err)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	switch {
	case !nx.robots[req.From]:
		return nil, fail(codeRobotParam, "From_Account %q is not an active robot", req.From)
	case s.accounts[req.To] == nil:
		return nil, fail(codeRobotParam, "To_Account %q not imported", req.To)
	}
	if req.MsgKey != "" {
		if st := nx.streams[req.MsgKey]; st != nil && (st.from != req.From || st.to != req.To) {
			return nil, fail(codeRobotParam, "MsgKey %q belongs to another conversation", req.MsgKey)
		}
	}
	key, err := s.streamCallLocked(req.MsgKey, req.Chunk, req.Finish == 1, c.now, func(key string) *stream {
		return &stream{key: key, from: req.From, to: req.To}
	})
	if err != nil {
		return nil, err
	}
	return &streamAnswer{MsgKey: key}, nil
}

// Streams returns the streamed messages received so far (robot and desk),
// oldest first, each with its chunks; a stream whose idle gap has passed
// is reported TimedOut (and, for a robot, stored in history).
func (s *Server) Streams() []Stream {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nx == nil {
		return nil
	}
	now := s.Now()
	list := make([]*stream, 0, len(s.nx.streams))
	for _, st := range s.nx.streams {
		s.expireLocked(st, now)
		list = append(list, st)
	}
	slices.SortFunc(list, func(a, b *stream) int { return cmp.Or(a.calls[0].Compare(b.calls[0]), cmp.Compare(a.key, b.key)) })
	out := make([]Stream, 0, len(list))
	for _, st := range list {
		out = append(out, Stream{MsgKey: st.key, From: st.from, To: st.to, SessionID: st.session,
			Chunks: slices.Clone(st.chunks), Finished: st.finished, TimedOut: st.timedOut})
	}
	return out
}

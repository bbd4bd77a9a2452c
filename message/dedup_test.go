package message_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// imServer mimics Tencent's dedup: it stores ("commits") each message in
// the recipient's inbox unless an identical key was seen inside the window,
// then lets drop decide whether the answer is lost.
type imServer struct {
	mu      sync.Mutex
	seen    map[string]time.Time // dedup key -> first seen
	inbox   map[string][]string  // recipient (user or group) -> message bodies
	window  time.Duration
	attempt int
	drop    func(attempt int, w http.ResponseWriter) bool // true: the answer is lost
}

func newIMServer(drop func(int, http.ResponseWriter) bool) *imServer {
	return &imServer{seen: map[string]time.Time{}, inbox: map[string][]string{}, window: 2 * time.Minute, drop: drop}
}

func (s *imServer) handle(w http.ResponseWriter, r testkit.Request) {
	var req struct {
		From      string          `json:"From_Account"`
		To        string          `json:"To_Account"`
		GroupID   string          `json:"GroupId"`
		MsgSeq    uint32          `json:"MsgSeq"`
		MsgRandom uint32          `json:"MsgRandom"`
		Random    uint32          `json:"Random"`
		MsgBody   json.RawMessage `json:"MsgBody"`
	}
	if err := json.Unmarshal(r.Body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// C2C: sender + MsgSeq + MsgRandom + CRC32 of the content (120 s).
	// Group: Random + content (5 min).
	crc := crc32.ChecksumIEEE(req.MsgBody)
	key, to, answer := fmt.Sprintf("c2c/%s/%d/%d/%d", req.From, req.MsgSeq, req.MsgRandom, crc), req.To,
		map[string]any{"MsgTime": 1700000000, "MsgKey": fmt.Sprintf("%d_%d_1700000000", req.MsgSeq, req.MsgRandom)}
	if req.GroupID != "" {
		key, to, answer = fmt.Sprintf("group/%s/%d/%d", req.GroupID, req.Random, crc), req.GroupID,
			map[string]any{"MsgTime": 1700000000, "MsgSeq": 1}
	}
	s.mu.Lock()
	now := time.Now()
	if first, dup := s.seen[key]; !dup || now.Sub(first) > s.window {
		s.seen[key] = now
		s.inbox[to] = append(s.inbox[to], string(req.MsgBody))
	}
	s.attempt++
	attempt := s.attempt
	s.mu.Unlock()
	if s.drop(attempt, w) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(testkit.With(answer))
}

func (s *imServer) messages(to string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.inbox[to]...)
}

// hangUp loses the answer by closing the connection without a response.
func hangUp(t *testing.T) func(int, http.ResponseWriter) bool {
	return func(attempt int, w http.ResponseWriter) bool {
		if attempt > 1 {
			return false
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return true
		}
		_ = conn.Close()
		return true
	}
}

// stall loses the answer by sleeping past the client's per-attempt timeout.
func stall(d time.Duration) func(int, http.ResponseWriter) bool {
	return func(attempt int, _ http.ResponseWriter) bool {
		if attempt > 1 {
			return false
		}
		time.Sleep(d)
		return false // too late: the client has given up on this attempt
	}
}

func TestNoDuplicateAfterLostAnswer(t *testing.T) {
	t.Parallel()
	const timeout = 150 * time.Millisecond
	cases := []struct {
		name string
		conv message.ConversationType
		to   string
		path string
		drop func(*testing.T) func(int, http.ResponseWriter) bool
	}{
		{"c2c_hangup", message.ConvC2C, "patient1", pathSend, hangUp},
		{"c2c_timeout", message.ConvC2C, "patient1", pathSend, func(*testing.T) func(int, http.ResponseWriter) bool { return stall(3 * timeout) }},
		{"group_hangup", message.ConvGroup, "@TGS#1", pathGroup, hangUp},
		{"group_timeout", message.ConvGroup, "@TGS#1", pathGroup, func(*testing.T) func(int, http.ResponseWriter) bool { return stall(3 * timeout) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			im := newIMServer(tc.drop(t))
			svc, srv := newService(t, tim.WithTimeout(timeout))
			srv.HandleRaw(tc.path, im.handle)

			m := message.NewText(tc.conv, tc.to, "your prescription is ready", message.WithSender("doctor1"))
			res, err := svc.Send(context.Background(), m)
			require.NoError(t, err)

			calls := srv.Calls(tc.path)
			require.Len(t, calls, 2, "the SDK resends once after the lost answer")
			assert.Equal(t, string(calls[0].Body), string(calls[1].Body), "the resend is byte-identical")
			assert.Len(t, im.messages(tc.to), 1, "the recipient holds the message exactly once")
			assert.Equal(t, m.Random, res.Random)

			// An application-level retry of the same *Message reuses the keys:
			// still exactly once.
			_, err = svc.Send(context.Background(), m)
			require.NoError(t, err)
			calls = srv.Calls(tc.path)
			require.Len(t, calls, 3)
			assert.True(t, bytes.Equal(calls[0].Body, calls[2].Body))
			assert.Len(t, im.messages(tc.to), 1)
		})
	}
}

func TestDistinctMessagesAreNotDeduped(t *testing.T) {
	t.Parallel()
	im := newIMServer(func(int, http.ResponseWriter) bool { return false })
	svc, srv := newService(t)
	srv.HandleRaw(pathSend, im.handle)
	for range 3 {
		_, err := svc.Send(context.Background(), message.NewText(message.ConvC2C, "p", "same text"))
		require.NoError(t, err)
	}
	assert.Len(t, im.messages("p"), 3, "three messages built separately carry three key sets")
}

func TestKeysFixedOnFirstSendOfLiteral(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	m := &message.Message{Conversation: message.ConvC2C, To: "p", Body: message.Body{&message.Text{Text: "x"}}}
	require.Zero(t, m.Random)
	r1, err := svc.Send(context.Background(), m)
	require.NoError(t, err)
	require.NotZero(t, m.Random)
	require.NotZero(t, m.Seq)
	r2, err := svc.Send(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, r1.Random, r2.Random)
	assert.Equal(t, r1.MsgSeq, r2.MsgSeq)
	calls := srv.Calls(pathSend)
	require.Len(t, calls, 2)
	assert.Equal(t, string(calls[0].Body), string(calls[1].Body))
}

func TestGroupMessageHasNoSeqKey(t *testing.T) {
	t.Parallel()
	m := message.NewText(message.ConvGroup, "g", "x")
	assert.NotZero(t, m.Random)
	assert.Zero(t, m.Seq, "a group's MsgSeq is assigned by Tencent")
}

func TestRetryableCodeResendsIdenticalRequest(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	var n int
	var mu sync.Mutex
	srv.Handle(pathSend, func(testkit.Request) any {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 1 {
			return testkit.Fail(20004, "network error, retry")
		}
		return testkit.With(map[string]any{"MsgKey": "k"})
	})
	_, err := svc.Send(context.Background(), message.NewText(message.ConvC2C, "p", "x"))
	require.NoError(t, err)
	calls := srv.Calls(pathSend)
	require.Len(t, calls, 2)
	assert.Equal(t, string(calls[0].Body), string(calls[1].Body))
}

func TestSeqKeepsBuildOrder(t *testing.T) {
	t.Parallel()
	// Within one second Tencent orders C2C history by MsgSeq: messages
	// built one after the other must get growing sequence numbers.
	prev := message.NewText(message.ConvC2C, "p", "first")
	for range 100 {
		time.Sleep(time.Microsecond)
		next := message.NewText(message.ConvC2C, "p", "next")
		if next.Seq < prev.Seq && prev.Seq-next.Seq < 1<<31 {
			t.Fatalf("seq went back: %d then %d", prev.Seq, next.Seq)
		}
		assert.NotEqual(t, prev.Random, next.Random)
		prev = next
	}
}

func TestNotificationWithoutDedupKeyIsNotResent(t *testing.T) {
	t.Parallel()
	// send_group_system_notification has no dedup key: after a lost answer
	// the SDK must not resend it (it could show twice).
	svc, srv := newService(t)
	const path = "group_open_http_svc/send_group_system_notification"
	srv.HandleRaw(path, func(w http.ResponseWriter, _ testkit.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
	err := svc.SendGroupNotification(context.Background(), message.GroupNotification{GroupID: "g", Content: "x"})
	require.Error(t, err)
	assert.Len(t, srv.Calls(path), 1)
}

func TestFixKeysFollowsTheMessage(t *testing.T) {
	t.Parallel()
	type keys struct{ random, seq uint32 }
	of := func(m *message.Message) keys { return keys{m.Random, m.Seq} }

	m := message.NewText(message.ConvC2C, "a", "x", message.WithSender("s"))
	k := of(m)
	m.FixKeys()
	assert.Equal(t, k, of(m), "unchanged: kept")

	// Delivery settings are not what the keys protect.
	m.OfflinePush = &message.OfflinePushInfo{Desc: "d"}
	m.SendControl = []message.SendControl{message.NoUnread}
	m.FixKeys()
	assert.Equal(t, k, of(m))

	for _, change := range []func(){
		func() { m.To = "b" },
		func() { m.From = "t" },
		func() { m.Body = message.Body{&message.Text{Text: "y"}} },
		func() { m.CloudCustomData = "c" },
		func() { m.Conversation = message.ConvGroup },
		func() { m.Receivers = []string{"r"} },
		func() { m.TopicID = "topic" },
		func() { m.Mentions = []string{"r"} },
		func() { m.Conversation = message.ConvC2C; m.Receivers, m.TopicID, m.Mentions = nil, "", nil },
		func() { m.Random = 0 }, // zeroing a drawn key asks for fresh ones
	} {
		change()
		m.FixKeys()
		require.NotZero(t, m.Random)
		assert.NotEqual(t, k.random, m.Random)
		k = of(m)
	}
	// Still the SDK's keys: the next change draws again.
	m.To = "c"
	m.FixKeys()
	assert.NotEqual(t, k.random, m.Random)

	// A group message changed only in its delivery settings keeps its key.
	g := message.NewText(message.ConvGroup, "g", "x")
	r := g.Random
	g.Priority = message.PriorityHigh
	g.FixKeys()
	assert.Equal(t, r, g.Random)
	assert.Zero(t, g.Seq)

	// Keys the caller set are never replaced: partly set ones neither.
	e := message.NewText(message.ConvC2C, "a", "x", message.WithKeys(5, 0))
	require.NotZero(t, e.Seq)
	ek := of(e)
	e.To, e.Body = "b", message.Body{&message.Text{Text: "y"}}
	e.FixKeys()
	assert.Equal(t, ek, of(e))
}

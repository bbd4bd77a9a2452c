package message_test

// End-to-end dedup tests against timtest, whose dedup follows Tencent's
// documented keys: C2C sender + MsgSeq + MsgRandom + CRC32 of MsgBody (the
// recipient is not part of it; batchsendmsg and importmsg alike), group
// GroupId + Random + content.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// patientIDs returns n distinct UserIDs with a prefix.
func patientIDs(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// requireInboxes checks that every user holds exactly want C2C messages
// and that they are the texts given (in order).
func requireInboxes(t *testing.T, srv *timtest.Server, users []string, texts ...string) {
	t.Helper()
	bad := 0
	for _, u := range users {
		got := srv.MessagesTo(u)
		var gotTexts []string
		for _, m := range got {
			gotTexts = append(gotTexts, m.Text())
		}
		if !slices.Equal(gotTexts, texts) {
			if bad < 5 {
				t.Errorf("inbox of %s: %q, want %q", u, gotTexts, texts)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d inboxes are wrong", bad, len(users))
	}
}

// batchCalls groups the fake's batchsendmsg requests by their recipient
// list: one entry per chunk, holding every attempt's body.
func batchCalls(t *testing.T, srv *timtest.Server) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, r := range srv.Requests(pathBatch) {
		var req struct {
			To []string `json:"To_Account"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &req))
		k := strings.Join(req.To, ",")
		out[k] = append(out[k], string(r.Body))
	}
	return out
}

func TestE2EBatchReachesEveryInboxOnce(t *testing.T) {
	t.Parallel()
	const n = 1234 // three calls: 500, 500, 234
	cases := []struct {
		name  string
		fault func(*timtest.Server)
		retry tim.RetryPolicy
	}{
		{"clean", func(*timtest.Server) {}, e2eRetry},
		// Lost answers are not resent (batchsendmsg is Unsafe, see
		// TestBatchSendLostAnswerIsNotDeliveredTwice); refusals by the
		// frequency limit are, and change nothing.
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The client's 12,000/min recipient budget would make the test
			// wait; the fake still enforces it.
			e := newE2E(t, nil, tim.WithRetry(tc.retry), tim.WithLimiter(noLimit{}))
			ctx := e2e.Context(t)
			to := patientIDs("p", n)
			require.NoError(t, e.Fake.ImportAccounts(append([]string{"clinic"}, to...)...))
			tc.fault(e.Fake)

			m := message.NewText("", "", "The clinic is closed tomorrow.", message.WithSender("clinic"))
			res, err := e.Client.Message.SendBatch(ctx, m, to)
			require.NoError(t, err)
			assert.Equal(t, 3, res.Calls)
			assert.Equal(t, n, res.Sent)
			assert.Empty(t, res.Failed)
			requireInboxes(t, e.Fake, to, "The clinic is closed tomorrow.")

			// Each chunk carried keys of its own, the same on every attempt.
			calls := batchCalls(t, e.Fake)
			require.Len(t, calls, 3, "three distinct chunks")
			randoms := map[uint32]bool{}
			for _, bodies := range calls {
				for _, b := range bodies[1:] {
					assert.Equal(t, bodies[0], b, "a chunk's resend is byte-identical")
				}
				var req struct {
					MsgRandom uint32 `json:"MsgRandom"`
					MsgSeq    uint32 `json:"MsgSeq"`
				}
				require.NoError(t, json.Unmarshal([]byte(bodies[0]), &req))
				randoms[req.MsgRandom] = true
				assert.Equal(t, m.Seq, req.MsgSeq, "MsgSeq keeps the message's (history order)")
			}
			assert.Len(t, randoms, 3, "every chunk has its own MsgRandom")
			for i, p := range res.Parts {
				assert.NotZero(t, p.Random, "part %d", i)
			}

			// An application-level resend of the same *Message to the same
			// list reuses every chunk's keys: nobody gets it twice.
			before := len(e.Fake.Requests(pathBatch))
			res2, err := e.Client.Message.SendBatch(ctx, m, to)
			require.NoError(t, err)
			assert.Equal(t, n, res2.Sent)
			for i := range res.Parts {
				assert.Equal(t, res.Parts[i].Random, res2.Parts[i].Random)
			}
			requireInboxes(t, e.Fake, to, "The clinic is closed tomorrow.")
			again := batchCalls(t, e.Fake)
			require.Len(t, again, 3, "the resend splits the list the same way")
			for k, bodies := range again {
				for _, b := range bodies {
					assert.Equal(t, calls[k][0], b, "the resend carries the first send's bytes")
				}
			}
			assert.Greater(t, len(e.Fake.Requests(pathBatch)), before)
		})
	}
}

// Issue 14 item 11: Tencent documents no dedup window for batchsendmsg,
// so a call whose answer is lost (after the fake stored the message) is
// not resent: nobody gets the message twice, the chunk's recipients are
// reported Unknown and are not offered for a resend.
func TestBatchSendLostAnswerIsNotDeliveredTwice(t *testing.T) {
	t.Parallel()
	const n = 1234
	e := newE2E(t, nil, tim.WithRetry(e2eRetry), tim.WithLimiter(noLimit{}))
	ctx := e2e.Context(t)
	to := patientIDs("p", n)
	require.NoError(t, e.Fake.ImportAccounts(append([]string{"clinic"}, to...)...))
	e.Fake.DropNext(pathBatch, 1)

	m := message.NewText("", "", "The clinic is closed tomorrow.", message.WithSender("clinic"))
	res, err := e.Client.Message.SendBatch(ctx, m, to, message.BatchConcurrency(1))
	require.Error(t, err, "the call without an answer is reported")
	assert.Len(t, e.Fake.Requests(pathBatch), 3, "no call was resent")
	requireInboxes(t, e.Fake, to, "The clinic is closed tomorrow.")

	assert.Equal(t, n-500, res.Sent)
	require.Len(t, res.Failed, 500)
	assert.Equal(t, to[:500], res.Failed.Unknown(), "the first chunk's answer was lost")
	assert.Empty(t, res.Failed.Retryable(), "an unknown outcome is not offered for a resend")
}

func TestE2EBatchTemplateToAnotherList(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil, tim.WithLimiter(noLimit{}))
	ctx := e2e.Context(t)
	first, second := patientIDs("a", 700), patientIDs("b", 650)
	require.NoError(t, e.Fake.ImportAccounts(append([]string{"clinic"}, append(first, second...)...)...))

	// One *Message, two recipient lists: the chunks of the second list
	// must not be taken for resends of the first list's chunks.
	m := message.NewText(message.ConvC2C, "", "Flu shots available.", message.WithSender("clinic"))
	_, err := e.Client.Message.SendBatch(ctx, m, first)
	require.NoError(t, err)
	res, err := e.Client.Message.SendBatch(ctx, m, second)
	require.NoError(t, err)
	assert.Equal(t, len(second), res.Sent)
	requireInboxes(t, e.Fake, first, "Flu shots available.")
	requireInboxes(t, e.Fake, second, "Flu shots available.")

	// Same list, body changed: a new message for everyone.
	m.Body = message.Body{&message.Text{Text: "Flu shots: bring your card."}}
	_, err = e.Client.Message.SendBatch(ctx, m, second)
	require.NoError(t, err)
	requireInboxes(t, e.Fake, second, "Flu shots available.", "Flu shots: bring your card.")
}

func TestE2ETemplateReuse(t *testing.T) {
	t.Parallel()
	build := map[string]func() *message.Message{
		"constructor": func() *message.Message {
			return message.NewText(message.ConvC2C, "alice", "Your results are in.", message.WithSender("doctor"))
		},
		"literal": func() *message.Message {
			return &message.Message{Conversation: message.ConvC2C, To: "alice", From: "doctor",
				Body: message.Body{&message.Text{Text: "Your results are in."}}}
		},
	}
	for name, newMsg := range build {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, nil)
			ctx := e2e.Context(t)
			require.NoError(t, e.Fake.ImportAccounts("doctor", "alice", "bob", "carol"))
			m := newMsg()

			r1, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			m.To = "bob" // the same *Message as a template for another user
			r2, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.NotEqual(t, r1.MsgKey, r2.MsgKey, "bob's message is not alice's")
			assert.NotEqual(t, r1.Random, r2.Random)
			assert.Len(t, e.Fake.MessagesTo("alice"), 1)
			assert.Len(t, e.Fake.MessagesTo("bob"), 1, "bob receives it")

			// Body changed, same recipient: both messages are stored.
			m.Body = message.Body{&message.Text{Text: "Please book a follow-up."}}
			r3, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.NotEqual(t, r2.MsgKey, r3.MsgKey)
			var texts []string
			for _, x := range e.Fake.Messages("doctor", "bob") {
				texts = append(texts, x.Text())
			}
			assert.Equal(t, []string{"Your results are in.", "Please book a follow-up."}, texts)

			// An element changed in place counts as a changed body too.
			m.Body[0].(*message.Text).Text = "Follow-up booked."
			r4, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.NotEqual(t, r3.MsgKey, r4.MsgKey)
			assert.Len(t, e.Fake.Messages("doctor", "bob"), 3)

			// Sender changed: a new message too.
			require.NoError(t, e.Fake.ImportAccounts("nurse"))
			m.From = "nurse"
			_, err = e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.Len(t, e.Fake.Messages("nurse", "bob"), 1)

			// Unchanged: the resend reuses the keys and is absorbed.
			r5, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			r6, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.Equal(t, r5.MsgKey, r6.MsgKey)
			assert.Equal(t, r5.Random, r6.Random)
			assert.Len(t, e.Fake.Messages("nurse", "bob"), 1)

			// A copy of the message for carol draws its own keys and
			// leaves the original's alone.
			c := *m
			c.To = "carol"
			rc, err := e.Client.Message.Send(ctx, &c)
			require.NoError(t, err)
			assert.NotEqual(t, r5.Random, rc.Random)
			assert.Len(t, e.Fake.MessagesTo("carol"), 1)
			r7, err := e.Client.Message.Send(ctx, m)
			require.NoError(t, err)
			assert.Equal(t, r5.MsgKey, r7.MsgKey, "the original still resends as itself")
		})
	}
}

func TestE2ETemplateReuseAfterLostAnswer(t *testing.T) {
	t.Parallel()
	// The answer to alice's send is lost; the SDK resends it (absorbed),
	// then the template goes to bob. Each inbox holds exactly one message.
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "alice", "bob"))
	e.Fake.DropNext(pathSend, 2)
	m := message.NewText(message.ConvC2C, "alice", "Lab closed today.", message.WithSender("doctor"))
	_, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	m.To = "bob"
	e.Fake.DropNext(pathSend, 1)
	_, err = e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	assert.Len(t, e.Fake.Requests(pathSend), 5)
	assert.Len(t, e.Fake.MessagesTo("alice"), 1)
	assert.Len(t, e.Fake.MessagesTo("bob"), 1)
}

func TestE2EExplicitKeysAreHonoured(t *testing.T) {
	t.Parallel()
	// Keys set by the caller are sent as they are, whatever changes: the
	// caller owns their uniqueness (here: bob's message is absorbed as a
	// duplicate of alice's, as Tencent would).
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "alice", "bob"))
	m := message.NewText(message.ConvC2C, "alice", "x", message.WithSender("doctor"), message.WithKeys(4242, 77))
	r1, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	m.To = "bob"
	r2, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, uint32(4242), r2.Random)
	assert.Equal(t, uint64(77), r2.MsgSeq)
	assert.Equal(t, r1.MsgKey, r2.MsgKey)
	assert.Len(t, e.Fake.MessagesTo("bob"), 0)

	// A key overwritten after construction is the caller's too.
	m2 := message.NewText(message.ConvC2C, "alice", "y", message.WithSender("doctor"))
	m2.Random = 999
	_, err = e.Client.Message.Send(ctx, m2)
	require.NoError(t, err)
	seq := m2.Seq
	m2.Body = message.Body{&message.Text{Text: "z"}}
	r3, err := e.Client.Message.Send(ctx, m2)
	require.NoError(t, err)
	assert.Equal(t, uint32(999), r3.Random)
	assert.Equal(t, uint64(seq), r3.MsgSeq)
}

func TestE2EGroupTemplateReuse(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	g1, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward 1", Owner: "doctor"})
	require.NoError(t, err)
	g2, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward 2", Owner: "doctor"})
	require.NoError(t, err)

	m := message.NewText(message.ConvGroup, g1.GroupID, "Rounds at 9.", message.WithSender("doctor"))
	r1, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	m.To = g2.GroupID
	r2, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	assert.NotEqual(t, r1.Random, r2.Random, "another group: fresh Random")
	m.Body = message.Body{&message.Text{Text: "Rounds at 10."}}
	r3, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	assert.NotEqual(t, r2.Random, r3.Random, "another body: fresh Random")
	r4, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	assert.Equal(t, r3.Random, r4.Random, "unchanged: same Random")
	assert.Equal(t, r3.MsgSeq, r4.MsgSeq, "absorbed: the original's MsgSeq")
	assert.Len(t, e.Fake.GroupMessages(g1.GroupID), 1)
	assert.Len(t, e.Fake.GroupMessages(g2.GroupID), 2)
	assert.Zero(t, m.Seq, "group messages carry no MsgSeq of their own")
}

func TestE2EImportTemplateReuse(t *testing.T) {
	t.Parallel()
	// A migration loop reusing one request value: each message imported
	// must be stored, even two in the same second.
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "alice", "bob"))
	at := time.Unix(1700000000, 0)
	r := &message.ImportC2CRequest{From: "doctor", To: "alice", Time: at, Body: message.Body{&message.Text{Text: "old 1"}}}
	require.NoError(t, e.Client.Message.ImportC2C(ctx, r))
	k1 := [2]uint32{r.Seq, r.Random}
	require.NoError(t, e.Client.Message.ImportC2C(ctx, r), "unchanged: absorbed")
	assert.Equal(t, k1, [2]uint32{r.Seq, r.Random})

	r.Body = message.Body{&message.Text{Text: "old 2"}} // same second, new content
	require.NoError(t, e.Client.Message.ImportC2C(ctx, r))
	r.To = "bob" // same content, another conversation
	require.NoError(t, e.Client.Message.ImportC2C(ctx, r))
	r.Time = at.Add(time.Second)
	require.NoError(t, e.Client.Message.ImportC2C(ctx, r))
	assert.Len(t, e.Fake.Messages("doctor", "alice"), 2)
	assert.Len(t, e.Fake.Messages("doctor", "bob"), 2)

	// Explicit keys are kept.
	x := &message.ImportC2CRequest{From: "doctor", To: "alice", Time: at, Seq: 5, Random: 6, Body: message.Body{&message.Text{Text: "x"}}}
	require.NoError(t, e.Client.Message.ImportC2C(ctx, x))
	x.To = "bob"
	require.NoError(t, e.Client.Message.ImportC2C(ctx, x))
	assert.Equal(t, [2]uint32{5, 6}, [2]uint32{x.Seq, x.Random})
}

func TestSendSharedMessageConcurrently(t *testing.T) {
	t.Parallel()
	// A message built by a constructor may be sent from several goroutines
	// (run under -race): sending it unchanged writes nothing.
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "alice"))
	m := message.NewText(message.ConvC2C, "alice", "shared", message.WithSender("doctor"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			res, err := e.Client.Message.Send(ctx, m)
			assert.NoError(t, err)
			assert.Equal(t, m.Random, res.Random)
		})
	}
	wg.Wait()
	assert.Len(t, e.Fake.MessagesTo("alice"), 1)
}

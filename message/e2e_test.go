package message_test

// End-to-end tests: client → timtest fake → signed callback → event
// handler → typed events, with nothing mocked in between.

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// e2eRetry resends quickly: the fake answers at once.
var e2eRetry = tim.RetryPolicy{MaxAttempts: 6, BaseDelay: 2 * time.Millisecond, MaxDelay: 10 * time.Millisecond, RateLimitDelay: 5 * time.Millisecond}

// newE2E is the shared harness with this package's callback path and
// retry policy.
func newE2E(t testing.TB, fakeOpts []timtest.Option, clientOpts ...tim.Option) *e2e.Env {
	t.Helper()
	return e2e.New(t, e2e.WithCallbackPath("/tim/callback"), e2e.WithRetry(e2eRetry), e2e.WithFake(fakeOpts...), e2e.WithClient(clientOpts...))
}

func TestE2EC2CTextBecomesMessageReceived(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	got := e2e.Record[*event.ReceivedMessage](e.Dispatcher)
	typed := e2e.Record[*event.C2CAfterSendMsg](e.Dispatcher)

	m := message.NewText(message.ConvC2C, "patient", "How are you feeling?",
		message.WithSender("doctor"), message.WithCloudCustomData(`{"visit":7}`))
	res, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	e.Settle(t)

	stored := e.Fake.Messages("doctor", "patient")
	require.Len(t, stored, 1)
	assert.Equal(t, res.MsgKey, stored[0].MsgKey)
	assert.Equal(t, m.Random, stored[0].MsgRandom)
	assert.Equal(t, m.Seq, stored[0].MsgSeq)
	assert.Equal(t, "How are you feeling?", stored[0].Text())

	require.Len(t, typed.All(), 1)
	require.Len(t, got.All(), 1)
	rm := got.All()[0]
	assert.Equal(t, message.ConvC2C, rm.ConversationType)
	assert.Equal(t, "doctor", rm.From)
	assert.Equal(t, "patient", rm.To)
	assert.Equal(t, "How are you feeling?", rm.Body.Text())
	assert.Equal(t, `{"visit":7}`, rm.CloudCustomData)
	assert.Equal(t, res.MsgKey, rm.MsgKey)
	assert.Equal(t, uint64(m.Seq), rm.MsgSeq)
	assert.Equal(t, m.Random, rm.MsgRandom)
	assert.Equal(t, 1, rm.UnreadCount)
	assert.Equal(t, res.MsgTime.Unix(), rm.Time.Unix())
	assert.False(t, res.MsgTime.IsZero())
	assert.Equal(t, "C2Cdoctor", rm.ConversationID("patient"))
	assert.Same(t, typed.All()[0], rm.Callback)
}

func TestE2EGroupTextWithMentions(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	cons, err := e.Client.Group.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor: group.Participant{UserID: "doctor", Name: "Dr. Wang"}, Patient: group.Participant{UserID: "patient", Name: "Li Lei"},
	})
	require.NoError(t, err)
	got := e2e.Record[*event.ReceivedMessage](e.Dispatcher)

	res, err := e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, cons.GroupID, "@Dr. Wang my results are in",
		message.WithSender("patient"), message.WithMentions("doctor"), message.WithPriority(message.PriorityHigh)))
	require.NoError(t, err)
	admin, err := e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, cons.GroupID, "The clinic closes at 6 pm."))
	require.NoError(t, err)
	e.Settle(t)

	stored := e.Fake.GroupMessages(cons.GroupID)
	require.Len(t, stored, 2)
	assert.Equal(t, res.MsgSeq, stored[0].MsgSeq)
	assert.Equal(t, admin.MsgSeq, stored[1].MsgSeq)

	rms := got.All()
	require.Len(t, rms, 2)
	assert.Equal(t, message.ConvGroup, rms[0].ConversationType)
	assert.Equal(t, cons.GroupID, rms[0].GroupID)
	assert.Equal(t, event.GroupType("Private"), rms[0].GroupType)
	assert.Equal(t, "patient", rms[0].From)
	assert.Equal(t, res.MsgSeq, rms[0].MsgSeq)
	assert.Equal(t, res.Random, rms[0].MsgRandom)
	require.Len(t, rms[0].AtInfo, 1)
	assert.Equal(t, "doctor", rms[0].AtInfo[0].GroupAtAccount)
	assert.Equal(t, "GROUP"+cons.GroupID, rms[0].ConversationID("doctor"))
	assert.Equal(t, e.Client.Admin(), rms[1].From, "an admin send without sender is reported as the admin")
}

func TestE2ERecallBecomesMessageRevoked(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	res, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "wrong dose", message.WithSender("doctor")))
	require.NoError(t, err)
	g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward", Owner: "doctor", Members: []group.NewMember{{UserID: "patient"}}})
	require.NoError(t, err)
	gres, err := e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "wrong room", message.WithSender("doctor")))
	require.NoError(t, err)
	revoked := e2e.Record[*event.RevokedMessage](e.Dispatcher)

	require.NoError(t, e.Client.Message.RecallC2C(ctx, "doctor", "patient", res.MsgKey))
	out, err := e.Client.Message.RecallGroup(ctx, message.RecallGroupRequest{GroupID: g.GroupID, MsgSeqs: []uint64{gres.MsgSeq, 999}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []message.RecallResult{{MsgSeq: gres.MsgSeq, Code: 0}, {MsgSeq: 999, Code: 10030}}, out)
	e.Settle(t)

	assert.True(t, e.Fake.Messages("doctor", "patient")[0].Recalled)
	assert.True(t, e.Fake.GroupMessages(g.GroupID)[0].Recalled)
	byType := map[message.ConversationType]*event.RevokedMessage{}
	for _, r := range revoked.All() {
		byType[r.ConversationType] = r
	}
	require.Len(t, byType, 2)
	assert.Equal(t, res.MsgKey, byType[message.ConvC2C].MsgKey)
	assert.Equal(t, "doctor", byType[message.ConvC2C].From)
	assert.Equal(t, g.GroupID, byType[message.ConvGroup].GroupID)
	assert.Equal(t, []uint64{gres.MsgSeq}, byType[message.ConvGroup].MsgSeqs)

	// A second recall meets Tencent's "already recalled" (20023), which
	// RecallC2C reports as done; nothing is recalled twice.
	require.NoError(t, e.Client.Message.RecallC2C(ctx, "doctor", "patient", res.MsgKey))
	e.Settle(t)
	reqs := e.Fake.Requests("openim/admin_msgwithdraw")
	require.Len(t, reqs, 2)
	assert.Equal(t, message.CodeAlreadyRecalled, reqs[1].Code)
	assert.Len(t, revoked.All(), 2)
}

// The before-send callback decides: rejection reaches the sender as an
// error, a replaced body is what is stored and delivered.
func TestE2EBeforeSendDecisions(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	got := e2e.Record[*event.ReceivedMessage](e.Dispatcher)
	event.Decide(e.Dispatcher, func(_ context.Context, m *event.C2CBeforeSendMsg) event.Decision {
		switch m.MsgBody.Text() {
		case "buy pills online":
			return event.Reject("spam")
		case "call me at 555-0100":
			return event.AllowModified(message.Body{&message.Text{Text: "call me at ***"}})
		case "custom code":
			d, err := event.RejectWithCode(120001, "not during night hours")
			if err != nil {
				panic(err)
			}
			return d
		case "drop me":
			return event.Drop()
		}
		return event.Allow()
	})
	event.Decide(e.Dispatcher, func(_ context.Context, m *event.GroupBeforeSendMsg) event.Decision {
		return event.Reject("group closed")
	})

	send := func(text string) error {
		_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", text, message.WithSender("doctor")))
		return err
	}
	err := send("buy pills online")
	assert.ErrorIs(t, err, tim.ErrRejectedByCallback)
	err = send("custom code")
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 120001, ae.Code)
	assert.NoError(t, send("drop me"), "a dropped message succeeds for the sender")
	require.NoError(t, send("call me at 555-0100"))
	require.NoError(t, send("hello"))

	g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward", Owner: "doctor"})
	require.NoError(t, err)
	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "hi all", message.WithSender("doctor")))
	assert.ErrorIs(t, err, tim.ErrRejectedByCallback)
	e.Settle(t)

	var texts []string
	for _, m := range e.Fake.Messages("doctor", "patient") {
		texts = append(texts, m.Text())
	}
	assert.Equal(t, []string{"call me at ***", "hello"}, texts)
	texts = nil
	for _, m := range got.All() {
		texts = append(texts, m.Body.Text())
	}
	assert.Equal(t, []string{"call me at ***", "hello"}, texts)
	assert.Empty(t, e.Fake.GroupMessages(g.GroupID))
}

// A committed send whose answer is lost is resent with the same keys and
// absorbed by the dedup window: one message, one MESSAGE_RECEIVED.
func TestE2ELostAnswersAreNotDuplicated(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward", Owner: "doctor", Members: []group.NewMember{{UserID: "patient"}}})
	require.NoError(t, err)
	got := e2e.Record[*event.ReceivedMessage](e.Dispatcher)

	e.Fake.DropNext("openim/sendmsg", 2)
	e.Fake.DropNext("group_open_http_svc/send_group_msg", 2)
	c2c, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "once", message.WithSender("doctor")))
	require.NoError(t, err)
	grp, err := e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "once in the group", message.WithSender("doctor")))
	require.NoError(t, err)
	e.Settle(t)

	require.Len(t, e.Fake.Messages("doctor", "patient"), 1)
	assert.Equal(t, c2c.MsgKey, e.Fake.Messages("doctor", "patient")[0].MsgKey, "the resend answers the original MsgKey")
	require.Len(t, e.Fake.GroupMessages(g.GroupID), 1)
	assert.Equal(t, uint64(grp.MsgSeq), e.Fake.GroupMessages(g.GroupID)[0].MsgSeq)
	assert.Len(t, e.Fake.Requests("openim/sendmsg"), 3)
	assert.Len(t, e.Fake.Requests("group_open_http_svc/send_group_msg"), 3)
	assert.Len(t, got.All(), 2)
}

// When every attempt's answer is lost the send fails, though Tencent may
// have stored it; sending the same *Message again is absorbed.
func TestE2EResendingTheSameMessageAfterAFailureIsAbsorbed(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	got := e2e.Record[*event.ReceivedMessage](e.Dispatcher)

	m := message.NewText(message.ConvC2C, "patient", "take one tablet", message.WithSender("doctor"))
	e.Fake.DropNext("openim/sendmsg", 2)
	_, err := e.Client.Message.Send(ctx, m)
	require.Error(t, err, "both attempts lost their answers")
	require.Len(t, e.Fake.Messages("doctor", "patient"), 1, "but the first one was committed")

	res, err := e.Client.Message.Send(ctx, m)
	require.NoError(t, err)
	e.Settle(t)
	stored := e.Fake.Messages("doctor", "patient")
	require.Len(t, stored, 1)
	assert.Equal(t, stored[0].MsgKey, res.MsgKey)
	assert.Len(t, got.All(), 1)
}

// History reads back what was sent, C2C in time order and groups walking
// down from the newest.
func TestE2EHistory(t *testing.T) {
	t.Parallel()
	e := newE2E(t, nil)
	ctx := e2e.Context(t)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward", Owner: "doctor"})
	require.NoError(t, err)
	var want []string
	for i := range 25 {
		text := fmt.Sprintf("note %02d", i)
		want = append(want, text)
		_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", text, message.WithSender("doctor")))
		require.NoError(t, err)
		_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, text, message.WithSender("doctor")))
		require.NoError(t, err)
	}

	var c2c []string
	for m, err := range e.Client.Message.C2CHistory(ctx, message.HistoryRequest{Operator: "patient", Peer: "doctor", PerPage: 10}) {
		require.NoError(t, err)
		c2c = append(c2c, m.Body.Text())
	}
	assert.ElementsMatch(t, want, c2c)

	var grp []string
	for m, err := range e.Client.Message.GroupHistory(ctx, message.GroupHistoryRequest{GroupID: g.GroupID, PerPage: 7}) {
		require.NoError(t, err)
		grp = append(grp, m.Body.Text())
	}
	require.Len(t, grp, 25)
	assert.Equal(t, "note 24", grp[0], "newest first")
	assert.Equal(t, "note 00", grp[24])
	e.Settle(t)
}

// The soak: 1,000 messages, C2C and group mixed, from 16 goroutines, with
// 20% of the answers dropped after the fake committed the send. The
// transport's retries with the messages' fixed dedup keys must deliver
// every message exactly once, counted in the fake's state and in the
// MESSAGE_RECEIVED events after the handler's dedup.
func TestE2ESoakDroppedAnswersDeliverExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	t.Parallel()
	const (
		total   = 1000
		workers = 16
		pairs   = 10 // C2C conversations
		groups  = 10
	)
	e := newE2E(t, []timtest.Option{timtest.WithRateLimit(timtest.Rate{})},
		tim.WithRateLimit(0),
		tim.WithTimeout(2*time.Second),
		// 20% drops: 12 attempts leave 0.2^12 ≈ 4e-9 per message.
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, RateLimitDelay: 5 * time.Millisecond}),
	)
	ctx := e2e.Context(t)

	users := make([]string, 0, 2*pairs)
	for i := range pairs {
		users = append(users, fmt.Sprintf("doctor_%d", i), fmt.Sprintf("patient_%d", i))
	}
	require.NoError(t, e.Fake.ImportAccounts(users...))
	groupIDs := make([]string, groups)
	for i := range groups {
		res, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: fmt.Sprintf("ward %d", i),
			Owner: fmt.Sprintf("doctor_%d", i), Members: []group.NewMember{{UserID: fmt.Sprintf("patient_%d", i)}}})
		require.NoError(t, err)
		groupIDs[i] = res.GroupID
	}
	e.Settle(t)

	var mu sync.Mutex
	received := map[string]int{} // text → MESSAGE_RECEIVED count
	event.On(e.Dispatcher, func(_ context.Context, m *event.ReceivedMessage) {
		mu.Lock()
		received[m.Body.Text()]++
		mu.Unlock()
	})
	var typedC2C, typedGroup atomic.Int64
	event.On(e.Dispatcher, func(context.Context, *event.C2CAfterSendMsg) { typedC2C.Add(1) })
	event.On(e.Dispatcher, func(context.Context, *event.GroupAfterSendMsg) { typedGroup.Add(1) })

	e.Fake.DropRatio("openim/sendmsg", 0.2)
	e.Fake.DropRatio("group_open_http_svc/send_group_msg", 0.2)

	start := time.Now()
	jobs := make(chan int)
	errs := make(chan error, total)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				text := fmt.Sprintf("soak #%04d", i)
				var m *message.Message
				if i%2 == 0 {
					k := (i / 2) % pairs
					m = message.NewText(message.ConvC2C, fmt.Sprintf("patient_%d", k), text, message.WithSender(fmt.Sprintf("doctor_%d", k)))
				} else {
					k := (i / 2) % groups
					m = message.NewText(message.ConvGroup, groupIDs[k], text, message.WithSender(fmt.Sprintf("patient_%d", k)))
				}
				if _, err := e.Client.Message.Send(ctx, m); err != nil {
					errs <- fmt.Errorf("%s: %w", text, err)
				}
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(errs)
	sendTime := time.Since(start)
	for err := range errs {
		t.Error(err)
	}
	e.Fake.ClearFaults()
	e.Settle(t)

	// The faults really happened.
	dropped := 0
	for _, r := range e.Fake.Requests("openim/sendmsg", "group_open_http_svc/send_group_msg") {
		if r.Dropped {
			dropped++
		}
	}
	t.Logf("%d messages in %s, %d answers dropped and resent", total, sendTime.Round(time.Millisecond), dropped)
	assert.Greater(t, dropped, total/10, "about 20%% of the answers should have been dropped")

	// Exactly once in the fake's state.
	stored := map[string]int{}
	for i := range pairs {
		for _, m := range e.Fake.Messages(fmt.Sprintf("doctor_%d", i), fmt.Sprintf("patient_%d", i)) {
			stored[m.Text()]++
		}
	}
	for _, id := range groupIDs {
		for _, m := range e.Fake.GroupMessages(id) {
			stored[m.Text()]++
		}
	}
	// Exactly once as MESSAGE_RECEIVED.
	mu.Lock()
	defer mu.Unlock()
	for i := range total {
		text := fmt.Sprintf("soak #%04d", i)
		if stored[text] != 1 {
			t.Errorf("%s stored %d times", text, stored[text])
		}
		if received[text] != 1 {
			t.Errorf("%s received %d times", text, received[text])
		}
	}
	assert.Len(t, stored, total)
	assert.Len(t, received, total)
	assert.Equal(t, int64(total/2), typedC2C.Load(), "one after-send callback per C2C message")
	assert.Equal(t, int64(total/2), typedGroup.Load(), "one after-send callback per group message")
}

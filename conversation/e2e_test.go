package conversation_test

// End-to-end tests: client → timtest fake → signed callback → event
// handler → typed events, with nothing mocked in between. The conversation
// list read over REST must agree with the MESSAGE_RECEIVED events.

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// e2eClock is a manual clock shared by the fake, the client and the
// handler, so conversation times are distinct seconds.
type e2eClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *e2eClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *e2eClock) tick()          { c.mu.Lock(); c.t = c.t.Add(time.Second); c.mu.Unlock() }

// newE2E is the shared harness on the manual clock clk.
func newE2E(t testing.TB, clk *e2eClock, fakeOpts ...timtest.Option) *e2e.Env {
	t.Helper()
	return e2e.New(t, e2e.WithClock(clk.now), e2e.WithFake(fakeOpts...))
}

func e2eList(t *testing.T, ctx context.Context, svc *conversation.Service, user string) []conversation.Conversation {
	t.Helper()
	var out []conversation.Conversation
	for c, err := range svc.List(ctx, user) {
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

func ids(cs []conversation.Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID()
	}
	return out
}

func TestE2EConversationListAgreesWithReceivedMessages(t *testing.T) {
	t.Parallel()
	clk := &e2eClock{t: time.Now().Truncate(time.Second)}
	e := newE2E(t, clk, timtest.WithContactPageSize(3))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	const patient = "patient"
	doctors := []string{"doctor_0", "doctor_1", "doctor_2", "doctor_3", "doctor_4"}
	require.NoError(t, e.Fake.ImportAccounts(append([]string{patient}, doctors...)...))
	var groups []string
	for i := range 2 {
		g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: fmt.Sprintf("ward %d", i),
			Owner: doctors[i], Members: []group.NewMember{{UserID: patient}}})
		require.NoError(t, err)
		groups = append(groups, g.GroupID)
	}

	// The patient's view, built from the callbacks alone: conversation id
	// → time of its last message.
	var mu sync.Mutex
	fromEvents := map[string]time.Time{}
	lastUnread := 0
	event.On(e.Dispatcher, func(_ context.Context, m *event.ReceivedMessage) {
		mu.Lock()
		defer mu.Unlock()
		if m.ConversationType == message.ConvGroup || m.To == patient || m.From == patient {
			fromEvents[m.ConversationID(patient)] = m.Time
		}
		if m.ConversationType == message.ConvC2C && m.To == patient {
			// Callbacks of different conversations may arrive in any
			// order: the highest count is the one after the last send.
			lastUnread = max(lastUnread, m.UnreadCount)
		}
	})

	send := func(m *message.Message) {
		clk.tick()
		_, err := e.Client.Message.Send(ctx, m)
		require.NoError(t, err)
	}
	for _, d := range doctors {
		send(message.NewText(message.ConvC2C, patient, "your appointment is confirmed", message.WithSender(d)))
	}
	for i, g := range groups {
		send(message.NewText(message.ConvGroup, g, "welcome", message.WithSender(doctors[i])))
	}
	send(message.NewText(message.ConvC2C, doctors[0], "thank you", message.WithSender(patient)))
	e.Settle(t)

	list := e2eList(t, ctx, e.Client.Conversation, patient)
	want := []string{"C2Cdoctor_0", "GROUP" + groups[1], "GROUP" + groups[0], "C2Cdoctor_4", "C2Cdoctor_3", "C2Cdoctor_2", "C2Cdoctor_1"}
	assert.Equal(t, want, ids(list), "newest first")
	assert.Len(t, e.Fake.Requests("recentcontact/get_list"), 3, "7 conversations in pages of 3")

	mu.Lock()
	require.Len(t, fromEvents, len(want))
	for _, c := range list {
		assert.Equal(t, fromEvents[c.ID()].Unix(), c.MsgTime.Unix(), "%s: last message time", c.ID())
	}
	mu.Unlock()

	// The fake's own view agrees.
	var fake []string
	for _, c := range e.Fake.Conversations(patient) {
		if c.Type == timtest.ConvGroup {
			fake = append(fake, "GROUP"+c.Peer)
		} else {
			fake = append(fake, "C2C"+c.Peer)
		}
	}
	assert.Equal(t, want, fake)

	// Unread counts (package message): one per doctor, as the latest
	// callback said.
	unread, err := e.Client.Message.C2CUnread(ctx, patient, doctors...)
	require.NoError(t, err)
	for _, d := range doctors {
		assert.Equal(t, int64(1), unread.ByPeer[d], d)
	}
	all, err := e.Client.Message.C2CUnread(ctx, patient)
	require.NoError(t, err)
	mu.Lock()
	assert.Equal(t, int64(lastUnread), all.Total)
	mu.Unlock()
	require.NoError(t, e.Client.Message.SetC2CRead(ctx, patient, "doctor_1", time.Time{}))
	all, err = e.Client.Message.C2CUnread(ctx, patient)
	require.NoError(t, err)
	assert.Equal(t, int64(len(doctors)-1), all.Total)

	// Pinned conversations come first, across pages.
	require.NoError(t, e.Fake.PinConversation(patient, timtest.ConvC2C, "doctor_3", true))
	list = e2eList(t, ctx, e.Client.Conversation, patient)
	require.Len(t, list, len(want))
	assert.Equal(t, "C2Cdoctor_3", list[0].ID())
	assert.True(t, list[0].Pinned)
	pinned := 0
	for _, c := range list {
		if c.Pinned {
			pinned++
		}
	}
	assert.Equal(t, 1, pinned)

	// Deleting a conversation (and its history on this side).
	require.NoError(t, e.Client.Conversation.Delete(ctx, conversation.DeleteRequest{UserID: patient, With: conversation.C2C("doctor_2"), ClearHistory: true}))
	require.NoError(t, e.Client.Conversation.Delete(ctx, conversation.DeleteRequest{UserID: patient, With: conversation.Group(groups[0])}))
	list = e2eList(t, ctx, e.Client.Conversation, patient)
	assert.NotContains(t, ids(list), "C2Cdoctor_2")
	assert.NotContains(t, ids(list), "GROUP"+groups[0])
	assert.Len(t, list, len(want)-2)

	// History is bounded by the fake's clock, which runs ahead of the wall
	// clock here (message.Service defaults Until to time.Now).
	var history []string
	for m, err := range e.Client.Message.C2CHistory(ctx, message.HistoryRequest{Operator: patient, Peer: "doctor_2", Until: clk.now()}) {
		require.NoError(t, err)
		history = append(history, m.Body.Text())
	}
	assert.Empty(t, history, "ClearHistory hides the messages from the patient")
	history = nil
	for m, err := range e.Client.Message.C2CHistory(ctx, message.HistoryRequest{Operator: "doctor_2", Peer: patient, Until: clk.now()}) {
		require.NoError(t, err)
		history = append(history, m.Body.Text())
	}
	assert.Len(t, history, 1, "the doctor keeps them")

	// The doctor's side: one conversation each.
	for i, d := range doctors {
		dl := e2eList(t, ctx, e.Client.Conversation, d)
		got := ids(dl)
		sort.Strings(got)
		wantD := []string{"C2C" + patient}
		if i < len(groups) {
			wantD = append(wantD, "GROUP"+groups[i])
		}
		sort.Strings(wantD)
		assert.Equal(t, wantD, got, d)
	}
}

// A page whose answer is lost is read again: get_list is a read, so the
// transport retries it and the iterator sees every conversation once.
func TestE2EConversationListSurvivesLostAnswers(t *testing.T) {
	t.Parallel()
	clk := &e2eClock{t: time.Now().Truncate(time.Second)}
	e := newE2E(t, clk, timtest.WithContactPageSize(2))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	users := []string{"u", "p0", "p1", "p2", "p3", "p4"}
	require.NoError(t, e.Fake.ImportAccounts(users...))
	for _, p := range users[1:] {
		clk.tick()
		_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "u", "hi", message.WithSender(p)))
		require.NoError(t, err)
	}
	e.Fake.DropNext("recentcontact/get_list", 2)
	e.Fake.FailNextHTTP("recentcontact/get_list", 1, 502)
	list := e2eList(t, ctx, e.Client.Conversation, "u")
	assert.Equal(t, []string{"C2Cp4", "C2Cp3", "C2Cp2", "C2Cp1", "C2Cp0"}, ids(list))
	e.Settle(t)
}

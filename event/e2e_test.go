package event_test

// End-to-end tests: client → timtest fake → signed callback → event
// handler → typed events, with nothing mocked in between.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// newE2E is the shared harness with this package's callback path.
// fakeToken is the token the fake signs with (normally e2e.Token, the
// handler's; "" leaves callbacks unsigned).
func newE2E(t testing.TB, fakeToken string, hopts []event.HandlerOption, fakeOpts ...timtest.Option) *e2e.Env {
	t.Helper()
	return e2e.New(t, e2e.WithCallbackPath("/im"), e2e.WithFakeToken(fakeToken), e2e.WithHandler(hopts...), e2e.WithFake(fakeOpts...))
}

// Everything the fake sends for a full flow parses into its typed callback
// (none is unknown), is accepted, and yields the front end's events.
func TestE2EEveryCallbackOfAFlowIsTyped(t *testing.T) {
	t.Parallel()
	e := newE2E(t, e2e.Token, nil)
	ctx := e2e.Context(t)
	all := e2e.Collect(e.Dispatcher)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient", "nurse"))

	_, err := e.Client.Login(ctx)
	require.NoError(t, err)
	require.NoError(t, e.Fake.SimulateLogin("patient", timtest.PlatformIOS))
	res, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "hi", message.WithSender("doctor")))
	require.NoError(t, err)
	require.NoError(t, e.Client.Message.RecallC2C(ctx, "doctor", "patient", res.MsgKey))
	cons, err := e.Client.Group.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor: group.Participant{UserID: "doctor", Name: "Dr. Wang"}, Patient: group.Participant{UserID: "patient", Name: "Li Lei"},
	})
	require.NoError(t, err)
	_, err = e.Client.Group.AddMembers(ctx, cons.GroupID, []string{"nurse"}, group.AddOptions{})
	require.NoError(t, err)
	gres, err := e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, cons.GroupID, "hello", message.WithSender("nurse")))
	require.NoError(t, err)
	_, err = e.Client.Message.RecallGroup(ctx, message.RecallGroupRequest{GroupID: cons.GroupID, MsgSeqs: []uint64{gres.MsgSeq}})
	require.NoError(t, err)
	name := "renamed"
	require.NoError(t, e.Client.Group.Update(ctx, group.UpdateRequest{GroupID: cons.GroupID, Name: &name}))
	require.NoError(t, e.Client.Group.DeleteMembers(ctx, cons.GroupID, []string{"nurse"}, group.DeleteOptions{}))
	require.NoError(t, e.Client.Group.Destroy(ctx, cons.GroupID))
	require.NoError(t, e.Client.Account.Kick(ctx, "patient"))
	e.Wait(t)

	evs := all.Take()
	typed := map[event.Command]int{}
	derived := map[event.Name]int{}
	for _, ev := range evs {
		if cb, ok := ev.(event.Callback); ok {
			_, unknown := ev.(*event.UnknownCallback)
			assert.False(t, unknown, "%s reached the handler as unknown", cb.Command())
			typed[cb.Command()]++
			continue
		}
		derived[ev.EventName()]++
	}
	sent := map[event.Command]int{}
	for _, cb := range e.Fake.Callbacks() {
		assert.Equal(t, http.StatusOK, cb.StatusCode, "%s: %s", cb.Command, cb.Response)
		assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`, string(cb.Response), cb.Command)
		sent[event.Command(cb.Command)]++
	}
	assert.Equal(t, sent, typed, "every callback sent was dispatched once as its type")
	for _, cmd := range []event.Command{
		event.CmdStateChange, event.CmdC2CBeforeSendMsg, event.CmdC2CAfterSendMsg, event.CmdC2CAfterMsgWithDraw,
		event.CmdGroupAfterCreateGroup, event.CmdGroupAfterNewMemberJoin, event.CmdGroupBeforeSendMsg,
		event.CmdGroupAfterSendMsg, event.CmdGroupAfterRecallMsg, event.CmdGroupAfterGroupInfoChanged,
		event.CmdGroupAfterMemberExit, event.CmdGroupAfterGroupDestroyed,
	} {
		assert.Positive(t, typed[cmd], "%s was exercised", cmd)
	}
	assert.Equal(t, map[event.Name]int{
		event.SDKReady:            1,
		event.UserStatusUpdated:   2, // login, kick
		event.MessageReceived:     2,
		event.MessageRevoked:      2,
		event.GroupCreated:        1,
		event.GroupMemberJoined:   1,
		event.GroupProfileUpdated: 1,
		event.GroupMemberLeft:     1,
		event.GroupDismissed:      1,
	}, derived)

	// The callbacks carry where they came from.
	for _, cb := range e2e.Only[*event.C2CAfterSendMsg](evs) {
		assert.Equal(t, event.PlatformRESTAPI, cb.Origin().OptPlatform.Canonical())
		assert.NotEmpty(t, cb.Origin().ClientIP)
		assert.Equal(t, timtest.DefaultSDKAppID, cb.Origin().SDKAppID)
		assert.WithinDuration(t, time.Now(), cb.Origin().RequestTime, time.Minute, "signed")
	}
}

// The handler refuses callbacks it cannot trust, and nothing is
// dispatched; the sends themselves are unaffected.
func TestE2EUntrustedCallbacksAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fakeToken string
		fakeOpts  []timtest.Option
		status    int
	}{
		{"wrong token", "not-the-token", nil, http.StatusUnauthorized},
		{"unsigned", "", nil, http.StatusUnauthorized},
		{"another app", e2e.Token, []timtest.Option{timtest.WithSDKAppID(1400000001)}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, tt.fakeToken, nil, tt.fakeOpts...)
			all := e2e.Collect(e.Dispatcher)
			ctx := e2e.Context(t)
			require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
			_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "hi", message.WithSender("doctor")))
			require.NoError(t, err, "a failed before-callback lets the message through")
			e.Wait(t)
			assert.Len(t, e.Fake.Messages("doctor", "patient"), 1)
			assert.Equal(t, map[string][]int{
				"C2C.CallbackBeforeSendMsg": {tt.status},
				"C2C.CallbackAfterSendMsg":  {tt.status},
			}, e.Statuses())
			for _, cb := range e.Fake.Callbacks() {
				assert.NotContains(t, string(cb.Response), "Sign", "the handler never echoes a signature")
			}
			for _, ev := range all.Take() {
				_, ready := ev.(*event.Ready) // the first call logs in lazily
				assert.True(t, ready, "%T dispatched from an untrusted callback", ev)
			}
		})
	}
}

// A device's life: login, a second login on the same platform pushing the
// first out, disconnect, logout, a REST kick, each as USER_STATUS_UPDATED
// (and KICKED_OUT), agreeing with query_online_status.
func TestE2EUserStatus(t *testing.T) {
	t.Parallel()
	e := newE2E(t, e2e.Token, nil)
	ctx := e2e.Context(t)
	all := e2e.Collect(e.Dispatcher)
	require.NoError(t, e.Fake.ImportAccounts("patient"))
	online := func() account.OnlineState {
		t.Helper()
		res, err := e.Client.Account.QueryOnlineStatus(ctx, []string{"patient"}, account.OnlineStatusOptions{})
		require.NoError(t, err)
		require.Len(t, res.Statuses, 1)
		return res.Statuses[0].Status
	}
	statuses := func() []*event.UserStatus {
		t.Helper()
		e.Wait(t)
		return e2e.Only[*event.UserStatus](all.Take())
	}

	require.NoError(t, e.Fake.SimulateLogin("patient", timtest.PlatformAndroid))
	s := statuses()
	require.Len(t, s, 1)
	assert.Equal(t, event.ActionLogin, s[0].Action)
	assert.True(t, s[0].Online())
	assert.Equal(t, account.StateOnline, online())

	require.NoError(t, e.Fake.SimulateLogin("patient", timtest.PlatformAndroid))
	e.Wait(t)
	evs := all.Take()
	kicked := e2e.Only[*event.Kicked](evs)
	require.Len(t, kicked, 1)
	assert.Equal(t, "patient", kicked[0].UserID)
	assert.Equal(t, []event.Platform{event.PlatformAndroid}, kicked[0].Devices)
	require.Len(t, e2e.Only[*event.UserStatus](evs), 1)

	require.NoError(t, e.Fake.SimulateDisconnect("patient", timtest.PlatformAndroid))
	s = statuses()
	require.Len(t, s, 1)
	assert.Equal(t, event.ActionDisconnect, s[0].Action)
	assert.False(t, s[0].Online())
	assert.Equal(t, account.StatePushOnline, online(), "a mobile device stays reachable by push")

	require.NoError(t, e.Fake.SimulateLogin("patient", timtest.PlatformWeb))
	require.NoError(t, e.Fake.SimulateLogout("patient", timtest.PlatformWeb))
	s = statuses()
	require.Len(t, s, 2)
	assert.Equal(t, event.ActionLogin, s[0].Action)
	assert.Equal(t, event.PlatformWeb, s[0].Platform)
	assert.Equal(t, event.ActionLogout, s[1].Action)

	require.NoError(t, e.Fake.SimulateLogin("patient", timtest.PlatformIOS))
	_ = statuses()
	require.NoError(t, e.Client.Account.Kick(ctx, "patient"))
	s = statuses()
	require.Len(t, s, 1)
	assert.Equal(t, event.ActionLogout, s[0].Action)
	assert.Equal(t, event.StateReason(timtest.ReasonKicked), s[0].Reason)
	assert.Equal(t, account.StateOffline, online())
}

// Tencent may deliver a callback twice, or to two replicas: the typed
// callback is dispatched each time, MESSAGE_RECEIVED once per message when
// the replicas share a dedup store.
func TestE2ERedeliveredCallbacksYieldOneDerivedEvent(t *testing.T) {
	t.Parallel()
	store := event.NewMemoryDedup(0)
	e := newE2E(t, e2e.Token, []event.HandlerOption{event.WithDedupStore(store)})
	ctx := e2e.Context(t)
	all := e2e.Collect(e.Dispatcher)
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	g, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "ward", Owner: "doctor", Members: []group.NewMember{{UserID: "patient"}}})
	require.NoError(t, err)
	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "one", message.WithSender("doctor")))
	require.NoError(t, err)
	_, err = e.Client.Message.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "two", message.WithSender("patient")))
	require.NoError(t, err)
	e.Wait(t)
	require.Len(t, e2e.Only[*event.ReceivedMessage](all.Take()), 2)

	// A second replica behind the same callback URL, sharing the store.
	hook, err := event.NewHandler(e.Dispatcher, timtest.DefaultSDKAppID, event.WithToken(e2e.Token), event.WithDedupStore(store))
	require.NoError(t, err)
	replica := httptest.NewServer(hook)
	defer replica.Close()
	after := e.Fake.Callbacks("C2C.CallbackAfterSendMsg", "Group.CallbackAfterSendMsg")
	require.Len(t, after, 2)
	for _, target := range []string{e.Hook.URL, replica.URL} {
		for _, cb := range after {
			res, err := http.Post(target+"/im?"+cb.Query.Encode(), "application/json", bytes.NewReader(cb.Body))
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
		}
	}
	evs := all.Take()
	assert.Len(t, e2e.Only[*event.C2CAfterSendMsg](evs), 2, "the typed callback, every delivery")
	assert.Len(t, e2e.Only[*event.GroupAfterSendMsg](evs), 2)
	assert.Empty(t, e2e.Only[*event.ReceivedMessage](evs), "no second MESSAGE_RECEIVED")
}

// SDK_READY and SDK_NOT_READY reach the same dispatcher as the callbacks.
func TestE2ELifecycleOnTheCallbackDispatcher(t *testing.T) {
	t.Parallel()
	e := newE2E(t, e2e.Token, nil)
	ctx := e2e.Context(t)
	all := e2e.Collect(e.Dispatcher)

	res, err := e.Client.Login(ctx)
	require.NoError(t, err)
	assert.False(t, res.RepeatLogin)
	res, err = e.Client.Login(ctx)
	require.NoError(t, err)
	assert.True(t, res.RepeatLogin)
	ready := e2e.Only[*event.Ready](all.Take())
	require.Len(t, ready, 1, "one SDK_READY per transition")
	assert.Equal(t, e.Fake.SDKAppID, ready[0].SDKAppID)
	assert.Equal(t, timtest.DefaultAdmin, ready[0].Identifier)

	wrong, err := tim.New(e.Fake.SDKAppID, "0123456789abcdef0123456789abcdef", tim.WithBaseURL(e.Fake.URL), tim.WithDispatcher(e.Dispatcher), tim.WithoutRetry())
	require.NoError(t, err)
	_, err = wrong.Login(ctx)
	require.ErrorIs(t, err, tim.ErrUserSigInvalid)
	notReady := e2e.Only[*event.NotReady](all.Take())
	require.Len(t, notReady, 1)
	assert.Equal(t, 70009, notReady[0].Code)
	assert.NotContains(t, notReady[0].Reason, "0123456789abcdef")
	assert.False(t, wrong.Ready())
	assert.True(t, e.Client.Ready())
}

// A decider slower than the handler's budget is abandoned and the fallback
// answered in time for Tencent (here the fake, with its 2 s budget).
func TestE2EBeforeCallbackBudgetAndFallback(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		fallback event.Decision
		stored   int
		wantErr  error
	}{
		{"fail open", event.Allow(), 1, nil},
		{"fail closed", event.Reject("decider too slow"), 0, tim.ErrRejectedByCallback},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newE2E(t, e2e.Token, []event.HandlerOption{event.WithBeforeBudget(50 * time.Millisecond), event.WithFallback(tt.fallback)})
			ctx := e2e.Context(t)
			// A decider that ignores its context and is still running when
			// the budget ends. (One that returns on ctx.Done races the
			// budget: see TestE2EDecisionMadeAfterTheBudgetIsNotAnswered.)
			release := make(chan struct{})
			defer close(release)
			event.Decide(e.Dispatcher, func(context.Context, *event.C2CBeforeSendMsg) event.Decision {
				<-release
				return event.Reject("too late to matter")
			})
			require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
			start := time.Now()
			_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", "hi", message.WithSender("doctor")))
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Less(t, time.Since(start), time.Second, "answered within the budget, not Tencent's 2 s")
			assert.Len(t, e.Fake.Messages("doctor", "patient"), tt.stored)
			e.Wait(t)
		})
	}
}

// A decider that honours its context returns when the budget ends; that
// decision is made after the budget and must not be answered: Tencent
// must get the fallback. The decider's result and the end of its context
// can be ready together (a tiny budget, a busy machine); the end must win.
func TestE2EDecisionMadeAfterTheBudgetIsNotAnswered(t *testing.T) {
	t.Parallel()
	e := newE2E(t, e2e.Token, []event.HandlerOption{event.WithBeforeBudget(5 * time.Millisecond), event.WithFallback(event.Allow())})
	ctx := e2e.Context(t)
	event.Decide(e.Dispatcher, func(ctx context.Context, _ *event.C2CBeforeSendMsg) event.Decision {
		<-ctx.Done()
		return event.Reject("decided after the budget")
	})
	require.NoError(t, e.Fake.ImportAccounts("doctor", "patient"))
	const n = 300
	rejected := 0
	for i := range n {
		_, err := e.Client.Message.Send(ctx, message.NewText(message.ConvC2C, "patient", fmt.Sprint("msg ", i), message.WithSender("doctor")))
		if errors.Is(err, tim.ErrRejectedByCallback) {
			rejected++
		} else {
			require.NoError(t, err)
		}
	}
	assert.Zero(t, rejected, "%d of %d sends got the late decision instead of the fallback", rejected, n)
}

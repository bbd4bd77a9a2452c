// Command quickstart walks through the front-end story on the server, one
// numbered step at a time: create the client, SDK_READY, Login, import a
// doctor and a patient, issue their UserSigs, send a text, receive it as
// MESSAGE_RECEIVED through the callback handler, list the conversations;
// then a consultation group "Doctor(Patient)", a group message and a group
// profile update.
//
//	go run ./examples/quickstart
//
// By default it runs against the built-in fake (timtest) in this process,
// which POSTs signed callbacks to the quickstart's webhook. With
// TIM_SDKAPPID and TIM_SECRET_KEY set (and optionally TIM_REGION,
// TIM_ADMIN, TIM_CALLBACK_TOKEN, TIM_CALLBACK_ADDR) the same code talks to
// Tencent; see examples/internal/setup. It exits 0 on success and 1 with
// the failing step on failure.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/usersig"
)

func main() {
	cfg, err := setup.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart: FAILED:", err)
		os.Exit(1)
	}
}

// The people of the story, and the texts they send.
const (
	doctorID    = "qs_doctor_wang"
	doctorName  = "Dr. Wang"
	patientID   = "qs_patient_li"
	patientName = "Li Lei"

	c2cText   = "Hello Li Lei, this is Dr. Wang. How are you feeling today?"
	groupText = "Doctor, I have had a headache since yesterday."
)

// callbackWait bounds each wait for a callback.
const callbackWait = 10 * time.Second

// run is the whole quickstart; out receives the readable output.
func run(ctx context.Context, out io.Writer, cfg setup.Config) error {
	p := setup.NewPrinter(out)

	// The webhook: Tencent (here: the fake) POSTs callbacks to it, the
	// handler verifies them and emits typed events on the dispatcher.
	ln, err := setup.Listen(cfg)
	if err != nil {
		return err
	}
	b, err := setup.Open(cfg, setup.URL(ln, "/tim/callback"))
	if err != nil {
		ln.Close()
		return err
	}
	defer b.Close()

	d, err := event.NewDispatcher()
	if err != nil {
		return err
	}
	in := newInbox(callbackWait)
	event.On(d, func(ctx context.Context, e *event.ReceivedMessage) { in.put(ctx, e) })
	event.On(d, func(ctx context.Context, e *event.NewGroup) { in.put(ctx, e) })
	event.On(d, func(ctx context.Context, e *event.GroupProfile) { in.put(ctx, e) })

	hook, err := event.NewHandler(d, b.SDKAppID, b.HandlerOptions()...)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /tim/callback", hook)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	p.Line("Quickstart against %s", b.Describe())
	if b.Callbacks {
		p.Line("Callbacks arrive at %s (signed: %t)\n", setup.URL(ln, "/tim/callback"), b.CallbackToken != "")
	} else {
		p.Line("Callbacks are not routed to this process (set %s and point the console's callback URL at it)\n", setup.EnvCallbackAddr)
	}

	p.Step("Create the client: tim.New(SDKAppID, secretKey, …)")
	c, err := b.NewClient(tim.WithDispatcher(d))
	if err != nil {
		return fmt.Errorf("step 1, tim.New: %w", err)
	}
	defer c.Close()
	p.Info("%s", c)

	p.Step("Subscribe to SDK_READY on the event dispatcher")
	ready := make(chan *event.Ready, 1)
	event.On(d, func(_ context.Context, e *event.Ready) {
		select {
		case ready <- e:
		default:
		}
	})
	p.Info("event.On(d, func(ctx, e *event.Ready) { … })")

	p.Step("Login")
	res, err := c.Login(ctx)
	if err != nil {
		return fmt.Errorf("step 3, Login: %w", err)
	}
	select {
	case e := <-ready:
		p.Info("← SDK_READY: logged in as %q for app %d", e.Identifier, e.SDKAppID)
	default:
		if !res.RepeatLogin {
			return errors.New("step 3, Login: no SDK_READY event")
		}
	}

	p.Step("Import two users: the doctor and the patient")
	for _, a := range []account.Account{{UserID: doctorID, Nick: doctorName}, {UserID: patientID, Nick: patientName}} {
		if err := c.Account.Import(ctx, a); err != nil {
			return fmt.Errorf("step 4, importing %s: %w", a.UserID, err)
		}
		p.Info("imported %s (%s)", a.UserID, a.Nick)
	}

	p.Step("Issue their UserSigs (what each front end passes to login)")
	for _, id := range []string{doctorID, patientID} {
		sig, err := c.UserSig(id, 24*time.Hour)
		if err != nil {
			return fmt.Errorf("step 5, UserSig for %s: %w", id, err)
		}
		if err := usersig.Verify(sig, b.SDKAppID, b.SecretKey, id, nil, time.Now()); err != nil {
			return fmt.Errorf("step 5, UserSig for %s does not verify: %w", id, err)
		}
		info, err := usersig.Decode(sig)
		if err != nil {
			return fmt.Errorf("step 5, UserSig for %s: %w", id, err)
		}
		p.Info("%s: %d-character UserSig, valid %s until %s (a credential: not printed)",
			info.Identifier, len(sig), info.Validity, info.ExpiresAt.Format(time.RFC3339))
	}

	p.Step("Send a text from the doctor to the patient (C2C)")
	sent, err := c.Message.Send(ctx, message.NewText(message.ConvC2C, patientID, c2cText, message.WithSender(doctorID)))
	if err != nil {
		return fmt.Errorf("step 6, sending the text: %w", err)
	}
	p.Info("sent %q, MsgKey %s", c2cText, sent.MsgKey)

	p.Step("Receive it as MESSAGE_RECEIVED through the callback handler")
	if err := expect(ctx, p, b.Callbacks, in, func(m *event.ReceivedMessage) bool { return m.MsgKey == sent.MsgKey },
		func(m *event.ReceivedMessage) {
			p.Info("← MESSAGE_RECEIVED %s → %s: %q (conversation %s, unread %d)",
				m.From, m.To, m.Body.Text(), m.ConversationID(m.To), m.UnreadCount)
		}); err != nil {
		return fmt.Errorf("step 7: %w", err)
	}

	p.Step("List the patient's conversations")
	if err := listConversations(ctx, p, c, patientID, 1); err != nil {
		return fmt.Errorf("step 8: %w", err)
	}

	p.Step("Create a Work group \"Doctor(Patient)\" for the consultation")
	cons, err := c.Group.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor:  group.Participant{UserID: doctorID, Name: doctorName},
		Patient: group.Participant{UserID: patientID, Name: patientName},
	})
	if err != nil {
		return fmt.Errorf("step 9, creating the group: %w", err)
	}
	p.Info("created %s named %q", cons.GroupID, cons.Name)
	if err := expect(ctx, p, b.Callbacks, in, func(g *event.NewGroup) bool { return g.GroupID == cons.GroupID },
		func(g *event.NewGroup) {
			p.Info("← GROUP_CREATED %s %q (%s), owner %s, members %v", g.GroupID, g.Name, g.Type, g.Owner, g.Members)
		}); err != nil {
		return fmt.Errorf("step 9: %w", err)
	}

	p.Step("Send a text in the group (from the patient)")
	gsent, err := c.Message.Send(ctx, message.NewText(message.ConvGroup, cons.GroupID, groupText, message.WithSender(patientID)))
	if err != nil {
		return fmt.Errorf("step 10, sending the group text: %w", err)
	}
	p.Info("sent %q, MsgSeq %d", groupText, gsent.MsgSeq)

	p.Step("Receive it as MESSAGE_RECEIVED")
	if err := expect(ctx, p, b.Callbacks, in,
		func(m *event.ReceivedMessage) bool {
			return m.GroupID == cons.GroupID && m.MsgSeq == uint64(gsent.MsgSeq)
		},
		func(m *event.ReceivedMessage) {
			p.Info("← MESSAGE_RECEIVED in %s from %s: %q (MsgSeq %d)", m.GroupID, m.From, m.Body.Text(), m.MsgSeq)
		}); err != nil {
		return fmt.Errorf("step 11: %w", err)
	}

	p.Step("Update the group profile (name and avatar)")
	name := cons.Name + " · follow-up"
	face := "https://example.com/avatars/consultation.png"
	if err := c.Group.Update(ctx, group.UpdateRequest{GroupID: cons.GroupID, Name: &name, FaceURL: &face}); err != nil {
		return fmt.Errorf("step 12, updating the group: %w", err)
	}
	if err := expect(ctx, p, b.Callbacks, in, func(g *event.GroupProfile) bool { return g.GroupID == cons.GroupID },
		func(g *event.GroupProfile) {
			p.Info("← GROUP_PROFILE_UPDATED %s: name %q, avatar %s", g.GroupID, deref(g.Name), deref(g.FaceURL))
		}); err != nil {
		return fmt.Errorf("step 12: %w", err)
	}
	infos, err := c.Group.Get(ctx, []string{cons.GroupID}, nil)
	if err != nil {
		return fmt.Errorf("step 12, reading the group: %w", err)
	}
	if len(infos) != 1 || infos[0].Name != name || infos[0].FaceURL != face {
		return fmt.Errorf("step 12: the group profile reads %+v, want name %q and avatar %q", infos, name, face)
	}
	p.Info("get_group_info: %q, avatar %s, %d members", infos[0].Name, infos[0].FaceURL, infos[0].MemberNum)

	p.Step("List the patient's conversations again")
	if err := listConversations(ctx, p, c, patientID, 2); err != nil {
		return fmt.Errorf("step 13: %w", err)
	}

	p.Line("\nQuickstart complete.")
	return nil
}

// listConversations prints userID's conversations and checks that there
// are at least want of them.
func listConversations(ctx context.Context, p *setup.Printer, c *tim.Client, userID string, want int) error {
	n := 0
	for conv, err := range c.Conversation.List(ctx, userID) {
		if err != nil {
			return fmt.Errorf("listing %s's conversations: %w", userID, err)
		}
		n++
		p.Info("%-28s last message %s", conv.ID(), conv.MsgTime.Local().Format("15:04:05"))
	}
	if n < want {
		return fmt.Errorf("%s has %d conversations, want at least %d", userID, n, want)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return "(unchanged)"
	}
	return *s
}

// inbox collects the events the webhook delivers, for the main goroutine
// to wait on in order.
type inbox struct {
	ch      chan event.Event
	pending []event.Event
	wait    time.Duration // bounds each wait
}

func newInbox(wait time.Duration) *inbox {
	return &inbox{ch: make(chan event.Event, 256), wait: wait}
}

// put runs on the webhook's goroutine.
func (in *inbox) put(ctx context.Context, e event.Event) {
	select {
	case in.ch <- e:
	case <-ctx.Done():
	}
}

// expect waits for the first event of type E that matches and shows it.
// Without callbacks routed here it says so and moves on.
func expect[E event.Event](ctx context.Context, p *setup.Printer, callbacks bool, in *inbox, match func(E) bool, show func(E)) error {
	if !callbacks {
		p.Info("(skipped: no callbacks reach this process)")
		return nil
	}
	e, err := waitFor(ctx, in, match)
	if err != nil {
		return err
	}
	show(e)
	return nil
}

// waitFor returns the first event of type E that matches, keeping the
// others for later waits.
func waitFor[E event.Event](ctx context.Context, in *inbox, match func(E) bool) (E, error) {
	for i, e := range in.pending {
		if m, ok := e.(E); ok && match(m) {
			in.pending = append(in.pending[:i], in.pending[i+1:]...)
			return m, nil
		}
	}
	timer := time.NewTimer(in.wait)
	defer timer.Stop()
	for {
		select {
		case e := <-in.ch:
			if m, ok := e.(E); ok && match(m) {
				return m, nil
			}
			in.pending = append(in.pending, e)
		case <-timer.C:
			var zero E
			return zero, fmt.Errorf("no %s event within %s: did the callback reach the webhook?", zero.EventName(), in.wait)
		case <-ctx.Done():
			var zero E
			return zero, fmt.Errorf("waiting for %s: %w", zero.EventName(), ctx.Err())
		}
	}
}

package consultapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
	"github.com/timkit/tim/robot"
)

// The demo's people.
var (
	demoDoctor   = person{ID: "dr_wang", Name: "Dr. Wang"}
	demoPatients = []person{{ID: "pt_li", Name: "Li Lei"}, {ID: "pt_han", Name: "Han Meimei"}}
	demoRenamed  = "Dr. Wang Wei"
)

// RunDemo starts the backend on a local port and drives its endpoints the
// way the app's front ends and admin tools would: two consultations for
// one doctor, a few messages, a rename of the doctor, the renamed groups.
func RunDemo(ctx context.Context, out io.Writer, cfg Config, opts Options) error {
	p := setup.NewPrinter(out)
	ln, err := setup.Listen(cfg)
	if err != nil {
		return err
	}
	// Webhook lines are held until the step's callbacks are in, so each
	// step's output reads in order: what was done, then what came back.
	var hook lines
	s, err := start(ctx, ln, cfg, opts, hook.add)
	if err != nil {
		ln.Close()
		return err
	}
	defer s.close(0) // every step waited for its answers and callbacks
	api := &apiClient{base: s.url, hc: &http.Client{Timeout: 15 * time.Second}}
	settle := func() error {
		err := s.backend.Settle(ctx)
		hook.flush(p)
		return err
	}
	defer hook.flush(p)

	p.Line("Consult demo: backend at %s", s.url)
	p.Line("IM: %s", s.backend.Describe())
	if s.backend.Callbacks {
		p.Line("Webhook: %s/tim/callback (signed: %t)\n", s.url, s.backend.CallbackToken != "")
	} else {
		p.Line("Webhook: not reachable by this IM backend (set %s and the console's callback URL)\n", setup.EnvCallbackAddr)
	}

	p.Step("Start two consultations for %s (POST /consultations)", demoDoctor.Name)
	var cons []startResponse
	for _, pt := range demoPatients {
		var res startResponse
		status, err := api.do(ctx, http.MethodPost, "/consultations", startRequest{Doctor: demoDoctor, Patient: pt}, &res)
		if err != nil {
			return fmt.Errorf("starting the consultation with %s: %w", pt.ID, err)
		}
		if res.Doctor.UserSig == "" || res.Patient.UserSig == "" {
			return fmt.Errorf("starting the consultation with %s: no user sigs in the answer", pt.ID)
		}
		p.Info("%d: group %s %q", status, res.GroupID, res.GroupName)
		p.Info("     user sigs for %s and %s (%d and %d characters, valid until %s; not printed)",
			res.Doctor.UserID, res.Patient.UserID, len(res.Doctor.UserSig), len(res.Patient.UserSig),
			res.Patient.ExpiresAt.Format(time.RFC3339))
		if res.Greeting == nil {
			return fmt.Errorf("starting the consultation with %s: the assistant did not greet the patient", pt.ID)
		}
		p.Info("     %s greeted %s: one streamed message in %d calls", assistantID, pt.ID, res.Greeting.Calls)
		cons = append(cons, res)
		if err := settle(); err != nil {
			return err
		}
	}

	p.Step("Exchange messages (POST /consultations/{groupID}/messages)")
	sent := 0
	for i, c := range cons {
		pt := demoPatients[i]
		for _, m := range []messageRequest{
			{From: pt.ID, Text: fmt.Sprintf("Hello %s, this is %s.", demoDoctor.Name, pt.Name)},
			{From: demoDoctor.ID, Text: fmt.Sprintf("Hello %s, what brings you here today?", pt.Name)},
		} {
			var res messageResponse
			if _, err := api.do(ctx, http.MethodPost, "/consultations/"+url.PathEscape(c.GroupID)+"/messages", m, &res); err != nil {
				return fmt.Errorf("posting in %s: %w", c.GroupID, err)
			}
			p.Info("%s → %s (MsgSeq %d): %q", m.From, c.GroupID, res.MsgSeq, m.Text)
			sent++
			if err := settle(); err != nil {
				return err
			}
		}
	}

	if err := demoTriage(ctx, p, s, api, cons[0].GroupID, demoPatients[0]); err != nil {
		return err
	}
	if err := settle(); err != nil {
		return err
	}

	p.Step("Rename the doctor to %q (PUT /users/%s/profile)", demoRenamed, demoDoctor.ID)
	var upd profileResponse
	if _, err := api.do(ctx, http.MethodPut, "/users/"+demoDoctor.ID+"/profile", profileRequest{Name: &demoRenamed}, &upd); err != nil {
		return fmt.Errorf("renaming the doctor: %w", err)
	}
	renamed := map[string]string{}
	for _, g := range upd.Groups {
		p.Info("%s: %s, %q → %q", g.GroupID, g.Status, g.OldName, g.NewName)
		if g.Status == "renamed" {
			renamed[g.GroupID] = g.NewName
		}
	}
	if err := settle(); err != nil {
		return err
	}

	p.Step("Show the doctor's consultations (GET /users/%s/consultations)", demoDoctor.ID)
	var list []groupSummary
	if _, err := api.do(ctx, http.MethodGet, "/users/"+demoDoctor.ID+"/consultations", nil, &list); err != nil {
		return fmt.Errorf("listing the doctor's consultations: %w", err)
	}
	names := map[string]string{}
	for _, g := range list {
		names[g.GroupID] = g.Name
		p.Info("%s %q", g.GroupID, g.Name)
	}

	// The demo checks its own outcome, so `make demo` fails loudly.
	for i, c := range cons {
		want := demoRenamed + "(" + demoPatients[i].Name + ")"
		if renamed[c.GroupID] != want || names[c.GroupID] != want {
			return fmt.Errorf("group %s: renamed to %q and listed as %q, want %q", c.GroupID, renamed[c.GroupID], names[c.GroupID], want)
		}
	}
	if s.backend.Callbacks {
		counts := s.app.Counts()
		if got := counts[event.MessageReceived]; got != sent {
			return fmt.Errorf("the webhook logged %d MESSAGE_RECEIVED, want %d", got, sent)
		}
		if got := counts[event.GroupProfileUpdated]; got < len(cons) {
			return fmt.Errorf("the webhook logged %d GROUP_PROFILE_UPDATED, want %d", got, len(cons))
		}
	}
	p.Line("\nDemo complete: %d consultations, %d messages, %d groups renamed.", len(cons), sent, len(renamed))
	return nil
}

// demoSymptoms is what the demo's patient tells the assistant.
const demoSymptoms = "I have had a fever of 38.5 and a dry cough since yesterday."

// demoTriage has the assistant stream a triage answer to the patient and
// shows it arriving: each call's chunk (from the fake's record) and the
// final message in the robot–patient history.
func demoTriage(ctx context.Context, p *setup.Printer, s *server, api *apiClient, groupID string, pt person) error {
	p.Step("The assistant answers %s's symptoms (POST /consultations/{groupID}/triage)", pt.Name)
	p.Info("%s: %q", pt.ID, demoSymptoms)
	var res streamSummary
	if _, err := api.do(ctx, http.MethodPost, "/consultations/"+url.PathEscape(groupID)+"/triage",
		triageRequest{Patient: pt.ID, Symptoms: demoSymptoms}, &res); err != nil {
		return fmt.Errorf("triage: %w", err)
	}
	want := TriageAnswer(demoSymptoms)
	if res.Bytes != len(want) || len(res.MsgKeys) != 1 {
		return fmt.Errorf("triage: streamed %d bytes in %d messages, want %d bytes in one", res.Bytes, len(res.MsgKeys), len(want))
	}
	p.Info("streamed in %d calls (at most one per %v), MsgKey %s", res.Calls, robot.DefaultStreamLimits.MinGap, res.MsgKeys[0])
	if s.backend.Fake == nil {
		return nil // Tencent's side of the stream is not inspectable
	}
	for _, st := range s.backend.Fake.Streams() {
		if st.MsgKey != res.MsgKeys[0] {
			continue
		}
		for i, c := range st.Chunks {
			p.Info("  chunk %d: %q", i+1, c)
		}
	}
	msgs := s.backend.Fake.Messages(assistantID, pt.ID)
	if len(msgs) == 0 || msgs[len(msgs)-1].Text() != want {
		return fmt.Errorf("triage: the final message in %s's history is not the streamed answer", pt.ID)
	}
	p.Info("final message in %s's history: %q", pt.ID, msgs[len(msgs)-1].Text())
	return nil
}

// lines holds log lines until they are flushed.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (h *lines) add(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.l = append(h.l, fmt.Sprintf(format, args...))
}

func (h *lines) flush(p *setup.Printer) {
	h.mu.Lock()
	l := h.l
	h.l = nil
	h.mu.Unlock()
	for _, s := range l {
		p.Info("%s", s)
	}
}

// apiClient calls the backend's endpoints, as a front end or an admin
// tool would.
type apiClient struct {
	base string
	hc   *http.Client
}

// do sends body as JSON and decodes a 2xx answer into out; other statuses
// are errors carrying the answer.
func (a *apiClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode/100 != 2 {
		return res.StatusCode, fmt.Errorf("%s %s: %s: %s", method, path, res.Status, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

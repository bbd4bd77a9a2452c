package consultapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/profile"
)

// App is the consultation backend: it owns the IM administrator client and
// serves the app's front ends and Tencent's callbacks.
//
//	POST /consultations                      start a consultation
//	POST /consultations/{groupID}/messages   post a text in it (e.g. a note from the clinic)
//	POST /consultations/{groupID}/triage     the assistant streams a triage answer to the patient
//	GET  /users/{userID}/consultations       the user's consultation groups
//	PUT  /users/{userID}/profile             change a display name or avatar; renames the groups
//	POST /tim/callback                       Tencent's callbacks (webhook)
type App struct {
	im     *tim.Client
	appID  uint64
	sigTTL time.Duration
	logf   func(format string, args ...any)
	mux    *http.ServeMux
	// assistant greets patients and streams triage answers (assistant.go).
	assistant *Assistant

	mu     sync.Mutex
	counts map[event.Name]int
}

// NewApp wires the routes. d is the dispatcher the webhook emits on (the
// client's, so SDK_READY lands there too); hopts configure the webhook
// (the callback token); logf receives one line per webhook event.
func NewApp(im *tim.Client, d *event.Dispatcher, hopts []event.HandlerOption, sigTTL time.Duration, logf func(string, ...any)) (*App, error) {
	hook, err := event.NewHandler(d, im.SDKAppID(), hopts...)
	if err != nil {
		return nil, err
	}
	a := &App{im: im, appID: im.SDKAppID(), sigTTL: sigTTL, logf: logf, mux: http.NewServeMux(), counts: map[event.Name]int{},
		assistant: &Assistant{im: im, tokenDelay: 15 * time.Millisecond}}
	a.subscribe(d)
	a.mux.HandleFunc("POST /consultations", a.startConsultation)
	a.mux.HandleFunc("POST /consultations/{groupID}/messages", a.postMessage)
	a.mux.HandleFunc("POST /consultations/{groupID}/triage", a.triage)
	a.mux.HandleFunc("GET /users/{userID}/consultations", a.consultations)
	a.mux.HandleFunc("PUT /users/{userID}/profile", a.updateProfile)
	a.mux.Handle("POST /tim/callback", hook)
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ready": im.Ready()})
	})
	return a, nil
}

// ServeHTTP serves the routes.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Counts returns how many events of each name the webhook delivered.
func (a *App) Counts() map[event.Name]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[event.Name]int, len(a.counts))
	for k, v := range a.counts {
		out[k] = v
	}
	return out
}

// subscribe logs what the webhook receives, under the front end's names.
func (a *App) subscribe(d *event.Dispatcher) {
	seen := func(n event.Name, format string, args ...any) {
		a.mu.Lock()
		a.counts[n]++
		a.mu.Unlock()
		a.logf("webhook ← %s "+format, append([]any{n}, args...)...)
	}
	event.On(d, func(_ context.Context, m *event.ReceivedMessage) {
		if m.ConversationType == message.ConvGroup {
			seen(m.EventName(), "in %s from %s: %q", m.GroupID, m.From, m.Body.Text())
		} else {
			seen(m.EventName(), "%s → %s: %q", m.From, m.To, m.Body.Text())
		}
	})
	event.On(d, func(_ context.Context, g *event.NewGroup) {
		seen(g.EventName(), "%s %q, owner %s, members %s", g.GroupID, g.Name, g.Owner, strings.Join(g.Members, ", "))
	})
	event.On(d, func(_ context.Context, g *event.GroupProfile) {
		var changes []string
		if g.Name != nil {
			changes = append(changes, fmt.Sprintf("name %q", *g.Name))
		}
		if g.FaceURL != nil {
			changes = append(changes, "avatar "+*g.FaceURL)
		}
		if g.Introduction != nil {
			changes = append(changes, "introduction (the consultation record)")
		}
		seen(g.EventName(), "%s: %s", g.GroupID, strings.Join(changes, ", "))
	})
	event.On(d, func(_ context.Context, j *event.MembersJoined) {
		seen(j.EventName(), "%s: %s", j.GroupID, strings.Join(j.Members, ", "))
	})
	event.On(d, func(_ context.Context, s *event.UserStatus) {
		seen(s.EventName(), "%s %s on %s", s.UserID, s.Action, s.Platform)
	})
}

// person is a doctor or a patient in the API.
type person struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
}

type startRequest struct {
	Doctor  person `json:"doctor"`
	Patient person `json:"patient"`
	// GroupID is optional: with one, starting the same consultation twice
	// is safe (the second call reports existed).
	GroupID string `json:"groupId,omitempty"`
}

// login is what a front end needs for TIM.create + login.
type login struct {
	SDKAppID  uint64    `json:"sdkAppId"`
	UserID    string    `json:"userId"`
	UserSig   string    `json:"userSig"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type startResponse struct {
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
	Existed   bool   `json:"existed"`
	Doctor    login  `json:"doctor"`
	Patient   login  `json:"patient"`
	// Greeting is the assistant's streamed greeting to the patient (new
	// consultations only; absent when it could not be sent).
	Greeting *streamSummary `json:"greeting,omitempty"`
}

// startConsultation imports both accounts (with their display names and
// avatars as profile), creates the Work group "Doctor(Patient)" and issues
// the user sigs both front ends log in with.
func (a *App) startConsultation(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if !decode(w, r, &req) {
		return
	}
	if err := req.Doctor.check("doctor"); err != nil {
		a.fail(w, err)
		return
	}
	if err := req.Patient.check("patient"); err != nil {
		a.fail(w, err)
		return
	}
	ctx := r.Context()
	for _, p := range []person{req.Doctor, req.Patient} {
		if err := a.im.Account.Import(ctx, account.Account{UserID: p.ID, Nick: p.Name, FaceURL: p.Avatar}); err != nil {
			a.fail(w, fmt.Errorf("importing %s: %w", p.ID, err))
			return
		}
	}
	cons, err := a.im.Group.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor:  group.Participant{UserID: req.Doctor.ID, Name: req.Doctor.Name},
		Patient: group.Participant{UserID: req.Patient.ID, Name: req.Patient.Name},
		GroupID: req.GroupID,
	})
	if err != nil {
		a.fail(w, fmt.Errorf("creating the consultation group: %w", err))
		return
	}
	res := startResponse{GroupID: cons.GroupID, GroupName: cons.Name, Existed: cons.Existed}
	for _, x := range []struct {
		id  string
		out *login
	}{{req.Doctor.ID, &res.Doctor}, {req.Patient.ID, &res.Patient}} {
		sig, err := a.im.UserSig(x.id, a.sigTTL)
		if err != nil {
			a.fail(w, fmt.Errorf("issuing the user sig of %s: %w", x.id, err))
			return
		}
		*x.out = login{SDKAppID: a.appID, UserID: x.id, UserSig: sig, ExpiresAt: time.Now().Add(a.sigTTL).UTC().Truncate(time.Second)}
	}
	status := http.StatusCreated
	if cons.Existed {
		status = http.StatusOK
	} else {
		// The assistant's greeting is a courtesy: the consultation stands
		// without it.
		g, err := a.assistant.Greet(ctx, req.Patient, req.Doctor)
		if err != nil {
			a.logf("assistant: greeting %s: %v", req.Patient.ID, err)
		} else {
			res.Greeting = summary(g)
		}
	}
	writeJSON(w, status, res)
}

type messageRequest struct {
	From string `json:"from"`
	Text string `json:"text"`
}

type messageResponse struct {
	MsgSeq  uint64    `json:"msgSeq"`
	MsgTime time.Time `json:"msgTime"`
}

// postMessage sends a text into a consultation group on behalf of a member
// (or as the administrator when from is empty).
func (a *App) postMessage(w http.ResponseWriter, r *http.Request) {
	var req messageRequest
	if !decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Text) == "" {
		a.fail(w, badRequest("text is required"))
		return
	}
	var opts []message.Option
	if req.From != "" {
		opts = append(opts, message.WithSender(req.From))
	}
	res, err := a.im.Message.Send(r.Context(), message.NewText(message.ConvGroup, r.PathValue("groupID"), req.Text, opts...))
	if err != nil {
		a.fail(w, fmt.Errorf("sending: %w", err))
		return
	}
	writeJSON(w, http.StatusCreated, messageResponse{MsgSeq: res.MsgSeq, MsgTime: res.MsgTime.UTC()})
}

type groupSummary struct {
	GroupID string `json:"groupId"`
	Name    string `json:"name"`
	Avatar  string `json:"avatar,omitempty"`
}

// consultations lists the Work groups the user is in, with their names.
func (a *App) consultations(w http.ResponseWriter, r *http.Request) {
	userID := r.PathValue("userID")
	out := []groupSummary{}
	for g, err := range a.im.Group.Joined(r.Context(), userID, group.JoinedOptions{
		Type: group.Private, WithNoActiveGroups: true, BaseInfo: []string{"Name", "FaceUrl"},
	}) {
		if err != nil {
			a.fail(w, fmt.Errorf("listing %s's groups: %w", userID, err))
			return
		}
		out = append(out, groupSummary{GroupID: g.GroupID, Name: g.Name, Avatar: g.FaceURL})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GroupID < out[j].GroupID })
	writeJSON(w, http.StatusOK, out)
}

type profileRequest struct {
	Name   *string `json:"name,omitempty"`
	Avatar *string `json:"avatar,omitempty"`
}

type groupChange struct {
	GroupID string `json:"groupId"`
	Status  string `json:"status"` // renamed, updated, unchanged, failed
	OldName string `json:"oldName"`
	NewName string `json:"newName"`
	Error   string `json:"error,omitempty"`
}

type profileResponse struct {
	UserID string        `json:"userId"`
	Groups []groupChange `json:"groups"`
}

// updateProfile changes a user's display name and/or avatar in the IM
// profile (where the front ends read it) and renames every consultation
// group of the user. Per-group failures are reported per group; the call
// answers 502 when any group failed, so the caller can retry (it is
// idempotent: groups already right stay unchanged).
func (a *App) updateProfile(w http.ResponseWriter, r *http.Request) {
	var req profileRequest
	if !decode(w, r, &req) {
		return
	}
	userID := r.PathValue("userID")
	var items []profile.Item
	if req.Name != nil {
		if group.CleanName(*req.Name) == "" {
			a.fail(w, badRequest("name must not be empty"))
			return
		}
		items = append(items, profile.Nick(*req.Name))
	}
	if req.Avatar != nil {
		items = append(items, profile.Avatar(*req.Avatar))
	}
	if len(items) == 0 {
		a.fail(w, badRequest("nothing to change: give name and/or avatar"))
		return
	}
	ctx := r.Context()
	if err := a.im.Profile.Set(ctx, userID, items...); err != nil {
		a.fail(w, fmt.Errorf("updating the profile of %s: %w", userID, err))
		return
	}
	var results []group.SyncResult
	var err error
	if req.Avatar == nil {
		results, err = a.im.Group.RenameParticipant(ctx, userID, *req.Name)
	} else {
		results, err = a.im.Group.UpdateParticipant(ctx, userID, group.ParticipantUpdate{Name: req.Name, FaceURL: req.Avatar})
	}
	if err != nil {
		a.fail(w, fmt.Errorf("updating the consultation groups of %s: %w", userID, err))
		return
	}
	res := profileResponse{UserID: userID, Groups: []groupChange{}}
	status := http.StatusOK
	for _, g := range results {
		c := groupChange{GroupID: g.GroupID, Status: g.Status.String(), OldName: g.OldName, NewName: g.NewName}
		if g.Err != nil {
			c.Error = g.Err.Error()
			status = http.StatusBadGateway
		}
		res.Groups = append(res.Groups, c)
	}
	sort.Slice(res.Groups, func(i, j int) bool { return res.Groups[i].GroupID < res.Groups[j].GroupID })
	writeJSON(w, status, res)
}

func (p person) check(role string) error {
	switch {
	case p.ID == "":
		return badRequest(role + ".id is required")
	case len(p.ID) > tim.MaxUserIDBytes:
		return badRequest(fmt.Sprintf("%s.id is longer than %d bytes", role, tim.MaxUserIDBytes))
	case group.CleanName(p.Name) == "":
		return badRequest(role + ".name is required")
	}
	return nil
}

// errBadRequest marks the app's own input errors.
var errBadRequest = errors.New("bad request")

func badRequest(msg string) error { return fmt.Errorf("%w: %s", errBadRequest, msg) }

// fail answers err with a status that says whose fault it is. SDK errors
// never carry the secret key or a usersig, so their text is safe to show.
func (a *App) fail(w http.ResponseWriter, err error) {
	status := http.StatusBadGateway
	switch {
	case errors.Is(err, errBadRequest), errors.Is(err, tim.ErrInvalidParameter):
		status = http.StatusBadRequest
	case errors.Is(err, tim.ErrAccountNotFound), errors.Is(err, tim.ErrGroupNotFound):
		status = http.StatusNotFound
	case errors.Is(err, tim.ErrPermission):
		status = http.StatusForbidden
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusGatewayTimeout
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// decode reads a small JSON body; false means the answer is written.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad request: " + err.Error()})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

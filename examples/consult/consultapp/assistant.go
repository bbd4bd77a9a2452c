package consultapp

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/robot"
)

// assistantID is the triage assistant's robot account.
const assistantID = "@RBT#triage"

// Assistant is the consultation's triage assistant: a robot account that
// greets the patient of a new consultation and streams a triage answer to
// the symptoms the patient describes, one-to-one (robot → patient). It
// never writes into the consultation group: the doctor's conversation is
// untouched. Its answers come from a deterministic local generator (no
// network, no model), produced word by word as a language model would.
type Assistant struct {
	im *tim.Client
	// tokenDelay is how long the generator takes per word.
	tokenDelay time.Duration

	mu      sync.Mutex
	created bool
}

// ensure creates the robot account once (create_robot is idempotent).
func (a *Assistant) ensure(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.created {
		return nil
	}
	if err := a.im.Robot.Create(ctx, robot.Robot{UserID: assistantID, Nick: "Triage assistant"}); err != nil {
		return fmt.Errorf("creating the assistant's robot account: %w", err)
	}
	a.created = true
	return nil
}

// Greet streams the greeting of a new consultation to the patient.
func (a *Assistant) Greet(ctx context.Context, patient person, doctor person) (*robot.StreamResult, error) {
	if err := a.ensure(ctx); err != nil {
		return nil, err
	}
	text := fmt.Sprintf("Hello %s, I am the triage assistant. %s will join you shortly. "+
		"Meanwhile, tell me what brings you here and since when.", patient.Name, doctor.Name)
	return a.im.Robot.Stream(ctx, assistantID, patient.ID, a.words(text))
}

// Triage streams a triage answer to the symptoms to the patient.
func (a *Assistant) Triage(ctx context.Context, patientID, symptoms string) (*robot.StreamResult, error) {
	if err := a.ensure(ctx); err != nil {
		return nil, err
	}
	return a.im.Robot.Stream(ctx, assistantID, patientID, a.words(TriageAnswer(symptoms)))
}

// words yields text word by word (each with its trailing space), one word
// every tokenDelay: the shape of a language model's output.
func (a *Assistant) words(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		fields := strings.SplitAfter(text, " ")
		for i, w := range fields {
			if i > 0 && a.tokenDelay > 0 {
				time.Sleep(a.tokenDelay)
			}
			if !yield(w) {
				return
			}
		}
	}
}

// triageRule is one line of the assistant's knowledge.
type triageRule struct {
	keywords []string
	advice   string
}

var triageRules = []triageRule{
	{[]string{"fever", "temperature"}, "A fever: drink plenty of fluids and note your temperature every four hours."},
	{[]string{"cough"}, "A cough: tell the doctor whether it is dry or brings up phlegm, and since when."},
	{[]string{"chest pain", "breath"}, "Chest pain or shortness of breath can be urgent: if it is severe, call emergency services now."},
	{[]string{"headache"}, "A headache: note where it hurts and whether light or noise makes it worse."},
	{[]string{"rash", "itch"}, "A rash: a photo in this conversation helps the doctor."},
}

// TriageAnswer is the assistant's deterministic answer to the symptoms:
// the advice of every rule whose keyword they mention, in rule order,
// framed by an opening and a closing sentence.
func TriageAnswer(symptoms string) string {
	s := strings.ToLower(symptoms)
	var b strings.Builder
	b.WriteString("Thank you. Here is a first triage while you wait for the doctor. ")
	n := 0
	for _, r := range triageRules {
		for _, k := range r.keywords {
			if strings.Contains(s, k) {
				b.WriteString(r.advice + " ")
				n++
				break
			}
		}
	}
	if n == 0 {
		b.WriteString("I could not match your symptoms to my list; the doctor will ask you more. ")
	}
	b.WriteString("This is not a diagnosis: the doctor will review it with you.")
	return b.String()
}

type triageRequest struct {
	Patient  string `json:"patient"`
	Symptoms string `json:"symptoms"`
}

// streamSummary is what a streamed answer did.
type streamSummary struct {
	MsgKeys []string `json:"msgKeys"`
	Calls   int      `json:"calls"`
	Bytes   int      `json:"bytes"`
}

func summary(r *robot.StreamResult) *streamSummary {
	if r == nil {
		return nil
	}
	return &streamSummary{MsgKeys: r.MsgKeys, Calls: r.Calls, Bytes: r.Bytes}
}

// triage streams the assistant's answer to the patient's symptoms.
func (a *App) triage(w http.ResponseWriter, r *http.Request) {
	var req triageRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Patient == "" || strings.TrimSpace(req.Symptoms) == "" {
		a.fail(w, badRequest("patient and symptoms are required"))
		return
	}
	res, err := a.assistant.Triage(r.Context(), req.Patient, req.Symptoms)
	if err != nil {
		a.fail(w, fmt.Errorf("streaming the triage answer: %w", err))
		return
	}
	a.logf("assistant → %s in %s: triage answer streamed in %d calls, %d bytes", req.Patient, r.PathValue("groupID"), res.Calls, res.Bytes)
	writeJSON(w, http.StatusOK, summary(res))
}

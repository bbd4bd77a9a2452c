package consultapp

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/examples/internal/setup"
)

// The generator is deterministic and covers the symptoms it knows.
func TestTriageAnswerIsDeterministic(t *testing.T) {
	t.Parallel()
	a := TriageAnswer("Fever and a COUGH")
	assert.Equal(t, a, TriageAnswer("Fever and a COUGH"))
	assert.Contains(t, a, "A fever:")
	assert.Contains(t, a, "A cough:")
	assert.NotContains(t, a, "A rash:")
	assert.Contains(t, TriageAnswer("my knee"), "could not match")
	assert.True(t, strings.HasSuffix(a, "the doctor will review it with you."))
}

// The assistant streams into the patient's one-to-one conversation with the
// robot; the consultation group (the doctor's conversation) gets nothing.
func TestTriageLeavesTheGroupUntouched(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s, err := start(ctx, ln, setup.Config{}, Options{SigTTL: time.Hour}, func(string, ...any) {})
	require.NoError(t, err)
	t.Cleanup(func() { s.close(0) })
	api := &apiClient{base: s.url, hc: &http.Client{Timeout: 10 * time.Second}}
	var res startResponse
	_, err = api.do(ctx, http.MethodPost, "/consultations", startRequest{Doctor: demoDoctor, Patient: demoPatients[1]}, &res)
	require.NoError(t, err)
	require.NotNil(t, res.Greeting)

	var tri streamSummary
	_, err = api.do(ctx, http.MethodPost, "/consultations/"+url.PathEscape(res.GroupID)+"/triage", triageRequest{Patient: "pt_han", Symptoms: "a rash"}, &tri)
	require.NoError(t, err)
	require.Len(t, tri.MsgKeys, 1)
	msgs := s.backend.Fake.Messages(assistantID, "pt_han")
	require.Len(t, msgs, 2, "greeting and triage answer")
	assert.Equal(t, TriageAnswer("a rash"), msgs[1].Text())
	assert.Empty(t, s.backend.Fake.GroupMessages(res.GroupID), "the assistant wrote into the consultation group")

	status, err := api.do(ctx, http.MethodPost, "/consultations/"+url.PathEscape(res.GroupID)+"/triage", triageRequest{Patient: "pt_han"}, nil)
	assert.Error(t, err)
	assert.Equal(t, http.StatusBadRequest, status)
}

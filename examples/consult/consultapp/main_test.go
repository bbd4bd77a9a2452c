package consultapp

import (
	"bytes"
	"context"
	"net"
	"net/http"
	neturl "net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/examples/internal/setup"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/timtest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// `consult -demo` against the built-in fake: every step and the webhook.
func TestDemoAgainstTheBuiltInFake(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, RunDemo(testCtx(t), &out, setup.Config{}, Options{}), out.String())
	got := out.String()
	for _, want := range []string{
		"(signed: true)",
		`"Dr. Wang(Li Lei)"`, `"Dr. Wang(Han Meimei)"`,
		"user sigs for dr_wang and pt_li",
		"webhook ← GROUP_CREATED",
		`webhook ← MESSAGE_RECEIVED in @TGS#`,
		`from pt_han: "Hello Dr. Wang, this is Han Meimei."`,
		`renamed, "Dr. Wang(Li Lei)" → "Dr. Wang Wei(Li Lei)"`,
		`renamed, "Dr. Wang(Han Meimei)" → "Dr. Wang Wei(Han Meimei)"`,
		"webhook ← GROUP_PROFILE_UPDATED",
		"Demo complete: 2 consultations, 4 messages, 2 groups renamed.",
		"@RBT#triage greeted pt_li: one streamed message in",
		"The assistant answers Li Lei's symptoms",
		`chunk 1: "Thank `,
		`final message in pt_li's history: "` + TriageAnswer(demoSymptoms) + `"`,
	} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, 4, strings.Count(got, "webhook ← MESSAGE_RECEIVED"), "each message exactly once")
}

// The same demo against a remote server (a timtest standing in for
// Tencent) whose callbacks do not reach the backend.
func TestDemoAgainstARemoteServer(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	var out bytes.Buffer
	require.NoError(t, RunDemo(testCtx(t), &out, setup.Config{BaseURL: srv.URL}, Options{}), out.String())
	assert.Contains(t, out.String(), "Webhook: not reachable")
	assert.NotContains(t, out.String(), "webhook ←")
	assert.Contains(t, out.String(), "Demo complete")
	names := map[string]bool{}
	for _, g := range srv.Groups() {
		names[g.Name] = true
	}
	assert.Equal(t, map[string]bool{"Dr. Wang Wei(Li Lei)": true, "Dr. Wang Wei(Han Meimei)": true}, names)
}

func TestDemoFailsClearlyOnWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	var out bytes.Buffer
	err := RunDemo(testCtx(t), &out, setup.Config{SDKAppID: srv.SDKAppID, SecretKey: "not-the-key", BaseURL: srv.URL}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "login to the server at "+srv.URL)
	assert.NotContains(t, err.Error(), "not-the-key")
}

// newTestServer runs the backend against the built-in fake.
func newTestServer(t *testing.T) (*server, *apiClient) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s, err := start(testCtx(t), ln, setup.Config{}, Options{SigTTL: time.Hour}, t.Logf)
	require.NoError(t, err)
	t.Cleanup(func() { s.close(0) })
	return s, &apiClient{base: s.url, hc: &http.Client{Timeout: 10 * time.Second}}
}

func TestEndpointErrors(t *testing.T) {
	t.Parallel()
	s, api := newTestServer(t)
	require.NoError(t, s.backend.Fake.ImportAccounts("dr_a", "pt_a"))

	tests := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"not JSON", "POST", "/consultations", `{`, 400, "bad request"},
		{"unknown field", "POST", "/consultations", `{"doctor":{"id":"d"},"nurse":{}}`, 400, "unknown field"},
		{"no doctor id", "POST", "/consultations", `{"doctor":{"name":"D"},"patient":{"id":"p","name":"P"}}`, 400, "doctor.id is required"},
		{"no patient name", "POST", "/consultations", `{"doctor":{"id":"d","name":"D"},"patient":{"id":"p","name":"  "}}`, 400, "patient.name is required"},
		{"long id", "POST", "/consultations", `{"doctor":{"id":"` + strings.Repeat("d", 33) + `","name":"D"},"patient":{"id":"p","name":"P"}}`, 400, "longer than 32 bytes"},
		{"taken group id", "POST", "/consultations", `{"doctor":{"id":"dr_b","name":"B"},"patient":{"id":"pt_b","name":"P"},"groupId":"consult_taken"}`, 502, "group id already taken"},
		{"empty text", "POST", "/consultations/g/messages", `{"from":"dr_a","text":" "}`, 400, "text is required"},
		{"unknown group", "POST", "/consultations/@TGS%23nope/messages", `{"from":"dr_a","text":"hi"}`, 404, "10010"},
		{"nothing to change", "PUT", "/users/dr_a/profile", `{}`, 400, "nothing to change"},
		{"empty name", "PUT", "/users/dr_a/profile", `{"name":""}`, 400, "name must not be empty"},
		{"unknown user", "PUT", "/users/nobody/profile", `{"name":"X"}`, 404, "70107"},
		{"wrong method", "GET", "/consultations", ``, 405, ""},
		{"unsigned callback", "POST", "/tim/callback?SdkAppid=1400000000&CallbackCommand=State.StateChange", `{}`, 401, ""},
	}
	// consult_taken belongs to someone else.
	require.NoError(t, s.backend.Fake.ImportAccounts("other"))
	_, err := s.client.Group.Create(testCtx(t), groupCreate("consult_taken", "other"))
	require.NoError(t, err)

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(testCtx(t), tt.method, api.base+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			res, err := api.hc.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(res.Body)
			assert.Equal(t, tt.status, res.StatusCode, buf.String())
			assert.Contains(t, buf.String(), tt.contains)
		})
	}
}

func TestStartConsultationIsIdempotentWithAGroupID(t *testing.T) {
	t.Parallel()
	s, api := newTestServer(t)
	ctx := testCtx(t)
	req := startRequest{Doctor: person{ID: "dr_x", Name: "Dr. X"}, Patient: person{ID: "pt_y", Name: "Y", Avatar: "https://example.com/y.png"}, GroupID: "consult_xy"}

	var first, second startResponse
	status, err := api.do(ctx, http.MethodPost, "/consultations", req, &first)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, status)
	status, err = api.do(ctx, http.MethodPost, "/consultations", req, &second)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.True(t, second.Existed)
	assert.Equal(t, "consult_xy", second.GroupID)
	assert.Len(t, s.backend.Fake.Groups(), 1)

	// The sigs are real: they verify for the user with the app's key.
	for _, l := range []login{first.Doctor, first.Patient} {
		assert.Equal(t, s.backend.SDKAppID, l.SDKAppID)
		assert.WithinDuration(t, time.Now().Add(time.Hour), l.ExpiresAt, 5*time.Second)
	}
	prof := s.backend.Fake.Profile("pt_y")
	assert.JSONEq(t, `"Y"`, string(prof["Tag_Profile_IM_Nick"]))
	assert.JSONEq(t, `"https://example.com/y.png"`, string(prof["Tag_Profile_IM_Image"]))
}

func TestUpdateAvatarAndName(t *testing.T) {
	t.Parallel()
	s, api := newTestServer(t)
	ctx := testCtx(t)
	var c startResponse
	_, err := api.do(ctx, http.MethodPost, "/consultations", startRequest{Doctor: person{ID: "dr_z", Name: "Dr. Z"}, Patient: person{ID: "pt_z", Name: "Zed"}}, &c)
	require.NoError(t, err)

	name, face := "Zed Zhang", "https://example.com/zed.png"
	var upd profileResponse
	_, err = api.do(ctx, http.MethodPut, "/users/pt_z/profile", profileRequest{Name: &name, Avatar: &face}, &upd)
	require.NoError(t, err)
	require.Len(t, upd.Groups, 1)
	assert.Equal(t, groupChange{GroupID: c.GroupID, Status: "renamed", OldName: "Dr. Z(Zed)", NewName: "Dr. Z(Zed Zhang)"}, upd.Groups[0])
	g, ok := s.backend.Fake.Group(c.GroupID)
	require.True(t, ok)
	assert.Equal(t, face, g.FaceURL)

	// Again: nothing changes.
	_, err = api.do(ctx, http.MethodPut, "/users/pt_z/profile", profileRequest{Name: &name}, &upd)
	require.NoError(t, err)
	assert.Equal(t, "unchanged", upd.Groups[0].Status)

	var list []groupSummary
	_, err = api.do(ctx, http.MethodGet, "/users/pt_z/consultations", nil, &list)
	require.NoError(t, err)
	assert.Equal(t, []groupSummary{{GroupID: c.GroupID, Name: "Dr. Z(Zed Zhang)", Avatar: face}}, list)

	var health map[string]bool
	_, err = api.do(ctx, http.MethodGet, "/healthz", nil, &health)
	require.NoError(t, err)
	assert.True(t, health["ready"])
}

// serve runs until its context ends, then returns nil.
func TestServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	url := setup.URL(ln, "")
	ctx, cancel := context.WithCancel(testCtx(t))
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, setup.Config{}, Options{SigTTL: time.Hour}, &out) }()

	api := &apiClient{base: url, hc: &http.Client{Timeout: 10 * time.Second}}
	var c startResponse
	require.Eventually(t, func() bool {
		_, err := api.do(ctx, http.MethodPost, "/consultations", startRequest{Doctor: person{ID: "d", Name: "D"}, Patient: person{ID: "p", Name: "P"}}, &c)
		return err == nil
	}, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, "D(P)", c.GroupName)
	var m messageResponse
	_, err = api.do(ctx, http.MethodPost, "/consultations/"+neturl.PathEscape(c.GroupID)+"/messages", messageRequest{From: "p", Text: "hi"}, &m)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), m.MsgSeq)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), `MESSAGE_RECEIVED in `+c.GroupID+` from p: "hi"`) },
		5*time.Second, 10*time.Millisecond)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after its context ended")
	}
	assert.Contains(t, out.String(), "consult backend on "+url)
	assert.Contains(t, out.String(), "shutting down")
}

func groupCreate(id, owner string) group.CreateRequest {
	return group.CreateRequest{Type: group.Private, GroupID: id, Name: "Someone else's", Owner: owner}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Package testkit holds helpers for this module's own tests, and only
// them: a recording httptest server that speaks the REST envelope,
// golden-file checks and the goroutine-leak check. Only _test.go files
// import it (TestLibraryNeverImportsTestKit in the root package checks
// that no library package links it). It never imports the root package,
// so tests inside package tim can use it; the end-to-end harness that does
// import the root lives below it, in testkit/e2e.
package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Test credentials used across the module's tests.
const (
	AppID = 1400000000
	Key   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)

// Request is one call the server received.
type Request struct {
	// Path is "<service>/<command>" (without the "/v4/" prefix).
	Path   string
	Query  url.Values
	Header http.Header
	Body   json.RawMessage
}

// Decode unmarshals the body into v or fails the test.
func (r Request) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s request body %s: %v", r.Path, r.Body, err)
	}
}

// HandlerFunc answers one call: the returned value is marshalled as the
// JSON response body (nil answers {"ActionStatus":"OK","ErrorCode":0}).
type HandlerFunc func(r Request) any

// Server is an httptest server that records every call and answers with
// handlers registered per path.
type Server struct {
	*httptest.Server
	t testing.TB

	mu       sync.Mutex
	requests []Request
	handlers map[string]HandlerFunc
	raw      map[string]func(w http.ResponseWriter, r Request)
}

// OK is the success envelope.
var OK = map[string]any{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}

// Fail is a failure envelope with code and info.
func Fail(code int, info string) map[string]any {
	return map[string]any{"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info}
}

// With returns the success envelope merged with fields.
func With(fields map[string]any) map[string]any {
	m := map[string]any{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// NewServer starts a server closed at the end of the test.
func NewServer(t testing.TB) *Server {
	s := &Server{t: t, handlers: map[string]HandlerFunc{}, raw: map[string]func(http.ResponseWriter, Request){}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Handle registers fn for path ("openim/sendmsg").
func (s *Server) Handle(path string, fn HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = fn
}

// HandleRaw registers a handler that writes the response itself (status
// codes, broken bodies, hijacking the connection).
func (s *Server) HandleRaw(path string, fn func(w http.ResponseWriter, r Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw[path] = fn
}

// Requests returns every call received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns the calls received for path.
func (s *Server) Calls(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Last returns the last call for path or fails the test.
func (s *Server) Last(path string) Request {
	s.t.Helper()
	c := s.Calls(path)
	if len(c) == 0 {
		s.t.Fatalf("no call to %s (calls: %v)", path, s.paths())
	}
	return c[len(c)-1]
}

func (s *Server) paths() []string {
	var p []string
	for _, r := range s.Requests() {
		p = append(p, r.Path)
	}
	return p
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	body, _ := io.ReadAll(hr.Body)
	r := Request{Path: strings.TrimPrefix(hr.URL.Path, "/v4/"), Query: hr.URL.Query(), Header: hr.Header.Clone(), Body: body}
	s.mu.Lock()
	s.requests = append(s.requests, r)
	h, raw := s.handlers[r.Path], s.raw[r.Path]
	s.mu.Unlock()
	if hr.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if raw != nil {
		raw(w, r)
		return
	}
	var resp any = OK
	if h != nil {
		if v := h(r); v != nil {
			resp = v
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// AssertGolden compares got (JSON) with the golden file at path, both
// re-indented; with UPDATE_GOLDEN=1 in the environment it (re)writes the file.
func AssertGolden(t testing.TB, path string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, got, "", "  "); err != nil {
		t.Fatalf("golden %s: got is not JSON: %v\n%s", path, err, got)
	}
	pretty.WriteByte('\n')
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with UPDATE_GOLDEN=1 to create it)", path, err)
	}
	var wantPretty bytes.Buffer
	if err := json.Indent(&wantPretty, bytes.TrimSpace(want), "", "  "); err != nil {
		t.Fatalf("golden %s is not JSON: %v", path, err)
	}
	wantPretty.WriteByte('\n')
	if wantPretty.String() != pretty.String() {
		t.Errorf("request body differs from golden %s\n--- want\n%s--- got\n%s", path, wantPretty.String(), pretty.String())
	}
}

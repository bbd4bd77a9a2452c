package timtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/timkit/tim/usersig"
)

// Server is an in-memory fake of the Tencent Cloud IM REST API. Point a
// client at URL with SDKAppID and SecretKey:
//
//	srv := timtest.NewServer(t)
//	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
//
// It is safe for concurrent use.
type Server struct {
	// URL is the base URL ("http://127.0.0.1:port"), without /v4/.
	URL string
	// SDKAppID is the app id the server answers for.
	SDKAppID uint64
	// SecretKey is the app's secret key: admin usersigs are verified with it.
	SecretKey string

	cfg    config
	hs     *httptest.Server
	log    *slog.Logger
	admins map[string]bool
	routes map[string]handler

	faultMu sync.Mutex
	faults  map[string]*fault
	windows map[string][]time.Time

	mu       sync.Mutex // guards everything below
	requests []Request
	accounts map[string]*account
	accOrder []string
	c2c      map[string]*c2cConv // by convKey(a, b)
	c2cDedup map[string]*c2cDedup
	msgIndex uint64
	groups   map[string]*group
	groupSer uint64
	convs    map[string]map[string]*conv // user → conversation key → conv
	convTick uint64
	rel      *relState // relationships and global mute (sns.go, follow.go, mute.go)
	ext      extState  // push, contact groups, extensions, moderation (state.go)
	nx       *newState // robots, streams, official accounts, moderation, desk (robot.go, stream.go, …)

	cb *callbacks

	closeOnce sync.Once
}

type handler func(c *call) (any, error)

// call is one REST request being answered.
type call struct {
	s        *Server
	ctx      context.Context
	path     string
	admin    string // the identifier of the URL
	body     []byte
	now      time.Time
	clientIP string
}

// NewServer starts a fake for a test; it is closed when the test ends. Bad
// options fail the test.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("timtest: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake outside of a test (examples, the timtest command).
// Call Close when done.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := newServer(cfg)
	s.hs = httptest.NewUnstartedServer(s)
	if cfg.addr != "" {
		l, err := net.Listen("tcp", cfg.addr)
		if err != nil {
			return nil, err
		}
		s.hs.Listener.Close()
		s.hs.Listener = l
	}
	s.hs.Start()
	s.URL = s.hs.URL
	return s, nil
}

func newServer(cfg config) *Server {
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		SDKAppID:  cfg.appID,
		SecretKey: cfg.key,
		cfg:       cfg,
		log:       log,
		admins:    map[string]bool{},
		faults:    map[string]*fault{},
		windows:   map[string][]time.Time{},
		accounts:  map[string]*account{},
		c2c:       map[string]*c2cConv{},
		c2cDedup:  map[string]*c2cDedup{},
		groups:    map[string]*group{},
		groupSer:  1 << 33, // get_appid_group_list cursors beyond 32 bits
		convs:     map[string]map[string]*conv{},
		ext:       newExtState(),
	}
	for _, a := range cfg.admins {
		s.admins[a] = true
		s.addAccount(a, cfg.now())
	}
	s.cb = newCallbacks(s)
	s.routes = s.routeTable()
	return s
}

// Close stops the server; callbacks still queued are abandoned.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cb.close()
		s.hs.Close()
	})
}

// Now is the server clock.
func (s *Server) Now() time.Time { return s.cfg.now() }

// MaxRecords caps the requests and callbacks kept for inspection; past it
// the oldest half is forgotten (a long-running timtest command stays small).
const MaxRecords = 100000

func appendCapped[T any](list []T, v T) []T {
	if len(list) >= MaxRecords {
		list = append(list[:0], list[len(list)-MaxRecords/2:]...)
	}
	return append(list, v)
}

// maxRequestBytes caps a request body.
const maxRequestBytes = 1 << 20

// ServeHTTP answers one REST call as Tencent does: POST
// /v4/<service>/<command>?sdkappid&identifier&usersig&random&contenttype=json
// with a JSON body, answered with HTTP 200 and the JSON envelope.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, historyPrefix) {
		s.serveHistory(w, r)
		return
	}
	start := time.Now()
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v4/"), "/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	q := r.URL.Query()
	rec := Request{Method: r.Method, Path: path, Query: redactQuery(q), Body: bytes.Clone(body), At: s.Now()}

	f := s.takeFault(path)
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	resp, status := s.answer(r, path, q, body, &f)
	code := 0
	if e, ok := resp.(enveloped); ok {
		code = e.env().ErrorCode
	}
	rec.Code, rec.HTTPStatus, rec.Dropped = code, status, f.drop
	s.mu.Lock()
	s.requests = appendCapped(s.requests, rec)
	s.mu.Unlock()
	s.log.Debug("timtest: request", "path", path, "code", code, "status", status, "dropped", f.drop, "elapsed", time.Since(start))

	if f.drop {
		dropConnection(w)
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		out = []byte(`{"ActionStatus":"FAIL","ErrorInfo":"timtest: encoding answer","ErrorCode":91000}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// dropConnection closes the connection without an answer, as if the
// response was lost after the server committed the call.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// answer runs the checks Tencent runs, then the API handler.
func (s *Server) answer(r *http.Request, path string, q url.Values, body []byte, f *applied) (any, int) {
	if r.Method != http.MethodPost {
		return failEnv(codeHTTPParse, "REST API only accepts POST"), http.StatusOK
	}
	admin, err := s.authenticate(q)
	if err != nil {
		return errEnv(err), http.StatusOK
	}
	h, ok := s.routes[path]
	if !ok {
		return failEnv(codeResource, "timtest: v4/"+path+" is not a known (or modelled) API"), http.StatusOK
	}
	if code := s.rateLimited(path); code != 0 {
		return failEnv(code, "REST API frequency over limit"), http.StatusOK
	}
	if f.httpStatus != 0 {
		return failEnv(0, "timtest: injected HTTP failure"), f.httpStatus
	}
	if f.code != 0 {
		return failEnv(f.code, f.info), http.StatusOK
	}
	trimmed := bytes.TrimSpace(body)
	if len(body) > maxRequestBytes || len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return failEnv(codeJSONParse, "request body is not a JSON object (send {} when an API takes no fields)"), http.StatusOK
	}
	if err := checkParams(path, trimmed); err != nil {
		return errEnv(err), http.StatusOK
	}
	c := &call{s: s, ctx: r.Context(), path: path, admin: admin, body: trimmed, now: s.Now(), clientIP: clientIP(r)}
	resp, err := h(c)
	if err != nil {
		return errEnv(err), http.StatusOK
	}
	if resp == nil {
		resp = &envelope{}
	}
	if e, ok := resp.(enveloped); ok {
		*e.env() = envelope{ActionStatus: "OK"}
		if st, ok := resp.(interface{ status() string }); ok {
			e.env().ActionStatus = st.status()
		}
	}
	return resp, http.StatusOK
}

func failEnv(code int, info string) *envelope {
	return &envelope{ActionStatus: "FAIL", ErrorInfo: info, ErrorCode: code}
}

func errEnv(err error) *envelope {
	var ae *apiError
	if errors.As(err, &ae) {
		return failEnv(ae.code, ae.info)
	}
	return failEnv(91000, "timtest: internal error: "+err.Error())
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate checks the query string: sdkappid, identifier, usersig,
// random and contenttype, and verifies the usersig with the app key.
func (s *Server) authenticate(q url.Values) (string, error) {
	appStr := q.Get("sdkappid")
	if appStr == "" {
		return "", fail(codeNoAppID, "sdkappid missing in the URL")
	}
	appID, err := strconv.ParseUint(appStr, 10, 64)
	if err != nil {
		return "", fail(codeAppIDInvalid, "sdkappid %q is not a number", appStr)
	}
	if appID != s.SDKAppID {
		return "", fail(codeAppNotFound, "sdkappid %d not found in this data centre", appID)
	}
	identifier, sig := q.Get("identifier"), q.Get("usersig")
	if identifier == "" || sig == "" {
		return "", fail(codeSigInURL, "identifier or usersig missing in the URL")
	}
	if r := q.Get("random"); r != "" {
		if _, err := strconv.ParseUint(r, 10, 32); err != nil {
			return "", fail(codeHTTPParse, "random %q is not a 32-bit unsigned integer", r)
		}
	} else {
		return "", fail(codeHTTPParse, "random missing in the URL")
	}
	if ct := q.Get("contenttype"); ct != "json" {
		return "", fail(codeHTTPParse, "contenttype must be json")
	}
	info, err := usersig.Decode(sig)
	if err != nil {
		return "", fail(codeSigParse, "usersig cannot be parsed")
	}
	var ub []byte
	if info.HasUserBuf {
		ub = info.UserBuf
	}
	if err := usersig.Verify(sig, s.SDKAppID, s.SecretKey, identifier, ub, s.Now()); err != nil {
		switch {
		case errors.Is(err, usersig.ErrSDKAppID):
			return "", fail(codeSigAppID, "usersig was issued for another SDKAppID")
		case errors.Is(err, usersig.ErrIdentifier):
			return "", fail(codeSigIdentifier, "identifier does not match the usersig")
		case errors.Is(err, usersig.ErrExpired):
			return "", fail(codeSigExpired, "usersig expired")
		case errors.Is(err, usersig.ErrSignature):
			return "", fail(codeSigVerify, "usersig verification failed (another key?)")
		default:
			return "", fail(codeSigParse, "usersig cannot be parsed")
		}
	}
	if !s.admins[identifier] {
		return "", fail(codeNeedAdmin, "identifier %q is not an app administrator", identifier)
	}
	return identifier, nil
}

func redactQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		if k == "usersig" {
			out[k] = []string{"REDACTED"}
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}

// decode unmarshals the body into v, answering the command's parameter
// code on a type mismatch, naming the field (nested ones included).
func (c *call) decode(v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fail(parseCode(c.path), "parameter error: field %s must be %s, got a JSON %s", te.Field, goKind(te.Type.Kind().String()), te.Value)
		}
		return fail(parseCode(c.path), "request JSON: %v", err)
	}
	return nil
}

// goKind names a Go kind as a JSON type.
func goKind(k string) string {
	switch {
	case k == "string":
		return "a string"
	case strings.HasPrefix(k, "int") || strings.HasPrefix(k, "uint"):
		return "an integer in range"
	case k == "slice" || k == "array":
		return "an array"
	case k == "struct" || k == "map":
		return "an object"
	case k == "bool":
		return "a boolean"
	}
	return "of another type"
}

// parseCode is the "bad request" code of a command: its parameter table's,
// else its family's.
func parseCode(path string) int {
	if ps, ok := paramSpecs[path]; ok {
		return ps.code
	}
	switch {
	case strings.HasPrefix(path, "openim/"):
		return codeMsgJSON
	case strings.HasPrefix(path, "group_open_http_svc/"):
		return codeGroupParam
	case strings.HasPrefix(path, "im_open_login_svc/"):
		return codeAccountParam
	}
	return codeJSONParse
}

// rateCode is the code an API answers when it is over its frequency.
func rateCode(path string) int {
	switch {
	case path == "group_open_http_svc/send_group_msg" || path == "group_open_http_svc/send_group_system_notification":
		return codeGroupMsgRate
	case strings.HasPrefix(path, "group_open_http_svc/"):
		return codeGroupRate
	}
	return codeRESTRate
}

func (s *Server) rateFor(key string) Rate {
	if r, ok := s.cfg.rates[key]; ok {
		return r
	}
	if strings.Contains(key, "#") {
		return Rate{}
	}
	return s.cfg.rate
}

// rateLimited counts the call against its API's sliding window and returns
// the code to answer when the window is full (0 = go ahead).
func (s *Server) rateLimited(path string) int {
	if s.spend(path, 1) {
		return 0
	}
	return rateCode(path)
}

// spend takes n units of budget key, reporting false (and taking nothing)
// when they do not fit.
func (s *Server) spend(key string, n int) bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	r := s.rateFor(key)
	if r.N <= 0 {
		return true
	}
	now := time.Now()
	w := s.windows[key]
	cut := 0
	for cut < len(w) && now.Sub(w[cut]) >= r.Per {
		cut++
	}
	w = w[cut:]
	if len(w)+n > r.N {
		s.windows[key] = w
		return false
	}
	for range n {
		w = append(w, now)
	}
	s.windows[key] = w
	return true
}

// SetRateLimit changes the frequency limit of one API path at run time;
// Rate{} turns it off. Path "" changes the default of every API.
func (s *Server) SetRateLimit(path string, r Rate) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if path == "" {
		s.cfg.rate = r
		return
	}
	s.cfg.rates[strings.Trim(path, "/")] = r
	delete(s.windows, path)
}

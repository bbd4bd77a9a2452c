package timtest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
	"github.com/timkit/tim/usersig"
)

// newClient builds a client pointed at srv. Retries are off unless opts
// turn them back on, so error answers come back at once.
func newClient(t *testing.T, srv *timtest.Server, opts ...tim.Option) *tim.Client {
	t.Helper()
	all := append([]tim.Option{tim.WithBaseURL(srv.URL), tim.WithoutRetry()}, opts...)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, all...)
	require.NoError(t, err)
	return c
}

// codeOf returns the Tencent error code of err (0 for nil, -1 for a
// non-API error).
func codeOf(err error) int {
	if err == nil {
		return 0
	}
	var ae *tim.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return -1
}

// ep is the SDK's declaration of path (its resend safety and budgets), so
// a raw call to the fake behaves as the typed method would; a path the SDK
// does not declare is Unsafe.
func ep(path string) tim.Endpoint {
	if e, ok := tim.Lookup(path); ok {
		return e
	}
	return tim.Endpoint{Path: path}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// env is the status part of an answer.
type env struct {
	ActionStatus string `json:"ActionStatus"`
	ErrorCode    int    `json:"ErrorCode"`
	ErrorInfo    string `json:"ErrorInfo"`
}

// rawCall posts body to v4/path with the given query and decodes the answer.
func rawCall(t *testing.T, srv *timtest.Server, method, path string, q url.Values, body string) (int, env) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/v4/"+path+"?"+q.Encode(), strings.NewReader(body))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var e env
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &e), "body %s", b)
	return res.StatusCode, e
}

// adminQuery is a well-formed query for identifier with a sig made for
// (appID, key, sigFor).
func adminQuery(t testing.TB, appID uint64, key, identifier, sigFor string) url.Values {
	t.Helper()
	g, err := usersig.New(appID, key)
	require.NoError(t, err)
	sig, err := g.Gen(sigFor, time.Hour)
	require.NoError(t, err)
	return url.Values{
		"sdkappid": {strconv.FormatUint(appID, 10)}, "identifier": {identifier},
		"usersig": {sig}, "random": {"12345"}, "contenttype": {"json"},
	}
}

// receiver is a plain callback receiver that checks Sign like an app must.
type receiver struct {
	*httptest.Server
	token string
	appID uint64

	mu       sync.Mutex
	got      []received
	badSigns int
	answer   func(command string, body []byte) (status int, resp string)
}

type received struct {
	Command string
	Query   url.Values
	Body    json.RawMessage
}

func newReceiver(t *testing.T, appID uint64, token string) *receiver {
	r := &receiver{token: token, appID: appID}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	body, _ := io.ReadAll(req.Body)
	ok := req.Method == http.MethodPost && q.Get("SdkAppid") == strconv.FormatUint(r.appID, 10) && r.verify(q)
	r.mu.Lock()
	if !ok {
		r.badSigns++
		r.mu.Unlock()
		http.Error(w, "bad sign", http.StatusForbidden)
		return
	}
	cmd := q.Get("CallbackCommand")
	r.got = append(r.got, received{cmd, q, body})
	answer := r.answer
	r.mu.Unlock()
	status, resp := http.StatusOK, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`
	if answer != nil {
		status, resp = answer(cmd, body)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, resp)
}

func (r *receiver) verify(q url.Values) bool {
	if r.token == "" {
		return q.Get("Sign") == ""
	}
	ts, err := strconv.ParseInt(q.Get("RequestTime"), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 60*time.Second {
		return false
	}
	sum := sha256.Sum256([]byte(r.token + q.Get("RequestTime")))
	want := hex.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(q.Get("Sign"))) == 1
}

func (r *receiver) setAnswer(f func(command string, body []byte) (int, string)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = f
}

// commands returns the received callbacks of the given commands (all when none).
func (r *receiver) commands(cmds ...string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, g := range r.got {
		if len(cmds) == 0 || contains(cmds, g.Command) {
			out = append(out, g)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func text(s string) []map[string]any {
	return []map[string]any{{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": s}}}
}

// sendReq is a C2C send request.
type sendReq struct {
	SyncOtherMachine      int              `json:"SyncOtherMachine,omitempty"`
	FromAccount           string           `json:"From_Account,omitempty"`
	ToAccount             any              `json:"To_Account"`
	MsgSeq                uint32           `json:"MsgSeq,omitempty"`
	MsgRandom             uint32           `json:"MsgRandom"`
	MsgTimeStamp          int64            `json:"MsgTimeStamp,omitempty"`
	MsgBody               []map[string]any `json:"MsgBody"`
	CloudCustomData       string           `json:"CloudCustomData,omitempty"`
	ForbidCallbackControl []string         `json:"ForbidCallbackControl,omitempty"`
	SendMsgControl        []string         `json:"SendMsgControl,omitempty"`
	SyncFromOldSystem     int              `json:"SyncFromOldSystem,omitempty"`
}

type sendResp struct {
	env
	MsgTime int64  `json:"MsgTime"`
	MsgKey  string `json:"MsgKey"`
	MsgID   string `json:"MsgId"`
}

type groupSendReq struct {
	GroupID               string           `json:"GroupId"`
	FromAccount           string           `json:"From_Account,omitempty"`
	Random                uint32           `json:"Random"`
	MsgBody               []map[string]any `json:"MsgBody"`
	ForbidCallbackControl []string         `json:"ForbidCallbackControl,omitempty"`
}

type groupSendResp struct {
	env
	MsgTime int64  `json:"MsgTime"`
	MsgSeq  uint64 `json:"MsgSeq"`
}

// importUsers imports accounts through the client.
func importUsers(t *testing.T, c *tim.Client, ids ...string) {
	t.Helper()
	res, err := c.Account.ImportMany(ctxT(t), ids)
	require.NoError(t, err)
	require.Empty(t, res.Failed)
}

func send(t *testing.T, c *tim.Client, from, to, msg string, random uint32) sendResp {
	t.Helper()
	var resp sendResp
	require.NoError(t, c.Do(ctxT(t), ep("openim/sendmsg"), sendReq{FromAccount: from, ToAccount: to, MsgRandom: random, MsgBody: text(msg)}, &resp))
	return resp
}

func createGroup(t *testing.T, c *tim.Client, req map[string]any) string {
	t.Helper()
	var resp struct {
		env
		GroupID string `json:"GroupId"`
	}
	require.NoError(t, c.Do(ctxT(t), ep("group_open_http_svc/create_group"), req, &resp))
	require.NotEmpty(t, resp.GroupID)
	return resp.GroupID
}

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// postRaw posts body (JSON-encoded) to v4/path as the admin and returns the
// raw answer, whatever its ActionStatus.
func postRaw(t *testing.T, srv *timtest.Server, path string, body any) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	q := adminQuery(t, srv.SDKAppID, srv.SecretKey, timtest.DefaultAdmin, timtest.DefaultAdmin)
	res, err := http.Post(srv.URL+"/v4/"+path+"?"+q.Encode(), "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	return out
}

package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/cmd/tim/corpus"
)

// fixtures is a small corpus of Tencent's documented examples in the
// corpus format, so `callback send` is tested whatever the repository's
// corpus holds.
const fixtures = "testdata/callbacks"

const cbAppID = 1400000001

// TestCallbackSendEveryExampleToTheLibrarysHandler sends every example of
// the built-in corpus and of the fixtures, signed, to the library's own
// webhook handler: each must be accepted (verified, parsed, dispatched as
// its command) and its reply must match the documented shape.
func TestCallbackSendEveryExampleToTheLibrarysHandler(t *testing.T) {
	t.Parallel()
	const token = "cb-token-5e6f7a8b"
	embedded, err := corpus.Embedded()
	require.NoError(t, err)
	fix, err := corpus.Load(os.DirFS(fixtures), ".")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(fix), 2, "the fixtures are missing")

	type source struct {
		flags []string
		exs   []corpus.Example
	}
	total := 0
	replyOnly := 0
	for _, src := range []source{{nil, embedded}, {[]string{"--corpus", fixtures}, fix}} {
		for _, ex := range src.exs {
			if !ex.HasBody() {
				replyOnly++
				continue
			}
			wh := newWebhook(t, cbAppID, token)
			te := testEnv{vars: map[string]string{envSDKAppID: strconv.Itoa(cbAppID), envCallbackToken: token}}
			args := append([]string{"callback", "send", ex.Command, "--to", wh.URL + "/im/callback", "--example", ex.Name}, src.flags...)
			r := te.run(t, args...)
			name := ex.Command + "/" + ex.Name
			if !assert.Equal(t, exitOK, r.code, "%s: %s\n%s", name, r.stderr, r.stdout) {
				continue
			}
			assert.Contains(t, r.stdout, "reply OK", name)
			assert.Contains(t, r.stdout, "signed: true", name)
			// A before callback's handlers run after the answer, on another goroutine.
			assert.Eventually(t, func() bool { return slices.Contains(wh.received(), ex.Command) }, 5*time.Second, 5*time.Millisecond,
				"%s: dispatched as its command", name)
			assertNoSecret(t, r, token)
			total++
		}
	}
	assert.Equal(t, len(embedded)+len(fix)-replyOnly, total)
	t.Logf("%d examples sent (%d from the built-in corpus)", total, len(embedded))
}

func TestCallbackSendYourBodyAndUnsigned(t *testing.T) {
	t.Parallel()
	wh := newWebhook(t, cbAppID, "")
	body := filepath.Join(t.TempDir(), "b.json")
	require.NoError(t, os.WriteFile(body, []byte(`{"CallbackCommand":"State.StateChange","Info":{"Action":"Logout","To_Account":"u1","Reason":"Unregister"}}`), 0o644))
	te := testEnv{vars: map[string]string{envSDKAppID: strconv.Itoa(cbAppID)}}
	r := te.run(t, "callback", "send", "State.StateChange", "--to", wh.URL, "--body", body, "--corpus", fixtures)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "signed: false")
	assert.Contains(t, r.stdout, "body: your body")
	assert.Equal(t, []string{"State.StateChange"}, wh.received())

	te.stdin = `{"CallbackCommand":"State.StateChange","Info":{"Action":"Login","To_Account":"u2"}}`
	r = te.run(t, "callback", "send", "State.StateChange", "--to", wh.URL, "--body", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
}

func TestCallbackSendWrongTokenIsRefused(t *testing.T) {
	t.Parallel()
	wh := newWebhook(t, cbAppID, "the-right-token")
	te := testEnv{vars: map[string]string{envSDKAppID: strconv.Itoa(cbAppID)}}
	r := te.run(t, "callback", "send", "State.StateChange", "--to", wh.URL, "--token", "a-wrong-token", "--corpus", fixtures)
	assert.Equal(t, exitMismatch, r.code)
	assert.Contains(t, r.stderr, "HTTP 401")
	assertNoSecret(t, r, "a-wrong-token")
	assert.Empty(t, wh.received())
}

func TestCallbackSendChecksTheReplyShape(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reply string
		status      int
		code        int
		want        string
	}{
		{"documented", `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`, 200, exitOK, "reply OK"},
		{"code as a string", `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":"0"}`, 200, exitMismatch, "ErrorCode is a string"},
		{"undocumented key", `{"ActionStatus":"OK","ErrorCode":0,"Verdict":"ok"}`, 200, exitMismatch, "Verdict is not a key"},
		{"FAIL", `{"ActionStatus":"FAIL","ErrorCode":0}`, 200, exitMismatch, `ActionStatus is "FAIL"`},
		{"no code", `{"ActionStatus":"OK"}`, 200, exitMismatch, "ErrorCode is missing"},
		{"not JSON", `ok`, 200, exitMismatch, "not a JSON object"},
		{"HTTP 500", `{}`, 500, exitMismatch, "HTTP 500"},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.reply))
		}))
		r := testEnv{}.run(t, "callback", "send", "C2C.CallbackBeforeSendMsg", "--to", srv.URL, "--corpus", fixtures)
		srv.Close()
		assert.Equal(t, tc.code, r.code, "%s: %s", tc.name, r.stderr)
		assert.Contains(t, r.stdout+r.stderr, tc.want, tc.name)
	}
	// The documented reply that modifies the message (MsgBody, CloudCustomData)
	// is accepted when some example documents those keys.
	assert.NoError(t, checkReply(200, []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MsgBody":[]}`),
		documentedReplies([]corpus.Example{{Reply: []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MsgBody":[{"MsgType":"TIMTextElem"}]}`)}})))
}

func TestCallbackSendUsageAndNetworkErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String() + "/cb"
	require.NoError(t, ln.Close())
	te := testEnv{vars: map[string]string{envCallbackToken: "tok-123456"}}
	r := te.run(t, "callback", "send", "State.StateChange", "--to", dead, "--corpus", fixtures)
	assert.Equal(t, exitFailure, r.code)
	assertNoSecret(t, r, "tok-123456")
	assert.NotContains(t, r.stderr, "Sign=", "the signed URL is not printed")

	for _, args := range [][]string{
		{"callback", "send", "State.StateChange", "--corpus", fixtures},
		{"callback", "send", "State.StateChange", "--to", "ftp://x", "--corpus", fixtures},
		{"callback", "send", "No.SuchCommand", "--to", "http://127.0.0.1:1/", "--corpus", fixtures},
		{"callback", "send", "State.StateChange", "--to", "http://127.0.0.1:1/", "--example", "nosuch", "--corpus", fixtures},
		{"callback", "send", "State.StateChange", "--to", "http://127.0.0.1:1/", "--corpus", "/nonexistent"},
		{"callback", "list", "No.SuchCommand", "--corpus", fixtures},
	} {
		r := te.run(t, args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
	}
}

func TestCallbackList(t *testing.T) {
	t.Parallel()
	r := testEnv{}.run(t, "callback", "list", "--corpus", fixtures)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "C2C.CallbackBeforeSendMsg")
	assert.Contains(t, r.stdout, "State.StateChange")
	r = testEnv{}.run(t, "callback", "list", "state.statechange", "--corpus", fixtures)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "C2C.")

	r = testEnv{}.run(t, "__complete", "callback", "send", "--corpus", fixtures, "")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "State.StateChange", "completion of callback commands")
}

// TestCallbackSendSignsLikeTencentsDocumentedSample: with the token and
// time of the documented signature sample, the query carries exactly the
// documented Sign and RequestTime, and the documented query parameters.
// Source: yehe_doc/…/服务端 API/第三方回调/第三方回调简介_intl_en.md ("Signature algorithm sample");
// the page prints the token as "xxxyyy" but its Sign is the hash of "xxxxyyyy"1669872112 (the
// reading event's and timtest's tests use too).
func TestCallbackSendSignsLikeTencentsDocumentedSample(t *testing.T) {
	t.Parallel()
	var got url.Values
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		body, _ = io.ReadAll(r.Body)
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`))
	}))
	defer srv.Close()
	te := testEnv{vars: map[string]string{envSDKAppID: "888888"}, now: time.Unix(1669872112, 0)}
	r := te.run(t, "callback", "send", "State.StateChange", "--to", srv.URL+"/?x=1", "--token", "xxxxyyyy", "--corpus", fixtures,
		"--platform", "Android", "--client-ip", "10.0.0.7")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061", got.Get("Sign"))
	assert.Equal(t, "1669872112", got.Get("RequestTime"))
	assert.Equal(t, "888888", got.Get("SdkAppid"))
	assert.Equal(t, "State.StateChange", got.Get("CallbackCommand"))
	assert.Equal(t, "json", got.Get("contenttype"))
	assert.Equal(t, "Android", got.Get("OptPlatform"))
	assert.Equal(t, "10.0.0.7", got.Get("ClientIP"))
	assert.Equal(t, "1", got.Get("x"), "the webhook URL's own query is kept")
	fix, err := corpus.Load(os.DirFS(fixtures), ".")
	require.NoError(t, err)
	for _, ex := range fix {
		if ex.Command == "State.StateChange" {
			assert.JSONEq(t, string(ex.Body), string(body), "the documented body is sent as is")
		}
	}
	assert.NotContains(t, r.stdout, "17773bc39a", "the computed signature is not printed")
}

// TestReplyShapeIncludesReplyOnlyExamples: keys documented only by a
// reply example (a refusal naming members) are part of the command's reply
// shape.
func TestReplyShapeIncludesReplyOnlyExamples(t *testing.T) {
	t.Parallel()
	exs, err := corpus.Embedded()
	require.NoError(t, err)
	var mine []corpus.Example
	for _, ex := range exs {
		if ex.Command == "Group.CallbackBeforeInviteJoinGroup" {
			mine = append(mine, ex)
		}
	}
	require.NotEmpty(t, mine, "the built-in corpus lacks Group.CallbackBeforeInviteJoinGroup")
	docs := documentedReplies(mine)
	assert.NoError(t, checkReply(200, []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RefusedMembers_Account":["u1"]}`), docs))
	assert.Error(t, checkReply(200, []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RefusedMembers_Account":"u1"}`), docs))
}

func TestCallbackSendNamesTheDecisionOfABeforeCallback(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ reply, want string }{
		{`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`, "decision: allow"},
		{`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}`, "decision: refuse (ErrorCode 1)"},
		{`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`, "decision: drop silently"},
		{`{"ActionStatus":"OK","ErrorInfo":"no","ErrorCode":120002}`, "decision: refuse with the app's own code 120002"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(tc.reply)) }))
		r := testEnv{}.run(t, "callback", "send", "C2C.CallbackBeforeSendMsg", "--to", srv.URL, "--corpus", fixtures)
		srv.Close()
		assert.Equal(t, exitOK, r.code, r.stderr)
		assert.Contains(t, r.stdout, tc.want)
	}
	assert.Empty(t, decision("State.StateChange", []byte(`{"ErrorCode":0}`)), "after callbacks decide nothing")
}

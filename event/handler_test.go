package event_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

const (
	testToken = "callback-token-for-tests"
	okJSON    = `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`
)

var testNow = time.Unix(1_700_000_000, 0)

func testClock() time.Time { return testNow }

// callbackURL builds a signed callback URL; edit tweaks the query.
func callbackURL(cmd event.Command, edit ...func(url.Values)) string {
	rt := strconv.FormatInt(testNow.Unix(), 10)
	q := url.Values{
		"SdkAppid":        {strconv.Itoa(testkit.AppID)},
		"CallbackCommand": {string(cmd)},
		"contenttype":     {"json"},
		"ClientIP":        {"203.0.113.7"},
		"OptPlatform":     {"IOS"},
		"RequestTime":     {rt},
		"Sign":            {event.Sign(testToken, rt)},
	}
	for _, e := range edit {
		e(q)
	}
	return "/tim/callback?" + q.Encode()
}

func newTestHandler(t testing.TB, d *event.Dispatcher, opts ...event.HandlerOption) *event.Webhook {
	t.Helper()
	base := []event.HandlerOption{event.WithToken(testToken), event.WithHandlerClock(testClock)}
	h, err := event.NewHandler(d, testkit.AppID, append(base, opts...)...)
	require.NoError(t, err)
	return h
}

func post(h http.Handler, target string, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body)))
	return rec
}

type envelope struct {
	ActionStatus    string          `json:"ActionStatus"`
	ErrorInfo       string          `json:"ErrorInfo"`
	ErrorCode       int             `json:"ErrorCode"`
	MsgBody         json.RawMessage `json:"MsgBody"`
	CloudCustomData *string         `json:"CloudCustomData"`
}

func decodeAnswer(t testing.TB, rec *httptest.ResponseRecorder) envelope {
	t.Helper()
	var e envelope
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), rec.Body.String())
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	return e
}

// truncatedReader yields part of a body, then fails like a dropped
// connection.
type truncatedReader struct{ r io.Reader }

func (t *truncatedReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestHandlerBadRequests(t *testing.T) {
	t.Parallel()
	valid := readCallback(t, event.CmdGroupAfterSendMsg)
	c2c := readCallback(t, event.CmdC2CAfterSendMsg)
	set := func(k, v string) func(url.Values) { return func(q url.Values) { q.Set(k, v) } }
	del := func(k string) func(url.Values) { return func(q url.Values) { q.Del(k) } }
	at := func(d time.Duration) func(url.Values) {
		return func(q url.Values) {
			rt := strconv.FormatInt(testNow.Add(d).Unix(), 10)
			q.Set("RequestTime", rt)
			q.Set("Sign", event.Sign(testToken, rt))
		}
	}
	grp := event.CmdGroupAfterSendMsg
	tests := []struct {
		name   string
		method string
		target string
		body   []byte
		// req, when set, builds the request instead.
		req  func() *http.Request
		want int
	}{
		{"control: valid after callback", "", callbackURL(grp), valid, nil, 200},
		{"GET", http.MethodGet, callbackURL(grp), nil, nil, 405},
		{"PUT", http.MethodPut, callbackURL(grp), valid, nil, 405},
		{"HEAD", http.MethodHead, callbackURL(grp), nil, nil, 405},
		{"DELETE", http.MethodDelete, callbackURL(grp), nil, nil, 405},
		{"missing SdkAppid", "", callbackURL(grp, del("SdkAppid")), valid, nil, 400},
		{"wrong SdkAppid", "", callbackURL(grp, set("SdkAppid", "1400000001")), valid, nil, 403},
		{"SdkAppid not a number", "", callbackURL(grp, set("SdkAppid", "tim")), valid, nil, 403},
		{"SdkAppid with a suffix", "", callbackURL(grp, set("SdkAppid", strconv.Itoa(testkit.AppID)+"0")), valid, nil, 403},
		{"unparsable query", "", "/tim/callback?SdkAppid=%zz", valid, nil, 400},
		{"missing Sign", "", callbackURL(grp, del("Sign")), valid, nil, 401},
		{"missing RequestTime", "", callbackURL(grp, del("RequestTime")), valid, nil, 401},
		{"missing both", "", callbackURL(grp, del("Sign"), del("RequestTime")), valid, nil, 401},
		{"forged Sign", "", callbackURL(grp, set("Sign", strings.Repeat("ab", 32))), valid, nil, 401},
		{"Sign with another token", "", callbackURL(grp, set("Sign", event.Sign("other", strconv.FormatInt(testNow.Unix(), 10)))), valid, nil, 401},
		{"Sign truncated", "", callbackURL(grp, func(q url.Values) { q.Set("Sign", q.Get("Sign")[:40]) }), valid, nil, 401},
		{"Sign not hex", "", callbackURL(grp, set("Sign", strings.Repeat("zz", 32))), valid, nil, 401},
		{"replay with a new time", "", callbackURL(grp, set("RequestTime", strconv.FormatInt(testNow.Unix()+1, 10))), valid, nil, 401},
		{"stale, validly signed", "", callbackURL(grp, at(-2*time.Minute)), valid, nil, 401},
		{"future, validly signed", "", callbackURL(grp, at(2*time.Minute)), valid, nil, 401},
		{"RequestTime not a number", "", callbackURL(grp, set("RequestTime", "now")), valid, nil, 401},
		{"oversized with Content-Length", "", callbackURL(grp), bytes.Repeat([]byte(" "), 5000), nil, 413},
		{"oversized without Content-Length", "", "", nil, func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, callbackURL(grp), io.MultiReader(strings.NewReader(`{"GroupId":"`),
				strings.NewReader(strings.Repeat("x", 5000)), strings.NewReader(`"}`)))
			r.ContentLength = -1
			return r
		}, 413},
		{"truncated connection", "", "", nil, func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, callbackURL(grp), &truncatedReader{bytes.NewReader(valid[:40])})
			r.ContentLength = int64(len(valid))
			return r
		}, 400},
		{"empty body", "", callbackURL(grp), nil, nil, 400},
		{"malformed JSON", "", callbackURL(grp), []byte(`{"GroupId":`), nil, 400},
		{"truncated JSON", "", callbackURL(grp), valid[:len(valid)/2], nil, 400},
		{"not JSON at all", "", callbackURL(grp), []byte(`GroupId=1`), nil, 400},
		{"JSON null", "", callbackURL(grp), []byte(`null`), nil, 400},
		{"JSON array", "", callbackURL(grp), []byte(`[` + string(valid) + `]`), nil, 400},
		{"trailing garbage", "", callbackURL(grp), append(append([]byte{}, valid...), '}'), nil, 400},
		{"wrong type: MsgBody a number", "", callbackURL(event.CmdC2CAfterSendMsg), []byte(`{"MsgBody":42}`), nil, 400},
		{"wrong type: MsgSeq an object", "", callbackURL(grp), []byte(`{"MsgSeq":{"n":1}}`), nil, 400},
		{"wrong type: Info a string", "", callbackURL(event.CmdStateChange), []byte(`{"Info":"Login"}`), nil, 400},
		{"wrong type: member list of numbers", "", callbackURL(event.CmdGroupAfterMemberExit), []byte(`{"ExitMemberList":[1]}`), nil, 400},
		{"wrong type: EventTime a word", "", callbackURL(grp), []byte(`{"EventTime":"later"}`), nil, 400},
		{"command differs between URL and body", "", callbackURL(event.CmdC2CAfterSendMsg), valid, nil, 400},
		{"no command anywhere", "", callbackURL("", del("CallbackCommand")), []byte(`{"GroupId":"g"}`), nil, 400},
		{"command only in the body", "", callbackURL("", del("CallbackCommand")), valid, nil, 200},
		{"unknown command: acknowledged", "", callbackURL("Future.CallbackAfterTeleport"), []byte(`{"CallbackCommand":"Future.CallbackAfterTeleport"}`), nil, 200},
		{"unknown command with a garbage body: acknowledged", "", callbackURL("Future.CallbackAfterTeleport"), []byte(`<xml/>`), nil, 200},
		{"tolerated drift: numbers as strings", "", callbackURL(event.CmdC2CAfterSendMsg), bytes.ReplaceAll(c2c, []byte(`"MsgSeq": 48374`), []byte(`"MsgSeq": "48374"`)), nil, 200},
	}
	require.GreaterOrEqual(t, len(tests), 30)
	h := newTestHandler(t, newDispatcher(t), event.WithMaxBodyBytes(4096))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r *http.Request
			if tt.req != nil {
				r = tt.req()
			} else {
				m := tt.method
				if m == "" {
					m = http.MethodPost
				}
				r = httptest.NewRequest(m, tt.target, bytes.NewReader(tt.body))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			assert.Equal(t, tt.want, rec.Code, rec.Body.String())
			if tt.method == http.MethodHead {
				return
			}
			e := decodeAnswer(t, rec)
			if tt.want == 200 {
				assert.JSONEq(t, okJSON, rec.Body.String())
				return
			}
			assert.Equal(t, "FAIL", e.ActionStatus)
			assert.Equal(t, http.StatusText(tt.want), e.ErrorInfo, "generic body")
			// Never echo a signature, computed or received, nor the token.
			q := r.URL.Query()
			for _, secret := range []string{testToken, event.Sign(testToken, q.Get("RequestTime")), q.Get("Sign")} {
				if secret != "" {
					assert.NotContains(t, rec.Body.String(), secret)
				}
			}
			if tt.want == 405 {
				assert.Equal(t, "POST", rec.Header().Get("Allow"))
			}
		})
	}
}

// Without WithToken nothing is verified: NewHandler warns, unless
// WithoutSignature says it is meant; with WithToken the same unsigned
// request is refused.
func TestHandlerSignatureModes(t *testing.T) {
	t.Parallel()
	unsigned := callbackURL(event.CmdGroupAfterSendMsg, func(q url.Values) { q.Del("Sign"); q.Del("RequestTime") })
	forged := callbackURL(event.CmdGroupAfterSendMsg, func(q url.Values) { q.Set("Sign", event.Sign("guessed", q.Get("RequestTime"))) })
	for _, tt := range []struct {
		name     string
		opts     []event.HandlerOption
		want     int // for both the unsigned and the forged request
		warnings int
	}{
		{"no option: unchecked, with a warning", nil, 200, 1},
		{"WithoutSignature: unchecked, quietly", []event.HandlerOption{event.WithoutSignature()}, 200, 0},
		{"WithToken: checked", []event.HandlerOption{event.WithToken(testToken), event.WithHandlerClock(testClock)}, 401, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			d := newDispatcher(t, event.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
			h, err := event.NewHandler(d, testkit.AppID, tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, tt.warnings, strings.Count(logs.String(), "signatures are not checked"), logs.String())
			for _, target := range []string{unsigned, forged} {
				rec := post(h, target, readCallback(t, event.CmdGroupAfterSendMsg))
				assert.Equal(t, tt.want, rec.Code, target)
			}
		})
	}
}

// NewHandler refuses a bad configuration with an *api.InvalidInputError
// naming the argument or option: WithToken("") (an unset environment
// variable) must not turn the check off, a contradictory setup is refused,
// and bad values are not silently replaced by defaults.
func TestNewHandlerErrors(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	tests := []struct {
		name  string
		d     *event.Dispatcher
		appID uint64
		opts  []event.HandlerOption
		field string // the InvalidInputError's Field
		want  string // in the message
	}{
		{"nil dispatcher", nil, testkit.AppID, nil, "dispatcher", "nil"},
		{"zero SDKAppID", d, 0, nil, "sdkAppID", "out of range"},
		{"SDKAppID over 32 bits", d, 1 << 32, nil, "sdkAppID", "out of range"},
		{"nil option", d, testkit.AppID, []event.HandlerOption{event.WithoutSignature(), nil}, "opts[1]", "nil"},
		{"empty token", d, testkit.AppID, []event.HandlerOption{event.WithToken("")}, "WithToken", "empty"}, // os.Getenv of an unset variable
		{"empty token overriding a good one", d, testkit.AppID,
			[]event.HandlerOption{event.WithToken(testToken), event.WithToken("")}, "WithToken", "empty"},
		{"token and WithoutSignature", d, testkit.AppID,
			[]event.HandlerOption{event.WithToken(testToken), event.WithoutSignature()}, "WithoutSignature", "both WithToken and WithoutSignature"},
		{"WithoutSignature and token", d, testkit.AppID,
			[]event.HandlerOption{event.WithoutSignature(), event.WithToken(testToken)}, "WithoutSignature", "both WithToken and WithoutSignature"},
		{"WithoutSignature and empty token", d, testkit.AppID,
			[]event.HandlerOption{event.WithoutSignature(), event.WithToken("")}, "WithToken", "empty"},
		{"zero tolerance", d, testkit.AppID, []event.HandlerOption{event.WithTolerance(0)}, "WithTolerance", "positive"},
		{"negative tolerance", d, testkit.AppID, []event.HandlerOption{event.WithTolerance(-time.Second)}, "WithTolerance", "positive"},
		{"zero body cap", d, testkit.AppID, []event.HandlerOption{event.WithMaxBodyBytes(0)}, "WithMaxBodyBytes", "positive"},
		{"negative body cap", d, testkit.AppID, []event.HandlerOption{event.WithMaxBodyBytes(-1)}, "WithMaxBodyBytes", "positive"},
		{"zero before budget", d, testkit.AppID, []event.HandlerOption{event.WithBeforeBudget(0)}, "WithBeforeBudget", "positive"},
		{"negative before budget", d, testkit.AppID, []event.HandlerOption{event.WithBeforeBudget(-time.Millisecond)}, "WithBeforeBudget", "positive"},
		{"nil dedup store", d, testkit.AppID, []event.HandlerOption{event.WithDedupStore(nil)}, "WithDedupStore", "nil"},
		{"zero dedup TTL", d, testkit.AppID, []event.HandlerOption{event.WithDedupTTL(0)}, "WithDedupTTL", "positive"},
		{"negative dedup TTL", d, testkit.AppID, []event.HandlerOption{event.WithDedupTTL(-time.Minute)}, "WithDedupTTL", "positive"},
		{"nil clock", d, testkit.AppID, []event.HandlerOption{event.WithHandlerClock(nil)}, "WithHandlerClock", "nil"},
		{"zero after budget", d, testkit.AppID, []event.HandlerOption{event.WithAfterBudget(0)}, "WithAfterBudget", "positive"},
		{"negative after budget", d, testkit.AppID, []event.HandlerOption{event.WithAfterBudget(-time.Second)}, "WithAfterBudget", "positive"},
		{"zero deciders", d, testkit.AppID, []event.HandlerOption{event.WithMaxDeciders(0)}, "WithMaxDeciders", "positive"},
		{"nil observer", d, testkit.AppID, []event.HandlerOption{event.WithObserver(nil)}, "WithObserver", "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := event.NewHandler(tt.d, tt.appID, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, h)
			testkit.AssertInvalid(t, err, tt.field)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testToken, "never the token")
		})
	}
	t.Run("the token errors name the way out", func(t *testing.T) {
		t.Parallel()
		for _, opts := range [][]event.HandlerOption{
			{event.WithToken("")},
			{event.WithToken(testToken), event.WithoutSignature()},
		} {
			_, err := event.NewHandler(d, testkit.AppID, opts...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithoutSignature")
			assert.Contains(t, err.Error(), "WithToken")
		}
	})
	t.Run("control: every option with a good value", func(t *testing.T) {
		t.Parallel()
		h, err := event.NewHandler(d, testkit.AppID, event.WithToken(testToken), event.WithTolerance(time.Minute),
			event.WithMaxBodyBytes(1), event.WithBeforeBudget(time.Millisecond), event.WithFallback(event.Drop()),
			event.WithDedupStore(event.NewMemoryDedup(1)), event.WithDedupTTL(time.Second), event.WithHandlerClock(testClock))
		require.NoError(t, err)
		assert.NotNil(t, h)
	})
}

func TestNewDispatcherErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		opts  []event.Option
		field string
	}{
		{"nil logger", []event.Option{event.WithLogger(nil)}, "WithLogger"},
		{"nil option", []event.Option{event.WithLogger(slog.New(slog.DiscardHandler)), nil}, "opts[1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := event.NewDispatcher(tt.opts...)
			require.Error(t, err)
			assert.Nil(t, d)
			testkit.AssertInvalid(t, err, tt.field)
		})
	}
	d, err := event.NewDispatcher(event.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err, "control")
	assert.NotNil(t, d)
}

// A Webhook prints its configuration under every verb, never its token.
func TestWebhookFormatHidesToken(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, newDispatcher(t))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{h, *h} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testToken, verb)
			assert.Contains(t, out, strconv.Itoa(testkit.AppID), "%s shows the configuration", verb)
		}
	}
	// Inside another value too, and through slog.
	out := fmt.Sprintf("%+v", struct{ H *event.Webhook }{h})
	assert.NotContains(t, out, testToken)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("webhook", "h", h)
	assert.NotContains(t, logs.String(), testToken)
	assert.Contains(t, logs.String(), strconv.Itoa(testkit.AppID))
}

func TestHandlerDispatchesTypedAndDerived(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var (
		mu    sync.Mutex
		raw   []*event.GroupAfterSendMsg
		msgs  []*event.ReceivedMessage
		names []event.Name
	)
	event.On(d, func(_ context.Context, e *event.GroupAfterSendMsg) { mu.Lock(); raw = append(raw, e); mu.Unlock() })
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { mu.Lock(); msgs = append(msgs, e); mu.Unlock() })
	d.OnAny(func(_ context.Context, e event.Event) { mu.Lock(); names = append(names, e.EventName()); mu.Unlock() })
	h := newTestHandler(t, d)

	rec := post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg))
	require.Equal(t, 200, rec.Code)
	assert.Equal(t, okJSON, rec.Body.String(), "byte-exact envelope")

	require.Len(t, raw, 1)
	assert.Equal(t, event.Origin{SDKAppID: testkit.AppID, ClientIP: "203.0.113.7", OptPlatform: "IOS", RequestTime: testNow},
		raw[0].Origin())
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, message.ConvGroup, m.ConversationType)
	assert.Equal(t, "patient_1001", m.From)
	assert.Equal(t, "@TGS#2J4SZEAEL", m.GroupID)
	assert.Equal(t, uint64(123), m.MsgSeq)
	assert.Equal(t, uint32(123456), m.MsgRandom)
	assert.Equal(t, time.Unix(1490686222, 0), m.Time)
	assert.Equal(t, "Doctor, my fever is 38.5", m.Body.Text())
	assert.Equal(t, event.PlatformIOS, m.Platform, "IOS canonicalised")
	assert.Equal(t, "GROUP@TGS#2J4SZEAEL", m.ConversationID("anyone"))
	assert.Same(t, raw[0], m.Callback)
	assert.Equal(t, []event.Name{event.CallbackReceived, event.MessageReceived}, names)
}

func TestHandlerC2CMessageReceived(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var got []*event.ReceivedMessage
	event.On(d, func(_ context.Context, e *event.ReceivedMessage) { got = append(got, e) })
	h := newTestHandler(t, d)
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), readCallback(t, event.CmdC2CAfterSendMsg)).Code)
	require.Len(t, got, 1)
	m := got[0]
	assert.Equal(t, message.ConvC2C, m.ConversationType)
	assert.Equal(t, "doctor_42", m.To)
	assert.Equal(t, "48374_2837546_1557481126", m.MsgKey)
	assert.Equal(t, 7, m.UnreadCount)
	assert.Equal(t, "C2Cpatient_1001", m.ConversationID("doctor_42"))
	assert.Equal(t, "C2Cdoctor_42", m.ConversationID("patient_1001"))

	// A failed delivery is not a received message.
	failed := bytes.Replace(readCallback(t, event.CmdC2CAfterSendMsg), []byte(`"SendMsgResult": 0`), []byte(`"SendMsgResult": 80001`), 1)
	failed = bytes.Replace(failed, []byte(`48374_2837546`), []byte(`1_2`), 1)
	require.Equal(t, 200, post(h, callbackURL(event.CmdC2CAfterSendMsg), failed).Code)
	assert.Len(t, got, 1)
}

// The same after-callback delivered twice yields one MESSAGE_RECEIVED (the
// raw callback is still delivered both times).
func TestHandlerDedup(t *testing.T) {
	t.Parallel()
	for _, cmd := range []event.Command{event.CmdGroupAfterSendMsg, event.CmdC2CAfterSendMsg} {
		t.Run(string(cmd), func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			var rawN, msgN atomic.Int32
			d.OnName(event.CallbackReceived, func(context.Context, event.Event) { rawN.Add(1) })
			event.On(d, func(context.Context, *event.ReceivedMessage) { msgN.Add(1) })
			h := newTestHandler(t, d)
			body := readCallback(t, cmd)
			for range 2 {
				require.Equal(t, 200, post(h, callbackURL(cmd), body).Code)
			}
			assert.Equal(t, int32(2), rawN.Load())
			assert.Equal(t, int32(1), msgN.Load())
		})
	}
}

// A community's topics number their messages separately: the same MsgSeq
// in two topics (or in a topic and the group itself) is two messages, and
// two recalls of the same seqs in two topics are two recalls. A redelivery
// within one topic is still suppressed.
func TestHandlerDedupKeepsTopicsApart(t *testing.T) {
	t.Parallel()
	type place struct{ group, topic string }
	const comm = "@TGS#_@TGS#cQVLVHIM62CJ"
	places := []place{
		{comm, comm + "@TOPIC#_t1"},
		{comm, comm + "@TOPIC#_t2"},
		{comm, ""},                  // the community itself
		{comm, comm + "@TOPIC#_t1"}, // redelivery: suppressed
		{"a|b", "c"}, {"a", "b|c"},  // ids may hold '|': still two places
		{"a", "b|c"}, // redelivery: suppressed
	}
	wantTopics := []string{comm + "@TOPIC#_t1", comm + "@TOPIC#_t2", "", "c", "b|c"}
	for _, tt := range []struct {
		name string
		cmd  event.Command
		edit func(map[string]any)
	}{
		{"received", event.CmdGroupAfterSendMsg, nil},
		{"received without MsgSeq", event.CmdGroupAfterSendMsg, func(m map[string]any) { delete(m, "MsgSeq") }},
		{"revoked", event.CmdGroupAfterRecallMsg, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			var (
				mu     sync.Mutex
				topics []string
			)
			event.On(d, func(_ context.Context, m *event.ReceivedMessage) {
				mu.Lock()
				topics = append(topics, m.TopicID)
				mu.Unlock()
			})
			event.On(d, func(_ context.Context, m *event.RevokedMessage) {
				mu.Lock()
				topics = append(topics, m.TopicID)
				mu.Unlock()
			})
			var raw atomic.Int32
			d.OnName(event.CallbackReceived, func(context.Context, event.Event) { raw.Add(1) })
			h := newTestHandler(t, d)
			for _, p := range places {
				var body map[string]any
				require.NoError(t, json.Unmarshal(readCallback(t, tt.cmd), &body))
				body["Type"], body["GroupId"] = "Community", p.group
				if p.topic != "" {
					body["TopicId"] = p.topic
				}
				if tt.edit != nil {
					tt.edit(body)
				}
				b, err := json.Marshal(body)
				require.NoError(t, err)
				require.Equal(t, 200, post(h, callbackURL(tt.cmd), b).Code)
			}
			assert.Equal(t, int32(len(places)), raw.Load(), "the typed callback, every delivery")
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, wantTopics, topics)
		})
	}
}

// Two replicas behind one URL share a store: one delivery between them.
func TestHandlerDedupSharedStoreConcurrent(t *testing.T) {
	t.Parallel()
	store := event.NewMemoryDedup(0)
	d := newDispatcher(t)
	var msgN atomic.Int32
	event.On(d, func(context.Context, *event.ReceivedMessage) { msgN.Add(1) })
	replicas := []http.Handler{newTestHandler(t, d, event.WithDedupStore(store)), newTestHandler(t, d, event.WithDedupStore(store))}
	body := readCallback(t, event.CmdGroupAfterSendMsg)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := post(replicas[i%2], callbackURL(event.CmdGroupAfterSendMsg), body)
			assert.Equal(t, 200, rec.Code)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), msgN.Load())
}

type failingStore struct{}

func (failingStore) SeenOrAdd(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("redis down")
}

func TestHandlerDedupStoreFailureDelivers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var msgN atomic.Int32
	event.On(d, func(context.Context, *event.ReceivedMessage) { msgN.Add(1) })
	h := newTestHandler(t, d, event.WithDedupStore(failingStore{}))
	body := readCallback(t, event.CmdGroupAfterSendMsg)
	for range 2 {
		require.Equal(t, 200, post(h, callbackURL(event.CmdGroupAfterSendMsg), body).Code)
	}
	assert.Equal(t, int32(2), msgN.Load(), "at-least-once when the store fails")
}

func TestHandlerPanickingHandlerStillAnswers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var after atomic.Bool
	event.On(d, func(context.Context, *event.GroupAfterSendMsg) { panic("boom") })
	event.On(d, func(context.Context, *event.ReceivedMessage) { panic(errors.New("derived boom")) })
	event.On(d, func(context.Context, *event.GroupAfterSendMsg) { after.Store(true) })
	h := newTestHandler(t, d)
	rec := post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg))
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, okJSON, rec.Body.String())
	assert.True(t, after.Load(), "the other handlers still run")
}

type panickingStore struct{}

func (panickingStore) SeenOrAdd(context.Context, string, time.Duration) (bool, error) {
	panic("store bug")
}

func TestHandlerInternalPanicStillAnswers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.On(d, func(context.Context, *event.ReceivedMessage) {})
	h := newTestHandler(t, d, event.WithDedupStore(panickingStore{}))
	rec := post(h, callbackURL(event.CmdGroupAfterSendMsg), readCallback(t, event.CmdGroupAfterSendMsg))
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, okJSON, rec.Body.String())
}

func TestHandlerUnknownCommandSurfacedRaw(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var got []*event.UnknownCallback
	event.On(d, func(_ context.Context, e *event.UnknownCallback) { got = append(got, e) })
	h := newTestHandler(t, d)
	body := []byte(`{"CallbackCommand":"Future.CallbackAfterTeleport","Where":"Mars"}`)
	rec := post(h, callbackURL("Future.CallbackAfterTeleport"), body)
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, okJSON, rec.Body.String())
	require.Len(t, got, 1)
	assert.Equal(t, event.Command("Future.CallbackAfterTeleport"), got[0].Command())
	assert.Equal(t, string(body), string(got[0].Raw()))
	assert.Equal(t, "203.0.113.7", got[0].Origin().ClientIP)
}

// ---------------------------------------------------------------------------
// Before callbacks

func TestHandlerDecisions(t *testing.T) {
	t.Parallel()
	code, err := event.RejectWithCode(120005, "consultation closed")
	require.NoError(t, err)
	newBody := message.Body{&message.Text{Text: "[filtered]"}}
	tests := []struct {
		name     string
		cmd      event.Command
		decision event.Decision
		want     string
	}{
		{"allow", event.CmdC2CBeforeSendMsg, event.Allow(), okJSON},
		{"zero value allows", event.CmdGroupBeforeSendMsg, event.Decision{}, okJSON},
		{"reject", event.CmdC2CBeforeSendMsg, event.Reject("no"), `{"ActionStatus":"OK","ErrorInfo":"no","ErrorCode":1}`},
		{"reject group", event.CmdGroupBeforeSendMsg, event.Reject(""), `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}`},
		{"pass-through code, C2C", event.CmdC2CBeforeSendMsg, code,
			`{"ActionStatus":"OK","ErrorInfo":"consultation closed","ErrorCode":120005}`},
		{"pass-through code is C2C only", event.CmdGroupBeforeSendMsg, code,
			`{"ActionStatus":"OK","ErrorInfo":"consultation closed","ErrorCode":1}`},
		{"drop", event.CmdGroupBeforeSendMsg, event.Drop(), `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`},
		{"replace body", event.CmdC2CBeforeSendMsg, event.AllowModified(newBody),
			`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"[filtered]"}}]}`},
		{"replace body and custom data", event.CmdGroupBeforeSendMsg, event.AllowModified(newBody).WithCloudCustomData(`{"checked":true}`),
			`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"[filtered]"}}],"CloudCustomData":"{\"checked\":true}"}`},
		{"replace custom data only", event.CmdC2CBeforeSendMsg, event.Allow().WithCloudCustomData(""),
			`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"CloudCustomData":""}`},
		{"body ignored where there is no message", event.CmdGroupBeforeCreateGroup, event.AllowModified(newBody), okJSON},
		{"reject group creation", event.CmdGroupBeforeCreateGroup, event.Reject("quota"), `{"ActionStatus":"OK","ErrorInfo":"quota","ErrorCode":1}`},
		{"reject join", event.CmdGroupBeforeApplyJoinGroup, event.Reject(""), `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}`},
		{"reject invite", event.CmdGroupBeforeInviteJoinGroup, event.Reject(""), `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}`},
		{"reject topic", event.CmdGroupBeforeCreateTopic, event.Reject(""), `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			dec := func(context.Context, event.Event) event.Decision { return tt.decision }
			switch tt.cmd {
			case event.CmdC2CBeforeSendMsg:
				event.Decide(d, func(ctx context.Context, e *event.C2CBeforeSendMsg) event.Decision { return dec(ctx, e) })
			case event.CmdGroupBeforeSendMsg:
				event.Decide(d, func(ctx context.Context, e *event.GroupBeforeSendMsg) event.Decision { return dec(ctx, e) })
			case event.CmdGroupBeforeCreateGroup:
				event.Decide(d, func(ctx context.Context, e *event.GroupBeforeCreateGroup) event.Decision { return dec(ctx, e) })
			case event.CmdGroupBeforeApplyJoinGroup:
				event.Decide(d, func(ctx context.Context, e *event.GroupBeforeApplyJoinGroup) event.Decision { return dec(ctx, e) })
			case event.CmdGroupBeforeInviteJoinGroup:
				event.Decide(d, func(ctx context.Context, e *event.GroupBeforeInviteJoinGroup) event.Decision { return dec(ctx, e) })
			case event.CmdGroupBeforeCreateTopic:
				event.Decide(d, func(ctx context.Context, e *event.GroupBeforeCreateTopic) event.Decision { return dec(ctx, e) })
			}
			rec := post(newTestHandler(t, d), callbackURL(tt.cmd), readCallback(t, tt.cmd))
			require.Equal(t, 200, rec.Code)
			assert.JSONEq(t, tt.want, rec.Body.String())
		})
	}
}

func TestRejectWithCodeRange(t *testing.T) {
	t.Parallel()
	for _, c := range []int{120001, 125000, 130000} {
		d, err := event.RejectWithCode(c, "x")
		require.NoError(t, err, c)
		assert.Equal(t, c, d.Code())
		assert.Equal(t, event.VerdictReject, d.Verdict())
	}
	for _, c := range []int{0, 1, 2, 20006, 120000, 130001} {
		d, err := event.RejectWithCode(c, "x")
		require.Error(t, err, c)
		assert.ErrorContains(t, err, "ErrorCode")
		assert.Equal(t, 1, d.Code(), "falls back to a plain reject")
		assert.Equal(t, event.VerdictReject, d.Verdict())
	}
}

func TestDeciderSeesTheCallback(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(ctx context.Context, m *event.C2CBeforeSendMsg) event.Decision {
		if _, ok := ctx.Deadline(); !ok {
			return event.Reject("no deadline")
		}
		if strings.Contains(m.MsgBody.Text(), "fever") && m.ToAccount == "doctor_42" {
			return event.Drop()
		}
		return event.Allow()
	})
	rec := post(newTestHandler(t, d), callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`, rec.Body.String())
}

// A decider that runs late gets the fallback answered in time.
func TestHandlerBeforeTimeout(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		fallback []event.HandlerOption
		want     string
	}{
		{"default fallback allows", nil, okJSON},
		{"fail closed", []event.HandlerOption{event.WithFallback(event.Reject("timeout"))},
			`{"ActionStatus":"OK","ErrorInfo":"timeout","ErrorCode":1}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDispatcher(t)
			release := make(chan struct{})
			observed := make(chan struct{})
			event.Decide(d, func(ctx context.Context, _ *event.GroupBeforeSendMsg) event.Decision {
				<-release // ignores ctx on purpose: a badly behaved decider
				return event.Drop()
			})
			event.On(d, func(context.Context, *event.GroupBeforeSendMsg) { close(observed) })
			const budget = 50 * time.Millisecond
			h := newTestHandler(t, d, append([]event.HandlerOption{event.WithBeforeBudget(budget)}, tt.fallback...)...)
			start := time.Now()
			rec := post(h, callbackURL(event.CmdGroupBeforeSendMsg), readCallback(t, event.CmdGroupBeforeSendMsg))
			elapsed := time.Since(start)
			close(release)
			assert.Equal(t, 200, rec.Code)
			assert.JSONEq(t, tt.want, rec.Body.String())
			assert.GreaterOrEqual(t, elapsed, budget)
			assert.Less(t, elapsed, time.Second, "answered within Tencent's 2 s")
			select {
			case <-observed: // observers still see the callback once the decider returns
			case <-time.After(5 * time.Second):
				t.Fatal("observer never ran")
			}
		})
	}
}

// With every default, a decider that never returns in time still gets
// Tencent its answer (the default fallback: allow) well inside the 2 s
// Tencent waits, room left for the answer's trip back.
func TestHandlerDefaultBudgetFitsTencent(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	release := make(chan struct{})
	defer close(release)
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision {
		<-release // blocks past any budget, ignoring its context
		return event.Reject("never answered")
	})
	h := newTestHandler(t, d) // the token and the clock only: default budget and fallback
	start := time.Now()
	rec := post(h, callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	elapsed := time.Since(start)
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, okJSON, rec.Body.String(), "the default fallback allows")
	assert.GreaterOrEqual(t, elapsed, event.DefaultBeforeBudget, "the decider had its whole budget")
	assert.Less(t, elapsed, 1800*time.Millisecond, "answered with room to spare before Tencent's 2 s")
}

// A decider that returns when its context ends decides after the budget:
// never answered, even when its decision and the deadline are ready at
// the same moment (a 1 ns budget makes that the common case).
func TestHandlerDecisionAtTheDeadlineIsNotAnswered(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(ctx context.Context, _ *event.C2CBeforeSendMsg) event.Decision {
		<-ctx.Done()
		return event.Reject("decided after the budget")
	})
	h := newTestHandler(t, d, event.WithBeforeBudget(time.Nanosecond), event.WithFallback(event.Drop()))
	body := readCallback(t, event.CmdC2CBeforeSendMsg)
	const n = 500
	answers := map[string]int{}
	for range n {
		answers[post(h, callbackURL(event.CmdC2CBeforeSendMsg), body).Body.String()]++
	}
	assert.Equal(t, map[string]int{`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}`: n}, answers)
}

func TestHandlerDeciderPanicAnswersFallback(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { panic("decider bug") })
	h := newTestHandler(t, d, event.WithFallback(event.Reject("fallback")))
	start := time.Now()
	rec := post(h, callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	assert.Less(t, time.Since(start), event.DefaultBeforeBudget, "a panic does not wait for the budget")
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"fallback","ErrorCode":1}`, rec.Body.String())
}

func TestHandlerBeforeWithoutDeciderAllowsAndNotifies(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	seen := make(chan *event.C2CBeforeSendMsg, 1)
	event.On(d, func(_ context.Context, e *event.C2CBeforeSendMsg) { seen <- e })
	rec := post(newTestHandler(t, d, event.WithFallback(event.Reject("x"))), callbackURL(event.CmdC2CBeforeSendMsg),
		readCallback(t, event.CmdC2CBeforeSendMsg))
	assert.JSONEq(t, okJSON, rec.Body.String(), "no decider: allow, not the fallback")
	select {
	case e := <-seen:
		assert.Equal(t, "patient_1001", e.FromAccount)
	case <-time.After(5 * time.Second):
		t.Fatal("observer never ran")
	}
}

func TestDecideOnePerCommand(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	off := event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Drop() })
	assert.Panics(t, func() {
		event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Allow() })
	})
	// Another command is independent.
	event.Decide(d, func(context.Context, *event.GroupBeforeSendMsg) event.Decision { return event.Allow() })
	off()
	off() // idempotent
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return event.Reject("r") })
	rec := post(newTestHandler(t, d), callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"r","ErrorCode":1}`, rec.Body.String())
}

// ---------------------------------------------------------------------------
// Derived events

func TestHandlerDerivedEvents(t *testing.T) {
	t.Parallel()
	type result struct {
		events []event.Event
	}
	run := func(t *testing.T, cmd event.Command, body []byte) []event.Event {
		t.Helper()
		d := newDispatcher(t)
		var r result
		d.OnAny(func(_ context.Context, e event.Event) {
			if e.EventName() != event.CallbackReceived {
				r.events = append(r.events, e)
			}
		})
		rec := post(newTestHandler(t, d), callbackURL(cmd), body)
		require.Equal(t, 200, rec.Code, rec.Body.String())
		return r.events
	}
	t.Run("StateChange: status and kick", func(t *testing.T) {
		evs := run(t, event.CmdStateChange, readCallback(t, event.CmdStateChange))
		require.Len(t, evs, 2)
		st := evs[0].(*event.UserStatus)
		assert.Equal(t, "patient_1001", st.UserID)
		assert.True(t, st.Online())
		assert.Equal(t, []event.Platform{event.PlatformWindows, event.PlatformIOS}, st.Kicked)
		k := evs[1].(*event.Kicked)
		assert.Equal(t, event.KickedOut, k.EventName())
		assert.Equal(t, []event.Platform{event.PlatformWindows, event.PlatformIOS}, k.Devices)
		assert.Equal(t, event.PlatformIOS, k.By)
	})
	t.Run("StateChange: logout without kick", func(t *testing.T) {
		evs := run(t, event.CmdStateChange, []byte(`{"CallbackCommand":"State.StateChange","EventTime":1,"Info":{"Action":"Disconnect","To_Account":"u","Reason":"TimeOut"}}`))
		require.Len(t, evs, 1)
		st := evs[0].(*event.UserStatus)
		assert.False(t, st.Online())
		assert.Equal(t, event.ReasonTimeOut, st.Reason)
	})
	t.Run("C2C recall", func(t *testing.T) {
		evs := run(t, event.CmdC2CAfterMsgWithDraw, readCallback(t, event.CmdC2CAfterMsgWithDraw))
		require.Len(t, evs, 1)
		r := evs[0].(*event.RevokedMessage)
		assert.Equal(t, event.MessageRevoked, r.EventName())
		assert.Equal(t, message.ConvC2C, r.ConversationType)
		assert.Equal(t, "48374_2837546_1557481126", r.MsgKey)
	})
	t.Run("group recall", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterRecallMsg, readCallback(t, event.CmdGroupAfterRecallMsg))
		require.Len(t, evs, 1)
		r := evs[0].(*event.RevokedMessage)
		assert.Equal(t, message.ConvGroup, r.ConversationType)
		assert.Equal(t, []uint64{123, 124}, r.MsgSeqs)
	})
	t.Run("read report", func(t *testing.T) {
		evs := run(t, event.CmdC2CAfterMsgReport, readCallback(t, event.CmdC2CAfterMsgReport))
		require.Len(t, evs, 1)
		r := evs[0].(*event.PeerRead)
		assert.Equal(t, event.MessageReadByPeer, r.EventName())
		assert.Equal(t, "doctor_42", r.Reader)
		assert.Equal(t, "patient_1001", r.Peer)
		assert.Equal(t, time.Unix(1614754606, 0), r.LastRead)
	})
	t.Run("group created", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterCreateGroup, readCallback(t, event.CmdGroupAfterCreateGroup))
		require.Len(t, evs, 1)
		g := evs[0].(*event.NewGroup)
		assert.Equal(t, event.GroupCreated, g.EventName())
		assert.Equal(t, []string{"patient_1001", "nurse_7"}, g.Members)
		assert.Equal(t, time.UnixMilli(1670574414123), g.Time)
	})
	t.Run("group dismissed", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterGroupDestroyed, readCallback(t, event.CmdGroupAfterGroupDestroyed))
		require.Len(t, evs, 1)
		assert.Equal(t, event.GroupDismissed, evs[0].EventName())
		assert.Equal(t, "doctor_42", evs[0].(*event.DismissedGroup).Owner)
	})
	t.Run("member joined", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterNewMemberJoin, readCallback(t, event.CmdGroupAfterNewMemberJoin))
		require.Len(t, evs, 1)
		j := evs[0].(*event.MembersJoined)
		assert.Equal(t, event.GroupMemberJoined, j.EventName())
		assert.Equal(t, []string{"nurse_8", "nurse_9"}, j.Members)
		assert.Equal(t, event.JoinInvited, j.JoinType)
	})
	t.Run("member left", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterMemberExit, readCallback(t, event.CmdGroupAfterMemberExit))
		require.Len(t, evs, 1)
		l := evs[0].(*event.MembersLeft)
		assert.Equal(t, event.GroupMemberLeft, l.EventName())
		assert.Equal(t, event.ExitKicked, l.ExitType)
	})
	t.Run("group profile", func(t *testing.T) {
		evs := run(t, event.CmdGroupAfterGroupInfoChanged, readCallback(t, event.CmdGroupAfterGroupInfoChanged))
		require.Len(t, evs, 1)
		p := evs[0].(*event.GroupProfile)
		assert.Equal(t, event.GroupProfileUpdated, p.EventName())
		require.NotNil(t, p.Name)
		assert.Equal(t, "Dr. Li(Wang Wei)", *p.Name)
		assert.Nil(t, p.FaceURL)
	})
	t.Run("user profile", func(t *testing.T) {
		evs := run(t, event.CmdPortraitSet, readCallback(t, event.CmdPortraitSet))
		require.Len(t, evs, 1)
		p := evs[0].(*event.UserProfile)
		assert.Equal(t, event.ProfileUpdated, p.EventName())
		nick, ok := p.Nick()
		assert.True(t, ok)
		assert.Equal(t, "Dr. Li", nick)
		assert.Len(t, p.Changes, 3)
	})
	t.Run("friends", func(t *testing.T) {
		evs := run(t, event.CmdFriendAdd, readCallback(t, event.CmdFriendAdd))
		require.Len(t, evs, 1)
		f := evs[0].(*event.NewFriends)
		assert.Equal(t, event.FriendAdded, f.EventName())
		assert.Len(t, f.Pairs, 2)
	})
	t.Run("no derived event for the rest", func(t *testing.T) {
		assert.Empty(t, run(t, event.CmdGroupAfterGroupFull, readCallback(t, event.CmdGroupAfterGroupFull)))
		assert.Empty(t, run(t, event.CmdBlackListAdd, readCallback(t, event.CmdBlackListAdd)))
	})
}

// Every golden body goes through the handler with a 200.
func TestHandlerAcceptsEveryGoldenCallback(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var n atomic.Int32
	d.OnName(event.CallbackReceived, func(context.Context, event.Event) { n.Add(1) })
	h := newTestHandler(t, d)
	cmds := event.Commands()
	for _, cmd := range cmds {
		rec := post(h, callbackURL(cmd), readCallback(t, cmd))
		require.Equal(t, 200, rec.Code, cmd)
		decodeAnswer(t, rec)
	}
	assert.Eventually(t, func() bool { return int(n.Load()) == len(cmds) }, 5*time.Second, 5*time.Millisecond)
}

// The lifecycle events share the dispatcher with the callback events.
func TestLifecycleAndCallbacksShareOneDispatcher(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	var names []event.Name
	d.OnAny(func(_ context.Context, e event.Event) { names = append(names, e.EventName()) })
	d.Emit(context.Background(), &event.Ready{SDKAppID: testkit.AppID})
	post(newTestHandler(t, d), callbackURL(event.CmdC2CAfterMsgReport), readCallback(t, event.CmdC2CAfterMsgReport))
	d.Emit(context.Background(), &event.NotReady{SDKAppID: testkit.AppID, Code: 70009})
	assert.Equal(t, []event.Name{event.SDKReady, event.CallbackReceived, event.MessageReadByPeer, event.SDKNotReady}, names)
}

func TestHandlerQueryParsingMatchesNetURL(t *testing.T) {
	t.Parallel()
	h := newTestHandler(t, newDispatcher(t))
	body := readCallback(t, event.CmdGroupAfterSendMsg)
	base := callbackURL(event.CmdGroupAfterSendMsg)
	for _, tt := range []struct {
		name, target string
		want         int
	}{
		{"escaped values", strings.Replace(base, "ClientIP=203.0.113.7", "ClientIP=203%2E0.113.7", 1), 200},
		{"first value wins", base + "&SdkAppid=1", 200},
		{"a later duplicate does not override", strings.Replace(base, "?", "?SdkAppid=1&", 1), 403},
		{"semicolon separator", base + ";x=1", 400},
		{"empty pairs", strings.Replace(base, "?", "?&&", 1) + "&", 200},
		{"bad escape in a key", base + "&%zz=1", 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, post(h, tt.target, body).Code)
		})
	}
}

func TestDecisionReplacementsOnlyWhenAllowing(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision {
		return event.Reject("no").WithCloudCustomData("x")
	})
	event.Decide(d, func(context.Context, *event.GroupBeforeSendMsg) event.Decision {
		return event.AllowModified(nil)
	})
	h := newTestHandler(t, d)
	rec := post(h, callbackURL(event.CmdC2CBeforeSendMsg), readCallback(t, event.CmdC2CBeforeSendMsg))
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"no","ErrorCode":1}`, rec.Body.String())
	rec = post(h, callbackURL(event.CmdGroupBeforeSendMsg), readCallback(t, event.CmdGroupBeforeSendMsg))
	assert.JSONEq(t, okJSON, rec.Body.String(), "an empty replacement body replaces nothing")
	assert.Equal(t, "reject(1)+modified", event.Reject("no").WithCloudCustomData("x").String())
	assert.Equal(t, "drop", event.Drop().String())
}

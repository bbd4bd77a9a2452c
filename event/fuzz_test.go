package event_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
)

func addGoldenSeeds(f *testing.F, add func(cmd string, body []byte)) {
	for _, cmd := range event.Commands() {
		add(string(cmd), readCallback(f, cmd))
	}
	add("", []byte(`{"CallbackCommand":"Group.CallbackAfterSendMsg","MsgSeq":"12","EventTime":"1"}`))
	add("Unknown.Cmd", []byte(`{"a":[1,{"b":null}]}`))
	add("C2C.CallbackAfterSendMsg", []byte(`{"MsgBody":{"MsgType":"TIMTextElem","MsgContent":{"Text":1}}}`))
	add("State.StateChange", []byte(`{"Info":{"Action":1},"KickedDevice":{"Platform":2}}`))
}

// FuzzParse: Parse never panics; what it accepts is a usable callback.
func FuzzParse(f *testing.F) {
	addGoldenSeeds(f, func(cmd string, body []byte) { f.Add(cmd, body) })
	f.Fuzz(func(t *testing.T, cmd string, body []byte) {
		cb, err := event.Parse(cmd, body)
		if err != nil {
			if cb != nil {
				t.Fatalf("callback and error both returned")
			}
			return
		}
		if cb.Command() == "" {
			t.Fatalf("accepted a callback without a command")
		}
		if cmd != "" && string(cb.Command()) != cmd {
			t.Fatalf("command %q became %q", cmd, cb.Command())
		}
		if !bytes.Equal(cb.Raw(), body) {
			t.Fatalf("raw body not kept")
		}
		out, err := json.Marshal(cb)
		if err != nil {
			t.Fatalf("accepted callback does not re-encode: %v", err)
		}
		// What it re-encodes to decodes (through UnmarshalJSON, time
		// fields included) to a callback that encodes the same way.
		again := reflect.New(reflect.TypeOf(cb).Elem()).Interface()
		if err := json.Unmarshal(out, again); err != nil {
			t.Fatalf("re-encoded callback does not decode: %v\n%s", err, out)
		}
		out2, err := json.Marshal(again)
		if err != nil || !sameJSON(out, out2) {
			t.Fatalf("JSON round trip differs (%v):\n%s\n%s", err, out, out2)
		}
	})
}

// sameJSON reports whether a and b encode the same value (the encoder may
// spell a string differently, e.g. "\ufffd" for invalid UTF-8).
func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

// FuzzHandler: the whole handler never panics, always answers JSON with an
// expected status, never echoes a secret, and accepts only what it must.
func FuzzHandler(f *testing.F) {
	d := newDispatcher(f)
	event.On(d, func(context.Context, *event.ReceivedMessage) {})
	event.On(d, func(context.Context, *event.GroupAfterSendMsg) {})
	event.Decide(d, func(_ context.Context, m *event.C2CBeforeSendMsg) event.Decision {
		if len(m.MsgBody) > 1 {
			return event.Drop()
		}
		return event.Allow()
	})
	h := newTestHandler(f, d, event.WithMaxBodyBytes(64<<10))
	signed := callbackURL("")
	addGoldenSeeds(f, func(cmd string, body []byte) {
		f.Add(uint8(0), callbackURL(event.Command(cmd)), body)
	})
	f.Add(uint8(1), signed, []byte(`{}`))
	f.Add(uint8(0), "/?SdkAppid=1&Sign=00&RequestTime=1", []byte(`{}`))
	f.Add(uint8(0), "/?SdkAppid="+strconv.Itoa(testkit.AppID), []byte(`{}`))
	methods := []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodOptions}
	f.Fuzz(func(t *testing.T, m uint8, target string, body []byte) {
		u, err := url.Parse(target)
		if err != nil {
			return // net/http would not route it here
		}
		r := httptest.NewRequest(methods[int(m)%len(methods)], "/", bytes.NewReader(body))
		r.URL = u
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch rec.Code {
		case 200, 400, 401, 403, 405, 408, 413:
		default:
			t.Fatalf("unexpected status %d", rec.Code)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %q", rec.Body.String())
		}
		q := r.URL.Query()
		for _, secret := range []string{testToken, event.Sign(testToken, q.Get("RequestTime"))} {
			if bytes.Contains(rec.Body.Bytes(), []byte(secret)) {
				t.Fatalf("answer echoes a secret")
			}
		}
		if rec.Code == 200 {
			if r.Method != http.MethodPost || q.Get("SdkAppid") != strconv.Itoa(testkit.AppID) {
				t.Fatalf("accepted method %s app %q", r.Method, q.Get("SdkAppid"))
			}
			if err := event.Verify(testToken, q, testNow, 0); err != nil {
				t.Fatalf("accepted an unverified request: %v", err)
			}
		}
	})
}

// FuzzVerify holds the signature check to a plain reference: the
// lowercase hex SHA-256 of token‖RequestTime, compared ignoring hex case,
// within the tolerance.
func FuzzVerify(f *testing.F) {
	rt := strconv.FormatInt(testNow.Unix(), 10)
	f.Add(event.Sign(testToken, rt), rt)
	f.Add(strings.ToUpper(event.Sign(testToken, rt)), rt)
	f.Add(strings.Repeat("g", 64), rt)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, sign, rt string) {
		q := url.Values{"Sign": {sign}, "RequestTime": {rt}}
		got := event.Verify(testToken, q, testNow, 0) == nil
		sec, err := strconv.ParseInt(rt, 10, 64)
		fresh := err == nil && sign != "" && testNow.Sub(time.Unix(sec, 0)).Abs() <= event.DefaultTolerance
		sum := sha256.Sum256([]byte(testToken + rt))
		dec, derr := hex.DecodeString(sign)
		want := fresh && derr == nil && bytes.Equal(dec, sum[:])
		if got != want {
			t.Fatalf("Verify(%q, %q) = %v, reference %v", sign, rt, got, want)
		}
	})
}

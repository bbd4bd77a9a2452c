package transport

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// FuzzDecode feeds arbitrary response bodies and statuses to the one
// decoder of Tencent's answers: it must never panic, and a body it accepts
// as success must carry a successful envelope.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`,
		`{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}`,
		`{"ErrorCode":0,"ErrorInfo":"OK"}`,
		`{"ErrorCode":"1"}`, `[]`, `null`, ``, `{"ResultItem":[{"UserID":1}]}`,
		`{"ActionStatus":"OK","ErrorCode":0,"ResultItem":"x"}`,
	} {
		f.Add([]byte(s), 200)
		f.Add([]byte(s), 502)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		for _, resp := range []any{nil, &checkResp{}, &map[string]any{}} {
			apiErr, err := decode("a/b", status, body, resp, testSig)
			if apiErr != nil && err != nil {
				t.Fatalf("both an API error and a decode error")
			}
			if apiErr == nil && err == nil {
				if status != 200 {
					t.Fatalf("success under HTTP %d", status)
				}
				var env api.Envelope
				if json.Unmarshal(body, &env) == nil && env.Failed() {
					t.Fatalf("failed envelope %q taken as success", body)
				}
			}
		}
	})
}

// FuzzFlex checks the drift-tolerant scalars never panic and round-trip
// what they accept.
func FuzzFlex(f *testing.F) {
	for _, s := range []string{`1`, `"1670574414123"`, `""`, `null`, `1.5`, `"x"`, `-9223372036854775808`, `"1e3"`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n wire.FlexInt
		if n.UnmarshalJSON(b) == nil {
			out, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			var again wire.FlexInt
			if err := again.UnmarshalJSON(out); err != nil || again != n {
				t.Fatalf("FlexInt %q -> %s -> %v (%v)", b, out, again, err)
			}
		}
		var s wire.FlexString
		_ = s.UnmarshalJSON(b)
		var fl wire.FlexFloat
		if fl.UnmarshalJSON(b) == nil && !math.IsInf(float64(fl), 0) && !math.IsNaN(float64(fl)) {
			out, err := json.Marshal(fl)
			if err != nil {
				t.Fatal(err)
			}
			var again wire.FlexFloat
			if err := again.UnmarshalJSON(out); err != nil || again != fl {
				t.Fatalf("FlexFloat %q -> %s -> %v (%v)", b, out, again, err)
			}
		}
	})
}

// FuzzRedactString: whatever a server echoes, the sig given never
// survives, no usersig= value survives, and redaction is stable.
func FuzzRedactString(f *testing.F) {
	for _, s := range []string{
		"", "plain", "usersig=abc", "x?a=b&usersig=" + testSig, "https://h/v4/a?sdkappid=1&usersig=eJw&random=2",
		"eJ" + strings.Repeat("a", 60), "USERSIG=" + testSig + "\"", "a?b c?d=e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := redactString(s, testSig)
		if strings.Contains(out, testSig) {
			t.Fatalf("sig survived: %q → %q", s, out)
		}
		lower := strings.ToLower(out)
		for i := strings.Index(lower, "usersig="); i >= 0; {
			rest := out[i+len("usersig="):]
			if rest != "" && !strings.HasPrefix(rest, redacted) && !strings.ContainsRune(valueEnd, rune(rest[0])) {
				t.Fatalf("usersig value survived: %q → %q", s, out)
			}
			j := strings.Index(lower[i+1:], "usersig=")
			if j < 0 {
				break
			}
			i += 1 + j
		}
		if again := redactString(out, testSig); again != out {
			t.Fatalf("not stable: %q → %q → %q", s, out, again)
		}
	})
}

// FuzzRetryAfter: any header value gives a non-negative delay, and
// never panics.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "3", "-1", "99999999999999999999", "Fri, 04 Dec 2026 12:00:05 GMT", "Monday"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := retryAfter(s, now); d < 0 {
			t.Fatalf("%q: negative delay %v", s, d)
		}
	})
}

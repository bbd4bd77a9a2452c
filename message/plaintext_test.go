package message_test

import (
	"encoding/json"
	"testing"

	"github.com/timkit/tim/message"
)

// FuzzBodyCompactTextMatchesGeneral holds the compact-text shortcut
// ({"Text":"…"} read without a json.Unmarshal) to the general path: the
// same text decoded from the compact form and from a spaced form (which
// the shortcut never takes) must be equal.
func FuzzBodyCompactTextMatchesGeneral(f *testing.F) {
	for _, s := range []string{"hi", "", "Doctor, my fever is 38.5", "a\"b", `c:\d`, "\u00e9\u4e2d", "\x00", "\xff", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		decode := func(content string) string {
			var b message.Body
			if err := json.Unmarshal([]byte(`[{"MsgType":"TIMTextElem","MsgContent":`+content+`}]`), &b); err != nil {
				t.Fatalf("%s: %v", content, err)
			}
			if len(b) != 1 {
				t.Fatalf("%s: %d elements", content, len(b))
			}
			txt, ok := b[0].(*message.Text)
			if !ok {
				t.Fatalf("%s: %T", content, b[0])
			}
			return txt.Text
		}
		compact := decode(`{"Text":` + string(q) + `}`)
		general := decode(`{ "Text" : ` + string(q) + ` }`)
		if compact != general {
			t.Fatalf("compact %q, general %q", compact, general)
		}
		// Raw (unescaped) bytes, as Tencent may send them.
		raw := `{"Text":"` + s + `"}`
		if json.Valid([]byte(raw)) {
			if got, want := decode(raw), decode(`{ "Text" : "`+s+`" }`); got != want {
				t.Fatalf("raw %q: compact %q, general %q", s, got, want)
			}
		}
	})
}

package wire

import (
	"encoding/json"
	"strconv"
	"testing"
)

// FuzzFlexUint64 decodes a 64-bit cursor in any form: what it accepts
// agrees with a plain uint64 (numbers) and strconv.ParseUint (strings),
// and round-trips through its encoding.
func FuzzFlexUint64(f *testing.F) {
	for _, s := range []string{`0`, `18446744073709551615`, `"4611686018427387907"`, `""`, `null`, `1e3`, `-1`, `18446744073709551616`, `"x"`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c FlexUint64
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			return
		}
		var n uint64
		if err := json.Unmarshal([]byte(s), &n); err == nil && uint64(c) != n {
			t.Fatalf("%s decoded as %d, want %d", s, c, n)
		}
		if q, err := strconv.Unquote(s); err == nil && q != "" {
			if n, err := strconv.ParseUint(q, 10, 64); err != nil || n != uint64(c) {
				t.Fatalf("%s decoded as %d", s, c)
			}
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var again FlexUint64
		if err := json.Unmarshal(out, &again); err != nil || again != c {
			t.Fatalf("%s -> %s -> %d (%v)", s, out, again, err)
		}
	})
}

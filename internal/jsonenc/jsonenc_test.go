package jsonenc

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString holds AppendString to encoding/json's output, byte for byte.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\there\nnl\r\b\f\x00\x1f", "a<b>&c", "医生张三", "😀", "\u2028\u2029", "\xff\xfe bad", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json: %s", s, got, want)
		}
	})
}

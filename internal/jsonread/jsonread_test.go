package jsonread_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/jsonread"
)

func TestString(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`""`, `"plain"`, `"中文 text"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u00e9\u4E2D"`,
		`"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00\ud83d\ude00"`,
		"\"\xff bad \xc3\"", `"{\"consult\":77}"`, ` "spaced" `,
	} {
		var want string
		require.NoError(t, json.Unmarshal([]byte(in), &want), in)
		r := jsonread.New([]byte(in))
		got, ok := r.String()
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
		assert.True(t, r.AtEnd(), in)
	}
	for _, in := range []string{`"unterminated`, `"bad \x escape"`, "\"raw\ncontrol\"", `"\u12"`, `"\ud83d\u12"`, `plain`, ``} {
		r := jsonread.New([]byte(in))
		_, ok := r.String()
		assert.False(t, ok, in)
	}
}

func TestSkipMatchesValidity(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`{}`, `[]`, `{"a":[1,-2.5e+3,"x",true,false,null,{"b":{}}]}`, `0`, `-0`, `1E9`, `"\u0041"`,
		`{"a":1,}`, `[1,]`, `01`, `-`, `1.`, `1e`, `.5`, `tru`, `{"a" 1}`, `{1:2}`, `[1 2]`, `"\q"`,
		strings.Repeat("[", jsonread.MaxDepth) + strings.Repeat("]", jsonread.MaxDepth),
	} {
		r := jsonread.New([]byte(in))
		_, ok := r.Skip()
		ok = ok && r.AtEnd()
		assert.Equal(t, json.Valid([]byte(in)), ok, in)
	}
	deep := strings.Repeat("[", jsonread.MaxDepth+2) + strings.Repeat("]", jsonread.MaxDepth+2)
	r := jsonread.New([]byte(deep))
	_, ok := r.Skip()
	assert.False(t, ok, "deeper than MaxDepth is left to encoding/json")
}

func TestUint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		bits int
		want uint64
		ok   bool
	}{
		{"0", 64, 0, true}, {"48374", 64, 48374, true}, {"4294967295", 32, 4294967295, true},
		{"4294967296", 32, 0, false}, {"9223372036854775807", 63, 9223372036854775807, true},
		{"9223372036854775808", 63, 0, false}, {"18446744073709551615", 64, 0, false},
		{"-1", 64, 0, false}, {"1.5", 64, 0, false}, {"1e3", 64, 0, false}, {"01", 64, 0, false}, {`"1"`, 64, 0, false},
	} {
		r := jsonread.New([]byte(tc.in))
		got, ok := r.Uint(tc.bits)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.want, got, tc.in)
			var n uint64
			require.NoError(t, json.Unmarshal([]byte(tc.in), &n))
			assert.Equal(t, n, got, tc.in)
		}
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		bits int
		want int64
		ok   bool
	}{
		{"0", 64, 0, true}, {"-1", 64, -1, true}, {"-0", 64, 0, true}, {"7", 64, 7, true},
		{"9223372036854775807", 64, 9223372036854775807, true}, {"-9223372036854775808", 64, -9223372036854775808, true},
		{"9223372036854775808", 64, 0, false}, {"2147483648", 32, 0, false}, {"-2147483648", 32, -2147483648, true},
		{"- 1", 64, 0, false}, {"-", 64, 0, false}, {"1.0", 64, 0, false}, {"-1e2", 64, 0, false}, {"--1", 64, 0, false},
	} {
		r := jsonread.New([]byte(tc.in))
		got, ok := r.Int(tc.bits)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	r := jsonread.New([]byte(`{ "MsgType" : "x", "M\u0073g":1, "Ünï":2}`))
	require.True(t, r.Consume('{'))
	k, ok := r.Key()
	require.True(t, ok)
	assert.Equal(t, "MsgType", string(k))
	_, ok = r.Skip()
	require.True(t, ok)
	require.True(t, r.Consume(','))
	_, ok = r.Key()
	assert.False(t, ok, "escaped keys are left to encoding/json")
	r = jsonread.New([]byte(`"Ünï":2`))
	_, ok = r.Key()
	assert.False(t, ok, "non-ASCII keys are left to encoding/json")
}

// FuzzReader holds the reader to encoding/json: a value Skip accepts is
// valid JSON, and a string String reads is the string encoding/json
// decodes.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,2]}`, `"x\u00e9\ud83d\ude00"`, `-1.5e3`, "\"\xff\"", `[{"MsgType":"TIMTextElem"}]`, strconv.Quote("a\tb")} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := jsonread.New(data)
		_, ok := r.Skip()
		ok = ok && r.AtEnd()
		switch valid := json.Valid(data); {
		case ok && !valid:
			t.Fatalf("Skip accepted invalid JSON %q", data)
		case !ok && valid && bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) <= jsonread.MaxDepth:
			t.Fatalf("Skip refused valid JSON %q", data)
		}
		r = jsonread.New(data)
		got, ok := r.String()
		if ok && r.AtEnd() {
			var want string
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("String accepted %q, encoding/json: %v", data, err)
			}
			if got != want {
				t.Fatalf("String(%q) = %q, encoding/json %q", data, got, want)
			}
		}
		r = jsonread.New(data)
		if n, ok := r.Int(64); ok && r.AtEnd() {
			var want int64
			if err := json.Unmarshal(data, &want); err != nil || want != n {
				t.Fatalf("Int(%q) = %d, encoding/json %d, %v", data, n, want, err)
			}
		}
		r = jsonread.New(data)
		if n, ok := r.Uint(64); ok && r.AtEnd() {
			var want uint64
			if err := json.Unmarshal(data, &want); err != nil || want != n {
				t.Fatalf("Uint(%q) = %d, encoding/json %d, %v", data, n, want, err)
			}
		}
	})
}

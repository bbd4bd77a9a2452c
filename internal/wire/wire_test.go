package wire

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
)

func TestCredentialRejected(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{70003: true, 70009: true, 70013: true, 70014: true, 70016: true, 70020: true, 60010: true, 70001: false, 10004: false, 70107: false} {
		assert.Equal(t, want, CredentialRejected(&api.Error{Code: code, HTTPStatus: 200}), code)
	}
	assert.False(t, CredentialRejected(errors.New("x")))
}

func TestFlex(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{`1670574414123`: 1670574414123, `"1670574414123"`: 1670574414123, `""`: 0, `null`: 0, `"2.9"`: 2, `3.0`: 3} {
		var f FlexInt
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, int64(f), in)
	}
	var f FlexInt
	assert.Error(t, json.Unmarshal([]byte(`"abc"`), &f))
	for in, want := range map[string]string{`"@TGS#1"`: "@TGS#1", `123`: "123", `null`: "", `true`: "true", `""`: "",
		`"a\"b\u00e9"`: "a\"bé", `"深圳"`: "深圳", "\"\xff\"": "\ufffd"} {
		var s FlexString
		require.NoError(t, json.Unmarshal([]byte(in), &s), in)
		assert.Equal(t, want, string(s), in)
	}
	var s FlexString
	assert.Error(t, json.Unmarshal([]byte(`{"a":1}`), &s))
	assert.Error(t, json.Unmarshal([]byte(`[1]`), &s))
	for _, in := range []string{`"`, `"a`, `12 34`, `tru`} { // only reachable by a direct call
		assert.Error(t, s.UnmarshalJSON([]byte(in)), in)
	}
}

func TestFlexFloat(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{`29.5`: 29.5, `"116.25"`: 116.25, `" -3 "`: -3, `""`: 0, `" "`: 0, `null`: 0, `7`: 7} {
		var f FlexFloat
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, float64(f), in)
	}
	for _, in := range []string{`"abc"`, `{}`, `[1]`, `true`} {
		var f FlexFloat
		assert.Error(t, json.Unmarshal([]byte(in), &f), in)
	}
}

func TestFlexUint64(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]uint64{
		`0`: 0, `null`: 0, `""`: 0, ` 42 `: 42,
		`18446744073709551615`:   18446744073709551615,
		`"4611686018427387907"`:  4611686018427387907, // above 2^53: no float64 on the way
		`"18446744073709551615"`: 18446744073709551615,
	} {
		var f FlexUint64
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, uint64(f), in)
	}
	for _, in := range []string{`-1`, `1.5`, `1e3`, `"abc"`, `18446744073709551616`, `{}`, `[1]`, `true`} {
		var f FlexUint64
		assert.Error(t, json.Unmarshal([]byte(in), &f), in)
	}
	out, err := json.Marshal(FlexUint64(18446744073709551615))
	require.NoError(t, err)
	assert.Equal(t, `18446744073709551615`, string(out), "encodes as a number")
}

package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFamilies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code, status int
		in           []error
		retryable    bool
	}{
		{60007, 200, []error{ErrRateLimited}, true},
		{10023, 200, []error{ErrRateLimited}, true},
		{70050, 200, []error{ErrRateLimited, ErrUserSigInvalid}, false},
		{70001, 200, []error{ErrUserSigExpired}, false},
		{70009, 200, []error{ErrUserSigInvalid}, false},
		{70020, 200, []error{ErrWrongRegion}, false},
		{90012, 200, []error{ErrAccountNotFound}, false},
		{10010, 200, []error{ErrGroupNotFound}, false},
		{10007, 200, []error{ErrPermission}, false},
		{90026, 200, []error{ErrInvalidParameter}, false},
		{91000, 200, []error{ErrServerBusy}, true},
		{20006, 200, []error{ErrRejectedByCallback}, false},
		{10025, 200, []error{ErrConflict}, false},
		{0, 502, []error{ErrServerBusy}, true},
		{0, 429, []error{ErrRateLimited}, true},
		{0, 404, nil, false},
		{12345, 200, nil, false},
	}
	all := []error{ErrRateLimited, ErrUserSigExpired, ErrUserSigInvalid, ErrWrongRegion, ErrAccountNotFound,
		ErrGroupNotFound, ErrPermission, ErrInvalidParameter, ErrServerBusy, ErrRejectedByCallback, ErrConflict}
	for _, tc := range cases {
		e := &APIError{Op: "a/b", HTTPStatus: tc.status, Code: tc.code, Info: "x"}
		wrapped := fmt.Errorf("ctx: %w", e)
		for _, fam := range all {
			want := false
			for _, f := range tc.in {
				want = want || f == fam
			}
			assert.Equal(t, want, errors.Is(wrapped, fam), "code %d status %d family %v", tc.code, tc.status, fam)
		}
		assert.Equal(t, tc.retryable, e.Retryable(), "code %d status %d", tc.code, tc.status)
	}
}

func TestCredentialRejected(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{70003: true, 70009: true, 70013: true, 70014: true, 70016: true, 70020: true, 60010: true, 70001: false, 10004: false, 70107: false} {
		assert.Equal(t, want, CredentialRejected(&APIError{Code: code, HTTPStatus: 200}), code)
	}
	assert.False(t, CredentialRejected(errors.New("x")))
}

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "tim: openim/sendmsg: error 90012: To_Account not imported", (&APIError{Op: "openim/sendmsg", HTTPStatus: 200, Code: 90012, Info: "To_Account not imported"}).Error())
	assert.Equal(t, "tim: a/b: error 1", (&APIError{Op: "a/b", Code: 1}).Error())
	assert.Equal(t, "tim: a/b: HTTP 502 Bad Gateway", (&APIError{Op: "a/b", HTTPStatus: 502}).Error())
	err := Invalid("GroupId", "is %d bytes, limit is %d", 49, 48)
	assert.EqualError(t, err, "tim: invalid GroupId: is 49 bytes, limit is 48")
	assert.ErrorIs(t, err, ErrInvalidParameter)
}

func TestEnvelopeFailed(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"ActionStatus":"OK","ErrorCode":0}`: false, `{"ErrorCode":0,"ErrorInfo":"OK"}`: false,
		`{"ActionStatus":"FAIL","ErrorCode":0}`: true, `{"ErrorCode":70107}`: true, `{}`: false,
	} {
		var e Envelope
		require.NoError(t, json.Unmarshal([]byte(body), &e))
		assert.Equal(t, want, e.Failed(), body)
	}
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

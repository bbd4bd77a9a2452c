package api

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
		e := &Error{Op: "a/b", HTTPStatus: tc.status, Code: tc.code, Info: "x"}
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

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "tim: openim/sendmsg: error 90012: To_Account not imported", (&Error{Op: "openim/sendmsg", HTTPStatus: 200, Code: 90012, Info: "To_Account not imported"}).Error())
	assert.Equal(t, "tim: a/b: error 1", (&Error{Op: "a/b", Code: 1}).Error())
	assert.Equal(t, "tim: a/b: HTTP 502 Bad Gateway", (&Error{Op: "a/b", HTTPStatus: 502}).Error())
	err := error(&InvalidInputError{Field: "GroupId", Reason: "is 49 bytes, limit is 48"})
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

package api

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 13 defect 3: "SomeError" with ErrorCode 0 is batchsendmsg's
// documented partial success, not a failure of the call.
func TestSomeErrorEnvelopeIsPartialSuccessNotFailure(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body            string
		failed, partial bool
	}{
		{`{"ActionStatus":"OK","ErrorCode":0}`, false, false},
		{`{"ActionStatus":"SomeError","ErrorCode":0,"ErrorInfo":""}`, false, true},
		{`{"ActionStatus":"SomeError","ErrorCode":90011}`, true, false},
		{`{"ActionStatus":"FAIL","ErrorCode":0,"ErrorInfo":"x"}`, true, false},
		{`{"ErrorCode":70107}`, true, false},
		{`{"ErrorCode":0}`, false, false},
	}
	for _, tc := range cases {
		var e Envelope
		require.NoError(t, json.Unmarshal([]byte(tc.body), &e))
		assert.Equal(t, tc.failed, e.Failed(), tc.body)
		assert.Equal(t, tc.partial, e.Partial(), tc.body)
	}
}

// Issue 13 defect 9: a 200 answer with ActionStatus "FAIL" and no
// ErrorCode keeps its ErrorInfo in the error text.
func TestFailWithoutErrorCodeKeepsErrorInfoInErrorText(t *testing.T) {
	t.Parallel()
	e := &Error{Op: "a/b", HTTPStatus: 200, Info: "Fail to Parse json data of body"}
	assert.Equal(t, "tim: a/b: HTTP 200 OK: Fail to Parse json data of body", e.Error())
	assert.Equal(t, "tim: a/b: HTTP 502 Bad Gateway", (&Error{Op: "a/b", HTTPStatus: 502}).Error())
}

package transport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactString(t *testing.T) {
	t.Parallel()
	realSig := "eJw1jk0LgjAcxr*KxFkb6Vw6Qdk0TXsWDhg60uvCbTv3Xfn0t8" + strings.Repeat("Ab1-_*", 20)
	for _, tc := range []struct{ in, want string }{
		{"plain text stays", "plain text stays"},
		{"busy, try later?", "busy, try later?"},
		{"sig " + testSig + " echoed", "sig REDACTED echoed"},
		{"https://h/v4/a/b?sdkappid=1&identifier=admin&usersig=abc&random=1 failed", "https://h/v4/a/b?REDACTED failed"},
		{`"url":"/v4/x?usersig=abc"`, `"url":"/v4/x?REDACTED"`},
		{"UserSig=abc&x=1", "UserSig=REDACTED&x=1"},
		{"USERSIG=abc usersig=def", "USERSIG=REDACTED usersig=REDACTED"},
		{"old sig " + realSig + ".", "old sig REDACTED."},
		{"identifier=" + realSig[:30], "identifier=" + realSig[:30]}, // too short to be a sig
		{"a?b", "a?b"},
	} {
		assert.Equal(t, tc.want, redactString(tc.in, testSig), "%q", tc.in)
	}
}

// TestRedactStringAllocatesNothingWhenClean: redaction runs on every
// error answer; a text without secrets costs no allocation.
func TestRedactStringAllocatesNothingWhenClean(t *testing.T) {
	s := "Fail to Parse json data of body, Please check it"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = redactString(s, testSig) }))
}

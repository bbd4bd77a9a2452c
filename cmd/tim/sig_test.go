package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAppID = "1400000001"
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)

var issued = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func sigEnv(now time.Time) testEnv {
	return testEnv{vars: map[string]string{envSDKAppID: testAppID, envSecretKey: testKey}, now: now}
}

func genSig(t *testing.T, args ...string) string {
	t.Helper()
	r := sigEnv(issued).run(t, append([]string{"sig", "gen"}, args...)...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assertNoSecret(t, r, testKey)
	sig := strings.TrimSpace(r.stdout)
	require.True(t, strings.HasPrefix(sig, "eAE"), "only the sig is printed: %q", r.stdout)
	return sig
}

func TestSigGenDecode(t *testing.T) {
	t.Parallel()
	sig := genSig(t, "alice", "--ttl", "2d", "--userbuf", "room-1")

	// decode needs no key.
	r := testEnv{now: issued.Add(time.Hour)}.run(t, "sig", "decode", sig)
	require.Equal(t, exitOK, r.code, r.stderr)
	for _, want := range []string{`identifier:  "alice"`, "sdkappid:    1400000001", "version:     2.0",
		"issued:      2026-12-04T10:00:00Z", "validity:    2d (172800 s)", "expires:     2026-12-06T10:00:00Z",
		"valid for another 1d23h", `userbuf:     "room-1" (6 bytes)`} {
		assert.Contains(t, r.stdout, want)
	}

	r = testEnv{now: issued.Add(72 * time.Hour), stdin: sig + "\n"}.run(t, "sig", "decode", "--json", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	var v sigView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.Equal(t, "alice", v.Identifier)
	assert.Equal(t, uint64(1400000001), v.SDKAppID)
	assert.Equal(t, issued.Unix(), v.IssuedUnix)
	assert.Equal(t, int64(172800), v.ValiditySec)
	assert.True(t, v.Expired)
	require.NotNil(t, v.UserBuf)
	assert.Equal(t, "room-1", *v.UserBuf)
	assert.NotContains(t, r.stdout, "sig\"", "the signature is not printed")

	r = testEnv{}.run(t, "sig", "decode", "not-a-sig")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "70003")
}

func TestSigGenRefusesBadInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"alice", "--ttl", "0d"},
		{"alice", "--ttl", "10ms"},
		{"alice", "--ttl", "soon"},
		{strings.Repeat("x", 33)},
		{"alice", "--userbuf", ""},
	} {
		r := sigEnv(issued).run(t, append([]string{"sig", "gen"}, args...)...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
		assertNoSecret(t, r, testKey)
	}
}

// TestSigVerifyNamesTencentsCode: each failed check names the code the
// real service answers and a likely cause; the key is never printed.
func TestSigVerifyNamesTencentsCode(t *testing.T) {
	t.Parallel()
	sig := genSig(t, "alice", "--ttl", "24h")
	ok := sigEnv(issued.Add(time.Hour)).run(t, "sig", "verify", sig, "--user", "alice")
	require.Equal(t, exitOK, ok.code, ok.stderr)
	assert.Contains(t, ok.stdout, `OK: valid for "alice" of app 1400000001 until 2026-12-05T10:00:00Z`)
	assertNoSecret(t, ok, testKey)

	otherKey := testEnv{vars: map[string]string{envSDKAppID: testAppID, envSecretKey: "another-apps-key-abcdef"}, now: issued}
	otherApp := testEnv{vars: map[string]string{envSDKAppID: "1400000999", envSecretKey: testKey}, now: issued}
	cases := []struct {
		name  string
		te    testEnv
		args  []string
		code  string
		cause string
	}{
		{"expired", sigEnv(issued.Add(25 * time.Hour)), []string{sig}, "70001", "expired 1h0m0s ago"},
		{"malformed", sigEnv(issued), []string{sig[:len(sig)-5]}, "70003", "truncated or altered"},
		{"another key", otherKey, []string{sig}, "70009", "another app's key"},
		{"another user", sigEnv(issued), []string{sig, "--user", "Alice"}, "70013", `"alice", the request says "Alice"`},
		{"another app", otherApp, []string{sig}, "70014", "the sig is for app 1400000001, not 1400000999"},
		{"another app: data centre hint", otherApp, []string{sig}, "70014", "data centre too: calling an app in another region than the one it was created in answers 70016/70020"},
		{"userbuf", sigEnv(issued), []string{sig, "--userbuf", "room"}, "70009", "userbuf"},
	}
	for _, tc := range cases {
		r := tc.te.run(t, append([]string{"sig", "verify"}, tc.args...)...)
		assert.Equal(t, exitMismatch, r.code, tc.name)
		assert.Contains(t, r.stderr, "Tencent would answer "+tc.code+":", tc.name)
		assert.Contains(t, r.stderr, tc.cause, tc.name)
		assertNoSecret(t, r, testKey)
		assert.NotContains(t, r.stderr+r.stdout, "another-apps-key", tc.name)
	}
}

func TestSigVerifyReadsStdinAndNeedsKey(t *testing.T) {
	t.Parallel()
	sig := genSig(t, "administrator")
	te := sigEnv(issued)
	te.stdin = sig + "\n"
	r := te.run(t, "sig", "verify", "-")
	assert.Equal(t, exitOK, r.code, r.stderr)
	r = testEnv{stdin: sig}.run(t, "sig", "verify", "-")
	assert.Equal(t, exitUsage, r.code, "no key: usage error")
}

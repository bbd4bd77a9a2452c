package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/timtest"
)

func TestCallAgainstTheFake(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)

	r := te.run(t, "call", "im_open_login_svc/account_import", `{"UserID":"alice","Nick":"Alice"}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "\"ActionStatus\": \"OK\"", "pretty JSON")
	assert.True(t, srv.HasAccount("alice"))
	assertNoSecret(t, r, timtest.DefaultSecretKey)

	// v4/ prefix, @file and stdin.
	file := filepath.Join(t.TempDir(), "req.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"CheckItem":[{"UserID":"alice"},{"UserID":"nobody"}]}`), 0o644))
	r = te.run(t, "call", "v4/im_open_login_svc/account_check", "@"+file)
	require.Equal(t, exitOK, r.code, r.stderr)
	var ans struct {
		ResultItem []struct{ UserID, AccountStatus string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &ans))
	require.Len(t, ans.ResultItem, 2)
	assert.Equal(t, "Imported", ans.ResultItem[0].AccountStatus)
	assert.Equal(t, "NotImported", ans.ResultItem[1].AccountStatus)

	te.stdin = `{"UserID":"bob"}`
	r = te.run(t, "call", "im_open_login_svc/account_import", "-", "--compact")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`, r.stdout)
	assert.Equal(t, 1, strings.Count(r.stdout, "\n"), "one line")
	assert.True(t, srv.HasAccount("bob"))
}

func TestCallFailuresHaveTypedErrorsAndExitCodes(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)

	srv.FailNext("im_open_login_svc/kick", 1, 70107)
	r := te.run(t, "call", "im_open_login_svc/kick", `{"UserID":"ghost"}`)
	assert.Equal(t, exitAPI, r.code)
	assert.Contains(t, r.stderr, "im_open_login_svc/kick failed: Tencent error 70107")
	assert.Contains(t, r.stderr, "account not found", "the error family is named")
	assertNoSecret(t, r, timtest.DefaultSecretKey)

	for _, args := range [][]string{
		{"call", "sendmsg"},
		{"call", "openim/sendmsg", "{not json"},
		{"call", "openim/sendmsg", "[1]"},
		{"call", "openim/sendmsg", "@/nonexistent/file.json"},
	} {
		r := te.run(t, args...)
		assert.NotEqual(t, exitOK, r.code, "%v", args)
		assert.NotEqual(t, exitAPI, r.code, "%v", args)
	}
	r = te.run(t, "call", "openim/sendmsg", "{not json")
	assert.Equal(t, exitUsage, r.code)

	// A server that is not there: a network failure, exit 3.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	r = testEnv{vars: map[string]string{envBaseURL: dead}}.run(t, "call", "im_open_login_svc/account_check", `{"CheckItem":[{"UserID":"a"}]}`, "--timeout", "3s")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "usersig=", "the URL with the admin sig is not printed")

	// No credentials at all.
	r = testEnv{}.run(t, "call", "im_open_login_svc/account_check")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, envSDKAppID)
}

func TestSendTextC2CAndGroup(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)
	require.NoError(t, srv.ImportAccounts("doctor", "patient"))

	r := te.run(t, "send", "--from", "doctor", "--to", "patient", "How are you feeling?")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"MsgKey"`)
	msgs := srv.Messages("doctor", "patient")
	require.Len(t, msgs, 1)
	assert.Contains(t, jsonOf(t, msgs[0].Body), "How are you feeling?")

	r = te.run(t, "call", "group_open_http_svc/create_group", `{"Owner_Account":"doctor","Type":"Private","Name":"Consult","GroupId":"consult_1","MemberList":[{"Member_Account":"patient"}]}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	r = te.run(t, "send", "--group", "consult_1", "--from", "doctor", "Welcome")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"MsgSeq"`)
	gm := srv.GroupMessages("consult_1")
	require.NotEmpty(t, gm)
	assert.Contains(t, jsonOf(t, gm[len(gm)-1].Body), "Welcome")

	r = te.run(t, "send", "--to", "nobody_here", "x")
	assert.Equal(t, exitAPI, r.code, r.stderr)
	r = te.run(t, "send", "x")
	assert.Equal(t, exitUsage, r.code)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestVerboseNamesTheServerWithoutSecrets(t *testing.T) {
	t.Parallel()
	te, _ := fakeEnv(t)
	r := te.run(t, "-v", "call", "im_open_login_svc/account_import", `{"UserID":"v1"}`)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "tim: tim call on http://127.0.0.1:")
	assert.Contains(t, r.stderr, ", app 1400000000 as administrator")
	assertNoSecret(t, r, timtest.DefaultSecretKey)

	r = testEnv{vars: map[string]string{envSDKAppID: testAppID, envSecretKey: testKey, envRegion: "sgp"}}.run(t,
		"--verbose", "call", "im_open_login_svc/account_import", `{"UserID":"v1"}`, "--timeout", "1ms")
	assert.Contains(t, r.stderr, "Tencent Cloud IM singapore (adminapisgp.im.qcloud.com), app 1400000001")
	assertNoSecret(t, r, testKey)
}

func TestSendToSeveralUsersGoesThroughBatch(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)
	require.NoError(t, srv.ImportAccounts("p1", "p2", "p3"))
	r := te.run(t, "send", "--to", "p1,p2", "--to", "p3", "Clinic opens at 9")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"Sent":3,"Failed":[]}`, r.stdout)
	assert.Contains(t, r.stderr, "sending", "progress on stderr (plain lines off a terminal)")
	assert.Contains(t, r.stderr, "3/3")
	assert.Len(t, srv.Requests("openim/batchsendmsg"), 1)
	for _, p := range []string{"p1", "p2", "p3"} {
		assert.Len(t, srv.Messages(timtest.DefaultAdmin, p), 1, p)
	}

	r = te.run(t, "send", "--to", "p1,ghost", "again")
	assert.Equal(t, exitAPI, r.code, r.stderr)
	assert.JSONEq(t, `{"Sent":1,"Failed":[{"To_Account":"ghost","ErrorCode":70107}]}`, r.stdout)
	assert.Contains(t, r.stderr, "1 of 2 recipients did not get the message")
}

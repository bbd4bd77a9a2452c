package main

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ids(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "user_%d\n", i)
	}
	return b.String()
}

func TestAccountImportShowsPlainProgressLines(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)
	te.stdin = "# a comment\n" + ids(250)
	r := te.run(t, "account", "import", "--file", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "importing accounts: 100/250 accounts (40%)\nimporting accounts: 200/250 accounts (80%)\nimporting accounts: 250/250 accounts (100%)\n", r.stderr)
	assert.JSONEq(t, `{"requested":250,"failed":[]}`, r.stdout)
	assert.Len(t, srv.Accounts(), 251, "the admin and 250 users")
}

func TestAccountImportDrawsABarOnATerminal(t *testing.T) {
	t.Parallel()
	te, _ := fakeEnv(t)
	te.stdin, te.tty = ids(150), true
	r := te.run(t, "account", "import", "--file", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stderr, "\rimporting accounts [####################..........] 100/150 accounts (66%)")
	assert.True(t, strings.HasSuffix(r.stderr, "\rimporting accounts [##############################] 150/150 accounts (100%)\n"), "%q", r.stderr)
}

func TestAccountImportFailures(t *testing.T) {
	t.Parallel()
	te, srv := fakeEnv(t)
	r := te.run(t, "account", "import")
	assert.Equal(t, exitUsage, r.code)
	r = te.run(t, "account", "import", "ok_1", strings.Repeat("x", 40))
	assert.Equal(t, exitUsage, r.code, "a UserID over 32 bytes is refused before any call")
	srv.FailNext("im_open_login_svc/multiaccount_import", 1, 70402)
	r = te.run(t, "account", "import", "a", "b")
	assert.Equal(t, exitAPI, r.code, r.stderr)
	assert.Contains(t, r.stderr, "Tencent error 70402")
}

// historyServer answers get_history with two files it also serves; the
// second one's MD5 is wrong when bad is set.
func historyServer(t *testing.T, bad bool) (*httptest.Server, [][]byte) {
	t.Helper()
	var files [][]byte
	for i := range 2 {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		fmt.Fprintf(zw, `{"SdkAppId":1400000000,"ChatType":"Group","MsgTime":"2026120415","MsgList":[{"From_Account":"u%d","GroupId":"g","MsgTimestamp":1796367600,"MsgSeq":1,"MsgRandom":2,"MsgBody":[]}]}%s`, i, strings.Repeat(" ", 50000*i))
		require.NoError(t, zw.Close())
		files = append(files, b.Bytes())
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/v4/open_msg_svc/get_history"):
			var req struct{ ChatType, MsgTime string }
			_ = json.NewDecoder(r.Body).Decode(&req)
			if req.ChatType != "Group" || req.MsgTime != "2026120415" {
				_, _ = w.Write([]byte(`{"ActionStatus":"FAIL","ErrorCode":1004,"ErrorInfo":"not ready"}`))
				return
			}
			var list []map[string]any
			for i, f := range files {
				sum := md5.Sum(f)
				if bad && i == 1 {
					sum[0] ^= 1
				}
				list = append(list, map[string]any{"URL": fmt.Sprintf("%s/files/%d.gz?sign=SIGNATURE", srv.URL, i),
					"ExpireTime": "2026-12-04 17:00:00", "GzipSize": len(f), "GzipMD5": hex.EncodeToString(sum[:]), "FileSize": 1, "FileMD5": "x"})
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "File": list})
		case r.URL.Path == "/files/0.gz":
			_, _ = w.Write(files[0])
		case r.URL.Path == "/files/1.gz":
			_, _ = w.Write(files[1])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, files
}

func TestHistoryExportDownloadsWithProgress(t *testing.T) {
	t.Parallel()
	srv, files := historyServer(t, false)
	dir := t.TempDir()
	te := testEnv{vars: map[string]string{envBaseURL: srv.URL}}
	r := te.run(t, "history", "export", "--type", "group", "--hour", "2026120415", "--dir", dir)
	require.Equal(t, exitOK, r.code, r.stderr)
	var saved []struct {
		Path  string
		Bytes int64
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &saved))
	require.Len(t, saved, 2)
	assert.Equal(t, filepath.Join(dir, "Group-2026120415-1.json.gz"), saved[0].Path)
	got, err := os.ReadFile(saved[1].Path)
	require.NoError(t, err)
	assert.Equal(t, files[1], got)
	total := len(files[0]) + len(files[1])
	assert.Contains(t, r.stderr, fmt.Sprintf("downloading history: %d/%d bytes (100%%)\n", total, total))
	assert.NotContains(t, r.stderr, "SIGNATURE")

	// The same hour given as an RFC 3339 time in UTC (15:00 in Beijing).
	r = te.run(t, "history", "export", "--type", "group", "--hour", time.Date(2026, 12, 4, 7, 30, 0, 0, time.UTC).Format(time.RFC3339), "--dir", t.TempDir())
	require.Equal(t, exitOK, r.code, r.stderr)
}

func TestHistoryExportRefusesABadChecksum(t *testing.T) {
	t.Parallel()
	srv, _ := historyServer(t, true)
	dir := t.TempDir()
	te := testEnv{vars: map[string]string{envBaseURL: srv.URL}}
	r := te.run(t, "history", "export", "--type", "group", "--hour", "2026120415", "--dir", dir)
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "GzipMD5")
	assert.NotContains(t, r.stderr, "SIGNATURE")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the good file is kept")

	r = te.run(t, "history", "export", "--type", "c2c", "--hour", "2026120415", "--dir", dir)
	assert.Equal(t, exitAPI, r.code, "1004: not ready")
	assert.Contains(t, r.stderr, "1004")
	for _, args := range [][]string{
		{"history", "export", "--type", "x", "--hour", "2026120415"},
		{"history", "export", "--hour", "yesterday"},
		{"history", "export"},
	} {
		assert.Equal(t, exitUsage, te.run(t, args...).code, "%v", args)
	}
}

func TestHistoryReadPrintsOneLinePerMessage(t *testing.T) {
	t.Parallel()
	srv, _ := historyServer(t, false)
	dir := t.TempDir()
	te := testEnv{vars: map[string]string{envBaseURL: srv.URL}}
	r := te.run(t, "history", "export", "--type", "group", "--hour", "2026120415", "--dir", dir)
	require.Equal(t, exitOK, r.code, r.stderr)

	r = te.run(t, "history", "read", filepath.Join(dir, "Group-2026120415-2.json.gz"))
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.JSONEq(t, `{"From_Account":"u1","GroupId":"g","MsgTimestamp":1796367600,"MsgSeq":1,"MsgRandom":2,"MsgBody":[]}`, r.stdout)

	te.stdin = `{"MsgList":[{"From_Account":"a","MsgBody":[]},{"From_Account":{"x":1}},{"From_Account":"b","MsgBody":[]}]}`
	r = te.run(t, "history", "read", "-")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, 2, strings.Count(r.stdout, "\n"), "the good records are printed: %s", r.stdout)
	assert.Contains(t, r.stderr, "history record 1")

	te.stdin = `not a history file`
	r = te.run(t, "history", "read", "-")
	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	r = te.run(t, "history", "read", filepath.Join(dir, "missing.gz"))
	assert.Equal(t, exitUsage, r.code)
}

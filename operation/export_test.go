package operation_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
)

// gzipped returns historyFile compressed and its hex MD5.
func gzipped(t *testing.T, s string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	sum := md5.Sum(b.Bytes())
	return b.Bytes(), hex.EncodeToString(sum[:])
}

// fileServer serves files by path, with a signature-like query the
// errors must not show.
func fileServer(t *testing.T, files map[string][]byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const urlSecret = "?sign=q-signature-SECRET"

func TestExportHistoryDownloadsChecksAndReportsProgress(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	one, md1 := gzipped(t, historyFile)
	two, md2 := gzipped(t, strings.Repeat(" ", 100000)+historyFile)
	files := fileServer(t, map[string][]byte{"/1.gz": one, "/2.gz": two})
	srv.Handle(pHistory, func(testkit.Request) any {
		return testkit.With(map[string]any{"File": []map[string]any{
			{"URL": files.URL + "/1.gz" + urlSecret, "ExpireTime": "2015-12-02 16:45:23", "GzipSize": len(one), "GzipMD5": md1},
			{"URL": files.URL + "/2.gz" + urlSecret, "ExpireTime": "2015-12-02 16:45:23", "GzipSize": len(two), "GzipMD5": strings.ToUpper(md2)},
		}})
	})
	dir := t.TempDir()
	var last [2]int64
	calls := 0
	got, err := svc.ExportHistory(context.Background(), operation.HistoryRequest{ChatType: message.ConvGroup,
		Hour: time.Date(2015, 12, 1, 21, 0, 0, 0, cst)}, dir,
		operation.WithDownloadClient(files.Client()),
		operation.WithDownloadProgress(func(done, total int64) {
			calls++
			assert.GreaterOrEqual(t, done, last[0], "progress never goes back")
			last = [2]int64{done, total}
		}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, filepath.Join(dir, "Group-2015120121-1.json.gz"), got[0].Path)
	assert.Equal(t, filepath.Join(dir, "Group-2015120121-2.json.gz"), got[1].Path)
	assert.Equal(t, int64(len(two)), got[1].Bytes)
	total := int64(len(one) + len(two))
	assert.Equal(t, [2]int64{total, total}, last)
	assert.Greater(t, calls, 1)

	f, err := os.Open(got[0].Path)
	require.NoError(t, err)
	defer f.Close()
	n := 0
	for rec, err := range operation.ReadHistory(f) {
		require.NoError(t, err)
		assert.NotEmpty(t, rec.From)
		n++
	}
	assert.Equal(t, 2, n)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no .part file left")
}

func TestDownloadHistoryRefusesAlteredFile(t *testing.T) {
	t.Parallel()
	body, sum := gzipped(t, historyFile)
	altered := bytes.Clone(body)
	altered[len(altered)/2] ^= 0xff
	files := fileServer(t, map[string][]byte{"/ok.gz": body, "/bad.gz": altered, "/short.gz": body[:len(body)-3]})
	ctx := context.Background()
	cases := []struct {
		name string
		f    operation.HistoryFile
		want string
	}{
		{"altered bytes", operation.HistoryFile{URL: files.URL + "/bad.gz" + urlSecret, GzipSize: int64(len(body)), GzipMD5: sum}, "MD5"},
		{"truncated", operation.HistoryFile{URL: files.URL + "/short.gz" + urlSecret, GzipSize: int64(len(body)), GzipMD5: sum}, "GzipSize"},
		{"longer than said", operation.HistoryFile{URL: files.URL + "/ok.gz" + urlSecret, GzipSize: int64(len(body) - 1), GzipMD5: sum}, "GzipSize"},
	}
	for _, tc := range cases {
		var w bytes.Buffer
		_, err := operation.DownloadHistory(ctx, tc.f, &w, operation.WithDownloadClient(files.Client()))
		require.Error(t, err, tc.name)
		assert.ErrorIs(t, err, operation.ErrHistoryChecksum, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
	var w bytes.Buffer
	n, err := operation.DownloadHistory(ctx, operation.HistoryFile{URL: files.URL + "/ok.gz" + urlSecret, GzipSize: int64(len(body)), GzipMD5: sum}, &w,
		operation.WithDownloadClient(files.Client()))
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), n)
	assert.Equal(t, body, w.Bytes())
}

func TestDownloadHistoryErrorsHideTheURL(t *testing.T) {
	t.Parallel()
	files := fileServer(t, nil)
	ctx := context.Background()
	for _, u := range []string{files.URL + "/missing.gz" + urlSecret, "http://127.0.0.1:1/x.gz" + urlSecret, "ftp://x/y" + urlSecret} {
		_, err := operation.DownloadHistory(ctx, operation.HistoryFile{URL: u}, &bytes.Buffer{}, operation.WithDownloadClient(files.Client()))
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "SECRET", u)
	}
}

func TestExportHistoryLeavesNoPartialFile(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	body, sum := gzipped(t, historyFile)
	files := fileServer(t, map[string][]byte{"/1.gz": body, "/2.gz": body[:10]})
	srv.Handle(pHistory, func(testkit.Request) any {
		return testkit.With(map[string]any{"File": []map[string]any{
			{"URL": files.URL + "/1.gz", "GzipSize": len(body), "GzipMD5": sum},
			{"URL": files.URL + "/2.gz", "GzipSize": len(body), "GzipMD5": sum},
		}})
	})
	dir := t.TempDir()
	got, err := svc.ExportHistory(context.Background(), operation.HistoryRequest{ChatType: message.ConvC2C, Hour: time.Date(2015, 12, 1, 21, 0, 0, 0, cst)},
		dir, operation.WithDownloadClient(files.Client()))
	require.ErrorIs(t, err, operation.ErrHistoryChecksum)
	assert.Contains(t, err.Error(), "history file 2 of 2")
	require.Len(t, got, 1)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "C2C-2015120121-1.json.gz", entries[0].Name())

	_, err = svc.ExportHistory(context.Background(), operation.HistoryRequest{ChatType: "x", Hour: time.Now()}, dir)
	testkit.AssertInvalid(t, err, "ChatType")
}

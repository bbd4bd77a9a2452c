package operation_test

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/timkit/tim/operation"
)

// benchFile serves 4 MiB of random bytes (a gzip file does not compress
// further) and returns its description.
func benchFile(b *testing.B) (*httptest.Server, operation.HistoryFile) {
	b.Helper()
	data := make([]byte, 4<<20)
	_, _ = rand.Read(data)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(data) }))
	b.Cleanup(srv.Close)
	sum := md5.Sum(data)
	return srv, operation.HistoryFile{URL: srv.URL + "/f.gz", GzipSize: int64(len(data)), GzipMD5: hex.EncodeToString(sum[:])}
}

// BenchmarkDownloadHistory is DownloadHistory (size and MD5 checks, a
// progress callback) of a 4 MiB file from a local server.
func BenchmarkDownloadHistory(b *testing.B) {
	srv, f := benchFile(b)
	var last int64
	opts := []operation.DownloadOption{operation.WithDownloadClient(srv.Client()),
		operation.WithDownloadProgress(func(done, _ int64) { last = done })}
	b.SetBytes(f.GzipSize)
	b.ResetTimer()
	for b.Loop() {
		if _, err := operation.DownloadHistory(context.Background(), f, io.Discard, opts...); err != nil {
			b.Fatal(err)
		}
	}
	if last != f.GzipSize {
		b.Fatalf("progress ended at %d", last)
	}
}

// BenchmarkDownloadBare is the baseline: the same GET copied to
// io.Discard with no check.
func BenchmarkDownloadBare(b *testing.B) {
	srv, f := benchFile(b)
	hc := srv.Client()
	b.SetBytes(f.GzipSize)
	b.ResetTimer()
	for b.Loop() {
		res, err := hc.Get(f.URL)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || n != f.GzipSize {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkDownloadBareMD5 is the baseline with the one unavoidable cost
// of the check: the same GET, hashed with MD5 on the way to io.Discard.
func BenchmarkDownloadBareMD5(b *testing.B) {
	srv, f := benchFile(b)
	hc := srv.Client()
	b.SetBytes(f.GzipSize)
	b.ResetTimer()
	for b.Loop() {
		res, err := hc.Get(f.URL)
		if err != nil {
			b.Fatal(err)
		}
		h := md5.New()
		n, err := io.Copy(io.MultiWriter(io.Discard, h), res.Body)
		res.Body.Close()
		if err != nil || n != f.GzipSize || hex.EncodeToString(h.Sum(nil)) != f.GzipMD5 {
			b.Fatal(n, err)
		}
	}
}

package operation

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrHistoryChecksum is returned when a downloaded history file is not
// the one get_history described: its size differs from GzipSize or its
// MD5 from GzipMD5 (a truncated or altered download). Nothing is kept of
// such a file.
var ErrHistoryChecksum = errors.New("operation: history file does not match GzipSize/GzipMD5")

// MaxHistoryFileBytes caps a download whose GzipSize is unknown (a file
// that says its size is read up to that size).
const MaxHistoryFileBytes = 4 << 30

// DownloadOption tunes DownloadHistory and ExportHistory.
type DownloadOption func(*downloadConfig)

type downloadConfig struct {
	client   *http.Client
	progress func(done, total int64)
}

func downloadOptions(opts []DownloadOption) downloadConfig {
	c := downloadConfig{client: http.DefaultClient}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithDownloadClient sets the HTTP client that fetches the files (default
// http.DefaultClient). The files are on Tencent's storage, not the REST
// host, so the tim.Client's transport is not used. A nil client is
// ignored.
func WithDownloadClient(hc *http.Client) DownloadOption {
	return func(c *downloadConfig) {
		if hc != nil {
			c.client = hc
		}
	}
}

// WithDownloadProgress has the download call fn as bytes arrive, with the
// bytes received so far and the total expected (the sum of the files'
// GzipSize; 0 when unknown). fn runs on the downloading goroutine, often
// (after every read), so it should only record the figures. A nil fn is
// ignored.
func WithDownloadProgress(fn func(done, total int64)) DownloadOption {
	return func(c *downloadConfig) { c.progress = fn }
}

// DownloadHistory writes the gzip-compressed history file f.URL points to
// into w and checks it against f: the byte count against GzipSize and the
// MD5 against GzipMD5 (hex, any case), when get_history gave them. A
// mismatch is ErrHistoryChecksum; w has then received bytes that must be
// thrown away (ExportHistory does that). It returns the number of bytes
// written. Errors never contain the URL (it carries a download signature).
// Read the file with ReadHistory.
func DownloadHistory(ctx context.Context, f HistoryFile, w io.Writer, opts ...DownloadOption) (int64, error) {
	cfg := downloadOptions(opts)
	return cfg.download(ctx, f, w, 0, f.GzipSize)
}

// download fetches f into w; base and total are the progress figures of
// the whole export this file belongs to.
func (c downloadConfig) download(ctx context.Context, f HistoryFile, w io.Writer, base, total int64) (int64, error) {
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("operation: history file URL is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return 0, fmt.Errorf("operation: history file request: %w", stripURL(err))
	}
	res, err := c.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("operation: downloading history file from %s: %w", u.Host, stripURL(err))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("operation: downloading history file from %s: HTTP %d", u.Host, res.StatusCode)
	}
	limit := int64(MaxHistoryFileBytes)
	if f.GzipSize > 0 {
		limit = f.GzipSize
	}
	body := io.LimitReader(res.Body, limit+1) // one more byte shows a longer file
	h := md5.New()
	var n int64
	buf := make([]byte, 32<<10)
	for {
		k, rerr := body.Read(buf)
		if k > 0 {
			if _, err := w.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("operation: writing history file: %w", err)
			}
			h.Write(buf[:k])
			n += int64(k)
			if c.progress != nil {
				c.progress(base+n, total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, fmt.Errorf("operation: downloading history file from %s: %w", u.Host, stripURL(rerr))
		}
	}
	if f.GzipSize <= 0 && n > limit {
		return n, fmt.Errorf("operation: history file is over %d bytes", limit)
	}
	if f.GzipSize > 0 && n != f.GzipSize {
		return n, fmt.Errorf("%w: got %d bytes, GzipSize is %d", ErrHistoryChecksum, n, f.GzipSize)
	}
	if f.GzipMD5 != "" {
		if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, f.GzipMD5) {
			return n, fmt.Errorf("%w: MD5 is %s, GzipMD5 is %s", ErrHistoryChecksum, got, strings.ToLower(f.GzipMD5))
		}
	}
	return n, nil
}

// stripURL drops the URL from a *url.Error (it carries the signature).
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// ExportedFile is one history file ExportHistory saved.
type ExportedFile struct {
	HistoryFile
	// Path is where the file was written (gzip-compressed JSON, as
	// Tencent serves it; ReadHistory reads it).
	Path string
	// Bytes is its size.
	Bytes int64
}

// ExportHistory downloads one hour's message history into dir: it asks
// get_history for the hour's files (HistoryFiles), then downloads each with
// DownloadHistory's checks, writing "<C2C|Group>-<YYYYMMDDHH>-<n>.json.gz"
// (n from 1) through a temporary ".part" file renamed once the size and
// MD5 match, so a file in dir with that name is always complete. It stops
// at the first failure and returns the files saved before it. An hour
// whose files are not made yet is ErrHistoryNotReady.
// WithDownloadProgress reports bytes across all the hour's files.
//
// REST: v4/open_msg_svc/get_history
func (s *Service) ExportHistory(ctx context.Context, r HistoryRequest, dir string, opts ...DownloadOption) ([]ExportedFile, error) {
	ct, err := chatType(r.ChatType)
	if err != nil {
		return nil, err
	}
	mt, err := r.msgTime()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = "."
	}
	files, err := s.HistoryFiles(ctx, r)
	if err != nil {
		return nil, err
	}
	cfg := downloadOptions(opts)
	var total int64
	for _, f := range files {
		total += max(f.GzipSize, 0)
	}
	out := make([]ExportedFile, 0, len(files))
	var base int64
	for i, f := range files {
		path := filepath.Join(dir, ct+"-"+mt+"-"+strconv.Itoa(i+1)+".json.gz")
		n, err := cfg.save(ctx, f, path, base, total)
		if err != nil {
			return out, fmt.Errorf("operation: history file %d of %d: %w", i+1, len(files), err)
		}
		base += n
		out = append(out, ExportedFile{HistoryFile: f, Path: path, Bytes: n})
	}
	return out, nil
}

// save downloads f to path through path+".part".
func (c downloadConfig) save(ctx context.Context, f HistoryFile, path string, base, total int64) (int64, error) {
	part := path + ".part"
	fh, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := c.download(ctx, f, fh, base, total)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, path)
	}
	if err != nil {
		_ = os.Remove(part)
		return n, err
	}
	return n, nil
}

// Package transport is the SDK's one request path to the Tencent Cloud IM
// REST API: URL and query (cached admin usersig, fresh random), JSON body,
// rate limiting, the HTTP round trip (resty, kept inside this package),
// a capped body read, one decode of the envelope, error mapping, retries
// with backoff, usersig renewal, standby-host failover and redaction.
package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Signer supplies the admin usersig. *usersig.Signer implements it.
type Signer interface {
	Sig(identifier string) (string, error)
	Invalidate(identifier string)
}

// Config configures a Transport. Zero values take the documented defaults.
type Config struct {
	SDKAppID uint64
	Admin    string
	Signer   Signer
	// BaseURL is the primary endpoint, e.g. "https://console.tim.qq.com".
	BaseURL string
	// StandbyURL, when set, is tried when BaseURL fails at DNS or connect level.
	StandbyURL string
	// HTTPClient is copied, never modified. Nil: a pooled keep-alive client.
	HTTPClient *http.Client
	// Timeout bounds one attempt (default 5 s; Tencent's own budget is 3 s).
	Timeout time.Duration
	// Retry is the retry policy (default DefaultRetryPolicy).
	Retry *RetryPolicy
	// Limiter is the client-side rate limiter (default: a LocalLimiter at
	// DefaultAPIRate per API).
	Limiter Limiter
	// Logger receives debug and warning records; nil is silent.
	Logger *slog.Logger
	// MaxResponseBytes caps a response body (default 16 MiB).
	MaxResponseBytes int64
	// OnAuth, when set, is told after every answered request whether
	// Tencent accepted the credentials (nil) or rejected them (the error).
	OnAuth func(err error)
	// After, when set, runs when a call returns (the client delivers the
	// lifecycle events OnAuth queued, outside the request path).
	After func()
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Transport sends REST calls. It is safe for concurrent use.
type Transport struct {
	cfg        Config
	rc         *resty.Client
	hc         *http.Client // the client resty sends with (a copy of the caller's, or ours)
	ownHTTP    bool         // hc's transport is ours to close
	closed     atomic.Bool
	retry      RetryPolicy
	log        *slog.Logger
	query      string // "?sdkappid=…&identifier=…&usersig="
	primary    string // BaseURL + "/v4/"
	standby    string
	preferStby atomic.Int64 // unix nanos until which the standby host goes first
}

// DefaultTimeout is the per-attempt timeout: above Tencent's 3 s budget.
const DefaultTimeout = 5 * time.Second

// DefaultMaxResponseBytes caps response bodies.
const DefaultMaxResponseBytes = 16 << 20

// New validates cfg and builds a Transport.
func New(cfg Config) (*Transport, error) {
	if cfg.Signer == nil {
		return nil, errors.New("transport: no signer")
	}
	if cfg.BaseURL == "" {
		return nil, errors.New("transport: no base URL")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLocalLimiter(DefaultAPIRate, nil, nil)
	}
	retry := DefaultRetryPolicy
	if cfg.Retry != nil {
		retry = *cfg.Retry
	}
	if retry.MaxAttempts < 1 {
		retry.MaxAttempts = 1
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var hc *http.Client
	own := cfg.HTTPClient == nil
	if !own {
		c := *cfg.HTTPClient // resty may fill in fields: never touch the caller's
		hc = &c
	} else {
		hc = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        128,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 5 * time.Second,
		}}
	}
	if hc.CheckRedirect == nil {
		// Tencent never redirects API calls; following one would resend the
		// usersig somewhere else.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	rc := resty.NewWithClient(hc)
	rc.SetLogger(silentLogger{})
	rc.SetDebug(false)
	rc.SetRetryCount(0) // resty would resend POSTs blindly: retries are ours
	rc.SetHeader("Content-Type", "application/json")

	q := "?sdkappid=" + strconv.FormatUint(cfg.SDKAppID, 10) +
		"&identifier=" + url.QueryEscape(cfg.Admin) + "&usersig="
	t := &Transport{
		cfg:     cfg,
		rc:      rc,
		hc:      hc,
		ownHTTP: own,
		retry:   retry,
		log:     log,
		query:   q,
		primary: strings.TrimRight(cfg.BaseURL, "/") + "/v4/",
	}
	if cfg.StandbyURL != "" {
		t.standby = strings.TrimRight(cfg.StandbyURL, "/") + "/v4/"
	}
	return t, nil
}

// Limiter returns the limiter in use.
func (t *Transport) Limiter() Limiter { return t.cfg.Limiter }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Close makes every later call fail with api.ErrClosed and closes the idle
// connections of the HTTP transport the SDK made (a caller's WithHTTPClient
// is the caller's to manage). Calls in flight finish.
func (t *Transport) Close() {
	t.closed.Store(true)
	if t.ownHTTP {
		t.hc.CloseIdleConnections()
	}
}

// Do implements api.Doer: it sends req (marshalled to JSON; nil sends {})
// to v4/<e.Path> and decodes the answer into resp (which may be nil). A
// failed envelope becomes an *api.Error even under HTTP 200. Everything
// about the call besides the request comes from e: the resend safety, the
// dedup window, the limiter budgets.
func (t *Transport) Do(ctx context.Context, e api.Endpoint, req, resp any) error {
	err := t.call(ctx, e, req, resp)
	if t.cfg.After != nil {
		t.cfg.After()
	}
	return err
}

func (t *Transport) call(ctx context.Context, e api.Endpoint, req, resp any) error {
	path := e.Path
	if !api.ValidPath(path) {
		return wire.Invalid("Endpoint.Path", "%q is not <service>/<command>", path)
	}
	if t.closed.Load() {
		return fmt.Errorf("tim: %s: %w", path, api.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	payload, err := marshal(req)
	if err != nil {
		return fmt.Errorf("tim: %s: encoding request: %w", path, err)
	}
	safety := e.Resend()
	limitKey := e.Limit()
	renewed := false
	var lastErr error
	var first time.Time // when the first attempt went out
	for attempt := 1; ; attempt++ {
		// The second budget (a minute's recipients) first, the per-API
		// one last: each limiter counts its window at the time it
		// releases, so the one with the short window must release right
		// before the send.
		if e.Units > 0 && e.Budget != "" && attempt == 1 {
			if err := t.cfg.Limiter.Wait(ctx, e.Budget, e.Units); err != nil {
				return joinCtx(lastErr, err)
			}
		}
		if err := t.waitLimiter(ctx, limitKey, safety, e.DedupWindow, first); err != nil {
			return joinCtx(lastErr, err)
		}
		var start time.Time
		if t.debug(ctx) {
			start = time.Now()
		}
		if first.IsZero() {
			first = time.Now()
		}
		status, body, sent, err := t.roundTrip(ctx, path, payload)
		if err != nil {
			if t.debug(ctx) {
				t.log.DebugContext(ctx, "tim: request failed", "op", path, "attempt", attempt, "err", err, "elapsed", time.Since(start))
			}
			lastErr = fmt.Errorf("tim: %s: %w", path, err)
			if ctx.Err() != nil {
				return joinCtx(lastErr, ctx.Err())
			}
			if safety == api.Unsafe && sent {
				return lastErr
			}
			if !t.wait(ctx, e, attempt, first, false, lastErr) {
				return lastErr
			}
			continue
		}
		if attempt > 1 {
			resetResp(resp) // no field of an earlier answer survives into this one
		}
		apiErr, decErr := decode(path, status, body, resp)
		releaseBody(body)
		if t.debug(ctx) {
			t.log.DebugContext(ctx, "tim: request done", "op", path, "attempt", attempt, "status", status, "code", codeOf(apiErr), "elapsed", time.Since(start))
		}
		if decErr != nil {
			return decErr
		}
		if apiErr == nil {
			t.auth(nil)
			return nil
		}
		lastErr = apiErr
		switch {
		case errors.Is(apiErr, api.ErrUserSigExpired) && !renewed:
			// The cached sig is stale (clock skew, revoked key rotation):
			// make a new one and try once more.
			renewed = true
			t.cfg.Signer.Invalidate(t.cfg.Admin)
			attempt--
			continue
		case errors.Is(apiErr, api.ErrUserSigExpired) || wire.CredentialRejected(apiErr):
			t.auth(apiErr)
			return apiErr
		}
		if apiErr.HTTPStatus == http.StatusOK {
			// Tencent answered with a business error: the credentials were
			// accepted. A gateway's 5xx proves nothing either way.
			t.auth(nil)
		}
		if !apiErr.Retryable() {
			return apiErr
		}
		rateLimited := errors.Is(apiErr, api.ErrRateLimited)
		if safety == api.Unsafe && !rateLimited {
			return apiErr
		}
		if !t.wait(ctx, e, attempt, first, rateLimited, apiErr) {
			return joinCtx(apiErr, ctx.Err())
		}
	}
}

// wait sleeps before the next attempt; false means give up.
func (t *Transport) wait(ctx context.Context, e api.Endpoint, attempt int, first time.Time, rateLimited bool, cause error) bool {
	if attempt >= t.retry.MaxAttempts {
		return false
	}
	d := t.retry.backoff(attempt+1, rateLimited)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false // the context would end before the retry: stop now
	}
	if e.Resend() == api.Deduped && time.Since(first)+d+t.cfg.Timeout > e.DedupWindow {
		// The resend could arrive after Tencent forgot the first one and
		// be delivered twice: stop while the dedup window still covers it.
		return false
	}
	t.log.WarnContext(ctx, "tim: retrying", "op", e.Path, "attempt", attempt+1, "after", d, "cause", cause)
	return sleep(ctx, d) == nil
}

// waitLimiter waits for the request's turn. A resend of a Deduped call must
// still go out inside Tencent's dedup window, so its wait is cut off where
// the window (less one attempt's timeout) closes; past that, giving up is
// safer than a resend Tencent would deliver a second time.
func (t *Transport) waitLimiter(ctx context.Context, key string, safety api.Safety, window time.Duration, first time.Time) error {
	if safety != api.Deduped || first.IsZero() {
		return t.cfg.Limiter.Wait(ctx, key, 1)
	}
	last := first.Add(window - t.cfg.Timeout)
	if !time.Now().Before(last) {
		return errDedupWindow
	}
	lctx, cancel := context.WithDeadline(ctx, last)
	defer cancel()
	if err := t.cfg.Limiter.Wait(lctx, key, 1); err != nil {
		if ctx.Err() == nil {
			return errDedupWindow
		}
		return err
	}
	if !time.Now().Before(last) {
		return errDedupWindow
	}
	return nil
}

var errDedupWindow = errors.New("tim: not resent: Tencent's dedup window would close before the resend arrived")

// resetResp zeroes what resp points to, so a retry decodes into a clean
// value (json.Unmarshal merges into maps and keeps absent fields).
func resetResp(resp any) {
	if resp == nil {
		return
	}
	v := reflect.ValueOf(resp)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}

// debug reports whether debug records are wanted: building their
// attributes costs allocations the silent default should not pay.
func (t *Transport) debug(ctx context.Context) bool {
	return t.log.Enabled(ctx, slog.LevelDebug)
}

func (t *Transport) auth(err error) {
	if t.cfg.OnAuth != nil {
		t.cfg.OnAuth(err)
	}
}

func joinCtx(last, ctxErr error) error {
	if last == nil {
		return ctxErr
	}
	if ctxErr == nil {
		return last
	}
	return fmt.Errorf("%w (gave up: %w)", last, ctxErr)
}

func codeOf(e *api.Error) int {
	if e == nil {
		return 0
	}
	return e.Code
}

// roundTrip makes one attempt, on the standby host as well when the
// primary cannot be reached. sent reports whether the request may have
// reached a server.
func (t *Transport) roundTrip(ctx context.Context, path string, payload []byte) (status int, body *bytes.Buffer, sent bool, err error) {
	sig, err := t.cfg.Signer.Sig(t.cfg.Admin)
	if err != nil {
		return 0, nil, false, fmt.Errorf("making admin usersig: %w", err)
	}
	first, second := t.primary, t.standby
	if second != "" && t.preferStby.Load() > t.cfg.Now().UnixNano() {
		first, second = second, first
	}
	status, body, err = t.send(ctx, first, path, sig, payload)
	if err == nil || !notSent(err) {
		return status, body, err != nil, redact(err, sig)
	}
	if second == "" || ctx.Err() != nil {
		return 0, nil, false, redact(err, sig)
	}
	if first == t.primary {
		t.preferStby.Store(t.cfg.Now().Add(30 * time.Second).UnixNano())
		t.log.WarnContext(ctx, "tim: primary host unreachable, using standby", "op", path, "err", redact(err, sig))
	} else {
		t.preferStby.Store(0)
	}
	status, body, err = t.send(ctx, second, path, sig, payload)
	if err == nil {
		return status, body, false, nil
	}
	return 0, nil, !notSent(err), redact(err, sig)
}

func (t *Transport) send(ctx context.Context, base, path, sig string, payload []byte) (int, *bytes.Buffer, error) {
	var sb strings.Builder
	sb.Grow(len(base) + len(path) + len(t.query) + len(sig) + 40)
	sb.WriteString(base)
	sb.WriteString(path)
	sb.WriteString(t.query)
	sb.WriteString(sig)
	sb.WriteString("&random=")
	sb.WriteString(strconv.FormatUint(uint64(rand.Uint32()), 10))
	sb.WriteString("&contenttype=json")

	actx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()
	r := t.rc.R()
	r.SetContext(actx)
	// A fresh reader per attempt: resty's own retries are off, so the
	// reader is read exactly once, and a resend (ours) gets a new one over
	// the same bytes — TestRetryResendsIdenticalBody holds us to that. It
	// spares resty's two copies of a []byte body.
	r.SetBody(bytes.NewReader(payload))
	r.SetDoNotParseResponse(true)
	res, err := r.Execute(http.MethodPost, sb.String())
	if err != nil {
		return 0, nil, err
	}
	raw := res.RawBody()
	defer raw.Close()
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	if err := readCapped(buf, raw, t.cfg.MaxResponseBytes); err != nil {
		releaseBody(buf)
		return 0, nil, err
	}
	return res.StatusCode(), buf, nil
}

// readCapped reads r into buf, failing once more than limit bytes arrive.
func readCapped(buf *bytes.Buffer, r io.Reader, limit int64) error {
	for {
		if int64(buf.Len()) > limit {
			return fmt.Errorf("response larger than %d bytes", limit)
		}
		buf.Grow(4096)
		b := buf.AvailableBuffer()
		n, err := r.Read(b[:cap(b)])
		buf.Write(b[:n])
		if err == io.EOF {
			if int64(buf.Len()) > limit {
				return fmt.Errorf("response larger than %d bytes", limit)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading response: %w", err)
		}
	}
}

func releaseBody(b *bytes.Buffer) {
	if b != nil && b.Cap() <= 1<<20 {
		bufPool.Put(b)
	}
}

// notSent reports whether err proves the request never reached a server:
// name resolution or connection set-up failed.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

func marshal(req any) ([]byte, error) {
	if req == nil {
		return []byte("{}"), nil
	}
	if raw, ok := req.(json.RawMessage); ok {
		if len(raw) == 0 {
			return []byte("{}"), nil
		}
		return raw, nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return []byte("{}"), nil
	}
	return b, nil
}

// decode turns a response into (APIError, nil), (nil, nil) after filling
// resp, or (nil, err) when the body cannot be decoded.
func decode(path string, status int, body *bytes.Buffer, resp any) (*api.Error, error) {
	b := body.Bytes()
	if status != http.StatusOK {
		var env api.Envelope
		if json.Unmarshal(b, &env) == nil && env.Failed() {
			return &api.Error{Op: path, HTTPStatus: status, Code: env.ErrorCode, Info: env.ErrorInfo}, nil
		}
		return &api.Error{Op: path, HTTPStatus: status}, nil
	}
	if e, ok := resp.(api.Enveloped); ok {
		err := json.Unmarshal(b, resp)
		env := e.Env()
		if err != nil {
			// A field drifted in type; the envelope may still say why.
			var only api.Envelope
			if json.Unmarshal(b, &only) == nil && only.Failed() {
				return &api.Error{Op: path, HTTPStatus: status, Code: only.ErrorCode, Info: only.ErrorInfo}, nil
			}
			return nil, fmt.Errorf("tim: %s: decoding response: %w", path, err)
		}
		if env.Failed() {
			return &api.Error{Op: path, HTTPStatus: status, Code: env.ErrorCode, Info: env.ErrorInfo}, nil
		}
		return nil, nil
	}
	var env api.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("tim: %s: decoding response: %w", path, err)
	}
	if env.Failed() {
		return &api.Error{Op: path, HTTPStatus: status, Code: env.ErrorCode, Info: env.ErrorInfo}, nil
	}
	if resp != nil {
		if err := json.Unmarshal(b, resp); err != nil {
			return nil, fmt.Errorf("tim: %s: decoding response: %w", path, err)
		}
	}
	return nil, nil
}

// silentLogger keeps resty quiet: its messages may carry the request URL.
type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}

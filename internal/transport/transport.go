// Package transport is the SDK's one request path to the Tencent Cloud IM
// REST API: URL and query (cached admin usersig, fresh random), JSON body,
// rate limiting, the HTTP round trip (net/http directly), a capped body
// read, one decode of the envelope, error mapping, retries with backoff
// (Retry-After honoured), usersig renewal, standby-host failover,
// redaction and the api.Observer hooks.
//
// resty was removed in issue 17: configured to do nothing but hand the
// request to net/http it still cost ~8 µs and 14 allocations per call, more
// than the whole budget of 1.15× a bare net/http client (see NOTES.md and
// BENCHMARKS.md, "issue 17").
package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

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
	// StandbyURL, when set, is tried when BaseURL fails at DNS, connect or
	// TLS-certificate level (all prove the request was not sent).
	StandbyURL string
	// HTTPClient is copied, never modified. Nil: a pooled keep-alive client.
	// Its CheckRedirect is replaced in the copy: a redirect is never
	// followed (it would carry the usersig to another host).
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
	// MaxResponseBytes caps a response body (default 16 MiB). A larger
	// answer fails the call at once with ErrResponseTooLarge (not retried).
	MaxResponseBytes int64
	// Observer, when set, is told about every call, attempt, retry,
	// limiter wait, renewal and host switch. Nil costs nothing.
	Observer api.Observer
	// OnAuth, when set, is told after every answered request whether
	// Tencent accepted the credentials (nil) or rejected them (the error),
	// with the context of the call that got the answer.
	OnAuth func(ctx context.Context, err error)
	// After, when set, runs when a call returns, with the call's context
	// (the client delivers the lifecycle events OnAuth queued, outside the
	// request path).
	After func(ctx context.Context)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Transport sends REST calls. It is safe for concurrent use.
type Transport struct {
	cfg         Config
	hc          *http.Client // a copy of the caller's, or ours
	ownHTTP     bool         // hc's transport is ours to close
	closed      atomic.Bool
	retry       RetryPolicy
	log         *slog.Logger
	obs         api.Observer
	sent        SentLimiter // cfg.Limiter when it counts units in flight, else nil
	query       string      // "?sdkappid=…&identifier=…&usersig="
	primary     string      // BaseURL + "/v4/"
	standby     string
	primaryHost string // for the observer: host only
	standbyHost string
	preferStby  atomic.Int64 // unix nanos until which the standby host goes first
}

// DefaultTimeout is the per-attempt timeout: above Tencent's 3 s budget.
const DefaultTimeout = 5 * time.Second

// DefaultMaxResponseBytes caps response bodies.
const DefaultMaxResponseBytes = 16 << 20

// MaxRetryAfter is the longest Retry-After the SDK waits for. A server
// asking for more ends the call with its answer; so does one asking for
// more than the context or, for a deduplicated send, Tencent's dedup
// window leaves.
const MaxRetryAfter = time.Minute

// standbyStickiness is how long calls go to the standby host first after
// the primary failed.
const standbyStickiness = 30 * time.Second

// ErrResponseTooLarge is matched (errors.Is) by a call whose answer is
// larger than Config.MaxResponseBytes. Such a call is not retried: the
// server answered, and the same request would get the same answer.
var ErrResponseTooLarge = errors.New("response too large")

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
		c := *cfg.HTTPClient // never touch the caller's
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
	// Tencent never redirects API calls; following one would resend the
	// usersig somewhere else. A caller's own CheckRedirect is overridden in
	// our copy (issue 14 item 8): the 3xx is answered as an *api.Error.
	hc.CheckRedirect = noRedirect

	q := "?sdkappid=" + strconv.FormatUint(cfg.SDKAppID, 10) +
		"&identifier=" + url.QueryEscape(cfg.Admin) + "&usersig="
	t := &Transport{
		cfg:         cfg,
		hc:          hc,
		ownHTTP:     own,
		retry:       retry,
		log:         log,
		obs:         cfg.Observer,
		sent:        sentLimiter(cfg.Limiter),
		query:       q,
		primary:     strings.TrimRight(cfg.BaseURL, "/") + "/v4/",
		primaryHost: hostOf(cfg.BaseURL),
	}
	if cfg.StandbyURL != "" {
		t.standby = strings.TrimRight(cfg.StandbyURL, "/") + "/v4/"
		t.standbyHost = hostOf(cfg.StandbyURL)
	}
	return t, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// hostOf returns the host of a base URL, for the observer (no path, no query).
func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return ""
}

// Limiter returns the limiter in use.
func (t *Transport) Limiter() Limiter { return t.cfg.Limiter }

// Close makes every later call fail with api.ErrClosed and closes the idle
// connections of the HTTP transport the SDK made (a caller's WithHTTPClient
// is the caller's to manage). Calls in flight finish.
func (t *Transport) Close() {
	t.closed.Store(true)
	if t.ownHTTP {
		t.hc.CloseIdleConnections()
	}
}

// callStats is what the observer's CallEnd reports besides the error.
type callStats struct {
	attempts int
	status   int
	code     int
}

// Do implements api.Doer: it sends req (marshalled to JSON; nil sends {})
// to v4/<e.Path> and decodes the answer into resp (which may be nil). A
// failed envelope becomes an *api.Error even under HTTP 200. Everything
// about the call besides the request comes from e: the resend safety, the
// dedup window, the limiter budgets.
func (t *Transport) Do(ctx context.Context, e api.Endpoint, req, resp any) error {
	var st callStats
	var err error
	if o := t.observer(); o != nil {
		start := time.Now()
		c := api.Call{Endpoint: e, Start: start}
		ctx = o.CallStart(ctx, c)
		err = t.call(ctx, e, req, resp, &st)
		o.CallEnd(ctx, c, api.CallResult{
			Attempts: st.attempts, HTTPStatus: st.status, Code: st.code,
			Family: api.FamilyName(err), Err: err, Duration: time.Since(start),
		})
	} else {
		err = t.call(ctx, e, req, resp, &st)
	}
	if t.cfg.After != nil {
		t.cfg.After(ctx)
	}
	return err
}

func (t *Transport) call(ctx context.Context, e api.Endpoint, req, resp any, st *callStats) error {
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
	renewed := false
	decoded := false // resp holds an earlier answer: clear it before the next
	var lastErr error
	var first time.Time // when the first attempt went out
	budgetPaid := false // the batch budget is spent once a call, renewals included
	// Units of a SentLimiter stay in flight until the attempt is over; the
	// deferred done also reports them if the attempt panics (a caller's
	// Signer or Limiter), so a cell is never held for ever.
	fl := inFlight{lim: t.sent}
	defer fl.done()
	for attempt := 1; ; attempt++ {
		// The second budget (a minute's recipients) first, the per-API
		// one last: each limiter counts its window at the time it
		// releases, so the one with the short window must release right
		// before the send.
		if e.Units > 0 && e.Budget != "" && !budgetPaid {
			tracked, err := t.limit(ctx, e.Budget, e.Units)
			if err != nil {
				return joinCtx(lastErr, err)
			}
			budgetPaid = true
			if tracked {
				fl.add(e.Budget, e.Units)
			}
		}
		tracked, err := t.waitLimiter(ctx, e, first)
		if tracked {
			fl.add(e.Limit(), 1)
		}
		if err != nil {
			fl.done()
			return joinCtx(lastErr, err)
		}
		if first.IsZero() {
			first = time.Now()
		}
		if decoded {
			resetResp(resp) // no field of an earlier answer survives into this one
		}
		st.attempts++ // round trips so far, renewals included: the observer's numbering
		out := t.roundTrip(ctx, e, st.attempts, payload, resp)
		fl.done()
		st.status, st.code = out.status, codeOf(out.apiErr)
		decoded = decoded || out.decoded
		if out.err != nil {
			lastErr = out.err
			if ctx.Err() != nil {
				return joinCtx(lastErr, ctx.Err())
			}
			if out.final || (safety == api.Unsafe && out.sent) {
				return lastErr
			}
			if !t.wait(ctx, e, attempt, st.attempts, first, api.RetryTransport, 0, lastErr) {
				return lastErr
			}
			continue
		}
		apiErr := out.apiErr
		if apiErr == nil {
			t.auth(ctx, nil)
			return nil
		}
		lastErr = apiErr
		switch {
		case errors.Is(apiErr, api.ErrUserSigExpired) && !renewed:
			// The cached sig is stale (clock skew, revoked key rotation):
			// make a new one and try once more.
			renewed = true
			t.cfg.Signer.Invalidate(t.cfg.Admin)
			if o := t.observer(); o != nil {
				o.Renewal(ctx, api.Renewal{Endpoint: e, Identifier: t.cfg.Admin})
				o.Retry(ctx, api.Retry{Endpoint: e, Attempt: st.attempts + 1, Reason: api.RetryRenewal, Err: apiErr})
			}
			attempt--
			continue
		case errors.Is(apiErr, api.ErrUserSigExpired) || wire.CredentialRejected(apiErr):
			t.auth(ctx, apiErr)
			return apiErr
		}
		if apiErr.HTTPStatus == http.StatusOK {
			// Tencent answered with a business error: the credentials were
			// accepted. A gateway's 5xx proves nothing either way.
			t.auth(ctx, nil)
		}
		if !apiErr.Retryable() {
			return apiErr
		}
		rateLimited := errors.Is(apiErr, api.ErrRateLimited)
		if safety == api.Unsafe && !rateLimited {
			return apiErr
		}
		reason := api.RetryServerBusy
		if rateLimited {
			reason = api.RetryRateLimited
		}
		if !t.wait(ctx, e, attempt, st.attempts, first, reason, out.retryAfter, apiErr) {
			return joinCtx(apiErr, ctx.Err())
		}
	}
}

// wait sleeps before the next attempt; false means give up. retryAfter is
// the server's Retry-After (0 if none): the wait is never shorter, and a
// Retry-After the context, the dedup window or MaxRetryAfter cannot cover
// ends the call instead of resending early.
func (t *Transport) wait(ctx context.Context, e api.Endpoint, attempt, trips int, first time.Time, reason api.RetryReason, retryAfter time.Duration, cause error) bool {
	if attempt >= t.retry.MaxAttempts {
		return false
	}
	d := t.retry.backoff(attempt+1, reason == api.RetryRateLimited)
	if retryAfter > 0 {
		if retryAfter > MaxRetryAfter {
			return false
		}
		d = max(d, retryAfter)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false // the context would end before the retry: stop now
	}
	if e.Resend() == api.Deduped && time.Since(first)+d+t.cfg.Timeout > e.DedupWindow {
		// The resend could arrive after Tencent forgot the first one and
		// be delivered twice: stop while the dedup window still covers it.
		return false
	}
	t.log.WarnContext(ctx, "tim: retrying", "op", e.Path, "attempt", attempt+1, "after", d, "reason", string(reason), "cause", cause)
	if o := t.observer(); o != nil {
		o.Retry(ctx, api.Retry{Endpoint: e, Attempt: trips + 1, Reason: reason, Delay: d, Err: cause})
	}
	return pause(ctx, d) == nil
}

// limit is one Limiter.Wait (Acquire for a SentLimiter), reported to the
// observer. tracked: the units are in flight until reported Sent.
func (t *Transport) limit(ctx context.Context, key string, n int) (tracked bool, err error) {
	o := t.observer()
	var start time.Time
	if o != nil {
		start = time.Now()
	}
	if t.sent != nil {
		tracked, err = t.sent.Acquire(ctx, key, n)
	} else {
		err = t.cfg.Limiter.Wait(ctx, key, n)
	}
	if o != nil {
		o.LimiterWait(ctx, api.LimiterWait{Key: key, Units: n, Waited: time.Since(start), Err: err})
	}
	return tracked, err
}

// inFlight is what one attempt owes a SentLimiter: the keys and units it
// acquired, reported Sent once, when the attempt is over: its answer has
// arrived (so the server has the request; nothing of it can arrive later)
// or it failed. Not at httptrace's WroteRequest: net/http calls it before
// it flushes the request to the socket, and a starved write goroutine
// flushed up to hundreds of milliseconds later (a 1 s window of 2006 of
// 2000 recipients at the load test's server). An earlier version reported
// at httptrace's GotFirstResponseByte; the attempt's end is a little later
// (the answer's body is read) and costs no allocation: the trace cost four
// per call (the hook's closure, the record, the context value, the
// request's copy), which took the C2C send's allocations from 1.12× to
// 1.16× the bare client's with the default limiter on. A value: it lives
// on the caller's stack.
type inFlight struct {
	lim   SentLimiter
	keys  [2]string
	units [2]int
	k     int
}

// add notes n units of key.
func (f *inFlight) add(key string, n int) {
	f.keys[f.k], f.units[f.k] = key, n
	f.k++
}

// done reports the units Sent, once.
func (f *inFlight) done() {
	for i := range f.k {
		f.lim.Sent(f.keys[i], f.units[i])
	}
	f.k = 0
}

// waitLimiter waits for the request's turn. A resend of a Deduped call must
// still go out inside Tencent's dedup window, so its wait is cut off where
// the window (less one attempt's timeout) closes; past that, giving up is
// safer than a resend Tencent would deliver a second time.
// tracked reports units in flight (see limit), also alongside an error.
func (t *Transport) waitLimiter(ctx context.Context, e api.Endpoint, first time.Time) (tracked bool, err error) {
	key := e.Limit()
	if e.Resend() != api.Deduped || first.IsZero() {
		return t.limit(ctx, key, 1)
	}
	last := first.Add(e.DedupWindow - t.cfg.Timeout)
	if !time.Now().Before(last) {
		return false, errDedupWindow
	}
	lctx, cancel := context.WithDeadline(ctx, last)
	defer cancel()
	tracked, err = t.limit(lctx, key, 1)
	if err != nil {
		if ctx.Err() == nil {
			return tracked, errDedupWindow
		}
		return tracked, err
	}
	if !time.Now().Before(last) {
		return tracked, errDedupWindow
	}
	return tracked, nil
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

func (t *Transport) auth(ctx context.Context, err error) {
	if t.cfg.OnAuth != nil {
		t.cfg.OnAuth(ctx, err)
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

// outcome is how one attempt ended (on one host, or on the primary and
// then the standby).
type outcome struct {
	status     int
	apiErr     *api.Error    // Tencent's or a gateway's failure answer
	retryAfter time.Duration // the server's Retry-After on 429/503
	err        error         // transport or decode failure, wrapped and redacted
	sent       bool          // err: the request may have reached a server
	final      bool          // err: do not retry (oversize answer, TLS certificate, undecodable)
	decoded    bool          // resp was written to
}

// roundTrip makes one attempt, on the standby host as well when the
// primary provably never got the request (DNS, connect, TLS certificate).
func (t *Transport) roundTrip(ctx context.Context, e api.Endpoint, n int, payload []byte, resp any) outcome {
	sig, err := t.cfg.Signer.Sig(t.cfg.Admin)
	if err != nil {
		return outcome{err: fmt.Errorf("tim: %s: making admin usersig: %w", e.Path, err)}
	}
	first, second := t.primary, t.standby
	if second != "" && t.preferStby.Load() > t.cfg.Now().UnixNano() {
		first, second = second, first
	}
	out, raw := t.attempt(ctx, e, n, first, sig, payload, resp)
	if raw == nil || !notSent(raw) || second == "" || ctx.Err() != nil {
		return out
	}
	certFailed := certError(raw)
	var from, to string
	if first == t.primary {
		t.preferStby.Store(t.cfg.Now().Add(standbyStickiness).UnixNano())
		t.log.WarnContext(ctx, "tim: primary host unreachable, using standby", "op", e.Path, "err", out.err)
		from, to = t.primaryHost, t.standbyHost
	} else {
		t.preferStby.Store(0)
		from, to = t.standbyHost, t.primaryHost
	}
	if o := t.observer(); o != nil {
		o.HostSwitch(ctx, api.HostSwitch{From: from, To: to, ToStandby: second == t.standby, Err: out.err})
	}
	out, raw = t.attempt(ctx, e, n, second, sig, payload, resp)
	if raw != nil && (certFailed || certError(raw)) {
		// A certificate that does not verify will not verify on a resend:
		// neither host is tried again.
		out.final = true
	}
	return out
}

// attempt sends to one host and decodes the answer. raw is the transport
// error before redaction, for classification only (nil on an answer).
func (t *Transport) attempt(ctx context.Context, e api.Endpoint, n int, base, sig string, payload []byte, resp any) (out outcome, raw error) {
	o := t.observer()
	var a api.Attempt
	var start time.Time
	if o != nil || t.debug(ctx) {
		start = time.Now()
	}
	if o != nil {
		a = api.Attempt{Endpoint: e, Number: n, Host: t.primaryHost, Standby: base == t.standby && base != t.primary}
		if a.Standby {
			a.Host = t.standbyHost
		}
		ctx = o.AttemptStart(ctx, a)
	}
	status, body, retryAfter, err := t.send(ctx, base, e.Path, sig, payload)
	if err != nil {
		out = outcome{err: fmt.Errorf("tim: %s: %w", e.Path, redact(err, sig)), sent: !notSent(err),
			final: errors.Is(err, ErrResponseTooLarge) || certError(err)}
		raw = err
	} else {
		out.status, out.retryAfter, out.decoded = status, retryAfter, true
		out.apiErr, out.err = decode(e.Path, status, body.b, resp, sig)
		out.final = out.err != nil
		body.release()
	}
	if t.debug(ctx) {
		if out.err != nil {
			t.log.DebugContext(ctx, "tim: request failed", "op", e.Path, "attempt", n, "err", out.err, "elapsed", time.Since(start))
		} else {
			t.log.DebugContext(ctx, "tim: request done", "op", e.Path, "attempt", n, "status", status, "code", codeOf(out.apiErr), "elapsed", time.Since(start))
		}
	}
	if o != nil {
		r := api.AttemptResult{HTTPStatus: out.status, Code: codeOf(out.apiErr), Err: out.err, Duration: time.Since(start)}
		if out.apiErr != nil {
			r.Err = out.apiErr
		}
		o.AttemptEnd(ctx, a, r)
	}
	return out, raw
}

// jsonContentType is shared by every request: nothing in net/http writes
// to a request's header values.
var jsonContentType = []string{"application/json"}

// send makes one HTTP round trip and reads the answer (capped).
func (t *Transport) send(ctx context.Context, base, path, sig string, payload []byte) (int, *buffer, time.Duration, error) {
	var sb strings.Builder
	sb.Grow(len(base) + len(path) + len(t.query) + len(sig) + 40)
	sb.WriteString(base)
	sb.WriteString(path)
	sb.WriteString(t.query)
	sb.WriteString(sig)
	sb.WriteString("&random=")
	var num [10]byte
	sb.Write(strconv.AppendUint(num[:0], uint64(rand.Uint32()), 10))
	sb.WriteString("&contenttype=json")

	actx, cancel := t.attemptContext(ctx)
	defer cancel()
	// A fresh reader per attempt: a resend gets a new one over the same
	// bytes (TestRetryResendsIdenticalBody holds us to that).
	req, err := http.NewRequestWithContext(actx, http.MethodPost, sb.String(), bytes.NewReader(payload))
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header["Content-Type"] = jsonContentType
	res, err := t.hc.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer res.Body.Close()
	if res.ContentLength > t.cfg.MaxResponseBytes {
		return 0, nil, 0, tooLarge(t.cfg.MaxResponseBytes)
	}
	buf, err := readCapped(res.Body, res.ContentLength, t.cfg.MaxResponseBytes)
	if err != nil {
		return 0, nil, 0, err
	}
	var ra time.Duration
	if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
		ra = retryAfter(res.Header.Get("Retry-After"), t.cfg.Now())
	}
	return res.StatusCode, buf, ra, nil
}

// attemptContext bounds one attempt by Config.Timeout. When the caller's
// deadline comes first anyway, the caller's context is used as it is: a
// timer context costs allocations (issue 17) and would change nothing.
func (t *Transport) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= t.cfg.Timeout {
		return ctx, noCancel
	}
	return context.WithTimeout(ctx, t.cfg.Timeout)
}

func noCancel() {}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). Invalid or past values are 0.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		if s > int64(MaxRetryAfter/time.Second)*1000 {
			return MaxRetryAfter * 1000 // far beyond any cap: no overflow
		}
		return time.Duration(s) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		if d := at.Sub(now); d > 0 {
			return d
		}
	}
	return 0
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

// apiError builds the *api.Error of a failed answer. Tencent's ErrorInfo
// is outside text: a gateway or server may echo the request URL into it,
// so it is redacted (the usersig sent, anything shaped like one, any URL
// query) before it is stored (issue 14 item 1).
func apiError(path string, status int, env *api.Envelope, sig string) *api.Error {
	e := &api.Error{Op: path, HTTPStatus: status}
	if env != nil {
		e.Code = env.ErrorCode
		e.Info = redactString(env.ErrorInfo, sig)
	}
	return e
}

// decode turns a response into (APIError, nil), (nil, nil) after filling
// resp, or (nil, err) when the body cannot be decoded. sig is the usersig
// the request carried, redacted from any text kept.
func decode(path string, status int, b []byte, resp any, sig string) (*api.Error, error) {
	if status != http.StatusOK {
		var env api.Envelope
		if json.Unmarshal(b, &env) == nil && env.Failed() {
			return apiError(path, status, &env, sig), nil
		}
		return apiError(path, status, nil, sig), nil
	}
	if e, ok := resp.(api.Enveloped); ok {
		err := json.Unmarshal(b, resp)
		env := e.Env()
		if err != nil {
			// A field drifted in type; the envelope may still say why.
			var only api.Envelope
			if json.Unmarshal(b, &only) == nil && only.Failed() {
				return apiError(path, status, &only, sig), nil
			}
			return nil, fmt.Errorf("tim: %s: decoding response: %w", path, redact(err, sig))
		}
		if env.Failed() {
			return apiError(path, status, env, sig), nil
		}
		return nil, nil
	}
	var env api.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("tim: %s: decoding response: %w", path, redact(err, sig))
	}
	if env.Failed() {
		return apiError(path, status, &env, sig), nil
	}
	if resp != nil {
		if err := json.Unmarshal(b, resp); err != nil {
			return nil, fmt.Errorf("tim: %s: decoding response: %w", path, redact(err, sig))
		}
	}
	return nil, nil
}

// sentLimiter is l as a SentLimiter, or nil when it is not one.
func sentLimiter(l Limiter) SentLimiter {
	s, _ := l.(SentLimiter)
	return s
}

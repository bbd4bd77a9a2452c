package event

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Handler defaults.
const (
	// DefaultMaxBodyBytes caps a callback body (a destroyed group's member
	// list is the largest body Tencent documents).
	DefaultMaxBodyBytes = 1 << 20
	// DefaultBeforeBudget is how long a decider may take: Tencent waits 2 s
	// for a "before" answer, and the answer must still travel back.
	DefaultBeforeBudget = 1500 * time.Millisecond
	// DefaultDedupTTL is how long a derived event's key is remembered.
	DefaultDedupTTL = 10 * time.Minute
)

// HandlerOption configures NewHandler, which reports a bad one as an
// *api.InvalidInputError naming the option.
type HandlerOption func(*Webhook) error

// WithToken turns on signature checking: every request must carry Sign and
// RequestTime made with token (the console's callback-authentication
// token), else it gets 401.
//
// An empty token is a configuration error, not a way to turn the check
// off: NewHandler returns an *api.InvalidInputError, so that
// WithToken(os.Getenv("…")) with the variable unset fails at start-up
// instead of accepting anyone's callbacks. Use WithoutSignature when
// authentication is off in the console.
func WithToken(token string) HandlerOption {
	return func(h *Webhook) error {
		if token == "" {
			return optionError("WithToken", "the callback token is empty (an unset environment variable?); "+
				"pass the console's callback-authentication token, or WithoutSignature() if authentication is off")
		}
		h.token, h.tokenGiven = token, true
		return nil
	}
}

// WithoutSignature says, explicitly, that callbacks are not signed
// (callback authentication is off in the console): the handler checks
// SdkAppid but not Sign or RequestTime, and accepts a request from anyone
// who knows the URL and the SDKAppID. It only silences the warning
// NewHandler logs when given no WithToken; combined with WithToken it is
// an error.
func WithoutSignature() HandlerOption {
	return func(h *Webhook) error { h.unsigned = true; return nil }
}

// WithTolerance sets how far RequestTime may be from now, either way
// (default 60 s). It must be positive.
func WithTolerance(d time.Duration) HandlerOption {
	return func(h *Webhook) error {
		if d <= 0 {
			return optionError("WithTolerance", fmt.Sprintf("%v must be positive", d))
		}
		h.tolerance = d
		return nil
	}
}

// WithMaxBodyBytes caps the request body (default 1 MiB); larger requests
// get 413. It must be positive.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *Webhook) error {
		if n <= 0 {
			return optionError("WithMaxBodyBytes", fmt.Sprintf("%v must be positive", n))
		}
		h.maxBody = n
		return nil
	}
}

// WithBeforeBudget sets how long a decider may run before the handler
// answers with the fallback decision (default 1.5 s; Tencent gives up at
// 2 s, so keep room for the answer's trip). It must be positive.
func WithBeforeBudget(d time.Duration) HandlerOption {
	return func(h *Webhook) error {
		if d <= 0 {
			return optionError("WithBeforeBudget", fmt.Sprintf("%v must be positive", d))
		}
		h.budget = d
		return nil
	}
}

// WithFallback sets the decision answered when a decider runs out of time
// or panics (default Allow: the same as Tencent's own behaviour when the
// callback fails). Use Reject("…") to fail closed.
func WithFallback(d Decision) HandlerOption {
	return func(h *Webhook) error { h.fallback = d; return nil }
}

// WithDedupStore sets where derived events' keys are remembered (default a
// NewMemoryDedup(0) per handler). Share one store (e.g. Redis) between the
// replicas behind one callback URL. A nil store is an error.
func WithDedupStore(s DedupStore) HandlerOption {
	return func(h *Webhook) error {
		if s == nil {
			return optionError("WithDedupStore", "nil store")
		}
		h.dedup = s
		return nil
	}
}

// WithDedupTTL sets how long a derived event's key is remembered (default
// 10 minutes). It must be positive.
func WithDedupTTL(d time.Duration) HandlerOption {
	return func(h *Webhook) error {
		if d <= 0 {
			return optionError("WithDedupTTL", fmt.Sprintf("%v must be positive", d))
		}
		h.dedupTTL = d
		return nil
	}
}

// WithHandlerClock sets the clock used for RequestTime checks (tests); a
// nil clock is an error.
func WithHandlerClock(now func() time.Time) HandlerOption {
	return func(h *Webhook) error {
		if now == nil {
			return optionError("WithHandlerClock", "nil clock")
		}
		h.now = now
		return nil
	}
}

// Webhook is the http.Handler for Tencent's callback URL, made by
// NewHandler. It is safe for concurrent use. Printing it with any fmt verb
// shows its configuration without the callback token.
type Webhook struct {
	d         *Dispatcher
	appID     uint64
	appIDStr  string
	token     string
	tolerance time.Duration
	maxBody   int64
	budget    time.Duration
	fallback  Decision
	dedup     DedupStore
	dedupTTL  time.Duration
	now       func() time.Time
	queue     Queue // WithHandoff: after-callbacks go here

	// tokenGiven: WithToken was used (even with ""); unsigned:
	// WithoutSignature was.
	tokenGiven, unsigned bool
}

// NewHandler returns the http.Handler for Tencent's callback URL. It
// dispatches every callback on d: first the typed callback (On[*C2CAfterSendMsg],
// …), then the events derived from it (On[*ReceivedMessage], …), the latter
// de-duplicated by natural key.
//
// Each request must be a POST (else 405) whose SdkAppid is sdkAppID (else
// 403; 400 when missing); with WithToken, Sign and RequestTime must verify
// (else 401). The body is capped (413) and must parse (400). Errors answer
// a generic JSON body that never echoes the computed signature.
//
// Without WithToken, signatures are NOT checked: anyone who can reach the
// URL and knows the SDKAppID can post callbacks (fake messages, fake
// logouts, …) and have before callbacks answered. NewHandler then logs a
// warning on the dispatcher's logger unless WithoutSignature says this is
// meant. NewHandler returns an *api.InvalidInputError on a
// configuration error: a nil dispatcher, an app id out of range,
// WithToken("") (an unset environment variable, typically), WithToken
// together with WithoutSignature, or any other bad option.
//
// Accepted callbacks get Tencent's envelope
// {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0} after the handlers of
// an "after" callback returned (keep them short, or hand work to a queue:
// Tencent waits about 2 s). Unknown commands are acknowledged and
// dispatched as *UnknownCallback. A panicking handler is recovered and the
// request still answered.
//
// "Before" callbacks (BeforeCallback) are answered with the decision of the
// decider registered by Decide, within the WithBeforeBudget budget, else
// with the fallback decision; their On handlers run after the answer, on
// another goroutine.
func NewHandler(d *Dispatcher, sdkAppID uint64, opts ...HandlerOption) (*Webhook, error) {
	if d == nil {
		return nil, optionError("dispatcher", "nil Dispatcher")
	}
	if sdkAppID == 0 || sdkAppID > math.MaxUint32 {
		return nil, optionError("sdkAppID", fmt.Sprintf("%d is out of range 1..%d", sdkAppID, uint64(math.MaxUint32)))
	}
	h := &Webhook{
		d:         d,
		appID:     sdkAppID,
		appIDStr:  strconv.FormatUint(sdkAppID, 10),
		tolerance: DefaultTolerance,
		maxBody:   DefaultMaxBodyBytes,
		budget:    DefaultBeforeBudget,
		fallback:  Allow(),
		dedupTTL:  DefaultDedupTTL,
		now:       time.Now,
	}
	for i, o := range opts {
		if o == nil {
			return nil, optionError(fmt.Sprintf("opts[%d]", i), "is a nil HandlerOption")
		}
		if err := o(h); err != nil {
			return nil, err
		}
	}
	switch {
	case h.tokenGiven && h.unsigned:
		return nil, optionError("WithoutSignature", "both WithToken and WithoutSignature given; "+
			"pass WithToken when callback authentication is on in the console, WithoutSignature when it is off")
	case !h.tokenGiven && !h.unsigned:
		d.log.Warn("tim/event: callback handler without WithToken: signatures are not checked and anyone can post callbacks; "+
			"pass WithToken(token), or WithoutSignature() if callback authentication is off in the console",
			"sdkAppID", h.appIDStr)
	}
	if h.dedup == nil {
		h.dedup = NewMemoryDedup(0)
	}
	return h, nil
}

// String describes the webhook without its token, so printing a Webhook
// with any fmt verb is safe. (String, GoString and Format have value
// receivers so that a dereferenced *Webhook is covered too.)
func (h Webhook) String() string {
	return fmt.Sprintf("event.Webhook{SDKAppID: %s, Signed: %t, Tolerance: %v, BeforeBudget: %v, MaxBodyBytes: %d}",
		h.appIDStr, h.tokenGiven, h.tolerance, h.budget, h.maxBody)
}

// GoString is String, for the %#v verb.
func (h Webhook) GoString() string { return h.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, …)
// prints String: a struct dump would show the token.
func (h Webhook) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, h.String()) }

var (
	okAnswer        = []byte(`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`)
	okLength        = []string{strconv.Itoa(len(okAnswer))}
	jsonContentType = []string{"application/json; charset=utf-8"}
	allowPost       = []string{http.MethodPost}
)

// failBody is the generic error answer for status.
func failBody(status int) []byte {
	return []byte(`{"ActionStatus":"FAIL","ErrorInfo":"` + http.StatusText(status) + `","ErrorCode":1}`)
}

var failBodies = map[int][]byte{}

func init() {
	for _, s := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusInternalServerError} {
		failBodies[s] = failBody(s)
	}
}

// answerWriter writes at most one answer.
type answerWriter struct {
	w    http.ResponseWriter
	done bool
}

func (a *answerWriter) write(status int, body []byte) {
	if a.done {
		return
	}
	a.done = true
	hd := a.w.Header()
	hd["Content-Type"] = jsonContentType
	if len(body) == len(okAnswer) {
		hd["Content-Length"] = okLength
	} else {
		hd["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	a.w.WriteHeader(status)
	_, _ = a.w.Write(body)
}

func (a *answerWriter) fail(status int) {
	b, ok := failBodies[status]
	if !ok {
		b = failBody(status)
	}
	a.write(status, b)
}

// ServeHTTP implements http.Handler.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	aw := &answerWriter{w: w}
	var (
		cmd    Command
		before bool
	)
	defer func() {
		if p := recover(); p != nil {
			h.d.log.ErrorContext(r.Context(), "tim/event: callback handling panicked",
				"command", string(cmd), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if before {
				aw.write(http.StatusOK, h.encode(cmd, h.fallback))
				return
			}
			aw.write(http.StatusOK, okAnswer)
		}
	}()

	if r.Method != http.MethodPost {
		w.Header()["Allow"] = allowPost
		aw.fail(http.StatusMethodNotAllowed)
		return
	}
	var q callbackQuery
	if !q.parse(r.URL.RawQuery) {
		h.reject(r, aw, http.StatusBadRequest, "unparsable query")
		return
	}
	cmd = Command(q.command)
	app := q.appID
	if app == "" {
		h.reject(r, aw, http.StatusBadRequest, "no SdkAppid")
		return
	}
	if app != h.appIDStr {
		h.reject(r, aw, http.StatusForbidden, "SdkAppid is not ours")
		return
	}
	var reqTime time.Time
	if h.token != "" {
		if err := verify(h.token, q.sign, q.requestTime, h.now(), h.tolerance); err != nil {
			h.reject(r, aw, http.StatusUnauthorized, err.Error())
			return
		}
		sec, _ := strconv.ParseInt(q.requestTime, 10, 64)
		reqTime = time.Unix(sec, 0)
	}
	body, status := h.readBody(w, r)
	if status != 0 {
		h.reject(r, aw, status, "unreadable body")
		return
	}
	cb, err := Parse(string(cmd), body)
	if err != nil {
		if cmd == "" || cmd.Known() {
			h.reject(r, aw, http.StatusBadRequest, err.Error())
			return
		}
		// An unknown command is never rejected, even with a body we cannot read.
		u := new(UnknownCallback)
		u.CallbackCommand, u.raw = cmd, body
		cb = u
	}
	cmd = cb.Command()
	cb.meta().origin = Origin{SDKAppID: h.appID, ClientIP: q.clientIP,
		OptPlatform: Platform(q.optPlatform), RequestTime: reqTime}

	if bc, ok := cb.(BeforeCallback); ok {
		before = true
		h.serveBefore(r.Context(), aw, bc)
		return
	}
	if h.queue != nil {
		h.handOff(r.Context(), cb, body, h.now())
		aw.write(http.StatusOK, okAnswer)
		return
	}
	h.dispatch(r.Context(), cb)
	aw.write(http.StatusOK, okAnswer)
}

func (h *Webhook) reject(r *http.Request, aw *answerWriter, status int, why string) {
	h.d.log.WarnContext(r.Context(), "tim/event: callback rejected", "status", status, "reason", why,
		"remote", r.RemoteAddr)
	aw.fail(status)
}

// callbackQuery holds the query parameters the handler reads. Like
// url.Values.Get, the first occurrence of a key wins.
type callbackQuery struct {
	appID, command, clientIP, optPlatform, requestTime, sign string
	seen                                                     uint8
}

// parse reads a raw query without building a url.Values; false when an
// escape is malformed (url.ParseQuery would fail too).
func (q *callbackQuery) parse(raw string) bool {
	ok := true
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		if strings.Contains(kv, ";") {
			ok = false // url.ParseQuery rejects semicolon separators too
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if strings.ContainsAny(k, "%+") {
			uk, err := url.QueryUnescape(k)
			if err != nil {
				ok = false
				continue
			}
			k = uk
		}
		var dst *string
		var bit uint8
		switch k {
		case "SdkAppid":
			dst, bit = &q.appID, 1
		case "CallbackCommand":
			dst, bit = &q.command, 2
		case "ClientIP":
			dst, bit = &q.clientIP, 4
		case "OptPlatform":
			dst, bit = &q.optPlatform, 8
		case "RequestTime":
			dst, bit = &q.requestTime, 16
		case "Sign":
			dst, bit = &q.sign, 32
		}
		if strings.ContainsAny(v, "%+") {
			uv, err := url.QueryUnescape(v)
			if err != nil {
				ok = false
				continue
			}
			v = uv
		}
		if dst != nil && q.seen&bit == 0 {
			*dst, q.seen = v, q.seen|bit
		}
	}
	return ok
}

// readBody reads the capped body; status is non-zero on failure.
func (h *Webhook) readBody(w http.ResponseWriter, r *http.Request) ([]byte, int) {
	if r.Body == nil {
		return nil, 0
	}
	if r.ContentLength > h.maxBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	size := int64(512)
	if r.ContentLength > 0 {
		size = r.ContentLength + 1
	}
	body := http.MaxBytesReader(w, r.Body, h.maxBody)
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, 0
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, http.StatusRequestEntityTooLarge
			}
			return nil, http.StatusBadRequest
		}
	}
}

// dispatch delivers cb and its derived events.
func (h *Webhook) dispatch(ctx context.Context, cb Callback) {
	h.d.Emit(ctx, cb)
	dv := derive(cb)
	if dv.n == 0 || !h.d.HasHandlers(dv.events[0]) && (dv.n < 2 || !h.d.HasHandlers(dv.events[1])) {
		return
	}
	seen, err := h.dedup.SeenOrAdd(ctx, dv.key, h.dedupTTL)
	if err != nil {
		h.d.log.WarnContext(ctx, "tim/event: dedup store failed; delivering anyway", "error", err.Error())
	}
	if seen && err == nil {
		return
	}
	for i := range dv.n {
		h.d.Emit(ctx, dv.events[i])
	}
}

// serveBefore answers a before callback with its decider's decision, or
// the fallback when the decider is late or panics.
func (h *Webhook) serveBefore(rctx context.Context, aw *answerWriter, cb BeforeCallback) {
	ctx := context.WithoutCancel(rctx)
	fn, ok := h.d.lookupDecider(cb)
	if !ok {
		aw.write(http.StatusOK, h.encode(cb.Command(), Allow().bind(cb)))
		go h.dispatch(ctx, cb)
		return
	}
	// One clock: the decider's context carries the budget, and the answer
	// is whichever comes first, its decision or that context's end.
	dctx, cancel := context.WithTimeout(ctx, h.budget)
	defer cancel()
	result := make(chan Decision, 1)
	go func() {
		dec, ok := h.runDecider(dctx, fn, cb)
		if !ok {
			dec = h.fallback
		}
		result <- dec
		h.dispatch(ctx, cb)
	}()
	var dec Decision
	select {
	case dec = <-result:
	case <-dctx.Done():
	}
	// A decision counts only when taken while the budget is open. When
	// the deadline had passed by the time this goroutine reached the
	// select, both cases were ready and select picked one at random; a
	// decider that returned on ctx.Done decided after the budget, so the
	// end of dctx (here only ever its deadline) wins the tie.
	if dctx.Err() != nil {
		h.d.log.WarnContext(ctx, "tim/event: decider exceeded its budget; answering the fallback",
			"command", string(cb.Command()), "budget", h.budget.String(), "fallback", h.fallback.String())
		dec = h.fallback
	}
	aw.write(http.StatusOK, h.encode(cb.Command(), dec.bind(cb))) // bind: the fallback lists friends too
}

func (h *Webhook) runDecider(ctx context.Context, fn func(context.Context, Event) Decision, cb Callback) (dec Decision, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			h.d.log.ErrorContext(ctx, "tim/event: decider panicked; answering the fallback",
				"command", string(cb.Command()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			ok = false
		}
	}()
	return fn(ctx, cb), true
}

func (h *Webhook) encode(cmd Command, dec Decision) []byte {
	b, err := dec.answer(cmd)
	if err != nil {
		h.d.log.Error("tim/event: cannot encode decision; answering the fallback", "command", string(cmd),
			"error", err.Error())
		if b, err = h.fallback.answer(cmd); err != nil {
			return okAnswer
		}
	}
	return b
}

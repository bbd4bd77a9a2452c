package event

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/timkit/tim/api"
)

// Handler defaults. Tencent waits two seconds for any callback's answer;
// before callbacks are never retried, after callbacks only when the
// console says so (docs: 服务端 API/第三方回调/第三方回调简介_intl_en.md,
// "Webhook Timeout Period and Retry").
const (
	// DefaultMaxBodyBytes caps a callback body (a destroyed group's member
	// list is the largest body Tencent documents).
	DefaultMaxBodyBytes = 1 << 20
	// DefaultBeforeBudget is how long a decider may take: Tencent waits 2 s
	// for a "before" answer, and the answer must still travel back.
	DefaultBeforeBudget = 1500 * time.Millisecond
	// DefaultDedupTTL is how long a derived event's key is remembered.
	DefaultDedupTTL = 10 * time.Minute
	// DefaultAfterBudget is how long, from a request's arrival, the
	// handler waits for the body and for the handlers of an "after"
	// callback before it answers Tencent anyway.
	DefaultAfterBudget = 1500 * time.Millisecond
	// DefaultMaxDeciders bounds the goroutines the handler starts for
	// before callbacks (deciders, and the handlers that run after them).
	DefaultMaxDeciders = 1024
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

// WithAfterBudget sets how long, counted from a request's arrival, the
// handler waits for the body and for the handlers of an "after" callback
// (default 1.5 s). When it runs out Tencent is answered (200, or 408 when
// the body itself had not arrived) and the handlers go on, on the
// request's goroutine, with a context that keeps the request's values but
// is not cancelled when the request ends. It must be positive.
func WithAfterBudget(d time.Duration) HandlerOption {
	return func(h *Webhook) error {
		if d <= 0 {
			return optionError("WithAfterBudget", fmt.Sprintf("%v must be positive", d))
		}
		h.afterBudget = d
		return nil
	}
}

// WithMaxDeciders bounds how many goroutines the handler runs for before
// callbacks at once (default DefaultMaxDeciders): each decider runs on its
// own, followed by the callback's On handlers. A decider that never
// returns keeps its slot; when every slot is taken, new before callbacks
// are answered the fallback at once and their handlers run on the
// request's goroutine, so a stuck decider costs at most n goroutines, not
// one per request. It must be positive.
func WithMaxDeciders(n int) HandlerOption {
	return func(h *Webhook) error {
		if n <= 0 {
			return optionError("WithMaxDeciders", fmt.Sprintf("%d must be positive", n))
		}
		h.maxDeciders = n
		return nil
	}
}

// WithObserver reports every request to o (api.Observer): CallbackStart
// when it arrives, whose returned context the handlers and deciders
// receive, and CallbackEnd when Tencent has been answered, with the
// verdict, the decision, whether the fallback answered, the status and
// the time since arrival. A nil observer is an error.
func WithObserver(o api.Observer) HandlerOption {
	return func(h *Webhook) error {
		if o == nil {
			return optionError("WithObserver", "nil observer")
		}
		h.obs = o
		return nil
	}
}

// WithFallback sets the decision answered when a decider runs out of time,
// panics or cannot start (WithMaxDeciders), and when a verified before
// callback's body is too large, late, truncated or unparsable (default
// Allow: the same as Tencent's own behaviour when the callback fails). Use
// Reject("…") to fail closed.
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

	afterBudget time.Duration
	maxDeciders int
	slots       chan struct{} // one per running before-callback goroutine
	obs         api.Observer

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
// Time is counted from the request's arrival. A read deadline is set on
// the connection then (through http.ResponseController's unwrapping; a
// ResponseWriter that supports none reads without one), so a body that
// trickles in is cut off within the budget. The body buffer grows with
// the bytes that arrive, never sized by Content-Length.
//
// Accepted callbacks get Tencent's envelope
// {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0} when the handlers of
// an "after" callback have returned or, at the latest, when
// WithAfterBudget (1.5 s from arrival) runs out; a body that has not
// arrived by then gets 408. Handlers still running at that point go on,
// on the request's goroutine, and ServeHTTP returns when they do.
// Unknown commands are acknowledged and dispatched as *UnknownCallback. A
// panicking handler or DedupStore is recovered and the request still
// answered; a failing or panicking store counts as "not seen", so the
// derived events are delivered rather than lost.
//
// "Before" callbacks (BeforeCallback) are answered with the decision of the
// decider registered by Decide, within the WithBeforeBudget budget (1.5 s
// from arrival, the body's reading included), else with the fallback
// decision. Once the signature has verified, a before callback is always
// answered with a decision: a body that is too large, late, truncated or
// unparsable gets the fallback too, so WithFallback(Reject(…)) fails
// closed. Deciders run on goroutines bounded by WithMaxDeciders; their On
// handlers run after the answer, on the decider's goroutine.
//
// Every handler and decider receives a context carrying the request's
// values (and the observer's, see WithObserver) that is not cancelled when
// the request ends: work may outlive the answer to Tencent. Deciders' own
// context ends at their budget.
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

		afterBudget: DefaultAfterBudget,
		maxDeciders: DefaultMaxDeciders,
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
	h.slots = make(chan struct{}, h.maxDeciders)
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
		http.StatusMethodNotAllowed, http.StatusRequestTimeout, http.StatusRequestEntityTooLarge,
		http.StatusInternalServerError} {
		failBodies[s] = failBody(s)
	}
}

// beforeCommands is the set of known commands whose typed callback is a
// BeforeCallback: the handler knows from the URL alone that Tencent waits
// for a decision, and so answers the fallback when the body is unusable.
var beforeCommands = sync.OnceValue(func() map[Command]bool {
	m := make(map[Command]bool)
	for c, f := range factories {
		if _, ok := f().(BeforeCallback); ok {
			m[c] = true
		}
	}
	return m
})

// exchange is one request and its one answer. The answer may be written
// by the request's goroutine or by the after-budget timer; mu makes it
// happen once.
type exchange struct {
	h     *Webhook
	w     http.ResponseWriter
	ctx   context.Context // the request's, as the observer returned it
	start time.Time       // arrival
	info  api.Callback    // for the observer

	mu   sync.Mutex
	done bool

	// The after-budget timer, made once per pooled exchange and re-armed
	// per request; cmd and budget are for its log line.
	timer  *time.Timer
	armed  bool
	cmd    Command
	budget time.Duration
}

// exchanges recycles exchanges and their timers: an after callback costs
// no timer allocation.
var exchanges = sync.Pool{New: func() any {
	x := new(exchange)
	x.timer = time.AfterFunc(time.Hour, x.overrun)
	x.timer.Stop()
	return x
}}

// overrun answers Tencent when an after callback's handlers outlast the
// budget; they go on.
func (x *exchange) overrun() {
	x.h.d.log.WarnContext(x.ctx, "tim/event: callback handlers exceeded the budget; answered, they go on",
		"command", string(x.cmd), "budget", x.budget.String())
	x.answer(http.StatusOK, okAnswer, api.CallbackResult{Verdict: api.VerdictFailed, Err: errBudget}, true)
}

// release returns x to the pool unless its timer may still fire.
func (x *exchange) release() {
	if x.armed && !x.timer.Stop() {
		return // fired or firing: it keeps x (done is set, so it writes nothing)
	}
	timer := x.timer
	*x = exchange{timer: timer}
	exchanges.Put(x)
}

// answer writes status and body once, then tells the observer; flush
// pushes the answer out while ServeHTTP is still running (after-budget
// timer, before-callback handlers run inline).
func (x *exchange) answer(status int, body []byte, res api.CallbackResult, flush bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.done {
		return
	}
	x.done = true
	hd := x.w.Header()
	hd["Content-Type"] = jsonContentType
	if len(body) == len(okAnswer) {
		hd["Content-Length"] = okLength
	} else {
		hd["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	x.w.WriteHeader(status)
	_, _ = x.w.Write(body)
	if flush {
		flushWriter(x.w)
	}
	if o := x.h.observer(); o != nil {
		res.Status = status
		res.Duration = time.Since(x.start)
		o.CallbackEnd(x.ctx, x.info, res)
	}
}

// flush pushes a written answer out before ServeHTTP returns.
func (x *exchange) flush() {
	x.mu.Lock()
	defer x.mu.Unlock()
	flushWriter(x.w)
}

func (x *exchange) fail(status int, verdict api.CallbackVerdict, err error) {
	b, ok := failBodies[status]
	if !ok {
		b = failBody(status)
	}
	x.answer(status, b, api.CallbackResult{Verdict: verdict, Err: err}, false)
}

// decide answers a before callback with dec.
func (x *exchange) decide(cmd Command, dec Decision, verdict api.CallbackVerdict, fallback bool, err error, flush bool) {
	x.answer(http.StatusOK, x.h.encode(cmd, dec),
		api.CallbackResult{Verdict: verdict, Decision: dec.String(), Fallback: fallback, Err: err}, flush)
}

// ServeHTTP implements http.Handler.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := exchanges.Get().(*exchange)
	x.h, x.w, x.ctx, x.start = h, w, r.Context(), time.Now()
	defer x.release()
	var q callbackQuery
	qok := q.parse(r.URL.RawQuery)
	cmd := Command(q.command)
	before := beforeCommands()[cmd]
	if o := h.observer(); o != nil {
		x.info = api.Callback{Command: q.command, Before: before, Start: x.start}
		x.ctx = o.CallbackStart(x.ctx, x.info)
	}
	defer func() {
		if p := recover(); p != nil {
			h.d.log.ErrorContext(x.ctx, "tim/event: callback handling panicked",
				"command", string(cmd), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err := fmt.Errorf("event: callback handling panicked: %v", p)
			if before {
				x.decide(cmd, h.fallback, api.VerdictFailed, true, err, false)
				return
			}
			x.answer(http.StatusOK, okAnswer, api.CallbackResult{Verdict: api.VerdictFailed, Err: err}, false)
		}
	}()

	// The read deadline is set at arrival, before any answer: whatever
	// the answer, the server drains the body it leaves unread, and that
	// too must end within the budget.
	budget := h.afterBudget
	if before {
		budget = h.budget
	}
	deadlineSet := setReadDeadline(w, x.start.Add(budget))

	if r.Method != http.MethodPost {
		w.Header()["Allow"] = allowPost
		x.fail(http.StatusMethodNotAllowed, api.VerdictBadRequest, nil)
		return
	}
	if !qok {
		h.reject(x, r, http.StatusBadRequest, api.VerdictBadRequest, errBadQuery)
		return
	}
	app := q.appID
	if app == "" {
		h.reject(x, r, http.StatusBadRequest, api.VerdictBadRequest, errNoAppID)
		return
	}
	if app != h.appIDStr {
		h.reject(x, r, http.StatusForbidden, api.VerdictRefused, errOtherAppID)
		return
	}
	var reqTime time.Time
	if h.token != "" {
		if err := verify(h.token, q.sign, q.requestTime, h.now(), h.tolerance); err != nil {
			h.reject(x, r, http.StatusUnauthorized, api.VerdictRefused, err)
			return
		}
		sec, _ := strconv.ParseInt(q.requestTime, 10, 64)
		reqTime = time.Unix(sec, 0)
	}
	// Verified (or unsigned by choice). From here on a before callback is
	// always answered with a decision: the fallback when its body cannot
	// be read or parsed, so WithFallback(Reject) fails closed.
	body, status, rerr := h.readBody(w, r, x.start.Add(budget), deadlineSet)
	if status != 0 {
		if before {
			h.failClosed(x, cmd, rerr)
			return
		}
		h.reject(x, r, status, api.VerdictBadRequest, rerr)
		return
	}
	cb, err := Parse(string(cmd), body)
	if err != nil {
		if before {
			h.failClosed(x, cmd, err)
			return
		}
		if cmd == "" || cmd.Known() {
			h.reject(x, r, http.StatusBadRequest, api.VerdictBadRequest, err)
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

	// Handlers get the request's values (trace ids, the observer's span)
	// but not its cancellation: the work outlives the answer to Tencent.
	hctx := x.ctx
	if hctx.Done() != nil {
		hctx = context.WithoutCancel(hctx)
	}
	if bc, ok := cb.(BeforeCallback); ok {
		before = true
		h.serveBefore(x, hctx, bc)
		return
	}
	if h.queue != nil {
		h.handOff(hctx, cb, body, x.start)
		x.answer(http.StatusOK, okAnswer, api.CallbackResult{Verdict: api.VerdictAccepted}, false)
		return
	}
	h.serveAfter(x, hctx, cb, budget)
}

// Reasons for refusals that have no error value of their own.
var (
	errBadQuery   = errors.New("event: unparsable callback query")
	errNoAppID    = errors.New("event: callback without SdkAppid")
	errOtherAppID = errors.New("event: callback SdkAppid is not this handler's")
	errBodyLate   = errors.New("event: callback body not received within the budget")
	errBodyLarge  = errors.New("event: callback body over the size limit")
	errBodyRead   = errors.New("event: callback body unreadable")
	errTooMany    = errors.New("event: too many deciders running; answered the fallback")
	errBudget     = errors.New("event: budget ran out before the handlers returned")
)

func (h *Webhook) reject(x *exchange, r *http.Request, status int, verdict api.CallbackVerdict, why error) {
	h.d.log.WarnContext(x.ctx, "tim/event: callback rejected", "status", status, "reason", why.Error(),
		"remote", r.RemoteAddr)
	x.fail(status, verdict, why)
}

// failClosed answers a verified before callback whose body is unusable
// with the fallback decision.
func (h *Webhook) failClosed(x *exchange, cmd Command, why error) {
	h.d.log.WarnContext(x.ctx, "tim/event: before callback unusable; answering the fallback",
		"command", string(cmd), "reason", why.Error(), "fallback", h.fallback.String())
	x.decide(cmd, h.fallback, api.VerdictBadRequest, true, why, false)
}

// serveAfter dispatches an after callback and answers Tencent when the
// handlers return or, at the latest, when the budget counted from arrival
// runs out; the handlers then go on, on this goroutine, with hctx.
func (h *Webhook) serveAfter(x *exchange, hctx context.Context, cb Callback, budget time.Duration) {
	wait := budget - time.Since(x.start)
	if wait <= 0 {
		wait = time.Nanosecond
	}
	x.cmd, x.budget = cb.Command(), budget
	x.armed = true
	x.timer.Reset(wait)
	dup, panicked := h.dispatch(hctx, cb)
	if x.timer.Stop() {
		x.armed = false
	}
	res := api.CallbackResult{Verdict: api.VerdictAccepted}
	switch {
	case panicked > 0:
		res.Verdict = api.VerdictFailed
		res.Err = fmt.Errorf("event: %d callback handler(s) panicked", panicked)
	case dup:
		res.Verdict = api.VerdictDuplicate
	}
	x.answer(http.StatusOK, okAnswer, res, false)
}

// Read deadlines go to the connection through ResponseController's
// unwrapping, without its error allocation when unsupported.
type readDeadliner interface{ SetReadDeadline(time.Time) error }

func setReadDeadline(w http.ResponseWriter, t time.Time) bool {
	for {
		switch v := w.(type) {
		case readDeadliner:
			return v.SetReadDeadline(t) == nil
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return false
		}
	}
}

func flushWriter(w http.ResponseWriter) {
	for {
		switch v := w.(type) {
		case interface{ FlushError() error }:
			_ = v.FlushError()
			return
		case http.Flusher:
			v.Flush()
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return
		}
	}
}

// readBody reads the capped body before deadline; status is non-zero on
// failure (413 too large, 408 too late, 400 unreadable).
//
// Memory follows the bytes that arrive, never the declared
// Content-Length: the buffer starts small and grows by doubling up to the
// cap, so a client declaring 1 GiB and sending 1 byte costs a few hundred
// bytes.
func (h *Webhook) readBody(w http.ResponseWriter, r *http.Request, deadline time.Time, deadlineSet bool) ([]byte, int, error) {
	if r.Body == nil || r.Body == http.NoBody {
		if deadlineSet {
			setReadDeadline(w, time.Time{})
		}
		return nil, 0, nil
	}
	if r.ContentLength > h.maxBody {
		return nil, http.StatusRequestEntityTooLarge, errBodyLarge
	}
	size := int64(initialBody)
	if r.ContentLength >= 0 && r.ContentLength < size {
		size = r.ContentLength + 1 // +1: room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > h.maxBody {
				return nil, http.StatusRequestEntityTooLarge, errBodyLarge
			}
			next := min(int64(2*cap(buf)), h.maxBody+1)
			buf = append(make([]byte, 0, next), buf...)
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > h.maxBody {
			return nil, http.StatusRequestEntityTooLarge, errBodyLarge
		}
		if err == io.EOF {
			if deadlineSet {
				// Clear it once read: the server's background read of
				// the next request must not hit it while the handlers
				// still run. On failure it stays, so that the server's
				// own draining of the body is bounded too.
				setReadDeadline(w, time.Time{})
			}
			return buf, 0, nil
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) || !time.Now().Before(deadline) {
				return nil, http.StatusRequestTimeout, errBodyLate
			}
			return nil, http.StatusBadRequest, errBodyRead
		}
	}
}

// initialBody is the first buffer's size when the body is larger or its
// length unknown: most callbacks fit.
const initialBody = 4 << 10

// dispatch delivers cb and its derived events; dup reports that the
// derived events were already delivered, panicked how many handlers
// panicked.
func (h *Webhook) dispatch(ctx context.Context, cb Callback) (dup bool, panicked int) {
	panicked = h.d.Emit(ctx, cb)
	dv := derive(cb)
	if dv.n == 0 || !h.d.HasHandlers(dv.events[0]) && (dv.n < 2 || !h.d.HasHandlers(dv.events[1])) {
		return false, panicked
	}
	if h.seenOrAdd(ctx, dv.key) {
		return true, panicked
	}
	for i := range dv.n {
		panicked += h.d.Emit(ctx, dv.events[i])
	}
	return false, panicked
}

// seenOrAdd asks the dedup store; a store that fails or panics counts as
// "not seen", so the event is delivered (at least once) rather than lost.
func (h *Webhook) seenOrAdd(ctx context.Context, key string) (seen bool) {
	defer func() {
		if p := recover(); p != nil {
			h.d.log.ErrorContext(ctx, "tim/event: dedup store panicked; delivering anyway",
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			seen = false
		}
	}()
	seen, err := h.dedup.SeenOrAdd(ctx, key, h.dedupTTL)
	if err != nil {
		h.d.log.WarnContext(ctx, "tim/event: dedup store failed; delivering anyway", "error", err.Error())
		return false
	}
	return seen
}

// goBounded runs fn on a new goroutine when one of the WithMaxDeciders
// slots is free, and reports whether it did.
func (h *Webhook) goBounded(fn func()) bool {
	select {
	case h.slots <- struct{}{}:
	default:
		return false
	}
	go func() {
		defer func() { <-h.slots }()
		fn()
	}()
	return true
}

// serveBefore answers a before callback with its decider's decision, or
// the fallback when the decider is late, panics or cannot start. The
// budget runs from the request's arrival.
func (h *Webhook) serveBefore(x *exchange, hctx context.Context, cb BeforeCallback) {
	// Every answer is bound to cb: a friend callback's answer lists a
	// result per requested friend, the fallback's too.
	cmd := cb.Command()
	fn, ok := h.d.lookupDecider(cb)
	if !ok {
		x.decide(cmd, Allow().bind(cb), api.VerdictAccepted, false, nil, false)
		if !h.goBounded(func() { h.dispatch(hctx, cb) }) {
			x.flush() // answered already; run the handlers here
			h.dispatch(hctx, cb)
		}
		return
	}
	// One clock: the decider's context carries the deadline, and the
	// answer is whichever comes first, its decision or that deadline.
	dctx, cancel := context.WithDeadline(hctx, x.start.Add(h.budget))
	defer cancel()
	type outcome struct {
		dec Decision
		err error
	}
	result := make(chan outcome, 1)
	started := h.goBounded(func() {
		dec, err := h.runDecider(dctx, fn, cb)
		result <- outcome{dec, err}
		h.dispatch(hctx, cb)
	})
	if !started {
		h.d.log.WarnContext(x.ctx, "tim/event: too many deciders running; answering the fallback",
			"command", string(cmd), "limit", cap(h.slots), "fallback", h.fallback.String())
		x.decide(cmd, h.fallback.bind(cb), api.VerdictFailed, true, errTooMany, true)
		h.dispatch(hctx, cb)
		return
	}
	var out outcome
	select {
	case out = <-result:
	case <-dctx.Done():
	}
	// A decision counts only when taken while the budget is open. When
	// the deadline had passed by the time this goroutine reached the
	// select, both cases were ready and select picked one at random; a
	// decider that returned on ctx.Done decided after the budget, so the
	// end of dctx (here only ever its deadline) wins the tie.
	switch {
	case dctx.Err() != nil:
		h.d.log.WarnContext(x.ctx, "tim/event: decider exceeded its budget; answering the fallback",
			"command", string(cmd), "budget", h.budget.String(), "fallback", h.fallback.String())
		x.decide(cmd, h.fallback.bind(cb), api.VerdictFailed, true, context.DeadlineExceeded, false)
	case out.err != nil:
		x.decide(cmd, h.fallback.bind(cb), api.VerdictFailed, true, out.err, false)
	default:
		x.decide(cmd, out.dec.bind(cb), api.VerdictAccepted, false, nil, false)
	}
}

func (h *Webhook) runDecider(ctx context.Context, fn func(context.Context, Event) Decision, cb Callback) (dec Decision, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.d.log.ErrorContext(ctx, "tim/event: decider panicked; answering the fallback",
				"command", string(cb.Command()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			dec, err = h.fallback, fmt.Errorf("event: decider panicked: %v", p)
		}
	}()
	return fn(ctx, cb), nil
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

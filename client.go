package tim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/transport"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/moderation"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/relation"
	"github.com/timkit/tim/robot"
	"github.com/timkit/tim/usersig"
)

// Client is a Tencent Cloud IM REST client acting as the app administrator.
// It is safe for concurrent use; build one per SDKAppID, share it, and
// Close it when done.
type Client struct {
	appID  uint64
	admin  string
	gen    *usersig.Generator
	signer *usersig.Signer
	t      *transport.Transport
	events *event.Dispatcher
	log    *slog.Logger
	now    func() time.Time

	state atomic.Int32 // stateUnknown, stateReady, stateNotReady

	// Lifecycle events are queued by the request path and delivered after
	// the call returns, outside any lock, in order (see flush).
	pendingMu sync.Mutex
	pending   []pendingEvent
	emitMu    sync.Mutex

	// Account imports, checks, deletes and kicks accounts, and reads online state.
	Account *account.Service
	// Profile reads and writes user profiles (nick, avatar, custom tags).
	Profile *profile.Service
	// Message sends, recalls, modifies and imports messages and reads history.
	Message *message.Service
	// Conversation reads and manages users' conversation lists.
	Conversation *conversation.Service
	// Group creates and manages groups, members and consultation groups.
	Group *group.Service
	// Relation manages friends, blacklists, friend groups and follows.
	Relation *relation.Service
	// Push sends all-member pushes and manages push attributes and tags.
	Push *push.Service
	// Operation covers global mute, operating statistics, message-history
	// files, the IP list and chat-file moderation.
	Operation *operation.Service
	// Robot creates and lists robot accounts and streams their answers.
	Robot *robot.Service
	// Desk streams answers into customer-service (Desk) sessions.
	Desk *desk.Service
	// Official manages official accounts, their subscribers and broadcasts.
	Official *official.Service
	// Moderation submits content to Tencent's cloud moderation.
	Moderation *moderation.Service
}

const (
	stateUnknown int32 = iota
	stateReady
	stateNotReady
)

// New returns a client for the app sdkAppID with its secret key (from the IM
// console). Arguments and options are validated here, before anything
// touches the network: a bad one is an *InvalidInputError naming it (it
// matches ErrInvalidParameter). Nothing is sent until the first call or
// Login.
func New(sdkAppID uint64, secretKey string, opts ...Option) (*Client, error) {
	if sdkAppID == 0 || sdkAppID > math.MaxUint32 {
		return nil, wire.Invalid("sdkAppID", "%d is out of range 1..%d", sdkAppID, uint64(math.MaxUint32))
	}
	if secretKey == "" {
		return nil, wire.Invalid("secretKey", "is empty")
	}
	cfg := config{
		region:      RegionChina,
		admin:       DefaultAdmin,
		retry:       DefaultRetryPolicy(),
		rate:        DefaultAPIRate(),
		now:         time.Now,
		sigValidity: DefaultAdminSigValidity,
	}
	for i, o := range opts {
		if o == nil {
			return nil, wire.Invalid(fmt.Sprintf("opts[%d]", i), "is a nil Option")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	gen, err := usersig.New(sdkAppID, secretKey, usersig.WithClock(cfg.now))
	if err != nil {
		return nil, &api.InvalidInputError{Field: "secretKey", Reason: err.Error()}
	}
	signer, err := usersig.NewSigner(gen, cfg.sigValidity)
	if err != nil {
		return nil, &api.InvalidInputError{Field: "WithAdminSigValidity", Reason: err.Error()}
	}
	base, standby := cfg.baseURL, cfg.standbyURL
	if base == "" {
		base = "https://" + cfg.region.Host()
		if !cfg.standbySet {
			standby = "https://" + cfg.region.StandbyHost()
		}
	}
	limiter := cfg.limiter
	if limiter == nil {
		limiter = NewLocalLimiter(cfg.rate, cfg.rateOverrides)
	}
	d := cfg.dispatcher
	if d == nil {
		if d, err = event.NewDispatcher(event.WithLogger(log)); err != nil {
			return nil, err
		}
	}
	c := &Client{appID: sdkAppID, admin: cfg.admin, gen: gen, signer: signer, events: d, log: log, now: cfg.now}
	retry := transport.RetryPolicy(cfg.retry)
	c.t, err = transport.New(transport.Config{
		SDKAppID:         sdkAppID,
		Admin:            cfg.admin,
		Signer:           signer,
		BaseURL:          base,
		StandbyURL:       standby,
		HTTPClient:       cfg.httpClient,
		Timeout:          cfg.timeout,
		Retry:            &retry,
		Limiter:          limiter,
		Logger:           log,
		MaxResponseBytes: cfg.maxResponse,
		Observer:         cfg.observer,
		OnAuth:           c.onAuth,
		After:            c.afterCall,
		Now:              cfg.now,
	})
	if err != nil {
		return nil, fmt.Errorf("tim: %w", err)
	}
	// The services call the request path directly: a typed method goes
	// area package → transport, with the endpoint it declared.
	if err := c.wire(cfg); err != nil {
		c.t.Close()
		return nil, err
	}
	return c, nil
}

func (c *Client) wire(cfg config) (err error) {
	d := api.Doer(c.t)
	if c.Account, err = account.NewService(d); err != nil {
		return err
	}
	if c.Profile, err = profile.NewService(d); err != nil {
		return err
	}
	if c.Message, err = message.NewService(d, message.WithClock(cfg.now)); err != nil {
		return err
	}
	if c.Conversation, err = conversation.NewService(d, cfg.conversationOpts...); err != nil {
		return err
	}
	if c.Group, err = group.NewService(d, cfg.groupOpts...); err != nil {
		return err
	}
	if c.Relation, err = relation.NewService(d); err != nil {
		return err
	}
	if c.Push, err = push.NewService(d); err != nil {
		return err
	}
	if c.Operation, err = operation.NewService(d); err != nil {
		return err
	}
	if c.Robot, err = robot.NewService(d); err != nil {
		return err
	}
	if c.Desk, err = desk.NewService(d); err != nil {
		return err
	}
	if c.Official, err = official.NewService(d); err != nil {
		return err
	}
	c.Moderation, err = moderation.NewService(d)
	return err
}

// Close releases what the client holds: the idle keep-alive connections
// of the HTTP transport the client made (one given with WithHTTPClient is
// yours to manage), and the client itself: every later call fails with
// ErrClosed before anything is sent. Calls in flight finish normally.
// Close is safe to call more than once.
func (c *Client) Close() error {
	c.t.Close()
	return nil
}

// SDKAppID returns the app id the client was built for.
func (c *Client) SDKAppID() uint64 { return c.appID }

// Admin returns the administrator identifier the client acts as.
func (c *Client) Admin() string { return c.admin }

// Events returns the dispatcher the client emits SDK_READY and
// SDK_NOT_READY on (the one given with WithDispatcher, if any).
func (c *Client) Events() *event.Dispatcher { return c.events }

// Ready reports whether Tencent has accepted the client's credentials (the
// SDK_READY state) and not rejected them since.
func (c *Client) Ready() bool { return c.state.Load() == stateReady }

// LoginResult is what Login reports.
type LoginResult struct {
	// RepeatLogin is true when the client was already logged in (ready):
	// the front end's repeatLogin. No request was made.
	RepeatLogin bool
	// Identifier is the administrator the client acts as.
	Identifier string
}

// Login mirrors the front end's login: it makes the admin usersig, proves
// it with one cheap authenticated call (v4/im_open_login_svc/account_check
// for the admin identifier) and marks the client ready, emitting SDK_READY.
// A second Login on a ready client reports RepeatLogin without a request.
// When Tencent rejects the credentials, Login returns the *APIError
// (ErrUserSigInvalid, ErrWrongRegion, …) and SDK_NOT_READY is emitted.
// Calling Login is optional: the first successful call logs in lazily.
// Lifecycle handlers run after the call that caused the transition; when
// another goroutine is delivering events at that moment, they may run just
// after Login returns. Concurrent Logins on a client that is not ready yet
// each make the check and report RepeatLogin false.
//
// REST: v4/im_open_login_svc/account_check
func (c *Client) Login(ctx context.Context) (*LoginResult, error) {
	if c.Ready() {
		return &LoginResult{RepeatLogin: true, Identifier: c.admin}, nil
	}
	if _, err := c.Account.Check(ctx, c.admin); err != nil {
		return nil, err
	}
	return &LoginResult{Identifier: c.admin}, nil
}

// pendingEvent is a lifecycle event with the context of the call that
// caused it: its values (trace ids) reach the handlers, its cancellation
// does not (the call may be over when they run).
type pendingEvent struct {
	ctx context.Context
	ev  event.Event
}

// onAuth follows Tencent's verdict on the credentials after every answered
// request and queues the lifecycle events of the transitions; afterCall
// delivers them once the call has returned.
func (c *Client) onAuth(ctx context.Context, err error) {
	// The state change and its event are recorded together, so the queue's
	// order is the order of the transitions even when calls race.
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	if err == nil {
		if c.state.Swap(stateReady) != stateReady {
			c.log.InfoContext(ctx, "tim: ready", "sdkappid", c.appID, "admin", c.admin)
			c.pending = append(c.pending, pendingEvent{context.WithoutCancel(ctx),
				&event.Ready{SDKAppID: c.appID, Identifier: c.admin, At: c.now()}})
		}
		return
	}
	if c.state.Swap(stateNotReady) != stateNotReady {
		ev := &event.NotReady{SDKAppID: c.appID, Identifier: c.admin, Err: err, Reason: err.Error(), At: c.now()}
		var ae *APIError
		if errors.As(err, &ae) {
			ev.Code = ae.Code
		}
		c.log.WarnContext(ctx, "tim: credentials rejected", "sdkappid", c.appID, "admin", c.admin, "code", ev.Code, "err", err)
		c.pending = append(c.pending, pendingEvent{context.WithoutCancel(ctx), ev})
	}
}

func (c *Client) pop() (pendingEvent, bool) {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	if len(c.pending) == 0 {
		return pendingEvent{}, false
	}
	e := c.pending[0]
	c.pending[0] = pendingEvent{} // the queue keeps no context alive
	c.pending = c.pending[1:]
	return e, true
}

func (c *Client) hasPending() bool {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	return len(c.pending) > 0
}

// afterCall runs when any call returns, typed or raw.
func (c *Client) afterCall(context.Context) {
	if c.hasPending() {
		c.flush()
	}
}

// flush delivers queued lifecycle events in order, each with the context
// of the call that caused it. One goroutine delivers at a time; a handler
// that calls back into the client finds the delivery busy and returns, and
// its own events are delivered by the loop below.
func (c *Client) flush() {
	for c.hasPending() {
		if !c.emitMu.TryLock() {
			return
		}
		for p, ok := c.pop(); ok; p, ok = c.pop() {
			c.events.Emit(p.ctx, p.ev)
		}
		c.emitMu.Unlock()
	}
}

// UserSig issues a UserSig for userID valid for validity, for a front end's
// login(). userID must be 1..32 bytes; validity at least one second
// (Tencent recommends at least 24 h).
func (c *Client) UserSig(userID string, validity time.Duration) (string, error) {
	if err := wire.CheckUserID("userID", userID); err != nil {
		return "", err
	}
	return c.gen.Gen(userID, validity)
}

// Do calls any REST command through the client's request path (admin
// usersig, rate limits, retries, error mapping, redaction). e declares the
// command: its Path ("<service>/<command>" as in v4/<service>/<command>),
// whether a resend is safe, and the limiter budgets it spends. Pass the
// declaration of a command the SDK knows (Lookup) to get its retry
// behaviour, or a literal:
//
//	err := c.Do(ctx, tim.Endpoint{Path: "group_open_http_svc/update_group_counter"}, req, &resp)
//
// A literal with only a Path is Unsafe: it is resent only when the request
// provably never reached Tencent or was refused by frequency control, so
// a call with side effects is never applied twice. req is marshalled to
// JSON (nil sends {}; a json.RawMessage is sent as is), and the answer is
// decoded into resp (may be nil); a response type that embeds Envelope is
// decoded in one pass. An invalid declaration is refused before any call.
func (c *Client) Do(ctx context.Context, e Endpoint, req, resp any) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return c.t.Do(ctx, e, req, resp)
}

// MaxUserIDBytes is Tencent's limit on a UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

// String describes the client without any secret (no key, no usersig), so
// printing a Client with any fmt verb is safe.
func (c *Client) String() string {
	return fmt.Sprintf("tim.Client{SDKAppID: %d, Admin: %q, Ready: %t}", c.appID, c.admin, c.Ready())
}

// GoString is String, for the %#v verb.
func (c *Client) GoString() string { return c.String() }

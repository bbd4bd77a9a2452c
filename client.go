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

	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/transport"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/relation"
	"github.com/timkit/tim/usersig"
)

// Client is a Tencent Cloud IM REST client acting as the app administrator.
// It is safe for concurrent use; build one per SDKAppID and share it.
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
	pending   []event.Event
	emitMu    sync.Mutex

	// Account imports, checks, deletes and kicks accounts, and reads online state.
	Account *AccountService
	// Profile reads and writes user profiles (nick, avatar, custom tags).
	Profile *ProfileService
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
}

const (
	stateUnknown int32 = iota
	stateReady
	stateNotReady
)

// New returns a client for the app sdkAppID with its secret key (from the IM
// console). Options are validated here; nothing touches the network until
// the first call or Login.
func New(sdkAppID uint64, secretKey string, opts ...Option) (*Client, error) {
	if sdkAppID == 0 || sdkAppID > math.MaxUint32 {
		return nil, fmt.Errorf("tim: SDKAppID %d out of range 1..%d", sdkAppID, uint64(math.MaxUint32))
	}
	if secretKey == "" {
		return nil, errors.New("tim: secret key is empty")
	}
	cfg := config{
		region:      RegionChina,
		admin:       DefaultAdmin,
		retry:       transport.DefaultRetryPolicy,
		rate:        transport.DefaultAPIRate,
		now:         time.Now,
		sigValidity: DefaultAdminSigValidity,
	}
	for _, o := range opts {
		if o == nil {
			continue
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
		return nil, fmt.Errorf("tim: %w", err)
	}
	signer, err := usersig.NewSigner(gen, cfg.sigValidity)
	if err != nil {
		return nil, fmt.Errorf("tim: %w", err)
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
		limiter = transport.NewLocalLimiter(cfg.rate, cfg.rateOverrides, nil)
	}
	d := cfg.dispatcher
	if d == nil {
		d = event.NewDispatcher(event.WithLogger(log))
	}
	c := &Client{appID: sdkAppID, admin: cfg.admin, gen: gen, signer: signer, events: d, log: log, now: cfg.now}
	retry := cfg.retry
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
		OnAuth:           c.onAuth,
		Now:              cfg.now,
	})
	if err != nil {
		return nil, fmt.Errorf("tim: %w", err)
	}
	c.Account = &AccountService{c: c}
	c.Profile = &ProfileService{c: c}
	c.Message = message.NewService(c, message.WithClock(cfg.now))
	c.Conversation = conversation.NewService(c, cfg.conversationOpts...)
	c.Group = group.NewService(c, cfg.groupOpts...)
	c.Relation = relation.NewService(c)
	c.Push = push.NewService(c)
	c.Operation = operation.NewService(c)
	return c, nil
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
func (c *Client) Login(ctx context.Context) (*LoginResult, error) {
	if c.Ready() {
		return &LoginResult{RepeatLogin: true, Identifier: c.admin}, nil
	}
	if _, err := c.Account.Check(ctx, c.admin); err != nil {
		return nil, err
	}
	return &LoginResult{Identifier: c.admin}, nil
}

// onAuth follows Tencent's verdict on the credentials after every answered
// request and queues the lifecycle events of the transitions; Do delivers
// them once the call has returned.
func (c *Client) onAuth(err error) {
	// The state change and its event are recorded together, so the queue's
	// order is the order of the transitions even when calls race.
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	if err == nil {
		if c.state.Swap(stateReady) != stateReady {
			c.log.Info("tim: ready", "sdkappid", c.appID, "admin", c.admin)
			c.pending = append(c.pending, &event.Ready{SDKAppID: c.appID, Identifier: c.admin, At: c.now()})
		}
		return
	}
	if c.state.Swap(stateNotReady) != stateNotReady {
		ev := &event.NotReady{SDKAppID: c.appID, Identifier: c.admin, Err: err, Reason: err.Error(), At: c.now()}
		var ae *APIError
		if errors.As(err, &ae) {
			ev.Code = ae.Code
		}
		c.log.Warn("tim: credentials rejected", "sdkappid", c.appID, "admin", c.admin, "code", ev.Code, "err", err)
		c.pending = append(c.pending, ev)
	}
}

func (c *Client) pop() event.Event {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	e := c.pending[0]
	c.pending = c.pending[1:]
	return e
}

func (c *Client) hasPending() bool {
	c.pendingMu.Lock()
	defer c.pendingMu.Unlock()
	return len(c.pending) > 0
}

// flush delivers queued lifecycle events in order. One goroutine delivers
// at a time; a handler that calls back into the client finds the delivery
// busy and returns, and its own events are delivered by the loop below.
func (c *Client) flush() {
	for c.hasPending() {
		if !c.emitMu.TryLock() {
			return
		}
		for e := c.pop(); e != nil; e = c.pop() {
			c.events.Emit(context.Background(), e)
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

// Do calls any REST endpoint through the client's request path (admin
// usersig, rate limits, retries, error mapping, redaction): path is
// "<service>/<command>" as in v4/<service>/<command>, req is marshalled to
// JSON (nil sends {}), and the answer is decoded into resp (may be nil).
// A response type that embeds the envelope is decoded in one pass.
func (c *Client) Do(ctx context.Context, path string, req, resp any) error {
	if !validPath(path) {
		return wire.Invalid("path", "%q is not <service>/<command>", path)
	}
	err := c.t.Call(ctx, path, req, resp)
	if c.hasPending() {
		c.flush()
	}
	return err
}

func validPath(p string) bool {
	slash := -1
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '/':
			if slash >= 0 || i == 0 || i == len(p)-1 {
				return false
			}
			slash = i
		case ch == '_' || ch == '-' || ch == '.' || ('a' <= ch && ch <= 'z') || ('A' <= ch && ch <= 'Z') || ('0' <= ch && ch <= '9'):
		default:
			return false
		}
	}
	return slash > 0
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

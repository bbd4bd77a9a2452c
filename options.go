package tim

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/transport"
	"github.com/timkit/tim/internal/wire"
)

// Region is a Tencent Cloud IM data centre. An app lives in the data centre
// it was created in; calling another one fails with 70016/70020
// (ErrWrongRegion).
type Region string

// The data centres of the REST API.
const (
	RegionChina         Region = "china"
	RegionSingapore     Region = "singapore"
	RegionSeoul         Region = "seoul"
	RegionTokyo         Region = "tokyo"
	RegionFrankfurt     Region = "frankfurt"
	RegionMumbai        Region = "mumbai"
	RegionSiliconValley Region = "siliconvalley"
	RegionJakarta       Region = "jakarta"
	RegionRiyadh        Region = "riyadh"
)

type regionHosts struct{ primary, standby string }

var regions = map[Region]regionHosts{
	RegionChina:         {"console.tim.qq.com", "adminapi.my-imcloud.com"},
	RegionSingapore:     {"adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"},
	RegionSeoul:         {"adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"},
	RegionTokyo:         {"adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"},
	RegionFrankfurt:     {"adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"},
	RegionMumbai:        {"adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"},
	RegionSiliconValley: {"adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"},
	RegionJakarta:       {"adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"},
	RegionRiyadh:        {"adminapiksa.im.qcloud.com", "adminapiksa.my-imcloud.com"},
}

var regionAliases = map[string]Region{
	"cn": RegionChina, "zh": RegionChina, "sgp": RegionSingapore, "sg": RegionSingapore,
	"kr": RegionSeoul, "korea": RegionSeoul, "jpn": RegionTokyo, "jp": RegionTokyo,
	"ger": RegionFrankfurt, "de": RegionFrankfurt, "germany": RegionFrankfurt,
	"ind": RegionMumbai, "in": RegionMumbai, "india": RegionMumbai,
	"usa": RegionSiliconValley, "us": RegionSiliconValley, "silicon-valley": RegionSiliconValley,
	"idn": RegionJakarta, "id": RegionJakarta, "indonesia": RegionJakarta,
	"ksa": RegionRiyadh, "sa": RegionRiyadh,
}

// Regions lists every known data centre.
func Regions() []Region {
	return []Region{RegionChina, RegionSingapore, RegionSeoul, RegionTokyo, RegionFrankfurt,
		RegionMumbai, RegionSiliconValley, RegionJakarta, RegionRiyadh}
}

// ParseRegion accepts a region name ("singapore") or a short code ("sgp"),
// case-insensitively; for configuration from the environment (TIM_REGION).
func ParseRegion(s string) (Region, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	if _, ok := regions[Region(k)]; ok {
		return Region(k), nil
	}
	if r, ok := regionAliases[k]; ok {
		return r, nil
	}
	return "", wire.Invalid("region", "unknown region %q (known: china, singapore, seoul, tokyo, frankfurt, mumbai, siliconvalley, jakarta, riyadh)", s)
}

// Host is the primary REST host of the region.
func (r Region) Host() string { return regions[r].primary }

// StandbyHost is the region's backup host on my-imcloud.com, used when the
// primary cannot be resolved or reached.
func (r Region) StandbyHost() string { return regions[r].standby }

type config struct {
	region        Region
	baseURL       string
	standbyURL    string
	standbySet    bool
	admin         string
	httpClient    *http.Client
	observer      api.Observer
	timeout       time.Duration
	retry         RetryPolicy
	limiter       Limiter
	rate          Rate
	rateOverrides map[string]Rate
	logger        *slog.Logger
	now           func() time.Time
	dispatcher    *event.Dispatcher
	sigValidity   time.Duration
	maxResponse   int64

	conversationOpts []conversation.Option
	groupOpts        []group.Option
}

// Option configures a Client. Options are validated by New, which reports
// a bad one as an *InvalidInputError whose Field names the option.
type Option func(*config) error

// DefaultAdmin is Tencent's built-in app administrator.
const DefaultAdmin = "administrator"

// DefaultAdminSigValidity is how long the cached admin usersig is valid; it
// is renewed well before that.
const DefaultAdminSigValidity = 24 * time.Hour

// WithRegion selects the data centre the app was created in (default China).
func WithRegion(r Region) Option {
	return func(c *config) error {
		if _, ok := regions[r]; !ok {
			return wire.Invalid("WithRegion", "unknown region %q", string(r))
		}
		c.region = r
		return nil
	}
}

// WithBaseURL sends every call to base (scheme and host, e.g. the URL of a
// timtest server) instead of the region's host. No standby host is used
// unless WithStandbyURL sets one.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		if err := checkBaseURL(base); err != nil {
			return wire.Invalid("WithBaseURL", "%v", err)
		}
		c.baseURL = base
		return nil
	}
}

// WithStandbyURL sets the host tried when the primary fails at DNS or
// connect level; "" disables failover.
func WithStandbyURL(base string) Option {
	return func(c *config) error {
		if base != "" {
			if err := checkBaseURL(base); err != nil {
				return wire.Invalid("WithStandbyURL", "%v", err)
			}
		}
		c.standbyURL, c.standbySet = base, true
		return nil
	}
}

func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: scheme must be http or https", base)
	}
	if u.Host == "" {
		return fmt.Errorf("%q: no host", base)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q: must not carry a query or fragment", base)
	}
	return nil
}

// WithAdmin sets the app administrator the client acts as (default
// "administrator"); 1..32 bytes.
func WithAdmin(identifier string) Option {
	return func(c *config) error {
		if err := wire.CheckUserID("WithAdmin", identifier); err != nil {
			return err
		}
		c.admin = identifier
		return nil
	}
}

// WithHTTPClient sets the HTTP client (it is copied, never modified). The
// copy's CheckRedirect is replaced: the SDK never follows a redirect, even
// when hc would (it would carry the admin usersig to another host); a 3xx
// answer is an *APIError with its HTTP status.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return wire.Invalid("WithHTTPClient", "nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// ErrResponseTooLarge is matched (errors.Is) by a call whose answer was
// larger than WithMaxResponseBytes allows. Such a call is not retried: the
// same request would get the same answer.
var ErrResponseTooLarge = transport.ErrResponseTooLarge

// WithObserver sets the observer told about every call, attempt, retry,
// limiter wait, usersig renewal and standby-host switch (contrib/otel
// implements one for OpenTelemetry). Each hook receives the context of
// the call. Without it nothing is observed and nothing is paid.
func WithObserver(o api.Observer) Option {
	return func(c *config) error {
		if o == nil {
			return wire.Invalid("WithObserver", "nil observer")
		}
		c.observer = o
		return nil
	}
}

// WithTimeout bounds each attempt (default 5 s, above Tencent's 3 s server
// budget). The call's context bounds the whole call, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return wire.Invalid("WithTimeout", "%v must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// RetryPolicy says how often and how patiently a failed call is resent.
// Only transient failures are retried (transport errors, HTTP 5xx/408/429,
// Tencent's busy and frequency codes), never after the context is done,
// and only as the command's Endpoint.Safety allows: an Unsafe call only
// when the request surely did not reach Tencent, a Deduped one only with
// its dedup keys unchanged and inside Tencent's dedup window.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, first included (1..20);
	// 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff; each further retry doubles it. Every
	// backoff is drawn from [d/2, d] (jitter).
	BaseDelay time.Duration
	// MaxDelay caps a single backoff.
	MaxDelay time.Duration
	// RateLimitDelay is the first backoff after a frequency-limit answer.
	RateLimitDelay time.Duration
}

// DefaultRetryPolicy returns the policy a client uses unless told
// otherwise: 4 attempts, 200 ms backoff doubling to at most 5 s, 1 s after
// a rate-limit answer, with jitter.
func DefaultRetryPolicy() RetryPolicy { return RetryPolicy(transport.DefaultRetryPolicy) }

// WithRetry sets the retry policy. MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 || p.MaxAttempts > 20 {
			return wire.Invalid("WithRetry", "MaxAttempts %d is out of range 1..20", p.MaxAttempts)
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.RateLimitDelay < 0 {
			return wire.Invalid("WithRetry", "delays must not be negative")
		}
		c.retry = p
		return nil
	}
}

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option { return WithRetry(RetryPolicy{MaxAttempts: 1}) }

// Limiter decides when a request may go out; see WithLimiter. Key names
// the budget: the command's Endpoint.Limit() (its path unless declared
// otherwise), or a second budget such as BatchRecipientsKey; n is how many
// units the call spends (1 for a request, the recipient count for a
// batch). Wait blocks until the units are available or ctx is done.
// Implementations must be safe for concurrent use; contrib/redis has one
// shared by several replicas.
type Limiter interface {
	Wait(ctx context.Context, key string, n int) error
}

// Rate is a budget: at most N units in any window of length Per. A zero
// Rate disables limiting.
type Rate struct {
	N   int
	Per time.Duration
}

// WithRateLimit sets the per-API request budget (default 200 per second,
// Tencent's documented default), so a burst queues instead of earning
// 60007/10006 errors. perSecond 0 disables client-side limiting.
func WithRateLimit(perSecond int) Option {
	return func(c *config) error {
		if perSecond < 0 {
			return wire.Invalid("WithRateLimit", "%d must not be negative", perSecond)
		}
		c.rate = Rate{N: perSecond, Per: time.Second}
		return nil
	}
}

// WithAPIRateLimit sets the budget of one API path ("openim/sendmsg") when
// the console grants it a different frequency.
func WithAPIRateLimit(path string, r Rate) Option {
	return func(c *config) error {
		if !api.ValidPath(path) {
			return wire.Invalid("WithAPIRateLimit", "%q is not <service>/<command>", path)
		}
		if r.N < 0 || (r.N > 0 && r.Per <= 0) {
			return wire.Invalid("WithAPIRateLimit", "invalid rate %+v", r)
		}
		if c.rateOverrides == nil {
			c.rateOverrides = map[string]Rate{}
		}
		c.rateOverrides[path] = r
		return nil
	}
}

// WithLimiter replaces the client-side limiter, e.g. with one shared by
// several replicas. Keys are API paths plus "openim/batchsendmsg#recipients".
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		if l == nil {
			return wire.Invalid("WithLimiter", "nil limiter")
		}
		c.limiter = l
		return nil
	}
}

// WithLogger sets the logger (default: silent). Records never carry the
// secret key, a usersig or a full request URL.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return wire.Invalid("WithLogger", "nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithClock sets the clock used for usersigs and events (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return wire.Invalid("WithClock", "nil clock")
		}
		c.now = now
		return nil
	}
}

// WithDispatcher makes the client emit its lifecycle events (SDK_READY,
// SDK_NOT_READY) on d, the dispatcher your callback handler also uses.
// By default the client has a dispatcher of its own (Client.Events).
func WithDispatcher(d *event.Dispatcher) Option {
	return func(c *config) error {
		if d == nil {
			return wire.Invalid("WithDispatcher", "nil dispatcher")
		}
		c.dispatcher = d
		return nil
	}
}

// WithAdminSigValidity sets the validity of the cached admin usersig
// (default 24 h, at least 10 minutes); it is renewed well before expiry.
func WithAdminSigValidity(d time.Duration) Option {
	return func(c *config) error {
		if d < 10*time.Minute {
			return wire.Invalid("WithAdminSigValidity", "%v is shorter than 10m", d)
		}
		c.sigValidity = d
		return nil
	}
}

// WithMaxResponseBytes caps the size of a response body (default 16 MiB).
// A larger answer (declared or read) fails the call at once with
// ErrResponseTooLarge; it is not retried. Reading an answer costs at most
// about the cap in memory.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1024 {
			return wire.Invalid("WithMaxResponseBytes", "%d is below 1024", n)
		}
		c.maxResponse = n
		return nil
	}
}

// WithGroupOptions passes options to the Group service (byte limits, the
// consultation name format, where participants are recorded).
func WithGroupOptions(opts ...group.Option) Option {
	return func(c *config) error {
		c.groupOpts = append(c.groupOpts, opts...)
		return nil
	}
}

// WithConversationOptions passes options to the Conversation service (e.g.
// its AssistFlags).
func WithConversationOptions(opts ...conversation.Option) Option {
	return func(c *config) error {
		c.conversationOpts = append(c.conversationOpts, opts...)
		return nil
	}
}

// NewLocalLimiter returns the in-process limiter the client uses by
// default: per key (API path, or "openim/batchsendmsg#recipients"), any
// window of Rate.Per admits at most Rate.N units, counted at the times
// requests are actually released (late timer wake-ups cannot release a
// burst; a CPU-starved process sends more slowly instead), bursts queue.
// Through the client a request's units count from their release until its
// answer has arrived (or the attempt failed), then from that time. def applies
// to every key not in overrides; a zero Rate disables limiting for a key.
// The batch-recipient budget defaults to 12,000 a minute. Shared limiters
// (contrib/redis) use it as their fallback.
func NewLocalLimiter(def Rate, overrides map[string]Rate) Limiter {
	o := make(map[string]transport.Rate, len(overrides))
	for k, r := range overrides {
		o[k] = transport.Rate(r)
	}
	return transport.NewLocalLimiter(transport.Rate(def), o, nil)
}

// DefaultAPIRate returns Tencent's documented default frequency: 200
// requests a second per API.
func DefaultAPIRate() Rate { return Rate(transport.DefaultAPIRate) }

// BatchRecipientsRate returns batchsendmsg's documented budget: 12,000
// recipients a minute.
func BatchRecipientsRate() Rate { return Rate(transport.BatchRecipientsRate) }

// BatchRecipientsKey is the limiter key of batchsendmsg's 12,000
// recipients-a-minute budget.
const BatchRecipientsKey = api.BatchRecipientsKey

package tim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

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
	return "", fmt.Errorf("tim: unknown region %q (known: china, singapore, seoul, tokyo, frankfurt, mumbai, siliconvalley, jakarta, riyadh)", s)
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
	timeout       time.Duration
	retry         transport.RetryPolicy
	limiter       transport.Limiter
	rate          transport.Rate
	rateOverrides map[string]transport.Rate
	logger        *slog.Logger
	now           func() time.Time
	dispatcher    *event.Dispatcher
	sigValidity   time.Duration
	maxResponse   int64

	conversationOpts []conversation.Option
	groupOpts        []group.Option
}

// Option configures a Client; options are validated by New.
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
			return fmt.Errorf("tim: WithRegion: unknown region %q", string(r))
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
			return fmt.Errorf("tim: WithBaseURL: %w", err)
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
				return fmt.Errorf("tim: WithStandbyURL: %w", err)
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

// WithHTTPClient sets the HTTP client (it is copied, never modified).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("tim: WithHTTPClient: nil client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each attempt (default 5 s, above Tencent's 3 s server
// budget). The call's context bounds the whole call, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("tim: WithTimeout: %v must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// RetryPolicy says how failed calls are retried; see DefaultRetryPolicy.
type RetryPolicy = transport.RetryPolicy

// DefaultRetryPolicy returns the policy a client uses unless told
// otherwise: 4 attempts, 200 ms backoff doubling to at most 5 s, 1 s after
// a rate-limit answer, with jitter.
func DefaultRetryPolicy() RetryPolicy { return transport.DefaultRetryPolicy }

// WithRetry sets the retry policy. MaxAttempts 1 disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 || p.MaxAttempts > 20 {
			return fmt.Errorf("tim: WithRetry: MaxAttempts %d out of range 1..20", p.MaxAttempts)
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.RateLimitDelay < 0 {
			return errors.New("tim: WithRetry: delays must not be negative")
		}
		c.retry = p
		return nil
	}
}

// WithoutRetry makes every call a single attempt.
func WithoutRetry() Option { return WithRetry(transport.NoRetry) }

// Limiter is the client-side rate limiter; see WithLimiter.
type Limiter = transport.Limiter

// Rate is a budget of N units per window Per.
type Rate = transport.Rate

// WithRateLimit sets the per-API request budget (default 200 per second,
// Tencent's documented default), so a burst queues instead of earning
// 60007/10006 errors. perSecond 0 disables client-side limiting.
func WithRateLimit(perSecond int) Option {
	return func(c *config) error {
		if perSecond < 0 {
			return fmt.Errorf("tim: WithRateLimit: %d must not be negative", perSecond)
		}
		c.rate = transport.Rate{N: perSecond, Per: time.Second}
		return nil
	}
}

// WithAPIRateLimit sets the budget of one API path ("openim/sendmsg") when
// the console grants it a different frequency.
func WithAPIRateLimit(path string, r Rate) Option {
	return func(c *config) error {
		if !validPath(path) {
			return fmt.Errorf("tim: WithAPIRateLimit: %q is not <service>/<command>", path)
		}
		if r.N < 0 || (r.N > 0 && r.Per <= 0) {
			return fmt.Errorf("tim: WithAPIRateLimit: invalid rate %+v", r)
		}
		if c.rateOverrides == nil {
			c.rateOverrides = map[string]transport.Rate{}
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
			return errors.New("tim: WithLimiter: nil limiter")
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
			return errors.New("tim: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithClock sets the clock used for usersigs and events (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("tim: WithClock: nil clock")
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
			return errors.New("tim: WithDispatcher: nil dispatcher")
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
			return fmt.Errorf("tim: WithAdminSigValidity: %v is shorter than 10m", d)
		}
		c.sigValidity = d
		return nil
	}
}

// WithMaxResponseBytes caps the size of a response body (default 16 MiB).
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1024 {
			return fmt.Errorf("tim: WithMaxResponseBytes: %d is below 1024", n)
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
// window of Rate.Per admits at most Rate.N units, bursts queue. def applies
// to every key not in overrides; a zero Rate disables limiting for a key.
// The batch-recipient budget defaults to 12,000 a minute. Shared limiters
// (contrib/redis) use it as their fallback.
func NewLocalLimiter(def Rate, overrides map[string]Rate) Limiter {
	return transport.NewLocalLimiter(def, overrides, nil)
}

// DefaultAPIRate returns Tencent's documented default frequency: 200
// requests a second per API.
func DefaultAPIRate() Rate { return transport.DefaultAPIRate }

// BatchRecipientsRate returns batchsendmsg's documented budget: 12,000
// recipients a minute.
func BatchRecipientsRate() Rate { return transport.BatchRecipientsRate }

// BatchRecipientsKey is the limiter key of batchsendmsg's 12,000
// recipients-a-minute budget.
const BatchRecipientsKey = transport.BatchRecipientsKey

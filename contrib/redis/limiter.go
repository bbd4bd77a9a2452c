package timredis

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim"
)

// Defaults of a Limiter.
const (
	// DefaultKeyPrefix starts every key this package writes.
	DefaultKeyPrefix = "tim:"
	// DefaultProbeInterval is how often a degraded Limiter checks whether
	// Redis is back.
	DefaultProbeInterval = time.Second
)

// gcraScript books n units of the schedule at KEYS[1] and answers how many
// microseconds the caller must wait before using them. ARGV: the interval
// per unit and the burst tolerance, both in microseconds, and n. The
// schedule is the theoretical arrival time (TAT) of the next unit, in
// microseconds of Redis's clock; it expires once it lies in the past, when
// it means the same as no schedule at all. Lua numbers are doubles, exact
// for integers below 2^53 (microseconds until the year 2255).
var gcraScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nxt = tat + n * interval
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', string.format('%.0f', math.ceil((nxt - now) / 1000) + 1000))
local wait = tat + (n - 1) * interval - tolerance - now
if wait < 0 then return 0 end
return wait
`)

// Limiter is a tim.Limiter shared by every replica through Redis: one GCRA
// schedule per app and budget key, booked atomically by a Lua script in
// one round trip. It degrades to an in-process limiter while Redis is
// unreachable. Safe for concurrent use; build it with NewLimiter.
type Limiter struct {
	rdb       redis.Cmdable
	prefix    string // "<prefix>rl:<appID>:"
	def       tim.Rate
	overrides map[string]tim.Rate
	fallback  tim.Limiter
	log       *slog.Logger
	probe     time.Duration

	budgets   sync.Map // key → *budget (nil pointer: unlimited)
	probeKeys []string // the schedule a probe books nothing on

	degraded  atomic.Bool
	gen       atomic.Uint64 // bumped at every recovery
	probing   atomic.Bool
	nextProbe atomic.Int64 // unix nanoseconds
}

// budget is one key's schedule parameters, ready to send.
type budget struct {
	keys      []string // the Redis key, alone (read-only; shared by callers)
	interval  any      // microseconds per unit
	tolerance any      // microseconds of burst
}

// LimiterOption configures NewLimiter.
type LimiterOption func(*limiterConfig) error

type limiterConfig struct {
	prefix    string
	def       tim.Rate
	overrides map[string]tim.Rate
	fallback  tim.Limiter
	log       *slog.Logger
	probe     time.Duration
}

// WithRate sets the budget of every key that has no rate of its own
// (default tim.DefaultAPIRate(), 200 a second). A zero Rate disables
// limiting.
func WithRate(r tim.Rate) LimiterOption {
	return func(c *limiterConfig) error {
		if err := checkRate(r); err != nil {
			return invalid("WithRate", "%v", err)
		}
		c.def = r
		return nil
	}
}

// WithKeyRate sets the budget of one key: an API path ("openim/sendmsg")
// or a derived budget (tim.BatchRecipientsKey, default tim.BatchRecipientsRate()).
// A zero Rate disables limiting for that key.
func WithKeyRate(key string, r tim.Rate) LimiterOption {
	return func(c *limiterConfig) error {
		if key == "" {
			return invalid("WithKeyRate", "empty key")
		}
		if err := checkRate(r); err != nil {
			return invalid("WithKeyRate", "%q: %v", key, err)
		}
		c.overrides[key] = r
		return nil
	}
}

// WithKeyPrefix sets the prefix of the limiter's Redis keys (default
// DefaultKeyPrefix); keys are <prefix>rl:<appID>:<key>.
func WithKeyPrefix(p string) LimiterOption {
	return func(c *limiterConfig) error {
		c.prefix = p
		return nil
	}
}

// WithFallback sets the limiter used while Redis is unreachable (default
// tim.NewLocalLimiter with the same rates). Each replica then limits on its
// own: to keep the sum of N replicas within Tencent's budget during an
// outage, give it rates divided by N.
func WithFallback(l tim.Limiter) LimiterOption {
	return func(c *limiterConfig) error {
		if l == nil {
			return invalid("WithFallback", "nil limiter")
		}
		c.fallback = l
		return nil
	}
}

// WithLogger sets where the limiter says that it falls back to local
// limiting and that Redis is back (default: silent).
func WithLogger(l *slog.Logger) LimiterOption {
	return func(c *limiterConfig) error {
		if l == nil {
			return invalid("WithLogger", "nil logger")
		}
		c.log = l
		return nil
	}
}

// WithProbeInterval sets how often a degraded limiter checks whether
// Redis is back (default DefaultProbeInterval). Probes run in the
// background, started by calls to Wait, so an idle limiter costs nothing.
func WithProbeInterval(d time.Duration) LimiterOption {
	return func(c *limiterConfig) error {
		if d <= 0 {
			return invalid("WithProbeInterval", "%v must be positive", d)
		}
		c.probe = d
		return nil
	}
}

func checkRate(r tim.Rate) error {
	switch {
	case r.N < 0 || r.Per < 0:
		return fmt.Errorf("rate %d per %v must not be negative", r.N, r.Per)
	case r.N > 0 && r.Per == 0:
		return fmt.Errorf("rate %d per %v needs a period", r.N, r.Per)
	}
	return nil
}

// NewLimiter returns a limiter for the app sdkAppID sharing its schedules
// through rdb (a *redis.Client, *redis.ClusterClient or *redis.Ring).
// Every replica of the app must use the same rates and key prefix.
func NewLimiter(rdb redis.Cmdable, sdkAppID uint64, opts ...LimiterOption) (*Limiter, error) {
	if rdb == nil {
		return nil, invalid("NewLimiter", "nil Redis client")
	}
	if sdkAppID == 0 {
		return nil, invalid("NewLimiter", "SDKAppID is zero")
	}
	cfg := limiterConfig{
		prefix:    DefaultKeyPrefix,
		def:       tim.DefaultAPIRate(),
		overrides: map[string]tim.Rate{tim.BatchRecipientsKey: tim.BatchRecipientsRate()},
		probe:     DefaultProbeInterval,
	}
	for i, o := range opts {
		if o == nil {
			return nil, invalid(fmt.Sprintf("opts[%d]", i), "is a nil LimiterOption")
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	if cfg.fallback == nil {
		cfg.fallback = tim.NewLocalLimiter(cfg.def, cfg.overrides)
	}
	prefix := cfg.prefix + "rl:" + strconv.FormatUint(sdkAppID, 10) + ":"
	return &Limiter{
		rdb:       rdb,
		prefix:    prefix,
		probeKeys: []string{prefix + "#probe"},
		def:       cfg.def,
		overrides: cfg.overrides,
		fallback:  cfg.fallback,
		log:       cfg.log,
		probe:     cfg.probe,
	}, nil
}

// Wait implements tim.Limiter: it books n units of key in Redis and sleeps
// until they may be used or ctx is done. While Redis is unreachable it
// waits on the fallback limiter instead.
func (l *Limiter) Wait(ctx context.Context, key string, n int) error {
	if n <= 0 {
		return nil
	}
	b := l.budget(key)
	if b == nil {
		return ctx.Err()
	}
	if l.degraded.Load() {
		l.maybeProbe()
		return l.fallback.Wait(ctx, key, n)
	}
	gen := l.gen.Load()
	wait, err := gcraScript.Run(ctx, l.rdb, b.keys, b.interval, b.tolerance, n).Int64()
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		l.degrade(gen, err)
		return l.fallback.Wait(ctx, key, n)
	}
	if wait <= 0 {
		return ctx.Err()
	}
	return sleep(ctx, time.Duration(wait)*time.Microsecond)
}

// Degraded reports whether the limiter is limiting locally because Redis
// was unreachable or refused the script.
func (l *Limiter) Degraded() bool { return l.degraded.Load() }

// budget returns key's parameters, nil when key is not limited.
func (l *Limiter) budget(key string) *budget {
	if b, ok := l.budgets.Load(key); ok {
		return b.(*budget)
	}
	r, ok := l.overrides[key]
	if !ok {
		r = l.def
	}
	b := newBudget(l.prefix+key, r)
	actual, _ := l.budgets.LoadOrStore(key, b)
	return actual.(*budget)
}

// newBudget mirrors the local limiter's cell: a burst of N/20 (at least
// one) taken out of the steady rate, the interval rounded up (here to a
// microsecond) so rounding never lets one unit more into a window.
func newBudget(redisKey string, r tim.Rate) *budget {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	burst := max(r.N/20, 1)
	steady := int64(r.N - burst + 1)
	perMicros := (int64(r.Per) + int64(time.Microsecond) - 1) / int64(time.Microsecond)
	interval := max((perMicros+steady-1)/steady, 1)
	return &budget{
		keys:      []string{redisKey},
		interval:  interval,
		tolerance: int64(burst-1) * interval,
	}
}

// degrade switches to the fallback limiter after err, unless Redis
// recovered since the failing call began (gen moved on).
func (l *Limiter) degrade(gen uint64, err error) {
	if l.gen.Load() != gen || !l.degraded.CompareAndSwap(false, true) {
		return
	}
	l.nextProbe.Store(time.Now().Add(l.probe).UnixNano())
	l.log.Warn("timredis: Redis unavailable; rate limiting falls back to this process alone",
		"error", err.Error())
}

// maybeProbe starts a background check of Redis when the last one is
// older than the probe interval and none is running. The probe runs the
// limiter's script for zero units on a key of its own: it proves what an
// acquire needs (the script cached or loadable, writes accepted), where a
// PING would also pass on a Redis refusing writes.
func (l *Limiter) maybeProbe() {
	now := time.Now()
	if now.UnixNano() < l.nextProbe.Load() || !l.probing.CompareAndSwap(false, true) {
		return
	}
	l.nextProbe.Store(now.Add(l.probe).UnixNano())
	go func() {
		defer l.probing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), l.probe)
		defer cancel()
		if err := gcraScript.Run(ctx, l.rdb, l.probeKeys, 1, 0, 0).Err(); err != nil {
			return
		}
		l.gen.Add(1)
		if l.degraded.CompareAndSwap(true, false) {
			l.log.Info("timredis: Redis available again; rate limiting shared through Redis")
		}
	}()
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var _ tim.Limiter = (*Limiter)(nil)

// invalid reports a bad option or argument as tim.New does: an
// *tim.InvalidInputError naming it (it matches tim.ErrInvalidParameter).
func invalid(field, format string, args ...any) error {
	return &tim.InvalidInputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

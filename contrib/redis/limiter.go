package timredis

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
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

// windowScript is the shared sliding window of one budget key: a sorted
// set of releases (KEYS[1]; member "<seq>:<units>", score the release time
// in microseconds of Redis's clock) and its running state (KEYS[2], a
// hash: sum, the units of the releases younger than the base window; cut,
// where that sum was last trimmed; last, the newest release; late and
// lateAt, the replicas' recent worst timer lateness; seq; tat, the pacing
// schedule).
//
// ARGV: the base window (Per plus the margin) and the longest window (Per
// plus Per/4), both in microseconds; the budget N; the units n asked for;
// the caller's lateness (how late its last wake-up was, microseconds, 0
// if none); the pacing interval per unit and its burst tolerance
// (microseconds); 1 for a new caller, 0 for one asking again; 1 for a
// tracked caller (booked in flight); Per and MaxFlight (microseconds); and
// the member of a tracked booking, chosen by the caller so that it can
// release a booking whose answer it lost ("" or absent: "<seq>:<n>").
//
// A new caller first gets a slot on the pacing schedule (GCRA at N per
// base window, a burst of N/20), shared by all replicas: callers are
// spread out instead of all waking when the window frees up. At its slot
// (at once if the slot has come) the window decides, at Redis's real now:
// the window a caller is checked against is the base window plus the
// slack, twice the replicas' worst recent lateness (halved every 5 s), at
// most the longest window. When it has room for n more units they are
// logged at now and the answer is 0; otherwise nothing is logged and the
// answer is how many microseconds until the slot or until the window has
// room (the caller asks again then, as not new). n = 0 books nothing: the
// probe. Lua numbers are doubles, exact for integers below 2^53
// (microseconds until the year 2255).
var windowScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local w0 = tonumber(ARGV[1])
local wmax = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local n = tonumber(ARGV[4])
local late = tonumber(ARGV[5])
local interval = tonumber(ARGV[6])
local tol = tonumber(ARGV[7])
local new = ARGV[8] == '1'
local tracked = ARGV[9] == '1'
local per = tonumber(ARGV[10])
local flight = tonumber(ARGV[11])
local member = ARGV[12]
local z, s = KEYS[1], KEYS[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local st = redis.call('HMGET', s, 'sum', 'cut', 'last', 'late', 'lateAt', 'seq', 'tat')
local sum = tonumber(st[1]) or 0
local cut = tonumber(st[2]) or 0
local last = tonumber(st[3]) or 0
local lt = tonumber(st[4]) or 0
local ltAt = tonumber(st[5]) or 0
local seq = tonumber(st[6]) or 0
local tat = tonumber(st[7]) or 0
if now < last then now = last end
if lt > 0 and now > ltAt then lt = lt * 2 ^ (-(now - ltAt) / 5000000) end
if late > lt then lt = late end
ltAt = now
local slack = math.min(2 * lt, wmax - w0)
local w = w0 + slack
if tracked then w = per end
local function units(m) return tonumber(string.match(m, ':(%d+)$')) end
-- The releases that left the base window leave the sum.
if now - w0 > cut then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', z, '(' .. string.format('%.0f', cut), string.format('%.0f', now - w0))) do
    sum = sum - units(m)
  end
  cut = now - w0
end
local used = sum
if w > w0 then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', z, '(' .. string.format('%.0f', now - w), string.format('%.0f', now - w0))) do
    used = used + units(m)
  end
elseif w < w0 then
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', z, '(' .. string.format('%.0f', now - w0), string.format('%.0f', now - w))) do
    used = used - units(m)
  end
end
local wait = 0
if new and n > 0 then
  -- A slot on the pacing schedule: the last unit fits the tolerance.
  local t0 = math.max(tat, now)
  tat = t0 + n * interval
  wait = t0 + (n - 1) * interval - tol - now
end
local book = n > 0 and wait <= 0 and used + n <= limit
if book then
  wait = 0
  seq = seq + 1
  sum = sum + n
  last = now
elseif n > 0 and wait <= 0 then
  -- The oldest releases in the window leave first: wait until enough of
  -- them have.
  local over = used + n - limit
  local from = '(' .. string.format('%.0f', now - w)
  wait = w
  while true do
    local page = redis.call('ZRANGEBYSCORE', z, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 64)
    if #page == 0 then break end
    local done = false
    for i = 1, #page, 2 do
      over = over - units(page[i])
      if over <= 0 then
        local at = tonumber(page[i + 1])
        if at > now then
          -- Units in flight: they leave a window after they are Sent;
          -- ask again after one pacing interval.
          wait = math.max(interval, 1000)
        else
          wait = at + w - now
        end
        done = true
        break
      end
    end
    if done then break end
    from = '(' .. page[#page]
  end
  if wait < 1 then wait = 1 end
end
-- Writes last, HSET first: a Redis out of memory refuses the script at
-- its first write when that write may grow memory (a probe included).
redis.call('HSET', s, 'sum', sum, 'cut', string.format('%.0f', cut), 'last', string.format('%.0f', last),
  'late', string.format('%.0f', lt), 'lateAt', string.format('%.0f', ltAt), 'seq', seq,
  'tat', string.format('%.0f', tat))
if book then
  -- Units in flight are scored far ahead (they count in every window)
  -- until Sent re-scores them; a replica that never does releases them
  -- after flight.
  local at = now
  if tracked then at = now + flight end
  if member == nil or member == '' then member = string.format('%.0f:%d', seq, n) end
  redis.call('ZADD', z, string.format('%.0f', at), member)
end
-- The releases that left the longest window leave the set.
redis.call('ZREMRANGEBYSCORE', z, '-inf', string.format('%.0f', now - wmax))
local ttl = math.ceil((wmax + flight) / 1000) + 1000
redis.call('PEXPIRE', z, ttl)
redis.call('PEXPIRE', s, ttl)
local booked = 0
if book then booked = seq end
return {math.ceil(wait), booked}
`)

// sentScript re-scores releases booked in flight (KEYS as windowScript's,
// ARGV their members) to Redis's now: from then on they leave the window
// like any release. A member not there (expired, or never booked) is left
// alone. It answers how many it re-scored.
var sentScript = redis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local found = {}
for i = 1, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then found[#found + 1] = ARGV[i] end
end
if #found == 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('HGET', KEYS[2], 'last')) or 0
if now < last then now = last end
redis.call('HSET', KEYS[2], 'last', string.format('%.0f', now))
for _, m in ipairs(found) do
  redis.call('ZADD', KEYS[1], 'XX', string.format('%.0f', now), m)
end
return #found
`)

// Limiter is a tim.Limiter shared by every replica through Redis: one
// sliding window of release times per app and budget key, checked and
// booked atomically by a Lua script (windowScript) in one round trip. Its
// guarantee is the client's LocalLimiter's, across replicas: any window of
// Rate.Per (plus a margin of Per/100) holds at most Rate.N units, counted
// at the times they were actually released (by Redis's clock). A caller
// that finds the window full sleeps until Redis says it has room and asks
// again at its real wake-up time, so a late wake-up never releases a
// burst; late wake-ups also widen every replica's window (the slack). A
// pacing schedule shared by the replicas spreads the callers out, so a
// freed unit does not wake them all. Through a tim.Client (Acquire and
// Sent) the units count as in flight until the server has the request,
// and the window is Rate.Per. It degrades to an in-process limiter while
// Redis is unreachable. Safe for concurrent use; build it with NewLimiter.
type Limiter struct {
	rdb       redis.Cmdable
	prefix    string // "<prefix>rl:<appID>:"
	def       tim.Rate
	overrides map[string]tim.Rate
	fallback  tim.Limiter
	log       *slog.Logger
	probe     time.Duration

	budgets   sync.Map // key → *budget (nil pointer: unlimited)
	probeKeys []string // the window a probe books nothing on

	degraded  atomic.Bool
	gen       atomic.Uint64 // bumped at every recovery
	probing   atomic.Bool
	nextProbe atomic.Int64 // unix nanoseconds

	owedMu    sync.Mutex
	owed      []owed // Sents Redis has not taken yet, oldest first
	resending bool   // a resend goroutine runs
}

// owed is a Sent the limiter still owes Redis: it came while the limiter
// was degraded, its script failed, or the booking's answer was lost (the
// booking may or may not be there). since: when it was first owed; after
// MaxFlight the booking has lapsed in Redis and the Sent is dropped.
type owed struct {
	b      *budget
	member string
	since  time.Time
}

// budget is one key's window and pacing parameters, ready to send.
type budget struct {
	keys      []string // the release set and its state (read-only; shared by callers)
	w0        any      // microseconds: Per plus the margin
	wmax      any      // microseconds: Per plus Per/4, the widest window with slack
	limit     any      // N
	interval  any      // microseconds per unit on the pacing schedule
	tolerance any      // microseconds of burst on the pacing schedule
	per       any      // microseconds: Per, the window of tracked callers
	rate      tim.Rate

	mu      sync.Mutex
	flights []flight // tracked bookings awaiting Sent, oldest first
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
		probeKeys: windowKeys(prefix + "#probe"),
		def:       cfg.def,
		overrides: cfg.overrides,
		fallback:  cfg.fallback,
		log:       cfg.log,
		probe:     cfg.probe,
	}, nil
}

// Wait implements tim.Limiter: it books n units of key in Redis when the
// window has room, else sleeps until Redis says it will and asks again, until
// the units are booked or ctx is done. While Redis is unreachable it waits
// on the fallback limiter instead. A caller whose context would end before
// the window has room returns at once.
func (l *Limiter) Wait(ctx context.Context, key string, n int) error {
	_, err := l.acquire(ctx, key, n, false)
	return err
}

// Acquire is Wait for a caller that reports, with Sent, when the server
// has the request: the tim.Client does (it looks for these two methods on
// its limiter). Until then the units count in every window whatever their
// age (they are booked in Redis as in flight), and then they are logged
// at that time; their window is Rate.Per, without the margin or the
// slack, because no arrival at the server can follow its answer. A replica that never reports (it died) releases them after
// MaxFlight. tracked reports whether Sent(key, n) is owed.
func (l *Limiter) Acquire(ctx context.Context, key string, n int) (tracked bool, err error) {
	return l.acquire(ctx, key, n, true)
}

// MaxFlight is how long units booked by Acquire count as in flight at
// most when Sent never comes.
const MaxFlight = time.Minute

// Sent reports that the n units of key a tracked Acquire let through have
// reached the server (or never will). When Redis cannot take it (the
// limiter is degraded or the script fails) it is sent again in the
// background every probe interval until Redis takes it or MaxFlight has
// passed.
func (l *Limiter) Sent(key string, n int) {
	b := l.budget(key)
	if b == nil {
		return
	}
	f, ok := b.popFlight(n)
	if !ok {
		return
	}
	if f.member == "" {
		if s, ok := l.fallback.(sentLimiter); ok {
			s.Sent(key, n)
		}
		return
	}
	if l.degraded.Load() || !l.send(b, []string{f.member}) {
		l.owe(b, f.member)
	}
}

// send runs sentScript for members of b; it reports whether Redis took it.
func (l *Limiter) send(b *budget, members []string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), l.probe)
	defer cancel()
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	return sentScript.Run(ctx, l.rdb, b.keys, args...).Err() == nil
}

// owe records a Sent Redis has not taken and starts the resend goroutine
// unless it runs.
func (l *Limiter) owe(b *budget, member string) {
	l.owedMu.Lock()
	l.owed = append(l.owed, owed{b: b, member: member, since: time.Now()})
	start := !l.resending
	l.resending = true
	l.owedMu.Unlock()
	if start {
		go l.resend()
	}
}

// resend sends the owed Sents, one script per budget, every probe
// interval until none is left: those Redis took, and those older than
// MaxFlight (their bookings have lapsed). While the limiter is degraded it
// also starts probes, so an idle replica recovers too.
func (l *Limiter) resend() {
	for {
		l.owedMu.Lock()
		lapsed := time.Now().Add(-MaxFlight)
		batch := make([]owed, 0, len(l.owed))
		for _, o := range l.owed {
			if o.since.After(lapsed) {
				batch = append(batch, o)
			}
		}
		l.owed = nil
		if len(batch) == 0 {
			l.resending = false
			l.owedMu.Unlock()
			return
		}
		l.owedMu.Unlock()

		var failed []owed
		for len(batch) > 0 {
			b := batch[0].b
			var members []string
			rest := batch[:0]
			var mine []owed
			for _, o := range batch {
				if o.b == b {
					members = append(members, o.member)
					mine = append(mine, o)
				} else {
					rest = append(rest, o)
				}
			}
			batch = rest
			if !l.send(b, members) {
				failed = append(failed, mine...)
			}
		}
		if len(failed) == 0 {
			continue
		}
		l.owedMu.Lock()
		l.owed = append(failed, l.owed...)
		l.owedMu.Unlock()
		if l.degraded.Load() {
			l.maybeProbe()
		}
		time.Sleep(l.probe)
	}
}

// sentLimiter is a limiter with Acquire and Sent (the client's
// LocalLimiter is one).
type sentLimiter interface {
	Acquire(ctx context.Context, key string, n int) (bool, error)
	Sent(key string, n int)
}

// flight is a tracked booking awaiting Sent: its Redis member, or "" when
// it went to the fallback limiter.
type flight struct {
	n      int
	member string
}

func (b *budget) pushFlight(f flight) {
	b.mu.Lock()
	b.flights = append(b.flights, f)
	b.mu.Unlock()
}

// popFlight takes the oldest booking of n units.
func (b *budget) popFlight(n int) (flight, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, f := range b.flights {
		if f.n == n {
			b.flights = append(b.flights[:i], b.flights[i+1:]...)
			return f, true
		}
	}
	return flight{}, false
}

func (l *Limiter) acquire(ctx context.Context, key string, n int, tracked bool) (bool, error) {
	if n <= 0 {
		return false, nil
	}
	b := l.budget(key)
	if b == nil {
		return false, ctx.Err()
	}
	if n > b.rate.N {
		return false, fmt.Errorf("timredis: rate limit: %s: %d units can never fit a budget of %d per %v", key, n, b.rate.N, b.rate.Per)
	}
	if !l.degraded.Load() {
		member, fallback, err := l.waitRedis(ctx, b, key, n, tracked)
		if !fallback {
			if err == nil && tracked {
				b.pushFlight(flight{n: n, member: member})
			}
			return err == nil && tracked, err
		}
	}
	l.maybeProbe()
	if s, ok := l.fallback.(sentLimiter); ok && tracked {
		ok, err := s.Acquire(ctx, key, n)
		if ok {
			b.pushFlight(flight{n: n})
		}
		return ok, err
	}
	return false, l.fallback.Wait(ctx, key, n)
}

// waitRedis is Wait through Redis; member is the booking's (tracked).
// fallback: Redis failed, the caller must wait on the fallback limiter.
func (l *Limiter) waitRedis(ctx context.Context, b *budget, key string, n int, tracked bool) (member string, fallback bool, err error) {
	var late int64 // how late the last wake-up was, in microseconds
	track := 0
	if tracked {
		track = 1
		// The booking's member, chosen here: a booking whose answer is lost
		// can still be released.
		member = "f" + strconv.FormatUint(rand.Uint64(), 36) + ":" + strconv.Itoa(n)
	}
	for isNew := 1; ; isNew = 0 {
		if l.degraded.Load() {
			return "", true, nil
		}
		gen := l.gen.Load()
		res, err := windowScript.Run(ctx, l.rdb, b.keys, b.w0, b.wmax, b.limit, n, late, b.interval, b.tolerance, isNew,
			track, b.per, maxFlightMicros, member).Int64Slice()
		if err == nil && len(res) != 2 {
			err = fmt.Errorf("timredis: the window script answered %v", res)
		}
		if err != nil {
			if tracked {
				// Redis may have booked the units before the answer was
				// lost: they must not stay in flight for MaxFlight.
				l.owe(b, member)
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return "", false, ctxErr
			}
			l.degrade(gen, err)
			return "", true, nil
		}
		if wait := res[0]; wait > 0 {
			d := time.Duration(wait) * time.Microsecond
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
				return "", false, fmt.Errorf("timredis: rate limit: %s would wait %v, beyond the context deadline: %w",
					key, d.Round(time.Millisecond), context.DeadlineExceeded)
			}
			planned := time.Now().Add(d)
			if err := sleep(ctx, d); err != nil {
				return "", false, err
			}
			late = max(int64(time.Since(planned)/time.Microsecond), 0)
			continue
		}
		// Booked: a context that ended meanwhile is the request's
		// business; the booking is the caller's (Sent is owed) either way.
		return member, false, nil
	}
}

var maxFlightMicros = int64(MaxFlight / time.Microsecond)

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

// windowMargin is the fraction of Rate.Per added to the window, as in
// the client's LocalLimiter: it absorbs the variation of the delay between
// a release and the request's arrival at Tencent.
const windowMargin = 100

// maxSlackFraction bounds the slack: the window grows by at most
// Per/maxSlackFraction.
const maxSlackFraction = 4

// windowKeys are the Redis keys of one budget: its release set and its
// state, in one hash slot (Redis Cluster) by the braces.
func windowKeys(base string) []string {
	return []string{"{" + base + "}", "{" + base + "}:state"}
}

// newBudget is key's window in microseconds, rounded up so rounding never
// shortens it, and its pacing as the client's LocalLimiter paces: N per
// base window, a burst of N/20 (at least one).
func newBudget(redisKey string, r tim.Rate) *budget {
	if r.N <= 0 || r.Per <= 0 {
		return nil
	}
	micros := func(d time.Duration) int64 {
		return (int64(d) + int64(time.Microsecond) - 1) / int64(time.Microsecond)
	}
	w0 := micros(r.Per + r.Per/windowMargin)
	interval := max((w0+int64(r.N)-1)/int64(r.N), 1)
	return &budget{
		keys:      windowKeys(redisKey),
		w0:        w0,
		wmax:      micros(r.Per + r.Per/maxSlackFraction),
		limit:     r.N,
		interval:  interval,
		tolerance: int64(max(r.N/20, 1)-1) * interval,
		per:       micros(r.Per),
		rate:      r,
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
		if err := windowScript.Run(ctx, l.rdb, l.probeKeys, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0).Err(); err != nil {
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

// Package timredis lets several replicas of a backend share one Tencent
// Cloud IM budget and one callback de-duplication window through Redis
// (github.com/redis/go-redis/v9).
//
// It lives in its own module, github.com/timkit/tim/contrib/redis, so the
// core module stays free of a Redis dependency. Its package name is
// timredis, so it does not clash with go-redis's redis:
//
//	import (
//		"github.com/redis/go-redis/v9"
//		timredis "github.com/timkit/tim/contrib/redis"
//	)
//
// # Rate limiting
//
// Tencent's frequency limits are per app (200 requests a second per API,
// 12,000 batch-message recipients a minute), so N replicas each limiting
// themselves send N times too much and earn rate-limit errors. A [Limiter]
// keeps one sliding window of release times per app and budget key in
// Redis and implements [tim.Limiter]:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	lim, err := timredis.NewLimiter(rdb, sdkAppID, timredis.WithLogger(logger))
//	…
//	client, err := tim.New(sdkAppID, secretKey, tim.WithLimiter(lim))
//
// An acquire is one round trip while the window has room: a Lua script
// reads the window against Redis's own clock (TIME, so the replicas'
// clocks do not matter), and books the units at that time when they fit.
// When they do not, it books nothing and answers how long until they will;
// the caller sleeps, aware of its context, and asks again at its real
// wake-up time. So any window of Rate.Per (plus a margin of Per/100)
// holds at most Rate.N units released by all replicas together, a late
// wake-up never releases a burst, and a unit is only booked when it is
// used (nothing to hand back when a context ends). A replica that wakes
// up late reports by how much; every replica's window then widens by
// twice the worst recent lateness (halved every 5 s, at most Per/4), so a
// starved replica's delayed sends do not reach Tencent inside one window
// with the others'. A pacing schedule in Redis, shared by the replicas
// (N per window, a burst of N/20, as the client's own limiter paces),
// gives each new caller a slot first, so callers are spread out and a
// freed unit does not wake them all; a caller is usually through in one
// round trip, or two when it had to wait.
//
// Through a [tim.Client] the limiter is held to more: the client calls
// [Limiter.Acquire] instead of Wait and [Limiter.Sent] when the attempt
// is over (Tencent's answer has arrived, or the attempt failed). Until then the units are booked in Redis as
// in flight and count in every window whatever their age; then they are
// logged at that time, and their window is Rate.Per without margin or
// slack. So a request whose write a starved replica delays keeps its
// place in every replica's window until it has arrived. That costs one
// more Redis round trip per request.
//
// When Redis cannot be reached, or refuses the script (out of memory, …),
// the limiter degrades to an in-process limiter with the same rates
// ([tim.NewLocalLimiter], or the one given to [WithFallback]) and logs one
// warning; while degraded it probes Redis in the background (the script
// for zero units, at most once per [WithProbeInterval], started by calls
// to Wait) and logs one line when Redis is back. A call whose context ends
// while Redis answers returns the context's error; that is not an outage.
//
// The acquire is bounded by the go-redis client's own timeouts
// (DialTimeout, ReadTimeout, WriteTimeout, MaxRetries): give the client
// short ones (tens of milliseconds on a local network) so an unreachable
// Redis costs little before the limiter falls back.
//
// # Callback de-duplication
//
// One callback URL behind a load balancer means a callback Tencent
// repeats can reach two replicas. A [DedupStore] implements
// [event.DedupStore] with SET key 1 NX PX ttl, so the replicas sharing it
// dispatch each derived event (MESSAGE_RECEIVED, …) once:
//
//	store, err := timredis.NewDedupStore(rdb, sdkAppID)
//	…
//	hook, err := event.NewHandler(d, sdkAppID, event.WithToken(token), event.WithDedupStore(store))
//	…
//	http.Handle("/tim/callback", hook)
//
// Keys are prefixed ("tim:" by default, see [WithKeyPrefix] and
// [WithDedupPrefix]) and carry the app id, so several apps can share one
// Redis.
//
// # Callback hand-off
//
// A [Stream] is a durable queue between the webhook and the handlers: an
// [event.Queue] for event.WithHandoff and an [event.Source] for
// event.Dispatcher.Work, on a Redis stream read through a consumer group
// by every replica:
//
//	stream, err := timredis.NewStream(rdb, sdkAppID)
//	…
//	hook, err := event.NewHandler(d, sdkAppID, event.WithToken(token),
//		event.WithDedupStore(store), event.WithHandoff(stream))
//	…
//	go d.Work(ctx, stream, event.WithWorkers(8))
//
// Tencent is answered once the callback is in the stream; a worker
// acknowledges an entry after its handlers returned; entries left by a
// replica that died are taken over after the claim idle time; entries that
// keep failing move to a dead-letter stream.
//
// Delivery is at least once. The webhook's de-duplication puts a callback
// Tencent repeats into one entry, but that entry's handlers run again when
// it is taken over: after a lost acknowledgement, and also when a live
// replica holds it past the claim idle time (a slow handler, a wait for a
// free worker, a CPU-starved or paused process). Keep handlers idempotent
// and give [WithClaimIdle] well over twice your slowest handler.
package timredis

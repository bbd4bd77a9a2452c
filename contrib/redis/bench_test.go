package timredis_test

import (
	"context"

	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim"

	timredis "github.com/timkit/tim/contrib/redis"
)

// BenchmarkAcquire measures one acquire that never waits (a budget far
// above the benchmark's pace): through Redis on loopback (one EVALSHA
// round trip) and through the client's in-process limiter. The baseline
// "ping" is a bare PING round trip on the same connection pool: what any
// shared limiter must pay at least.
func BenchmarkAcquire(b *testing.B) {
	huge := tim.Rate{N: 1_000_000_000, Per: time.Second}
	srv := sharedRedis(b)
	rdb := srv.client(b)
	redisLim := newLimiter(b, rdb, timredis.WithRate(huge))
	limiters := []struct {
		name string
		l    tim.Limiter
	}{
		{"redis", redisLim},
		{"ping", pingLimiter{rdb}},
		{"local", tim.NewLocalLimiter(huge, nil)},
	}
	ctx := context.Background()
	for _, lim := range limiters {
		b.Run(lim.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := lim.l.Wait(ctx, "openim/sendmsg", 1); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(lim.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := lim.l.Wait(ctx, "openim/sendmsg", 1); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
	if redisLim.Degraded() {
		b.Fatal("the Redis limiter fell back")
	}
}

// pingLimiter is the baseline: one PING per acquire.
type pingLimiter struct{ rdb *redis.Client }

func (p pingLimiter) Wait(ctx context.Context, _ string, _ int) error { return p.rdb.Ping(ctx).Err() }

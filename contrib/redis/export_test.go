package timredis

import (
	"context"
	"time"
)

// ReserveInRedis runs the window script once for n units of key, as a
// caller asking again (no pacing) whose last wake-up was late by late, and
// returns the wait Redis answered (0: booked), without sleeping or
// falling back.
func (l *Limiter) ReserveInRedis(ctx context.Context, key string, n int, late time.Duration) (time.Duration, error) {
	return l.reserve(ctx, key, n, late, 0)
}

// PlanInRedis is ReserveInRedis as a new caller: it gets a slot on the
// pacing schedule first.
func (l *Limiter) PlanInRedis(ctx context.Context, key string, n int) (time.Duration, error) {
	return l.reserve(ctx, key, n, 0, 1)
}

func (l *Limiter) reserve(ctx context.Context, key string, n int, late time.Duration, isNew int) (time.Duration, error) {
	b := l.budget(key)
	res, err := windowScript.Run(ctx, l.rdb, b.keys, b.w0, b.wmax, b.limit, n, int64(late/time.Microsecond),
		b.interval, b.tolerance, isNew, 0, b.per, maxFlightMicros).Int64Slice()
	if err != nil {
		return 0, err
	}
	return time.Duration(res[0]) * time.Microsecond, nil
}

// RedisKey is the Redis key of key's release set.
func (l *Limiter) RedisKey(key string) string { return l.budget(key).keys[0] }

package timredis

import (
	"context"
	"time"
)

// ReserveInRedis books n units of key through the script and returns the
// wait Redis answered, without sleeping or falling back.
func (l *Limiter) ReserveInRedis(ctx context.Context, key string, n int) (time.Duration, error) {
	b := l.budget(key)
	wait, err := gcraScript.Run(ctx, l.rdb, b.keys, b.interval, b.tolerance, n).Int64()
	return time.Duration(wait) * time.Microsecond, err
}

// RedisKey is the Redis key of key's schedule.
func (l *Limiter) RedisKey(key string) string { return l.budget(key).keys[0] }

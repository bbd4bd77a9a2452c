package timredis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/timkit/tim/event"
)

// DedupStore is an event.DedupStore in Redis, shared by the replicas
// behind one callback URL: SeenOrAdd is SET key 1 NX with the ttl as
// expiry. Safe for concurrent use; build it with NewDedupStore.
type DedupStore struct {
	rdb    redis.Cmdable
	prefix string // "<prefix>dedup:<appID>:"
}

// DedupOption configures NewDedupStore.
type DedupOption func(*DedupStore)

// WithDedupPrefix sets the prefix of the store's Redis keys (default
// DefaultKeyPrefix); keys are <prefix>dedup:<appID>:<event key>.
func WithDedupPrefix(p string) DedupOption {
	return func(s *DedupStore) { s.prefix = p }
}

// NewDedupStore returns a store for the app sdkAppID's callbacks in rdb (a
// *redis.Client, *redis.ClusterClient or *redis.Ring). Hand it to
// event.NewHandler with event.WithDedupStore.
func NewDedupStore(rdb redis.Cmdable, sdkAppID uint64, opts ...DedupOption) *DedupStore {
	s := &DedupStore{rdb: rdb, prefix: DefaultKeyPrefix}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.prefix += "dedup:" + strconv.FormatUint(sdkAppID, 10) + ":"
	return s
}

// SeenOrAdd implements event.DedupStore: it reports whether key was already
// stored and, if not, stores it for ttl (event.DefaultDedupTTL when ttl is
// not positive), in one atomic command.
func (s *DedupStore) SeenOrAdd(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		ttl = event.DefaultDedupTTL
	}
	added, err := s.rdb.SetNX(ctx, s.prefix+key, 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("timredis: dedup: %w", err)
	}
	return !added, nil
}

var _ event.DedupStore = (*DedupStore)(nil)

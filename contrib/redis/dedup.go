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

// DedupOption configures NewDedupStore, which reports a bad one as an
// *tim.InvalidInputError naming it.
type DedupOption func(*DedupStore) error

// WithDedupPrefix sets the prefix of the store's Redis keys (default
// DefaultKeyPrefix); keys are <prefix>dedup:<appID>:<event key>.
func WithDedupPrefix(p string) DedupOption {
	return func(s *DedupStore) error { s.prefix = p; return nil }
}

// NewDedupStore returns a store for the app sdkAppID's callbacks in rdb (a
// *redis.Client, *redis.ClusterClient or *redis.Ring). Hand it to
// event.NewHandler with event.WithDedupStore. A nil rdb, a zero app id or
// a nil option is an *tim.InvalidInputError.
func NewDedupStore(rdb redis.Cmdable, sdkAppID uint64, opts ...DedupOption) (*DedupStore, error) {
	if rdb == nil {
		return nil, invalid("NewDedupStore", "nil Redis client")
	}
	if sdkAppID == 0 {
		return nil, invalid("NewDedupStore", "SDKAppID is zero")
	}
	s := &DedupStore{rdb: rdb, prefix: DefaultKeyPrefix}
	for i, o := range opts {
		if o == nil {
			return nil, invalid(fmt.Sprintf("opts[%d]", i), "is a nil DedupOption")
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.prefix += "dedup:" + strconv.FormatUint(sdkAppID, 10) + ":"
	return s, nil
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

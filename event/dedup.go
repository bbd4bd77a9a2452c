package event

import (
	"context"
	"sync"
	"time"
)

// DedupStore remembers the natural keys of the derived events already
// delivered, so that a callback Tencent delivers twice, or that reaches two
// replicas behind one URL, yields its derived events once.
//
// SeenOrAdd is set-if-absent with expiry: it reports whether key was
// already present and, if not, stores it for ttl, atomically. A Redis
// implementation is `SET key 1 NX PX ttl` (seen when the reply is nil).
// On error the handler delivers the event (at-least-once) and logs.
type DedupStore interface {
	SeenOrAdd(ctx context.Context, key string, ttl time.Duration) (seen bool, err error)
}

// MemoryDedup is the default DedupStore: in process, bounded by a key
// count (the oldest keys go first) and by each key's ttl. It suits a single
// replica; share a store (e.g. Redis) between replicas.
type MemoryDedup struct {
	max int
	now func() time.Time

	mu    sync.Mutex
	keys  map[string]time.Time // key → expiry
	order []dedupEntry         // insertion order, a ring
	head  int                  // index of the oldest entry in order
	n     int                  // live entries in order
}

type dedupEntry struct {
	key    string
	expiry time.Time
}

// DefaultDedupKeys is the default capacity of NewMemoryDedup(0).
const DefaultDedupKeys = 100_000

// NewMemoryDedup returns an in-memory store holding at most maxKeys keys
// (DefaultDedupKeys when maxKeys ≤ 0).
func NewMemoryDedup(maxKeys int) *MemoryDedup {
	if maxKeys <= 0 {
		maxKeys = DefaultDedupKeys
	}
	return &MemoryDedup{max: maxKeys, now: time.Now, keys: make(map[string]time.Time)}
}

// SeenOrAdd implements DedupStore.
func (s *MemoryDedup) SeenOrAdd(_ context.Context, key string, ttl time.Duration) (bool, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	if exp, ok := s.keys[key]; ok && now.Before(exp) {
		return true, nil
	}
	if s.order == nil {
		s.order = make([]dedupEntry, min(s.max, 1024))
	}
	if s.n == s.max {
		s.evictOldest()
	}
	if s.n == len(s.order) {
		s.grow()
	}
	exp := now.Add(ttl)
	s.keys[key] = exp
	s.order[(s.head+s.n)%len(s.order)] = dedupEntry{key: key, expiry: exp}
	s.n++
	return false, nil
}

// Len reports how many keys the store holds (expired ones included until
// they are swept).
func (s *MemoryDedup) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.keys)
}

// expire drops expired entries from the front of the ring. Entries are
// added in time order, so with one ttl the front expires first; with mixed
// ttls a longer-lived front entry only delays the sweep, never breaks it.
func (s *MemoryDedup) expire(now time.Time) {
	for s.n > 0 {
		e := s.order[s.head]
		if now.Before(e.expiry) {
			return
		}
		s.evictOldest()
	}
}

func (s *MemoryDedup) evictOldest() {
	e := s.order[s.head]
	if exp, ok := s.keys[e.key]; ok && exp.Equal(e.expiry) {
		delete(s.keys, e.key)
	}
	s.order[s.head] = dedupEntry{}
	s.head = (s.head + 1) % len(s.order)
	s.n--
}

func (s *MemoryDedup) grow() {
	size := min(2*len(s.order), s.max)
	next := make([]dedupEntry, size)
	for i := range s.n {
		next[i] = s.order[(s.head+i)%len(s.order)]
	}
	s.order, s.head = next, 0
}

package usersig

import (
	"errors"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// signerOptions are the settings [NewSigner] takes.
type signerOptions struct {
	renewBefore    time.Duration
	renewBeforeSet bool
}

// SignerOption configures a [Signer] made by [NewSigner].
type SignerOption func(*signerOptions) error

// WithRenewBefore makes the Signer replace a cached sig once less than d of
// its lifetime remains. d must be positive and shorter than the validity.
// The default is a quarter of the validity (18h into a 24h sig).
func WithRenewBefore(d time.Duration) SignerOption {
	return func(o *signerOptions) error {
		o.renewBefore, o.renewBeforeSet = d, true
		return nil
	}
}

// Signer hands out cached UserSigs, one per identifier, and renews each
// before it expires. It is what a server uses for its administrator sig: a
// sig per REST request would cost a generation each time, while Tencent only
// needs one that is still valid.
//
// Sig is safe for concurrent use and takes no lock while the cached sig is
// fresh. Once less than the renew-before window remains, exactly one caller
// generates the replacement while the others keep getting the old, still
// valid sig. An expired sig is never returned: callers wait for its
// replacement, as they do after [Signer.Invalidate]. The Signer reads the
// Generator's clock.
//
// Entries are kept until [Signer.Invalidate]; the Signer suits a bounded set
// of identifiers (administrators, service accounts), not every end user.
type Signer struct {
	g           *Generator
	validity    time.Duration
	renewBefore time.Duration
	entries     sync.Map // identifier → *signerEntry
	// newest is the entry added last, checked before the map: a server's
	// Signer usually serves one identifier (the admin), and comparing a
	// string is cheaper than a map lookup. It changes only when an entry
	// is added or invalidated, so concurrent readers do not contend.
	newest atomic.Pointer[signerEntry]

	generated atomic.Uint64 // sigs generated (for tests)
}

// signerEntry is the cache slot of one identifier.
type signerEntry struct {
	id  string
	mu  sync.Mutex // held by the goroutine that generates
	cur atomic.Pointer[cachedSig]
}

// cachedSig is an immutable generated sig with its deadlines in Unix
// nanoseconds.
type cachedSig struct {
	sig     string
	renewAt int64 // after this, one caller renews
	// expireAt is TLS.time + TLS.expire. Tencent still accepts the sig
	// during that second, but a sig handed out then would be useless, so
	// from expireAt on it is not handed out.
	expireAt int64
}

// errNilGenerator is returned by NewSigner(nil, …).
var errNilGenerator = errors.New("usersig: NewSigner needs a non-nil Generator")

// NewSigner returns a Signer that issues sigs with g, each valid for
// validity (at least one second; 24h to 7 days is a good range for an admin
// sig). Invalid settings give an error wrapping [ErrInvalidValidity]; a nil
// g is an error too.
func NewSigner(g *Generator, validity time.Duration, opts ...SignerOption) (*Signer, error) {
	if g == nil {
		return nil, errNilGenerator
	}
	if err := checkValidity(validity); err != nil {
		return nil, err
	}
	var o signerOptions
	for i, opt := range opts {
		if opt == nil {
			return nil, newError(ErrInvalidOption, "usersig: NewSigner: option "+strconv.Itoa(i)+" is nil")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	rb := validity / 4
	if o.renewBeforeSet {
		rb = o.renewBefore
		if rb <= 0 || rb >= validity {
			return nil, newError(ErrInvalidValidity, "usersig: renew-before is "+rb.String()+
				", must be positive and shorter than the validity "+validity.String())
		}
	}
	return &Signer{g: g, validity: validity, renewBefore: rb}, nil
}

// Generator returns the Generator the Signer issues sigs with.
func (s *Signer) Generator() *Generator { return s.g }

// Sig returns the cached sig for identifier, generating or renewing it when
// needed. In steady state it is a lock-free lookup with no allocation. The
// identifier rules of [Generator.Gen] apply.
func (s *Signer) Sig(identifier string) (string, error) {
	now := s.g.now()
	e := s.newest.Load()
	if e == nil || e.id != identifier {
		if v, ok := s.entries.Load(identifier); ok {
			e = v.(*signerEntry)
		} else {
			e = nil
		}
	}
	if e != nil {
		if c := e.cur.Load(); c != nil {
			ns := now.UnixNano()
			if ns <= c.renewAt {
				return c.sig, nil
			}
			if ns < c.expireAt {
				// Renewal time, but the old sig is still good: one caller
				// renews, the rest keep using the old one meanwhile.
				if !e.mu.TryLock() {
					return c.sig, nil
				}
				sig, err := s.renewLocked(e, identifier, now)
				e.mu.Unlock()
				if err != nil {
					return c.sig, nil
				}
				return sig, nil
			}
		}
		return s.wait(e, identifier, now)
	}
	if err := checkIdentifier(identifier); err != nil {
		return "", err
	}
	v, loaded := s.entries.LoadOrStore(identifier, &signerEntry{id: identifier})
	e = v.(*signerEntry)
	if !loaded {
		s.newest.Store(e)
	}
	return s.wait(e, identifier, now)
}

// wait takes the entry's lock, so that callers without a usable sig queue
// behind the one generating it.
func (s *Signer) wait(e *signerEntry, identifier string, now time.Time) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return s.renewLocked(e, identifier, now)
}

// renewLocked generates a new sig unless another caller already did; e.mu
// is held.
func (s *Signer) renewLocked(e *signerEntry, identifier string, now time.Time) (string, error) {
	ns := now.UnixNano()
	if c := e.cur.Load(); c != nil && ns <= c.renewAt {
		return c.sig, nil
	}
	if err := checkIdentifier(identifier); err != nil {
		return "", err
	}
	t := now.Unix()
	expire := int64(s.validity / time.Second)
	sig := s.g.encodeAt(identifier, t, expire, nil)
	s.generated.Add(1)
	expireAt := unixNanoSat(addSat(t, expire))
	e.cur.Store(&cachedSig{sig: sig, renewAt: expireAt - int64(s.renewBefore), expireAt: expireAt})
	return sig, nil
}

// Invalidate forgets the cached sig for identifier, so the next Sig call
// generates a new one. Call it when Tencent rejects the sig (70001 expired,
// 70009 after a key rotation, …).
func (s *Signer) Invalidate(identifier string) {
	s.entries.Delete(identifier)
	// By identifier, not by entry: an entry added concurrently may have
	// become the newest after leaving the map.
	if e := s.newest.Load(); e != nil && e.id == identifier {
		s.newest.CompareAndSwap(e, nil)
	}
}

// unixNanoSat converts Unix seconds to nanoseconds, saturated.
func unixNanoSat(sec int64) int64 {
	const limit = math.MaxInt64 / int64(time.Second)
	switch {
	case sec > limit:
		return math.MaxInt64
	case sec < -limit:
		return math.MinInt64
	}
	return sec * int64(time.Second)
}

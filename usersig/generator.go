package usersig

import (
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/internal/ident"
)

// Input limits of [Generator].
const (
	// MaxIdentifierLen is the longest identifier Tencent accepts, in bytes.
	MaxIdentifierLen = 32
	// MaxSDKAppID is the largest SDKAppID (they are 32-bit).
	MaxSDKAppID = math.MaxUint32
)

// options are the settings [New] takes.
type options struct {
	now func() time.Time
}

// Option configures a [Generator] made by [New].
type Option func(*options) error

// WithClock sets the clock a Generator reads when it generates (TLS.time)
// and verifies. The default is [time.Now]; a nil clock is an error
// wrapping [ErrInvalidOption]. Tests use it to make sigs deterministic.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return newError(ErrInvalidOption, "usersig: WithClock: nil clock")
		}
		o.now = now
		return nil
	}
}

// Generator makes and checks the UserSigs of one application. It is
// immutable and safe for concurrent use. It keeps the secret key only as
// keyed HMAC states, so printing a Generator shows no key.
type Generator struct {
	sdkAppID uint64
	now      func() time.Time
	macs     sync.Pool // *macState keyed with the secret key
}

// New returns a Generator for the application sdkAppID (1..[MaxSDKAppID])
// with its secret key from the IM console (non-empty). Invalid input gives an
// error wrapping [ErrInvalidSDKAppID] or [ErrEmptyKey].
func New(sdkAppID uint64, key string, opts ...Option) (*Generator, error) {
	if sdkAppID == 0 || sdkAppID > MaxSDKAppID {
		return nil, newError(ErrInvalidSDKAppID, "usersig: sdkappid "+strconv.FormatUint(sdkAppID, 10)+
			" is out of range, must be 1.."+strconv.FormatUint(MaxSDKAppID, 10))
	}
	if key == "" {
		return nil, newError(ErrEmptyKey, "usersig: key is empty")
	}
	o := options{now: time.Now}
	for i, opt := range opts {
		if opt == nil {
			return nil, newError(ErrInvalidOption, "usersig: New: option "+strconv.Itoa(i)+" is nil")
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	k := []byte(key)
	g := &Generator{sdkAppID: sdkAppID, now: o.now}
	g.macs.New = func() any { return newMACState(k) }
	return g, nil
}

// SDKAppID returns the application the Generator signs for.
func (g *Generator) SDKAppID() uint64 { return g.sdkAppID }

// String describes the Generator without its key.
func (g *Generator) String() string {
	if g == nil {
		return "usersig.Generator(nil)"
	}
	return "usersig.Generator(sdkappid=" + strconv.FormatUint(g.sdkAppID, 10) + ")"
}

// Gen returns a UserSig for identifier, issued now and valid for validity
// (whole seconds; the fraction is dropped). The identifier must be 1 to
// [MaxIdentifierLen] bytes of valid UTF-8, not blank, without control
// characters (NUL, CR, LF, the rest of C0 and C1) or bidirectional
// formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
// U+061C) — the rule the REST calls apply to UserIDs; letters, digits, '_'
// and '-' are recommended — and validity at least one second; otherwise the error wraps
// [ErrInvalidIdentifier] or [ErrInvalidValidity]. Tencent's samples use 180
// days; at least 24 hours is recommended.
func (g *Generator) Gen(identifier string, validity time.Duration) (string, error) {
	return g.genWith(identifier, validity, nil)
}

// GenWithUserBuf is [Generator.Gen] with a userbuf bound into the sig (TRTC
// uses it for room permissions). A nil userbuf is the same as Gen; an empty
// non-nil one is rejected with [ErrInvalidUserBuf] because the format would
// sign it yet drop it from the document, making a sig that never verifies.
func (g *Generator) GenWithUserBuf(identifier string, validity time.Duration, userbuf []byte) (string, error) {
	if userbuf != nil && len(userbuf) == 0 {
		return "", newError(ErrInvalidUserBuf, "usersig: userbuf is empty but not nil; pass nil for no userbuf (an empty one is signed but left out of the sig, which then never verifies)")
	}
	return g.genWith(identifier, validity, userbuf)
}

func (g *Generator) genWith(identifier string, validity time.Duration, userbuf []byte) (string, error) {
	if err := checkIdentifier(identifier); err != nil {
		return "", err
	}
	if err := checkValidity(validity); err != nil {
		return "", err
	}
	return g.encodeAt(identifier, g.now().Unix(), int64(validity/time.Second), userbuf), nil
}

// encodeAt encodes with the Generator's key; inputs are already checked.
func (g *Generator) encodeAt(identifier string, t, expire int64, userbuf []byte) string {
	m := g.macs.Get().(*macState)
	s := getScratch()
	sig := encodeWith(m, s, g.sdkAppID, identifier, t, expire, userbuf)
	putScratch(s)
	g.macs.Put(m)
	return sig
}

// Verify checks sig for identifier at the Generator's clock, expecting no
// userbuf. See [Verify] for the checks and the errors.
func (g *Generator) Verify(sig, identifier string) error {
	return g.VerifyWithUserBuf(sig, identifier, nil)
}

// VerifyWithUserBuf checks sig for identifier and userbuf (nil: expect none)
// at the Generator's clock. See [Verify] for the checks and the errors.
func (g *Generator) VerifyWithUserBuf(sig, identifier string, userbuf []byte) error {
	m := g.macs.Get().(*macState)
	err := verify(m, "", sig, g.sdkAppID, identifier, userbuf, g.now())
	g.macs.Put(m)
	return err
}

func checkIdentifier(identifier string) error {
	switch {
	case identifier == "":
		return newError(ErrInvalidIdentifier, "usersig: identifier is empty, must be 1 to "+
			strconv.Itoa(MaxIdentifierLen)+" bytes")
	case len(identifier) > MaxIdentifierLen:
		return newError(ErrInvalidIdentifier, "usersig: identifier is "+strconv.Itoa(len(identifier))+
			" bytes, limit is "+strconv.Itoa(MaxIdentifierLen))
	case !utf8.ValidString(identifier):
		return newError(ErrInvalidIdentifier, "usersig: identifier is not valid UTF-8")
	}
	if p := ident.Problem(identifier); p != "" {
		return newError(ErrInvalidIdentifier, "usersig: identifier "+p)
	}
	return nil
}

func checkValidity(validity time.Duration) error {
	if validity < time.Second {
		return newError(ErrInvalidValidity, "usersig: validity is "+validity.String()+", must be at least 1s")
	}
	return nil
}

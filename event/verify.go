package event

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"time"
)

// DefaultTolerance is how far RequestTime may be from now, either way,
// when Verify is given no tolerance (Tencent's documented 60 s).
const DefaultTolerance = 60 * time.Second

// Verification errors. Their text never contains the token or a signature.
var (
	// ErrNoToken: Verify was called without a token.
	ErrNoToken = errors.New("event: no callback token configured")
	// ErrMissingSignature: Sign or RequestTime is absent.
	ErrMissingSignature = errors.New("event: callback signature missing")
	// ErrBadSignature: Sign does not match the token and RequestTime.
	ErrBadSignature = errors.New("event: callback signature invalid")
	// ErrStaleRequest: RequestTime is malformed or outside the tolerance
	// (replayed, or from a clock far off).
	ErrStaleRequest = errors.New("event: callback request time outside tolerance")
)

// Sign computes Tencent's callback signature: the lowercase hex SHA-256 of
// token followed by requestTime (Unix seconds, as sent in the URL).
func Sign(token, requestTime string) string {
	sum := sha256.Sum256([]byte(token + requestTime))
	return hex.EncodeToString(sum[:])
}

// Verify checks a callback URL's Sign and RequestTime against token:
// Sign must equal hex(SHA-256(token ‖ RequestTime)) (compared in constant
// time; hex case ignored) and RequestTime must lie within tolerance of now,
// in either direction (DefaultTolerance when tolerance ≤ 0). The check is
// made before the signature so a stale request costs no hashing.
//
// Tencent's signature covers only the token and the time, not the body:
// it proves the sender knows the token, nothing more.
func Verify(token string, query url.Values, now time.Time, tolerance time.Duration) error {
	return verify(token, query.Get("Sign"), query.Get("RequestTime"), now, tolerance)
}

func verify(token, sign, rt string, now time.Time, tolerance time.Duration) error {
	if token == "" {
		return ErrNoToken
	}
	if sign == "" || rt == "" {
		return ErrMissingSignature
	}
	sec, err := strconv.ParseInt(rt, 10, 64)
	if err != nil {
		return ErrStaleRequest
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStaleRequest
	}
	if len(sign) != 2*sha256.Size {
		return ErrBadSignature
	}
	var got [sha256.Size]byte
	if !decodeHex(got[:], sign) {
		return ErrBadSignature
	}
	// Hash token‖time from a stack buffer when they fit: no allocation.
	var buf [256]byte
	want := sha256.Sum256(append(append(buf[:0], token...), rt...))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return ErrBadSignature
	}
	return nil
}

// decodeHex decodes the hex string s (either case) into dst, which is
// len(s)/2 bytes; false on a non-hex digit. Unlike hex.Decode it needs no
// []byte copy of s.
func decodeHex(dst []byte, s string) bool {
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

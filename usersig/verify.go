package usersig

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"strconv"
	"time"
)

// Verify checks sig as Tencent does, at the instant now: it must be for
// sdkAppID and identifier (exact bytes), not expired (expired when now is
// after TLS.time + TLS.expire, in whole seconds; there is no not-before
// check), carry userbuf when userbuf is non-nil (nil means "expect none") and
// no userbuf otherwise, and its HMAC-SHA256 under key must match. The checks
// run in that order; the error wraps [ErrSDKAppID], [ErrIdentifier],
// [ErrExpired], [ErrUserBuf], [ErrSignature] or, for input that is not a
// usersig, [ErrMalformed]. The signature is compared in constant time.
//
// Verify applies no input rules beyond the format (an empty key or
// identifier is checked like any other); it is the pure function under
// [Generator.Verify] and suits fakes and tests. Both the UserSig base64
// alphabet and the standard one are accepted, padding is required, and sigs
// of other encoders (any zlib level, key order, spacing or escaping) verify.
func Verify(sig string, sdkAppID uint64, key, identifier string, userbuf []byte, now time.Time) error {
	return verify(nil, key, sig, sdkAppID, identifier, userbuf, now)
}

// verify is Verify with an optional pre-keyed MAC (m != nil: key is unused).
func verify(m *macState, key, sig string, sdkAppID uint64, identifier string, userbuf []byte, now time.Time) error {
	s := getScratch()
	defer putScratch(s)
	var f docFields
	if err := s.parse(sig, &f); err != nil {
		return err
	}
	if f.sdkAppID != sdkAppID {
		return newError(ErrSDKAppID, "usersig: sdkappid mismatch: sig is for "+
			strconv.FormatUint(f.sdkAppID, 10)+", want "+strconv.FormatUint(sdkAppID, 10))
	}
	if string(f.identifier) != identifier {
		return newError(ErrIdentifier, "usersig: identifier mismatch: sig is for "+
			quote(string(f.identifier))+", want "+quote(identifier))
	}
	if deadline, n := addSat(f.time, f.expire), now.Unix(); n > deadline {
		return newError(ErrExpired, "usersig: expired at "+formatUnix(deadline)+" (now "+formatUnix(n)+")")
	}
	wantBuf := userbuf != nil
	switch {
	case f.hasUserBuf && !wantBuf:
		return newError(ErrUserBuf, "usersig: userbuf mismatch: sig carries a userbuf, none expected")
	case !f.hasUserBuf && wantBuf:
		return newError(ErrUserBuf, "usersig: userbuf mismatch: sig carries no userbuf, one expected")
	case wantBuf && !bytes.Equal(s.ub, userbuf):
		return newError(ErrUserBuf, "usersig: userbuf mismatch: sig carries a different userbuf ("+
			strconv.Itoa(len(s.ub))+" bytes, want "+strconv.Itoa(len(userbuf))+")")
	}

	// Recompute the HMAC from the fields (all equal to the expected ones by
	// now) and compare its base64 with TLS.sig, as the reference does.
	ub := s.b64[:0]
	if wantBuf {
		ub = base64.StdEncoding.AppendEncode(ub, userbuf)
	}
	var nums numText
	nums.set(sdkAppID, f.time, f.expire)
	s.in = appendMACInput(s.in[:0], identifier, &nums, ub, wantBuf)
	if m == nil {
		m = newMACState([]byte(key))
	}
	got := base64.StdEncoding.AppendEncode(ub[:0], m.mac(s.in))
	s.b64 = got
	if !hmac.Equal(got, f.sig) {
		return newError(ErrSignature, "usersig: signature mismatch (another secret key, or an altered document)")
	}
	return nil
}

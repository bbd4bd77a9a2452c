package usersig

import (
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// Errors returned by [Verify], [Generator.Verify], [Generator.VerifyWithUserBuf]
// and [Decode]. Every error those functions return wraps exactly one of these,
// so callers match the failed check with [errors.Is]. The checks run in the
// order sdkappid, identifier, expiry, userbuf, signature; the first failure is
// reported.
var (
	// ErrMalformed means the string is not a UserSig at all: bad base64 or
	// missing padding, not zlib data, a bad Adler-32 checksum, truncated data,
	// or a document that is not a JSON object with the expected field types.
	// Tencent answers such a sig with error 70003.
	ErrMalformed = errors.New("usersig: malformed")
	// ErrSDKAppID means the sig was issued for another application
	// (Tencent error 70014).
	ErrSDKAppID = errors.New("usersig: sdkappid mismatch")
	// ErrIdentifier means the sig was issued for another identifier; the
	// comparison is exact and case-sensitive (Tencent error 70013).
	ErrIdentifier = errors.New("usersig: identifier mismatch")
	// ErrExpired means the sig's lifetime is over: now > TLS.time + TLS.expire
	// (Tencent error 70001).
	ErrExpired = errors.New("usersig: expired")
	// ErrUserBuf means the sig carries a userbuf and none was expected, none
	// while one was expected, or a different one.
	ErrUserBuf = errors.New("usersig: userbuf mismatch")
	// ErrSignature means the HMAC does not match: the sig was made with
	// another secret key or its document was altered (Tencent error 70009).
	ErrSignature = errors.New("usersig: signature mismatch")
)

// Input-rule errors of [New], [Generator.Gen], [Generator.GenWithUserBuf] and
// [NewSigner]. The returned error wraps one of these and its message names the
// field and the limit, for example
// "usersig: identifier is 40 bytes, limit is 32".
var (
	// ErrInvalidIdentifier rejects an identifier that is empty, longer than
	// [MaxIdentifierLen] bytes, not valid UTF-8, blank, or holding a control
	// or bidirectional formatting character (see [Generator.Gen]).
	ErrInvalidIdentifier = errors.New("usersig: invalid identifier")
	// ErrInvalidValidity rejects a validity shorter than one second (and a
	// renew-before window of a [Signer] that is not shorter than its validity).
	ErrInvalidValidity = errors.New("usersig: invalid validity")
	// ErrEmptyKey rejects an empty secret key.
	ErrEmptyKey = errors.New("usersig: empty key")
	// ErrInvalidSDKAppID rejects an SDKAppID outside 1..4294967295.
	ErrInvalidSDKAppID = errors.New("usersig: invalid sdkappid")
	// ErrInvalidUserBuf rejects an empty but non-nil userbuf: the format
	// signs it yet leaves it out of the document, so the sig could never be
	// verified. Pass nil for "no userbuf".
	ErrInvalidUserBuf = errors.New("usersig: invalid userbuf")
	// ErrInvalidOption rejects a nil option or an option given a value it
	// cannot use (a nil clock).
	ErrInvalidOption = errors.New("usersig: invalid option")
)

// sigError carries one of the sentinels above and a message with the details.
// The message never holds the secret key or the usersig itself.
type sigError struct {
	kind error
	msg  string
}

func (e *sigError) Error() string { return e.msg }
func (e *sigError) Unwrap() error { return e.kind }

func newError(kind error, msg string) error { return &sigError{kind: kind, msg: msg} }

// malformed returns an ErrMalformed with a short reason.
func malformed(reason string) error {
	return &sigError{kind: ErrMalformed, msg: "usersig: malformed: " + reason}
}

// maxQuoted caps how much of an identifier read from a sig an error echoes.
const maxQuoted = 64

// quote quotes s for an error message, cutting it (on a rune boundary) when
// it is long: the identifier inside a sig is attacker-controlled.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

func formatUnix(sec int64) string {
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

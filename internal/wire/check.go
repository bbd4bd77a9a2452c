package wire

import (
	"fmt"

	"github.com/timkit/tim/internal/ident"
)

// MaxUserIDBytes is Tencent's limit on a UserID (32 bytes). The area
// packages export it under their own names.
const MaxUserIDBytes = ident.MaxBytes

// CheckUserID checks one UserID against the SDK's policy: 1 to
// MaxUserIDBytes bytes of valid UTF-8, not blank, no control characters
// (NUL, CR, LF, the rest of C0 and C1), no bidirectional formatting
// characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
// usersig applies the same rule to identifiers, so an id accepted here can
// log in. field names the JSON field in the error.
func CheckUserID(field, id string) error {
	if ident.Valid(id) {
		return nil
	}
	if id == "" {
		return Invalid(field, "is empty")
	}
	return Invalid(field, "%q %s", id, ident.Problem(id))
}

// ValidUserID reports whether CheckUserID accepts id, without building an
// error (for long lists).
func ValidUserID(id string) bool { return ident.Valid(id) }

// CheckUserIDs checks a list of UserIDs: at least one, each as CheckUserID
// with the bad one named field[i].
func CheckUserIDs(field string, ids []string) error {
	if len(ids) == 0 {
		return Invalid(field, "no UserID given")
	}
	for i, id := range ids {
		if !ident.Valid(id) {
			return CheckUserID(fmt.Sprintf("%s[%d]", field, i), id)
		}
	}
	return nil
}

// Chunks calls fn for consecutive ranges [lo, hi) of at most size of n
// items and stops at the first error, which it returns as is.
func Chunks(n, size int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		if err := fn(lo, min(lo+size, n)); err != nil {
			return err
		}
	}
	return nil
}

// ChunksNamed is Chunks naming the failing range in its error when there
// is more than one: "<what> lo..hi-1 of n: <err>" (what carries the
// package prefix, e.g. "push: users").
func ChunksNamed(n, size int, what string, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		if err := fn(lo, hi); err != nil {
			if n > size {
				return fmt.Errorf("%s %d..%d of %d: %w", what, lo, hi-1, n, err)
			}
			return err
		}
	}
	return nil
}

// BoolInt is 1 for true and 0 for false, for Tencent's 0/1 flags.
func BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

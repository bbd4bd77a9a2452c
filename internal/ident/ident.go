// Package ident is the one rule for what a UserID (a usersig identifier)
// may hold, shared by internal/wire's checks of request fields and by the
// usersig package, so that an id the REST calls accept is an id a user
// can log in with, and the other way round.
//
// The policy (also in SECURITY.md): a UserID is 1 to MaxBytes bytes of
// valid UTF-8, not blank (only white space), without control characters
// (C0 U+0000–U+001F including NUL, TAB, CR and LF; DEL U+007F; C1
// U+0080–U+009F; the line and paragraph separators U+2028 and U+2029) and
// without bidirectional formatting characters (the embeddings and
// overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks
// U+200E, U+200F and U+061C). Such ids are rejected, never normalised:
// Tencent would turn invalid UTF-8 into U+FFFD, so "u\xff1" and "u\xfe1"
// would be two local ids for one remote account; controls break logs and
// line-based tools; bidi characters make an id display as another one.
// Leading and trailing spaces are allowed (Tencent accepts them), though
// letters, digits, '_' and '-' are what Tencent recommends.
package ident

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// MaxBytes is Tencent's limit on a UserID, in bytes.
const MaxBytes = 32

// Valid reports whether id meets the policy; it is Problem(id) == "",
// with a fast path for plain ASCII ids.
func Valid(id string) bool {
	if id == "" || len(id) > MaxBytes {
		return false
	}
	blank := true
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x20 || c >= 0x7f {
			return Problem(id) == ""
		}
		if c != ' ' {
			blank = false
		}
	}
	return !blank
}

// Problem says what is wrong with id ("" when nothing is), as a phrase
// that follows the id or the field name in an error message: "is empty",
// "is 40 bytes, limit is 32", "holds the control character U+000A at
// byte 3", … It never repeats the id.
func Problem(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > MaxBytes:
		return "is " + strconv.Itoa(len(id)) + " bytes, limit is " + strconv.Itoa(MaxBytes)
	}
	blank := true
	for i := 0; i < len(id); {
		r, w := utf8.DecodeRuneInString(id[i:])
		switch {
		case r == utf8.RuneError && w <= 1:
			return "is not valid UTF-8 (byte " + strconv.Itoa(i) + " is 0x" + strconv.FormatUint(uint64(id[i]), 16) + ")"
		case IsControl(r):
			return "holds the control character " + codePoint(r) + " at byte " + strconv.Itoa(i)
		case IsBidi(r):
			return "holds the bidirectional formatting character " + codePoint(r) + " at byte " + strconv.Itoa(i)
		}
		if !unicode.IsSpace(r) {
			blank = false
		}
		i += w
	}
	if blank {
		return "is blank (only white space)"
	}
	return ""
}

// IsControl reports the control characters the policy rejects: C0, DEL,
// C1, and the line and paragraph separators.
func IsControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

// IsBidi reports the bidirectional formatting characters: embeddings and
// overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks
// U+200E, U+200F and U+061C.
func IsBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

func codePoint(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	for len(s) < 4 {
		s = "0" + s
	}
	return "U+" + upper(s)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

package transport

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// redactedError carries a failure whose text had secrets removed. It unwraps
// only to context errors, so no wrapped value can print a secret.
type redactedError struct {
	msg   string
	cause error // context.Canceled / DeadlineExceeded or nil
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redact returns err with every secret replaced by redacted, and any
// *url.Error rebuilt around the redacted URL. Errors whose text holds no
// secret are returned unchanged so errors.As keeps working on them.
func redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := redact(ue.Err, secrets...)
		u := ue.URL
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i] // the query carries the usersig, app id, admin, random
		}
		return &url.Error{Op: ue.Op, URL: redactString(u, secrets...), Err: inner}
	}
	msg := err.Error()
	clean := redactString(msg, secrets...)
	if clean == msg {
		return err
	}
	re := &redactedError{msg: clean}
	switch {
	case errors.Is(err, context.Canceled):
		re.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		re.cause = context.DeadlineExceeded
	}
	return re
}

// redactString removes secrets from s: every given secret, the value of
// any usersig= parameter (any case), the query of anything shaped like a
// URL ("…?a=b&c=d") and any token shaped like a Tencent usersig (a long
// run of its base64 alphabet starting "eJ" or "eA", the zlib header), so
// an echoed request URL or an older sig never shows. It allocates only
// when something is removed.
func redactString(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	s = redactParams(s)
	s = redactQueries(s)
	return redactSigShaped(s)
}

const redacted = "REDACTED"

// endOfValue returns where the value starting at j ends: at a separator,
// a space or a quote.
func endOfValue(s string, j int, seps string) int {
	for j < len(s) && !strings.ContainsRune(seps, rune(s[j])) {
		j++
	}
	return j
}

const valueEnd = "&; \t\r\n\"'<>()[]{},"

func redactParams(s string) string {
	const key = "usersig="
	for from := 0; ; {
		i := indexFold(s[from:], key)
		if i < 0 {
			return s
		}
		j := from + i + len(key)
		k := endOfValue(s, j, valueEnd)
		if s[j:k] != redacted {
			s = s[:j] + redacted + s[k:]
		}
		from = j + len(redacted)
	}
}

// redactQueries replaces the query of URL-shaped text: a '?' followed, in
// the same token, by a '='.
func redactQueries(s string) string {
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '?')
		if i < 0 {
			return s
		}
		j := from + i + 1
		k := endOfValue(s, j, " \t\r\n\"'<>()[]{},")
		if q := s[j:k]; strings.IndexByte(q, '=') >= 0 && q != redacted {
			s = s[:j] + redacted + s[k:]
			k = j + len(redacted)
		}
		from = k
	}
}

// minSigShaped is the shortest run treated as a usersig; real ones are
// well over 100 characters.
const minSigShaped = 40

func sigAlphabet(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '*' || c == '-' || c == '_'
}

func redactSigShaped(s string) string {
	for i := 0; i+minSigShaped <= len(s); i++ {
		if s[i] != 'e' || (s[i+1] != 'J' && s[i+1] != 'A') || (i > 0 && sigAlphabet(s[i-1])) {
			continue
		}
		k := i
		for k < len(s) && sigAlphabet(s[k]) {
			k++
		}
		if k-i >= minSigShaped {
			s = s[:i] + redacted + s[k:]
			k = i + len(redacted)
		}
		i = k
	}
	return s
}

func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

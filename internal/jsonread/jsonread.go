// Package jsonread is a strict, hand-written JSON reader for the hot
// decode paths (callback bodies, message bodies). It reads a document in
// one pass, validating what it reads, without encoding/json's validity
// pre-scan, reflection or per-value allocations.
//
// It reads a subset on purpose: every method reports ok=false both for
// invalid JSON and for anything it does not handle (keys with escapes or
// non-ASCII bytes, nesting deeper than MaxDepth, …). A caller's fast path
// stops there and hands the whole input to encoding/json, whose result
// (or error) then stands, so the subset only decides speed, never
// results.
package jsonread

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting Skip reads; deeper values are left to
// encoding/json.
const MaxDepth = 64

// Reader reads one JSON document from a byte slice.
type Reader struct {
	data []byte
	pos  int
}

// New returns a reader at the start of data.
func New(data []byte) Reader { return Reader{data: data} }

// space skips JSON whitespace.
func (r *Reader) space() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// Peek skips whitespace and returns the next byte (0 at the end).
func (r *Reader) Peek() byte {
	r.space()
	if r.pos < len(r.data) {
		return r.data[r.pos]
	}
	return 0
}

// Consume skips whitespace and, when the next byte is c, reads it.
func (r *Reader) Consume(c byte) bool {
	if r.Peek() == c {
		r.pos++
		return true
	}
	return false
}

// AtEnd skips whitespace and reports whether nothing else remains.
func (r *Reader) AtEnd() bool {
	r.space()
	return r.pos == len(r.data)
}

// Key reads an object key and the colon after it. ok is false unless the
// key is a string of printable ASCII without escapes (so that a caller can
// compare it to field names byte for byte and with ASCII case folding,
// as encoding/json would).
func (r *Reader) Key() (key []byte, ok bool) {
	if !r.Consume('"') {
		return nil, false
	}
	start := r.pos
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			key = r.data[start:r.pos]
			r.pos++
			return key, r.Consume(':')
		case c < 0x20 || c >= utf8.RuneSelf || c == '\\':
			return nil, false
		}
		r.pos++
	}
	return nil, false
}

// String reads a string value and returns it unquoted exactly as
// encoding/json does: escapes decoded, an invalid UTF-8 byte or a lone
// surrogate escape replaced with U+FFFD.
func (r *Reader) String() (string, bool) {
	if !r.Consume('"') {
		return "", false
	}
	start := r.pos
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			s := string(r.data[start:r.pos])
			r.pos++
			return s, true
		case c == '\\', c >= utf8.RuneSelf:
			return r.slowString(start)
		case c < 0x20:
			return "", false
		}
		r.pos++
	}
	return "", false
}

// slowString finishes a string that holds escapes or non-ASCII bytes;
// start is just after the opening quote, r.pos at the first such byte.
func (r *Reader) slowString(start int) (string, bool) {
	out := make([]byte, 0, r.pos-start+16)
	out = append(out, r.data[start:r.pos]...)
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			r.pos++
			return string(out), true
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf && c != '\\':
			out = append(out, c)
			r.pos++
		case c >= utf8.RuneSelf:
			ru, size := utf8.DecodeRune(r.data[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, unicode.ReplacementChar)
			} else {
				out = append(out, r.data[r.pos:r.pos+size]...)
			}
			r.pos += size
		default: // backslash
			if r.pos+1 >= len(r.data) {
				return "", false
			}
			e := r.data[r.pos+1]
			r.pos += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				ru, ok := r.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(ru) {
					// A pair when a valid low half follows; else U+FFFD,
					// and whatever follows is read on its own.
					if r.pos+1 < len(r.data) && r.data[r.pos] == '\\' && r.data[r.pos+1] == 'u' {
						save := r.pos
						r.pos += 2
						lo, ok := r.hex4()
						if !ok {
							return "", false
						}
						if d := utf16.DecodeRune(ru, lo); d != unicode.ReplacementChar {
							out = utf8.AppendRune(out, d)
							continue
						}
						r.pos = save
					}
					ru = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, ru)
			default:
				return "", false
			}
		}
	}
	return "", false
}

// hex4 reads the four hex digits of a \u escape.
func (r *Reader) hex4() (rune, bool) {
	if r.pos+4 > len(r.data) {
		return 0, false
	}
	var v rune
	for _, c := range r.data[r.pos : r.pos+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	r.pos += 4
	return v, true
}

// Uint reads a number made of digits only (no sign, fraction or
// exponent) that fits in bits bits, as encoding/json would store it in an
// unsigned or non-negative signed field. Anything else is ok=false.
func (r *Reader) Uint(bits int) (uint64, bool) {
	r.space()
	start := r.pos
	var n uint64
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		if c < '0' || c > '9' {
			break
		}
		if r.pos-start == 19 {
			return 0, false // 20 digits and more: left to encoding/json
		}
		n = n*10 + uint64(c-'0')
		r.pos++
	}
	digits := r.pos - start
	switch {
	case digits == 0, digits > 1 && r.data[start] == '0':
		return 0, false
	case r.pos < len(r.data) && (r.data[r.pos] == '.' || r.data[r.pos] == 'e' || r.data[r.pos] == 'E'):
		return 0, false
	case bits < 64 && n >= 1<<bits:
		return 0, false
	}
	return n, true
}

// Int reads a number made of an optional minus sign and digits (no
// fraction or exponent) that fits in a signed integer of bits bits, as
// encoding/json would store it in a signed field. Anything else is
// ok=false.
func (r *Reader) Int(bits int) (int64, bool) {
	neg := r.Peek() == '-'
	if neg {
		r.pos++
		if r.pos == len(r.data) || r.data[r.pos] < '0' || r.data[r.pos] > '9' {
			return 0, false // no space between the sign and the digits
		}
	}
	n, ok := r.Uint(64)
	limit := uint64(1) << (bits - 1)
	switch {
	case !ok:
		return 0, false
	case neg && n <= limit:
		return -int64(n), true //nolint:gosec // n ≤ 2^63 negates into range
	case !neg && n < limit:
		return int64(n), true
	}
	return 0, false
}

// Skip reads any value and returns its bytes.
func (r *Reader) Skip() ([]byte, bool) {
	r.space()
	start := r.pos
	if !r.skip(0) {
		return nil, false
	}
	return r.data[start:r.pos], true
}

func (r *Reader) skip(depth int) bool {
	if depth > MaxDepth {
		return false
	}
	switch r.Peek() {
	case '{':
		r.pos++
		if r.Consume('}') {
			return true
		}
		for {
			if r.Peek() != '"' || !r.skipString() || !r.Consume(':') || !r.skip(depth+1) {
				return false
			}
			if r.Consume('}') {
				return true
			}
			if !r.Consume(',') {
				return false
			}
		}
	case '[':
		r.pos++
		if r.Consume(']') {
			return true
		}
		for {
			if !r.skip(depth + 1) {
				return false
			}
			if r.Consume(']') {
				return true
			}
			if !r.Consume(',') {
				return false
			}
		}
	case '"':
		return r.skipString()
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return r.skipNumber()
	}
	return false
}

func (r *Reader) literal(word string) bool {
	if len(r.data)-r.pos < len(word) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return false
	}
	r.pos += len(word)
	return true
}

// skipString reads a valid string (r.pos at its opening quote).
func (r *Reader) skipString() bool {
	r.pos++
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			r.pos++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if r.pos+1 >= len(r.data) {
				return false
			}
			switch r.data[r.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.pos += 2
			case 'u':
				r.pos += 2
				if _, ok := r.hex4(); !ok {
					return false
				}
			default:
				return false
			}
		default:
			r.pos++ // invalid UTF-8 is valid JSON (decoded as U+FFFD)
		}
	}
	return false
}

// skipNumber reads a number as JSON's grammar has it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) skipNumber() bool {
	if r.data[r.pos] == '-' {
		r.pos++
	}
	switch {
	case r.pos < len(r.data) && r.data[r.pos] == '0':
		r.pos++
	case r.digits() == 0:
		return false
	}
	if r.pos < len(r.data) && r.data[r.pos] == '.' {
		r.pos++
		if r.digits() == 0 {
			return false
		}
	}
	if r.pos < len(r.data) && (r.data[r.pos] == 'e' || r.data[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.data) && (r.data[r.pos] == '+' || r.data[r.pos] == '-') {
			r.pos++
		}
		if r.digits() == 0 {
			return false
		}
	}
	return true
}

func (r *Reader) digits() int {
	start := r.pos
	for r.pos < len(r.data) && '0' <= r.data[r.pos] && r.data[r.pos] <= '9' {
		r.pos++
	}
	return r.pos - start
}

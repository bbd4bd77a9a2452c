package usersig

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits on outside input.
const (
	// MaxSigLen is the longest usersig string Decode and Verify look at.
	MaxSigLen = 1 << 20
	// maxDocLen caps the inflated document of a compressed (foreign) sig.
	maxDocLen = 1 << 20
	// maxJSONDepth caps the nesting of unknown values in the document.
	maxJSONDepth = 32
)

// Info is what a usersig says about itself, read without the secret key by
// [Decode]. It is meant for debugging rejected sigs (Tencent errors 70001,
// 70003, 70009, 70013, 70014): nothing in it is verified.
//
// An Info holds every field of the sig, so it is as sensitive as the sig
// itself. Printing it with any fmt verb (%v %+v %#v %s %q) or logging it
// through log/slog leaves the signature out; encoding/json keeps every
// field, so marshal it only where the sig itself could go.
type Info struct {
	// Version is TLS.ver, "2.0" for sigs of this format ("" when absent).
	Version string
	// Identifier is TLS.identifier, the user the sig is for.
	Identifier string
	// SDKAppID is TLS.sdkappid, the application the sig is for.
	SDKAppID uint64
	// IssuedAt is TLS.time, in UTC.
	IssuedAt time.Time
	// Validity is TLS.expire, the lifetime in whole seconds.
	Validity time.Duration
	// ExpiresAt is IssuedAt + Validity, in UTC. The sig is still valid at
	// exactly that second and expired after it.
	ExpiresAt time.Time
	// HasUserBuf reports whether the document carries TLS.userbuf.
	HasUserBuf bool
	// UserBuf is the decoded TLS.userbuf (nil when HasUserBuf is false).
	UserBuf []byte
	// Signature is the TLS.sig value: the standard base64 of the
	// HMAC-SHA256 over the fields.
	Signature string
}

// Expired reports whether the sig is expired at now, by the same rule as
// [Verify]: expired when now is after ExpiresAt (compared in whole seconds).
func (i *Info) Expired(now time.Time) bool {
	return now.Unix() > i.ExpiresAt.Unix()
}

// String describes the sig for logs and error reports; the signature is left
// out, so the result cannot be turned back into a working sig. The userbuf
// shows as its length only.
func (i Info) String() string {
	b := make([]byte, 0, 160)
	b = append(b, "usersig v"...)
	b = append(b, i.Version...)
	b = append(b, " identifier="...)
	b = strconv.AppendQuote(b, i.Identifier)
	b = append(b, " sdkappid="...)
	b = strconv.AppendUint(b, i.SDKAppID, 10)
	b = append(b, " issued="...)
	b = i.IssuedAt.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, " expires="...)
	b = i.ExpiresAt.UTC().AppendFormat(b, time.RFC3339)
	if i.HasUserBuf {
		b = append(b, " userbuf="...)
		b = strconv.AppendInt(b, int64(len(i.UserBuf)), 10)
		b = append(b, " bytes"...)
	}
	return string(b)
}

// Decode reads a usersig without checking it: no key is needed and nothing
// is verified. It accepts what [Verify] accepts (both base64 alphabets,
// padding required, any zlib level, any key order and spacing). Input that is
// not a usersig, or is longer than [MaxSigLen], gives an error wrapping
// [ErrMalformed]; Decode never panics.
func Decode(sig string) (*Info, error) {
	s := getScratch()
	defer putScratch(s)
	var f docFields
	if err := s.parse(sig, &f); err != nil {
		return nil, err
	}
	info := &Info{
		Version:    string(f.ver),
		Identifier: string(f.identifier),
		SDKAppID:   f.sdkAppID,
		IssuedAt:   time.Unix(f.time, 0).UTC(),
		Validity:   secondsToDuration(f.expire),
		ExpiresAt:  time.Unix(addSat(f.time, f.expire), 0).UTC(),
		HasUserBuf: f.hasUserBuf,
		Signature:  string(f.sig),
	}
	if f.hasUserBuf {
		info.UserBuf = bytes.Clone(s.ub)
		if info.UserBuf == nil {
			info.UserBuf = []byte{}
		}
	}
	return info, nil
}

// addSat returns a+b, saturated at the int64 limits.
func addSat(a, b int64) int64 {
	switch {
	case b > 0 && a > math.MaxInt64-b:
		return math.MaxInt64
	case b < 0 && a < math.MinInt64-b:
		return math.MinInt64
	}
	return a + b
}

// secondsToDuration converts seconds to a Duration, saturated.
func secondsToDuration(sec int64) time.Duration {
	const limit = int64(math.MaxInt64 / time.Second)
	switch {
	case sec > limit:
		return math.MaxInt64
	case sec < -limit:
		return math.MinInt64
	}
	return time.Duration(sec) * time.Second
}

// docFields are the fields of a parsed document. The byte slices point into
// the scratch buffers and are valid until the scratch goes back to the pool;
// the decoded userbuf is in scratch.ub.
type docFields struct {
	ver, identifier, userbuf, sig []byte
	sdkAppID                      uint64
	expire, time                  int64
	hasUserBuf                    bool
}

// parse decodes sig into f: base64, zlib, JSON, and the userbuf's base64
// (into s.ub).
func (s *scratch) parse(sig string, f *docFields) error {
	if len(sig) > MaxSigLen {
		return malformed("longer than " + strconv.Itoa(MaxSigLen) + " bytes")
	}
	z, err := decodeBase64(s.z[:0], sig)
	if err != nil {
		return err
	}
	s.z = z
	doc, err := s.inflate(z)
	if err != nil {
		return err
	}
	s.str = s.str[:0]
	p := jsonParser{b: doc, str: &s.str, ub: &s.ub}
	return p.document(f)
}

// decodeTable maps both the UserSig alphabet (* -) and the standard one (+ /)
// to 6-bit values; 0xff marks a byte outside both.
var decodeTable = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(stdAlphabet); i++ {
		t[stdAlphabet[i]] = byte(i)
	}
	t['*'], t['-'] = 62, 63
	return t
}()

func isPad(c byte) bool { return c == '_' || c == '=' }

// decodeBase64 appends the bytes of sig to dst. Both alphabets are accepted
// (even mixed, as the reference maps * - _ back and decodes the standard
// alphabet); padding (_ or =) is required.
func decodeBase64(dst []byte, sig string) ([]byte, error) {
	n := len(sig)
	if n == 0 {
		return nil, malformed("empty")
	}
	if n%4 != 0 {
		return nil, malformed("base64 length " + strconv.Itoa(n) + " is not a multiple of 4 (padding missing?)")
	}
	pad := 0
	if isPad(sig[n-1]) {
		pad++
		if isPad(sig[n-2]) {
			pad++
		}
	}
	size := n/4*3 - pad
	if cap(dst) < size+2 {
		dst = make([]byte, 0, size+2) // +2: slack for the 8-byte stores below
	}
	buf := dst[:cap(dst)]
	dst = dst[:size]
	// All quartets but the last are full. Two at a time while an 8-byte
	// store fits, then one at a time.
	body, i, o := sig[:n-4], 0, 0
	for ; i+8 <= len(body) && o+8 <= len(buf); i, o = i+8, o+6 {
		q := body[i : i+8]
		a, b, c, d := decodeTable[q[0]], decodeTable[q[1]], decodeTable[q[2]], decodeTable[q[3]]
		e, f, g, h := decodeTable[q[4]], decodeTable[q[5]], decodeTable[q[6]], decodeTable[q[7]]
		if (a|b|c|d|e|f|g|h)&0xc0 != 0 {
			if (a|b|c|d)&0xc0 == 0 {
				i += 4
			}
			return nil, malformed("bad base64 in quartet at offset " + strconv.Itoa(i))
		}
		binary.BigEndian.PutUint64(buf[o:o+8], uint64(a)<<58|uint64(b)<<52|uint64(c)<<46|uint64(d)<<40|
			uint64(e)<<34|uint64(f)<<28|uint64(g)<<22|uint64(h)<<16)
	}
	for ; i+4 <= len(body) && o+3 <= len(dst); i, o = i+4, o+3 {
		a, b, c, d := decodeTable[body[i]], decodeTable[body[i+1]], decodeTable[body[i+2]], decodeTable[body[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return nil, malformed("bad base64 in quartet at offset " + strconv.Itoa(i))
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst[o], dst[o+1], dst[o+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	last := sig[n-4:]
	a, b, c, d := decodeTable[last[0]], decodeTable[last[1]], byte(0), byte(0)
	if pad < 2 {
		c = decodeTable[last[2]]
	}
	if pad < 1 {
		d = decodeTable[last[3]]
	}
	if (a|b|c|d)&0xc0 != 0 {
		return nil, malformed("bad base64 in quartet at offset " + strconv.Itoa(n-4))
	}
	v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
	tail := dst[n/4*3-3:]
	switch pad {
	case 0:
		tail[0], tail[1], tail[2] = byte(v>>16), byte(v>>8), byte(v)
	case 1:
		tail[0], tail[1] = byte(v>>16), byte(v>>8)
	default:
		tail[0] = byte(v >> 16)
	}
	return dst, nil
}

// inflate returns the document inside the zlib stream z. Stored (level 0)
// streams, which is what this package and the reference write, are read
// directly, with the Adler-32 checked here; anything else goes through
// compress/zlib with a pooled reader.
func (s *scratch) inflate(z []byte) ([]byte, error) {
	if len(z) < 2 {
		return nil, malformed("truncated zlib header")
	}
	cmf, flg := z[0], z[1]
	if cmf&0x0f != 8 || cmf>>4 > 7 || (uint(cmf)<<8|uint(flg))%31 != 0 {
		return nil, malformed("not zlib data")
	}
	if flg&0x20 != 0 {
		return nil, malformed("zlib preset dictionary")
	}
	doc, stored, err := s.inflateStored(z[2:])
	if stored || err != nil {
		return doc, err
	}
	return s.inflateFlate(z)
}

// inflateStored reads a deflate stream made only of stored blocks, then the
// Adler-32. It reports stored=false, without error, at the first block of
// another type.
func (s *scratch) inflateStored(p []byte) (doc []byte, stored bool, err error) {
	copied := false
	for {
		if len(p) == 0 {
			return nil, true, malformed("truncated zlib data")
		}
		h := p[0]
		if (h>>1)&3 != 0 {
			return nil, false, nil
		}
		if len(p) < 5 {
			return nil, true, malformed("truncated zlib data")
		}
		n := int(p[1]) | int(p[2])<<8
		if uint16(p[3])|uint16(p[4])<<8 != ^uint16(n) {
			return nil, true, malformed("corrupt stored block length")
		}
		p = p[5:]
		if len(p) < n {
			return nil, true, malformed("truncated zlib data")
		}
		if blk := p[:n]; n > 0 {
			switch {
			case doc == nil:
				doc = blk
			case !copied:
				s.doc = append(append(s.doc[:0], doc...), blk...)
				doc, copied = s.doc, true
			default:
				s.doc = append(s.doc, blk...)
				doc = s.doc
			}
		}
		p = p[n:]
		if h&1 != 0 {
			break
		}
	}
	if len(p) < 4 {
		return nil, true, malformed("truncated zlib checksum")
	}
	if binary.BigEndian.Uint32(p) != adler32Sum(doc) {
		return nil, true, malformed("zlib checksum mismatch")
	}
	if len(p) > 4 {
		return nil, true, malformed("data after the zlib stream")
	}
	return doc, true, nil
}

// inflater is a reusable zlib reader over a byte slice.
type inflater struct {
	br bytes.Reader
	zr io.ReadCloser
}

// inflateFlate inflates a compressed zlib stream (other encoders' sigs).
func (s *scratch) inflateFlate(z []byte) ([]byte, error) {
	if s.inf == nil {
		s.inf = new(inflater)
	}
	f := s.inf
	f.br.Reset(z)
	if f.zr == nil {
		zr, err := zlib.NewReader(&f.br)
		if err != nil {
			return nil, malformed("zlib: " + err.Error())
		}
		f.zr = zr
	} else if err := f.zr.(zlib.Resetter).Reset(&f.br, nil); err != nil {
		return nil, malformed("zlib: " + err.Error())
	}
	doc := s.doc[:0]
	for {
		if len(doc) == cap(doc) {
			if len(doc) >= maxDocLen {
				s.doc = doc
				return nil, malformed("document longer than " + strconv.Itoa(maxDocLen) + " bytes")
			}
			doc = append(doc, 0)[:len(doc)]
		}
		n, err := f.zr.Read(doc[len(doc):cap(doc)])
		doc = doc[:len(doc)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			s.doc = doc
			if err == io.ErrUnexpectedEOF {
				return nil, malformed("truncated zlib data")
			}
			return nil, malformed("zlib: " + err.Error())
		}
	}
	s.doc = doc
	if f.br.Len() != 0 {
		return nil, malformed("data after the zlib stream")
	}
	return doc, nil
}

// jsonParser is a small, tolerant reader for the UserSig document: any key
// order, unknown keys (skipped), insignificant whitespace, every JSON string
// escape. Strings are unescaped the way encoding/json does it (invalid UTF-8
// and lone surrogates become U+FFFD); the integer fields must be JSON
// integers; null leaves a field unset. Duplicate keys: the last wins.
type jsonParser struct {
	b   []byte
	p   int
	str *[]byte // scratch for strings that need unescaping
	ub  *[]byte // the decoded TLS.userbuf
}

func (j *jsonParser) fail(what string) error {
	return malformed("document: " + what + " at offset " + strconv.Itoa(j.p))
}

func (j *jsonParser) ws() {
	for j.p < len(j.b) {
		switch j.b[j.p] {
		case ' ', '\t', '\n', '\r':
			j.p++
		default:
			return
		}
	}
}

// document parses the whole document into f.
func (j *jsonParser) document(f *docFields) error {
	j.ws()
	if j.p >= len(j.b) || j.b[j.p] != '{' {
		return j.fail("not a JSON object")
	}
	j.p++
	j.ws()
	if j.p < len(j.b) && j.b[j.p] == '}' {
		j.p++
	} else {
		for {
			j.ws()
			key, err := j.string()
			if err != nil {
				return err
			}
			j.ws()
			if j.p >= len(j.b) || j.b[j.p] != ':' {
				return j.fail("expected ':'")
			}
			j.p++
			j.ws()
			if err := j.field(key, f); err != nil {
				return err
			}
			j.ws()
			if j.p >= len(j.b) {
				return j.fail("unexpected end")
			}
			c := j.b[j.p]
			j.p++
			if c == '}' {
				break
			}
			if c != ',' {
				j.p--
				return j.fail("expected ',' or '}'")
			}
		}
	}
	j.ws()
	if j.p != len(j.b) {
		return j.fail("data after the JSON object")
	}
	return nil
}

// field reads the value of key into f (or skips it). As with encoding/json
// decoding into a struct, null leaves a field as it was, except that a null
// userbuf means no userbuf.
func (j *jsonParser) field(key []byte, f *docFields) error {
	if string(key) == "TLS.userbuf" {
		v, ok, err := j.stringOrNull("TLS.userbuf")
		if err != nil {
			return err
		}
		f.userbuf, f.hasUserBuf = v, ok
		if ok {
			// Decoded here, at every occurrence, as encoding/json does.
			ub, err := base64.StdEncoding.AppendDecode((*j.ub)[:0], v)
			if err != nil {
				return j.fail("TLS.userbuf is not base64")
			}
			*j.ub = ub
		}
		return nil
	}
	var (
		dst  *[]byte
		num  *int64
		name string
	)
	switch string(key) {
	case "TLS.ver":
		dst, name = &f.ver, "TLS.ver"
	case "TLS.identifier":
		dst, name = &f.identifier, "TLS.identifier"
	case "TLS.sig":
		dst, name = &f.sig, "TLS.sig"
	case "TLS.expire":
		num, name = &f.expire, "TLS.expire"
	case "TLS.time":
		num, name = &f.time, "TLS.time"
	case "TLS.sdkappid":
		if j.null() {
			return nil
		}
		neg, v, err := j.integer("TLS.sdkappid")
		if err != nil {
			return err
		}
		if neg {
			return j.fail("TLS.sdkappid is negative")
		}
		f.sdkAppID = v
		return nil
	default:
		return j.skip(0)
	}
	if j.null() {
		return nil
	}
	if dst != nil {
		v, _, err := j.stringOrNull(name)
		if err == nil {
			*dst = v
		}
		return err
	}
	v, err := j.int64(name)
	if err == nil {
		*num = v
	}
	return err
}

func (j *jsonParser) null() bool {
	if len(j.b)-j.p >= 4 && string(j.b[j.p:j.p+4]) == "null" {
		j.p += 4
		return true
	}
	return false
}

// stringOrNull reads a string (ok) or null (!ok).
func (j *jsonParser) stringOrNull(name string) (v []byte, ok bool, err error) {
	if j.null() {
		return nil, false, nil
	}
	if j.p >= len(j.b) || j.b[j.p] != '"' {
		return nil, false, j.fail(name + " is not a string")
	}
	v, err = j.string()
	return v, err == nil, err
}

func (j *jsonParser) int64(name string) (int64, error) {
	neg, v, err := j.integer(name)
	if err != nil {
		return 0, err
	}
	if neg {
		if v > 1<<63 {
			return 0, j.fail(name + " overflows int64")
		}
		return int64(-v), nil // -(1<<63) wraps to MinInt64, as intended
	}
	if v > math.MaxInt64 {
		return 0, j.fail(name + " overflows int64")
	}
	return int64(v), nil
}

// integer reads a JSON integer.
func (j *jsonParser) integer(name string) (neg bool, v uint64, err error) {
	b := j.b
	p := j.p
	if p < len(b) && b[p] == '-' {
		neg = true
		p++
	}
	start := p
	for p < len(b) && b[p] >= '0' && b[p] <= '9' {
		d := uint64(b[p] - '0')
		if v > (math.MaxUint64-d)/10 {
			return false, 0, j.fail(name + " overflows")
		}
		v = v*10 + d
		p++
	}
	switch {
	case p == start:
		return false, 0, j.fail(name + " is not an integer")
	case b[start] == '0' && p-start > 1:
		return false, 0, j.fail(name + " has a leading zero")
	case p < len(b) && (b[p] == '.' || b[p] == 'e' || b[p] == 'E'):
		j.p = p
		return false, 0, j.fail(name + " is not an integer")
	}
	j.p = p
	return neg, v, nil
}

// string reads a JSON string starting at the opening quote. Strings with no
// escapes and valid UTF-8 are returned in place; others are unescaped into
// the scratch buffer.
func (j *jsonParser) string() ([]byte, error) {
	b := j.b
	if j.p >= len(b) || b[j.p] != '"' {
		return nil, j.fail("expected a string")
	}
	start := j.p + 1
	i := start
	// Skip eight plain bytes at a time (no quote, backslash, control
	// character or non-ASCII byte), then go byte by byte.
	for i+8 <= len(b) && plain8(binary.LittleEndian.Uint64(b[i:i+8])) {
		i += 8
	}
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			j.p = i + 1
			return b[start:i], nil
		case c == '\\' || c < 0x20:
			return j.unescape(start)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return j.unescape(start)
			}
			i += size
		}
	}
	j.p = len(b)
	return nil, j.fail("unterminated string")
}

// plain8 reports whether none of the eight bytes in x is a quote, a
// backslash, a control character or a non-ASCII byte (SWAR: a lane is
// flagged when its high bit ends up set).
func plain8(x uint64) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	less20 := x - 0x20*ones // high bit set for lanes < 0x20 (given x < 0x80)
	quote := x ^ '"'*ones
	bslash := x ^ '\\'*ones
	zeroQ := quote - ones
	zeroB := bslash - ones
	return (x|less20|zeroQ&^quote|zeroB&^bslash)&high == 0
}

// unescape decodes the string whose body starts at start.
func (j *jsonParser) unescape(start int) ([]byte, error) {
	b := j.b
	out := *j.str
	from := len(out)
	i := start
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			j.p = i + 1
			*j.str = out
			return out[from:len(out):len(out)], nil
		case c < 0x20:
			j.p = i
			return nil, j.fail("control character in string")
		case c == '\\':
			if i+1 >= len(b) {
				j.p = i
				return nil, j.fail("unterminated string")
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out = append(out, '\b')
				i += 2
			case 'f':
				out = append(out, '\f')
				i += 2
			case 'n':
				out = append(out, '\n')
				i += 2
			case 'r':
				out = append(out, '\r')
				i += 2
			case 't':
				out = append(out, '\t')
				i += 2
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok {
					j.p = i
					return nil, j.fail("bad \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok := hex4(b, i+2)
					if ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
							i += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				j.p = i
				return nil, j.fail("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = append(out, "\uFFFD"...)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	j.p = len(b)
	*j.str = out
	return nil, j.fail("unterminated string")
}

// hex4 reads four hex digits at b[i:].
func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skip skips any JSON value.
func (j *jsonParser) skip(depth int) error {
	if depth > maxJSONDepth {
		return j.fail("nested too deeply")
	}
	if j.p >= len(j.b) {
		return j.fail("unexpected end")
	}
	switch c := j.b[j.p]; {
	case c == '"':
		_, err := j.string()
		return err
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		j.p++
		j.ws()
		if j.p < len(j.b) && j.b[j.p] == end {
			j.p++
			return nil
		}
		for {
			j.ws()
			if c == '{' {
				if _, err := j.string(); err != nil {
					return err
				}
				j.ws()
				if j.p >= len(j.b) || j.b[j.p] != ':' {
					return j.fail("expected ':'")
				}
				j.p++
				j.ws()
			}
			if err := j.skip(depth + 1); err != nil {
				return err
			}
			j.ws()
			if j.p >= len(j.b) {
				return j.fail("unexpected end")
			}
			switch j.b[j.p] {
			case ',':
				j.p++
			case end:
				j.p++
				return nil
			default:
				return j.fail("expected ',' or a closing bracket")
			}
		}
	case c == 't':
		return j.literal("true")
	case c == 'f':
		return j.literal("false")
	case c == 'n':
		return j.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return j.number()
	default:
		return j.fail("unexpected character")
	}
}

func (j *jsonParser) literal(lit string) error {
	if len(j.b)-j.p < len(lit) || string(j.b[j.p:j.p+len(lit)]) != lit {
		return j.fail("bad literal")
	}
	j.p += len(lit)
	return nil
}

// number skips a JSON number, checking its grammar.
func (j *jsonParser) number() error {
	b, p := j.b, j.p
	digits := func() int {
		s := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		return p - s
	}
	if p < len(b) && b[p] == '-' {
		p++
	}
	if p < len(b) && b[p] == '0' {
		p++
	} else if digits() == 0 {
		j.p = p
		return j.fail("bad number")
	}
	if p < len(b) && b[p] == '.' {
		p++
		if digits() == 0 {
			j.p = p
			return j.fail("bad number")
		}
	}
	if p < len(b) && (b[p] == 'e' || b[p] == 'E') {
		p++
		if p < len(b) && (b[p] == '+' || b[p] == '-') {
			p++
		}
		if digits() == 0 {
			j.p = p
			return j.fail("bad number")
		}
	}
	j.p = p
	return nil
}

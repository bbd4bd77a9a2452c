package usersig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"strconv"
	"sync"
	"unsafe"

	"github.com/timkit/tim/internal/jsonenc"
)

// Version is the TLS.ver value this package writes.
const Version = "2.0"

const (
	// maxStoredBlock is the largest payload of a deflate stored block.
	maxStoredBlock = 65535
	// macB64Len is the length of the standard base64 of an HMAC-SHA256.
	macB64Len = 44
	// docFrameOffset is where the document starts in a single-block zlib
	// stream: the 2-byte zlib header and the 5-byte stored-block header.
	docFrameOffset = 7
)

// macState is a keyed HMAC-SHA256 with space for its sum. crypto/hmac keeps
// the key's padded inner and outer states after the first Reset, so a pooled
// macState costs two SHA-256 blocks less per use than a fresh one.
type macState struct {
	h   hash.Hash
	sum [sha256.Size]byte
}

func newMACState(key []byte) *macState {
	return &macState{h: hmac.New(sha256.New, key)}
}

// mac returns HMAC-SHA256(key, input); the result aliases m.sum.
func (m *macState) mac(input []byte) []byte {
	m.h.Reset()
	m.h.Write(input)
	return m.h.Sum(m.sum[:0])
}

// scratch holds the reusable buffers of one generate or verify call.
type scratch struct {
	in  []byte // HMAC input
	ub  []byte // userbuf: standard base64 (generate) or decoded bytes (verify)
	z   []byte // zlib stream (generate) / decoded base64 (verify)
	doc []byte // the document when it is not one contiguous slice of z
	str []byte // unescaped JSON strings
	b64 []byte // base64 of a computed MAC (verify)
	inf *inflater
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{
		in:  make([]byte, 0, 256),
		ub:  make([]byte, 0, 128),
		z:   make([]byte, 0, 512),
		str: make([]byte, 0, 128),
		b64: make([]byte, 0, macB64Len),
	}
}}

// maxPooledBuf keeps a rare huge sig from pinning its buffers in the pool.
const maxPooledBuf = 64 << 10

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.z) > maxPooledBuf || cap(s.doc) > maxPooledBuf || cap(s.in) > maxPooledBuf ||
		cap(s.ub) > maxPooledBuf || cap(s.str) > maxPooledBuf || cap(s.b64) > maxPooledBuf {
		return
	}
	scratchPool.Put(s)
}

// encode is the low-level encoder: it builds the usersig for exactly these
// field values, with none of the input rules of [Generator]. A nil userbuf
// means "no userbuf"; an empty non-nil one is signed but left out of the
// document, as the reference encoder does.
func encode(sdkAppID uint64, key, identifier string, t, expire int64, userbuf []byte) string {
	m := newMACState([]byte(key))
	s := getScratch()
	sig := encodeWith(m, s, sdkAppID, identifier, t, expire, userbuf)
	putScratch(s)
	return sig
}

// encodeWith builds a usersig with the keyed m and the buffers of s. The only
// allocation is the returned string.
func encodeWith(m *macState, s *scratch, sdkAppID uint64, identifier string, t, expire int64, userbuf []byte) string {
	var nums numText
	nums.set(sdkAppID, t, expire)
	hasUserBuf := userbuf != nil
	s.ub = s.ub[:0]
	if hasUserBuf {
		s.ub = base64.StdEncoding.AppendEncode(s.ub, userbuf)
	}
	s.in = appendMACInput(s.in[:0], identifier, &nums, s.ub, hasUserBuf)
	sum := m.mac(s.in)

	// Write the document straight after room for the zlib header and one
	// stored-block header; move it only in the rare multi-block case.
	z := append(s.z[:0], 0x78, 0x01, 0, 0, 0, 0, 0)
	z = appendDoc(z, identifier, &nums, s.ub, sum)
	doc := z[docFrameOffset:]
	if len(doc) <= maxStoredBlock {
		n := len(doc)
		z[2], z[3], z[4], z[5], z[6] = 0x00, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8)
		z = appendZlibTrailer(z, adler32Sum(doc))
	} else {
		s.doc = append(s.doc[:0], doc...)
		z = appendZlibStored(z[:0], s.doc)
	}
	s.z = z

	out := make([]byte, sigEncodedLen(len(z)))
	encodeSigBase64(out, z)
	// out is never written again, so it can back the string directly (as
	// strings.Builder does), saving a copy and an allocation.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// numText holds the decimal forms of the numeric fields, formatted once for
// both the HMAC input and the document.
type numText struct {
	buf     [3 * 20]byte
	i, j, k uint8 // ends of sdkappid, time, expire in buf
}

func (n *numText) set(sdkAppID uint64, t, expire int64) {
	b := strconv.AppendUint(n.buf[:0], sdkAppID, 10)
	n.i = uint8(len(b))
	b = strconv.AppendInt(b, t, 10)
	n.j = uint8(len(b))
	b = strconv.AppendInt(b, expire, 10)
	n.k = uint8(len(b))
}

func (n *numText) sdkAppID() []byte { return n.buf[:n.i] }
func (n *numText) time() []byte     { return n.buf[n.i:n.j] }
func (n *numText) expire() []byte   { return n.buf[n.j:n.k] }

func isZero(num []byte) bool { return len(num) == 1 && num[0] == '0' }

// appendMACInput appends the HMAC input: one "name:value" line per field, in
// the order identifier, sdkappid, time, expire[, userbuf]. The identifier's
// raw bytes go in unescaped.
func appendMACInput(dst []byte, identifier string, n *numText, userbufB64 []byte, hasUserBuf bool) []byte {
	dst = append(dst, "TLS.identifier:"...)
	dst = append(dst, identifier...)
	dst = append(dst, "\nTLS.sdkappid:"...)
	dst = append(dst, n.sdkAppID()...)
	dst = append(dst, "\nTLS.time:"...)
	dst = append(dst, n.time()...)
	dst = append(dst, "\nTLS.expire:"...)
	dst = append(dst, n.expire()...)
	dst = append(dst, '\n')
	if hasUserBuf {
		dst = append(dst, "TLS.userbuf:"...)
		dst = append(dst, userbufB64...)
		dst = append(dst, '\n')
	}
	return dst
}

// appendDoc appends the JSON document exactly as the reference writes it:
// compact, keys in the order ver, identifier, sdkappid, expire, time,
// userbuf, sig, keys with an empty or zero value left out, and a trailing LF.
func appendDoc(dst []byte, identifier string, n *numText, userbufB64, mac []byte) []byte {
	dst = append(dst, `{"TLS.ver":"`+Version+`"`...)
	if identifier != "" {
		dst = append(dst, `,"TLS.identifier":`...)
		dst = jsonenc.AppendString(dst, identifier)
	}
	if !isZero(n.sdkAppID()) {
		dst = append(dst, `,"TLS.sdkappid":`...)
		dst = append(dst, n.sdkAppID()...)
	}
	if !isZero(n.expire()) {
		dst = append(dst, `,"TLS.expire":`...)
		dst = append(dst, n.expire()...)
	}
	if !isZero(n.time()) {
		dst = append(dst, `,"TLS.time":`...)
		dst = append(dst, n.time()...)
	}
	if len(userbufB64) != 0 {
		// Standard base64 never needs JSON escaping.
		dst = append(dst, `,"TLS.userbuf":"`...)
		dst = append(dst, userbufB64...)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"TLS.sig":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, mac)
	return append(dst, "\"}\n"...)
}

// appendZlibStored appends doc as a zlib stream at level 0, framed as Go's
// compress/zlib writes it: header 78 01, non-final stored blocks of at most
// 65535 bytes, an empty final stored block, and the Adler-32.
func appendZlibStored(dst, doc []byte) []byte {
	dst = append(dst, 0x78, 0x01)
	for p := doc; len(p) > 0; {
		n := min(len(p), maxStoredBlock)
		dst = append(dst, 0x00, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		dst = append(dst, p[:n]...)
		p = p[n:]
	}
	return appendZlibTrailer(dst, adler32Sum(doc))
}

// appendZlibTrailer appends the empty final stored block and the checksum.
func appendZlibTrailer(dst []byte, sum uint32) []byte {
	dst = append(dst, 0x01, 0x00, 0x00, 0xff, 0xff)
	return binary.BigEndian.AppendUint32(dst, sum)
}

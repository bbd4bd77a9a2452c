package usersig

import "encoding/binary"

// Hand-rolled base64 and Adler-32 for the hot paths. They are checked
// against encoding/base64 and hash/adler32 in fast_test.go.

const (
	stdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	sigAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-"
	sigPad      = '_'
)

// sigPairs maps 12 bits to the two sig-alphabet characters that encode them,
// packed little-endian, so three input bytes cost two lookups.
var sigPairs = func() (t [4096]uint16) {
	for i := range t {
		t[i] = uint16(sigAlphabet[i>>6]) | uint16(sigAlphabet[i&63])<<8
	}
	return t
}()

// sigEncodedLen is the length of the padded sig-alphabet base64 of n bytes.
func sigEncodedLen(n int) int { return (n + 2) / 3 * 4 }

// encodeSigBase64 writes the padded sig-alphabet base64 of src into dst,
// which must be exactly sigEncodedLen(len(src)) long.
func encodeSigBase64(dst, src []byte) {
	// Six bytes at a time: one 8-byte load, four pair lookups, one store.
	for len(src) >= 8 && len(dst) >= 8 {
		v := binary.BigEndian.Uint64(src) >> 16
		binary.LittleEndian.PutUint64(dst, uint64(sigPairs[v>>36&0xfff])|
			uint64(sigPairs[v>>24&0xfff])<<16|
			uint64(sigPairs[v>>12&0xfff])<<32|
			uint64(sigPairs[v&0xfff])<<48)
		src, dst = src[6:], dst[8:]
	}
	for len(src) >= 3 && len(dst) >= 4 {
		v := uint32(src[0])<<16 | uint32(src[1])<<8 | uint32(src[2])
		binary.LittleEndian.PutUint32(dst, uint32(sigPairs[v>>12])|uint32(sigPairs[v&0xfff])<<16)
		src, dst = src[3:], dst[4:]
	}
	switch len(src) {
	case 1:
		v := uint32(src[0]) << 16
		_ = dst[3]
		dst[0], dst[1], dst[2], dst[3] = sigAlphabet[v>>18], sigAlphabet[v>>12&63], sigPad, sigPad
	case 2:
		v := uint32(src[0])<<16 | uint32(src[1])<<8
		_ = dst[3]
		dst[0], dst[1], dst[2], dst[3] = sigAlphabet[v>>18], sigAlphabet[v>>12&63], sigAlphabet[v>>6&63], sigPad
	}
}

// adler32Sum returns the Adler-32 of p (RFC 1950). It takes eight bytes per
// step with SWAR arithmetic instead of the textbook byte-by-byte chain:
// s2 += 8·s1 + 8·b0 + 7·b1 + … + 1·b7 and s1 += b0 + … + b7, where the byte
// sums and weighted sums come from multiplying 16-bit lanes (no lane can
// carry into the next: every partial sum stays below 2^16).
func adler32Sum(p []byte) uint32 {
	const (
		mod = 65521
		// nmax is the most bytes that can be summed before s2 may overflow
		// 32 bits (as in zlib); a multiple of 8.
		nmax = 5552

		lanes = 0x00ff00ff00ff00ff
		ones  = 0x0001000100010001
		// Weights of the even bytes (b0 b2 b4 b6: 8 6 4 2) and odd bytes
		// (b1 b3 b5 b7: 7 5 3 1), placed so that the top lane of the
		// product collects the weighted sum.
		wEven = 2 | 4<<16 | 6<<32 | 8<<48
		wOdd  = 1 | 3<<16 | 5<<32 | 7<<48
	)
	s1, s2 := uint32(1), uint32(0)
	for len(p) > 0 {
		q := p
		if len(q) > nmax {
			q = q[:nmax]
		}
		p = p[len(q):]
		for len(q) >= 8 {
			x := binary.LittleEndian.Uint64(q)
			e := x & lanes
			o := (x >> 8) & lanes
			s2 += 8*s1 + uint32((e*wEven)>>48) + uint32((o*wOdd)>>48)
			s1 += uint32(((e + o) * ones) >> 48)
			q = q[8:]
		}
		for _, b := range q {
			s1 += uint32(b)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return s2<<16 | s1
}

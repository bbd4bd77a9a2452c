package usersig

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/adler32"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sigEncoding = base64.NewEncoding(sigAlphabet).WithPadding(sigPad)

func TestEncodeSigBase64(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		dst := make([]byte, sigEncodedLen(n))
		encodeSigBase64(dst, src)
		assert.Equal(t, sigEncoding.EncodeToString(src), string(dst), "n=%d", n)

		back, err := decodeBase64(nil, string(dst))
		if n == 0 {
			assert.ErrorIs(t, err, ErrMalformed)
			continue
		}
		require.NoError(t, err)
		assert.True(t, bytes.Equal(src, back), "n=%d", n)
		std := base64.StdEncoding.EncodeToString(src)
		back, err = decodeBase64(nil, std)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(src, back), "standard alphabet, n=%d", n)
	}
}

func TestDecodeBase64Rejects(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "e", "eA", "eAE", "eAE!", "eA_A", "e___", "____", "eA==eAEA", "eA=\n", "eAE=_AEA"} {
		_, err := decodeBase64(nil, s)
		assert.ErrorIs(t, err, ErrMalformed, "%q", s)
	}
}

func TestAdler32Sum(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	sizes := []int{0, 1, 7, 8, 9, 15, 16, 17, 100, 5551, 5552, 5553, 11104, 70000, 200000}
	for _, n := range sizes {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		assert.Equal(t, adler32.Checksum(p), adler32Sum(p), "random, n=%d", n)
		for i := range p {
			p[i] = 0xff
		}
		assert.Equal(t, adler32.Checksum(p), adler32Sum(p), "all 0xff, n=%d", n)
	}
}

func BenchmarkAdler32Sum(b *testing.B) {
	p := bytes.Repeat([]byte("x"), 190)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			adler32Sum(p)
		}
	})
	b.Run("hash/adler32", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
}

func BenchmarkSigBase64(b *testing.B) {
	src := bytes.Repeat([]byte("x"), 190)
	dst := make([]byte, sigEncodedLen(len(src)))
	encodeSigBase64(dst, src)
	s := string(dst)
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			encodeSigBase64(dst, src)
		}
	})
	b.Run("encoding/base64", func(b *testing.B) {
		for b.Loop() {
			sigEncoding.Encode(dst, src)
		}
	})
	out := make([]byte, 200)
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeBase64(out[:0], s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/encoding/base64", func(b *testing.B) {
		for b.Loop() {
			if _, err := sigEncoding.Decode(out, []byte(s)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestPlain8(t *testing.T) {
	t.Parallel()
	naive := func(w []byte) bool {
		for _, c := range w {
			if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
				return false
			}
		}
		return true
	}
	check := func(w []byte) {
		got := plain8(binary.LittleEndian.Uint64(w))
		if got && !naive(w) {
			t.Fatalf("plain8(%q) = true, want false", w)
		}
		if !got && naive(w) {
			t.Fatalf("plain8(%q) = false, want true", w)
		}
	}
	w := make([]byte, 8)
	for pos := range 8 {
		for c := range 256 {
			for i := range w {
				w[i] = 'a'
			}
			w[pos] = byte(c)
			check(w)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		for i := range w {
			w[i] = byte(0x1e + r.IntN(0x64)) // around the interesting edges
		}
		check(w)
	}
}

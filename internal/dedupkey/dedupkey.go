// Package dedupkey binds the dedup keys the SDK draws for a request to a
// fingerprint of what they protect.
//
// Tencent deduplicates several writes on caller-chosen keys (MsgRandom,
// MsgSeq, Random) for a while (120 s for a C2C send, 5 min for a group
// send, 7 days for an all-member push), sometimes whatever the content. A
// key reused for a different request makes Tencent swallow it as a
// duplicate of the first one while answering success. So keys the SDK
// draws are bound to a fingerprint of what they protect, and drawn again
// when it changes; keys the caller sets are the caller's and are never
// replaced (the caller owns their uniqueness).
package dedupkey

import (
	"encoding/binary"
	"math/rand/v2"
)

// Binding records the dedup keys the SDK drew for a value and a
// fingerprint of the value they were drawn for. The zero Binding has drawn
// nothing. Embed one (unexported) next to the key fields it guards.
type Binding struct {
	random, seq uint32 // the keys as drawn
	fp          uint64 // fingerprint of what they protect
	ok          bool
}

// Fix settles the keys *random and *seq (seq may be nil for an API with one
// key) for a value whose fingerprint is now fp:
//
//   - keys the caller set (nonzero and not what the SDK drew) are kept, all
//     of them: zero ones are filled in, none is replaced, nothing is bound;
//   - keys the SDK drew for this same fingerprint are kept (a resend);
//   - otherwise (none yet, or drawn for something else) fresh keys are
//     drawn and bound to fp.
//
// drawSeq draws the second key; nil means the value has a seq field that
// is not a key for it (a group message's Seq): it is neither checked nor
// drawn. Unless keys are drawn, Fix only reads, so an unchanged value may
// be sent from several goroutines.
func (k *Binding) Fix(fp uint64, random, seq *uint32, drawSeq func() uint32) {
	ours := func(v, drawn uint32) bool { return v == 0 || (k.ok && v == drawn) }
	hasSeq := seq != nil && drawSeq != nil
	if !ours(*random, k.random) || (hasSeq && !ours(*seq, k.seq)) {
		if *random == 0 {
			*random = NonZero()
		}
		if hasSeq && *seq == 0 {
			*seq = drawSeq()
		}
		return
	}
	if k.ok && k.fp == fp && *random == k.random && (!hasSeq || *seq == k.seq) {
		return
	}
	*random = NonZero()
	if hasSeq {
		*seq = drawSeq()
	}
	*k = Binding{random: *random, fp: fp, ok: true}
	if seq != nil {
		k.seq = *seq
	}
}

// NonZero draws a random nonzero uint32 (zero means "no key" on the wire).
func NonZero() uint32 {
	for {
		if v := rand.Uint32(); v != 0 {
			return v
		}
	}
}

// Fingerprint is a 64-bit FNV-1a hash over length-prefixed fields. It is
// deterministic across processes (keys may be derived from it) and needs
// no state. Start with New and chain the field methods.
type Fingerprint uint64

const (
	fnvOffset Fingerprint = 14695981039346656037
	fnvPrime  Fingerprint = 1099511628211
)

// New returns the fingerprint of nothing.
func New() Fingerprint { return fnvOffset }

func (h Fingerprint) raw(b []byte) Fingerprint {
	for _, c := range b {
		h ^= Fingerprint(c)
		h *= fnvPrime
	}
	return h
}

// U64 adds a fixed-size integer.
func (h Fingerprint) U64(v uint64) Fingerprint {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return h.raw(b[:])
}

// Bytes adds a length-prefixed byte string.
func (h Fingerprint) Bytes(b []byte) Fingerprint { return h.U64(uint64(len(b))).raw(b) }

// Str adds a length-prefixed string.
func (h Fingerprint) Str(s string) Fingerprint {
	h = h.U64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h ^= Fingerprint(s[i])
		h *= fnvPrime
	}
	return h
}

// Strs adds a counted list of strings.
func (h Fingerprint) Strs(ss []string) Fingerprint {
	h = h.U64(uint64(len(ss)))
	for _, s := range ss {
		h = h.Str(s)
	}
	return h
}

// Flag adds a boolean.
func (h Fingerprint) Flag(b bool) Fingerprint {
	if b {
		return h.U64(1)
	}
	return h.U64(0)
}

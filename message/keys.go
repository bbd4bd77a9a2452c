package message

import (
	"encoding/binary"
	"sync"
)

// Dedup keys and what they protect.
//
// Tencent deduplicates a C2C send on sender + MsgSeq + MsgRandom + CRC32 of
// the content (120 s; the recipient is not part of the key), a group send
// on Random + content (5 min), an import on MsgSeq + MsgRandom +
// MsgTimeStamp whatever the content. Keys reused for a different message
// make Tencent swallow it as a duplicate of the first one while answering
// success. So keys the SDK draws are bound to a fingerprint of what they
// protect, and drawn again when it changes; keys the caller sets are the
// caller's and are never replaced.

// keyBinding records the dedup keys the SDK drew for a value and a
// fingerprint of the value they were drawn for.
type keyBinding struct {
	random, seq uint32 // the keys as drawn
	fp          uint64 // fingerprint of what they protect
	ok          bool
}

// fix settles the keys *random and *seq (seq may be nil for an API with one
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
// drawn. Unless keys are drawn, fix only reads, so an unchanged value may
// be sent from several goroutines.
func (k *keyBinding) fix(fp uint64, random, seq *uint32, drawSeq func() uint32) {
	ours := func(v, drawn uint32) bool { return v == 0 || (k.ok && v == drawn) }
	hasSeq := seq != nil && drawSeq != nil
	if !ours(*random, k.random) || (hasSeq && !ours(*seq, k.seq)) {
		if *random == 0 {
			*random = nonZero()
		}
		if hasSeq && *seq == 0 {
			*seq = drawSeq()
		}
		return
	}
	if k.ok && k.fp == fp && *random == k.random && (!hasSeq || *seq == k.seq) {
		return
	}
	*random = nonZero()
	if hasSeq {
		*seq = drawSeq()
	}
	*k = keyBinding{random: *random, fp: fp, ok: true}
	if seq != nil {
		k.seq = *seq
	}
}

// fingerprint is a 64-bit FNV-1a hash over length-prefixed fields. It is
// deterministic across processes (chunk keys of a batch derive from it)
// and needs no state.
type fingerprint uint64

const (
	fnvOffset fingerprint = 14695981039346656037
	fnvPrime  fingerprint = 1099511628211
)

func newFingerprint() fingerprint { return fnvOffset }

func (h fingerprint) raw(b []byte) fingerprint {
	for _, c := range b {
		h ^= fingerprint(c)
		h *= fnvPrime
	}
	return h
}

func (h fingerprint) u64(v uint64) fingerprint {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return h.raw(b[:])
}

func (h fingerprint) bytes(b []byte) fingerprint { return h.u64(uint64(len(b))).raw(b) }

func (h fingerprint) str(s string) fingerprint {
	h = h.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		h ^= fingerprint(s[i])
		h *= fnvPrime
	}
	return h
}

func (h fingerprint) strs(ss []string) fingerprint {
	h = h.u64(uint64(len(ss)))
	for _, s := range ss {
		h = h.str(s)
	}
	return h
}

func (h fingerprint) flag(b bool) fingerprint {
	if b {
		return h.u64(1)
	}
	return h.u64(0)
}

// fingerprint covers what a message's keys protect: who sends it, where it
// goes and what it says: the conversation type, To, From, the encoded body
// and CloudCustomData, and for groups the targeted receivers, the topic and
// the @-mentions. Delivery settings (priority, offline push, controls,
// lifetime, …) are left out: a resend that only changes them is still the
// same message.
func (m *Message) fingerprint(body []byte) uint64 {
	h := newFingerprint().
		str(string(m.Conversation)).str(m.To).str(m.From).bytes(body).str(m.CloudCustomData)
	if m.Conversation == ConvGroup {
		h = h.strs(m.Receivers).str(m.TopicID).flag(m.MentionAll).strs(m.Mentions)
	}
	return uint64(h)
}

// fixKeysFor settles m's keys for the encoded body (see keyBinding.fix).
func (m *Message) fixKeysFor(body []byte) {
	drawSeq := clockSeq
	if m.Conversation == ConvGroup {
		drawSeq = nil
	}
	m.keys.fix(m.fingerprint(body), &m.Random, &m.Seq, drawSeq)
}

var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// fixKeys settles m's keys, encoding the body into a pooled buffer (a body
// that does not encode is fingerprinted as empty; Send reports its error).
func (m *Message) fixKeys() {
	bp := bodyBufs.Get().(*[]byte)
	enc, err := m.Body.appendJSON((*bp)[:0])
	if err != nil {
		enc = nil
	}
	m.fixKeysFor(enc)
	if enc != nil && cap(enc) <= 64<<10 {
		*bp = enc[:0]
	}
	bodyBufs.Put(bp)
}

// chunkRandom derives the MsgRandom of chunk i of a batch from the
// message's keys and the chunk's recipients: deterministic (the chunk's
// retries, a resend of the same message to the same list, and a resend
// after a restart with the keys persisted and WithKeys all carry the same
// value), and different for every chunk and every other recipient list.
func chunkRandom(random, seq uint32, i int, chunk []string) uint32 {
	h := newFingerprint().u64(uint64(random)).u64(uint64(seq)).u64(uint64(i)).strs(chunk)
	if r := uint32(h) ^ uint32(h>>32); r != 0 {
		return r
	}
	return 1
}

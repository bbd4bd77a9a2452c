package message

import (
	"sync"

	"github.com/timkit/tim/internal/dedupkey"
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
// caller's and are never replaced (internal/dedupkey).

// fingerprint covers what a message's keys protect: who sends it, where it
// goes and what it says: the conversation type, To, From, the encoded body
// and CloudCustomData, and for groups the targeted receivers, the topic and
// the @-mentions. Delivery settings (priority, offline push, controls,
// lifetime, …) are left out: a resend that only changes them is still the
// same message.
func (m *Message) fingerprint(body []byte) uint64 {
	h := dedupkey.New().
		Str(string(m.Conversation)).Str(m.To).Str(m.From).Bytes(body).Str(m.CloudCustomData)
	if m.Conversation == ConvGroup {
		h = h.Strs(m.Receivers).Str(m.TopicID).Flag(m.MentionAll).Strs(m.Mentions)
	}
	return uint64(h)
}

// fixKeysFor settles m's keys for the encoded body (see dedupkey.Binding.Fix).
func (m *Message) fixKeysFor(body []byte) {
	drawSeq := clockSeq
	if m.Conversation == ConvGroup {
		drawSeq = nil
	}
	m.keys.Fix(m.fingerprint(body), &m.Random, &m.Seq, drawSeq)
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
	h := dedupkey.New().U64(uint64(random)).U64(uint64(seq)).U64(uint64(i)).Strs(chunk)
	if r := uint32(h) ^ uint32(h>>32); r != 0 {
		return r
	}
	return 1
}

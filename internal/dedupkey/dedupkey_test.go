package dedupkey

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFixDrawsBindsAndRedraws(t *testing.T) {
	t.Parallel()
	var k Binding
	var random, seq uint32
	n := uint32(0)
	drawSeq := func() uint32 { n++; return n }

	k.Fix(1, &random, &seq, drawSeq)
	require.NotZero(t, random)
	require.Equal(t, uint32(1), seq)
	r1 := random

	k.Fix(1, &random, &seq, drawSeq)
	assert.Equal(t, r1, random, "same fingerprint: a resend keeps the keys")
	assert.Equal(t, uint32(1), seq)

	k.Fix(2, &random, &seq, drawSeq)
	assert.NotEqual(t, r1, random, "changed fingerprint: fresh keys")
	assert.Equal(t, uint32(2), seq)
}

func TestFixKeepsCallerKeys(t *testing.T) {
	t.Parallel()
	var k Binding
	random, seq := uint32(7), uint32(0)
	k.Fix(1, &random, &seq, func() uint32 { return 9 })
	assert.Equal(t, uint32(7), random, "a caller key is kept")
	assert.Equal(t, uint32(9), seq, "a zero key beside it is filled in")
	k.Fix(2, &random, &seq, func() uint32 { return 10 })
	assert.Equal(t, uint32(7), random, "and kept when the value changes")
	assert.Equal(t, uint32(9), seq)

	// A caller overwriting a drawn key owns it from then on.
	var k2 Binding
	var r uint32
	k2.Fix(1, &r, nil, nil)
	r = 42
	k2.Fix(2, &r, nil, nil)
	assert.Equal(t, uint32(42), r)
}

func TestFixWithoutSeqKey(t *testing.T) {
	t.Parallel()
	var k Binding
	random, seq := uint32(0), uint32(5) // a seq that is not a key
	k.Fix(1, &random, &seq, nil)
	assert.NotZero(t, random)
	assert.Equal(t, uint32(5), seq, "neither checked nor drawn")
	r := random
	seq = 6
	k.Fix(1, &random, &seq, nil)
	assert.Equal(t, r, random)
}

func TestFingerprintSeparatesFields(t *testing.T) {
	t.Parallel()
	fps := map[Fingerprint]string{}
	for name, h := range map[string]Fingerprint{
		"ab,c":    New().Str("ab").Str("c"),
		"a,bc":    New().Str("a").Str("bc"),
		"[ab c]":  New().Strs([]string{"ab", "c"}),
		"[ab] c":  New().Strs([]string{"ab"}).Str("c"),
		"true":    New().Flag(true),
		"false":   New().Flag(false),
		"nothing": New(),
	} {
		if other, dup := fps[h]; dup {
			t.Fatalf("%s and %s collide", name, other)
		}
		fps[h] = name
	}
	assert.Equal(t, New().Str("ab").Str("c"), New().Str("ab").Str("c"), "deterministic")
	assert.Equal(t, New().Bytes([]byte("ab")), New().Str("ab"), "Bytes and Str agree")
}

func TestNonZero(t *testing.T) {
	t.Parallel()
	for range 1000 {
		require.NotZero(t, NonZero())
	}
}

package usersig

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/jsonenc"
)

const (
	testAppID = 1400000000
	testKey   = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)

var testT0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) Option { return WithClock(func() time.Time { return t }) }

func newTestGenerator(t *testing.T, opts ...Option) *Generator {
	t.Helper()
	g, err := New(testAppID, testKey, opts...)
	require.NoError(t, err)
	return g
}

func TestNewRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		appID uint64
		key   string
		want  error
		msg   string
	}{
		{"appid 0", 0, testKey, ErrInvalidSDKAppID, "usersig: sdkappid 0 is out of range, must be 1..4294967295"},
		{"appid over uint32", 1 << 32, testKey, ErrInvalidSDKAppID, "usersig: sdkappid 4294967296 is out of range, must be 1..4294967295"},
		{"empty key", testAppID, "", ErrEmptyKey, "usersig: key is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := New(tt.appID, tt.key)
			assert.Nil(t, g)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.msg, err.Error())
		})
	}

	for _, id := range []uint64{1, MaxSDKAppID} {
		g, err := New(id, "k")
		require.NoError(t, err)
		assert.Equal(t, id, g.SDKAppID())
	}
}

func TestGenRules(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	tests := []struct {
		name     string
		id       string
		validity time.Duration
		userbuf  []byte
		want     error
		msg      string
	}{
		{"empty identifier", "", time.Hour, nil, ErrInvalidIdentifier, "usersig: identifier is empty, must be 1 to 32 bytes"},
		{"33-byte identifier", strings.Repeat("a", 33), time.Hour, nil, ErrInvalidIdentifier, "usersig: identifier is 33 bytes, limit is 32"},
		{"40-byte identifier", strings.Repeat("a", 40), time.Hour, nil, ErrInvalidIdentifier, "usersig: identifier is 40 bytes, limit is 32"},
		{"invalid UTF-8", "a\xffb", time.Hour, nil, ErrInvalidIdentifier, "usersig: identifier is not valid UTF-8"},
		{"validity 0", "user1", 0, nil, ErrInvalidValidity, "usersig: validity is 0s, must be at least 1s"},
		{"validity -1", "user1", -1, nil, ErrInvalidValidity, "usersig: validity is -1ns, must be at least 1s"},
		{"validity -1s", "user1", -time.Second, nil, ErrInvalidValidity, "usersig: validity is -1s, must be at least 1s"},
		{"validity under a second", "user1", 999 * time.Millisecond, nil, ErrInvalidValidity, "usersig: validity is 999ms, must be at least 1s"},
		{"empty non-nil userbuf", "user1", time.Hour, []byte{}, ErrInvalidUserBuf, "usersig: userbuf is empty but not nil; pass nil for no userbuf (an empty one is signed but left out of the sig, which then never verifies)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sig, err := g.GenWithUserBuf(tt.id, tt.validity, tt.userbuf)
			assert.Empty(t, sig)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.msg, err.Error())
			if tt.userbuf == nil {
				_, err = g.Gen(tt.id, tt.validity)
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
}

func TestGenLimits(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))

	id32 := strings.Repeat("x", MaxIdentifierLen)
	sig, err := g.Gen(id32, time.Second)
	require.NoError(t, err)
	assert.NoError(t, g.Verify(sig, id32))

	// Validity is whole seconds: the fraction is dropped.
	sig, err = g.Gen("user1", 1500*time.Millisecond)
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	assert.Equal(t, time.Second, info.Validity)

	// A nil userbuf is the same as none.
	a, err := g.Gen("user1", time.Hour)
	require.NoError(t, err)
	b, err := g.GenWithUserBuf("user1", time.Hour, nil)
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	ids := []string{"user_10086", "administrator", "a", "医生张三", "😀emoji🎉", "a<b>&c", "q\"uote\\back", "tab\there\nnl", "\u2028\u2029", "\x00\x1f\x7f", "a+b/c=d"}
	bufs := [][]byte{nil, {0}, []byte("abc"), bytes.Repeat([]byte{0xff, 0x00, '"'}, 100)}
	for _, id := range ids {
		for _, buf := range bufs {
			name := fmt.Sprintf("%q/%d", id, len(buf))
			validity := 7 * 24 * time.Hour
			sig, err := g.GenWithUserBuf(id, validity, buf)
			if checkIdentifier(id) != nil {
				// Controls are refused by Gen (the user-id policy) but
				// may come in sigs of other encoders: encode directly to
				// cover their escaping.
				require.ErrorIs(t, err, ErrInvalidIdentifier, name)
				sig, err = g.encodeAt(id, testT0.Unix(), int64(validity/time.Second), buf), nil
			}
			require.NoError(t, err, name)
			assert.True(t, strings.HasPrefix(sig, "eAE"), name)

			assert.NoError(t, g.VerifyWithUserBuf(sig, id, buf), name)
			assert.NoError(t, Verify(sig, testAppID, testKey, id, buf, testT0.Add(validity)), name+": valid at the last second")
			assert.ErrorIs(t, Verify(sig, testAppID, testKey, id, buf, testT0.Add(validity+time.Second)), ErrExpired, name)
			assert.NoError(t, Verify(sig, testAppID, testKey, id, buf, testT0.Add(-time.Hour)), name+": no not-before check")

			info, err := Decode(sig)
			require.NoError(t, err, name)
			assert.Equal(t, Version, info.Version)
			assert.Equal(t, id, info.Identifier)
			assert.Equal(t, uint64(testAppID), info.SDKAppID)
			assert.Equal(t, testT0, info.IssuedAt)
			assert.Equal(t, validity, info.Validity)
			assert.Equal(t, testT0.Add(validity), info.ExpiresAt)
			assert.Equal(t, buf != nil, info.HasUserBuf)
			assert.Equal(t, buf, info.UserBuf)
			assert.Len(t, info.Signature, 44)
			assert.False(t, info.Expired(testT0.Add(validity)))
			assert.True(t, info.Expired(testT0.Add(validity+time.Second)))
		}
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.Gen("alice", time.Hour)
	require.NoError(t, err)
	sigBuf, err := g.GenWithUserBuf("alice", time.Hour, []byte("abc"))
	require.NoError(t, err)

	tests := []struct {
		name    string
		err     error
		want    error
		message string
	}{
		{"sdkappid", Verify(sig, 1400000001, testKey, "alice", nil, testT0), ErrSDKAppID,
			"usersig: sdkappid mismatch: sig is for 1400000000, want 1400000001"},
		{"identifier", Verify(sig, testAppID, testKey, "bob", nil, testT0), ErrIdentifier,
			`usersig: identifier mismatch: sig is for "alice", want "bob"`},
		{"identifier case", g.Verify(sig, "Alice"), ErrIdentifier,
			`usersig: identifier mismatch: sig is for "alice", want "Alice"`},
		{"expired", Verify(sig, testAppID, testKey, "alice", nil, testT0.Add(time.Hour+time.Second)), ErrExpired,
			"usersig: expired at 2025-01-01T01:00:00Z (now 2025-01-01T01:00:01Z)"},
		{"userbuf unexpected", Verify(sigBuf, testAppID, testKey, "alice", nil, testT0), ErrUserBuf,
			"usersig: userbuf mismatch: sig carries a userbuf, none expected"},
		{"userbuf missing", Verify(sig, testAppID, testKey, "alice", []byte("abc"), testT0), ErrUserBuf,
			"usersig: userbuf mismatch: sig carries no userbuf, one expected"},
		{"userbuf differs", Verify(sigBuf, testAppID, testKey, "alice", []byte("abcd"), testT0), ErrUserBuf,
			"usersig: userbuf mismatch: sig carries a different userbuf (3 bytes, want 4)"},
		{"key", Verify(sig, testAppID, "another key", "alice", nil, testT0), ErrSignature,
			"usersig: signature mismatch (another secret key, or an altered document)"},
		{"empty", Verify("", testAppID, testKey, "alice", nil, testT0), ErrMalformed, "usersig: malformed: empty"},
		{"not zlib", g.Verify("aGVsbG8gd29ybGQsIG5vdCB6bGli", "alice"), ErrMalformed, "usersig: malformed: not zlib data"},
		{"no padding", g.Verify(strings.TrimRight(sig, "_"), "alice"), ErrMalformed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Error(t, tt.err)
			assert.ErrorIs(t, tt.err, tt.want)
			for _, other := range []error{ErrMalformed, ErrSDKAppID, ErrIdentifier, ErrExpired, ErrUserBuf, ErrSignature} {
				if other != tt.want {
					assert.NotErrorIs(t, tt.err, other)
				}
			}
			if tt.message != "" {
				assert.Equal(t, tt.message, tt.err.Error())
			}
			assertSafeError(t, tt.err, testKey, sig)
			assertSafeError(t, tt.err, testKey, sigBuf)
		})
	}
}

func TestVerifyLongIdentifierIsCutInMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 100)
	sig := encode(testAppID, testKey, long, testT0.Unix(), 60, nil)
	err := Verify(sig, testAppID, testKey, "bob", nil, testT0)
	require.ErrorIs(t, err, ErrIdentifier)
	assert.Less(t, len(err.Error()), 150)
	assert.Contains(t, err.Error(), "…")
	// The cut happens on a rune boundary.
	assert.NotContains(t, err.Error(), `\x`)
	assert.NoError(t, Verify(sig, testAppID, testKey, long, nil, testT0))
}

func TestGeneratorHidesKey(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		out := fmt.Sprintf(verb, g)
		assert.NotContains(t, out, testKey, verb)
		assert.NotContains(t, out, fmt.Sprintf("%x", testKey), verb)
		out = fmt.Sprintf(verb, []any{g})
		assert.NotContains(t, out, testKey, verb)
	}
	assert.Equal(t, "usersig.Generator(sdkappid=1400000000)", g.String())
}

func TestGeneratorClock(t *testing.T) {
	t.Parallel()
	now := testT0
	g := newTestGenerator(t, WithClock(func() time.Time { return now }))
	for name, opt := range map[string]Option{"nil clock": WithClock(nil), "nil option": nil} {
		bad, err := New(testAppID, testKey, opt)
		assert.Nil(t, bad, name)
		assert.ErrorIs(t, err, ErrInvalidOption, name)
	}
	sig, err := g.Gen("user1", time.Minute)
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	assert.Equal(t, testT0, info.IssuedAt)

	now = testT0.Add(time.Minute)
	assert.NoError(t, g.Verify(sig, "user1"))
	now = now.Add(time.Second)
	assert.ErrorIs(t, g.Verify(sig, "user1"), ErrExpired)

	// The default clock is the real one.
	g2 := newTestGenerator(t)
	sig, err = g2.Gen("user1", time.Minute)
	require.NoError(t, err)
	info, err = Decode(sig)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), info.IssuedAt, 5*time.Second)
	assert.NoError(t, g2.Verify(sig, "user1"))
}

func TestInfoString(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.GenWithUserBuf("user1", time.Hour, []byte("abc"))
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	s := info.String()
	assert.Equal(t, `usersig v2.0 identifier="user1" sdkappid=1400000000 issued=2025-01-01T00:00:00Z expires=2025-01-01T01:00:00Z userbuf=3 bytes`, s)
	assert.NotContains(t, s, info.Signature)
	assert.NotContains(t, fmt.Sprint(info), info.Signature)
}

// refDoc mirrors the document as encoding/json writes it from the format
// description (omitempty everywhere, []byte as standard base64).
type refDoc struct {
	Ver        string `json:"TLS.ver,omitempty"`
	Identifier string `json:"TLS.identifier,omitempty"`
	SDKAppID   uint64 `json:"TLS.sdkappid,omitempty"`
	Expire     int64  `json:"TLS.expire,omitempty"`
	Time       int64  `json:"TLS.time,omitempty"`
	UserBuf    []byte `json:"TLS.userbuf,omitempty"`
	Sig        string `json:"TLS.sig,omitempty"`
}

// referenceSig builds a usersig the slow, obvious way: encoding/json,
// crypto/hmac, compress/zlib at level 0, encoding/base64.
func referenceSig(tb testing.TB, sdkAppID uint64, key, identifier string, t, expire int64, userbuf []byte) string {
	tb.Helper()
	in := fmt.Sprintf("TLS.identifier:%s\nTLS.sdkappid:%d\nTLS.time:%d\nTLS.expire:%d\n", identifier, sdkAppID, t, expire)
	if userbuf != nil {
		in += "TLS.userbuf:" + base64.StdEncoding.EncodeToString(userbuf) + "\n"
	}
	mac := newMACState([]byte(key)).mac([]byte(in))
	doc := refDoc{Ver: "2.0", Identifier: identifier, SDKAppID: sdkAppID, Expire: expire, Time: t, UserBuf: userbuf,
		Sig: base64.StdEncoding.EncodeToString(mac)}
	var docBuf bytes.Buffer
	require.NoError(tb, json.NewEncoder(&docBuf).Encode(doc))
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.NoCompression)
	require.NoError(tb, err)
	_, err = zw.Write(docBuf.Bytes())
	require.NoError(tb, err)
	require.NoError(tb, zw.Close())
	return sigEncoding.EncodeToString(z.Bytes())
}

func TestEncodeMatchesSlowPath(t *testing.T) {
	t.Parallel()
	ids := []string{"", "user1", "a<b>&c", "\u2028x\u2029", "bad\xffutf8\xc3", "\x00\x01\b\f\x7f", "医生"}
	for _, id := range ids {
		for _, buf := range [][]byte{nil, {}, {1, 2, 3}} {
			for _, times := range [][2]int64{{1700000000, 86400}, {0, 0}, {-5, -7}} {
				want := referenceSig(t, testAppID, testKey, id, times[0], times[1], buf)
				got := encode(testAppID, testKey, id, times[0], times[1], buf)
				assert.Equal(t, want, got, "%q %v %v", id, buf, times)
			}
		}
	}
}

// TestMultiBlock covers documents over 65535 bytes, which the encoder splits
// into several stored blocks, including lengths that are exact multiples.
func TestMultiBlock(t *testing.T) {
	t.Parallel()
	// Document length for a given identifier and userbuf length.
	docLen := func(id string, n int) int {
		var nums numText
		nums.set(testAppID, 1700000000, 86400)
		ub := base64.StdEncoding.AppendEncode(nil, make([]byte, n))
		return len(appendDoc(nil, id, &nums, ub, make([]byte, 32)))
	}
	cases := map[string]int{} // identifier → userbuf length
	for _, target := range []int{65535, 65536, 131070, 131071, 200000} {
		found := false
		for idLen := 1; idLen <= MaxIdentifierLen && !found; idLen++ {
			id := strings.Repeat("i", idLen)
			base := docLen(id, 0)
			for n := (target - base - 24) * 3 / 4; n > 0 && n < (target-base)*3/4; n++ {
				if docLen(id, n) == target {
					cases[id+fmt.Sprint("#", target)] = n
					found = true
					break
				}
			}
		}
		require.True(t, found, "no case for doc length %d", target)
	}
	g := newTestGenerator(t, fixedClock(time.Unix(1700000000, 0)))
	for name, n := range cases {
		id := name[:strings.IndexByte(name, '#')]
		buf := bytes.Repeat([]byte{0xa5, 0x5a, 0x00}, n/3+1)[:n]
		want := referenceSig(t, testAppID, testKey, id, 1700000000, 86400, buf)
		got := encode(testAppID, testKey, id, 1700000000, 86400, buf)
		require.Equal(t, want, got, name)
		gen, err := g.GenWithUserBuf(id, 24*time.Hour, buf)
		require.NoError(t, err)
		assert.Equal(t, want, gen, name)
		assert.NoError(t, g.VerifyWithUserBuf(got, id, buf), name)
		info, err := Decode(got)
		require.NoError(t, err, name)
		assert.Equal(t, buf, info.UserBuf, name)
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	inputs := []string{"", "plain", string(all), "\u2028\u2029\u2027\u202a", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe4\xb8", "<script>&amp;</script>", "\U0010ffff"}
	for _, s := range inputs {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(jsonenc.AppendString(nil, s)), "%q", s)
	}
}

// zlibSig wraps a document into a usersig with compress/zlib at level.
func zlibSig(tb testing.TB, doc string, level int) string {
	tb.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, level)
	require.NoError(tb, err)
	_, err = zw.Write([]byte(doc))
	require.NoError(tb, err)
	require.NoError(tb, zw.Close())
	return sigEncoding.EncodeToString(z.Bytes())
}

// signedDoc returns the TLS.sig for the given fields under testKey.
func signedDoc(id string, t, expire int64, userbuf []byte) string {
	var nums numText
	nums.set(testAppID, t, expire)
	var ub []byte
	if userbuf != nil {
		ub = base64.StdEncoding.AppendEncode(nil, userbuf)
	}
	return base64.StdEncoding.EncodeToString(newMACState([]byte(testKey)).mac(appendMACInput(nil, id, &nums, ub, userbuf != nil)))
}

func TestForeignDocuments(t *testing.T) {
	t.Parallel()
	mac := signedDoc("医生/a", 1700000000, 86400, nil)
	macBuf := signedDoc("医生/a", 1700000000, 86400, []byte("abc"))
	now := time.Unix(1700000000, 0)
	valid := []struct {
		name string
		doc  string
		buf  []byte
	}{
		{"compact", `{"TLS.ver":"2.0","TLS.identifier":"医生/a","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1700000000,"TLS.sig":"` + mac + `"}`, nil},
		{"spacing and escapes", " \r\n\t{ \"TLS.sig\" : \"" + strings.ReplaceAll(mac, "/", `\/`) + `" , "TLS.identifier" : "\u533b\u751F\/a", "TLS.time" : 1700000000 , "TLS.expire": 86400, "TLS.sdkappid": 1400000000 } ` + "\n", nil},
		{"escaped key", `{"TLS\u002eidentifier":"医生/a","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1700000000,"TLS.sig":"` + mac + `"}`, nil},
		{"unknown keys of every type", `{"x":{"a":[1,-2.5e+3,true,false,null,{"b":"\"\\"}]},"y":[],"z":{},"TLS.identifier":"医生/a","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1700000000,"TLS.sig":"` + mac + `","n":-0.0E-0}`, nil},
		{"nulls and duplicates", `{"TLS.identifier":"someone else","TLS.identifier":"医生/a","TLS.sdkappid":1,"TLS.sdkappid":1400000000,"TLS.sdkappid":null,"TLS.expire":86400,"TLS.time":1700000000,"TLS.ver":null,"TLS.sig":"` + mac + `"}`, nil},
		{"userbuf", `{"TLS.userbuf":"YWJj","TLS.identifier":"医生/a","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1700000000,"TLS.sig":"` + macBuf + `"}`, []byte("abc")},
		{"userbuf with escaped slash", `{"TLS.userbuf":"YW\/j","TLS.identifier":"医生/a","TLS.sdkappid":1400000000,"TLS.expire":86400,"TLS.time":1700000000,"TLS.sig":"` +
			signedDoc("医生/a", 1700000000, 86400, mustB64("YW/j")) + `"}`, mustB64("YW/j")},
	}
	for _, tt := range valid {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, zlib.DefaultCompression, zlib.BestCompression} {
			sig := zlibSig(t, tt.doc, level)
			assert.NoError(t, Verify(sig, testAppID, testKey, "医生/a", tt.buf, now), "%s level %d", tt.name, level)
		}
	}

	malformedDocs := []string{
		``, ` `, `null`, `[]`, `"x"`, `{`, `{"TLS.sig"}`, `{"TLS.sig":}`, `{"TLS.sig":"x",}`, `{,}`, `{} {}`, `{}x`,
		`{"TLS.sdkappid":"1400000000"}`, `{"TLS.sdkappid":1.0}`, `{"TLS.sdkappid":1e9}`, `{"TLS.sdkappid":-1}`, `{"TLS.sdkappid":-0}`,
		`{"TLS.sdkappid":01}`, `{"TLS.sdkappid":18446744073709551616}`, `{"TLS.time":9223372036854775808}`,
		`{"TLS.time":-9223372036854775809}`, `{"TLS.expire":"1"}`, `{"TLS.identifier":1}`, `{"TLS.sig":true}`,
		`{"TLS.identifier":"a` + "\x01" + `"}`, `{"TLS.identifier":"\x"}`, `{"TLS.identifier":"\u12"}`, `{"TLS.identifier":"\'"}`,
		`{"TLS.identifier":"abc`, `{"TLS.userbuf":"***"}`, `{"x":tru}`, `{"x":nul}`, `{"x":-}`, `{"x":1.}`, `{"x":1e}`, `{"x":.5}`,
		`{"x":[1 2]}`, `{"x":{"a" 1}}`, `{"x":{1:2}}`, strings.Repeat(`{"x":`, 40) + "1" + strings.Repeat("}", 40),
	}
	for _, doc := range malformedDocs {
		for _, level := range []int{zlib.NoCompression, zlib.DefaultCompression} {
			sig := zlibSig(t, doc, level)
			err := Verify(sig, testAppID, testKey, "a", nil, now)
			assert.ErrorIs(t, err, ErrMalformed, "%q level %d", doc, level)
			_, err = Decode(sig)
			assert.ErrorIs(t, err, ErrMalformed, "%q level %d", doc, level)
		}
	}

	// Extremes that parse: int64 bounds and saturating expiry.
	info, err := Decode(zlibSig(t, `{"TLS.time":9223372036854775807,"TLS.expire":9223372036854775807,"TLS.sdkappid":18446744073709551615}`, 0))
	require.NoError(t, err)
	assert.Equal(t, uint64(18446744073709551615), info.SDKAppID)
	assert.False(t, info.Expired(time.Now()))
	info, err = Decode(zlibSig(t, `{"TLS.time":-9223372036854775808,"TLS.expire":-9223372036854775808}`, 0))
	require.NoError(t, err)
	assert.True(t, info.Expired(time.Now()))
	assert.Equal(t, time.Duration(-1<<63), info.Validity)
}

func mustB64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestDecodeGenVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Gen {
		info, err := Decode(v.UserSig)
		require.NoError(t, err, v.Name)
		assert.Equal(t, Version, info.Version, v.Name)
		assert.Equal(t, v.Identifier, info.Identifier, v.Name)
		assert.Equal(t, v.SDKAppID, info.SDKAppID, v.Name)
		assert.Equal(t, time.Unix(v.Time, 0).UTC(), info.IssuedAt, v.Name)
		assert.Equal(t, time.Duration(v.Expire)*time.Second, info.Validity, v.Name)
		assert.Equal(t, time.Unix(v.Time+v.Expire, 0).UTC(), info.ExpiresAt, v.Name)
		assert.Equal(t, v.SigB64, info.Signature, v.Name)
		ub := userBuf(t, v.UserBufB64)
		// The empty-userbuf quirk: signed, but not in the document.
		assert.Equal(t, len(ub) > 0, info.HasUserBuf, v.Name)
		if len(ub) > 0 {
			assert.Equal(t, ub, info.UserBuf, v.Name)
		} else {
			assert.Nil(t, info.UserBuf, v.Name)
		}
	}
}

// TestGarbageNeverPanics mutates valid sigs every way a short test can.
func TestGarbageNeverPanics(t *testing.T) {
	t.Parallel()
	vf := loadVectors(t)
	var sigs []string
	for _, v := range vf.Gen {
		sigs = append(sigs, v.UserSig)
	}
	for _, v := range vf.Verify {
		sigs = append(sigs, v.UserSig)
	}
	check := func(s string) {
		info, err := Decode(s)
		if err != nil {
			assert.ErrorIs(t, err, ErrMalformed)
			assert.Nil(t, info)
		}
		err = Verify(s, testAppID, testKey, "user1", nil, testT0)
		if err != nil {
			assert.True(t, isOneSentinel(err), "%v", err)
			assertSafeError(t, err, testKey, s)
		}
	}
	for _, s := range sigs[:12] {
		for i := range len(s) {
			check(s[:i])
			check(s[i:])
			for _, c := range []byte{'A', '*', '-', '_', '=', '+', '/', '!', 0} {
				b := []byte(s)
				b[i] = c
				check(string(b))
			}
		}
	}
	// Bit flips in the zlib bytes, re-encoded validly.
	for _, s := range sigs[:6] {
		raw, err := decodeBase64(nil, s)
		require.NoError(t, err)
		for i := range raw {
			for bit := range 8 {
				b := bytes.Clone(raw)
				b[i] ^= 1 << bit
				check(sigEncoding.EncodeToString(b))
			}
		}
	}
	check(strings.Repeat("A", MaxSigLen+4))
}

// isOneSentinel reports whether err wraps exactly one of the verify sentinels.
func isOneSentinel(err error) bool {
	n := 0
	for _, s := range []error{ErrMalformed, ErrSDKAppID, ErrIdentifier, ErrExpired, ErrUserBuf, ErrSignature} {
		if errors.Is(err, s) {
			n++
		}
	}
	return n == 1
}

// A zlib stream followed by extra bytes, and a preset-dictionary header,
// are rejected.
func TestZlibEdges(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.Gen("user1", time.Hour)
	require.NoError(t, err)
	raw, err := decodeBase64(nil, sig)
	require.NoError(t, err)

	extra := sigEncoding.EncodeToString(append(bytes.Clone(raw), 0))
	assert.ErrorIs(t, g.Verify(extra, "user1"), ErrMalformed)

	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(`{"TLS.identifier":"user1"}`))
	require.NoError(t, zw.Close())
	extra = sigEncoding.EncodeToString(append(z.Bytes(), 1, 2, 3))
	assert.ErrorIs(t, g.Verify(extra, "user1"), ErrMalformed)

	// FDICT set, with a header check that is otherwise valid.
	dict := bytes.Clone(raw)
	for f := byte(0x20); f < 0x40; f++ {
		if (uint(0x78)<<8|uint(f))%31 == 0 {
			dict[1] = f
		}
	}
	assert.ErrorIs(t, g.Verify(sigEncoding.EncodeToString(dict), "user1"), ErrMalformed)

	// Standard alphabet with '=' padding, and a mixed alphabet, verify.
	std := base64.StdEncoding.EncodeToString(raw)
	assert.NoError(t, g.Verify(std, "user1"))
	mixed := []byte(sig)
	for i, c := range mixed {
		if c == '*' && i%2 == 0 {
			mixed[i] = '+'
		}
	}
	assert.NoError(t, g.Verify(string(mixed), "user1"))
}

package usersig

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for every parser of outside input. Seeds come from the golden
// vectors. Run one with: go test -run '^$' -fuzz FuzzDecode -fuzztime 20s ./usersig/

func seedSigs(f *testing.F) []string {
	f.Helper()
	vf := loadVectors(f)
	var sigs []string
	for _, v := range vf.Gen {
		sigs = append(sigs, v.UserSig)
	}
	for _, v := range vf.Verify {
		sigs = append(sigs, v.UserSig)
	}
	return sigs
}

func FuzzDecode(f *testing.F) {
	for _, s := range seedSigs(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sig string) {
		info, err := Decode(sig)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || info != nil {
				t.Fatalf("Decode error %v (info %v) does not wrap ErrMalformed alone", err, info)
			}
			if len(sig) >= 16 && strings.Contains(err.Error(), sig) {
				t.Fatalf("error %q contains the sig", err)
			}
			return
		}
		// Fields are consistent with each other.
		if info.HasUserBuf != (info.UserBuf != nil) {
			t.Fatalf("HasUserBuf %v but UserBuf %v", info.HasUserBuf, info.UserBuf)
		}
		if info.IssuedAt.Location() != time.UTC || info.ExpiresAt.Location() != time.UTC {
			t.Fatal("times are not UTC")
		}
		secs := int64(info.Validity / time.Second)
		if info.Validity != math.MaxInt64 && info.Validity != math.MinInt64 &&
			info.ExpiresAt.Unix() != addSat(info.IssuedAt.Unix(), secs) {
			t.Fatalf("ExpiresAt %v != IssuedAt %v + %v", info.ExpiresAt, info.IssuedAt, info.Validity)
		}
		_ = info.String()
		// What Decode reads, Verify reads the same way: with the decoded
		// fields only the expiry (negative TLS.expire) or the HMAC can fail.
		err = Verify(sig, info.SDKAppID, "fuzz key", info.Identifier, info.UserBuf, info.IssuedAt)
		if err != nil && !errors.Is(err, ErrSignature) && !errors.Is(err, ErrExpired) {
			t.Fatalf("Verify with the decoded fields: %v", err)
		}
	})
}

func FuzzVerify(f *testing.F) {
	vf := loadVectors(f)
	for _, v := range vf.Verify {
		ub := []byte(nil)
		if v.UserBufB64 != nil {
			ub = userBuf(f, v.UserBufB64)
		}
		f.Add(v.UserSig, v.Identifier, v.Now, ub, v.UserBufB64 != nil)
	}
	f.Fuzz(func(t *testing.T, sig, identifier string, now int64, ub []byte, hasUB bool) {
		if !hasUB {
			ub = nil
		} else if ub == nil {
			ub = []byte{}
		}
		err := Verify(sig, testAppID, testKey, identifier, ub, time.Unix(now, 0))
		if err != nil {
			if !isOneSentinel(err) {
				t.Fatalf("error %v wraps not exactly one sentinel", err)
			}
			if strings.Contains(err.Error(), testKey) || (len(sig) >= 16 && strings.Contains(err.Error(), sig)) {
				t.Fatalf("error %q leaks a secret", err)
			}
			return
		}
		info, derr := Decode(sig)
		if derr != nil {
			t.Fatalf("Verify accepted what Decode rejects: %v", derr)
		}
		if info.Identifier != identifier || info.SDKAppID != testAppID || info.Expired(time.Unix(now, 0)) || info.HasUserBuf != hasUB {
			t.Fatalf("Verify accepted %+v for %q at %d", info, identifier, now)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	vf := loadVectors(f)
	for _, v := range vf.Gen {
		f.Add(v.Identifier, userBuf(f, v.UserBufB64), v.UserBufB64 != nil, v.Time, v.Expire, v.Key)
	}
	f.Fuzz(func(t *testing.T, identifier string, ub []byte, hasUB bool, issued, expire int64, key string) {
		if !hasUB {
			ub = nil
		} else if ub == nil {
			ub = []byte{}
		}
		if len(ub) > 4096 {
			ub = ub[:4096]
		}
		// The low-level encoder matches the obvious slow construction for
		// any input, and Decode reads back what it wrote.
		sig := encode(testAppID, key, identifier, issued, expire, ub)
		if want := referenceSig(t, testAppID, key, identifier, issued, expire, ub); sig != want {
			t.Fatalf("encode = %q, slow path = %q", sig, want)
		}
		info, err := Decode(sig)
		if err != nil {
			t.Fatalf("Decode(encode(…)): %v", err)
		}
		if info.SDKAppID != testAppID || info.IssuedAt.Unix() != issued {
			t.Fatalf("decoded %+v", info)
		}
		if utf8.ValidString(identifier) && info.Identifier != identifier {
			t.Fatalf("identifier %q decoded as %q", identifier, info.Identifier)
		}
		err = Verify(sig, testAppID, key, identifier, ub, time.Unix(issued, 0))
		switch {
		case hasUB && len(ub) == 0:
			if err == nil {
				t.Fatal("an empty non-nil userbuf must not verify (reference quirk)")
			}
		case !utf8.ValidString(identifier):
			if !errors.Is(err, ErrIdentifier) {
				t.Fatalf("invalid UTF-8 identifier: %v", err)
			}
		case expire < 0:
			if !errors.Is(err, ErrExpired) {
				t.Fatalf("negative expire: %v", err)
			}
		default:
			if err != nil {
				t.Fatalf("Verify(encode(…)) at issue time: %v", err)
			}
		}

		// Through the public API, where the input rules allow.
		if key == "" || expire < 1 || expire > 1<<32 || checkIdentifier(identifier) != nil || (hasUB && len(ub) == 0) {
			return
		}
		g, err := New(testAppID, key, WithClock(func() time.Time { return time.Unix(issued, 0) }))
		if err != nil {
			t.Fatal(err)
		}
		gen, err := g.GenWithUserBuf(identifier, time.Duration(expire)*time.Second, ub)
		if err != nil {
			t.Fatal(err)
		}
		if gen != sig {
			t.Fatalf("Generator %q != encode %q", gen, sig)
		}
		if err := g.VerifyWithUserBuf(gen, identifier, ub); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParseDocument compares the hand-written document parser with
// encoding/json decoding into the reference's struct: whatever ours accepts,
// encoding/json accepts with the same fields; whatever encoding/json accepts
// (an object, modest nesting), ours accepts. Documents with a key that
// matches a known one only case-insensitively are skipped: encoding/json
// folds case, we match keys exactly.
func FuzzParseDocument(f *testing.F) {
	for _, v := range loadVectors(f).Gen {
		f.Add(v.Doc)
	}
	for _, s := range []string{
		`{"TLS.identifier":"\u533b\ud83d\ude00\ud800x\/","TLS.sdkappid":1,"x":[{"y":null}],"TLS.time":-3}`,
		`{"TLS.userbuf":"YW\/j","TLS.userbuf":null,"TLS.expire":1e3}`,
		"{\"TLS.identifier\":\"\xff\xfe\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var f docFields
		var str, ub []byte
		p := jsonParser{b: []byte(doc), str: &str, ub: &ub}
		ours := p.document(&f)
		if !f.hasUserBuf {
			ub = nil
		}

		var ref refDoc
		theirs := json.Unmarshal([]byte(doc), &ref)
		if foldedKey(doc) {
			return // encoding/json matches keys case-insensitively; we do not
		}
		if ours == nil {
			if theirs != nil {
				t.Fatalf("ours accepts, encoding/json says %v", theirs)
			}
			if string(f.ver) != ref.Ver || string(f.identifier) != ref.Identifier || f.sdkAppID != ref.SDKAppID ||
				f.expire != ref.Expire || f.time != ref.Time || string(f.sig) != ref.Sig || string(ub) != string(ref.UserBuf) {
				t.Fatalf("fields differ: ours %+v, encoding/json %+v", f, ref)
			}
			return
		}
		if theirs != nil {
			return
		}
		trimmed := strings.TrimLeft(doc, " \t\r\n")
		if !strings.HasPrefix(trimmed, "{") || strings.Count(doc, "{")+strings.Count(doc, "[") > maxJSONDepth {
			return // top-level null, or deep nesting: ours is stricter on purpose
		}
		t.Fatalf("encoding/json accepts, ours says %v", ours)
	})
}

// foldedKey reports whether the JSON object doc has a top-level key that
// matches a known key only case-insensitively, as encoding/json allows.
func foldedKey(doc string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &m) != nil {
		return false
	}
	for k := range m {
		for _, known := range []string{"TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time", "TLS.userbuf", "TLS.sig"} {
			if k != known && strings.EqualFold(k, known) {
				return true
			}
		}
	}
	return false
}

package usersig

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type genVector struct {
	Name       string  `json:"name"`
	SDKAppID   uint64  `json:"sdkappid"`
	Key        string  `json:"key"`
	Identifier string  `json:"identifier"`
	Time       int64   `json:"time"`
	Expire     int64   `json:"expire"`
	UserBufB64 *string `json:"userbuf_b64"`
	UserSig    string  `json:"usersig"`
	HMACInput  string  `json:"hmac_input"`
	SigB64     string  `json:"sig_b64"`
	Doc        string  `json:"doc"`
	VerifyOK   bool    `json:"reference_verify_ok"`
	Note       string  `json:"note"`
}

type verifyVector struct {
	Name       string  `json:"name"`
	SDKAppID   uint64  `json:"sdkappid"`
	Key        string  `json:"key"`
	Identifier string  `json:"identifier"`
	UserBufB64 *string `json:"userbuf_b64"`
	UserSig    string  `json:"usersig"`
	Now        int64   `json:"now"`
	Valid      bool    `json:"valid"`
	Error      string  `json:"error"`
	Reason     string  `json:"reason"`
}

type vectorFile struct {
	Gen    []genVector    `json:"gen"`
	Verify []verifyVector `json:"verify"`
}

// loadVectors reads the golden vectors (for tests and fuzz seeds).
func loadVectors(tb testing.TB) vectorFile {
	tb.Helper()
	data, err := os.ReadFile("testdata/usersig_vectors.json")
	require.NoError(tb, err)
	var v vectorFile
	require.NoError(tb, json.Unmarshal(data, &v))
	require.NotEmpty(tb, v.Gen)
	require.NotEmpty(tb, v.Verify)
	return v
}

// userBuf turns a vector's userbuf_b64 into the argument: nil for null, an
// empty non-nil slice for "".
func userBuf(tb testing.TB, b64 *string) []byte {
	tb.Helper()
	if b64 == nil {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(*b64)
	require.NoError(tb, err)
	if b == nil {
		b = []byte{}
	}
	return b
}

func TestGenVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Gen {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			ub := userBuf(t, v.UserBufB64)

			got := encode(v.SDKAppID, v.Key, v.Identifier, v.Time, v.Expire, ub)
			assert.Equal(t, v.UserSig, got, "usersig (%s)", v.Note)

			var ubB64 []byte
			if ub != nil {
				ubB64 = base64.StdEncoding.AppendEncode(nil, ub)
			}
			var nums numText
			nums.set(v.SDKAppID, v.Time, v.Expire)
			in := appendMACInput(nil, v.Identifier, &nums, ubB64, ub != nil)
			assert.Equal(t, v.HMACInput, string(in), "hmac input")
			mac := newMACState([]byte(v.Key)).mac(in)
			assert.Equal(t, v.SigB64, base64.StdEncoding.EncodeToString(mac), "TLS.sig")
			assert.Equal(t, v.Doc, string(appendDoc(nil, v.Identifier, &nums, ubB64, mac)), "doc")

			// The same through a Generator where its input rules allow.
			if v.Key != "" && v.SDKAppID != 0 && checkIdentifier(v.Identifier) == nil && v.Expire > 0 && (ub == nil || len(ub) > 0) {
				g, err := New(v.SDKAppID, v.Key, WithClock(func() time.Time { return time.Unix(v.Time, 0) }))
				require.NoError(t, err)
				sig, err := g.GenWithUserBuf(v.Identifier, time.Duration(v.Expire)*time.Second, ub)
				require.NoError(t, err)
				assert.Equal(t, v.UserSig, sig, "Generator")
			}

			// And it verifies at issue time exactly when the reference says so.
			err := Verify(got, v.SDKAppID, v.Key, v.Identifier, ub, time.Unix(v.Time, 0))
			if v.VerifyOK {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

// sentinelFor maps the reference's error text to our sentinel.
func sentinelFor(refErr string) error {
	switch refErr {
	case "sdk appid not match":
		return ErrSDKAppID
	case "identifier not match":
		return ErrIdentifier
	case "expired":
		return ErrExpired
	case "userbuf type not match", "userbuf not match":
		return ErrUserBuf
	case "sig not match":
		return ErrSignature
	}
	return ErrMalformed
}

func TestVerifyVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t).Verify {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			ub := userBuf(t, v.UserBufB64)
			now := time.Unix(v.Now, 0)
			err := Verify(v.UserSig, v.SDKAppID, v.Key, v.Identifier, ub, now)
			if v.Valid {
				assert.NoError(t, err, v.Reason)
			} else {
				require.Error(t, err, v.Reason)
				want := sentinelFor(v.Error)
				assert.ErrorIs(t, err, want, "reference said %q (%s)", v.Error, v.Reason)
				assertSafeError(t, err, v.Key, v.UserSig)
			}

			// Through a Generator with a clock at now, where New accepts the inputs.
			if v.Key != "" && v.SDKAppID != 0 {
				g, gerr := New(v.SDKAppID, v.Key, WithClock(func() time.Time { return now }))
				require.NoError(t, gerr)
				assert.Equal(t, errors.Unwrap(err), errors.Unwrap(g.VerifyWithUserBuf(v.UserSig, v.Identifier, ub)))
			}

			// Decode agrees with the document for everything that parses.
			info, derr := Decode(v.UserSig)
			if errors.Is(err, ErrMalformed) {
				assert.ErrorIs(t, derr, ErrMalformed)
				assert.Nil(t, info)
			} else {
				require.NoError(t, derr)
				assert.NotEmpty(t, info.Signature)
				if v.Valid {
					assert.Equal(t, v.Identifier, info.Identifier)
					assert.Equal(t, v.SDKAppID, info.SDKAppID)
					assert.False(t, info.Expired(now))
					assert.Equal(t, ub != nil, info.HasUserBuf)
					if ub != nil {
						assert.Equal(t, ub, info.UserBuf)
					}
				}
			}
		})
	}
}

// assertSafeError checks that an error message leaks neither the key nor the sig.
func assertSafeError(t *testing.T, err error, key, sig string) {
	t.Helper()
	msg := err.Error()
	if len(key) >= 4 {
		assert.NotContains(t, msg, key, "error leaks the key")
	}
	if len(sig) >= 16 {
		assert.NotContains(t, msg, sig, "error leaks the sig")
		assert.NotContains(t, msg, sig[len(sig)/2:], "error leaks part of the sig")
	}
}

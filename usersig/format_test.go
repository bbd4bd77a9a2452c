package usersig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verbs are every fmt verb a caller might print a value with.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"}

// assertNoSecret fails when out holds the sig, its signature, any
// 8-byte run of the key, or the userbuf bytes.
func assertNoSecret(t *testing.T, what, out, sig string, info *Info) {
	t.Helper()
	assert.NotContains(t, out, sig, what)
	assert.NotContains(t, out, info.Signature, what)
	// The signature in the URL-safe alphabet too, and any long run of it.
	assert.NotContains(t, out, info.Signature[:12], what)
	for i := 0; i+8 <= len(testKey); i += 8 {
		assert.NotContains(t, out, testKey[i:i+8], what)
	}
	if len(info.UserBuf) > 0 {
		assert.NotContains(t, out, string(info.UserBuf), what)
	}
}

func TestInfoPrintsNoSignatureUnderAnyVerb(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.GenWithUserBuf("user1", time.Hour, []byte("room-permission-secret"))
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	require.NotEmpty(t, info.Signature)

	type holder struct {
		Name string
		Info Info
		Ptr  *Info
	}
	values := map[string]any{
		"*Info":       info,
		"Info":        *info,
		"[]Info":      []Info{*info},
		"[]*Info":     []*Info{info},
		"struct":      holder{Name: "x", Info: *info, Ptr: info},
		"*struct":     &holder{Name: "x", Info: *info, Ptr: info},
		"map[string]": map[string]Info{"k": *info},
	}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, name+" "+verb+": "+out, out, sig, info)
		}
	}
	assert.Equal(t, info.String(), fmt.Sprintf("%v", *info))
	assert.Equal(t, info.String(), fmt.Sprintf("%+v", info))
	assert.Equal(t, info.String(), fmt.Sprintf("%s", info))
	assert.Contains(t, fmt.Sprintf("%#v", info), `Signature:"[REDACTED]"`)
	assert.Contains(t, fmt.Sprintf("%#v", info), `Identifier:"user1"`)
	var nilInfo *Info
	assert.Equal(t, "<nil>", fmt.Sprintf("%v", nilInfo))
}

func TestInfoLogsNoSignature(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.Gen("user1", time.Hour)
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	var buf bytes.Buffer
	for _, h := range []slog.Handler{
		slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
		slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}),
	} {
		l := slog.New(h)
		l.Debug("sig", "info", info, "value", *info, "gen", g)
	}
	out := buf.String()
	require.Contains(t, out, "user1")
	assertNoSecret(t, out, out, sig, info)
}

func TestGeneratorAndSignerPrintNoKeyOrSig(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	s, err := NewSigner(g, 24*time.Hour)
	require.NoError(t, err)
	sig, err := s.Sig("administrator")
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)

	type holder struct {
		G *Generator
		S *Signer
	}
	values := map[string]any{
		"*Generator": g,
		"*Signer":    s,
		"struct":     holder{G: g, S: s},
		"*struct":    &holder{G: g, S: s},
	}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, name+" "+verb+": "+out, out, sig, info)
		}
	}
	assert.Equal(t, "usersig.Signer(sdkappid=1400000000 validity=24h0m0s renew-before=6h0m0s)", fmt.Sprintf("%+v", s))
	assert.Equal(t, "usersig.Generator(sdkappid=1400000000)", fmt.Sprintf("%#v", g))

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "signer", s, "gen", g)
	assertNoSecret(t, buf.String(), buf.String(), sig, info)
	assert.True(t, strings.Contains(buf.String(), "usersig.Signer("), buf.String())
}

// The JSON form of an Info is the caller's explicit choice and keeps the
// signature (Decode is a debugging tool); this pins that on purpose so a
// change is a decision, not an accident.
func TestInfoJSONKeepsSignature(t *testing.T) {
	t.Parallel()
	g := newTestGenerator(t, fixedClock(testT0))
	sig, err := g.Gen("user1", time.Hour)
	require.NoError(t, err)
	info, err := Decode(sig)
	require.NoError(t, err)
	b, err := json.Marshal(info)
	require.NoError(t, err)
	assert.Contains(t, string(b), info.Signature)
}

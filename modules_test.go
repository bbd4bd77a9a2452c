package tim_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
)

// The modules of this repository besides the core (contrib/*, cmd/* with a
// go.mod of their own) must require the core at its release version: a
// pseudo-version such as v0.0.0-00010101000000-000000000000 resolves
// inside this repository (through the replace directive) and nowhere else.
func TestModulesRequireTheCoreRelease(t *testing.T) {
	t.Parallel()
	require.Regexp(t, `^v\d+\.\d+\.\d+$`, tim.Version)
	var mods []string
	for _, pattern := range []string{"contrib/*/go.mod", "cmd/*/go.mod"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		mods = append(mods, m...)
	}
	require.NotEmpty(t, mods, "contrib/redis/go.mod at least")
	requireCore := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/timkit/tim\s+(\S+)\s*$`)
	replaceCore := regexp.MustCompile(`(?m)^replace github\.com/timkit/tim => \.\./\.\.\s*$`)
	for _, mod := range mods {
		b, err := os.ReadFile(mod)
		require.NoError(t, err)
		m := requireCore.FindSubmatch(b)
		if assert.NotNil(t, m, "%s does not require github.com/timkit/tim", mod) {
			assert.Equal(t, tim.Version, string(m[1]), "%s requires the core at another version", mod)
		}
		if strings.HasPrefix(filepath.ToSlash(mod), "cmd/") {
			// A command must stay installable with go install …@version,
			// which refuses a module with a replace: its go.work replaces
			// the core with this checkout instead.
			assert.NotRegexp(t, `(?m)^replace`, string(b), "%s: go install refuses a module with a replace", mod)
			w, err := os.ReadFile(filepath.Join(filepath.Dir(mod), "go.work"))
			if assert.NoError(t, err, "%s needs a go.work for local development", mod) {
				assert.Regexp(t, `(?m)^replace github\.com/timkit/tim `+regexp.QuoteMeta(tim.Version)+` => \.\./\.\.\s*$`, string(w))
			}
			continue
		}
		assert.Regexp(t, replaceCore, string(b), "%s: local development builds against this checkout", mod)
	}
}

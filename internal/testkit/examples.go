package testkit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Example is one documented example of the conformance corpus
// (testdata/conformance/rest/<service>/<command>/<name>.json).
type Example struct {
	Name     string          `json:"-"`
	Source   string          `json:"source"`
	Command  string          `json:"command"`
	Title    string          `json:"title"`
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
}

// RESTExamples reads the corpus examples of command from the module's
// testdata, root being the relative path to the module root ("..").
// It fails the test when there is none.
func RESTExamples(t testing.TB, root, command string) []Example {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "testdata", "conformance", "rest", command, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no conformance example for %s", command)
	sort.Strings(files)
	out := make([]Example, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var ex Example
		require.NoError(t, json.Unmarshal(b, &ex), f)
		require.Equal(t, command, ex.Command, f)
		require.NotEmpty(t, ex.Source, f)
		ex.Name = filepath.Base(f)
		out = append(out, ex)
	}
	return out
}

// AssertSentExample checks that the last request srv received on path is
// ex's documented request: the same JSON, and the same keys and types.
func AssertSentExample(t testing.TB, srv *Server, path string, ex Example) {
	t.Helper()
	got := srv.Last(path).Body
	assert.JSONEq(t, string(ex.Request), string(got), ex.Name)
	AssertSameKeys(t, ex.Request, got, ex.Name)
}

// AssertSameKeys checks that got (a request the SDK sent) has every key of
// the documented want with the same JSON type, recursively through objects
// and the first element of arrays, and no key the documentation lacks.
func AssertSameKeys(t testing.TB, want, got json.RawMessage, where string) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w), where)
	require.NoError(t, json.Unmarshal(got, &g), where)
	sameShape(t, w, g, where)
}

func sameShape(t testing.TB, w, g any, where string) {
	t.Helper()
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !assert.True(t, ok, "%s: want an object, got %T", where, g) {
			return
		}
		for k, x := range wv {
			y, ok := gv[k]
			if assert.True(t, ok, "%s: documented key %q missing", where, k) {
				sameShape(t, x, y, where+"."+k)
			}
		}
		for k := range gv {
			_, ok := wv[k]
			assert.True(t, ok, "%s: key %q is not documented", where, k)
		}
	case []any:
		gv, ok := g.([]any)
		if assert.True(t, ok, "%s: want an array, got %T", where, g) && len(wv) > 0 && len(gv) > 0 {
			sameShape(t, wv[0], gv[0], where+"[0]")
		}
	default:
		assert.IsType(t, w, g, "%s: JSON type", where)
	}
}

package corpus_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/cmd/tim/corpus"
)

// repoCorpus is the repository's corpus, which the embedded copy mirrors.
const repoCorpus = "../../../testdata/conformance/callbacks"

// TestCopyIsFresh fails when the embedded copy differs from the
// repository's corpus: run `go generate ./corpus` in cmd/tim.
func TestCopyIsFresh(t *testing.T) {
	t.Parallel()
	want := map[string][]byte{}
	if _, err := os.Stat(repoCorpus); err == nil {
		require.NoError(t, filepath.WalkDir(repoCorpus, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			rel, _ := filepath.Rel(repoCorpus, p)
			b, err := os.ReadFile(p)
			want[filepath.ToSlash(rel)] = b
			return err
		}))
	} else {
		// Outside a full checkout (the module cache holds cmd/tim alone)
		// there is nothing to compare with; say so in the test output.
		require.ErrorIs(t, err, fs.ErrNotExist)
		t.Skipf("cannot check the embedded corpus: %s is not in this checkout", repoCorpus)
	}
	got := map[string][]byte{}
	require.NoError(t, fs.WalkDir(corpus.Files, corpus.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(corpus.Files, p)
		if p == corpus.Dir+"/README.md" {
			return err
		}
		got[strings.TrimPrefix(p, corpus.Dir+"/")] = b
		return err
	}))
	var stale []string
	for k, b := range want {
		if !bytes.Equal(got[k], b) {
			stale = append(stale, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			stale = append(stale, k+" (not in the repository)")
		}
	}
	assert.Empty(t, stale, "the embedded corpus is stale: run `go generate ./corpus` in cmd/tim")
}

func TestLoadReadsTheFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "C2C.CallbackAfterSendMsg"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "C2C.CallbackAfterSendMsg", "text.json"),
		[]byte(`{"source":"s","retrieved":"2026-12-04","command":"C2C.CallbackAfterSendMsg","title":"t","body":{"From_Account":"a"},"reply":{"ActionStatus":"OK"}}`), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "State.StateChange"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "State.StateChange", "login.json"),
		[]byte(`{"body":{"Info":{}}}`), 0o644))
	exs, err := corpus.Load(os.DirFS(dir), ".")
	require.NoError(t, err)
	require.Len(t, exs, 2)
	assert.Equal(t, "C2C.CallbackAfterSendMsg", exs[0].Command)
	assert.Equal(t, "text", exs[0].Name)
	assert.JSONEq(t, `{"ActionStatus":"OK"}`, string(exs[0].Reply))
	assert.Equal(t, "State.StateChange", exs[1].Command, "the folder names the command when the file does not")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "State.StateChange", "bad.json"), []byte(`{"body":`), 0o644))
	_, err = corpus.Load(os.DirFS(dir), ".")
	assert.Error(t, err)
	for _, bad := range []string{`{"title":"no body"}`, `{"body":null}`, `{"body":[1]}`, `{"body":{},"reply":"OK"}`, `{"reply":[]}`} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "State.StateChange", "bad.json"), []byte(bad), 0o644))
		_, err = corpus.Load(os.DirFS(dir), ".")
		assert.Error(t, err, bad)
	}

	// A reply-only example is read; it has no body to send.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "State.StateChange", "bad.json"), []byte(`{"reply":{"ActionStatus":"OK","ErrorCode":1}}`), 0o644))
	exs, err = corpus.Load(os.DirFS(dir), ".")
	require.NoError(t, err)
	require.Len(t, exs, 3)
	assert.False(t, exs[1].HasBody())
	assert.True(t, exs[2].HasBody())
}

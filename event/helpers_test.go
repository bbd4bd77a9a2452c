package event_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
)

// newDispatcher is event.NewDispatcher for options that must be valid.
func newDispatcher(t testing.TB, opts ...event.Option) *event.Dispatcher {
	t.Helper()
	d, err := event.NewDispatcher(opts...)
	require.NoError(t, err)
	return d
}

func reflectTypeName(v any) string { return fmt.Sprintf("%T", v) }

// assertGolden compares JSON with a golden file (both re-indented); with
// UPDATE_GOLDEN=1 it writes the file. (testkit.AssertGolden keeps the
// file's trailing newline and so never matches a file it wrote itself.)
func assertGolden(t testing.TB, path string, got []byte) {
	t.Helper()
	indent := func(b []byte) string {
		var out bytes.Buffer
		if err := json.Indent(&out, bytes.TrimSpace(b), "", "  "); err != nil {
			t.Fatalf("golden %s: not JSON: %v\n%s", path, err, b)
		}
		return out.String() + "\n"
	}
	g := indent(got)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(g), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run with UPDATE_GOLDEN=1 to create it)", path, err)
	}
	if w := indent(want); w != g {
		t.Errorf("differs from golden %s\n--- want\n%s--- got\n%s", path, w, g)
	}
}

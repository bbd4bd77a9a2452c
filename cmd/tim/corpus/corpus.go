// Package corpus holds a copy of the repository's callback conformance
// corpus (testdata/conformance/callbacks: Tencent's documented callback
// bodies and replies, each with its source), embedded so that an installed
// tim can send them. The copy is made by `go generate` (gen/) and a test
// fails when it differs from the repository's files.
package corpus

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:generate go run ./gen ../../../testdata/conformance/callbacks callbacks

// Dir is the folder of the copy inside Files.
const Dir = "callbacks"

// Files is the embedded copy: callbacks/<CallbackCommand>/<example>.json,
// plus a README.
//
//go:embed all:callbacks
var Files embed.FS

// Example is one documented callback example (the corpus format).
type Example struct {
	// Name is the file name without .json. Body is absent from examples
	// that only document a reply.
	Name string `json:"-"`
	// Source is the documentation page (repository@commit:path, or a URL).
	Source string `json:"source"`
	// Retrieved is when the page was read (YYYY-MM-DD).
	Retrieved string `json:"retrieved"`
	// Command is the CallbackCommand (the folder's name when absent).
	Command string `json:"command"`
	// Title is the page's own heading of the example, shortened.
	Title string `json:"title"`
	// Body is the documented callback body.
	Body json.RawMessage `json:"body"`
	// Reply is the documented reply, if the page shows one.
	Reply json.RawMessage `json:"reply,omitempty"`
	// Notes says how a documentation typo or comment was read.
	Notes string `json:"notes,omitempty"`
}

// Load reads every example of fsys (a corpus tree:
// <root>/<Command>/<example>.json), sorted by command then name.
func Load(fsys fs.FS, root string) ([]Example, error) {
	var out []Example
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var ex Example
		if err := json.Unmarshal(b, &ex); err != nil {
			return fmt.Errorf("corpus: %s: %w", p, err)
		}
		ex.Name = strings.TrimSuffix(path.Base(p), ".json")
		if dir := path.Base(path.Dir(p)); ex.Command == "" {
			ex.Command = dir
		}
		if !isObject(ex.Body) && !isObject(ex.Reply) {
			return fmt.Errorf("corpus: %s: no body and no reply (JSON objects)", p)
		}
		if len(ex.Body) > 0 && !isObject(ex.Body) {
			return fmt.Errorf("corpus: %s: the body is not a JSON object", p)
		}
		if len(ex.Reply) > 0 && !isObject(ex.Reply) {
			return fmt.Errorf("corpus: %s: the reply is not a JSON object", p)
		}
		out = append(out, ex)
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Command != out[j].Command {
			return out[i].Command < out[j].Command
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	b := bytes.TrimSpace(raw)
	return len(b) > 0 && b[0] == '{'
}

// HasBody reports whether the example documents a callback body (some
// only document a reply).
func (e *Example) HasBody() bool { return isObject(e.Body) }

// Embedded returns the examples of the embedded copy.
func Embedded() ([]Example, error) { return Load(Files, Dir) }

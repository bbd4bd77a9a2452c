package event_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// The callback half of the conformance corpus (testdata/conformance/
// callbacks, format in the corpus notes): every callback body and reply
// example of Tencent's callback pages, with its source. Three tests read
// every file, and TestConformanceEveryFileIsTested fails when a file is
// read by none of them:
//   - TestConformanceCorpusFiles: provenance and shape of each file;
//   - TestConformanceCallbackBodies: each body parses into its typed
//     callback, and every documented key path is surfaced by the typed
//     value (re-encoded, the same value at the same path) or is on
//     conformanceIgnored with a reason;
//   - TestConformanceReplies: each documented reply is what the webhook
//     handler answers for the decision built with the decision API.

const conformanceDir = "../testdata/conformance/callbacks"

// conformanceIgnored lists documented key paths ("<command> <path>",
// array indexes as [0]) that the typed callbacks deliberately do not
// surface. Each entry must be used by some corpus file.
var conformanceIgnored = map[string]string{}

// corpusFile is one file of the corpus.
type corpusFile struct {
	Source    string          `json:"source"`
	Retrieved string          `json:"retrieved"`
	Command   string          `json:"command"`
	Title     string          `json:"title"`
	Body      json.RawMessage `json:"body"`
	Reply     json.RawMessage `json:"reply"`
	Notes     string          `json:"notes"`
}

type corpusEntry struct {
	path string // relative to conformanceDir
	file corpusFile
}

var (
	corpusOnce    sync.Once
	corpusEntries []corpusEntry
	corpusErr     error
	// corpusTested records which test read which file.
	corpusTested sync.Map // path → struct{}
)

func loadCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	corpusOnce.Do(func() {
		corpusErr = filepath.WalkDir(conformanceDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(conformanceDir, p)
			if strings.HasSuffix(p, ".md") {
				return nil // notes beside the examples
			}
			if !strings.HasSuffix(p, ".json") {
				return fmt.Errorf("%s: not a .json file", rel)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			var f corpusFile
			if err := dec.Decode(&f); err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			corpusEntries = append(corpusEntries, corpusEntry{path: filepath.ToSlash(rel), file: f})
			return nil
		})
	})
	require.NoError(t, corpusErr)
	require.NotEmpty(t, corpusEntries, "no corpus under %s", conformanceDir)
	return corpusEntries
}

func markTested(path, test string) { corpusTested.Store(path+"\x00"+test, struct{}{}) }

func wasTested(path, test string) bool {
	_, ok := corpusTested.Load(path + "\x00" + test)
	return ok
}

var retrievedDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func TestConformanceCorpusFiles(t *testing.T) {
	entries := loadCorpus(t)
	bodies := 0
	for _, e := range entries {
		f := e.file
		t.Run(e.path, func(t *testing.T) {
			markTested(e.path, "files")
			assert.True(t, strings.HasPrefix(f.Source, "intlcloud-documents@") || strings.HasPrefix(f.Source, "https://"),
				"source %q names neither the documentation repository nor a URL", f.Source)
			assert.Regexp(t, retrievedDate, f.Retrieved)
			_, err := time.Parse(time.DateOnly, f.Retrieved)
			assert.NoError(t, err)
			assert.Equal(t, f.Command, strings.Split(e.path, "/")[0], "command is the folder name")
			assert.NotEmpty(t, f.Title)
			require.True(t, len(f.Body) > 0 || len(f.Reply) > 0, "neither body nor reply")
			if len(f.Body) > 0 {
				var probe struct {
					CallbackCommand string
				}
				require.NoError(t, json.Unmarshal(f.Body, &probe))
				assert.Equal(t, f.Command, probe.CallbackCommand, "the body names its command")
			}
			if len(f.Reply) > 0 {
				var probe struct {
					ActionStatus *string
					ErrorCode    *int
				}
				require.NoError(t, json.Unmarshal(f.Reply, &probe))
				assert.NotNil(t, probe.ActionStatus, "a reply has ActionStatus")
				assert.NotNil(t, probe.ErrorCode, "a reply has ErrorCode")
			}
		})
		if len(f.Body) > 0 {
			bodies++
		}
	}
	assert.GreaterOrEqual(t, bodies, 40, "issue 13 asks for at least 40 callback bodies")
}

// TestConformanceCallbackBodies: each documented body parses into its own
// typed callback, and each documented key path is surfaced.
func TestConformanceCallbackBodies(t *testing.T) {
	used := map[string]bool{}
	var mu sync.Mutex
	t.Run("files", func(t *testing.T) {
		for _, e := range loadCorpus(t) {
			if len(e.file.Body) == 0 {
				continue
			}
			t.Run(e.path, func(t *testing.T) {
				t.Parallel()
				markTested(e.path, "body")
				cmd := event.Command(e.file.Command)
				require.True(t, cmd.Known(), "%s has no typed callback", cmd)
				cb, err := event.Parse("", e.file.Body)
				require.NoError(t, err)
				require.Equal(t, cmd, cb.Command())
				_, unknown := cb.(*event.UnknownCallback)
				require.False(t, unknown)

				// What the typed value holds, in Tencent's JSON form.
				out, err := json.Marshal(cb)
				require.NoError(t, err)
				got := decodeTree(t, out)
				want := decodeTree(t, e.file.Body)
				typ := reflect.TypeOf(cb).Elem()
				for _, lp := range leafPaths(want, nil) {
					key := string(cmd) + " " + lp.String()
					if _, ok := conformanceIgnored[key]; ok {
						mu.Lock()
						used[key] = true
						mu.Unlock()
						continue
					}
					v, found := lookup(got, lp)
					switch {
					case found:
						assert.True(t, sameLeaf(lp.value, v), "%s: documented %#v, the typed value holds %#v", lp, lp.value, v)
					case isZero(lp.value) && declares(typ, lp.names()):
						// Documented as a zero value, held by a field that
						// omits it when empty.
					default:
						assert.Fail(t, "documented field not surfaced",
							"%s (%#v) is neither surfaced by %T nor on conformanceIgnored", lp, lp.value, cb)
					}
				}
			})
		}
	})
	for key := range conformanceIgnored {
		assert.True(t, used[key], "conformanceIgnored entry %q matches no documented field", key)
	}
}

// TestConformanceReplies: every documented reply is produced by the
// handler for the decision the decision API builds from it (after
// callbacks: the handler's acknowledgement).
func TestConformanceReplies(t *testing.T) {
	entries := loadCorpus(t)
	bodyOf := map[string]json.RawMessage{} // command → a documented body
	for _, e := range entries {
		if len(e.file.Body) > 0 && (bodyOf[e.file.Command] == nil || strings.HasSuffix(e.path, "/request.json")) {
			bodyOf[e.file.Command] = e.file.Body
		}
	}
	for _, e := range entries {
		if len(e.file.Reply) == 0 {
			continue
		}
		t.Run(e.path, func(t *testing.T) {
			t.Parallel()
			markTested(e.path, "reply")
			body := e.file.Body
			if len(body) == 0 {
				body = bodyOf[e.file.Command]
			}
			require.NotEmpty(t, body, "no documented body for %s", e.file.Command)
			cb, err := event.Parse("", body)
			require.NoError(t, err)

			d := newDispatcher(t)
			if _, before := cb.(event.BeforeCallback); before {
				dec := decisionFor(t, e.file.Reply)
				registerDecider(t, d, cb, dec)
			}
			rec := postCallback(t, d, event.Command(e.file.Command), body)
			require.Equal(t, http.StatusOK, rec.Code)
			assertSameJSON(t, e.file.Reply, rec.Body.Bytes())
		})
	}
}

// TestConformanceEveryFileIsTested fails for a corpus file no test read.
// It runs the three tests above itself, so it holds on its own too.
func TestConformanceEveryFileIsTested(t *testing.T) {
	t.Run("files", TestConformanceCorpusFiles)
	t.Run("bodies", TestConformanceCallbackBodies)
	t.Run("replies", TestConformanceReplies)
	for _, e := range loadCorpus(t) {
		assert.True(t, wasTested(e.path, "files"), "%s: provenance not checked", e.path)
		if len(e.file.Body) > 0 {
			assert.True(t, wasTested(e.path, "body"), "%s: body not decoded by any test", e.path)
		}
		if len(e.file.Reply) > 0 {
			assert.True(t, wasTested(e.path, "reply"), "%s: reply not produced by any test", e.path)
		}
	}
}

// ---------------------------------------------------------------------------
// Decisions from documented replies

// decisionFor builds, with the public decision API, the decision whose
// answer the documented reply shows.
func decisionFor(t *testing.T, reply json.RawMessage) event.Decision {
	t.Helper()
	var r struct {
		ErrorCode       int
		ErrorInfo       string
		MsgBody         json.RawMessage
		CloudCustomData *string
		RefusedMembers  []string             `json:"RefusedMembers_Account"`
		ResultItem      []event.FriendResult `json:"ResultItem"`
	}
	require.NoError(t, json.Unmarshal(reply, &r))
	switch {
	case r.ResultItem != nil:
		dec, err := event.FriendResults(r.ResultItem...)
		require.NoError(t, err)
		return dec
	case r.RefusedMembers != nil:
		return event.RefuseMembers(r.RefusedMembers...)
	case r.ErrorCode == 0:
		dec := event.Allow()
		if len(r.MsgBody) > 0 {
			var body message.Body
			require.NoError(t, json.Unmarshal(r.MsgBody, &body))
			dec = event.AllowModified(body)
		}
		if r.CloudCustomData != nil {
			dec = dec.WithCloudCustomData(*r.CloudCustomData)
		}
		return dec
	case r.ErrorCode == 1:
		return event.Reject(r.ErrorInfo)
	case r.ErrorCode == 2:
		return event.Drop()
	}
	dec, err := event.RejectWithCode(r.ErrorCode, r.ErrorInfo)
	require.NoError(t, err)
	return dec
}

// registerDecider registers a decider answering dec for cb's type.
func registerDecider(t *testing.T, d *event.Dispatcher, cb event.Callback, dec event.Decision) {
	t.Helper()
	switch cb.(type) {
	case *event.C2CBeforeSendMsg:
		event.Decide(d, func(context.Context, *event.C2CBeforeSendMsg) event.Decision { return dec })
	case *event.GroupBeforeSendMsg:
		event.Decide(d, func(context.Context, *event.GroupBeforeSendMsg) event.Decision { return dec })
	case *event.GroupBeforeCreateGroup:
		event.Decide(d, func(context.Context, *event.GroupBeforeCreateGroup) event.Decision { return dec })
	case *event.GroupBeforeApplyJoinGroup:
		event.Decide(d, func(context.Context, *event.GroupBeforeApplyJoinGroup) event.Decision { return dec })
	case *event.GroupBeforeInviteJoinGroup:
		event.Decide(d, func(context.Context, *event.GroupBeforeInviteJoinGroup) event.Decision { return dec })
	case *event.GroupBeforeCreateTopic:
		event.Decide(d, func(context.Context, *event.GroupBeforeCreateTopic) event.Decision { return dec })
	case *event.PrevFriendAdd:
		event.Decide(d, func(context.Context, *event.PrevFriendAdd) event.Decision { return dec })
	case *event.PrevFriendResponse:
		event.Decide(d, func(context.Context, *event.PrevFriendResponse) event.Decision { return dec })
	default:
		t.Fatalf("no decider wiring for before callback %T: add it here", cb)
	}
}

// postCallback sends body to a handler over d (unsigned: the corpus tests
// the answer, not the signature) and returns the answer.
func postCallback(t testing.TB, d *event.Dispatcher, cmd event.Command, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	h, err := event.NewHandler(d, testkit.AppID, event.WithoutSignature())
	require.NoError(t, err)
	return postTo(h, cmd, body)
}

// postTo posts an unsigned callback to h.
func postTo(h http.Handler, cmd event.Command, body []byte) *httptest.ResponseRecorder {
	q := url.Values{"SdkAppid": {strconv.Itoa(testkit.AppID)}, "CallbackCommand": {string(cmd)},
		"contenttype": {"json"}, "ClientIP": {"203.0.113.7"}, "OptPlatform": {"RESTAPI"}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/im?"+q.Encode(), bytes.NewReader(body)))
	return rec
}

// assertSameJSON: the same keys, the same JSON types and the same values.
func assertSameJSON(t testing.TB, want, got []byte) {
	t.Helper()
	w, g := decodeTree(t, want), decodeTree(t, got)
	assert.Equal(t, shape(w), shape(g), "key sets and JSON types\nwant %s\ngot  %s", want, got)
	assert.True(t, reflect.DeepEqual(w, g), "values\nwant %s\ngot  %s", want, got)
}

// shape is v with every scalar replaced by its JSON type name.
func shape(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = shape(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = shape(e)
		}
		return out
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// ---------------------------------------------------------------------------
// Key paths

func decodeTree(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "%s", b)
	return v
}

// pathStep is a key, or an index when key is "".
type pathStep struct {
	key   string
	index int
}

type leafPath struct {
	steps []pathStep
	value any
}

func (p leafPath) String() string {
	var sb strings.Builder
	for _, s := range p.steps {
		if s.key == "" {
			fmt.Fprintf(&sb, "[%d]", s.index)
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(s.key)
	}
	return sb.String()
}

// names is the path's keys, an index as "[]".
func (p leafPath) names() []string {
	out := make([]string, len(p.steps))
	for i, s := range p.steps {
		if s.key == "" {
			out[i] = "[]"
		} else {
			out[i] = s.key
		}
	}
	return out
}

// leafPaths lists v's scalars (and empty objects and arrays) with their
// paths, in a stable order.
func leafPaths(v any, prefix []pathStep) []leafPath {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return []leafPath{{steps: slices.Clone(prefix), value: x}}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []leafPath
		for _, k := range keys {
			out = append(out, leafPaths(x[k], append(slices.Clone(prefix), pathStep{key: k}))...)
		}
		return out
	case []any:
		if len(x) == 0 {
			return []leafPath{{steps: slices.Clone(prefix), value: x}}
		}
		var out []leafPath
		for i, e := range x {
			out = append(out, leafPaths(e, append(slices.Clone(prefix), pathStep{index: i}))...)
		}
		return out
	}
	return []leafPath{{steps: slices.Clone(prefix), value: v}}
}

func lookup(v any, p leafPath) (any, bool) {
	for _, s := range p.steps {
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[s.key]
			if !ok || s.key == "" {
				return nil, false
			}
			v = e
		case []any:
			if s.key != "" || s.index >= len(x) {
				return nil, false
			}
			v = x[s.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// sameLeaf compares a documented scalar with the re-encoded one. A number
// and a numeric string are the same value (Tencent sends EventTime both
// ways; the typed value re-encodes one).
func sameLeaf(want, got any) bool {
	if reflect.DeepEqual(want, got) {
		return true
	}
	ws, wok := scalarText(want)
	gs, gok := scalarText(got)
	return wok && gok && ws == gs
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		if _, err := strconv.ParseInt(x, 10, 64); err == nil {
			return x, true
		}
	case json.Number:
		return x.String(), true
	}
	return "", false
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case json.Number:
		f, err := x.Float64()
		return err == nil && f == 0
	case bool:
		return !x
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// declares reports whether type t has a field for the JSON path names
// (a type that decodes itself, such as message.Body, holds everything
// below it).
func declares(t reflect.Type, names []string) bool {
	for _, n := range names {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(unmarshalerType) && t.Kind() != reflect.Struct {
			return true
		}
		if n == "[]" {
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return false
			}
			t = t.Elem()
			continue
		}
		if t.Kind() == reflect.Interface {
			return true
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		ft, ok := jsonField(t, n)
		if !ok {
			return false
		}
		t = ft
	}
	return true
}

// jsonField finds the field encoding/json decodes key into, embedded
// structs included.
func jsonField(t reflect.Type, key string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := jsonField(et, key); ok {
					return ft, true
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f.Type, true
		}
	}
	return nil, false
}

// FuzzConformanceBodies: Parse, seeded with every documented body (so the
// fields added for issue 13 are fuzzed), never panics, and what it accepts
// re-encodes and decodes to the same JSON.
func FuzzConformanceBodies(f *testing.F) {
	for _, e := range loadCorpus(f) {
		if len(e.file.Body) > 0 {
			f.Add(e.file.Command, []byte(e.file.Body))
		}
	}
	f.Fuzz(func(t *testing.T, cmd string, body []byte) {
		cb, err := event.Parse(cmd, body)
		if err != nil {
			return
		}
		out, err := json.Marshal(cb)
		if err != nil {
			t.Fatalf("accepted callback does not re-encode: %v", err)
		}
		again := reflect.New(reflect.TypeOf(cb).Elem()).Interface()
		if err := json.Unmarshal(out, again); err != nil {
			t.Fatalf("re-encoded callback does not decode: %v\n%s", err, out)
		}
		out2, err := json.Marshal(again)
		if err != nil || !sameJSON(out, out2) {
			t.Fatalf("JSON round trip differs (%v):\n%s\n%s", err, out, out2)
		}
	})
}

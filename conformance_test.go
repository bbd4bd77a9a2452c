package tim_test

// The REST conformance tests: Tencent's documentation is the oracle.
// testdata/conformance/rest holds every request and response example of
// Tencent's REST API pages (one file per example, with its source and
// the date it was read). For each file the typed method of its
// command is driven (conformanceDrivers, in conformance_drivers_test.go)
// against an httptest server that answers the documented response:
//
//   - the request the SDK sends has only documented keys (the union of the
//     command's documented request examples) or keys on requestExtras with
//     a reason, and each key the example shows has the example's JSON type;
//   - every documented response value is surfaced by the typed result: each
//     non-empty string and each number other than 0 and 1 (flags, which
//     the typed values turn into bools) of the example is found among the
//     values reachable from the result (strings, numbers, times as Unix
//     seconds or milliseconds, durations in seconds), or its key path is on
//     responseIgnored with a one-line reason;
//   - a documented failure (ErrorCode ≠ 0 or ActionStatus "FAIL") comes back
//     as an *api.Error carrying the code.
//
// TestConformanceCorpusEveryFileHasATest fails when a corpus file's command
// has no driver, or a driver no corpus file.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

const conformanceRoot = "testdata/conformance/rest"

// restExample is one corpus file.
type restExample struct {
	File      string          `json:"-"`
	Source    string          `json:"source"`
	Retrieved string          `json:"retrieved"`
	Command   string          `json:"command"`
	Title     string          `json:"title"`
	Request   json.RawMessage `json:"request"`
	Response  json.RawMessage `json:"response"`
	Notes     string          `json:"notes"`
}

// req returns the example's request as a map (empty when the page shows
// none: the driver then uses values of its own).
func (e *restExample) req() exReq {
	m := map[string]any{}
	if len(e.Request) > 0 {
		_ = json.Unmarshal(e.Request, &m)
	}
	return exReq(m)
}

func loadRESTCorpus(t *testing.T) []*restExample {
	t.Helper()
	var out []*restExample
	err := filepath.WalkDir(conformanceRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var ex restExample
		if err := json.Unmarshal(b, &ex); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		ex.File = filepath.ToSlash(p)
		out = append(out, &ex)
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out, "no corpus under %s", conformanceRoot)
	return out
}

// TestConformanceCorpusProvenance: every file names its source, date and
// command (one of testdata/commands.txt, and its folder), and holds a
// request or a response.
func TestConformanceCorpusProvenance(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, c := range commands(t) {
		known[c] = true
	}
	cmds := map[string]int{}
	exs := loadRESTCorpus(t)
	for _, ex := range exs {
		assert.NotEmpty(t, ex.Source, ex.File)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, ex.Retrieved, ex.File)
		assert.True(t, known[ex.Command], "%s: command %q is not in testdata/commands.txt", ex.File, ex.Command)
		assert.Equal(t, ex.Command, filepath.ToSlash(filepath.Dir(strings.TrimPrefix(ex.File, conformanceRoot+"/"))), "%s: folder", ex.File)
		assert.NotEmpty(t, ex.Title, ex.File)
		assert.True(t, len(ex.Request) > 0 || len(ex.Response) > 0, "%s: neither request nor response", ex.File)
		if len(ex.Request) > 0 {
			assert.True(t, json.Valid(ex.Request), ex.File)
		}
		cmds[ex.Command]++
	}
	assert.GreaterOrEqual(t, len(exs), 150, "examples")
	assert.GreaterOrEqual(t, len(cmds), 100, "commands")
}

// conformanceInPackage lists the services whose corpus files are driven by
// their own package's conformance test (the newer products of issue 18,
// whose typed methods live in packages of their own), with that test's
// name: those files have their test, just not here.
var conformanceInPackage = map[string]string{
	"openim_robot_http_svc":          "robot.TestConformance",
	"official_account_open_http_svc": "official.TestConformance",
	"desk_http_svc":                  "desk.TestConformance*",
	"openim_console_http_svc":        "desk.TestConformanceUpdateRobot",
	"timpush":                        "push.TestConformance*",
	"im_msg_audit":                   "moderation.TestConformance",
	"im_msg_audit_mgr":               "moderation.TestConformance*",
}

// inPackage reports whether cmd's examples are tested in its package; the
// one group command of issue 18 is tested in group (TestDeleteAttrsConformance).
func inPackage(cmd string) bool {
	svc, _, _ := strings.Cut(cmd, "/")
	_, ok := conformanceInPackage[svc]
	return ok || cmd == "group_open_http_svc/delete_group_attr"
}

// TestConformanceCorpusEveryFileHasATest: each file's command has a
// driver (or its package's test, conformanceInPackage), and each driver
// has a file.
func TestConformanceCorpusEveryFileHasATest(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, ex := range loadRESTCorpus(t) {
		seen[ex.Command] = true
		_, ok := conformanceDrivers[ex.Command]
		ok = ok || inPackage(ex.Command)
		assert.True(t, ok, "%s: no driver for %s in conformanceDrivers", ex.File, ex.Command)
	}
	for cmd := range conformanceDrivers {
		assert.True(t, seen[cmd], "driver for %s has no corpus file", cmd)
	}
	for cmd := range requestExtras {
		assert.Contains(t, conformanceDrivers, cmd, "requestExtras entry")
	}
	for cmd := range responseIgnored {
		assert.Contains(t, conformanceDrivers, cmd, "responseIgnored entry")
	}
	for cmd := range requestUnexpressed {
		assert.Contains(t, conformanceDrivers, cmd, "requestUnexpressed entry")
	}
}

// capture is an httptest server answering every call of the command
// under test with the example's response (other commands, e.g. a lazy
// login's account_check, get the OK envelope) and recording the bodies.
type capture struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []json.RawMessage
}

func newCapture(t *testing.T, command string, answer []byte) *capture {
	t.Helper()
	c := &capture{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.TrimPrefix(r.URL.Path, "/v4/") != command {
			_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`))
			return
		}
		c.mu.Lock()
		c.bodies = append(c.bodies, b)
		c.mu.Unlock()
		_, _ = w.Write(answer)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *capture) sent() []json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.bodies)
}

// documentedFailure reports whether a response example is a failure of the
// whole call, and its code.
func documentedFailure(resp json.RawMessage) (bool, int) {
	var env api.Envelope
	if len(resp) == 0 || json.Unmarshal(resp, &env) != nil {
		return false, 0
	}
	return env.Failed(), env.ErrorCode
}

func TestConformanceREST(t *testing.T) {
	t.Parallel()
	exs := loadRESTCorpus(t)
	// The documented request keys of each command: the union over its
	// examples.
	documented := map[string]map[string]string{}
	// A file without a response is answered with the command's first
	// documented success (create_group needs its GroupId).
	success := map[string]json.RawMessage{}
	for _, ex := range exs {
		if failed, _ := documentedFailure(ex.Response); !failed && len(ex.Response) > 0 && success[ex.Command] == nil {
			success[ex.Command] = ex.Response
		}
	}
	for _, ex := range exs {
		if len(ex.Request) == 0 {
			continue
		}
		if documented[ex.Command] == nil {
			documented[ex.Command] = map[string]string{}
		}
		var v any
		require.NoError(t, json.Unmarshal(ex.Request, &v), ex.File)
		for p, ty := range jsonPaths(v) {
			documented[ex.Command][p] = ty
		}
	}
	for _, ex := range exs {
		if inPackage(ex.Command) {
			continue // driven by its package's test (conformanceInPackage)
		}
		t.Run(strings.TrimPrefix(ex.File, conformanceRoot+"/"), func(t *testing.T) {
			t.Parallel()
			drive, ok := conformanceDrivers[ex.Command]
			require.True(t, ok, "no driver for %s", ex.Command)
			answer := []byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)
			switch {
			case len(ex.Response) > 0:
				answer = ex.Response
			case success[ex.Command] != nil:
				answer = success[ex.Command]
			}
			cp := newCapture(t, ex.Command, answer)
			c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(cp.srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			res, err := drive(ctx, c, ex.req())
			var invalid *api.InvalidInputError
			require.False(t, errors.As(err, &invalid), "the driver's input was rejected: %v", err)
			sent := cp.sent()
			require.NotEmpty(t, sent, "the driver made no %s call (err %v)", ex.Command, err)

			// Requests: keys and types.
			if len(ex.Request) > 0 {
				var want any
				require.NoError(t, json.Unmarshal(ex.Request, &want))
				wantPaths := jsonPaths(want)
				var got any
				require.NoError(t, json.Unmarshal(sent[0], &got))
				gotPaths := jsonPaths(got)
				// The example's values were passed to the typed method: a key
				// it shows that the SDK did not send is a field the request
				// types cannot express, unless the example gives it its zero
				// value (the SDK omits a default) or requestUnexpressed says why.
				zero := zeroPaths(want)
				for p := range wantPaths {
					if _, ok := gotPaths[p]; ok || zero[p] {
						continue
					}
					if _, ok := requestUnexpressed[ex.Command][p]; !ok {
						t.Errorf("documented request key %s was not sent: the typed request cannot express it (sent %s)", p, sent[0])
					}
				}
				for p, ty := range gotPaths {
					if _, ok := documented[ex.Command][p]; !ok {
						if _, ok := requestExtras[ex.Command][p]; !ok {
							t.Errorf("request key %s is not documented for %s (sent %s)", p, ex.Command, sent[0])
						}
						continue
					}
					if wt, ok := wantPaths[p]; ok && wt != ty && wt != "null" && ty != "null" {
						t.Errorf("request key %s is a %s, the example has a %s", p, ty, wt)
					}
				}
			}

			// Responses: failures and surfaced values.
			failed, code := documentedFailure(ex.Response)
			if failed {
				require.Error(t, err, "a documented failure is an error")
				if code != 0 {
					assert.Equal(t, code, api.CodeOf(err), "the error carries Tencent's code")
				}
				return
			}
			require.NoError(t, err)
			if len(ex.Response) == 0 {
				return
			}
			var doc any
			require.NoError(t, json.Unmarshal(ex.Response, &doc))
			have := surfaced(res)
			ignored := responseIgnored[ex.Command]
			var missing []string
			for _, lf := range leaves(doc, "") {
				if isEnvelopeKey(lf.path) || ignoredPath(ignored, lf.path) {
					continue
				}
				if !have[lf.value] {
					missing = append(missing, fmt.Sprintf("%s=%s", lf.path, lf.value))
				}
			}
			sort.Strings(missing)
			assert.Empty(t, missing, "documented response values the typed result does not surface")
		})
	}
}

func isEnvelopeKey(p string) bool {
	switch p {
	case "ActionStatus", "ErrorCode", "ErrorInfo", "ErrorDisplay":
		return true
	}
	return false
}

func ignoredPath(ignored map[string]string, p string) bool {
	if _, ok := ignored[p]; ok {
		return true
	}
	// A prefix entry ("MsgList[].MsgBody") covers everything below it.
	for k := range ignored {
		if strings.HasPrefix(p, k+".") || strings.HasPrefix(p, k+"[]") {
			return true
		}
	}
	return false
}

// jsonPaths flattens v into key paths ("A.B", "List[].C") and their JSON
// types. Keys of objects under documented free-form maps are kept: they
// are what Tencent reads.
func jsonPaths(v any) map[string]string {
	out := map[string]string{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if p != "" {
				out[p] = "object"
			}
			for k, e := range x {
				q := k
				if p != "" {
					q = p + "." + k
				}
				walk(q, e)
			}
		case []any:
			out[p] = "array"
			for _, e := range x {
				walk(p+"[]", e)
			}
		case string:
			out[p] = "string"
		case float64:
			out[p] = "number"
		case bool:
			out[p] = "bool"
		case nil:
			out[p] = "null"
		}
	}
	walk("", v)
	return out
}

// zeroPaths lists the key paths of v whose every value is a JSON zero
// ("", 0, false, null) or an empty list or object.
func zeroPaths(v any) map[string]bool {
	nonZero := map[string]bool{}
	all := map[string]bool{}
	var walk func(p string, v any) bool
	walk = func(p string, v any) bool {
		z := true
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				q := k
				if p != "" {
					q = p + "." + k
				}
				if !walk(q, e) {
					z = false
				}
			}
		case []any:
			for _, e := range x {
				if !walk(p+"[]", e) {
					z = false
				}
			}
		case string:
			z = x == ""
		case float64:
			z = x == 0
		case bool:
			z = !x
		}
		if p != "" {
			all[p] = true
			if !z {
				nonZero[p] = true
			}
		}
		return z
	}
	walk("", v)
	out := map[string]bool{}
	for p := range all {
		if !nonZero[p] {
			out[p] = true
		}
	}
	return out
}

type leaf struct{ path, value string }

// leaves lists the values of a documented response worth looking for:
// non-empty strings and numbers other than 0 and 1.
func leaves(v any, p string) []leaf {
	var out []leaf
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			q := k
			if p != "" {
				q = p + "." + k
			}
			out = append(out, leaves(e, q)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, leaves(e, p+"[]")...)
		}
	case string:
		if x != "" {
			out = append(out, leaf{p, x})
		}
	case float64:
		if x != 0 && x != 1 {
			out = append(out, leaf{p, numText(x)})
		}
	}
	return out
}

func numText(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

var (
	timeType     = reflect.TypeOf(time.Time{})
	durationType = reflect.TypeOf(time.Duration(0))
	rawType      = reflect.TypeOf(json.RawMessage(nil))
)

// surfaced collects the values a caller can read from v: strings, numbers
// (as text), times (Unix seconds and milliseconds), durations (seconds),
// the leaves of raw JSON, and what errors say (code and info).
func surfaced(v any) map[string]bool {
	out := map[string]bool{}
	seen := map[uintptr]bool{}
	addJSON := func(b []byte) {
		var x any
		if json.Unmarshal(b, &x) == nil {
			for _, lf := range leaves(x, "") {
				out[lf.value] = true
			}
		}
	}
	var walk func(r reflect.Value, depth int)
	walk = func(r reflect.Value, depth int) {
		if !r.IsValid() || depth > 30 {
			return
		}
		switch r.Kind() {
		case reflect.Pointer:
			if r.IsNil() || seen[r.Pointer()] {
				return
			}
			seen[r.Pointer()] = true
			// A message element names its MsgType by its Go type.
			if el, ok := r.Interface().(interface{ MsgType() message.Type }); ok {
				out[string(el.MsgType())] = true
			}
			walk(r.Elem(), depth+1)
			return
		case reflect.Interface:
			if r.IsNil() {
				return
			}
			if err, ok := r.Interface().(error); ok {
				var ae *api.Error
				if errors.As(err, &ae) {
					out[strconv.Itoa(ae.Code)] = true
					out[ae.Info] = true
				}
			}
			walk(r.Elem(), depth+1)
			return
		}
		if r.Type() == timeType {
			t := r.Interface().(time.Time)
			if !t.IsZero() {
				out[strconv.FormatInt(t.Unix(), 10)] = true
				out[strconv.FormatInt(t.UnixMilli(), 10)] = true
				// Dates and times Tencent writes as text, in the
				// location the decoder gave the time.
				out[t.Format("20060102")] = true
				out[t.Format("2006-01-02 15:04:05")] = true
			}
			return
		}
		if r.CanInterface() {
			// Values with unexported fields (relation.Value) show what
			// they hold through their JSON form.
			if m, ok := r.Interface().(json.Marshaler); ok && r.Kind() == reflect.Struct {
				if b, err := m.MarshalJSON(); err == nil {
					addJSON(b)
					var s string
					if json.Unmarshal(b, &s) == nil {
						out[s] = true
					}
				}
			}
		}
		if r.Type() == durationType {
			d := time.Duration(r.Int())
			out[strconv.FormatInt(int64(d/time.Second), 10)] = true
			out[strconv.FormatInt(int64(d/time.Millisecond), 10)] = true
			return
		}
		if r.Type() == rawType || (r.Kind() == reflect.Slice && r.Type().Elem().Kind() == reflect.Uint8) {
			out[string(r.Bytes())] = true
			addJSON(r.Bytes())
			return
		}
		switch r.Kind() {
		case reflect.String:
			s := r.String()
			out[s] = true
			if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
				addJSON([]byte(s))
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			out[strconv.FormatInt(r.Int(), 10)] = true
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			out[strconv.FormatUint(r.Uint(), 10)] = true
		case reflect.Float32, reflect.Float64:
			out[numText(r.Float())] = true
		case reflect.Struct:
			for i := range r.NumField() {
				if r.Type().Field(i).IsExported() {
					walk(r.Field(i), depth+1)
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range r.Len() {
				walk(r.Index(i), depth+1)
			}
		case reflect.Map:
			it := r.MapRange()
			for it.Next() {
				walk(it.Key(), depth+1)
				walk(it.Value(), depth+1)
			}
		}
	}
	walk(reflect.ValueOf(v), 0)
	if err, ok := v.(error); ok {
		var ae *api.Error
		if errors.As(err, &ae) {
			out[strconv.Itoa(ae.Code)] = true
		}
	}
	return out
}

// TestConformanceSurfacedFindsDroppedFields keeps the response check
// honest: a value only in the example is reported missing.
func TestConformanceSurfacedFindsDroppedFields(t *testing.T) {
	t.Parallel()
	type member struct {
		UserID     string
		MutedUntil time.Time
	}
	got := surfaced([]member{{UserID: "bob", MutedUntil: time.Unix(1431069882, 0)}})
	assert.True(t, got["bob"])
	assert.True(t, got["1431069882"])
	assert.False(t, got["1431069883"])
	var doc any
	require.NoError(t, json.Unmarshal([]byte(`{"ErrorCode":0,"MemberList":[{"Member_Account":"bob","MuteUntil":1431069882,"MsgSeq":1233,"Flag":1}]}`), &doc))
	var missing []string
	for _, lf := range leaves(doc, "") {
		if !isEnvelopeKey(lf.path) && !got[lf.value] {
			missing = append(missing, lf.path)
		}
	}
	assert.Equal(t, []string{"MemberList[].MsgSeq"}, missing)
	assert.Equal(t, map[string]string{"A": "array", "A[]": "object", "A[].B": "number", "C": "string"},
		jsonPaths(map[string]any{"A": []any{map[string]any{"B": 1.0}}, "C": "x"}))
}

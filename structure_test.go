package tim_test

import (
	"context"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

const module = "github.com/timkit/tim"

// moduleDeps runs one `go list` over the module's packages and returns,
// for each (by path inside the module, "" for the root), the module
// packages it links and the packages outside the standard library and the
// module that it links.
func moduleDeps(t *testing.T) map[string]linked {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...").Output()
	require.NoError(t, err, "go list")
	all := map[string]linked{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var l linked
		for _, p := range f[1:] {
			switch {
			case p == module || strings.HasPrefix(p, module+"/"):
				l.ours = append(l.ours, rel(p))
			case strings.Contains(strings.Split(p, "/")[0], "."):
				l.foreign = append(l.foreign, p)
			}
		}
		all[rel(f[0])] = l
	}
	return all
}

type linked struct {
	ours    []string
	foreign []string // outside the standard library and this module
}

func rel(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }

// TestImportsReadTopDown holds the layout of DESIGN.md: root → area
// packages → leaves (api, usersig, internal helpers); area packages and
// the webhook never reach the transport; test helpers are linked by no
// library package; the core links nothing outside the standard library
// (the transport is net/http since issue 17 removed resty).
func TestImportsReadTopDown(t *testing.T) {
	t.Parallel()
	all := moduleDeps(t)
	area := []string{"account", "profile", "message", "conversation", "group", "relation", "push", "operation", "robot", "desk", "official", "moderation", "event"}
	for _, p := range append(area, "", "api", "usersig", "timtest", "internal/transport", "internal/wire", "internal/pager", "internal/chunkstream") {
		pkg := module + "/" + p
		l, ok := all[p]
		require.True(t, ok, "go list did not list %s", pkg)
		ours := l.ours
		assert.Empty(t, l.foreign, "%s links packages outside the standard library", pkg)
		for _, d := range ours {
			assert.False(t, strings.HasPrefix(d, "internal/testkit"), "%s links the test-only %s", pkg, d)
			if p != "" {
				assert.NotEqual(t, "", d, "%s imports the root package", pkg)
			}
		}
		if p != "" && p != "internal/transport" {
			assert.NotContains(t, ours, "internal/transport", "%s reaches the transport", pkg)
		}
		if p == "api" {
			assert.Empty(t, ours, "api is a leaf: standard library only")
		}
	}
}

// TestCloseReleasesConnections: after Close the client's keep-alive
// connections and their goroutines are gone, and no call is sent.
func TestCloseReleasesConnections(t *testing.T) {
	// Not parallel: goleak compares the process's goroutines before and after.
	srv := testkit.NewServer(t)
	before := goleak.IgnoreCurrent()
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		_, err := c.Account.Check(ctx, "a")
		require.NoError(t, err)
	}
	require.True(t, clientConnections() > 0, "the calls left a keep-alive connection open (else this test proves nothing)")
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close twice is harmless")
	goleak.VerifyNone(t, before)

	n := len(srv.Requests())
	_, err = c.Account.Check(ctx, "a")
	assert.ErrorIs(t, err, tim.ErrClosed)
	assert.ErrorIs(t, c.Do(ctx, tim.Endpoint{Path: "a/b"}, nil, nil), tim.ErrClosed)
	assert.Len(t, srv.Requests(), n, "nothing is sent after Close")
}

func clientConnections() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "net/http.(*persistConn).readLoop")
}

// TestAliasDocsListTheFields: go doc shows an alias without the fields of
// its target, so the root's doc comments of tim.APIError,
// tim.InvalidInputError and tim.Endpoint list them; this keeps the lists
// true to the api types.
func TestAliasDocsListTheFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, alias string
		typ         reflect.Type
	}{
		{"errors.go", "APIError", reflect.TypeFor[api.Error]()},
		{"errors.go", "InvalidInputError", reflect.TypeFor[api.InvalidInputError]()},
		{"endpoints.go", "Endpoint", reflect.TypeFor[api.Endpoint]()},
	} {
		src, err := os.ReadFile(tc.file)
		require.NoError(t, err)
		s := string(src)
		end := strings.Index(s, "\ntype "+tc.alias+" = ")
		require.Positive(t, end, tc.alias)
		start := strings.LastIndex(s[:end], "\n\n")
		doc := s[start:end]
		var listed []string
		for _, line := range strings.Split(doc, "\n") {
			if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "//")); len(f) >= 2 && strings.HasPrefix(line, "//\t") {
				listed = append(listed, f[0]+" "+f[1])
			}
		}
		var want []string
		for i := range tc.typ.NumField() {
			f := tc.typ.Field(i)
			want = append(want, f.Name+" "+strings.TrimPrefix(f.Type.String(), "api."))
		}
		assert.Subset(t, listed, want, "the doc comment of tim.%s lists the fields of %v", tc.alias, tc.typ)
	}
}

package tim_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/moderation"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/relation"
	"github.com/timkit/tim/robot"
	"github.com/timkit/tim/timtest"
)

// declaring lists the packages that declare endpoints, with their
// directories; TestEndpointsListsEveryPackage keeps it and tim.Endpoints
// in step.
var declaring = []struct {
	pkg       string
	endpoints []api.Endpoint
}{
	{"account", account.Endpoints()},
	{"profile", profile.Endpoints()},
	{"message", message.Endpoints()},
	{"conversation", conversation.Endpoints()},
	{"group", group.Endpoints()},
	{"relation", relation.Endpoints()},
	{"push", push.Endpoints()},
	{"operation", operation.Endpoints()},
	{"robot", robot.Endpoints()},
	{"desk", desk.Endpoints()},
	{"official", official.Endpoints()},
	{"moderation", moderation.Endpoints()},
}

// notModelled lists the declared commands timtest does not answer (none since
// issue 13).
// It must match exactly: a command the fake learns to answer has to leave
// this list, and a new declaration the fake does not model has to join it.
var notModelled = []string{}

// commands reads testdata/commands.txt: every REST command Tencent
// documents that the SDK covers, in the reference's order.
func commands(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("testdata/commands.txt")
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.TrimPrefix(line, "v4/"))
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return out
}

// TestEndpointsListsEveryPackage: every package whose source declares an
// endpoint is in declaring, and tim.Endpoints returns exactly theirs.
func TestEndpointsListsEveryPackage(t *testing.T) {
	t.Parallel()
	var want []api.Endpoint
	listed := map[string]bool{}
	for _, d := range declaring {
		require.NotEmpty(t, d.endpoints, d.pkg)
		want = append(want, d.endpoints...)
		listed[d.pkg] = true
	}
	assert.Equal(t, want, tim.Endpoints())
	declares := regexp.MustCompile(`(?m)^var \w+ = catalog\.Declare\(`)
	dirs, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, d := range dirs {
		if d.IsDir() && declares.MatchString(packageSource(t, d.Name())) {
			assert.True(t, listed[d.Name()], "package %s declares endpoints: add it to tim.Endpoints and to declaring", d.Name())
		}
	}
}

// TestEveryEndpointIsDeclaredOnce checks the declarations themselves: each
// is valid, each path is declared by one package only, beside a method
// whose doc names it, with a comment that says why its Safety is what it is.
func TestEveryEndpointIsDeclaredOnce(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, d := range declaring {
		src := packageSource(t, d.pkg)
		for _, e := range d.endpoints {
			assert.NoError(t, e.Validate(), "%s: %v", d.pkg, e)
			if other, dup := seen[e.Path]; dup {
				t.Errorf("%s is declared twice: in %s and %s", e.Path, other, d.pkg)
			}
			seen[e.Path] = d.pkg
			if !regexp.MustCompile(`//\s*REST:[^\n]*v4/` + regexp.QuoteMeta(e.Path) + `\b`).MatchString(src) {
				t.Errorf("%s: no method of package %s documents v4/%s with a `// REST:` line", e.Path, d.pkg, e.Path)
			}
			decl := regexp.MustCompile(`(?m)^(//[^\n]*\n)+var \w+ = catalog\.Declare\(api\.Endpoint\{Path: "` + regexp.QuoteMeta(e.Path) + `"`)
			if !decl.MatchString(src) {
				t.Errorf("%s: the declaration in package %s is not a commented `var … = catalog.Declare(api.Endpoint{Path: …})`", e.Path, d.pkg)
			}
		}
	}
}

// TestNoSideChannel: nothing about a call travels in a context value, and
// the transport keeps no list of its own.
func TestNoSideChannel(t *testing.T) {
	t.Parallel()
	banned := regexp.MustCompile(`context\.WithValue|WithSafety|unsafePaths|WithExtraLimit|safetyOf`)
	for _, dir := range []string{".", "api", "account", "profile", "message", "conversation", "group", "relation", "push", "operation", "robot", "desk", "official", "moderation", "event", "internal/transport", "internal/wire", "internal/pager", "internal/chunkstream"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			if m := banned.Find(b); m != nil {
				t.Errorf("%s uses %s: the endpoint declaration is the only place a call's contract lives", f, m)
			}
		}
	}
}

func packageSource(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		b.Write(src)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestEveryCommandHasAMethod fails when a REST command of the reference has
// no declaration (so no typed method), when a declaration is not in the
// reference, or when README.md's coverage table, generated from the
// declarations, the reference and the fake's routes, is stale.
func TestEveryCommandHasAMethod(t *testing.T) {
	t.Parallel()
	cmds := commands(t)
	declaredBy := map[string]string{}
	for _, d := range declaring {
		for _, e := range d.endpoints {
			declaredBy[e.Path] = d.pkg
		}
	}
	inRef := map[string]bool{}
	for _, c := range cmds {
		inRef[c] = true
		if declaredBy[c] == "" {
			t.Errorf("no method calls v4/%s: declare it beside a method with a `// REST: v4/%s` doc line", c, c)
		}
	}
	for p, pkg := range declaredBy {
		if !inRef[p] {
			t.Errorf("%s (declared in %s) is not in testdata/commands.txt: add it with its documentation page", p, pkg)
		}
	}
	fake := map[string]bool{}
	for _, p := range timtest.NewServer(t).APIs() {
		fake[p] = true
	}
	table := coverageTable(cmds, declaredBy, fake)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	const start, end = "<!-- coverage:start -->\n", "<!-- coverage:end -->"
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	require.True(t, i >= 0 && j > i, "README.md lacks the coverage markers")
	if os.Getenv("UPDATE_README") == "1" {
		require.NoError(t, os.WriteFile("README.md", []byte(s[:i+len(start)]+table+s[j:]), 0o644))
		return
	}
	assert.Equal(t, table, s[i+len(start):j], "README.md coverage table is stale: run `make generate`")
}

func coverageTable(cmds []string, declaredBy map[string]string, fake map[string]bool) string {
	type row struct {
		pkgs                     map[string]bool
		total, covered, modelled int
	}
	rows := map[string]*row{}
	var order []string
	for _, c := range cmds {
		svc := strings.SplitN(c, "/", 2)[0]
		r := rows[svc]
		if r == nil {
			r = &row{pkgs: map[string]bool{}}
			rows[svc] = r
			order = append(order, svc)
		}
		r.total++
		if pkg := declaredBy[c]; pkg != "" {
			r.covered++
			r.pkgs[pkg] = true
		}
		if fake[c] {
			r.modelled++
		}
	}
	var b strings.Builder
	b.WriteString("| area (service) | package | commands | typed methods | in the fake |\n|---|---|---|---|---|\n")
	var total, covered, modelled int
	for _, svc := range order {
		r := rows[svc]
		var pkgs []string
		for p := range r.pkgs {
			pkgs = append(pkgs, "`"+p+"`")
		}
		sort.Strings(pkgs)
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d |\n", svc, strings.Join(pkgs, ", "), r.total, r.covered, r.modelled)
		total += r.total
		covered += r.covered
		modelled += r.modelled
	}
	fmt.Fprintf(&b, "| **all** | | **%d** | **%d** | **%d** |\n", total, covered, modelled)
	return b.String()
}

// TestFakeRoutesTheDeclarations holds timtest's routing to the same list:
// every declared command is answered by the fake or listed in notModelled,
// and the fake answers nothing the SDK does not declare.
func TestFakeRoutesTheDeclarations(t *testing.T) {
	t.Parallel()
	routed := timtest.NewServer(t).APIs()
	missing := []string{}
	declared := map[string]bool{}
	for _, e := range tim.Endpoints() {
		declared[e.Path] = true
		if !slices.Contains(routed, e.Path) {
			missing = append(missing, e.Path)
		}
	}
	for _, p := range routed {
		assert.True(t, declared[p], "timtest routes %s, which no package declares", p)
	}
	sort.Strings(missing)
	want := slices.Clone(notModelled)
	sort.Strings(want)
	assert.Equal(t, want, missing, "notModelled is out of date: the fake's routes changed")
}

package tim_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// restLine matches the doc line every REST-backed method carries.
var restLine = regexp.MustCompile(`//\s*REST:\s*(.*)`)
var restPath = regexp.MustCompile(`v4/([A-Za-z0-9_]+/[A-Za-z0-9_]+)`)

// coverage maps each command path to the packages whose non-test code both
// documents a method calling it ("// REST: v4/<path>") and holds the path
// as a string literal.
func coverage(t *testing.T) map[string][]string {
	t.Helper()
	documented := map[string]map[string]bool{}
	literal := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, path, pkg string) {
		if m[path] == nil {
			m[path] = map[string]bool{}
		}
		m[path][pkg] = true
	}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "timtest", "internal", "examples", "contrib", "testdata", "cmd", ".git":
				return filepath.SkipDir // fakes, plumbing and programs do not count
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		pkg := filepath.Dir(p)
		if pkg == "." {
			pkg = "tim"
		}
		for _, m := range restLine.FindAllStringSubmatch(string(src), -1) {
			for _, pm := range restPath.FindAllStringSubmatch(m[1], -1) {
				add(documented, pm[1], pkg)
			}
		}
		for _, m := range regexp.MustCompile(`"([A-Za-z0-9_]+/[A-Za-z0-9_]+)"`).FindAllStringSubmatch(string(src), -1) {
			add(literal, m[1], pkg)
		}
		return nil
	})
	require.NoError(t, err)
	out := map[string][]string{}
	for path, pkgs := range documented {
		for pkg := range pkgs {
			if literal[path][pkg] {
				out[path] = append(out[path], pkg)
			}
		}
		sort.Strings(out[path])
	}
	return out
}

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

// TestEveryCommandHasAMethod fails when a REST command of the reference has
// no method calling it, and keeps README.md's coverage table true.
func TestEveryCommandHasAMethod(t *testing.T) {
	cov := coverage(t)
	cmds := commands(t)
	type row struct {
		service string
		pkgs    map[string]bool
		total   int
		covered int
	}
	rows := map[string]*row{}
	var order []string
	for _, c := range cmds {
		svc := strings.SplitN(c, "/", 2)[0]
		r := rows[svc]
		if r == nil {
			r = &row{service: svc, pkgs: map[string]bool{}}
			rows[svc] = r
			order = append(order, svc)
		}
		r.total++
		if pkgs := cov[c]; len(pkgs) > 0 {
			r.covered++
			for _, p := range pkgs {
				r.pkgs[p] = true
			}
		} else {
			t.Errorf("no method calls v4/%s (add one with a `// REST: v4/%s` doc line)", c, c)
		}
	}
	var b strings.Builder
	b.WriteString("| area (service) | package | commands | covered |\n|---|---|---|---|\n")
	total, covered := 0, 0
	for _, svc := range order {
		r := rows[svc]
		var pkgs []string
		for p := range r.pkgs {
			pkgs = append(pkgs, "`"+p+"`")
		}
		sort.Strings(pkgs)
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d |\n", svc, strings.Join(pkgs, ", "), r.total, r.covered)
		total += r.total
		covered += r.covered
	}
	fmt.Fprintf(&b, "| **all** | | **%d** | **%d** |\n", total, covered)
	table := b.String()

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	const start, end = "<!-- coverage:start -->\n", "<!-- coverage:end -->"
	s := string(readme)
	i, j := strings.Index(s, start), strings.Index(s, end)
	require.True(t, i >= 0 && j > i, "README.md lacks the coverage markers")
	current := s[i+len(start) : j]
	if os.Getenv("UPDATE_README") == "1" {
		require.NoError(t, os.WriteFile("README.md", []byte(s[:i+len(start)]+table+s[j:]), 0o644))
		return
	}
	assert.Equal(t, table, current, "README.md coverage table is stale: run UPDATE_README=1 go test -run TestEveryCommandHasAMethod .")
}

package testkit

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// ProcessServer builds and starts internal/testkit/benchserver in a process
// of its own and returns its base URL; it stops at the end of the test or
// benchmark. Benchmarks comparing clients use it so that the server's work
// (CPU and allocations) is not counted against either side. A failure to
// build or start it fails tb.
func ProcessServer(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "benchserver")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/timkit/tim/internal/testkit/benchserver").CombinedOutput()
	if err != nil {
		tb.Fatalf("building benchserver: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting benchserver: %v", err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("benchserver printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}

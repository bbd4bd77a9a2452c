package testkit

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
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
	return startBuilt(tb, buildCommand(tb, "benchserver"))
}

// buildCommand builds internal/testkit/<name> and returns the command
// running it.
func buildCommand(tb testing.TB, name string) *exec.Cmd {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), name)
	// The go command that runs this test (GOROOT is what the go command
	// sets for its tests), else the first on PATH.
	goBin := "go"
	if root := os.Getenv("GOROOT"); root != "" {
		goBin = filepath.Join(root, "bin", "go")
	}
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/timkit/tim/internal/testkit/"+name).CombinedOutput()
	if err != nil {
		tb.Fatalf("building %s: %v\n%s", name, err, out)
	}
	return exec.Command(bin)
}

// startBuilt starts cmd, a server that prints its base URL and exits when
// its standard input closes, and returns the URL; it stops at the end of
// tb.
func startBuilt(tb testing.TB, cmd *exec.Cmd) string {
	tb.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", cmd.Path, err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("%s printed no address: %v", cmd.Path, err)
	}
	return strings.TrimSpace(line)
}

package testkit

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// interesting marks goroutines that must be gone once every test is over:
// anything running this module's code, and HTTP client connections, which
// outlive a test only when a response body or a server is left open.
var interesting = []string{"github.com/timkit/tim", "net/http.(*persistConn)"}

// LeakedGoroutines returns the stacks of goroutines still running this
// module's code or holding HTTP client connections, after giving them up to
// wait to finish.
func LeakedGoroutines(wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for {
		leaks := leaked()
		if len(leaks) == 0 || time.Now().After(deadline) {
			return leaks
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func leaked() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "testkit.leaked") || strings.Contains(g, "testing.(*M).") || strings.Contains(g, "TestMain") {
			continue
		}
		for _, m := range interesting {
			if strings.Contains(g, m) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// VerifyNoLeaks runs the tests, then fails the run when goroutines leaked.
// Use it from TestMain: func TestMain(m *testing.M) { testkit.VerifyNoLeaks(m) }
func VerifyNoLeaks(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaks := LeakedGoroutines(5 * time.Second); len(leaks) > 0 {
			fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines still running after the tests:\n\n%s\n", len(leaks), strings.Join(leaks, "\n\n"))
			code = 1
		}
	}
	os.Exit(code)
}

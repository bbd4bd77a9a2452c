package setup

import (
	"fmt"
	"io"
	"sync"
)

// Printer writes an example's readable output: numbered steps with
// indented details. It is safe for concurrent use (event handlers print
// from the webhook's goroutines).
type Printer struct {
	mu sync.Mutex
	w  io.Writer
	n  int
}

// NewPrinter returns a Printer writing to w.
func NewPrinter(w io.Writer) *Printer { return &Printer{w: w} }

// Step starts the next numbered step.
func (p *Printer) Step(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	fmt.Fprintf(p.w, "%2d. %s\n", p.n, fmt.Sprintf(format, args...))
}

// Info prints a detail line under the current step.
func (p *Printer) Info(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "    %s\n", fmt.Sprintf(format, args...))
}

// Line prints a line as it is.
func (p *Printer) Line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows how far long work got on stderr: a redrawn bar on a
// terminal; plain lines otherwise (at each 10% step and at the end), so
// logs stay readable.
type progress struct {
	w     io.Writer
	tty   bool
	label string
	unit  string
	now   func() time.Time

	done, total int64 // the last figures reported
	shown       int64 // plain mode: the done figure last printed (-1: none)
	lastStep    int64 // plain mode: the last 10% step printed
	lastDraw    time.Time
	open        bool // terminal mode: a bar is drawn on an unfinished line
}

func newProgress(e *env, label, unit string) *progress {
	return &progress{w: e.stderr, tty: e.terminal(e.stderr), label: label, unit: unit, now: e.now, shown: -1, lastStep: -1}
}

const barWidth = 30

// update reports done of total (total 0: unknown).
func (p *progress) update(done, total int64) {
	p.done, p.total = done, total
	final := total > 0 && done >= total
	if p.tty {
		if t := p.now(); final || !p.open || t.Sub(p.lastDraw) >= 100*time.Millisecond {
			p.lastDraw = t
			fmt.Fprintf(p.w, "\r%s %s", p.label, bar(done, total, p.unit))
			p.open = true
			if final {
				fmt.Fprintln(p.w)
				p.open = false
			}
		}
		return
	}
	step := int64(0)
	if total > 0 {
		step = done * 10 / total
	}
	if step != p.lastStep || (final && p.shown != done) {
		p.lastStep = step
		p.line()
	}
}

func (p *progress) line() {
	p.shown = p.done
	fmt.Fprintf(p.w, "%s: %s\n", p.label, figures(p.done, p.total, p.unit))
}

// finish ends the display when the work stops (done or not): it closes an
// open bar and prints the last figures if they were not shown.
func (p *progress) finish() {
	switch {
	case p.tty && p.open:
		fmt.Fprintln(p.w)
		p.open = false
	case !p.tty && p.shown >= 0 && p.shown != p.done:
		p.line()
	}
}

func figures(done, total int64, unit string) string {
	if total <= 0 {
		return fmt.Sprintf("%d %s", done, unit)
	}
	return fmt.Sprintf("%d/%d %s (%d%%)", done, total, unit, done*100/total)
}

func bar(done, total int64, unit string) string {
	if total <= 0 {
		return figures(done, total, unit)
	}
	n := int(min(done, total) * barWidth / total)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", barWidth-n) + "] " + figures(done, total, unit)
}

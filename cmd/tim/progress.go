package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress shows how far long work got: a redrawn bar on a terminal,
// plain lines (every 10%, and the end) otherwise, so logs stay readable.
type progress struct {
	w        io.Writer
	tty      bool
	label    string
	unit     string
	now      func() time.Time
	lastStep int64 // plain mode: the last 10% step printed
	lastDraw time.Time
	drawn    bool
}

func newProgress(e *env, label, unit string) *progress {
	return &progress{w: e.stderr, tty: e.terminal(e.stderr), label: label, unit: unit, now: e.now, lastStep: -1}
}

const barWidth = 30

// update reports done of total (total 0: unknown).
func (p *progress) update(done, total int64) {
	final := total > 0 && done >= total
	if p.tty {
		if t := p.now(); final || !p.drawn || t.Sub(p.lastDraw) >= 100*time.Millisecond {
			p.lastDraw, p.drawn = t, true
			fmt.Fprintf(p.w, "\r%s %s", p.label, bar(done, total, p.unit))
			if final {
				fmt.Fprintln(p.w)
				p.drawn = false // the line is closed
			}
		}
		return
	}
	step := int64(0)
	if total > 0 {
		step = done * 10 / total
	}
	if step == p.lastStep && !final {
		return
	}
	if final && p.lastStep == 10 {
		return
	}
	p.lastStep = step
	if final {
		p.lastStep = 10
	}
	fmt.Fprintf(p.w, "%s: %s\n", p.label, figures(done, total, p.unit))
}

// done ends a bar left open (work that stopped early).
func (p *progress) done() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
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

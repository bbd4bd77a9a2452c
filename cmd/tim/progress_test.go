package main

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func newTestProgress(tty bool, clock *time.Time) (*progress, *bytes.Buffer) {
	var b bytes.Buffer
	e := &env{stderr: &b, terminal: func(io.Writer) bool { return tty }, now: func() time.Time { return *clock }}
	return newProgress(e, "work", "items"), &b
}

func TestProgressPlainLinesEveryTenPercentAndTheEnd(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	p, b := newTestProgress(false, &now)
	for i := int64(1); i <= 1000; i++ {
		p.update(i, 1000)
	}
	p.finish()
	lines := bytes.Count(b.Bytes(), []byte("\n"))
	assert.Equal(t, 11, lines, "steps 0 to 10: %s", b.String())
	assert.Contains(t, b.String(), "work: 1000/1000 items (100%)\n")

	// Work that stops early shows where it stopped.
	p, b = newTestProgress(false, &now)
	p.update(10, 1000)
	p.update(57, 1000)
	p.finish()
	assert.Equal(t, "work: 10/1000 items (1%)\nwork: 57/1000 items (5%)\n", b.String())

	// Unknown total: the figure alone, first and last.
	p, b = newTestProgress(false, &now)
	p.update(5, 0)
	p.update(9, 0)
	p.finish()
	assert.Equal(t, "work: 5 items\nwork: 9 items\n", b.String())
}

func TestProgressBarRedrawsAtMostEvery100ms(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	p, b := newTestProgress(true, &now)
	p.update(1, 4) // first draw
	p.update(2, 4) // same instant: skipped
	now = now.Add(150 * time.Millisecond)
	p.update(3, 4) // drawn
	p.update(4, 4) // final: always drawn, line closed
	p.finish()     // nothing more
	assert.Equal(t, "\rwork [#######.......................] 1/4 items (25%)"+
		"\rwork [######################........] 3/4 items (75%)"+
		"\rwork [##############################] 4/4 items (100%)\n", b.String())

	p, b = newTestProgress(true, &now)
	p.update(1, 4)
	p.finish()
	assert.Equal(t, "\rwork [#######.......................] 1/4 items (25%)\n", b.String(), "an interrupted bar's line is closed")
}

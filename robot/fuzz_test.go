package robot_test

import (
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/timkit/tim/robot"
)

// stepReader returns at most step bytes per Read.
type stepReader struct {
	b    []byte
	step int
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.step, len(r.b))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// FuzzReadChunks: whatever the reads look like, the chunks join to the
// input, and a valid UTF-8 input never yields a chunk that splits a rune.
func FuzzReadChunks(f *testing.F) {
	f.Add([]byte("发热 38.5°C"), uint8(1))
	f.Add([]byte("plain ascii text"), uint8(3))
	f.Add([]byte{0xe5, 0x8f, 0x91, 0xff, 0xe7}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		chunks, errf := robot.ReadChunks(&stepReader{b: data, step: int(step%16) + 1})
		var b strings.Builder
		for c := range chunks {
			if c == "" {
				t.Fatal("empty chunk")
			}
			if utf8.Valid(data) && !utf8.ValidString(c) {
				t.Fatalf("chunk %q of a valid input splits a rune", c)
			}
			b.WriteString(c)
		}
		if err := errf(); err != nil {
			t.Fatal(err)
		}
		if b.String() != string(data) {
			t.Fatalf("chunks join to %q, want %q", b.String(), data)
		}
	})
}

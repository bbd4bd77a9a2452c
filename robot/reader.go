package robot

import (
	"errors"
	"io"
	"iter"
	"sync"
	"unicode/utf8"
)

// ReadChunks adapts an io.Reader (an assistant's streamed HTTP body, a
// pipe) to the chunk sequence Stream takes: what each Read returns is one
// chunk, cut so that no chunk ends inside a UTF-8 sequence (the incomplete
// tail waits for the next Read). err reports, once the sequence has ended,
// the read error that ended it (nil for io.EOF). The sequence can be
// ranged over once.
func ReadChunks(r io.Reader) (chunks iter.Seq[string], err func() error) {
	var (
		mu      sync.Mutex
		readErr error
	)
	chunks = func(yield func(string) bool) {
		buf := make([]byte, 4096)
		var carry []byte
		for {
			n, rerr := r.Read(buf)
			if n > 0 {
				data := append(carry, buf[:n]...)
				cut := completeRunes(data)
				if cut > 0 && !yield(string(data[:cut])) {
					return
				}
				carry = append(carry[:0:0], data[cut:]...)
			}
			if rerr != nil {
				if len(carry) > 0 && !yield(string(carry)) {
					return
				}
				if !errors.Is(rerr, io.EOF) {
					mu.Lock()
					readErr = rerr
					mu.Unlock()
				}
				return
			}
		}
	}
	return chunks, func() error {
		mu.Lock()
		defer mu.Unlock()
		return readErr
	}
}

// completeRunes returns the length of the longest prefix of b that does
// not end inside a UTF-8 sequence.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

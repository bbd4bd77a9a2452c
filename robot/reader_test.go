package robot_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/robot"
)

// A reader that returns one byte at a time still yields whole runes.
func TestReadChunksKeepsRunesWhole(t *testing.T) {
	t.Parallel()
	text := "发热 38.5°C, cough 咳嗽"
	chunks, errf := robot.ReadChunks(iotest.OneByteReader(strings.NewReader(text)))
	var got []string
	for c := range chunks {
		assert.True(t, len(c) > 0)
		assert.True(t, strings.ToValidUTF8(c, "\uFFFD") == c, "chunk %q splits a rune", c)
		got = append(got, c)
	}
	require.NoError(t, errf())
	assert.Equal(t, text, strings.Join(got, ""))
}

func TestReadChunksReportsTheReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("upstream reset")
	r := io.MultiReader(strings.NewReader("partial answer"), iotest.ErrReader(boom))
	chunks, errf := robot.ReadChunks(r)
	var got strings.Builder
	for c := range chunks {
		got.WriteString(c)
	}
	assert.Equal(t, "partial answer", got.String())
	assert.ErrorIs(t, errf(), boom)
}

// Stream over a reader: the whole text arrives as one message.
func TestStreamFromAReader(t *testing.T) {
	t.Parallel()
	c, srv := botClient(t)
	pr, pw := io.Pipe()
	go func() {
		for _, w := range strings.SplitAfter("Please rest and drink water; the doctor will call you.", " ") {
			_, _ = pw.Write([]byte(w))
		}
		_ = pw.Close()
	}()
	chunks, errf := robot.ReadChunks(pr)
	res, err := c.Robot.Stream(context.Background(), bot, "patient", chunks)
	require.NoError(t, err)
	require.NoError(t, errf())
	require.Len(t, res.MsgKeys, 1)
	st := srv.Streams()
	require.Len(t, st, 1)
	assert.Equal(t, "Please rest and drink water; the doctor will call you.", st[0].Text())
}

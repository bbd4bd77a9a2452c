package wire

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
)

func TestCheckUserID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field string
		ids         []string
		want        string // "" = valid
	}{
		{"ok", "To_Account", []string{"a", strings.Repeat("x", MaxUserIDBytes)}, ""},
		{"none", "To_Account", nil, "invalid To_Account: no UserID given"},
		{"empty", "To_Account", []string{"a", ""}, "invalid To_Account[1]: is empty"},
		{"long", "To_Account", []string{strings.Repeat("x", 33)}, `invalid To_Account[0]: "` + strings.Repeat("x", 33) + `" is 33 bytes, limit is 32`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckUserIDs(tc.field, tc.ids)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, api.ErrInvalidParameter)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.NoError(t, CheckUserID("From_Account", "a"))
	assert.ErrorContains(t, CheckUserID("From_Account", ""), "invalid From_Account: is empty")
}

func TestChunks(t *testing.T) {
	t.Parallel()
	var got [][2]int
	require.NoError(t, Chunks(7, 3, func(lo, hi int) error { got = append(got, [2]int{lo, hi}); return nil }))
	assert.Equal(t, [][2]int{{0, 3}, {3, 6}, {6, 7}}, got)
	require.NoError(t, Chunks(0, 3, func(lo, hi int) error { t.Fatal("no items, no call"); return nil }))

	boom := errors.New("boom")
	calls := 0
	err := Chunks(7, 3, func(lo, hi int) error { calls++; return boom })
	assert.Same(t, boom, err, "returned as is")
	assert.Equal(t, 1, calls, "stops at the first error")

	err = ChunksNamed(7, 3, "pkg: users", func(lo, hi int) error {
		if lo == 3 {
			return boom
		}
		return nil
	})
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "pkg: users 3..5 of 7: boom")
	assert.Same(t, boom, ChunksNamed(3, 3, "pkg: users", func(int, int) error { return boom }), "one range: not wrapped")
}

func TestBoolInt(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 1, BoolInt(true))
	assert.Equal(t, 0, BoolInt(false))
}

func TestUnixTime(t *testing.T) {
	t.Parallel()
	assert.True(t, UnixTime(0).IsZero())
	assert.True(t, UnixTime(-5).IsZero())
	assert.Equal(t, int64(1700000000), UnixTime(1700000000).Unix())

	n, err := UnixSeconds("AddTime", time.Time{})
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = UnixSeconds("AddTime", time.Unix(1700000000, 999))
	require.NoError(t, err)
	assert.Equal(t, int64(1700000000), n)
	_, err = UnixSeconds("AddTime", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, api.ErrInvalidParameter)
	assert.ErrorContains(t, err, "invalid AddTime: 1969-12-31T00:00:00Z is before 1970")
}

package pager

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

type cursor struct{ a, b int }

func TestWalk(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	pages := map[cursor]Page[string, cursor]{
		{}:     {Items: []string{"a", "b"}, Next: cursor{1, 0}},
		{1, 0}: {Items: nil, Next: cursor{1, 1}}, // an empty page that is not the last
		{1, 1}: {Items: []string{"c"}, Done: true, Next: cursor{1, 1}},
	}
	fetch := func(c cursor) (Page[string, cursor], error) {
		p, ok := pages[c]
		if !ok {
			return p, boom
		}
		return p, nil
	}
	tests := []struct {
		name    string
		first   cursor
		want    []string
		wantErr error
		errText string
	}{
		{"all pages", cursor{}, []string{"a", "b", "c"}, nil, ""},
		{"first page fails: not named", cursor{9, 9}, nil, boom, "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, errs := testkit.Drain(Walk("test: list", tc.first, fetch), 0)
			assert.Equal(t, tc.want, got)
			if tc.wantErr == nil {
				assert.Empty(t, errs)
				return
			}
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], tc.wantErr)
			assert.EqualError(t, errs[0], tc.errText)
		})
	}
}

func TestWalkLaterPageErrorNamed(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var got []int
	var last error
	for it, err := range Walk("test: list", 0, func(c int) (Page[int, int], error) {
		if c == 2 {
			return Page[int, int]{}, boom
		}
		return Page[int, int]{Items: []int{c}, Next: c + 1}, nil
	}) {
		if err != nil {
			last = err
			break
		}
		got = append(got, it)
	}
	assert.Equal(t, []int{0, 1}, got)
	assert.ErrorIs(t, last, boom)
	assert.EqualError(t, last, "test: list page 3: boom")
}

func TestWalkStuck(t *testing.T) {
	t.Parallel()
	calls := 0
	items, errs := testkit.Drain(Walk("test: list", "c0", func(c string) (Page[string, string], error) {
		calls++
		return Page[string, string]{Items: []string{c}, Next: "c1"}, nil
	}), 0)
	assert.Equal(t, []string{"c0", "c1"}, items, "each page's items are yielded once")
	assert.Equal(t, 2, calls, "the stuck cursor is not fetched a third time")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
	assert.Contains(t, errs[0].Error(), "test: list page 2")
}

// A server whose cursors cycle (A, B, A, …) would be walked forever: the
// first cursor seen again ends the walk.
func TestWalkCycleEnds(t *testing.T) {
	t.Parallel()
	next := map[string]string{"a": "b", "b": "c", "c": "a"}
	calls := 0
	items, errs := testkit.Drain(Walk("test: list", "a", func(c string) (Page[string, string], error) {
		calls++
		return Page[string, string]{Items: []string{c}, Next: next[c]}, nil
	}), 0)
	assert.Equal(t, []string{"a", "b", "c"}, items)
	assert.Equal(t, 3, calls, "no cursor is fetched twice")
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], api.ErrCursorStuck)

	// The same seq ranged again walks again: its memory of cursors is per walk.
	seq := Walk("test: list", "a", func(c string) (Page[string, string], error) {
		return Page[string, string]{Items: []string{c}, Next: "z", Done: c == "z"}, nil
	})
	for range 2 {
		items, errs = testkit.Drain(seq, 0)
		assert.Equal(t, []string{"a", "z"}, items)
		assert.Empty(t, errs)
	}
}

func TestWalkIncreasing(t *testing.T) {
	t.Parallel()
	// A StartIndex that goes back is as stuck as one that stays.
	next := map[int]int{0: 10, 10: 5}
	var items []int
	var last error
	for it, err := range WalkIncreasing("test: friends", 0, func(c int) (Page[int, int], error) {
		return Page[int, int]{Items: []int{c}, Next: next[c]}, nil
	}) {
		if err != nil {
			last = err
			continue
		}
		items = append(items, it)
	}
	assert.Equal(t, []int{0, 10}, items)
	assert.ErrorIs(t, last, api.ErrCursorStuck)

	var all []int
	for it, err := range WalkIncreasing("test: friends", 0, func(c int) (Page[int, int], error) {
		return Page[int, int]{Items: []int{c}, Next: c + 3, Done: c >= 6}, nil
	}) {
		require.NoError(t, err)
		all = append(all, it)
	}
	assert.Equal(t, []int{0, 3, 6}, all)
}

func TestWalkBreakStopsFetching(t *testing.T) {
	t.Parallel()
	calls := 0
	for range Walk("test: list", 0, func(c int) (Page[int, int], error) {
		calls++
		return Page[int, int]{Items: []int{c, c}, Next: c + 1}, nil
	}) {
		break
	}
	assert.Equal(t, 1, calls)
}

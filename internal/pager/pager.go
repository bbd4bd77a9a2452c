// Package pager is the one paging loop of the SDK: every iterator over a
// paged list (members, conversations, friends, groups, receipts, …) is a
// fetch function handed to Walk or WalkIncreasing, so each reports errors
// and stuck cursors the same way.
package pager

import (
	"cmp"
	"fmt"
	"iter"

	"github.com/timkit/tim/api"
)

// Page is one answer of a paged command: its items, the cursor of the next
// page, and whether this was the last one.
type Page[T any, C comparable] struct {
	Items []T
	Next  C
	Done  bool
}

// Walk iterates over the items of every page, fetching the first page at
// cursor first and each further page at the previous page's Next, until a
// page says Done. A fetch error ends the iteration: it is yielded once with
// a zero item, naming the page when it is not the first ("<what> page 3:
// …"). A page that is not Done but whose Next equals the cursor it was
// fetched with, or any cursor already fetched (a server cycling A, B, A),
// would be fetched forever: the iteration ends with api.ErrCursorStuck
// instead. Breaking out of the loop stops fetching.
func Walk[T any, C comparable](what string, first C, fetch func(cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		seen := map[C]struct{}{first: {}}
		walk(what, first, fetch, func(_, next C) bool {
			if _, ok := seen[next]; ok {
				return false
			}
			seen[next] = struct{}{}
			return true
		})(yield)
	}
}

// WalkIncreasing is Walk for cursors that must grow from page to page (a
// StartIndex, a sequence number): a Next that is not greater than the
// cursor ends the iteration with api.ErrCursorStuck.
func WalkIncreasing[T any, C cmp.Ordered](what string, first C, fetch func(cursor C) (Page[T, C], error)) iter.Seq2[T, error] {
	return walk(what, first, fetch, func(prev, next C) bool { return next > prev })
}

func walk[T any, C comparable](what string, first C, fetch func(C) (Page[T, C], error), advanced func(prev, next C) bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		cur := first
		for page := 1; ; page++ {
			p, err := fetch(cur)
			if err != nil {
				if page > 1 {
					err = fmt.Errorf("%s page %d: %w", what, page, err)
				}
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if p.Done {
				return
			}
			if !advanced(cur, p.Next) {
				yield(zero, fmt.Errorf("%s page %d: next cursor %+v after %+v: %w", what, page, p.Next, cur, api.ErrCursorStuck))
				return
			}
			cur = p.Next
		}
	}
}

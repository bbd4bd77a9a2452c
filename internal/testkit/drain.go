package testkit

import "iter"

// Drain runs a paging iterator to its end, or for at most limit yields
// when limit > 0 (a guard against an iterator that never stops), and
// returns the items and, apart, every error it yielded.
func Drain[T any](seq iter.Seq2[T, error], limit int) (items []T, errs []error) {
	n := 0
	for it, err := range seq {
		if err != nil {
			errs = append(errs, err)
		} else {
			items = append(items, it)
		}
		if n++; limit > 0 && n >= limit {
			break
		}
	}
	return items, errs
}

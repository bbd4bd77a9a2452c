package wire

import "time"

// UnixTime is a wire time in Unix seconds as a time.Time: the zero time for
// 0 (Tencent's "absent") and for the negative values no real event has.
func UnixTime(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

// UnixSeconds is t in Unix seconds for the wire: 0 for the zero time, and
// an *api.InvalidInputError naming field for an instant before 1970, which
// the wire cannot carry.
func UnixSeconds(field string, t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	n := t.Unix()
	if n < 0 {
		return 0, Invalid(field, "%s is before 1970", t.Format(time.RFC3339))
	}
	return n, nil
}

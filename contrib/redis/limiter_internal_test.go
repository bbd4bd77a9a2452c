package timredis

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/timkit/tim"
)

func TestNewBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		rate      tim.Rate
		w0, wmax  int64 // microseconds
		wantLimit int
		interval  int64 // microseconds
		tolerance int64
	}{
		// 1,010,000 µs / 200 = 5,050 µs; burst 10.
		{"200 a second", tim.Rate{N: 200, Per: time.Second}, 1_010_000, 1_250_000, 200, 5050, 9 * 5050},
		// 60,600,000 µs / 12,000 = 5,050 µs; burst 600.
		{"12000 a minute", tim.Rate{N: 12000, Per: time.Minute}, 60_600_000, 75_000_000, 12000, 5050, 599 * 5050},
		{"sub-microsecond rounds up", tim.Rate{N: 5, Per: 1500 * time.Nanosecond}, 2, 2, 5, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBudget("k", tt.rate)
			assert.Equal(t, tt.w0, b.w0)
			assert.Equal(t, tt.wmax, b.wmax)
			assert.Equal(t, tt.wantLimit, b.limit)
			assert.Equal(t, []string{"{k}", "{k}:state"}, b.keys, "one hash slot")
			assert.Equal(t, tt.interval, b.interval)
			assert.Equal(t, tt.tolerance, b.tolerance)
		})
	}
	assert.Nil(t, newBudget("k", tim.Rate{}))
	assert.Nil(t, newBudget("k", tim.Rate{N: 5}))
}

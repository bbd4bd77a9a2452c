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
		name                string
		rate                tim.Rate
		interval, tolerance int64 // microseconds
	}{
		// burst 10, steady 191: ceil(1e6/191) = 5236 µs.
		{"200 a second", tim.Rate{N: 200, Per: time.Second}, 5236, 9 * 5236},
		// burst 600, steady 11401: ceil(60e6/11401) = 5263 µs.
		{"12000 a minute", tim.Rate{N: 12000, Per: time.Minute}, 5263, 599 * 5263},
		{"1 a second", tim.Rate{N: 1, Per: time.Second}, 1_000_000, 0},
		{"sub-microsecond rounds up", tim.Rate{N: 1_000_000_000, Per: time.Second}, 1, 49_999_999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newBudget("k", tt.rate)
			assert.Equal(t, tt.interval, b.interval)
			assert.Equal(t, tt.tolerance, b.tolerance)
			assert.Equal(t, []string{"k"}, b.keys)
		})
	}
	assert.Nil(t, newBudget("k", tim.Rate{}))
	assert.Nil(t, newBudget("k", tim.Rate{N: 5}))
}

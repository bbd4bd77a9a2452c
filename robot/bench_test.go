package robot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkStream20KB streams a 20 KB answer produced as 200 chunks of
// 100 bytes (as fast as the producer can yield) to the fake: calls made
// per answer, wall time and allocations. The wall time is dominated by
// Tencent's pacing (one call per 220 ms), not by the SDK.
func BenchmarkStream20KB(b *testing.B) {
	c, srv := botClientB(b)
	chunk := strings.Repeat("症状xxxx", 10) // 100 bytes
	chunks := func(yield func(string) bool) {
		for range 200 {
			if !yield(chunk) {
				return
			}
		}
	}
	ctx := context.Background()
	calls := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := c.Robot.Stream(ctx, bot, "patient", chunks)
		if err != nil {
			b.Fatal(err)
		}
		calls += res.Calls
		if res.Bytes != 20000 {
			b.Fatalf("sent %d bytes", res.Bytes)
		}
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	require.NotEmpty(b, srv.Streams())
}

// BenchmarkStream20KBPaced is the same answer produced as an assistant
// would: one 100-byte chunk every 10 ms (2 s for the answer). The calls
// per answer show the joining at Tencent's pacing.
func BenchmarkStream20KBPaced(b *testing.B) {
	c, _ := botClientB(b)
	chunk := strings.Repeat("症状xxxx", 10)
	chunks := func(yield func(string) bool) {
		for i := range 200 {
			if i > 0 {
				time.Sleep(10 * time.Millisecond)
			}
			if !yield(chunk) {
				return
			}
		}
	}
	ctx := context.Background()
	calls := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := c.Robot.Stream(ctx, bot, "patient", chunks)
		if err != nil {
			b.Fatal(err)
		}
		calls += res.Calls
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
}

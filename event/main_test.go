package event_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any goroutine outlives its tests: a
// stuck decider, a handler or a timer the webhook left behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

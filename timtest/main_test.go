package timtest_test

import (
	"testing"

	"github.com/timkit/tim/internal/testkit"
)

func TestMain(m *testing.M) { testkit.VerifyNoLeaks(m) }

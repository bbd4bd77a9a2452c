package timtest_test

import (
	"testing"

	"github.com/timkit/tim/internal/testutil"
)

func TestMain(m *testing.M) { testutil.VerifyNoLeaks(m) }

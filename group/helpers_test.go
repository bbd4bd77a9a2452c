package group_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testutil"
)

func newService(t *testing.T, opts ...group.Option) (*group.Service, *testutil.Server) {
	t.Helper()
	srv := testutil.NewServer(t)
	c, err := tim.New(testutil.AppID, testutil.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	return group.NewService(c, opts...), srv
}

// newRetryingService retries quickly, to observe the retry decisions.
func newRetryingService(t *testing.T, opts ...group.Option) (*group.Service, *testutil.Server) {
	t.Helper()
	srv := testutil.NewServer(t)
	c, err := tim.New(testutil.AppID, testutil.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0),
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}))
	require.NoError(t, err)
	return group.NewService(c, opts...), srv
}

func golden(t *testing.T, srv *testutil.Server, path, name string) {
	t.Helper()
	testutil.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
}

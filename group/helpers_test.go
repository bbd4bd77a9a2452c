package group_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

func newService(t *testing.T, opts ...group.Option) (*group.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	svc, err := group.NewService(c, opts...)
	require.NoError(t, err)
	return svc, srv
}

// newRetryingService retries quickly, to observe the retry decisions.
func newRetryingService(t *testing.T, opts ...group.Option) (*group.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0),
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}))
	require.NoError(t, err)
	svc, err := group.NewService(c, opts...)
	require.NoError(t, err)
	return svc, srv
}

func golden(t *testing.T, srv *testkit.Server, path, name string) {
	t.Helper()
	testkit.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
}

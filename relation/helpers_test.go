package relation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/relation"
)

func newService(t *testing.T) (*relation.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	svc, err := relation.NewService(c)
	require.NoError(t, err)
	return svc, srv
}

// newRetryingService retries quickly, to observe the retry decisions.
func newRetryingService(t *testing.T) (*relation.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0),
		tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}))
	require.NoError(t, err)
	svc, err := relation.NewService(c)
	require.NoError(t, err)
	return svc, srv
}

func golden(t *testing.T, srv *testkit.Server, path, name string) {
	t.Helper()
	testkit.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return out
}

// okItems answers one ResultItem with code 0 per account of To_Account (a
// list) or of the named item list.
func okItems(accounts []string) []map[string]any {
	out := make([]map[string]any, len(accounts))
	for i, a := range accounts {
		out[i] = map[string]any{"To_Account": a, "ResultCode": 0, "ResultInfo": ""}
	}
	return out
}

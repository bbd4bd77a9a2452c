package message_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

func TestHistoryUntilDefaultsToTheClientClock(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("openim/admin_getroammsg", func(testkit.Request) any {
		return testkit.With(map[string]any{"Complete": 1, "MsgCnt": 0})
	})
	at := time.Unix(1600000000, 0)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	for _, err := range c.Message.C2CHistory(context.Background(), message.HistoryRequest{Operator: "a", Peer: "b"}) {
		require.NoError(t, err)
	}
	var req struct {
		MaxTime int64 `json:"MaxTime"`
	}
	srv.Last("openim/admin_getroammsg").Decode(t, &req)
	assert.Equal(t, at.Unix(), req.MaxTime)
}

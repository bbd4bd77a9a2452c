package message_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// Issue 13 defect 9: admin_getroammsg's MsgCnt is surfaced
// (查询单聊消息_intl_en.md: "MsgCnt": 12).
func TestRoamHistoryPageKeepsMsgCnt(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle("openim/admin_getroammsg", func(testkit.Request) any {
		return testkit.With(map[string]any{"Complete": 1, "MsgCnt": 12, "LastMsgTime": 1584669680, "LastMsgKey": "549396494_2578554_1584669680"})
	})
	page, err := svc.C2CHistoryPage(context.Background(), message.HistoryRequest{Operator: "user1", Peer: "user2",
		Since: time.Unix(1584669600, 0), Until: time.Unix(1584673200, 0)})
	require.NoError(t, err)
	assert.Equal(t, 12, page.MsgCnt)
}

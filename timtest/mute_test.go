package timtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/timtest"
)

func TestGlobalMuteBlocksSends(t *testing.T) {
	t.Parallel()
	clk := newClock(time.Unix(1700000000, 0))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	ctx := ctxT(t)
	_, err := c.Account.ImportMany(ctx, []string{"doc", "pat"})
	require.NoError(t, err)
	ops := c.Operation
	msg := c.Message
	grp := c.Group
	g, err := grp.Create(ctx, group.CreateRequest{Type: group.Private, Name: "consult", Owner: "doc", Members: []group.NewMember{{UserID: "pat"}}})
	require.NoError(t, err)

	// Muting one kind of message leaves the other alone.
	require.NoError(t, ops.SetGlobalMute(ctx, operation.MuteRequest{UserID: "pat", C2C: new(time.Hour)}))
	_, err = msg.Send(ctx, message.NewText(message.ConvC2C, "doc", "hi", message.WithSender("pat")))
	assert.Equal(t, 20012, codeOf(err))
	_, err = msg.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "hi all", message.WithSender("pat")))
	require.NoError(t, err)
	assert.Empty(t, srv.Messages("pat", "doc"), "nothing was stored")

	require.NoError(t, ops.SetGlobalMute(ctx, operation.MuteRequest{UserID: "pat", Group: new(operation.MuteForever)}))
	_, err = msg.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "again", message.WithSender("pat")))
	assert.Equal(t, 10017, codeOf(err))
	_, err = msg.SendBatch(ctx, message.NewText(message.ConvC2C, "", "batch", message.WithSender("pat")), []string{"doc"})
	assert.Equal(t, 20012, codeOf(err))

	clk.Advance(20 * time.Minute)
	m, err := ops.GlobalMute(ctx, "pat")
	require.NoError(t, err)
	assert.Equal(t, operation.Mute{C2C: 40 * time.Minute, Group: operation.MuteForever}, *m)
	c2c, grpMute := srv.GlobalMute("pat")
	assert.Equal(t, 40*time.Minute, c2c)
	assert.Equal(t, operation.MuteForever, grpMute)

	// The C2C mute runs out by itself; the group mute is lifted with 0.
	clk.Advance(41 * time.Minute)
	_, err = msg.Send(ctx, message.NewText(message.ConvC2C, "doc", "back", message.WithSender("pat")))
	require.NoError(t, err)
	require.NoError(t, ops.SetGlobalMute(ctx, operation.MuteRequest{UserID: "pat", Group: new(time.Duration(0))}))
	_, err = msg.Send(ctx, message.NewText(message.ConvGroup, g.GroupID, "back", message.WithSender("pat")))
	require.NoError(t, err)
	m, err = ops.GlobalMute(ctx, "pat")
	require.NoError(t, err)
	assert.Equal(t, operation.Mute{}, *m)

	// Tencent reports an unknown account as permanently muted.
	m, err = ops.GlobalMute(ctx, "ghost")
	require.NoError(t, err)
	assert.Equal(t, operation.Mute{C2C: operation.MuteForever, Group: operation.MuteForever}, *m)
}

func TestNoSpeakingWire(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "u"}))
	var e env
	require.NoError(t, c.Do(ctx, ep("openconfigsvr/setnospeaking"), map[string]any{"Set_Account": "u", "C2CmsgNospeakingTime": 60}, &e))
	assert.Empty(t, e.ActionStatus, "openconfigsvr answers carry no ActionStatus")
	var got struct {
		env
		C2C   *int64 `json:"C2CmsgNospeakingTime"`
		Group *int64 `json:"GroupmsgNospeakingTime"`
	}
	require.NoError(t, c.Do(ctx, ep("openconfigsvr/getnospeaking"), map[string]any{"Get_Account": "u"}, &got))
	assert.Empty(t, got.ActionStatus)
	require.NotNil(t, got.C2C)
	assert.Equal(t, int64(60), *got.C2C)
	assert.Equal(t, int64(0), *got.Group)

	tests := []struct {
		body any
		code int
	}{
		{map[string]any{"C2CmsgNospeakingTime": 1}, 130004},
		{map[string]any{"Set_Account": 7, "C2CmsgNospeakingTime": 1}, 130005},
		{map[string]any{"Set_Account": "u"}, 130008},
		{map[string]any{"Set_Account": "u", "C2CmsgNospeakingTime": 4294967296}, 130001},
		{map[string]any{"Set_Account": "ghost", "GroupmsgNospeakingTime": 1}, 70107},
	}
	for _, tc := range tests {
		err := c.Do(ctx, ep("openconfigsvr/setnospeaking"), tc.body, &e)
		assert.Equal(t, tc.code, codeOf(err), "%v", tc.body)
	}
	err := c.Do(ctx, ep("openconfigsvr/getnospeaking"), map[string]any{}, &e)
	assert.Equal(t, 130002, codeOf(err))
}

package event_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
)

// corpusCallback is one documented callback example of
// testdata/conformance/callbacks.
type corpusCallback struct {
	Name    string          `json:"-"`
	Source  string          `json:"source"`
	Command event.Command   `json:"command"`
	Body    json.RawMessage `json:"body"`
	Reply   json.RawMessage `json:"reply"`
}

func corpusCallbacks(t *testing.T, cmd event.Command) []corpusCallback {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "conformance", "callbacks", string(cmd), "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no documented example of %s", cmd)
	var out []corpusCallback
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var c corpusCallback
		require.NoError(t, json.Unmarshal(b, &c), f)
		require.Equal(t, cmd, c.Command, f)
		require.NotEmpty(t, c.Source, f)
		c.Name = filepath.Base(f)
		out = append(out, c)
	}
	return out
}

var newerCallbacks = []event.Command{
	event.CmdC2CAfterMsgExtension, event.CmdGroupAfterMsgExtension,
	event.CmdFollowAfterAdd, event.CmdFollowAfterDelete, event.CmdDeskSessionEvent,
}

// TestNewerCallbacksConformance: every documented example parses into its
// own type with every documented field surfaced (the typed value encodes
// back to the documented body), and through the handler it is answered as
// documented and yields its derived event once, however often it arrives.
func TestNewerCallbacksConformance(t *testing.T) {
	t.Parallel()
	for _, cmd := range newerCallbacks {
		for _, ex := range corpusCallbacks(t, cmd) {
			t.Run(string(cmd)+"/"+ex.Name, func(t *testing.T) {
				t.Parallel()
				cb, err := event.Parse(string(cmd), ex.Body)
				require.NoError(t, err)
				_, unknown := cb.(*event.UnknownCallback)
				require.False(t, unknown)
				out, err := json.Marshal(cb)
				require.NoError(t, err)
				assert.JSONEq(t, string(ex.Body), string(out), "a documented field is not surfaced")

				d := newDispatcher(t)
				var mu sync.Mutex
				var derived []event.Event
				d.OnAny(func(_ context.Context, e event.Event) {
					if _, raw := e.(event.Callback); !raw {
						mu.Lock()
						derived = append(derived, e)
						mu.Unlock()
					}
				})
				h := newTestHandler(t, d)
				for range 2 { // Tencent redelivers
					rec := post(h, callbackURL(cmd), ex.Body)
					require.Equal(t, 200, rec.Code)
					if ex.Reply != nil {
						assert.JSONEq(t, string(ex.Reply), rec.Body.String())
					} else {
						assert.Equal(t, 0, decodeAnswer(t, rec).ErrorCode)
					}
				}
				require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(derived) >= 1 }, 2*time.Second, 5*time.Millisecond)
				time.Sleep(20 * time.Millisecond)
				mu.Lock()
				defer mu.Unlock()
				assert.Len(t, derived, 1, "the redelivery was not suppressed")
			})
		}
	}
}

func TestNewerCallbacksTyped(t *testing.T) {
	t.Parallel()
	parse := func(t *testing.T, cmd event.Command, i int) event.Callback {
		t.Helper()
		cb, err := event.Parse(string(cmd), corpusCallbacks(t, cmd)[i].Body)
		require.NoError(t, err)
		return cb
	}
	t.Run("C2C extension", func(t *testing.T) {
		c := parse(t, event.CmdC2CAfterMsgExtension, 1).(*event.C2CAfterMsgExtension) // set.json sorts after delete.json
		assert.Equal(t, "user1", c.FromAccount)
		assert.Equal(t, "93847636_1287657_1764688415", c.MsgKey)
		assert.Equal(t, event.ExtensionSet, c.OperateType)
		assert.Equal(t, event.MsgExtension{Key: "k2", Value: "v2", Seq: 1}, c.ExtensionList[1])
		assert.Equal(t, time.UnixMilli(1764688540182), c.EventTime)
	})
	t.Run("group extension clear", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterMsgExtension, 0).(*event.GroupAfterMsgExtension) // clear.json
		assert.Equal(t, event.ExtensionClear, c.OperateType)
		assert.Equal(t, uint64(10), c.MsgSeq)
		assert.Equal(t, uint64(58), c.Seq)
		assert.Empty(t, c.ExtensionList)
	})
	t.Run("follows", func(t *testing.T) {
		a := parse(t, event.CmdFollowAfterAdd, 0).(*event.FollowAfterAdd)
		assert.Equal(t, []event.FollowTarget{{ToAccount: "UserID_002"}, {ToAccount: "UserID_003"}}, a.FollowList)
		d := parse(t, event.CmdFollowAfterDelete, 0).(*event.FollowAfterDelete)
		assert.Equal(t, []string{"UserID_002", "UserID_003"}, d.ToAccount)
	})
	t.Run("desk", func(t *testing.T) {
		c := parse(t, event.CmdDeskSessionEvent, 0).(*event.DeskSessionEvent)
		assert.Equal(t, event.DeskUserSendMsg, c.Event)
		assert.Equal(t, "your_user_id", c.ClientUserID)
		assert.Equal(t, "@customer_service_account", c.CustomerServiceID)
		assert.Equal(t, "test@qq.com", c.AgentID)
		assert.Equal(t, "152_1600012345_abcdefg", c.MsgKey)
		assert.Equal(t, "your cloud custom data", c.CloudCustomData)
		assert.Equal(t, 5, c.SatisfactionSelected)
		assert.False(t, c.IsContactUser)
		require.Len(t, c.MsgBody, 1)
		txt, ok := c.MsgBody[0].(*message.Text)
		require.True(t, ok, "MsgBody[0] is %T", c.MsgBody[0])
		assert.Equal(t, "请问如何申请退费?", txt.Text)
	})
}

// TestNewerDerivedEvents: the derived events carry the callback's facts
// under their names.
func TestNewerDerivedEvents(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	got := make(chan event.Event, 16)
	event.On(d, func(_ context.Context, e *event.MessageExtensions) { got <- e })
	event.On(d, func(_ context.Context, e *event.Follows) { got <- e })
	event.On(d, func(_ context.Context, e *event.DeskSession) { got <- e })
	h := newTestHandler(t, d)
	next := func() event.Event {
		select {
		case e := <-got:
			return e
		case <-time.After(2 * time.Second):
			t.Fatal("no derived event")
			return nil
		}
	}
	post(h, callbackURL(event.CmdGroupAfterMsgExtension), corpusCallbacks(t, event.CmdGroupAfterMsgExtension)[1].Body) // delete
	e := next().(*event.MessageExtensions)
	assert.Equal(t, event.MessageExtensionsDeleted, e.EventName())
	assert.Equal(t, message.ConvGroup, e.ConversationType)
	assert.Equal(t, "test", e.GroupID)
	assert.Equal(t, uint64(57), e.Seq)

	post(h, callbackURL(event.CmdC2CAfterMsgExtension), corpusCallbacks(t, event.CmdC2CAfterMsgExtension)[1].Body) // set
	e = next().(*event.MessageExtensions)
	assert.Equal(t, event.MessageExtensionsUpdated, e.EventName())
	assert.Equal(t, "user2", e.To)
	assert.Len(t, e.Extensions, 3)

	post(h, callbackURL(event.CmdFollowAfterAdd), corpusCallbacks(t, event.CmdFollowAfterAdd)[0].Body)
	f := next().(*event.Follows)
	assert.Equal(t, event.FollowAdded, f.EventName())
	assert.Equal(t, []string{"UserID_002", "UserID_003"}, f.To)
	post(h, callbackURL(event.CmdFollowAfterDelete), corpusCallbacks(t, event.CmdFollowAfterDelete)[0].Body)
	f = next().(*event.Follows)
	assert.Equal(t, event.FollowDeleted, f.EventName())
	assert.Equal(t, "UserID_001", f.From)

	post(h, callbackURL(event.CmdDeskSessionEvent), corpusCallbacks(t, event.CmdDeskSessionEvent)[0].Body)
	ds := next().(*event.DeskSession)
	assert.Equal(t, "2baf4d84-beb4-4607-a1ea-6ebcaef3e0e6", ds.SessionID)
	assert.Equal(t, time.UnixMilli(1725540020017), ds.Time)
	assert.Equal(t, "test@qq.com", ds.AgentID)
	assert.Equal(t, "152_1600012345_abcdefg", ds.MsgKey)
	assert.Len(t, ds.Body, 1)
	assert.Equal(t, 5, ds.Rating)
}

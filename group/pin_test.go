package group_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

const (
	pPin    = "group_open_http_svc/pin_message"
	pUnpin  = "group_open_http_svc/unpin_message"
	pPinned = "group_open_http_svc/get_pinned_messages"
)

// TestPinConformance sends each documented pin and unpin request.
func TestPinConformance(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path, by string
		call     func(*group.Service, group.PinRequest) error
	}{
		{pPin, "Pinner_Account", func(s *group.Service, r group.PinRequest) error { return s.Pin(context.Background(), r) }},
		{pUnpin, "UnPinner_Account", func(s *group.Service, r group.PinRequest) error { return s.Unpin(context.Background(), r) }},
	} {
		for _, ex := range testkit.RESTExamples(t, "..", tc.path) {
			t.Run(tc.path+"/"+ex.Name, func(t *testing.T) {
				t.Parallel()
				svc, srv := newService(t)
				srv.Handle(tc.path, func(testkit.Request) any { return ex.Response })
				var r map[string]any
				require.NoError(t, json.Unmarshal(ex.Request, &r))
				topic, _ := r["TopicId"].(string)
				seq, _ := r["MsgSeq"].(float64)
				by, _ := r[tc.by].(string)
				require.NoError(t, tc.call(svc, group.PinRequest{GroupID: r["GroupId"].(string), TopicID: topic, MsgSeq: uint64(seq), By: by}))
				got := srv.Last(tc.path).Body
				assert.JSONEq(t, string(ex.Request), string(got))
				testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
			})
		}
	}
}

// TestPinnedMessagesConformance reads the documented list.
func TestPinnedMessagesConformance(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pPinned) {
		svc, srv := newService(t)
		srv.Handle(pPinned, func(testkit.Request) any { return ex.Response })
		var r struct{ GroupId, TopicId string } //nolint:revive // the wire names
		require.NoError(t, json.Unmarshal(ex.Request, &r))
		got, err := svc.PinnedMessages(context.Background(), r.GroupId, r.TopicId)
		require.NoError(t, err)
		assert.Equal(t, []group.PinnedMessage{{MsgSeq: 7, By: "admin"}, {MsgSeq: 5, By: "user1"}}, got, ex.Name)
		assert.JSONEq(t, string(ex.Request), string(srv.Last(pPinned).Body), ex.Name)
	}
}

func TestPinValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx := context.Background()
	for _, tc := range []struct {
		r     group.PinRequest
		field string
	}{
		{group.PinRequest{MsgSeq: 1}, "GroupId"},
		{group.PinRequest{GroupID: "@TGS#a"}, "MsgSeq"},
		{group.PinRequest{GroupID: "@TGS#a", MsgSeq: 1 << 32}, "MsgSeq"},
		{group.PinRequest{GroupID: "@TGS#_c", TopicID: "@TGS#_other@TOPIC#_t", MsgSeq: 1}, "TopicId"},
		{group.PinRequest{GroupID: "@TGS#a", MsgSeq: 1, By: "bad\nid"}, "Pinner_Account"},
	} {
		testkit.AssertInvalid(t, svc.Pin(ctx, tc.r), tc.field)
	}
	testkit.AssertInvalid(t, svc.Unpin(ctx, group.PinRequest{GroupID: "@TGS#a", MsgSeq: 1, By: " "}), "UnPinner_Account")
	_, err := svc.PinnedMessages(ctx, "", "")
	testkit.AssertInvalid(t, err, "GroupId")
	_, err = svc.PinnedMessages(ctx, "@TGS#_c", "@TGS#_d@TOPIC#_t")
	testkit.AssertInvalid(t, err, "TopicId")
	assert.Empty(t, srv.Requests())
}

// TestPinsOnTheFake pins, lists and unpins on the fake, which refuses to
// pin a message that does not exist and to unpin one that is not pinned.
func TestPinsOnTheFake(t *testing.T) {
	t.Parallel()
	e := e2e.New(t)
	srv, c, ctx := e.Fake, e.Client, e2e.Context(t)
	require.NoError(t, srv.ImportAccounts("alice"))
	res, err := c.Group.Create(ctx, group.CreateRequest{Name: "pins", Type: group.Public, Owner: "alice"})
	require.NoError(t, err)
	gid := res.GroupID
	for range 2 {
		_, err = c.Message.Send(ctx, message.NewText(message.ConvGroup, gid, "hi"))
		require.NoError(t, err)
	}
	var apiErr *api.Error
	err = c.Group.Pin(ctx, group.PinRequest{GroupID: gid, MsgSeq: 99})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10004, apiErr.Code)

	require.NoError(t, c.Group.Pin(ctx, group.PinRequest{GroupID: gid, MsgSeq: 1, By: "alice"}))
	require.NoError(t, c.Group.Pin(ctx, group.PinRequest{GroupID: gid, MsgSeq: 2}))
	got, err := c.Group.PinnedMessages(ctx, gid, "")
	require.NoError(t, err)
	assert.Equal(t, []group.PinnedMessage{{MsgSeq: 2, By: timtest.DefaultAdmin}, {MsgSeq: 1, By: "alice"}}, got)

	require.NoError(t, c.Group.Unpin(ctx, group.PinRequest{GroupID: gid, MsgSeq: 1}))
	err = c.Group.Unpin(ctx, group.PinRequest{GroupID: gid, MsgSeq: 1})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10004, apiErr.Code)
	got, err = c.Group.PinnedMessages(ctx, gid, "")
	require.NoError(t, err)
	assert.Equal(t, []group.PinnedMessage{{MsgSeq: 2, By: timtest.DefaultAdmin}}, got)
}

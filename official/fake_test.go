package official_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/timtest"
)

// onTheFake is a client of a fresh fake holding the accounts users.
func onTheFake(t *testing.T, users ...string) (*tim.Client, *timtest.Server) {
	t.Helper()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	for _, u := range users {
		require.NoError(t, c.Account.Import(context.Background(), account.Account{UserID: u}))
	}
	return c, srv
}

// TestOfficialAccountOnTheFake: the life of an official account on the
// fake: create, subscribe, broadcast (a duplicate dropped), recall,
// unsubscribe, modify, destroy.
func TestOfficialAccountOnTheFake(t *testing.T) {
	t.Parallel()
	c, srv := onTheFake(t, "hospital", "p1", "p2")
	ctx := context.Background()
	id, err := c.Official.Create(ctx, official.Account{Owner: "hospital", Name: "Ward news"})
	require.NoError(t, err)
	assert.Contains(t, id, official.Prefix)
	_, err = c.Official.Create(ctx, official.Account{Owner: "nobody", Name: "x"})
	assert.Equal(t, 10004, api.CodeOf(err))

	res, err := c.Official.AddSubscribers(ctx, id, "p1", "p2", "ghost")
	require.NoError(t, err)
	assert.Equal(t, []official.SubscriberResult{{"p1", official.Done}, {"p2", official.Done}, {"ghost", official.Failed}}, res)
	res, err = c.Official.AddSubscribers(ctx, id, "p1")
	require.NoError(t, err)
	assert.Equal(t, official.Unchanged, res[0].Outcome)

	body := message.Body{&message.Text{Text: "visiting hours change on Monday"}}
	key, err := c.Official.Send(ctx, official.Broadcast{ID: id, Body: body})
	require.NoError(t, err)
	again, err := c.Official.Send(ctx, official.Broadcast{ID: id, Body: body})
	require.NoError(t, err)
	assert.Equal(t, key, again, "the same content within 5 minutes is one message")

	rec, err := c.Official.Recall(ctx, id, []string{key, "9_1_1"}, "typo")
	require.NoError(t, err)
	assert.Equal(t, 0, rec[0].Code)
	assert.NotZero(t, rec[1].Code)

	res, err = c.Official.DeleteSubscribers(ctx, id, "p2", "p2")
	require.NoError(t, err)
	assert.Equal(t, []official.SubscriberResult{{"p2", official.Done}, {"p2", official.Unchanged}}, res)
	require.NoError(t, c.Official.Modify(ctx, official.Account{ID: id, Introduction: "News of ward 3"}))

	list := srv.OfficialAccounts()
	require.Len(t, list, 1)
	assert.Equal(t, "News of ward 3", list[0].Introduction)
	assert.Equal(t, "Ward news", list[0].Name)
	assert.Equal(t, []string{"p1"}, list[0].Subscribers)
	require.Len(t, list[0].Messages, 1)
	assert.True(t, list[0].Messages[0].Recalled)
	assert.Equal(t, "visiting hours change on Monday", list[0].Messages[0].Body[0].Text())

	require.NoError(t, c.Official.Destroy(ctx, id))
	assert.Empty(t, srv.OfficialAccounts())
	assert.Equal(t, 10010, api.CodeOf(c.Official.Destroy(ctx, id)))
}

// TestSubscribersOnTheFake: subscribers' custom strings are kept by the
// fake and read back page by page.
func TestSubscribersOnTheFake(t *testing.T) {
	t.Parallel()
	users := []string{"hospital", "p1", "p2", "p3"}
	c, srv := onTheFake(t, users...)
	ctx := context.Background()
	id, err := c.Official.Create(ctx, official.Account{Owner: "hospital", Name: "Ward news"})
	require.NoError(t, err)
	_, err = c.Official.AddSubscribers(ctx, id, users[1:]...)
	require.NoError(t, err)
	require.NoError(t, c.Official.ModifySubscriber(ctx, id, "p2", "bed 12"))
	assert.NotZero(t, api.CodeOf(c.Official.ModifySubscriber(ctx, id, "hospital", "x")), "not a subscriber")

	p, err := c.Official.SubscribersPage(ctx, id, "", 2)
	require.NoError(t, err)
	assert.Equal(t, int64(3), p.Total)
	require.Len(t, p.Subscribers, 2)
	assert.NotEmpty(t, p.Next)
	assert.Equal(t, "bed 12", p.Subscribers[1].CustomString)
	assert.False(t, p.Subscribers[0].SubscribedAt.IsZero())

	var got []string
	for sub, err := range c.Official.Subscribers(ctx, id, 1) {
		require.NoError(t, err)
		got = append(got, sub.UserID)
	}
	assert.Equal(t, users[1:], got)
	assert.Equal(t, map[string]string{"p2": "bed 12"}, srv.OfficialAccounts()[0].SubscriberCustom)
}

// TestHistoryOnTheFake: broadcasts come back newest page first, each page
// oldest first; a recalled broadcast only when asked for.
func TestHistoryOnTheFake(t *testing.T) {
	t.Parallel()
	c, _ := onTheFake(t, "hospital")
	ctx := context.Background()
	id, err := c.Official.Create(ctx, official.Account{Owner: "hospital", Name: "Ward news"})
	require.NoError(t, err)
	var keys []string
	for _, text := range []string{"one", "two", "three"} {
		k, err := c.Official.Send(ctx, official.Broadcast{ID: id, Body: message.Body{&message.Text{Text: text}}})
		require.NoError(t, err)
		keys = append(keys, k)
	}
	p, err := c.Official.HistoryPage(ctx, id, official.HistoryQuery{Number: 2})
	require.NoError(t, err)
	require.Len(t, p.Messages, 2)
	assert.Equal(t, []string{keys[1], keys[2]}, []string{p.Messages[0].MsgKey, p.Messages[1].MsgKey})
	assert.Equal(t, keys[1], p.LastMsgKey)
	assert.Equal(t, "three", p.Messages[1].Body[0].(*message.Text).Text)
	assert.Equal(t, id, p.Messages[0].From)

	_, err = c.Official.Recall(ctx, id, []string{keys[0]}, "")
	require.NoError(t, err)
	walk := func(recalled bool) []string {
		var got []string
		for m, err := range c.Official.History(ctx, id, 1, recalled) {
			require.NoError(t, err)
			got = append(got, m.MsgKey)
		}
		return got
	}
	assert.Equal(t, []string{keys[2], keys[1]}, walk(false))
	assert.Equal(t, []string{keys[2], keys[1], keys[0]}, walk(true))
}

package push_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/internal/testutil"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/push"
)

func newService(t *testing.T, retry bool) (*push.Service, *testutil.Server) {
	t.Helper()
	srv := testutil.NewServer(t)
	opts := []tim.Option{tim.WithBaseURL(srv.URL), tim.WithRateLimit(0)}
	if retry {
		opts = append(opts, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}))
	} else {
		opts = append(opts, tim.WithoutRetry())
	}
	c, err := tim.New(testutil.AppID, testutil.Key, opts...)
	require.NoError(t, err)
	return push.NewService(c), srv
}

func golden(t *testing.T, srv *testutil.Server, path, name string) {
	t.Helper()
	testutil.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
}

const (
	pPush       = "all_member_push/im_push"
	pSetName    = "all_member_push/im_set_attr_name"
	pGetName    = "all_member_push/im_get_attr_name"
	pGetAttr    = "all_member_push/im_get_attr"
	pSetAttr    = "all_member_push/im_set_attr"
	pRemoveAttr = "all_member_push/im_remove_attr"
	pGetTag     = "all_member_push/im_get_tag"
	pAddTag     = "all_member_push/im_add_tag"
	pRemoveTag  = "all_member_push/im_remove_tag"
	pRemoveAll  = "all_member_push/im_remove_all_tags"
)

func TestSendGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		push push.Push
	}{
		{"im_push_all", push.Push{Random: 20160201, Body: message.Body{&message.Text{Text: "hi, beauty"}}}},
		{"im_push_tags", push.Push{Random: 20126201, From: "xiaoming", Lifetime: 120 * time.Second,
			Condition: &push.Condition{TagsAnd: []string{"股票A", "股票B"}, TagsOr: []string{"VIP"}},
			Body:      message.Body{&message.Text{Text: "hi"}, &message.Custom{Data: `{"k":1}`, Desc: "notice"}}}},
		{"im_push_attrs", push.Push{Random: 20160204, Lifetime: push.MaxLifetime,
			Condition:   &push.Condition{AttrsAnd: map[string]string{"city": "深圳", "会员等级": "超白金会员"}, AttrsOr: map[string]string{"sex": "男"}},
			Body:        message.Body{&message.Text{Text: "hi"}},
			OfflinePush: &message.OfflinePushInfo{Title: "活动", Desc: "Content to push offline", Ext: `{"a":1}`, ApnsInfo: &message.APNsPush{Sound: "apns.mp3", BadgeMode: 1}}}},
		{"im_push_empty_condition", push.Push{Random: 7, Condition: &push.Condition{}, Body: message.Body{&message.Text{Text: "x"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, false)
			srv.Handle(pPush, func(testutil.Request) any {
				return testutil.With(map[string]any{"TaskId": "123456789_201621292_2016020204"})
			})
			p := tc.push
			res, err := svc.Send(context.Background(), &p)
			require.NoError(t, err)
			golden(t, srv, pPush, tc.name)
			assert.Equal(t, "123456789_201621292_2016020204", res.TaskID)
			assert.Equal(t, tc.push.Random, res.Random)
		})
	}
}

func TestSendFixesRandomOnceAndResendsIdentically(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, true)
	n := 0
	srv.HandleRaw(pPush, func(w http.ResponseWriter, r testutil.Request) {
		n++
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway) // the push may or may not have started
			return
		}
		fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"TaskId":"t1"}`)
	})
	p := &push.Push{Body: message.Body{&message.Text{Text: "hi"}}}
	res, err := svc.Send(context.Background(), p)
	require.NoError(t, err)
	require.NotZero(t, p.Random, "Send fixes the dedup key on the Push")
	assert.Equal(t, p.Random, res.Random)
	calls := srv.Calls(pPush)
	require.Len(t, calls, 2, "the deduplicated call is retried")
	assert.Equal(t, string(calls[0].Body), string(calls[1].Body), "the resend is byte-identical")

	// Sending the same Push again (an application-level retry) keeps the key.
	_, err = svc.Send(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, string(calls[0].Body), string(srv.Last(pPush).Body))
	assert.Equal(t, p.Random, p.FixRandom())
}

func TestSendRedrawsRandomForAChangedPush(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(p *push.Push)
	}{
		{"body", func(p *push.Push) { p.Body = message.Body{&message.Text{Text: "second"}} }},
		{"body in place", func(p *push.Push) { p.Body[0].(*message.Text).Text = "second" }},
		{"from", func(p *push.Push) { p.From = "ops" }},
		{"condition", func(p *push.Push) { p.Condition = &push.Condition{TagsOr: []string{"VIP"}} }},
		{"condition in place", func(p *push.Push) { p.Condition.TagsAnd[0] = "B" }},
		{"attrs", func(p *push.Push) { p.Condition = &push.Condition{AttrsAnd: map[string]string{"city": "深圳"}} }},
		{"lifetime", func(p *push.Push) { p.Lifetime = time.Hour }},
		{"offline push", func(p *push.Push) { p.OfflinePush = &message.OfflinePushInfo{Title: "t"} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, false)
			p := &push.Push{Body: message.Body{&message.Text{Text: "first"}}, Condition: &push.Condition{TagsAnd: []string{"A"}}}
			first, err := svc.Send(context.Background(), p)
			require.NoError(t, err)
			tc.change(p)
			second, err := svc.Send(context.Background(), p)
			require.NoError(t, err)
			assert.NotEqual(t, first.Random, second.Random, "a changed push is another push task")
			assert.Equal(t, second.Random, p.Random)
			calls := srv.Calls(pPush)
			require.Len(t, calls, 2)
			var a, b struct{ MsgRandom uint32 }
			calls[0].Decode(t, &a)
			calls[1].Decode(t, &b)
			assert.NotEqual(t, a.MsgRandom, b.MsgRandom)

			// Resending the changed push as it is keeps its new key.
			third, err := svc.Send(context.Background(), p)
			require.NoError(t, err)
			assert.Equal(t, second.Random, third.Random)
		})
	}
}

func TestSendKeepsARandomTheCallerSet(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	p := &push.Push{Random: 4242, Body: message.Body{&message.Text{Text: "first"}}}
	_, err := svc.Send(context.Background(), p)
	require.NoError(t, err)
	p.Body = message.Body{&message.Text{Text: "second"}}
	res, err := svc.Send(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, uint32(4242), res.Random, "the caller owns the uniqueness of a key it set")
	assert.Equal(t, uint32(4242), p.Random)

	// A drawn key the caller overwrites is the caller's from then on.
	q := &push.Push{Body: message.Body{&message.Text{Text: "x"}}}
	q.FixRandom()
	q.Random = 77
	q.Lifetime = time.Minute
	res, err = svc.Send(context.Background(), q)
	require.NoError(t, err)
	assert.Equal(t, uint32(77), res.Random)
	assert.Len(t, srv.Calls(pPush), 3)
}

func TestFixRandomBeforeSend(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, false)
	p := &push.Push{Body: message.Body{&message.Text{Text: "x"}}}
	r := p.FixRandom()
	require.NotZero(t, r)
	assert.Equal(t, r, p.FixRandom(), "unchanged: the same key")
	res, err := svc.Send(context.Background(), p)
	require.NoError(t, err)
	assert.Equal(t, r, res.Random, "Send sends the key FixRandom showed")
	p.Body = message.Body{&message.Text{Text: "y"}}
	assert.NotEqual(t, r, p.FixRandom())
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	srv.Handle(pPush, func(testutil.Request) any { return testutil.Fail(90039, "tags and attributes both set") })
	_, err := svc.Send(context.Background(), &push.Push{Body: message.Body{&message.Text{Text: "x"}}})
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 90039, ae.Code)
	assert.Equal(t, pPush, ae.Op)

	srv.Handle(pPush, func(testutil.Request) any { return testutil.Fail(60007, "too many requests") })
	_, err = svc.Send(context.Background(), &push.Push{Body: message.Body{&message.Text{Text: "x"}}})
	assert.ErrorIs(t, err, tim.ErrRateLimited)
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	body := message.Body{&message.Text{Text: "x"}}
	many := make([]string, 11)
	for i := range many {
		many[i] = fmt.Sprint("t", i)
	}
	tests := []struct {
		name  string
		field string
		p     *push.Push
	}{
		{"nil", "MsgBody", nil},
		{"empty body", "MsgBody", &push.Push{}},
		{"big body", "MsgBody", &push.Push{Body: message.Body{&message.Text{Text: strings.Repeat("x", message.MaxBodyBytes)}}}},
		{"long from", "From_Account", &push.Push{Body: body, From: strings.Repeat("a", 33)}},
		{"lifetime", "MsgLifeTime", &push.Push{Body: body, Lifetime: push.MaxLifetime + time.Second}},
		{"negative lifetime", "MsgLifeTime", &push.Push{Body: body, Lifetime: -time.Second}},
		{"fraction", "MsgLifeTime", &push.Push{Body: body, Lifetime: 1500 * time.Millisecond}},
		{"mixed", "Condition", &push.Push{Body: body, Condition: &push.Condition{TagsOr: []string{"a"}, AttrsAnd: map[string]string{"k": "v"}}}},
		{"too many tags", "Condition.TagsAnd", &push.Push{Body: body, Condition: &push.Condition{TagsAnd: many}}},
		{"long tag", "Condition.TagsOr[0]", &push.Push{Body: body, Condition: &push.Condition{TagsOr: []string{strings.Repeat("标", 17)}}}},
		{"empty tag", "Condition.TagsOr[1]", &push.Push{Body: body, Condition: &push.Condition{TagsOr: []string{"a", ""}}}},
		{"long attr", `Condition.AttrsOr["city"]`, &push.Push{Body: body, Condition: &push.Condition{AttrsOr: map[string]string{"city": strings.Repeat("x", 51)}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Send(context.Background(), tc.p)
			require.Error(t, err)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			assert.Contains(t, err.Error(), "invalid "+tc.field+":")
		})
	}
	assert.Empty(t, srv.Requests())
}

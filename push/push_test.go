package push_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/timtest"
)

func newService(t *testing.T, retry bool, extra ...tim.Option) (*push.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	opts := []tim.Option{tim.WithBaseURL(srv.URL), tim.WithRateLimit(0)}
	if retry {
		opts = append(opts, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, RateLimitDelay: time.Millisecond}))
	} else {
		opts = append(opts, tim.WithoutRetry())
	}
	c, err := tim.New(testkit.AppID, testkit.Key, append(opts, extra...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	svc, err := push.NewService(c)
	require.NoError(t, err)
	return svc, srv
}

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := push.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "push.NewService")
}

func TestEndpointDeclarations(t *testing.T) {
	t.Parallel()
	eps := push.Endpoints()
	seen := map[string]bool{}
	for _, e := range eps {
		require.NoError(t, e.Validate(), e.Path)
		assert.False(t, seen[e.Path], "%s declared twice", e.Path)
		seen[e.Path] = true
		if e.Path == pPush {
			assert.Equal(t, api.Deduped, e.Safety, "im_push is resent only with its MsgRandom, inside the window")
			assert.Equal(t, api.PushDedupWindow, e.DedupWindow)
			continue
		}
		if e.Path == pDeleteSched || e.Path == pGetSched || e.Path == pRevoke {
			assert.Equal(t, api.Idempotent, e.Safety)
			continue
		}
		if e.Path == pBatch {
			assert.Equal(t, api.Unsafe, e.Safety, "timpush/batch dedups MsgRandom within one second only")
			continue
		}
		assert.Equal(t, api.Idempotent, e.Safety, e.Path)
	}
	for _, p := range []string{pPush, pSetName, pGetName, pGetAttr, pSetAttr, pRemoveAttr, pGetTag, pAddTag, pRemoveTag, pRemoveAll, pBatch, pDeleteSched, pGetSched, pRevoke} {
		assert.True(t, seen[p], "%s is not declared", p)
	}
	assert.Len(t, eps, 22)
	assert.Equal(t, api.PushDedupWindow, push.DedupWindow)
}

// loseAnswers makes srv read every request to path and hang up without an
// answer: the push arrived, whether it started is unknown.
func loseAnswers(srv *testkit.Server, path string) {
	srv.HandleRaw(path, func(w http.ResponseWriter, _ testkit.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
}

func golden(t *testing.T, srv *testkit.Server, path, name string) {
	t.Helper()
	testkit.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
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
			srv.Handle(pPush, func(testkit.Request) any {
				return testkit.With(map[string]any{"TaskId": "123456789_201621292_2016020204"})
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

func TestSendResendsALostAnswerWithTheSameRandom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail func(w http.ResponseWriter)
	}{
		{"answer lost", func(w http.ResponseWriter) {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
		}},
		{"gateway error", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, true)
			var n atomic.Int32
			srv.HandleRaw(pPush, func(w http.ResponseWriter, r testkit.Request) {
				if n.Add(1) == 1 {
					tc.fail(w) // the push may or may not have started
					return
				}
				fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"TaskId":"t1"}`)
			})
			p := &push.Push{Body: message.Body{&message.Text{Text: "hi"}}, Lifetime: time.Hour}
			res, err := svc.Send(context.Background(), p)
			require.NoError(t, err)
			require.NotZero(t, p.Random, "Send fixes the dedup key on the Push")
			assert.Equal(t, p.Random, res.Random)
			assert.Equal(t, "t1", res.TaskID)
			calls := srv.Calls(pPush)
			require.Len(t, calls, 2, "the deduplicated call is resent")
			assert.Equal(t, string(calls[0].Body), string(calls[1].Body), "the resend is byte-identical")
			var sent struct{ MsgRandom uint32 }
			calls[1].Decode(t, &sent)
			assert.Equal(t, p.Random, sent.MsgRandom, "the resend carries the same MsgRandom")

			// Sending the same Push again (an application-level retry) keeps the key.
			_, err = svc.Send(context.Background(), p)
			require.NoError(t, err)
			assert.Equal(t, string(calls[0].Body), string(srv.Last(pPush).Body))
			assert.Equal(t, p.Random, p.FixRandom())
		})
	}
}

// holdResends lets the first Wait of key through and holds later ones for
// an hour (or until their context ends).
type holdResends struct {
	key string
	n   atomic.Int32
}

func (h *holdResends) Wait(ctx context.Context, key string, _ int) error {
	if key != h.key || h.n.Add(1) == 1 {
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Hour):
		return nil
	}
}

func TestSendIsNotResentAfterTheDedupWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := func() *push.Push { return &push.Push{Random: 99, Body: message.Body{&message.Text{Text: "hi"}}} }

	t.Run("an attempt as long as the window", func(t *testing.T) {
		t.Parallel()
		// Each attempt may take the whole 7 days: a resend could arrive
		// after Tencent forgot the MsgRandom, so there is none.
		svc, srv := newService(t, true, tim.WithTimeout(push.DedupWindow))
		loseAnswers(srv, pPush)
		_, err := svc.Send(ctx, p())
		require.Error(t, err)
		assert.Len(t, srv.Calls(pPush), 1, "resent where Tencent's dedup window no longer covers it")

		// The same fault on an idempotent command of the package is
		// resent: the fault reaches the retry path.
		loseAnswers(srv, pGetTag)
		_, err = svc.UserTags(ctx, []string{"a"})
		require.Error(t, err)
		assert.Len(t, srv.Calls(pGetTag), 3)
	})
	t.Run("a resend held past the window", func(t *testing.T) {
		t.Parallel()
		// Attempts may take the window less 2 s, and the limiter holds the
		// resend for an hour: it is dropped when the window would close
		// (2 s after the first attempt), not sent late.
		svc, srv := newService(t, true, tim.WithTimeout(push.DedupWindow-2*time.Second), tim.WithLimiter(&holdResends{key: pPush}))
		loseAnswers(srv, pPush)
		// A resend that waits out the limiter would end at this deadline.
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err := svc.Send(cctx, p())
		require.Error(t, err)
		assert.NoError(t, cctx.Err(), "the wait was cut where the window closes, not by the deadline")
		assert.ErrorContains(t, err, "dedup window")
		assert.Len(t, srv.Calls(pPush), 1)
	})
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
	srv.Handle(pPush, func(testkit.Request) any { return testkit.Fail(90039, "tags and attributes both set") })
	_, err := svc.Send(context.Background(), &push.Push{Body: message.Body{&message.Text{Text: "x"}}})
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 90039, ae.Code)
	assert.Equal(t, pPush, ae.Op)

	srv.Handle(pPush, func(testkit.Request) any { return testkit.Fail(60007, "too many requests") })
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

const pBatch = "timpush/batch"

// TestConformanceTargeted sends the documented timpush/batch request and
// reads the documented TaskId.
func TestConformanceTargeted(t *testing.T) {
	t.Parallel()
	exs := testkit.RESTExamples(t, "..", pBatch)
	require.NotEmpty(t, exs)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			srv := testkit.NewServer(t)
			c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
			require.NoError(t, err)
			srv.Handle(pBatch, func(testkit.Request) any { return ex.Response })
			var r struct {
				From_Account    string   //nolint:revive // the wire names
				To_Account      []string //nolint:revive // the wire names
				MsgRandom       uint32
				OfflinePushInfo message.OfflinePushInfo
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			res, err := c.Push.SendToUsers(context.Background(), &push.UserPush{From: r.From_Account, To: r.To_Account,
				OfflinePush: &r.OfflinePushInfo, Random: r.MsgRandom})
			require.NoError(t, err)
			var want struct{ TaskId string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, want.TaskId, res.TaskID)
			assert.Equal(t, r.MsgRandom, res.Random)
			testkit.AssertSentExample(t, srv, pBatch, ex)
		})
	}
}

// TestSendToUsersOnTheFake: bad input is refused before any call; a push
// reaches the fake with a drawn MsgRandom, is recorded with its
// recipients (that a lost answer is not resent is held by the root
// package's TestUnsafeEndpointsAreNeverResent).
func TestSendToUsersOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	note := &message.OfflinePushInfo{Title: "Ward round", Desc: "Dr. Li is on her way"}
	many := make([]string, push.MaxTargetedUsers+1)
	for i := range many {
		many[i] = fmt.Sprintf("p%d", i)
	}
	for _, tc := range []struct {
		p     *push.UserPush
		field string
	}{
		{nil, "To_Account"},
		{&push.UserPush{To: []string{"p1"}, OfflinePush: note}, "From_Account"},
		{&push.UserPush{From: "doctor", OfflinePush: note}, "To_Account"},
		{&push.UserPush{From: "doctor", To: many, OfflinePush: note}, "To_Account"},
		{&push.UserPush{From: "doctor", To: []string{""}, OfflinePush: note}, "To_Account"},
		{&push.UserPush{From: "doctor", To: []string{"p1"}}, "OfflinePushInfo"},
		{&push.UserPush{From: "doctor", To: []string{"p1"}, OfflinePush: note, DataID: strings.Repeat("d", push.MaxDataIDBytes+1)}, "DataId"},
	} {
		_, err := c.Push.SendToUsers(ctx, tc.p)
		testkit.AssertInvalid(t, err, tc.field)
	}
	assert.Empty(t, srv.Pushes())
	res, err := c.Push.SendToUsers(ctx, &push.UserPush{From: "doctor", To: []string{"p1", "p2"}, OfflinePush: note, DataID: "round-7"})
	require.NoError(t, err)
	assert.NotZero(t, res.Random)
	require.NotEmpty(t, res.TaskID)
	ps := srv.Pushes()
	require.Len(t, ps, 1)
	assert.Equal(t, res.TaskID, ps[0].TaskID)
	assert.Equal(t, []string{"p1", "p2"}, ps[0].Recipients)
	assert.Equal(t, "doctor", ps[0].From)
	assert.Equal(t, "round-7", ps[0].DataID)
	assert.Equal(t, "Ward round", ps[0].Title)
}

const pDeleteSched = "timpush/delete_sched_task"

// TestConformanceDeleteScheduled sends each documented delete_sched_task
// request; the documented failure surfaces as an *api.Error with 90107.
func TestConformanceDeleteScheduled(t *testing.T) {
	t.Parallel()
	exs := testkit.RESTExamples(t, "..", pDeleteSched)
	require.Len(t, exs, 2)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			s, srv := newService(t, false)
			srv.Handle(pDeleteSched, func(testkit.Request) any { return ex.Response })
			var r struct {
				Sdkappid, TaskID uint64
				Type             push.SchedKind
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			var want struct{ ErrorCode int }
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			err := s.DeleteScheduled(context.Background(), r.Sdkappid, r.TaskID, r.Type)
			if want.ErrorCode == 0 {
				require.NoError(t, err)
			} else {
				var ae *api.Error
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, want.ErrorCode, ae.Code)
			}
			testkit.AssertSentExample(t, srv, pDeleteSched, ex)
		})
	}
}

// TestDeleteScheduledOnTheFake: bad input is refused before the call; a
// pending task is deleted once; a task being dispatched answers 90107.
func TestDeleteScheduledOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	app := uint64(srv.SDKAppID)
	testkit.AssertInvalid(t, c.Push.DeleteScheduled(ctx, 0, 1, push.SchedAll), "Sdkappid")
	testkit.AssertInvalid(t, c.Push.DeleteScheduled(ctx, app, 0, push.SchedAll), "TaskID")
	testkit.AssertInvalid(t, c.Push.DeleteScheduled(ctx, app, 1, "all"), "Type")
	srv.SetSchedTask(timtest.SchedTask{ID: 7, Type: "Tag"})
	srv.SetSchedTask(timtest.SchedTask{ID: 8, Type: "All", Status: "dispatching"})
	require.NoError(t, c.Push.DeleteScheduled(ctx, app, 7, push.SchedTag))
	assert.False(t, srv.SchedTaskExists(7))
	var ae *api.Error
	require.ErrorAs(t, c.Push.DeleteScheduled(ctx, app, 7, push.SchedTag), &ae)
	assert.Equal(t, 90104, ae.Code, "deleted already")
	require.ErrorAs(t, c.Push.DeleteScheduled(ctx, app, 8, push.SchedAll), &ae)
	assert.Equal(t, 90107, ae.Code, "being dispatched")
	assert.True(t, srv.SchedTaskExists(8))
}

// fakeClient is a client of a fresh timtest fake.
func fakeClient(t *testing.T) (*timtest.Server, *tim.Client) {
	t.Helper()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

const pGetSched = "timpush/get_sched_task"

// TestConformanceScheduled sends the documented get_sched_task request and
// reads every field of the documented TaskInfo.
func TestConformanceScheduled(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pGetSched) {
		t.Run(ex.Name, func(t *testing.T) {
			s, srv := newService(t, false)
			srv.Handle(pGetSched, func(testkit.Request) any { return ex.Response })
			var r struct{ Sdkappid, TaskID uint64 }
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			got, err := s.Scheduled(context.Background(), r.Sdkappid, r.TaskID)
			require.NoError(t, err)
			testkit.AssertSentExample(t, srv, pGetSched, ex)
			var want struct{ TaskInfo map[string]json.RawMessage }
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Len(t, want.TaskInfo, 12, "every documented TaskInfo field is read below")
			assert.Equal(t, uint64(1234567890), got.TaskID)
			assert.Equal(t, uint64(88888888), got.SDKAppID)
			assert.Equal(t, push.SchedAll, got.Kind)
			assert.Equal(t, time.Date(2025, 5, 20, 8, 30, 0, 0, time.UTC), got.CreatedAt)
			assert.Equal(t, time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC), got.ScheduledAt)
			assert.Equal(t, "2025-06-01 10:00:00", got.SchedAtText)
			assert.Equal(t, "2025-05-20 08:30:00", got.CreateAtText)
			assert.JSONEq(t, string(want.TaskInfo["Content"]), string(got.Content))
			assert.Equal(t, "推送标题", got.Title)
			assert.Equal(t, "推送内容描述", got.Desc)
			assert.Equal(t, push.SchedPending, got.Status)
			assert.Zero(t, got.DispatchSuccess)
			assert.Empty(t, got.DispatchErr)
			assert.Empty(t, got.PushTaskID)
		})
	}
}

// TestScheduledOnTheFake: bad input is refused before the call; the fake
// answers a task it holds and 90104 for one it does not.
func TestScheduledOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	app := uint64(srv.SDKAppID)
	_, err := c.Push.Scheduled(ctx, 0, 1)
	testkit.AssertInvalid(t, err, "Sdkappid")
	_, err = c.Push.Scheduled(ctx, app, 0)
	testkit.AssertInvalid(t, err, "TaskID")
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetSchedTask(timtest.SchedTask{ID: 9, Type: "User", SchedAt: at, Title: "Check-up", Desc: "Tomorrow 9:00"})
	got, err := c.Push.Scheduled(ctx, app, 9)
	require.NoError(t, err)
	assert.Equal(t, push.SchedUser, got.Kind)
	assert.Equal(t, at, got.ScheduledAt)
	assert.Equal(t, push.SchedPending, got.Status)
	assert.Equal(t, "Check-up", got.Title)
	assert.False(t, got.CreatedAt.IsZero())
	require.NoError(t, c.Push.DeleteScheduled(ctx, app, 9, push.SchedUser))
	_, err = c.Push.Scheduled(ctx, app, 9)
	var ae *api.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 90104, ae.Code)
}

const pRevoke = "timpush/revoke"

// TestConformanceRevoke sends the documented timpush/revoke request.
func TestConformanceRevoke(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pRevoke) {
		t.Run(ex.Name, func(t *testing.T) {
			s, srv := newService(t, false)
			srv.Handle(pRevoke, func(testkit.Request) any { return ex.Response })
			var r struct {
				TaskId          string //nolint:revive // the wire name
				OfflinePushInfo message.OfflinePushInfo
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, s.Revoke(context.Background(), r.TaskId, &r.OfflinePushInfo))
			testkit.AssertSentExample(t, srv, pRevoke, ex)
		})
	}
}

// TestRevokeOnTheFake: bad input is refused before the call; an im_push
// task is revoked once (90050 then), a targeted push cannot be revoked,
// and a task older than 24 hours answers 90052.
func TestRevokeOnTheFake(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	var clock atomic.Pointer[time.Time]
	clock.Store(&now)
	srv := timtest.NewServer(t, timtest.WithClock(func() time.Time { return *clock.Load() }))
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	note := &message.OfflinePushInfo{Desc: "This notice was withdrawn"}
	testkit.AssertInvalid(t, c.Push.Revoke(ctx, "", note), "TaskId")
	testkit.AssertInvalid(t, c.Push.Revoke(ctx, "t1", nil), "OfflinePushInfo")
	require.NoError(t, c.Account.Import(ctx, account.Account{UserID: "p1"}))
	res, err := c.Push.Send(ctx, &push.Push{Body: message.Body{&message.Text{Text: "Clinic closed today"}}})
	require.NoError(t, err)
	require.NoError(t, c.Push.Revoke(ctx, res.TaskID, note))
	assert.True(t, srv.Pushes()[0].Revoked)
	var ae *api.Error
	require.ErrorAs(t, c.Push.Revoke(ctx, res.TaskID, note), &ae)
	assert.Equal(t, 90050, ae.Code)

	batch, err := c.Push.SendToUsers(ctx, &push.UserPush{From: "doctor", To: []string{"p1"}, OfflinePush: note})
	require.NoError(t, err)
	require.ErrorAs(t, c.Push.Revoke(ctx, batch.TaskID, note), &ae)
	assert.Equal(t, 90001, ae.Code, "only all-member and tag pushes can be revoked")

	old, err := c.Push.Send(ctx, &push.Push{Body: message.Body{&message.Text{Text: "Flu shots"}}})
	require.NoError(t, err)
	later := now.Add(push.RevokeWindow + time.Minute)
	clock.Store(&later)
	require.ErrorAs(t, c.Push.Revoke(ctx, old.TaskID, note), &ae)
	assert.Equal(t, 90052, ae.Code)
}

// TestConformancePushService drives each documented attribute and tag
// request of the Push service (timpush) through PushService: the request
// sent is the documented one, and a documented ErrorList comes back as
// UserErrors beside what was read.
func TestConformancePushService(t *testing.T) {
	t.Parallel()
	type req struct {
		AttrNames  map[string]string
		To_Account []string //nolint:revive // the wire name
		UserAttrs  []json.RawMessage
		UserTags   []push.UserTags
	}
	calls := map[string]func(ctx context.Context, s *push.Service, r req) (read int, err error){
		"timpush/set_attr_name": func(ctx context.Context, s *push.Service, r req) (int, error) {
			names := map[int]string{}
			for k, v := range r.AttrNames {
				n, err := strconv.Atoi(k)
				require.NoError(t, err)
				names[n] = v
			}
			return 0, s.SetAttrNames(ctx, names)
		},
		"timpush/get_attr_name": func(ctx context.Context, s *push.Service, _ req) (int, error) {
			names, err := s.AttrNames(ctx)
			return len(names), err
		},
		"timpush/get_attr": func(ctx context.Context, s *push.Service, r req) (int, error) {
			got, err := s.UserAttrs(ctx, r.To_Account)
			return len(got), err
		},
		"timpush/set_attr": func(ctx context.Context, s *push.Service, r req) (int, error) {
			return 0, s.SetUserAttrs(ctx, decodeEach[push.UserAttrs](t, r.UserAttrs))
		},
		"timpush/remove_attr": func(ctx context.Context, s *push.Service, r req) (int, error) {
			return 0, s.RemoveUserAttrs(ctx, decodeEach[push.UserAttrNames](t, r.UserAttrs))
		},
		"timpush/get_tag": func(ctx context.Context, s *push.Service, r req) (int, error) {
			got, err := s.UserTags(ctx, r.To_Account)
			return len(got), err
		},
		"timpush/add_tag": func(ctx context.Context, s *push.Service, r req) (int, error) {
			return 0, s.AddUserTags(ctx, r.UserTags)
		},
		"timpush/clear_all_tags": func(ctx context.Context, s *push.Service, r req) (int, error) {
			return 0, s.RemoveAllUserTags(ctx, r.To_Account)
		},
	}
	for path, call := range calls {
		for _, ex := range testkit.RESTExamples(t, "..", path) {
			t.Run(path+"/"+ex.Name, func(t *testing.T) {
				s, srv := newService(t, false)
				srv.Handle(path, func(testkit.Request) any { return ex.Response })
				var r req
				require.NoError(t, json.Unmarshal(ex.Request, &r))
				read, err := call(context.Background(), s.PushService(), r)
				var want struct {
					ErrorList []struct {
						ErrorCode  int
						To_Account string //nolint:revive // the wire name
					}
					UserAttrs, UserTags []json.RawMessage
					AttrNames           map[string]string
				}
				require.NoError(t, json.Unmarshal(ex.Response, &want))
				if len(want.ErrorList) == 0 {
					require.NoError(t, err)
				} else {
					var ue push.UserErrors
					require.ErrorAs(t, err, &ue)
					require.Len(t, ue, len(want.ErrorList))
					assert.Equal(t, want.ErrorList[0].To_Account, ue[0].UserID)
					assert.Equal(t, want.ErrorList[0].ErrorCode, ue[0].Code)
				}
				assert.Equal(t, len(want.UserAttrs)+len(want.UserTags)+len(want.AttrNames), read)
				if len(ex.Request) > 2 {
					testkit.AssertSentExample(t, srv, path, ex)
				}
				assert.Empty(t, srv.Calls(strings.Replace(path, "timpush/", "all_member_push/im_", 1)))
			})
		}
	}
}

// TestPushServiceRemoveTagIsRefused: the Push service's remove-tag page
// was not read, so the view refuses RemoveUserTags before any call.
func TestPushServiceRemoveTagIsRefused(t *testing.T) {
	t.Parallel()
	s, srv := newService(t, false)
	err := s.PushService().RemoveUserTags(context.Background(), []push.UserTags{{UserID: "p1", Tags: []string{"a"}}})
	testkit.AssertInvalid(t, err, "UserTags")
	assert.Empty(t, srv.Requests())
}

// TestPushServiceOnTheFake: the Push service view names attributes, sets
// and reads them and tags for a UserID and a RegistrationID, and clears
// tags, through the timpush commands only.
func TestPushServiceOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	ps := c.Push.PushService()
	const reg = "379C2F0D-290D-47AE-94D1-919058C39C77"
	_, err := ps.UserTags(ctx, []string{strings.Repeat("x", 40)})
	testkit.AssertInvalid(t, err, "To_Account[0]")
	_, err = c.Push.UserTags(ctx, []string{reg})
	testkit.AssertInvalid(t, err, "To_Account[0]", "a RegistrationID is not a UserID for all_member_push")
	require.NoError(t, ps.SetAttrNames(ctx, map[int]string{0: "ward"}))
	names, err := ps.AttrNames(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[int]string{0: "ward"}, names)
	require.NoError(t, ps.SetUserAttrs(ctx, []push.UserAttrs{{UserID: reg, Attrs: map[string]string{"ward": "3B"}}, {UserID: "p1", Attrs: map[string]string{"ward": "2A"}}}))
	attrs, err := ps.UserAttrs(ctx, []string{reg})
	require.NoError(t, err)
	require.Len(t, attrs, 1)
	assert.Equal(t, "3B", attrs[0].Attrs["ward"])
	require.NoError(t, ps.AddUserTags(ctx, []push.UserTags{{UserID: reg, Tags: []string{"cardio"}}}))
	tags, err := ps.UserTags(ctx, []string{reg})
	require.NoError(t, err)
	require.Len(t, tags, 1)
	assert.Equal(t, []string{"cardio"}, tags[0].Tags)
	require.NoError(t, ps.RemoveAllUserTags(ctx, []string{reg}))
	assert.Empty(t, srv.UserTags(reg))
	for _, r := range srv.Requests() {
		assert.NotContains(t, r.Path, "all_member_push/", "the view calls the Push service only")
	}
}

// decodeEach decodes each raw JSON value into a T.
func decodeEach[T any](t *testing.T, raws []json.RawMessage) []T {
	t.Helper()
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		require.NoError(t, json.Unmarshal(raw, &v))
		out = append(out, v)
	}
	return out
}

package group_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

// Every iterator goes through the one pager: a page that is not the last
// but does not move the cursor on ends the walk with api.ErrCursorStuck,
// yielded once, after the items already read, and no further page is
// fetched.
func TestIteratorsReportCursorStuck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name   string
		path   string
		answer func(r testkit.Request) any
		walk   func(*group.Service) (int, []error)
		what   string // the pager's name for the list, in the error
		calls  int
	}{
		{
			name: "members, community Next repeated", path: pMemberInfo,
			answer: func(testkit.Request) any {
				return testkit.With(map[string]any{"MemberList": []map[string]any{{"Member_Account": "a"}}, "Next": "same"})
			},
			walk: func(s *group.Service) (int, []error) {
				ms, errs := testkit.Drain(s.Members(ctx, "@TGS#_clinic", group.MemberListOptions{}), 0)
				return len(ms), errs
			},
			what: "group: members page 2", calls: 2,
		},
		{
			name: "app groups, Next repeated", path: pAppGroups,
			answer: func(testkit.Request) any {
				return testkit.With(map[string]any{"GroupIdList": []map[string]any{{"GroupId": "x"}}, "Next": 7})
			},
			walk: func(s *group.Service) (int, []error) {
				ids, errs := testkit.Drain(s.AppGroups(ctx, group.AppGroupsOptions{}), 0)
				return len(ids), errs
			},
			what: "group: app groups page 2", calls: 2,
		},
		{
			name: "banned, NextOffset repeated", path: pBanList,
			answer: func(testkit.Request) any {
				return testkit.With(map[string]any{"BannedAccountList": []map[string]any{{"Member_Account": "b"}}, "NextOffset": 5})
			},
			walk: func(s *group.Service) (int, []error) {
				ms, errs := testkit.Drain(s.Banned(ctx, "@TGS#aLIVE"), 0)
				return len(ms), errs
			},
			what: "group: banned members page 2", calls: 2,
		},
		{
			// An offset must grow: going back would read pages again
			// (0 → 10 → 3 → 10 → …), so it is stuck at once.
			name: "banned, NextOffset going back", path: pBanList,
			answer: func(r testkit.Request) any {
				var req struct{ Offset int }
				r.Decode(t, &req)
				next := map[int]int{0: 10, 10: 3, 3: 10}[req.Offset]
				return testkit.With(map[string]any{"BannedAccountList": []map[string]any{{"Member_Account": "b"}}, "NextOffset": next})
			},
			walk: func(s *group.Service) (int, []error) {
				ms, errs := testkit.Drain(s.Banned(ctx, "@TGS#aLIVE"), 0)
				return len(ms), errs
			},
			what: "group: banned members page 2", calls: 2,
		},
		{
			name: "online members, NextTimestamp repeated", path: pLiveMember,
			answer: func(testkit.Request) any {
				return testkit.With(map[string]any{"MemberList": []map[string]any{{"Member_Account": "a"}}, "NextTimestamp": 100})
			},
			walk: func(s *group.Service) (int, []error) {
				ms, errs := testkit.Drain(s.OnlineMembers(ctx, "@TGS#aLIVE"), 0)
				return len(ms), errs
			},
			what: "group: online members page 2", calls: 2,
		},
		{
			name: "receipt detail, Cursor repeated", path: pReceiptDetail,
			answer: func(testkit.Request) any {
				return testkit.With(map[string]any{"IsFinished": 0, "ReadList": []map[string]any{{"Read_Account": "a"}}, "Cursor": "same"})
			},
			walk: func(s *group.Service) (int, []error) {
				ids, errs := testkit.Drain(s.ReceiptDetail(ctx, group.ReceiptDetailRequest{GroupID: "@TGS#1", MsgSeq: 1}), 0)
				return len(ids), errs
			},
			what: "group: receipt detail page 2", calls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			var n atomic.Int32
			srv.Handle(tc.path, func(r testkit.Request) any {
				if n.Add(1) > 5 { // a walk that misses the stuck cursor ends here, failing the test
					return testkit.Fail(10004, "too many pages")
				}
				return tc.answer(r)
			})
			items, errs := tc.walk(svc)
			require.Len(t, errs, 1, "the error is yielded once")
			require.ErrorIs(t, errs[0], api.ErrCursorStuck)
			require.ErrorIs(t, errs[0], tim.ErrCursorStuck, "the root re-exports the same sentinel")
			assert.Contains(t, errs[0].Error(), tc.what)
			assert.Equal(t, tc.calls, items, "the items of every page read come first")
			assert.Len(t, srv.Calls(tc.path), tc.calls, "no page after the stuck one")
		})
	}
}

// A failing later page is named, and ends the walk: the iterators share
// the pager's error reporting.
func TestIteratorsNameFailingPage(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pJoined, func(r testkit.Request) any {
		var req struct{ Offset int }
		r.Decode(t, &req)
		if req.Offset > 0 {
			return testkit.Fail(10002, "busy")
		}
		return testkit.With(map[string]any{"TotalCount": 3, "GroupIdList": []map[string]any{{"GroupId": "a"}, {"GroupId": "b"}}})
	})
	groups, errs := testkit.Drain(svc.Joined(context.Background(), "u", group.JoinedOptions{PageSize: 2}), 0)
	assert.Len(t, groups, 2)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], tim.ErrServerBusy)
	assert.Contains(t, errs[0].Error(), "group: joined groups page 2")
}

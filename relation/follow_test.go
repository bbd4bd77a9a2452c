package relation_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/relation"
)

const (
	pFollowAdd    = "follow/follow_add"
	pFollowDelete = "follow/follow_delete"
	pFollowGet    = "follow/follow_get"
	pFollowCheck  = "follow/follow_check"
	pFollowInfo   = "follow/follow_get_info"
)

func TestFollowSplitsBy20(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowAdd, func(r testkit.Request) any {
		var req struct {
			FollowItem []struct {
				ToAccount string `json:"To_Account"`
			} `json:"FollowItem"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.FollowItem), relation.MaxFollowPerCall)
		var accs []string
		for _, it := range req.FollowItem {
			accs = append(accs, it.ToAccount)
		}
		return testkit.With(map[string]any{"ResultItem": okItems(accs)})
	})
	res, err := svc.Follow(context.Background(), "fan_1", ids("star", 45))
	require.NoError(t, err)
	assert.Len(t, res, 45)
	assert.Len(t, srv.Calls(pFollowAdd), 3)
	_, err = svc.Follow(context.Background(), "fan_1", []string{"star_1", "star_2"})
	require.NoError(t, err)
	golden(t, srv, pFollowAdd, "follow_add")
}

func TestUnfollowGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowDelete, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"To_Account": "star_1", "ResultCode": 0}, {"To_Account": "star_2", "ResultCode": 30001, "ResultInfo": "not following"},
		}})
	})
	res, err := svc.Unfollow(context.Background(), "fan_1", []string{"star_1", "star_2"})
	require.NoError(t, err)
	golden(t, srv, pFollowDelete, "follow_delete")
	assert.Len(t, res.Failed(), 1)
}

func TestCheckFollowGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowCheck, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"To_Account": "a", "FollowType": 0, "ResultCode": 0}, {"To_Account": "b", "FollowType": 1, "ResultCode": 0},
			{"To_Account": "c", "FollowType": "2", "ResultCode": 0}, {"To_Account": "d", "FollowType": 3, "ResultCode": 0},
		}})
	})
	res, err := svc.CheckFollow(context.Background(), "fan_1", []string{"a", "b", "c", "d"})
	require.NoError(t, err)
	golden(t, srv, pFollowCheck, "follow_check")
	want := []relation.FollowRelation{relation.FollowNone, relation.FollowedByB, relation.FollowingB, relation.FollowBothWays}
	for i, w := range want {
		assert.Equal(t, w, res[i].Relation)
	}
}

func TestFollowListIteratesCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowGet, func(r testkit.Request) any {
		var req struct {
			StartCursor string `json:"StartCursor"`
		}
		r.Decode(t, &req)
		if req.StartCursor == "" {
			return testkit.With(map[string]any{"FollowItem": []map[string]any{
				{"To_Account": "fan_1", "FollowTime": 1700000000, "ProfileItem": []map[string]any{{"Tag": "Tag_Profile_IM_Nick", "Value": "Fan"}}},
				{"To_Account": "fan_2", "FollowTime": "1700000001"},
			}, "NextCursor": "c2"})
		}
		return testkit.With(map[string]any{"FollowItem": []map[string]any{{"To_Account": "fan_3"}}, "NextCursor": ""})
	})
	var got []relation.FollowEntry
	for e, err := range svc.FollowList(context.Background(), "star_1", relation.Followers, 2) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Len(t, got, 3)
	calls := srv.Calls(pFollowGet)
	testkit.AssertGolden(t, "testdata/golden/follow_get.json", calls[0].Body)
	testkit.AssertGolden(t, "testdata/golden/follow_get_next.json", calls[1].Body)
	assert.Equal(t, time.Unix(1700000001, 0), got[1].Since)
	nick, _ := got[0].Profile.Get("Tag_Profile_IM_Nick")
	s, _ := nick.Str()
	assert.Equal(t, "Fan", s)
}

// A NextCursor equal to the cursor a page was read at ends FollowList with
// the shared cursor-stuck error; a cursor that changes but is not "" goes
// on (string cursors need not grow).
func TestFollowListStopsOnAStuckCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowGet, func(r testkit.Request) any {
		var req struct {
			StartCursor string `json:"StartCursor"`
		}
		r.Decode(t, &req)
		next := map[string]string{"": "zz", "zz": "aa", "aa": "aa"}[req.StartCursor]
		return testkit.With(map[string]any{"FollowItem": []map[string]any{{"To_Account": "fan_" + req.StartCursor}}, "NextCursor": next})
	})
	entries, errs := testkit.Drain(svc.FollowList(context.Background(), "star_1", relation.Following, 0), 0)
	var got []string
	for _, e := range entries {
		got = append(got, e.UserID)
	}
	assert.Equal(t, []string{"fan_", "fan_zz", "fan_aa"}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
	assert.ErrorIs(t, errs[0], tim.ErrCursorStuck)
	assert.Contains(t, errs[0].Error(), "relation: follow list page 3")
	assert.Len(t, srv.Calls(pFollowGet), 3)
}

func TestFollowCountsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pFollowInfo, func(r testkit.Request) any {
		return testkit.With(map[string]any{"FollowInfo": []map[string]any{
			{"To_Account": "star_1", "FollowerCount": 120, "FollowingCount": "3", "MutualFollowingCount": 1, "ResultCode": 0},
			{"To_Account": "ghost", "ResultCode": 30003, "ResultInfo": "account not found"},
		}})
	})
	res, err := svc.FollowCounts(context.Background(), "star_1", []string{"star_1", "ghost"})
	require.NoError(t, err)
	golden(t, srv, pFollowInfo, "follow_get_info")
	require.Len(t, res, 2)
	assert.Equal(t, int64(120), res[0].Followers)
	assert.Equal(t, int64(3), res[0].Following)
	assert.Equal(t, int64(1), res[0].Mutual)
	assert.Equal(t, 30003, res[1].ResultCode)
}

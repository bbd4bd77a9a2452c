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
	pBlackAdd    = "sns/black_list_add"
	pBlackDelete = "sns/black_list_delete"
	pBlackGet    = "sns/black_list_get"
	pBlackCheck  = "sns/black_list_check"
)

func TestBlacklistAddDeleteGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		path, name string
		call       func(*relation.Service) (relation.Results, error)
	}{
		{pBlackAdd, "black_list_add", func(s *relation.Service) (relation.Results, error) {
			return s.AddToBlacklist(context.Background(), "doctor_1", []string{"patient_7", "patient_8", "patient_7"})
		}},
		{pBlackDelete, "black_list_delete", func(s *relation.Service) (relation.Results, error) {
			return s.RemoveFromBlacklist(context.Background(), "doctor_1", []string{"patient_7", "patient_8"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			srv.Handle(tc.path, func(r testkit.Request) any {
				return testkit.With(map[string]any{"ResultItem": []map[string]any{
					{"To_Account": "patient_7", "ResultCode": 0, "ResultInfo": ""},
					{"To_Account": "patient_8", "ResultCode": 30001, "ResultInfo": "Err_SNS_BlackListAdd_Already_Exist"},
				}, "Fail_Account": []string{"patient_8"}})
			})
			res, err := tc.call(svc)
			require.NoError(t, err)
			golden(t, srv, tc.path, tc.name)
			require.Len(t, res, 2)
			assert.Equal(t, relation.Results{res[1]}, res.Failed())
		})
	}
}

func TestBlacklistSplitsBy1000(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pBlackAdd, func(r testkit.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.ToAccount), relation.MaxBlacklistPerCall)
		return testkit.With(map[string]any{"ResultItem": okItems(req.ToAccount)})
	})
	res, err := svc.AddToBlacklist(context.Background(), "doctor_1", ids("p", 2001))
	require.NoError(t, err)
	assert.Len(t, res, 2001)
	assert.Len(t, srv.Calls(pBlackAdd), 3)
}

func TestBlacklistIteratesPages(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pBlackGet, func(r testkit.Request) any {
		var req struct {
			StartIndex int `json:"StartIndex"`
			MaxLimited int `json:"MaxLimited"`
		}
		r.Decode(t, &req)
		assert.Equal(t, 2, req.MaxLimited)
		switch req.StartIndex {
		case 0:
			// The documented answer spells the sequence "CurruentSequence".
			return testkit.With(map[string]any{"BlackListItem": []map[string]any{
				{"To_Account": "id1", "AddBlackTimeStamp": 1430000001},
				{"To_Account": "id2", "AddBlackTimeStamp": "1430000002"},
			}, "StartIndex": 2, "CurruentSequence": 13})
		default:
			return testkit.With(map[string]any{"BlackListItem": []map[string]any{{"To_Account": "id3", "AddBlackTimeStamp": 1430000003}},
				"StartIndex": 0, "CurrentSequence": 13})
		}
	})
	var got []relation.Blocked
	for b, err := range svc.Blacklist(context.Background(), "doctor_1", 2) {
		require.NoError(t, err)
		got = append(got, b)
	}
	testkit.AssertGolden(t, "testdata/golden/black_list_get.json", srv.Calls(pBlackGet)[0].Body)
	require.Len(t, got, 3)
	assert.Equal(t, relation.Blocked{UserID: "id2", Since: time.Unix(1430000002, 0)}, got[1])

	p, err := svc.BlacklistPage(context.Background(), "doctor_1", 0, 2, 12)
	require.NoError(t, err)
	assert.Equal(t, uint64(13), p.Sequence)
	assert.False(t, p.Done())
	testkit.AssertGolden(t, "testdata/golden/black_list_get_seq.json", srv.Last(pBlackGet).Body)
	p, err = svc.BlacklistPage(context.Background(), "doctor_1", 2, 2, 13)
	require.NoError(t, err)
	assert.Equal(t, uint64(13), p.Sequence)
	assert.True(t, p.Done())
}

// A StartIndex that does not grow ends Blacklist with the shared
// cursor-stuck error after yielding the page's entries.
func TestBlacklistStopsOnAStuckCursor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		next  []int
		calls int
	}{
		{"same index", []int{3, 3}, 2},
		{"index goes back", []int{3, 1}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t)
			n := 0
			srv.Handle(pBlackGet, func(r testkit.Request) any {
				next := tc.next[min(n, len(tc.next)-1)]
				n++
				return testkit.With(map[string]any{"BlackListItem": []map[string]any{{"To_Account": "x"}}, "StartIndex": next})
			})
			blocked, errs := testkit.Drain(svc.Blacklist(context.Background(), "doctor_1", 0), 0)
			entries := len(blocked)
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], api.ErrCursorStuck)
			assert.ErrorIs(t, errs[0], tim.ErrCursorStuck)
			assert.Contains(t, errs[0].Error(), "relation: blacklist page 2")
			assert.Equal(t, tc.calls, entries)
			assert.Len(t, srv.Calls(pBlackGet), tc.calls)
		})
	}
}

func TestCheckBlacklistGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pBlackCheck, func(r testkit.Request) any {
		return testkit.With(map[string]any{"BlackListCheckItem": []map[string]any{
			{"To_Account": "id1", "Relation": "BlackCheckResult_Type_BothWay", "ResultCode": 0},
			{"To_Account": "id2", "Relation": "BlackCheckResult_Type_AWithB", "ResultCode": 0},
			{"To_Account": "id3", "Relation": "BlackCheckResult_Type_BWithA", "ResultCode": 0},
			{"To_Account": "id4", "Relation": "BlackCheckResult_Type_NO", "ResultCode": 0},
			{"To_Account": "id5", "Relation": "BlackCheckResult_Type_NO", "ResultCode": 30007, "ResultInfo": "Err_SNS_BlackListCheck_Check_Reverse_BlackList_Fail"},
		}, "Fail_Account": []string{"id5"}, "Invalid_Account": []string{"id6"}})
	})
	res, err := svc.CheckBlacklist(context.Background(), "doctor_1", []string{"id1", "id2", "id3", "id4", "id5", "id6"}, relation.BlackCheckBoth)
	require.NoError(t, err)
	golden(t, srv, pBlackCheck, "black_list_check")
	require.Len(t, res, 6)
	want := []relation.BlackRelation{relation.BlackBoth, relation.BlackAWithB, relation.BlackBWithA, relation.BlackNone, relation.BlackNone, ""}
	for i, w := range want {
		assert.Equal(t, w, res[i].Relation, i)
	}
	assert.Equal(t, 30007, res[4].ResultCode)
	assert.Equal(t, "id6", res[5].UserID)
	assert.Equal(t, relation.CodeInvalidAccount, res[5].ResultCode)
}

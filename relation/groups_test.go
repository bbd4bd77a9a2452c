package relation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/relation"
)

const (
	pGroupAdd    = "sns/group_add"
	pGroupDelete = "sns/group_delete"
	pGroupGet    = "sns/group_get"
)

func TestAddFriendGroupsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGroupAdd, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"To_Account": "id1", "ResultCode": 0, "ResultInfo": ""},
			{"To_Account": "id2", "ResultCode": 32216, "ResultInfo": "Err_SNS_GroupAdd_ToTinyId_Not_Friend"},
		}, "Fail_Account": []string{"id2"}, "Invalid_Account": []string{"id3"}, "CurrentSequence": 3})
	})
	res, err := svc.AddFriendGroups(context.Background(), "doctor_1", []string{"患者", "同事"}, []string{"id1", "id2", "id3"})
	require.NoError(t, err)
	golden(t, srv, pGroupAdd, "group_add")
	assert.Equal(t, uint64(3), res.Sequence)
	require.Len(t, res.Results, 3)
	assert.Equal(t, 32216, res.Results[1].ResultCode)
	assert.Equal(t, relation.CodeInvalidAccount, res.Results[2].ResultCode)

	_, err = svc.AddFriendGroups(context.Background(), "doctor_1", []string{"空组"}, nil)
	require.NoError(t, err)
	golden(t, srv, pGroupAdd, "group_add_names_only")
}

func TestAddFriendGroupsIsNotResentAfterAnAnswer(t *testing.T) {
	t.Parallel()
	svc, srv := newRetryingService(t)
	srv.Handle(pGroupAdd, func(testkit.Request) any { return testkit.Fail(30006, "internal error") })
	srv.Handle(pGroupGet, func(testkit.Request) any { return testkit.Fail(60008, "timeout") })
	_, err := svc.AddFriendGroups(context.Background(), "doctor_1", []string{"g"}, nil)
	require.Error(t, err)
	assert.Len(t, srv.Calls(pGroupAdd), 1)
	// A read is retried on a transient failure.
	_, err = svc.FriendGroups(context.Background(), "doctor_1", relation.GroupsOptions{})
	require.ErrorIs(t, err, tim.ErrServerBusy)
	assert.Len(t, srv.Calls(pGroupGet), 3)
}

func TestDeleteFriendGroupsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGroupDelete, func(r testkit.Request) any { return testkit.With(map[string]any{"CurrentSequence": 4}) })
	seq, err := svc.DeleteFriendGroups(context.Background(), "doctor_1", []string{"患者", "同事", "患者"})
	require.NoError(t, err)
	golden(t, srv, pGroupDelete, "group_delete")
	assert.Equal(t, uint64(4), seq)

	seq, err = svc.DeleteFriendGroups(context.Background(), "doctor_1", ids("g", 150))
	require.NoError(t, err)
	assert.Equal(t, uint64(4), seq)
	assert.Len(t, srv.Calls(pGroupDelete), 3)
}

func TestFriendGroupsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGroupGet, func(r testkit.Request) any {
		return testkit.With(map[string]any{"CurrentSequence": 2, "ResultItem": []map[string]any{
			{"GroupName": "患者", "FriendNumber": 2, "To_Account": []string{"patient_7", "patient_8"}},
			{"GroupName": "同事", "FriendNumber": "0"},
		}})
	})
	res, err := svc.FriendGroups(context.Background(), "doctor_1", relation.GroupsOptions{WithFriends: true, LastSequence: 1})
	require.NoError(t, err)
	golden(t, srv, pGroupGet, "group_get")
	assert.Equal(t, uint64(2), res.Sequence)
	assert.Equal(t, []relation.FriendGroup{
		{Name: "患者", Count: 2, Friends: []string{"patient_7", "patient_8"}},
		{Name: "同事", Count: 0},
	}, res.Groups)

	_, err = svc.FriendGroups(context.Background(), "doctor_1", relation.GroupsOptions{Names: []string{"患者"}})
	require.NoError(t, err)
	golden(t, srv, pGroupGet, "group_get_names")
}

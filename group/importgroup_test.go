package group_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

func TestImportGroup(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("group_open_http_svc/import_group", func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupId": "old_group_1"})
	})
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	s, err := group.NewService(c)
	require.NoError(t, err)
	ctx := context.Background()
	id, err := s.Import(ctx, group.ImportRequest{Type: group.Private, GroupID: "old_group_1", Name: "张医生(李患者)", Owner: "doctor_1",
		FaceURL: "https://x/g.png", MaxMemberCount: 200, CreatedAt: time.Unix(1600000000, 0)})
	require.NoError(t, err)
	assert.Equal(t, "old_group_1", id)
	testkit.AssertGolden(t, "testdata/golden/import_group.json", srv.Last("group_open_http_svc/import_group").Body)

	for _, bad := range []group.ImportRequest{
		{Type: group.AVChatRoom, Name: "x"},
		{Type: group.Private, Name: "x", MaxMemberCount: 6001},
		{Type: group.Private},
		{Type: group.Private, Name: "x", GroupID: "@TGS#abc"},
	} {
		_, err := s.Import(ctx, bad)
		assert.ErrorIs(t, err, tim.ErrInvalidParameter, "%+v", bad)
	}
	assert.Len(t, srv.Requests(), 1)

	srv.Handle("group_open_http_svc/import_group", func(testkit.Request) any { return testkit.Fail(10025, "yours") })
	id, err = s.Import(ctx, group.ImportRequest{Type: group.Public, GroupID: "mine", Name: "x"})
	require.NoError(t, err, "an id already imported by us (a retry whose answer was lost) is a success")
	assert.Equal(t, "mine", id)

	srv.Handle("group_open_http_svc/import_group", func(testkit.Request) any { return testkit.Fail(10021, "taken") })
	_, err = s.Import(ctx, group.ImportRequest{Type: group.Public, GroupID: "taken", Name: "x"})
	assert.ErrorIs(t, err, group.ErrGroupIDTaken)
	assert.ErrorIs(t, err, tim.ErrConflict)
}

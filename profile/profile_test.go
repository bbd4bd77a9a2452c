package profile_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/profile"
)

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := profile.NewService(nil)
	assert.Nil(t, s)
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
}

func TestProfileValidationBeforeNetwork(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c := e2e.Client(t, srv.URL)
	ctx := context.Background()
	long := strings.Repeat("x", 33)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"set no user", func() error { return c.Profile.Set(ctx, "", profile.Nick("x")) }, "From_Account"},
		{"set long user", func() error { return c.Profile.Set(ctx, long, profile.Nick("x")) }, "From_Account"},
		{"set no items", func() error { return c.Profile.Set(ctx, "a") }, "ProfileItem"},
		{"set bad tag", func() error { return c.Profile.Set(ctx, "a", profile.Item{Tag: "Nick", Value: "x"}) }, "ProfileItem[0].Tag"},
		{"set bad value", func() error {
			return c.Profile.Set(ctx, "a", profile.Nick("x"), profile.Item{Tag: profile.TagLevel, Value: 1.5})
		}, "ProfileItem[1].Value"},
		{"get no users", func() error { _, err := c.Profile.Get(ctx, nil, profile.TagNick); return err }, "To_Account"},
		{"get no tags", func() error { _, err := c.Profile.Get(ctx, []string{"a"}); return err }, "TagList"},
	}
	for _, tc := range cases {
		err := tc.call()
		testkit.AssertInvalid(t, err, tc.field, tc.name)
	}
	assert.Empty(t, srv.Requests())
}

func TestProfileSetAndGet(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	srv.Handle("profile/portrait_get", func(testkit.Request) any {
		return testkit.With(map[string]any{"UserProfileItem": []map[string]any{
			{"To_Account": "doctor_1", "ResultCode": 0, "ProfileItem": []map[string]any{
				{"Tag": "Tag_Profile_IM_Nick", "Value": "张医生"},
				{"Tag": "Tag_Profile_IM_Image", "Value": "https://x/a.png"},
				{"Tag": "Tag_Profile_IM_Level", "Value": 3},
				{"Tag": "Tag_Profile_Custom_Title", "Value": "主任医师"},
			}},
			{"To_Account": "ghost", "ResultCode": 40006, "ResultInfo": "not found"},
		}})
	})
	c := e2e.Client(t, srv.URL)
	ctx := context.Background()
	require.NoError(t, c.Profile.Set(ctx, "doctor_1", profile.Nick("张医生"), profile.Avatar("https://x/a.png"), profile.GenderItem(profile.GenderFemale), profile.CustomItem("Title", "主任医师"), profile.Item{Tag: profile.TagLevel, Value: 3}))
	testkit.AssertGolden(t, "testdata/golden/portrait_set.json", srv.Last("profile/portrait_set").Body)

	ps, err := c.Profile.Get(ctx, []string{"doctor_1", "ghost"}, profile.TagNick, profile.TagImage, profile.TagLevel, profile.CustomTag("Title"))
	require.NoError(t, err)
	testkit.AssertGolden(t, "testdata/golden/portrait_get.json", srv.Last("profile/portrait_get").Body)
	require.Len(t, ps, 2)
	assert.Equal(t, "张医生", ps[0].Nick())
	assert.Equal(t, "https://x/a.png", ps[0].AvatarURL())
	assert.Equal(t, int64(3), ps[0].Values[profile.TagLevel].Int())
	assert.Equal(t, "3", ps[0].Values[profile.TagLevel].String())
	assert.Equal(t, "主任医师", ps[0].Values[profile.CustomTag("Title")].String())
	assert.Equal(t, 40006, ps[1].ResultCode)
	assert.Empty(t, ps[1].Nick())
}

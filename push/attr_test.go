package push_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/push"
)

func users(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u%03d", i)
	}
	return out
}

func TestAttrNamesGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	require.NoError(t, svc.SetAttrNames(context.Background(), map[int]string{0: "sex", 1: "city", 2: "country"}))
	golden(t, srv, pSetName, "im_set_attr_name")

	srv.Handle(pGetName, func(testkit.Request) any {
		return testkit.With(map[string]any{"AttrNames": map[string]any{"0": "sex", "1": "city", "2": "会员等级", "x": "ignored"}})
	})
	names, err := svc.AttrNames(context.Background())
	require.NoError(t, err)
	golden(t, srv, pGetName, "im_get_attr_name")
	assert.Equal(t, map[int]string{0: "sex", 1: "city", 2: "会员等级"}, names)
}

func TestUserAttrsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	srv.Handle(pGetAttr, func(r testkit.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.ToAccount), push.MaxUsersPerCall)
		var out []map[string]any
		for _, u := range req.ToAccount {
			out = append(out, map[string]any{"To_Account": u, "Attrs": map[string]any{"city": "深圳", "level": 3}})
		}
		return testkit.With(map[string]any{"UserAttrs": out})
	})
	got, err := svc.UserAttrs(context.Background(), users(150))
	require.NoError(t, err)
	require.Len(t, got, 150)
	assert.Equal(t, push.UserAttrs{UserID: "u149", Attrs: map[string]string{"city": "深圳", "level": "3"}}, got[149])
	require.Len(t, srv.Calls(pGetAttr), 2)
	_, err = svc.UserAttrs(context.Background(), []string{"张小红", "abc"})
	require.NoError(t, err)
	golden(t, srv, pGetAttr, "im_get_attr")

	require.NoError(t, svc.SetUserAttrs(context.Background(), []push.UserAttrs{
		{UserID: "xiaojun012", Attrs: map[string]string{"sex": "attr1", "city": "attr2"}},
		{UserID: "xiaojun013", Attrs: map[string]string{"city": "attr3", "sex": "attr4"}},
	}))
	golden(t, srv, pSetAttr, "im_set_attr")

	require.NoError(t, svc.RemoveUserAttrs(context.Background(), []push.UserAttrNames{
		{UserID: "xiaojun013", Attrs: []string{"sex", "city"}},
	}))
	golden(t, srv, pRemoveAttr, "im_remove_attr")
}

func TestTagsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	srv.Handle(pGetTag, func(testkit.Request) any {
		return testkit.With(map[string]any{"UserTags": []map[string]any{
			{"To_Account": "xiaojun012", "Tags": []any{"a", "b"}}, {"To_Account": "xiaojun013", "Tags": []any{"a", 7}},
		}})
	})
	got, err := svc.UserTags(context.Background(), []string{"xiaojun012", "xiaojun013"})
	require.NoError(t, err)
	golden(t, srv, pGetTag, "im_get_tag")
	assert.Equal(t, []push.UserTags{{UserID: "xiaojun012", Tags: []string{"a", "b"}}, {UserID: "xiaojun013", Tags: []string{"a", "7"}}}, got)

	require.NoError(t, svc.AddUserTags(context.Background(), []push.UserTags{{UserID: "xiaojun012", Tags: []string{"a", "b"}}}))
	golden(t, srv, pAddTag, "im_add_tag")
	require.NoError(t, svc.RemoveUserTags(context.Background(), []push.UserTags{{UserID: "xiaojun012", Tags: []string{"a"}}}))
	golden(t, srv, pRemoveTag, "im_remove_tag")
	require.NoError(t, svc.RemoveAllUserTags(context.Background(), []string{"xiaojun012", "xiaojun013"}))
	golden(t, srv, pRemoveAll, "im_remove_all_tags")
}

func TestAddUserTagsSpreadsOverCalls(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	got := map[string][]string{}
	srv.Handle(pAddTag, func(r testkit.Request) any {
		var req struct {
			UserTags []push.UserTags `json:"UserTags"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.UserTags), push.MaxUsersPerCall)
		seen := map[string]bool{}
		for _, u := range req.UserTags {
			assert.LessOrEqual(t, len(u.Tags), push.MaxTagsPerUserPerCall)
			assert.False(t, seen[u.UserID], "a user appears once per call")
			seen[u.UserID] = true
			got[u.UserID] = append(got[u.UserID], u.Tags...)
		}
		return nil
	})
	var in []push.UserTags
	for i, u := range users(150) {
		n := 1
		if i < 3 {
			n = 25
		}
		tags := make([]string, n)
		for j := range tags {
			tags[j] = fmt.Sprint("t", j)
		}
		in = append(in, push.UserTags{UserID: u, Tags: tags})
	}
	require.NoError(t, svc.AddUserTags(context.Background(), in))
	// Round 1: 150 users (2 calls); round 2: 3 users; round 3: 3 users.
	assert.Len(t, srv.Calls(pAddTag), 4)
	for _, u := range in {
		assert.Equal(t, u.Tags, got[u.UserID])
	}

	srv.Handle(pAddTag, func(testkit.Request) any { return testkit.Fail(90046, "too many tags") })
	err := svc.AddUserTags(context.Background(), in)
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 90046, ae.Code)
	assert.Contains(t, err.Error(), "add tags call 1 of 4")
}

func TestAttrAndTagValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, false)
	ctx := context.Background()
	tests := []struct {
		name  string
		field string
		call  func() error
	}{
		{"no names", "AttrNames", func() error { return svc.SetAttrNames(ctx, nil) }},
		{"slot", `AttrNames["10"]`, func() error { return svc.SetAttrNames(ctx, map[int]string{10: "x"}) }},
		{"long name", `AttrNames["0"]`, func() error { return svc.SetAttrNames(ctx, map[int]string{0: strings.Repeat("x", 51)}) }},
		{"get attrs", "To_Account", func() error { _, err := svc.UserAttrs(ctx, nil); return err }},
		{"set no attrs", "UserAttrs[0].Attrs", func() error { return svc.SetUserAttrs(ctx, []push.UserAttrs{{UserID: "a"}}) }},
		{"set value", `UserAttrs[0].Attrs["city"]`, func() error {
			return svc.SetUserAttrs(ctx, []push.UserAttrs{{UserID: "a", Attrs: map[string]string{"city": strings.Repeat("市", 17)}}})
		}},
		{"remove user", "UserAttrs[0].To_Account", func() error { return svc.RemoveUserAttrs(ctx, []push.UserAttrNames{{Attrs: []string{"a"}}}) }},
		{"remove no attrs", "UserAttrs[0].Attrs", func() error { return svc.RemoveUserAttrs(ctx, []push.UserAttrNames{{UserID: "a"}}) }},
		{"add no tags", "UserTags[0].Tags", func() error { return svc.AddUserTags(ctx, []push.UserTags{{UserID: "a"}}) }},
		{"add long tag", "UserTags[0].Tags[0]", func() error {
			return svc.AddUserTags(ctx, []push.UserTags{{UserID: "a", Tags: []string{strings.Repeat("x", 51)}}})
		}},
		{"add too many", "UserTags[0].Tags", func() error {
			tags := make([]string, 101)
			for i := range tags {
				tags[i] = fmt.Sprint(i)
			}
			return svc.AddUserTags(ctx, []push.UserTags{{UserID: "a", Tags: tags}})
		}},
		{"remove all", "To_Account[0]", func() error { return svc.RemoveAllUserTags(ctx, []string{""}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			assert.Contains(t, err.Error(), "invalid "+tc.field+":")
		})
	}
	assert.Empty(t, srv.Requests())
}

package relation_test

import (
	"context"
	"errors"
	"math"
	"net/http"
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
	pAdd       = "sns/friend_add"
	pImport    = "sns/friend_import"
	pUpdate    = "sns/friend_update"
	pDelete    = "sns/friend_delete"
	pDeleteAll = "sns/friend_delete_all"
	pCheck     = "sns/friend_check"
	pGet       = "sns/friend_get"
	pGetList   = "sns/friend_get_list"
)

func TestAddFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pAdd, func(r testkit.Request) any {
		return testkit.With(map[string]any{
			"ResultItem": []map[string]any{
				{"To_Account": "patient_7", "ResultCode": 0, "ResultInfo": ""},
				{"To_Account": "patient_8", "ResultCode": "30539", "ResultInfo": "Err_SNS_FriendAdd_Pending"},
				{"To_Account": "patient_9", "ResultCode": 30525, "ResultInfo": "Err_SNS_FriendAdd_In_Other_Side_BlackList"},
			},
			"Fail_Account":    []string{"patient_9", "ghost_1"},
			"Invalid_Account": []string{"bad_id"},
			"ErrorDisplay":    "",
		})
	})
	res, err := svc.AddFriends(context.Background(), "doctor_1", []relation.AddFriend{
		{UserID: "patient_7", AddSource: "AddSource_Type_Consult", Remark: "李雷", Group: "患者", AddWording: "您好"},
		{UserID: "patient_8", AddSource: "AddSource_Type_Consult"},
		{UserID: "patient_9", AddSource: "AddSource_Type_Consult"},
	}, relation.AddOptions{Type: relation.AddBoth, Force: true})
	require.NoError(t, err)
	golden(t, srv, pAdd, "friend_add")

	require.Len(t, res, 5)
	assert.False(t, res.OK())
	assert.True(t, res[0].OK())
	assert.NoError(t, res[0].Err())
	assert.True(t, res[1].Pending())
	assert.Equal(t, "Err_SNS_FriendAdd_Pending", res[1].ResultInfo)
	var ae *tim.APIError
	require.ErrorAs(t, res[2].Err(), &ae)
	assert.Equal(t, 30525, ae.Code)
	assert.Equal(t, pAdd, ae.Op)
	// Accounts only named in the lists get a result too.
	assert.Equal(t, "bad_id", res[3].UserID)
	assert.Equal(t, relation.CodeInvalidAccount, res[3].ResultCode)
	assert.Equal(t, "ghost_1", res[4].UserID)
	assert.Equal(t, relation.CodeUnreported, res[4].ResultCode)
	assert.Len(t, res.Failed(), 4)
	r, ok := res.Get("patient_8")
	assert.True(t, ok)
	assert.Equal(t, relation.CodePending, r.ResultCode)

	// Defaults: no AddType, no ForceAddFlags.
	_, err = svc.AddFriends(context.Background(), "doctor_1", []relation.AddFriend{{UserID: "patient_7", AddSource: "AddSource_Type_Web"}}, relation.AddOptions{})
	require.NoError(t, err)
	golden(t, srv, pAdd, "friend_add_minimal")
}

func TestAddFriendsSplitsAndReportsTheFailedBatch(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	calls := 0
	srv.Handle(pAdd, func(r testkit.Request) any {
		calls++
		var req struct {
			AddFriendItem []struct {
				ToAccount string `json:"To_Account"`
			} `json:"AddFriendItem"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.AddFriendItem), relation.MaxAddPerCall)
		if calls == 3 {
			return testkit.Fail(70107, "account not imported")
		}
		var accs []string
		for _, it := range req.AddFriendItem {
			accs = append(accs, it.ToAccount)
		}
		return testkit.With(map[string]any{"ResultItem": okItems(accs)})
	})
	var friends []relation.AddFriend
	for _, id := range ids("p", 250) {
		friends = append(friends, relation.AddFriend{UserID: id, AddSource: "AddSource_Type_Bulk"})
	}
	res, err := svc.AddFriends(context.Background(), "doctor_1", friends, relation.AddOptions{})
	require.Error(t, err)
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.Contains(t, err.Error(), "friends 200..249 of 250")
	assert.Len(t, res, 200, "results of the calls before the failure are kept")
	assert.Len(t, srv.Calls(pAdd), 3)
}

func TestImportFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pImport, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": okItems([]string{"patient_7", "patient_8"}), "Fail_Account": []string{}})
	})
	added := time.Unix(1420000001, 0)
	res, err := svc.ImportFriends(context.Background(), "doctor_1", []relation.ImportFriend{
		{UserID: "patient_7", AddSource: "AddSource_Type_Legacy", Remark: "李雷", RemarkTime: added, Groups: []string{"患者", "复诊"},
			AddWording: "hi", AddTime: added, Custom: []relation.Item{relation.SetCustom("Level", relation.Int(3)), relation.SetCustom("Note", relation.String("x"))}},
		{UserID: "patient_8", AddSource: "AddSource_Type_Legacy"},
	})
	require.NoError(t, err)
	golden(t, srv, pImport, "friend_import")
	assert.True(t, res.OK())
	assert.Len(t, res, 2)
}

func TestUpdateFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pUpdate, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": []map[string]any{
			{"To_Account": "patient_7", "ResultCode": 0},
			{"To_Account": "patient_8", "ResultCode": 30001, "ResultInfo": "Err_SNS_FriendUpdate_Friend_Not_Exist"},
		}})
	})
	res, err := svc.UpdateFriends(context.Background(), "doctor_1", []relation.FriendUpdate{
		{UserID: "patient_7", Items: []relation.Item{relation.SetRemark("李雷 (复诊)"), relation.SetGroups("患者", "VIP"), relation.SetCustom("Level", relation.Int(4))}},
		{UserID: "patient_8", Items: []relation.Item{relation.SetGroups()}},
	})
	require.NoError(t, err)
	golden(t, srv, pUpdate, "friend_update")
	require.Len(t, res.Failed(), 1)
	assert.Equal(t, "patient_8", res.Failed()[0].UserID)
}

func TestDeleteFriendsSplitsBy1000(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pDelete, func(r testkit.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		return testkit.With(map[string]any{"ResultItem": okItems(req.ToAccount)})
	})
	list := append(ids("p", 2100), "p0000") // the repeat is sent once
	res, err := svc.DeleteFriends(context.Background(), "doctor_1", list, relation.DeleteBoth)
	require.NoError(t, err)
	assert.Len(t, res, 2100)
	calls := srv.Calls(pDelete)
	require.Len(t, calls, 3)
	_, err = svc.DeleteFriends(context.Background(), "doctor_1", []string{"patient_7", "patient_8"}, relation.DeleteSingle)
	require.NoError(t, err)
	golden(t, srv, pDelete, "friend_delete")
}

func TestDeleteAllFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	require.NoError(t, svc.DeleteAllFriends(context.Background(), "doctor_1", relation.DeleteBoth))
	golden(t, srv, pDeleteAll, "friend_delete_all")
	require.NoError(t, svc.DeleteAllFriends(context.Background(), "doctor_1", ""))
	golden(t, srv, pDeleteAll, "friend_delete_all_default")

	srv.Handle(pDeleteAll, func(testkit.Request) any { return testkit.Fail(30003, "Err_Sns_Invalid_Account") })
	err := svc.DeleteAllFriends(context.Background(), "ghost", "")
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 30003, ae.Code)
}

func TestCheckFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pCheck, func(r testkit.Request) any {
		var req struct {
			ToAccount []string `json:"To_Account"`
		}
		r.Decode(t, &req)
		assert.LessOrEqual(t, len(req.ToAccount), relation.MaxCheckPerCall)
		items := []map[string]any{}
		for i, a := range req.ToAccount {
			rel := []string{"CheckResult_Type_BothWay", "CheckResult_Type_AWithB", "CheckResult_Type_BWithA", "CheckResult_Type_NoRelation"}[i%4]
			it := map[string]any{"To_Account": a, "Relation": rel, "ResultCode": 0, "ResultInfo": ""}
			if a == "p0004" {
				it["ResultCode"], it["ResultInfo"] = 30006, "Err_SNS_FriendCheck_Check_Relation_Exec_Task_Fail"
			}
			items = append(items, it)
		}
		return testkit.With(map[string]any{"InfoItem": items, "Fail_Account": []string{"p0004"}})
	})
	res, err := svc.CheckFriends(context.Background(), "doctor_1", ids("p", 150), relation.CheckBoth)
	require.NoError(t, err)
	require.Len(t, res, 150)
	require.Len(t, srv.Calls(pCheck), 2)
	testkit.AssertGolden(t, "testdata/golden/friend_check.json", srv.Calls(pCheck)[1].Body)
	assert.Equal(t, relation.RelationBoth, res[0].Relation)
	assert.Equal(t, relation.RelationAWithB, res[1].Relation)
	assert.Equal(t, relation.RelationBWithA, res[2].Relation)
	assert.Equal(t, relation.RelationNone, res[3].Relation)
	assert.Equal(t, 30006, res[4].ResultCode)
}

func TestFriendsIteratesPages(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGet, func(r testkit.Request) any {
		var req struct {
			StartIndex       int   `json:"StartIndex"`
			StandardSequence int64 `json:"StandardSequence"`
			CustomSequence   int64 `json:"CustomSequence"`
		}
		r.Decode(t, &req)
		pages := map[int]map[string]any{
			0: {"UserDataItem": []map[string]any{
				{"To_Account": "patient_1", "ValueItem": []map[string]any{
					{"Tag": "Tag_SNS_IM_AddSource", "Value": "AddSource_Type_Android"},
					{"Tag": "Tag_SNS_IM_Remark", "Value": "李雷"},
					{"Tag": "Tag_SNS_IM_Group", "Value": []string{"患者", "VIP"}},
					{"Tag": "Tag_SNS_IM_AddTime", "Value": 1563867420},
					{"Tag": "Tag_SNS_IM_AddWording", "Value": "hi"},
					{"Tag": "Tag_SNS_Custom_Level", "Value": "7"},
				}},
				{"To_Account": "patient_2", "ValueItem": []map[string]any{{"Tag": "Tag_SNS_IM_AddTime", "Value": "1563867425"}}},
			}, "StandardSequence": 88, "CustomSequence": 3, "FriendNum": 3, "CompleteFlag": 0, "NextStartIndex": 2},
			2: {"UserDataItem": []map[string]any{{"To_Account": "patient_3"}},
				"StandardSequence": 88, "CustomSequence": 3, "FriendNum": 3, "CompleteFlag": 1, "NextStartIndex": 0},
		}
		return testkit.With(pages[req.StartIndex])
	})
	var got []relation.Friend
	for f, err := range svc.Friends(context.Background(), "doctor_1") {
		require.NoError(t, err)
		got = append(got, f)
	}
	require.Len(t, got, 3)
	require.Len(t, srv.Calls(pGet), 2)
	testkit.AssertGolden(t, "testdata/golden/friend_get.json", srv.Calls(pGet)[0].Body)
	// Every page asks for all fields (zero sequences).
	testkit.AssertGolden(t, "testdata/golden/friend_get_page2.json", srv.Calls(pGet)[1].Body)
	f := got[0]
	assert.Equal(t, "李雷", f.Items.Remark())
	assert.Equal(t, []string{"患者", "VIP"}, f.Items.Groups())
	assert.Equal(t, "AddSource_Type_Android", f.Items.AddSource())
	assert.Equal(t, "hi", f.Items.AddWording())
	assert.Equal(t, time.Unix(1563867420, 0), f.Items.AddTime())
	lvl, ok := f.Items.Get("Tag_SNS_Custom_Level")
	require.True(t, ok)
	n, ok := lvl.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(7), n)
	assert.Equal(t, time.Unix(1563867425, 0), got[1].Items.AddTime())
	assert.True(t, got[2].Items.AddTime().IsZero())

	p, err := svc.FriendsPage(context.Background(), "doctor_1", 0, relation.Sequences{Standard: 88, Custom: 3})
	require.NoError(t, err)
	assert.Equal(t, relation.Sequences{Standard: 88, Custom: 3}, p.Sequences)
	assert.Equal(t, 3, p.Total)
	assert.Equal(t, 2, p.NextStartIndex)
	assert.False(t, p.Done)
}

func TestFriendsStopsOnAStuckCursor(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGet, func(r testkit.Request) any {
		return testkit.With(map[string]any{"UserDataItem": []map[string]any{{"To_Account": "x"}}, "CompleteFlag": 0, "NextStartIndex": 0})
	})
	var err error
	n := 0
	for _, e := range svc.Friends(context.Background(), "doctor_1") {
		if e != nil {
			err = e
			break
		}
		n++
	}
	assert.ErrorIs(t, err, api.ErrCursorStuck)
	assert.ErrorIs(t, err, tim.ErrCursorStuck)
	assert.Contains(t, err.Error(), "relation: friends page 1")
	assert.Equal(t, 1, n)
	assert.Len(t, srv.Calls(pGet), 1)
}

// Sequences are uint64 end to end: values above 2^63 and 2^53 go out and
// come back exactly.
func TestFriendsPageSequencesAreUint64(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.HandleRaw(pGet, func(w http.ResponseWriter, r testkit.Request) {
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"UserDataItem":[],
			"StandardSequence":18446744073709551615,"CustomSequence":"9007199254740993","FriendNum":0,"CompleteFlag":1,"NextStartIndex":0}`))
	})
	seq := relation.Sequences{Standard: 1<<63 + 5, Custom: 9007199254740993}
	p, err := svc.FriendsPage(context.Background(), "doctor_1", 0, seq)
	require.NoError(t, err)
	assert.Equal(t, relation.Sequences{Standard: math.MaxUint64, Custom: 9007199254740993}, p.Sequences)
	assert.JSONEq(t, `{"From_Account":"doctor_1","StartIndex":0,"StandardSequence":9223372036854775813,"CustomSequence":9007199254740993}`,
		string(srv.Last(pGet).Body))
}

func TestFriendsNamesTheFailingPage(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGet, func(r testkit.Request) any {
		var req struct {
			StartIndex int `json:"StartIndex"`
		}
		r.Decode(t, &req)
		if req.StartIndex > 0 {
			return testkit.Fail(30003, "Err_Sns_Invalid_Account")
		}
		return testkit.With(map[string]any{"UserDataItem": []map[string]any{{"To_Account": "x"}}, "CompleteFlag": 0, "NextStartIndex": 1})
	})
	friends, errs := testkit.Drain(svc.Friends(context.Background(), "doctor_1"), 0)
	n := len(friends)
	require.Len(t, errs, 1, "the error is yielded once")
	assert.Contains(t, errs[0].Error(), "relation: friends page 2")
	var ae *tim.APIError
	require.ErrorAs(t, errs[0], &ae)
	assert.Equal(t, 30003, ae.Code)
	assert.Equal(t, 1, n)
}

func TestNewServiceRejectsNilDoer(t *testing.T) {
	t.Parallel()
	svc, err := relation.NewService(nil)
	assert.Nil(t, svc)
	require.ErrorIs(t, err, tim.ErrInvalidParameter)
	var ie *api.InvalidInputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "relation.NewService", ie.Field)
}

// Instants go out as Unix seconds; the zero time sends nothing; times in
// other zones are the same second; Tag_SNS_IM_RemarkTime reads back as an
// instant.
func TestImportFriendsTimes(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pImport, func(r testkit.Request) any {
		return testkit.With(map[string]any{"ResultItem": okItems([]string{"a", "b"})})
	})
	cst := time.FixedZone("CST", 8*3600)
	_, err := svc.ImportFriends(context.Background(), "doctor_1", []relation.ImportFriend{
		{UserID: "a", AddSource: "AddSource_Type_X", AddTime: time.Unix(1420000001, 500).In(cst), RemarkTime: time.Unix(1420000002, 0)},
		{UserID: "b", AddSource: "AddSource_Type_X"},
	})
	require.NoError(t, err)
	var req struct {
		AddFriendItem []map[string]any `json:"AddFriendItem"`
	}
	srv.Last(pImport).Decode(t, &req)
	require.Len(t, req.AddFriendItem, 2)
	assert.Equal(t, float64(1420000001), req.AddFriendItem[0]["AddTime"])
	assert.Equal(t, float64(1420000002), req.AddFriendItem[0]["RemarkTime"])
	assert.NotContains(t, req.AddFriendItem[1], "AddTime")
	assert.NotContains(t, req.AddFriendItem[1], "RemarkTime")

	before1970 := time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)
	for _, tc := range []struct {
		field string
		f     relation.ImportFriend
	}{
		{"AddFriendItem[0].AddTime", relation.ImportFriend{UserID: "a", AddSource: "AddSource_Type_X", AddTime: before1970}},
		{"AddFriendItem[0].RemarkTime", relation.ImportFriend{UserID: "a", AddSource: "AddSource_Type_X", RemarkTime: before1970}},
	} {
		_, err := svc.ImportFriends(context.Background(), "doctor_1", []relation.ImportFriend{tc.f})
		var ie *api.InvalidInputError
		require.ErrorAs(t, err, &ie, tc.field)
		assert.Equal(t, tc.field, ie.Field)
	}
	assert.Len(t, srv.Calls(pImport), 1, "no request leaves on invalid input")

	items := relation.Items{
		{Tag: relation.TagRemarkTime, Value: relation.String("1420000002")},
		{Tag: relation.TagAddTime, Value: relation.Int(0)},
	}
	assert.Equal(t, time.Unix(1420000002, 0), items.RemarkTime())
	assert.True(t, items.AddTime().IsZero(), "0 on the wire is the zero time")
}

func TestGetFriendsGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGetList, func(r testkit.Request) any {
		return testkit.With(map[string]any{"InfoItem": []map[string]any{
			{"To_Account": "patient_7", "SnsProfileItem": []map[string]any{
				{"Tag": "Tag_SNS_IM_Remark", "Value": "remark_2"},
				{"Tag": "Tag_SNS_IM_Group", "Value": []string{"group1", "group2"}},
				{"Tag": "Tag_Profile_IM_Nick", "Value": "nick_2"},
			}, "ResultCode": 0, "ResultInfo": ""},
			{"To_Account": "patient_9", "ResultCode": 30001, "ResultInfo": "Err_SNS_FriendGetList_Friend_Not_Exist"},
		}, "Fail_Account": []string{"patient_9"}})
	})
	res, err := svc.GetFriends(context.Background(), "doctor_1", []string{"patient_7", "patient_9"},
		[]string{"Tag_Profile_IM_Nick", relation.TagRemark, relation.TagGroup})
	require.NoError(t, err)
	golden(t, srv, pGetList, "friend_get_list")
	require.Len(t, res, 2)
	nick, _ := res[0].Items.Get("Tag_Profile_IM_Nick")
	s, _ := nick.Str()
	assert.Equal(t, "nick_2", s)
	assert.Equal(t, []string{"group1", "group2"}, res[0].Items.Groups())
	assert.Equal(t, 30001, res[1].ResultCode)
	assert.Error(t, res[1].Err())
}

func TestValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx := context.Background()
	long := "x123456789012345678901234567890123"
	ok := []relation.AddFriend{{UserID: "a", AddSource: "AddSource_Type_X"}}
	tests := []struct {
		name  string
		field string
		call  func() error
	}{
		{"no from", "From_Account", func() error { _, err := svc.AddFriends(ctx, "", ok, relation.AddOptions{}); return err }},
		{"long from", "From_Account", func() error { _, err := svc.AddFriends(ctx, long, ok, relation.AddOptions{}); return err }},
		{"no friends", "AddFriendItem", func() error { _, err := svc.AddFriends(ctx, "a", nil, relation.AddOptions{}); return err }},
		{"bad source", "AddFriendItem[0].AddSource", func() error {
			_, err := svc.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "b", AddSource: "Web"}}, relation.AddOptions{})
			return err
		}},
		{"bare prefix", "AddFriendItem[0].AddSource", func() error {
			_, err := svc.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "b", AddSource: relation.AddSourcePrefix}}, relation.AddOptions{})
			return err
		}},
		{"long remark", "AddFriendItem[0].Remark", func() error {
			_, err := svc.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "b", AddSource: "AddSource_Type_X", Remark: string(make([]byte, 97))}}, relation.AddOptions{})
			return err
		}},
		{"long group", "AddFriendItem[0].GroupName", func() error {
			_, err := svc.AddFriends(ctx, "a", []relation.AddFriend{{UserID: "b", AddSource: "AddSource_Type_X", Group: "一二三四五六七八九十一"}}, relation.AddOptions{})
			return err
		}},
		{"bad add type", "AddType", func() error { _, err := svc.AddFriends(ctx, "a", ok, relation.AddOptions{Type: "both"}); return err }},
		{"import custom tag", "AddFriendItem[0].CustomItem[0].Tag", func() error {
			_, err := svc.ImportFriends(ctx, "a", []relation.ImportFriend{{UserID: "b", AddSource: "AddSource_Type_X", Custom: []relation.Item{{Tag: "Level"}}}})
			return err
		}},
		{"update tag", "UpdateItem[0].SnsItem[0].Tag", func() error {
			_, err := svc.UpdateFriends(ctx, "a", []relation.FriendUpdate{{UserID: "b", Items: []relation.Item{{Tag: relation.TagAddSource, Value: relation.String("x")}}}})
			return err
		}},
		{"update nothing", "UpdateItem[0].SnsItem", func() error {
			_, err := svc.UpdateFriends(ctx, "a", []relation.FriendUpdate{{UserID: "b"}})
			return err
		}},
		{"update remark type", "UpdateItem[0].SnsItem[0].Value", func() error {
			_, err := svc.UpdateFriends(ctx, "a", []relation.FriendUpdate{{UserID: "b", Items: []relation.Item{{Tag: relation.TagRemark, Value: relation.Strings("x")}}}})
			return err
		}},
		{"delete type", "DeleteType", func() error { _, err := svc.DeleteFriends(ctx, "a", []string{"b"}, ""); return err }},
		{"delete all type", "DeleteType", func() error { return svc.DeleteAllFriends(ctx, "a", "x") }},
		{"delete id", "To_Account[1]", func() error {
			_, err := svc.DeleteFriends(ctx, "a", []string{"b", ""}, relation.DeleteBoth)
			return err
		}},
		{"check type", "CheckType", func() error { _, err := svc.CheckFriends(ctx, "a", []string{"b"}, ""); return err }},
		{"tags", "TagList", func() error { _, err := svc.GetFriends(ctx, "a", []string{"b"}, nil); return err }},
		{"start index", "StartIndex", func() error { _, err := svc.FriendsPage(ctx, "a", -1, relation.Sequences{}); return err }},
		{"black page size", "MaxLimited", func() error { _, err := svc.BlacklistPage(ctx, "a", 0, -1, 0); return err }},
		{"black check type", "CheckType", func() error { _, err := svc.CheckBlacklist(ctx, "a", []string{"b"}, ""); return err }},
		{"group name", "GroupName[0]", func() error { _, err := svc.AddFriendGroups(ctx, "a", []string{""}, nil); return err }},
		{"group members", "To_Account", func() error { _, err := svc.AddFriendGroups(ctx, "a", []string{"g"}, ids("p", 1001)); return err }},
		{"no group names", "GroupName", func() error { _, err := svc.DeleteFriendGroups(ctx, "a", nil); return err }},
		{"follow type", "FollowType", func() error { _, err := svc.FollowPage(ctx, "a", 0, "", 0); return err }},
		{"follow size", "WantNum", func() error { _, err := svc.FollowPage(ctx, "a", relation.Followers, "", 1001); return err }},
		{"follow ids", "FollowItem", func() error { _, err := svc.Follow(ctx, "a", nil); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			var ie interface{ Error() string }
			require.True(t, errors.As(err, &ie))
			assert.Contains(t, err.Error(), "invalid "+tc.field+":")
		})
	}
	assert.Empty(t, srv.Requests(), "no request leaves on invalid input")
}

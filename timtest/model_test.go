package timtest_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/timtest"
)

// obj is a decoded JSON object.
type obj = map[string]any

// call posts body to path and decodes the successful answer.
func call(t *testing.T, c *tim.Client, path string, body any) obj {
	t.Helper()
	var out obj
	require.NoError(t, c.Do(ctxT(t), ep(path), body, &out), "%s", path)
	return out
}

// callCode posts body to path and returns the answer's error code.
func callCode(t *testing.T, c *tim.Client, path string, body any) int {
	t.Helper()
	return codeOf(c.Do(ctxT(t), ep(path), body, nil))
}

// list returns ans[key] as a list of objects.
func list(t *testing.T, ans obj, key string) []obj {
	t.Helper()
	raw, ok := ans[key].([]any)
	require.True(t, ok, "%s is not a list in %v", key, ans)
	out := make([]obj, len(raw))
	for i, r := range raw {
		out[i] = r.(obj)
	}
	return out
}

func textBody(s string) []obj {
	return []obj{{"MsgType": "TIMTextElem", "MsgContent": obj{"Text": s}}}
}

func TestPushTagsAttributesAndRecipients(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "p1", "p2", "p3")

	call(t, c, "all_member_push/im_set_attr_name", obj{"AttrNames": obj{"0": "sex", "1": "city"}})
	assert.Equal(t, obj{"0": "sex", "1": "city"}, call(t, c, "all_member_push/im_get_attr_name", obj{})["AttrNames"])
	assert.Equal(t, 90001, callCode(t, c, "all_member_push/im_set_attr", obj{"UserAttrs": []obj{{"To_Account": "p1", "Attrs": obj{"age": "9"}}}}),
		"an attribute without a name is refused")
	call(t, c, "all_member_push/im_set_attr", obj{"UserAttrs": []obj{{"To_Account": "p1", "Attrs": obj{"city": "Shenzhen"}},
		{"To_Account": "p2", "Attrs": obj{"city": "Beijing", "sex": "F"}}}})
	call(t, c, "all_member_push/im_remove_attr", obj{"UserAttrs": []obj{{"To_Account": "p2", "Attrs": []string{"sex"}}}})
	got := list(t, call(t, c, "all_member_push/im_get_attr", obj{"To_Account": []string{"p2", "p3"}}), "UserAttrs")
	assert.Equal(t, []obj{{"To_Account": "p2", "Attrs": obj{"city": "Beijing"}}, {"To_Account": "p3", "Attrs": obj{}}}, got)

	call(t, c, "all_member_push/im_add_tag", obj{"UserTags": []obj{{"To_Account": "p1", "Tags": []string{"a", "b"}},
		{"To_Account": "p3", "Tags": []string{"b"}}}})
	call(t, c, "all_member_push/im_remove_tag", obj{"UserTags": []obj{{"To_Account": "p1", "Tags": []string{"a"}}}})
	tags := list(t, call(t, c, "all_member_push/im_get_tag", obj{"To_Account": []string{"p1", "p2"}}), "UserTags")
	assert.Equal(t, []obj{{"To_Account": "p1", "Tags": []any{"b"}}, {"To_Account": "p2", "Tags": []any{}}}, tags)
	assert.Equal(t, 90020, callCode(t, c, "all_member_push/im_add_tag", obj{"UserTags": []obj{{"To_Account": "p1", "Tags": []string{strings.Repeat("t", 51)}}}}))
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("u", i)
	}
	assert.Equal(t, 90018, callCode(t, c, "all_member_push/im_get_tag", obj{"To_Account": many}))

	push := func(random int, cond obj) string {
		req := obj{"MsgRandom": random, "MsgBody": textBody("hi")}
		if cond != nil {
			req["Condition"] = cond
		}
		id, _ := call(t, c, "all_member_push/im_push", req)["TaskId"].(string)
		require.NotEmpty(t, id)
		return id
	}
	all := push(1, nil)
	byTag := push(2, obj{"TagsAnd": []string{"b"}})
	byAttr := push(3, obj{"AttrsAnd": obj{"city": "Beijing"}})
	assert.Equal(t, all, push(1, nil), "the same MsgRandom within 7 days is the same task")
	assert.Equal(t, 90001, callCode(t, c, "all_member_push/im_push", obj{"MsgRandom": 4, "MsgBody": textBody("x"),
		"Condition": obj{"TagsOr": []string{"a"}, "AttrsOr": obj{"city": "x"}}}), "tags and attributes do not mix")
	pushes := srv.Pushes()
	require.Len(t, pushes, 3)
	assert.Equal(t, []string{all, byTag, byAttr}, []string{pushes[0].TaskID, pushes[1].TaskID, pushes[2].TaskID})
	assert.Equal(t, []string{"p1", "p2", "p3"}, pushes[0].Recipients, "admins are not recipients")
	assert.Equal(t, []string{"p1", "p3"}, pushes[1].Recipients)
	assert.Equal(t, []string{"p2"}, pushes[2].Recipients)

	call(t, c, "all_member_push/im_remove_all_tags", obj{"To_Account": []string{"p1"}})
	assert.Empty(t, srv.UserTags("p1"))
	assert.Equal(t, map[string]string{"city": "Shenzhen"}, srv.UserAttrs("p1"))
}

func TestGroupAttributesAndCounters(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g"})
	attrs := func() []obj {
		return list(t, call(t, c, "group_open_attr_http_svc/get_group_attr", obj{"GroupId": gid}), "GroupAttrAry")
	}

	call(t, c, "group_open_http_svc/modify_group_attr", obj{"GroupId": gid, "GroupAttr": []obj{{"key": "a", "value": "1"}, {"key": "b", "value": "2"}}})
	call(t, c, "group_open_http_svc/modify_group_attr", obj{"GroupId": gid, "GroupAttr": []obj{{"key": "b", "value": "3"}}})
	assert.Equal(t, []obj{{"key": "a", "value": "1"}, {"key": "b", "value": "3"}}, attrs(), "modify merges")
	call(t, c, "group_open_http_svc/set_group_attr", obj{"GroupId": gid, "GroupAttr": []obj{{"key": "c", "value": "4"}}})
	assert.Equal(t, []obj{{"key": "c", "value": "4"}}, attrs(), "set replaces")
	seventeen := make([]obj, 17)
	for i := range seventeen {
		seventeen[i] = obj{"key": fmt.Sprint("k", i), "value": "v"}
	}
	assert.Equal(t, 10047, callCode(t, c, "group_open_http_svc/set_group_attr", obj{"GroupId": gid, "GroupAttr": seventeen}))
	assert.Equal(t, 10045, callCode(t, c, "group_open_http_svc/set_group_attr", obj{"GroupId": gid,
		"GroupAttr": []obj{{"key": strings.Repeat("k", 33), "value": "v"}}}))
	big := make([]obj, 5)
	for i := range big {
		big[i] = obj{"key": fmt.Sprint("b", i), "value": strings.Repeat("v", 3500)}
	}
	assert.Equal(t, 10048, callCode(t, c, "group_open_http_svc/set_group_attr", obj{"GroupId": gid, "GroupAttr": big}))
	call(t, c, "group_open_http_svc/clear_group_attr", obj{"GroupId": gid})
	assert.Empty(t, attrs())

	upd := func(mode string, kv ...obj) []obj {
		return list(t, call(t, c, "group_open_http_svc/update_group_counter", obj{"GroupId": gid, "Mode": mode, "GroupCounter": kv}), "GroupCounter")
	}
	assert.Equal(t, []obj{{"Key": "like", "Value": json.Number("5")}}, numbers(upd("Set", obj{"Key": "like", "Value": 5})))
	assert.Equal(t, []obj{{"Key": "like", "Value": json.Number("7")}}, numbers(upd("Increase", obj{"Key": "like", "Value": 2})))
	upd("Decrease", obj{"Key": "unlike", "Value": 1})
	got := list(t, call(t, c, "group_open_http_svc/get_group_counter", obj{"GroupId": gid}), "GroupCounter")
	assert.Equal(t, []obj{{"Key": "like", "Value": json.Number("7")}, {"Key": "unlike", "Value": json.Number("-1")}}, numbers(got))
	call(t, c, "group_open_http_svc/delete_group_counter", obj{"GroupId": gid, "GroupCounterKeys": []string{"like"}})
	got = list(t, call(t, c, "group_open_http_svc/get_group_counter", obj{"GroupId": gid, "GroupCounterKeys": []string{"like", "unlike"}}), "GroupCounter")
	assert.Len(t, got, 1)
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/update_group_counter", obj{"GroupId": gid, "Mode": "Double",
		"GroupCounter": []obj{{"Key": "x", "Value": 1}}}))
	community := createGroup(t, c, obj{"Type": "Community", "Name": "c"})
	assert.Equal(t, 10007, callCode(t, c, "group_open_http_svc/get_group_counter", obj{"GroupId": community}), "Community groups have no counters")
}

// numbers re-decodes float64 values as json.Number for comparison.
func numbers(in []obj) []obj {
	for _, o := range in {
		for k, v := range o {
			if f, ok := v.(float64); ok {
				o[k] = json.Number(fmt.Sprint(f))
			}
		}
	}
	return in
}

func TestLiveGroupBansMarksAndAdmins(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "v1", "v2", "v3")
	call(t, c, "profile/portrait_set", obj{"From_Account": "v1", "ProfileItem": []obj{{"Tag": "Tag_Profile_IM_Nick", "Value": "Vee"},
		{"Tag": "Tag_Profile_IM_Image", "Value": "https://x/v1.png"}}})
	live := createGroup(t, c, obj{"Type": "AVChatRoom", "Name": "live"})
	work := createGroup(t, c, obj{"Type": "Private", "Name": "w"})
	for _, u := range []string{"v1", "v2", "v3"} {
		require.NoError(t, srv.JoinLive(live, u))
	}
	assert.Equal(t, json.Number("3"), jsonNum(call(t, c, "group_open_http_svc/get_online_member_num", obj{"GroupId": live})["OnlineMemberNum"]))
	members := list(t, call(t, c, "group_open_avchatroom_http_svc/get_members", obj{"GroupId": live, "Timestamp": 0}), "MemberList")
	require.Len(t, members, 3)
	assert.Equal(t, "Vee", members[0]["NickName"])
	assert.Equal(t, "https://x/v1.png", members[0]["Avatar"])

	ans := call(t, c, "group_open_avchatroom_http_svc/modify_user_info", obj{"GroupId": live, "CommandType": 1,
		"MemberList": []obj{{"Member_Account": "v2", "Marks": []int{1000}}}})
	assert.Equal(t, float64(1), ans["CommandType"])
	marked := list(t, call(t, c, "group_open_avchatroom_http_svc/get_members", obj{"GroupId": live, "Mark": 1000}), "MemberList")
	require.Len(t, marked, 1)
	assert.Equal(t, "v2", marked[0]["Member_Account"])
	assert.Equal(t, []any{float64(1000)}, marked[0]["Marks"])

	call(t, c, "group_open_http_svc/ban_group_member", obj{"GroupId": live, "Members_Account": []string{"v3"}, "Duration": 60})
	until, banned := srv.Banned(live, "v3")
	assert.True(t, banned)
	assert.Equal(t, srv.Now().Add(time.Minute).Unix(), until.Unix())
	assert.Error(t, srv.JoinLive(live, "v3"), "a banned user cannot rejoin")
	bans := list(t, call(t, c, "group_open_http_svc/get_group_ban_member", obj{"GroupId": live}), "BannedAccountList")
	require.Len(t, bans, 1)
	assert.Equal(t, "v3", bans[0]["Member_Account"])
	in := call(t, c, "group_open_avchatroom_http_svc/check_members", obj{"GroupId": live, "Member_Account": []string{"v1", "v3"}})
	assert.Equal(t, []any{"v1"}, in["Member_Account"], "the ban removed v3")
	call(t, c, "group_open_http_svc/unban_group_member", obj{"GroupId": live, "Members_Account": []string{"v3"}})
	_, banned = srv.Banned(live, "v3")
	assert.False(t, banned)
	assert.Equal(t, 10007, callCode(t, c, "group_open_http_svc/ban_group_member", obj{"GroupId": work, "Members_Account": []string{"v1"}, "Duration": 60}),
		"bans are for live groups only")

	call(t, c, "group_open_avchatroom_http_svc/modify_admin", obj{"GroupId": live, "CommandType": 1, "Admin_Account": []string{"v1", "v2"}})
	call(t, c, "group_open_avchatroom_http_svc/modify_admin", obj{"GroupId": live, "CommandType": 2, "Admin_Account": []string{"v2"}})
	admins := list(t, call(t, c, "group_open_avchatroom_http_svc/get_admin_list", obj{"GroupId": live}), "Admin_List")
	assert.Equal(t, []obj{{"Admin_Account": "v1", "NickName": "Vee", "Avatar": "https://x/v1.png"}}, admins)
	assert.Equal(t, 10005, callCode(t, c, "group_open_avchatroom_http_svc/modify_admin", obj{"GroupId": live, "CommandType": 1,
		"Admin_Account": []string{"a", "b", "c", "d", "e", "f"}}))
}

func jsonNum(v any) json.Number { return json.Number(fmt.Sprint(v)) }

// TestReceiptDetailPagesEnd: the detail pages end with IsFinish 1 and
// Cursor "0", as Tencent documents (the SDK once read IsFinished).
func TestReceiptDetailPagesEnd(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	users := []string{"r0", "r1", "r2", "r3", "r4"}
	importUsers(t, c, users...)
	members := []obj{}
	for _, u := range users[1:] {
		members = append(members, obj{"Member_Account": u})
	}
	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g", "Owner_Account": "r0", "MemberList": members})
	call(t, c, "group_open_http_svc/send_group_msg", obj{"GroupId": gid, "Random": 1, "From_Account": "r0", "MsgBody": textBody("read me")})
	call(t, c, "group_open_http_svc/group_msg_receipt", obj{"GroupId": gid, "From_Account": "r1", "MsgSeqList": []obj{{"MsgSeq": 1}}})
	call(t, c, "group_open_http_svc/group_msg_receipt", obj{"GroupId": gid, "From_Account": "r2", "MsgSeqList": []obj{{"MsgSeq": 1}}})

	rec := list(t, call(t, c, "group_open_http_svc/get_group_msg_receipt", obj{"GroupId": gid, "MsgSeqList": []obj{{"MsgSeq": 1}, {"MsgSeq": 9}}}),
		"GroupMsgReceiptList")
	assert.Equal(t, []obj{{"Code": float64(0), "MsgSeq": float64(1), "ReadNum": float64(2), "UnreadNum": float64(2)},
		{"Code": float64(10030), "MsgSeq": float64(9), "ReadNum": float64(0), "UnreadNum": float64(0)}}, rec)

	var unread []string
	cursor := ""
	for range 5 {
		ans := call(t, c, "group_open_http_svc/get_group_msg_receipt_detail", obj{"GroupId": gid, "MsgSeq": 1, "Filter": 1, "Cursor": cursor, "Count": 1})
		for _, u := range list(t, ans, "UnreadList") {
			unread = append(unread, u["Unread_Account"].(string))
		}
		assert.NotContains(t, ans, "IsFinished")
		if ans["IsFinish"] == float64(1) {
			assert.Equal(t, "0", ans["Cursor"])
			break
		}
		cursor = ans["Cursor"].(string)
	}
	assert.Equal(t, []string{"r3", "r4"}, unread)
	read := call(t, c, "group_open_http_svc/get_group_msg_receipt_detail", obj{"GroupId": gid, "MsgSeq": 1, "Filter": 0})
	assert.Len(t, list(t, read, "ReadList"), 2)
	assert.Equal(t, float64(1), read["IsFinish"])
}

// TestExtensionDeleteCarriesSeq: deleting an extension is versioned like a
// set (the delete answers the new Seq), and a stale Seq answers 23001 with
// the stored value.
func TestExtensionDeleteCarriesSeq(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "e1", "e2")
	sent := send(t, c, "e1", "e2", "hello", 5)
	ref := obj{"From_Account": "e1", "To_Account": "e2", "MsgKey": sent.MsgKey}
	with := func(extra obj) obj {
		out := obj{}
		for k, v := range ref {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	res := list(t, call(t, c, "openim_msg_ext_http_svc/set_key_values", with(obj{"OperateType": 1,
		"ExtensionList": []obj{{"Key": "k1", "Value": "v1", "Seq": 0}, {"Key": "k2", "Value": "v2", "Seq": 0}}})), "ExtensionList")
	assert.Equal(t, []obj{{"ErrorCode": float64(0), "Extension": obj{"Key": "k1", "Value": "v1", "Seq": float64(1)}},
		{"ErrorCode": float64(0), "Extension": obj{"Key": "k2", "Value": "v2", "Seq": float64(1)}}}, res)
	res = list(t, call(t, c, "openim_msg_ext_http_svc/set_key_values", with(obj{"OperateType": 1,
		"ExtensionList": []obj{{"Key": "k1", "Value": "stale", "Seq": 0}}})), "ExtensionList")
	assert.Equal(t, []obj{{"ErrorCode": float64(23001), "Extension": obj{"Key": "k1", "Value": "v1", "Seq": float64(1)}}}, res)
	res = list(t, call(t, c, "openim_msg_ext_http_svc/set_key_values", with(obj{"OperateType": 2,
		"ExtensionList": []obj{{"Key": "k2", "Seq": 1}}})), "ExtensionList")
	assert.Equal(t, []obj{{"ErrorCode": float64(0), "Extension": obj{"Key": "k2", "Value": "", "Seq": float64(2)}}}, res)
	assert.Equal(t, map[string]string{"k1": "v1"}, srv.Extensions("e1", "e2", sent.MsgKey))
	page := call(t, c, "openim_msg_ext_http_svc/get_key_values", with(obj{"StartSeq": 1}))
	assert.Equal(t, float64(2), page["LatestSeq"])
	assert.Equal(t, float64(1), page["CompleteFlag"])
	call(t, c, "openim_msg_ext_http_svc/set_key_values", with(obj{"OperateType": 3}))
	page = call(t, c, "openim_msg_ext_http_svc/get_key_values", with(obj{}))
	assert.Equal(t, float64(3), page["ClearSeq"])
	assert.Empty(t, page["ExtensionList"])
	assert.Equal(t, 23004, callCode(t, c, "openim_msg_ext_http_svc/get_key_values", obj{"From_Account": "e1", "To_Account": "e2", "MsgKey": "1_2_3"}))

	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g", "Owner_Account": "e1"})
	call(t, c, "group_open_http_svc/send_group_msg", obj{"GroupId": gid, "Random": 1, "MsgBody": textBody("x")})
	call(t, c, "openim_msg_ext_http_svc/group_set_key_values", obj{"GroupId": gid, "MsgSeq": 1, "OperateType": 1,
		"ExtensionList": []obj{{"Key": "g", "Value": "1", "Seq": 0}}})
	assert.Equal(t, map[string]string{"g": "1"}, srv.GroupExtensions(gid, 1))
	gres := list(t, call(t, c, "openim_msg_ext_http_svc/group_set_key_values", obj{"GroupId": gid, "MsgSeq": 1, "OperateType": 2,
		"ExtensionList": []obj{{"Key": "g", "Seq": 1}}}), "ExtensionList")
	assert.Equal(t, float64(2), gres[0]["Extension"].(obj)["Seq"])
	assert.Equal(t, 23004, callCode(t, c, "openim_msg_ext_http_svc/group_get_key_values", obj{"GroupId": gid, "MsgSeq": 7}))
}

func TestTopicsOfACommunity(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "t1")
	plain := createGroup(t, c, obj{"Type": "Community", "Name": "no topics"})
	assert.Equal(t, 10007, callCode(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": plain, "TopicName": "x"}))
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "SupportTopic": 1, "Owner_Account": "t1"})
	auto, _ := call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicName": "A"})["TopicId"].(string)
	assert.True(t, strings.HasPrefix(auto, gid+"@TOPIC#_@TOPIC#"), auto)
	named := gid + "@TOPIC#_news"
	assert.Equal(t, named, call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicId": named, "TopicName": "News"})["TopicId"])
	assert.Equal(t, 10004, callCode(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicId": "elsewhere", "TopicName": "x"}))
	imported, _ := call(t, c, "group_open_http_svc/import_topic", obj{"GroupId": gid, "TopicName": "Old", "CreateTime": 1448357837})["TopicId"].(string)
	call(t, c, "million_group_open_http_svc/modify_topic", obj{"GroupId": gid, "TopicId": named, "Notification": "n", "MuteAllMember": "On"})

	infos := list(t, call(t, c, "million_group_open_http_svc/get_topic", obj{"GroupId": gid, "From_Account": "t1"}), "TopicAndSelfInfo")
	require.Len(t, infos, 3)
	ti := infos[1]["TopicInfo"].(obj)
	assert.Equal(t, gid, ti["GroupID"], "TopicInfo spells GroupID")
	assert.Equal(t, "News", ti["TopicName"])
	assert.Equal(t, "n", ti["Notification"])
	assert.Equal(t, "On", ti["MuteAllMember"])
	assert.Equal(t, float64(1448357837), infos[2]["TopicInfo"].(obj)["CreateTime"])
	assert.Equal(t, "AcceptAndNotify", infos[0]["SelfInfo"].(obj)["MsgFlag"])
	filtered := list(t, call(t, c, "million_group_open_http_svc/get_topic", obj{"GroupId": gid, "TopicIdList": []string{auto},
		"ResponseFilter": []string{"TopicName"}}), "TopicAndSelfInfo")
	assert.Equal(t, obj{"GroupID": gid, "TopicId": auto, "TopicName": "A"}, filtered[0]["TopicInfo"])

	res := list(t, call(t, c, "million_group_open_http_svc/destroy_topic", obj{"GroupId": gid, "TopicIdList": []string{auto, "nope"}}), "DestroyResultItem")
	assert.Equal(t, float64(0), res[0]["ErrorCode"])
	assert.Equal(t, float64(10010), res[1]["ErrorCode"])
	assert.Equal(t, []string{named, imported}, srv.Topics(gid))
}

// TestImportCommunityGroupWithTopics: import_group takes SupportTopic
// (the SDK once could not send it), members and messages follow.
func TestImportCommunityGroupWithTopics(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "o", "m1", "m2")
	gid, _ := call(t, c, "group_open_http_svc/import_group", obj{"Type": "Community", "Name": "old", "SupportTopic": 1,
		"Owner_Account": "o", "CreateTime": 1448357837})["GroupId"].(string)
	require.True(t, strings.HasPrefix(gid, "@TGS#_"), gid)
	g, ok := srv.Group(gid)
	require.True(t, ok)
	assert.Equal(t, int64(1448357837), g.CreateTime)
	call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicName": "works"})
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/import_group", obj{"Type": "Public", "Name": "x", "SupportTopic": 1}))
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/import_group", obj{"Type": "AVChatRoom", "Name": "x"}))

	res := list(t, call(t, c, "group_open_http_svc/import_group_member", obj{"GroupId": gid, "MemberList": []obj{
		{"Member_Account": "m1", "Role": "Admin", "JoinTime": 1448357857, "UnreadMsgNum": 5}, {"Member_Account": "o"}, {"Member_Account": "ghost"}}}),
		"MemberList")
	assert.Equal(t, []any{float64(1), float64(2), float64(0)}, []any{res[0]["Result"], res[1]["Result"], res[2]["Result"]})
	assert.Equal(t, 5, srv.GroupUnread(gid, "m1"))
	call(t, c, "group_open_http_svc/set_unread_msg_num", obj{"GroupId": gid, "Member_Account": "m1", "UnreadMsgNum": 2})
	assert.Equal(t, 2, srv.GroupUnread(gid, "m1"))

	msgs := list(t, call(t, c, "group_open_http_svc/import_group_msg", obj{"GroupId": gid, "MsgList": []obj{
		{"From_Account": "o", "SendTime": 1620808101, "Random": 1, "MsgBody": textBody("a")},
		{"From_Account": "m1", "SendTime": 1620892821, "MsgBody": textBody("b")}}}), "ImportMsgResult")
	assert.Equal(t, []obj{{"MsgSeq": float64(1), "MsgTime": float64(1620808101), "Result": float64(0)},
		{"MsgSeq": float64(2), "MsgTime": float64(1620892821), "Result": float64(0)}}, msgs)
	joined := list(t, call(t, c, "group_open_http_svc/get_joined_group_list", obj{"Member_Account": "o", "SupportTopic": 1}), "GroupIdList")
	require.Len(t, joined, 1)
	assert.Equal(t, float64(1), joined[0]["SupportTopic"])
	assert.Equal(t, float64(3), joined[0]["GrossTopicNextMsgSeq"])
}

// TestGroupInfoSendsBothMuteNames: get_group_info answers the all-member
// mute under both names Tencent's pages show, and members' MuteUntil.
func TestGroupInfoSendsBothMuteNames(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "a", "b")
	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g", "Owner_Account": "a", "MemberList": []obj{{"Member_Account": "b"}}})
	call(t, c, "group_open_http_svc/modify_group_base_info", obj{"GroupId": gid, "ShutUpAllMember": "On"})
	call(t, c, "group_open_http_svc/forbid_send_msg", obj{"GroupId": gid, "Members_Account": []string{"b"}, "MuteTime": 60})
	info := list(t, call(t, c, "group_open_http_svc/get_group_info", obj{"GroupIdList": []string{gid}}), "GroupInfo")[0]
	assert.Equal(t, "On", info["MuteAllMember"])
	assert.Equal(t, "On", info["ShutUpAllMember"])
	ms := list(t, info, "MemberList")
	assert.Equal(t, float64(srv.Now().Unix()+60), ms[1]["MuteUntil"])
	assert.NotContains(t, ms[1], "ShutUpUntil")

	muted := list(t, call(t, c, "group_open_http_svc/get_group_muted_account", obj{"GroupId": gid}), "MutedAccountList")
	assert.Equal(t, []obj{{"Member_Account": "b", "MutedUntil": float64(srv.Now().Unix() + 60)}}, muted)
	roles := list(t, call(t, c, "group_open_http_svc/get_role_in_group", obj{"GroupId": gid, "User_Account": []string{"a", "b", "z"}}), "UserIdList")
	assert.Equal(t, []any{"Owner", "Member", "NotMember"}, []any{roles[0]["Role"], roles[1]["Role"], roles[2]["Role"]})
	spec := list(t, call(t, c, "group_open_http_svc/get_specified_group_member_info", obj{"GroupId": gid,
		"Member_List_Account": []string{"b", "z"}, "MemberInfoFilter": []string{"Role"}}), "MemberList")
	assert.Equal(t, []obj{{"Member_Account": "b", "Role": "Member"}}, spec)
}

func TestGroupHistoryEdits(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "a", "b")
	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g", "Owner_Account": "a", "MemberList": []obj{{"Member_Account": "b"}}})
	for i, from := range []string{"a", "b", "a", "b"} {
		call(t, c, "group_open_http_svc/send_group_msg", obj{"GroupId": gid, "Random": i, "From_Account": from, "MsgBody": textBody(fmt.Sprint(i))})
	}
	call(t, c, "openim/modify_group_msg", obj{"GroupId": gid, "MsgSeq": 1, "MsgBody": textBody("edited"), "CloudCustomData": "cc"})
	assert.Equal(t, "edited", srv.GroupMessages(gid)[0].Text())
	assert.Equal(t, 10030, callCode(t, c, "openim/modify_group_msg", obj{"GroupId": gid, "MsgSeq": 99, "CloudCustomData": "x"}))
	call(t, c, "group_open_http_svc/delete_group_msg_by_sender", obj{"GroupId": gid, "Sender_Account": "b"})
	assert.Len(t, srv.GroupMessages(gid), 2)
	call(t, c, "group_open_http_svc/clear_group_msg", obj{"GroupId": gid, "MsgSeq": 1})
	left := srv.GroupMessages(gid)
	require.Len(t, left, 1)
	assert.Equal(t, "2", left[0].Text())

	live := createGroup(t, c, obj{"Type": "AVChatRoom", "Name": "live"})
	seq := call(t, c, "group_open_http_svc/send_broadcast_msg", obj{"Random": 1, "MsgBody": textBody("to all")})["MsgSeq"]
	assert.Equal(t, float64(1), seq)
	assert.Equal(t, "to all", srv.GroupMessages(live)[0].Text())
}

func TestC2CReceiptAndOneSidedDelete(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "s", "r")
	m1 := send(t, c, "s", "r", "one", 1)
	m2 := send(t, c, "s", "r", "two", 2)
	call(t, c, "openim/c2c_msg_read_receipt", obj{"Operator_Account": "r", "Peer_Account": "s",
		"C2CMsgInfo": []obj{{"From_Account": "s", "To_Account": "r", "MsgKey": m1.MsgKey}}})
	roam := func(op, peer string) []obj {
		return list(t, call(t, c, "openim/admin_getroammsg", obj{"Operator_Account": op, "Peer_Account": peer, "MaxCnt": 10,
			"MinTime": 0, "MaxTime": srv.Now().Unix() + 1}), "MsgList")
	}
	got := roam("s", "r")
	require.Len(t, got, 2)
	assert.Equal(t, []any{float64(1), float64(0)}, []any{got[0]["IsPeerRead"], got[1]["IsPeerRead"]})
	assert.Equal(t, 20022, callCode(t, c, "openim/c2c_msg_read_receipt", obj{"Operator_Account": "s", "Peer_Account": "r",
		"C2CMsgInfo": []obj{{"From_Account": "s", "To_Account": "r", "MsgKey": m2.MsgKey}}}), "only the recipient reads")

	call(t, c, "openim/delete_c2c_msg_ramble", obj{"Operator_Account": "r", "Peer_Account": "s", "MsgKeyList": []string{m2.MsgKey}})
	assert.Len(t, roam("r", "s"), 1, "deleted from r's side")
	assert.Len(t, roam("s", "r"), 2, "s keeps it")
	assert.Equal(t, 90054, callCode(t, c, "openim/delete_c2c_msg_ramble", obj{"Operator_Account": "r", "Peer_Account": "s", "MsgKeyList": []string{"bad"}}))
}

func TestConversationGroupsAndMarks(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "me", "u1", "u2")
	res := list(t, call(t, c, "recentcontact/create_contact_group", obj{"From_Account": "me", "GroupContactItem": []obj{
		{"GroupName": "work", "ContactItem": []obj{{"Type": 1, "To_Account": "u1"}}}}}), "GroupResultItem")
	assert.Equal(t, obj{"GroupName": "work", "GroupId": float64(1)}, res[0]["GroupItem"])
	call(t, c, "recentcontact/update_contact_group", obj{"From_Account": "me", "UpdateType": 1, "UpdateGroup": obj{
		"UpdateGroupType": 2, "OldGroupName": "work", "ContactUpdateItem": []obj{{"ContactOptType": 1, "ContactItem": obj{"Type": 2, "ToGroupId": "@TGS#1"}}}}})
	ren := call(t, c, "recentcontact/update_contact_group", obj{"From_Account": "me", "UpdateType": 1, "UpdateGroup": obj{
		"UpdateGroupType": 1, "OldGroupName": "work", "NewGroupName": "job"}})
	assert.Equal(t, "job", ren["UpdateGroupResult"].(obj)["GroupName"])
	marks := list(t, call(t, c, "recentcontact/mark_contact", obj{"From_Account": "me", "MarkItem": []obj{
		{"OptType": 3, "ContactItem": obj{"Type": 1, "To_Account": "u2"}, "SetMark": []int{1, 2}, "CustomMark": "vip"}}}), "ResultItem")
	assert.Equal(t, float64(0), marks[0]["ResultCode"])

	all := call(t, c, "recentcontact/get_contact_group", obj{"From_Account": "me", "StartIndex": 0})
	items := list(t, all, "ContactItem")
	require.Len(t, items, 3)
	assert.Equal(t, []any{float64(1)}, items[0]["ContactGroupId"])
	assert.Equal(t, "@TGS#1", items[1]["ToGroupId"])
	assert.Equal(t, "110", items[2]["StandardMark"])
	assert.Equal(t, "vip", items[2]["CustomMark"])
	assert.Equal(t, float64(1), all["CompleteFlag"])
	found := list(t, call(t, c, "recentcontact/search_contact_group", obj{"From_Account": "me", "ContactItem": []obj{{"Type": 1, "To_Account": "u1"}}}),
		"ContactResultItem")
	assert.Equal(t, "u1", found[0]["To_Account"])

	del := list(t, call(t, c, "recentcontact/del_contact_group", obj{"From_Account": "me", "GroupName": []string{"job"}}), "GroupItem")
	assert.Equal(t, "job", del[0]["GroupName"])
	assert.Equal(t, 51009, callCode(t, c, "recentcontact/del_contact_group", obj{"From_Account": "me", "GroupName": []string{"job"}}))
	assert.Equal(t, 51011, callCode(t, c, "recentcontact/create_contact_group", obj{"From_Account": "me", "GroupContactItem": []obj{
		{"GroupName": strings.Repeat("n", 33), "ContactItem": []obj{}}}}))
	assert.Equal(t, 50001, callCode(t, c, "recentcontact/get_contact_group", obj{"From_Account": "ghost", "StartIndex": 0}))
}

func TestOperationsAnswers(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	importUsers(t, c, "x")
	var info struct {
		ActionStatus *string             `json:"ActionStatus"`
		ErrorInfo    string              `json:"ErrorInfo"`
		Result       []map[string]string `json:"Result"`
	}
	require.NoError(t, c.Do(ctxT(t), ep("openconfigsvr/getappinfo"), obj{"RequestField": []string{"ChainIncrease", "RegistUserNumTotal"}}, &info))
	assert.Nil(t, info.ActionStatus, "getappinfo answers no ActionStatus")
	assert.Equal(t, "OK", info.ErrorInfo)
	require.Len(t, info.Result, 3)
	assert.Equal(t, map[string]string{"ChainIncrease": "0", "RegistUserNumTotal": "2", "Date": srv.Now().AddDate(0, 0, -1).Format("20060102")}, info.Result[0])
	assert.Equal(t, 130001, callCode(t, c, "openconfigsvr/getappinfo", obj{"RequestField": []string{"Nope"}}))

	assert.Equal(t, []any{"127.0.0.1", "203.0.113.0/25"}, call(t, c, "ConfigSvc/GetIPList", obj{})["IPList"])
	assert.Equal(t, 60009, callCode(t, c, "ConfigSvc/NoSuch", obj{}))
}

// TestHistoryFilesHoldTheHour: get_history announces a gzip file of the
// hour's messages, served at its URL in Tencent's format, readable by
// operation.ReadHistory; an hour without messages answers 1004.
func TestHistoryFilesHoldTheHour(t *testing.T) {
	t.Parallel()
	beijing := time.FixedZone("UTC+8", 8*3600)
	hour := time.Date(2026, 12, 1, 21, 0, 0, 0, beijing)
	clk := newClock(hour.Add(10 * time.Minute))
	srv := timtest.NewServer(t, timtest.WithClock(clk.Now))
	c := newClient(t, srv, tim.WithClock(clk.Now))
	importUsers(t, c, "h1", "h2")
	send(t, c, "h1", "h2", "in the hour", 1)
	gid := createGroup(t, c, obj{"Type": "Public", "Name": "g", "Owner_Account": "h1"})
	call(t, c, "group_open_http_svc/send_group_msg", obj{"GroupId": gid, "Random": 2, "MsgBody": textBody("group line")})
	clk.Advance(2 * time.Hour)
	send(t, c, "h2", "h1", "later", 3)

	assert.Equal(t, 1004, callCode(t, c, "open_msg_svc/get_history", obj{"ChatType": "C2C", "MsgTime": "2026120123"}), "the current hour is not finished")
	assert.Equal(t, 1004, callCode(t, c, "open_msg_svc/get_history", obj{"ChatType": "C2C", "MsgTime": "2026120120"}), "no message that hour")
	assert.Equal(t, 1002, callCode(t, c, "open_msg_svc/get_history", obj{"ChatType": "Both", "MsgTime": "2026120121"}))
	for _, tc := range []struct{ chat, text string }{{"C2C", "in the hour"}, {"Group", "group line"}} {
		files := list(t, call(t, c, "open_msg_svc/get_history", obj{"ChatType": tc.chat, "MsgTime": "2026120121"}), "File")
		require.Len(t, files, 1)
		res, err := http.Get(files[0]["URL"].(string))
		require.NoError(t, err)
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, float64(len(b)), files[0]["GzipSize"])
		sum := md5.Sum(b)
		assert.Equal(t, hex.EncodeToString(sum[:]), files[0]["GzipMD5"])
		var texts []string
		for rec, err := range operation.ReadHistory(bytes.NewReader(b)) {
			require.NoError(t, err)
			assert.Equal(t, hour, rec.MsgTime.In(beijing))
			texts = append(texts, rec.Body.Text())
		}
		assert.Equal(t, []string{tc.text}, texts)
	}
}

func TestModerationAnswers(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	const img = "https://cos.example.com/a.png"
	call(t, c, "im_cos_msg/forbid_illegal_object", obj{"RawURL": img})
	assert.True(t, srv.CosBanned(img))
	sigs := list(t, call(t, c, "im_cos_msg/get_cos_sig", obj{"RawURLs": []obj{{"ResourceID": 1, "RawURL": img}, {"ResourceID": 2, "RawURL": "nope"}}}), "PreSigURLs")
	assert.Equal(t, float64(1), sigs[0]["Status"])
	assert.Contains(t, sigs[0]["PreSigURL"], img+"?")
	assert.Equal(t, float64(60003), sigs[1]["Code"])
	call(t, c, "im_cos_msg/allow_banned_object", obj{"RawURL": img})
	assert.False(t, srv.CosBanned(img))
}

// TestMissingFieldIsAParameterError: the example of the issue: a missing
// account is a parameter error naming the field, not "account not imported".
func TestMissingFieldIsAParameterError(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	err := c.Do(ctxT(t), ep("group_open_http_svc/get_joined_group_list"), obj{}, nil)
	assert.Equal(t, 10004, codeOf(err))
	assert.Contains(t, err.Error(), "Member_Account")
	assert.NotContains(t, err.Error(), "not imported")
	err = c.Do(ctxT(t), ep("openim/sendmsg"), obj{"To_Account": []string{"x"}, "MsgRandom": 1, "MsgBody": textBody("x")}, nil)
	assert.Equal(t, 90003, codeOf(err))
	assert.Contains(t, err.Error(), "To_Account")
	err = c.Do(ctxT(t), ep("sns/friend_get"), obj{"From_Account": "x", "StartIndex": "0"}, nil)
	assert.Equal(t, 30001, codeOf(err))
	assert.Contains(t, err.Error(), "StartIndex")
}

// TestTopicCallbacks: topic changes call back with the documented fields
// (Owner_Account and UserDefinedDataList, TopicIdList, Name/Introduction/
// Notification/FaceUrl), as the SDK's events must read them.
func TestTopicCallbacks(t *testing.T) {
	t.Parallel()
	srv, rcv, c := setup(t)
	ctx := ctxT(t)
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "SupportTopic": 1, "Owner_Account": "a"})
	tid, _ := call(t, c, "million_group_open_http_svc/create_topic", obj{"GroupId": gid, "TopicName": "T", "From_Account": "b",
		"TopicDefinedData": []obj{{"Key": "k", "Value": "v"}}})["TopicId"].(string)
	call(t, c, "million_group_open_http_svc/modify_topic", obj{"GroupId": gid, "TopicId": tid, "Introduction": "intro"})
	call(t, c, "million_group_open_http_svc/destroy_topic", obj{"GroupId": gid, "TopicIdList": []string{tid}})
	require.NoError(t, srv.WaitCallbacks(ctx))
	got := rcv.commands("Group.CallbackAfterCreateTopic", "Group.CallbackAfterTopicInfoChanged", "Group.CallbackAfterTopicDestroyed")
	require.Len(t, got, 3)
	var created, changed, destroyed obj
	require.NoError(t, json.Unmarshal(got[0].Body, &created))
	require.NoError(t, json.Unmarshal(got[1].Body, &changed))
	require.NoError(t, json.Unmarshal(got[2].Body, &destroyed))
	assert.Equal(t, obj{"CallbackCommand": "Group.CallbackAfterCreateTopic", "GroupId": gid, "TopicId": tid, "Operator_Account": "b",
		"Owner_Account": "a", "Type": "Community", "Name": "T", "UserDefinedDataList": []any{obj{"Key": "k", "Value": "v"}}}, created)
	assert.Equal(t, obj{"CallbackCommand": "Group.CallbackAfterTopicInfoChanged", "GroupId": gid, "TopicId": tid, "Type": "Community",
		"Operator_Account": "administrator", "Introduction": "intro"}, changed)
	assert.Equal(t, obj{"CallbackCommand": "Group.CallbackAfterTopicDestroyed", "GroupId": gid, "Type": "Community",
		"TopicIdList": []any{tid}}, destroyed)
}

// TestCommunityMembersPageByNext: a Community group's member list pages by
// the Next string, ending with "".
func TestCommunityMembersPageByNext(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	users := []string{"c0", "c1", "c2", "c3", "c4"}
	importUsers(t, c, users...)
	members := []obj{}
	for _, u := range users[1:] {
		members = append(members, obj{"Member_Account": u})
	}
	gid := createGroup(t, c, obj{"Type": "Community", "Name": "c", "Owner_Account": "c0", "MemberList": members})
	var got []string
	next := ""
	for range 5 {
		ans := call(t, c, "group_open_http_svc/get_group_member_info", obj{"GroupId": gid, "Limit": 2, "Next": next})
		for _, m := range list(t, ans, "MemberList") {
			got = append(got, m["Member_Account"].(string))
		}
		assert.Equal(t, float64(5), ans["MemberNum"])
		next = ans["Next"].(string)
		if next == "" {
			break
		}
	}
	assert.Equal(t, users, got)
	assert.Equal(t, 10004, callCode(t, c, "group_open_http_svc/get_group_member_info", obj{"GroupId": gid, "Next": "bogus"}))
	pub := createGroup(t, c, obj{"Type": "Public", "Name": "p", "Owner_Account": "c0"})
	assert.NotContains(t, call(t, c, "group_open_http_svc/get_group_member_info", obj{"GroupId": pub}), "Next")
}

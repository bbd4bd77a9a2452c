package tim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
	"github.com/timkit/tim/profile"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/relation"
)

// exReq is a documented request example, read by the drivers: each
// accessor returns the example's value, or def when the example has none
// (response-only examples, or an optional field left out).
type exReq map[string]any

func (r exReq) s(key, def string) string {
	switch v := r[key].(type) {
	case string:
		if v != "" {
			return v
		}
	case float64:
		return strconv.FormatInt(int64(v), 10)
	}
	return def
}

func (r exReq) n(key string, def int64) int64 {
	switch v := r[key].(type) {
	case float64:
		return int64(v)
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return def
}

func (r exReq) has(key string) bool { _, ok := r[key]; return ok }

func (r exReq) ss(key string, def ...string) []string {
	var out []string
	if l, ok := r[key].([]any); ok {
		for _, e := range l {
			switch v := e.(type) {
			case string:
				out = append(out, v)
			case float64:
				out = append(out, strconv.FormatInt(int64(v), 10))
			}
		}
	}
	if len(out) == 0 {
		return def
	}
	return out
}

func (r exReq) list(key string) []exReq {
	var out []exReq
	if l, ok := r[key].([]any); ok {
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				out = append(out, exReq(m))
			}
		}
	}
	return out
}

func (r exReq) obj(key string) exReq {
	if m, ok := r[key].(map[string]any); ok {
		return exReq(m)
	}
	return exReq{}
}

func (r exReq) seqs(key string, def ...uint64) []uint64 {
	var out []uint64
	if l, ok := r[key].([]any); ok {
		for _, e := range l {
			switch v := e.(type) {
			case float64:
				out = append(out, uint64(v))
			case map[string]any:
				out = append(out, uint64(exReq(v).n("MsgSeq", 1)))
			}
		}
	}
	if len(out) == 0 {
		return def
	}
	return out
}

// body decodes the example's MsgBody (a text element when it has none).
func (r exReq) body(key string) message.Body {
	if raw, ok := r[key]; ok {
		b, _ := json.Marshal(raw)
		var body message.Body
		if json.Unmarshal(b, &body) == nil && len(body) > 0 {
			return body
		}
	}
	return message.Body{&message.Text{Text: "hi"}}
}

func (r exReq) kvs(key string) []group.KV {
	var out []group.KV
	for _, e := range r.list(key) {
		out = append(out, group.KV{Key: e.s("Key", "k"), Value: e.s("Value", "v")})
	}
	return out
}

func (r exReq) offlinePush() *message.OfflinePushInfo {
	raw, ok := r["OfflinePushInfo"]
	if !ok {
		return nil
	}
	b, _ := json.Marshal(raw)
	var p message.OfflinePushInfo
	if json.Unmarshal(b, &p) != nil {
		return nil
	}
	return &p
}

func uptr[T any](v T) *T { return &v }

// driver calls the typed method of one command with the example's values
// and returns its typed result.
type driver func(ctx context.Context, c *tim.Client, r exReq) (any, error)

func textMessage(r exReq, conv message.ConversationType, to string) *message.Message {
	m := &message.Message{Conversation: conv, To: to, From: r.s("From_Account", ""), Body: r.body("MsgBody"),
		CloudCustomData: r.s("CloudCustomData", ""), OfflinePush: r.offlinePush()}
	if r.has("MsgRandom") || r.has("Random") {
		m.Random = uint32(r.n("MsgRandom", r.n("Random", 1)))
	}
	if r.has("MsgSeq") {
		m.Seq = uint32(r.n("MsgSeq", 1))
	}
	if r.has("SyncOtherMachine") {
		m.SyncToSender = uptr(r.n("SyncOtherMachine", 1) == 1)
	}
	if r.has("MsgLifeTime") {
		m.Lifetime = uptr(time.Duration(r.n("MsgLifeTime", 0)) * time.Second)
	}
	for _, c := range r.ss("ForbidCallbackControl") {
		m.ForbidCallback = append(m.ForbidCallback, message.CallbackControl(c))
	}
	for _, c := range r.ss("SendMsgControl") {
		m.SendControl = append(m.SendControl, message.SendControl(c))
	}
	if r.n("SupportMessageExtension", 0) == 1 {
		m.SupportExtension = true
	}
	if r.n("OnlineOnlyFlag", 0) == 1 {
		m.OnlineOnly = true
	}
	if r.n("IsNeedReadReceipt", 0) == 1 || r.n("NeedReadReceipt", 0) == 1 {
		m.NeedReadReceipt = true
	}
	if p := r.s("MsgPriority", ""); p != "" {
		m.Priority = message.Priority(p)
	}
	for _, at := range r.list("GroupAtInfo") {
		if at.n("GroupAtAllFlag", 0) == 1 {
			m.MentionAll = true
		} else if id := at.s("GroupAt_Account", ""); id != "" {
			m.Mentions = append(m.Mentions, id)
		}
	}
	if conv == message.ConvGroup {
		m.Receivers = r.ss("To_Account")
		m.TopicID = r.s("TopicId", "")
	}
	return m
}

func groupMsgRef(r exReq) message.GroupMsgRef {
	return message.GroupMsgRef{GroupID: r.s("GroupId", "@TGS#1"), MsgSeq: uint64(r.n("MsgSeq", 1))}
}

func c2cMsgRef(r exReq) message.C2CMsgRef {
	return message.C2CMsgRef{From: r.s("From_Account", "a"), To: r.s("To_Account", "b"), MsgKey: r.s("MsgKey", "1_2_3")}
}

func extensions(r exReq) []message.Extension {
	var out []message.Extension
	for _, e := range r.list("ExtensionList") {
		out = append(out, message.Extension{Key: e.s("Key", "k"), Value: e.s("Value", "v"), Seq: uint64(e.n("Seq", 0))})
	}
	if len(out) == 0 {
		out = []message.Extension{{Key: "k", Value: "v"}}
	}
	return out
}

func friendItems(r exReq) []relation.Item {
	var out []relation.Item
	for _, e := range r.list("SnsItem") {
		out = append(out, relation.Item{Tag: e.s("Tag", "Tag_SNS_IM_Remark"), Value: rawValue(e["Value"])})
	}
	return out
}

func rawValue(v any) relation.Value {
	b, _ := json.Marshal(v)
	return relation.RawValue(b)
}

func targets(r exReq, key string) []conversation.Target {
	var out []conversation.Target
	for _, e := range r.list(key) {
		if e.n("Type", 1) == 2 {
			out = append(out, conversation.Target{Type: message.ConvGroup, ID: e.s("ToGroupId", e.s("GroupId", "@TGS#1"))})
		} else {
			out = append(out, conversation.Target{Type: message.ConvC2C, ID: e.s("To_Account", "b")})
		}
	}
	if len(out) == 0 {
		out = []conversation.Target{{Type: message.ConvC2C, ID: "b"}}
	}
	return out
}

func roles(r exReq) []group.Role {
	var out []group.Role
	for _, s := range r.ss("MemberRoleFilter") {
		out = append(out, group.Role(s))
	}
	return out
}

var conformanceDrivers = map[string]driver{
	// Accounts.
	"im_open_login_svc/account_import": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Account.Import(ctx, account.Account{UserID: r.s("UserID", "a"), Nick: r.s("Nick", ""), FaceURL: r.s("FaceUrl", "")})
	},
	"im_open_login_svc/multiaccount_import": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Account.ImportMany(ctx, r.ss("Accounts", "a", "b"))
	},
	"im_open_login_svc/account_delete": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		ids := []string{"a"}
		if l := r.list("DeleteItem"); len(l) > 0 {
			ids = nil
			for _, e := range l {
				ids = append(ids, e.s("UserID", "a"))
			}
		}
		return c.Account.Delete(ctx, ids...)
	},
	"im_open_login_svc/account_check": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		ids := []string{"a"}
		if l := r.list("CheckItem"); len(l) > 0 {
			ids = nil
			for _, e := range l {
				ids = append(ids, e.s("UserID", "a"))
			}
		}
		return c.Account.Check(ctx, ids...)
	},
	"im_open_login_svc/kick": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Account.Kick(ctx, r.s("UserID", "a"))
	},
	"openim/query_online_status": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Account.QueryOnlineStatus(ctx, r.ss("To_Account", "a"), account.OnlineStatusOptions{Detail: r.n("IsNeedDetail", 0) == 1})
	},
	"profile/portrait_set": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var items []profile.Item
		for _, e := range r.list("ProfileItem") {
			items = append(items, profile.Item{Tag: profile.Tag(e.s("Tag", string(profile.TagNick))), Value: e["Value"]})
		}
		if len(items) == 0 {
			items = []profile.Item{profile.Nick("n")}
		}
		return nil, c.Profile.Set(ctx, r.s("From_Account", "a"), items...)
	},
	"profile/portrait_get": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var tags []profile.Tag
		for _, s := range r.ss("TagList", string(profile.TagNick)) {
			tags = append(tags, profile.Tag(s))
		}
		return c.Profile.Get(ctx, r.ss("To_Account", "a"), tags...)
	},

	// One-to-one messages.
	"openim/sendmsg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.Send(ctx, textMessage(r, message.ConvC2C, r.s("To_Account", "b")))
	},
	"openim/batchsendmsg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.SendBatch(ctx, textMessage(r, message.ConvC2C, ""), r.ss("To_Account", "bonnie", "rong"))
	},
	"openim/importmsg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		mode := message.ImportMode(r.n("SyncFromOldSystem", 2))
		return nil, c.Message.ImportC2C(ctx, &message.ImportC2CRequest{Mode: mode, From: r.s("From_Account", "a"), To: r.s("To_Account", "b"),
			Time: time.Unix(r.n("MsgTimeStamp", 1557387418), 0), Body: r.body("MsgBody"), CloudCustomData: r.s("CloudCustomData", ""),
			Seq: uint32(r.n("MsgSeq", 1)), Random: uint32(r.n("MsgRandom", 1))})
	},
	"openim/admin_getroammsg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.C2CHistoryPage(ctx, message.HistoryRequest{Operator: r.s("Operator_Account", "a"), Peer: r.s("Peer_Account", "b"),
			Since: time.Unix(r.n("MinTime", 1584669600), 0), Until: time.Unix(r.n("MaxTime", 1584673200), 0),
			PerPage: int(r.n("MaxCnt", 100)), LastMsgKey: r.s("LastMsgKey", "")})
	},
	"openim/admin_msgwithdraw": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Message.RecallC2C(ctx, r.s("From_Account", "a"), r.s("To_Account", "b"), r.s("MsgKey", "1_2_3"))
	},
	"openim/admin_set_msg_read": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var at time.Time
		if r.has("MsgReadTime") {
			at = time.Unix(r.n("MsgReadTime", 0), 0)
		}
		return nil, c.Message.SetC2CRead(ctx, r.s("Report_Account", "a"), r.s("Peer_Account", "b"), at)
	},
	"openim/get_c2c_unread_msg_num": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.C2CUnread(ctx, r.s("To_Account", "a"), r.ss("Peer_Account")...)
	},
	"openim/modify_c2c_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := message.ModifyC2CRequest{From: r.s("From_Account", "a"), To: r.s("To_Account", "b"), MsgKey: r.s("MsgKey", "1_2_3"),
			CloudCustomData: r.s("CloudCustomData", "")}
		if r.has("MsgBody") {
			req.Body = r.body("MsgBody")
		}
		return nil, c.Message.ModifyC2C(ctx, req)
	},
	"openim/modify_group_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := message.ModifyGroupRequest{GroupID: r.s("GroupId", "@TGS#1"), MsgSeq: uint64(r.n("MsgSeq", 1)),
			CloudCustomData: r.s("CloudCustomData", ""), TopicID: r.s("TopicId", "")}
		if r.has("MsgBody") {
			req.Body = r.body("MsgBody")
		}
		return nil, c.Message.ModifyGroup(ctx, req)
	},

	// Message extensions.
	"openim_msg_ext_http_svc/get_key_values": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.C2CExtensionsPage(ctx, c2cMsgRef(r), uint64(r.n("StartSeq", 1)))
	},
	"openim_msg_ext_http_svc/group_get_key_values": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.GroupExtensionsPage(ctx, groupMsgRef(r), uint64(r.n("StartSeq", 1)))
	},
	"openim_msg_ext_http_svc/set_key_values": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		switch r.n("OperateType", 1) {
		case 2:
			return c.Message.DeleteC2CExtensionsAt(ctx, c2cMsgRef(r), extensions(r)...)
		case 3:
			return nil, c.Message.ClearC2CExtensions(ctx, c2cMsgRef(r))
		}
		return c.Message.SetC2CExtensions(ctx, c2cMsgRef(r), extensions(r))
	},
	"openim_msg_ext_http_svc/group_set_key_values": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		switch r.n("OperateType", 1) {
		case 2:
			return c.Message.DeleteGroupExtensionsAt(ctx, groupMsgRef(r), extensions(r)...)
		case 3:
			return nil, c.Message.ClearGroupExtensions(ctx, groupMsgRef(r))
		}
		return c.Message.SetGroupExtensions(ctx, groupMsgRef(r), extensions(r))
	},

	// Relations.
	"sns/friend_add": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var fs []relation.AddFriend
		for _, e := range r.list("AddFriendItem") {
			fs = append(fs, relation.AddFriend{UserID: e.s("To_Account", "b"), AddSource: e.s("AddSource", "AddSource_Type_x"),
				Remark: e.s("Remark", ""), Group: e.s("GroupName", ""), AddWording: e.s("AddWording", "")})
		}
		if len(fs) == 0 {
			fs = []relation.AddFriend{{UserID: "b", AddSource: "AddSource_Type_x"}}
		}
		return c.Relation.AddFriends(ctx, r.s("From_Account", "a"), fs,
			relation.AddOptions{Type: relation.AddType(r.s("AddType", "")), Force: r.n("ForceAddFlags", 0) == 1})
	},
	"sns/friend_import": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var fs []relation.ImportFriend
		for _, e := range r.list("AddFriendItem") {
			f := relation.ImportFriend{UserID: e.s("To_Account", "b"), AddSource: e.s("AddSource", "AddSource_Type_x"),
				Remark: e.s("Remark", ""), Groups: e.ss("GroupName"), AddWording: e.s("AddWording", "")}
			if e.has("RemarkTime") {
				f.RemarkTime = time.Unix(e.n("RemarkTime", 0), 0)
			}
			if e.has("AddTime") {
				f.AddTime = time.Unix(e.n("AddTime", 0), 0)
			}
			for _, it := range e.list("CustomItem") {
				f.Custom = append(f.Custom, relation.Item{Tag: it.s("Tag", "Tag_SNS_Custom_x"), Value: rawValue(it["Value"])})
			}
			fs = append(fs, f)
		}
		if len(fs) == 0 {
			fs = []relation.ImportFriend{{UserID: "b", AddSource: "AddSource_Type_x"}}
		}
		return c.Relation.ImportFriends(ctx, r.s("From_Account", "a"), fs)
	},
	"sns/friend_update": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var us []relation.FriendUpdate
		for _, e := range r.list("UpdateItem") {
			us = append(us, relation.FriendUpdate{UserID: e.s("To_Account", "b"), Items: friendItems(e)})
		}
		if len(us) == 0 {
			us = []relation.FriendUpdate{{UserID: "b", Items: []relation.Item{{Tag: relation.TagRemark, Value: relation.String("r")}}}}
		}
		return c.Relation.UpdateFriends(ctx, r.s("From_Account", "a"), us)
	},
	"sns/friend_delete": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.DeleteFriends(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"), relation.DeleteType(r.s("DeleteType", string(relation.DeleteSingle))))
	},
	"sns/friend_delete_all": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Relation.DeleteAllFriends(ctx, r.s("From_Account", "a"), relation.DeleteType(r.s("DeleteType", string(relation.DeleteSingle))))
	},
	"sns/friend_check": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.CheckFriends(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"), relation.CheckType(r.s("CheckType", string(relation.CheckSingle))))
	},
	"sns/friend_get": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.FriendsPage(ctx, r.s("From_Account", "a"), int(r.n("StartIndex", 0)),
			relation.Sequences{Standard: uint64(r.n("StandardSequence", 0)), Custom: uint64(r.n("CustomSequence", 0))})
	},
	"sns/friend_get_list": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.GetFriends(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"), r.ss("TagList", "Tag_Profile_IM_Nick"))
	},
	"sns/black_list_add": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.AddToBlacklist(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"))
	},
	"sns/black_list_delete": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.RemoveFromBlacklist(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"))
	},
	"sns/black_list_get": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.BlacklistPage(ctx, r.s("From_Account", "a"), int(r.n("StartIndex", 0)), int(r.n("MaxLimited", 30)), uint64(r.n("LastSequence", 0)))
	},
	"sns/black_list_check": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.CheckBlacklist(ctx, r.s("From_Account", "a"), r.ss("To_Account", "b"), relation.BlackCheckType(r.s("CheckType", string(relation.BlackCheckSingle))))
	},
	"sns/group_add": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.AddFriendGroups(ctx, r.s("From_Account", "a"), r.ss("GroupName", "g"), r.ss("To_Account"))
	},
	"sns/group_delete": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.DeleteFriendGroups(ctx, r.s("From_Account", "a"), r.ss("GroupName", "g"))
	},
	"sns/group_get": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Relation.FriendGroups(ctx, r.s("From_Account", "a"), relation.GroupsOptions{Names: r.ss("GroupName"),
			WithFriends: r.s("NeedFriend", "") == relation.NeedFriendYes, LastSequence: uint64(r.n("LastSequence", 0))})
	},

	// Conversations.
	"recentcontact/top": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var with []conversation.Target
		for _, it := range r.list("RecentContactItem") {
			if it.n("Type", 1) == 2 {
				with = append(with, conversation.Group(it.s("GroupId", "@TGS#1")))
			} else {
				with = append(with, conversation.C2C(it.s("To_Account", "b")))
			}
		}
		return nil, c.Conversation.Pin(ctx, r.s("From_Account", "a"), r.n("OperationType", 1) == 1, with...)
	},
	"recentcontact/get_list": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Conversation.ListPage(ctx, r.s("From_Account", "a"), conversation.Cursor{StartIndex: r.n("StartIndex", 0), TopStartIndex: r.n("TopStartIndex", 0)})
	},
	"recentcontact/delete": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		with := conversation.Target{Type: message.ConvC2C, ID: r.s("To_Account", "b")}
		if r.n("Type", 1) == 2 {
			with = conversation.Target{Type: message.ConvGroup, ID: r.s("ToGroupid", "@TGS#1")}
		}
		return nil, c.Conversation.Delete(ctx, conversation.DeleteRequest{UserID: r.s("From_Account", "a"), With: with, ClearHistory: r.n("ClearRamble", 0) == 1})
	},
	"recentcontact/create_contact_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		g := exReq{}
		if l := r.list("GroupContactItem"); len(l) > 0 {
			g = l[0]
		}
		return c.Conversation.CreateContactGroup(ctx, r.s("From_Account", "a"), g.s("GroupName", "g"), targets(g, "ContactItem")...)
	},
	"recentcontact/update_contact_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		u := r.obj("UpdateGroup")
		from := r.s("From_Account", "a")
		// UpdateGroupType 1 renames the group, 2 changes its members.
		if u.n("UpdateGroupType", 2) == 1 {
			return c.Conversation.RenameContactGroup(ctx, from, u.s("OldGroupName", "g"), u.s("NewGroupName", "h"))
		}
		name := u.s("OldGroupName", "g")
		var adds, dels []conversation.Target
		for _, it := range u.list("ContactUpdateItem") {
			t := targets(exReq{"x": []any{map[string]any(it.obj("ContactItem"))}}, "x")
			if it.n("ContactOpType", 1) == 2 {
				dels = append(dels, t...)
			} else {
				adds = append(adds, t...)
			}
		}
		if len(dels) > 0 && len(adds) == 0 {
			return c.Conversation.RemoveFromContactGroup(ctx, from, name, dels...)
		}
		if len(adds) == 0 {
			adds = []conversation.Target{{Type: message.ConvC2C, ID: "b"}}
		}
		return c.Conversation.AddToContactGroup(ctx, from, name, adds...)
	},
	"recentcontact/del_contact_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Conversation.DeleteContactGroup(ctx, r.s("From_Account", "a"), r.ss("GroupName", "g")[0])
	},
	"recentcontact/mark_contact": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var marks []conversation.Mark
		for _, it := range r.list("MarkItem") {
			t := targets(exReq{"x": []any{map[string]any(it.obj("ContactItem"))}}, "x")[0]
			m := conversation.Mark{With: t}
			opt := it
			m.Set = intsOf(opt["SetMark"])
			m.Clear = intsOf(opt["UnSetMark"])
			if len(m.Clear) == 0 {
				m.Clear = intsOf(opt["UnsetMark"])
			}
			if opt.has("CustomMark") {
				m.Custom = uptr(opt.s("CustomMark", ""))
			}
			if len(m.Set) == 0 && len(m.Clear) == 0 && m.Custom == nil {
				m.Set = []int{conversation.MarkStar}
			}
			marks = append(marks, m)
		}
		if len(marks) == 0 {
			marks = []conversation.Mark{{With: conversation.Target{Type: message.ConvC2C, ID: "b"}, Set: []int{conversation.MarkStar}}}
		}
		return c.Conversation.Mark(ctx, r.s("From_Account", "a"), marks...)
	},
	"recentcontact/search_contact_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Conversation.SearchContactGroups(ctx, r.s("From_Account", "a"), targets(r, "ContactItem")...)
	},
	"recentcontact/get_contact_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Conversation.ContactGroupsPage(ctx, r.s("From_Account", "a"), int(r.n("StartIndex", 0)))
	},

	// Groups.
	"group_open_http_svc/get_appid_group_list": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.AppGroupsPage(ctx, uint64(r.n("Next", 0)), group.AppGroupsOptions{Type: group.Type(r.s("GroupType", "")), PageSize: int(r.n("Limit", 0))})
	},
	"group_open_http_svc/create_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.CreateRequest{Type: group.Type(r.s("Type", "Public")), GroupID: r.s("GroupId", ""), Name: r.s("Name", "g"),
			Owner: r.s("Owner_Account", ""), Introduction: r.s("Introduction", ""), Notification: r.s("Notification", ""),
			FaceURL: r.s("FaceUrl", ""), MaxMemberCount: int(r.n("MaxMemberCount", 0)), ApplyJoinOption: group.JoinOption(r.s("ApplyJoinOption", "")),
			InviteJoinOption: group.JoinOption(r.s("InviteJoinOption", "")), AppDefinedData: r.kvs("AppDefinedData"), SupportTopic: r.n("SupportTopic", 0) == 1}
		for _, m := range r.list("MemberList") {
			req.Members = append(req.Members, group.NewMember{UserID: m.s("Member_Account", "b"), Role: group.Role(m.s("Role", "")), AppMemberDefinedData: m.kvs("AppMemberDefinedData")})
		}
		return c.Group.Create(ctx, req)
	},
	"group_open_http_svc/get_group_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var f *group.ResponseFilter
		if rf := r.obj("ResponseFilter"); len(rf) > 0 {
			f = &group.ResponseFilter{GroupBaseInfo: rf.ss("GroupBaseInfoFilter"), MemberInfo: rf.ss("MemberInfoFilter"),
				GroupAppDefinedData: rf.ss("AppDefinedDataFilter_Group"), MemberAppDefinedData: rf.ss("AppDefinedDataFilter_GroupMember")}
		}
		return c.Group.Get(ctx, r.ss("GroupIdList", "@TGS#1"), f)
	},
	"group_open_http_svc/get_group_member_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		cur := group.MemberCursor{Offset: int(r.n("Offset", 0)), Next: r.s("Next", "")}
		return c.Group.MembersPage(ctx, r.s("GroupId", "@TGS#1"), cur, group.MemberListOptions{PageSize: int(r.n("Limit", 0)),
			MemberInfo: r.ss("MemberInfoFilter"), Roles: roles(r), AppMemberDefinedData: r.ss("AppDefinedDataFilter_GroupMember")})
	},
	"group_open_http_svc/get_specified_group_member_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.MembersByID(ctx, r.s("GroupId", "@TGS#1"), r.ss("Member_List_Account", "bob"), group.MemberFilter{
			MemberInfo: r.ss("MemberInfoFilter"), Roles: roles(r), AppMemberDefinedData: r.ss("AppDefinedDataFilter_GroupMember")})
	},
	"group_open_http_svc/modify_group_base_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.UpdateRequest{GroupID: r.s("GroupId", "@TGS#1"), ApplyJoinOption: group.JoinOption(r.s("ApplyJoinOption", "")),
			InviteJoinOption: group.JoinOption(r.s("InviteJoinOption", "")), AppDefinedData: r.kvs("AppDefinedData")}
		for key, p := range map[string]**string{"Name": &req.Name, "Introduction": &req.Introduction, "Notification": &req.Notification, "FaceUrl": &req.FaceURL} {
			if r.has(key) {
				*p = uptr(r.s(key, ""))
			}
		}
		if r.has("MaxMemberNum") {
			req.MaxMemberNum = uptr(int(r.n("MaxMemberNum", 0)))
		}
		if r.has("MuteAllMember") {
			req.MuteAll = uptr(r.s("MuteAllMember", "") == "On")
		}
		if req.Name == nil && req.Introduction == nil && req.Notification == nil && req.FaceURL == nil && req.MaxMemberNum == nil &&
			req.MuteAll == nil && len(req.AppDefinedData) == 0 && req.ApplyJoinOption == "" {
			req.Name = uptr("g")
		}
		return nil, c.Group.Update(ctx, req)
	},
	"group_open_http_svc/add_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var ids []string
		for _, m := range r.list("MemberList") {
			ids = append(ids, m.s("Member_Account", "b"))
		}
		if len(ids) == 0 {
			ids = []string{"b"}
		}
		return c.Group.AddMembers(ctx, r.s("GroupId", "@TGS#1"), ids, group.AddOptions{Silence: r.n("Silence", 0) == 1})
	},
	"group_open_http_svc/delete_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.DeleteMembers(ctx, r.s("GroupId", "@TGS#1"), r.ss("MemberToDel_Account", "b"),
			group.DeleteOptions{Silence: r.n("Silence", 0) == 1, Reason: r.s("Reason", "")})
	},
	"group_open_http_svc/modify_group_member_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.ModifyMemberRequest{GroupID: r.s("GroupId", "@TGS#1"), UserID: r.s("Member_Account", "b"), Role: group.Role(r.s("Role", "")),
			MsgFlag: group.MsgFlag(r.s("MsgFlag", "")), AppMemberDefinedData: r.kvs("AppMemberDefinedData")}
		if r.has("NameCard") {
			req.NameCard = uptr(r.s("NameCard", ""))
		}
		if r.has("MuteTime") {
			req.Mute = uptr(time.Duration(r.n("MuteTime", 0)) * time.Second)
		}
		if req.Role == "" && req.MsgFlag == "" && req.NameCard == nil && req.Mute == nil && len(req.AppMemberDefinedData) == 0 {
			req.NameCard = uptr("n")
		}
		return nil, c.Group.ModifyMember(ctx, req)
	},
	"group_open_http_svc/destroy_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.Destroy(ctx, r.s("GroupId", "@TGS#1"))
	},
	"group_open_http_svc/get_joined_group_list": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		rf := r.obj("ResponseFilter")
		return c.Group.JoinedPage(ctx, r.s("Member_Account", "a"), int(r.n("Offset", 0)), group.JoinedOptions{Type: group.Type(r.s("GroupType", "")),
			PageSize: int(r.n("Limit", 0)), WithHugeGroups: r.n("WithHugeGroups", 0) == 1, WithNoActiveGroups: r.n("WithNoActiveGroups", 0) == 1,
			BaseInfo: rf.ss("GroupBaseInfoFilter"), SelfInfo: rf.ss("SelfInfoFilter"), SupportTopic: r.n("SupportTopic", 0) == 1})
	},
	"group_open_http_svc/get_role_in_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.Roles(ctx, r.s("GroupId", "@TGS#1"), r.ss("User_Account", "a"))
	},
	"group_open_http_svc/forbid_send_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		if r.has("MuteTime") && r.n("MuteTime", 0) == 0 {
			return nil, c.Group.Unmute(ctx, r.s("GroupId", "@TGS#1"), r.ss("Members_Account", "b"))
		}
		return nil, c.Group.Mute(ctx, r.s("GroupId", "@TGS#1"), r.ss("Members_Account", "b"), time.Duration(r.n("MuteTime", 60))*time.Second)
	},
	"group_open_http_svc/get_group_muted_account": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.MutedMembers(ctx, r.s("GroupId", "@TGS#1"), r.s("TopicId", ""))
	},
	"group_open_http_svc/send_group_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		res, err := c.Message.Send(ctx, textMessage(r, message.ConvGroup, r.s("GroupId", "@TGS#1")))
		// The documented answer carries "MsgDropReason":"MsgFreqCtrl": the
		// SDK reports it as a *DroppedError beside the result, which holds
		// every field (DropReason included).
		var dropped *message.DroppedError
		if errors.As(err, &dropped) {
			return res, nil
		}
		return res, err
	},
	"group_open_http_svc/send_group_system_notification": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Message.SendGroupNotification(ctx, message.GroupNotification{GroupID: r.s("GroupId", "@TGS#1"),
			ToMembers: r.ss("ToMembers_Account"), Content: r.s("Content", "c"), TopicID: r.s("TopicId", "")})
	},
	"group_open_http_svc/group_msg_recall": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.RecallGroup(ctx, message.RecallGroupRequest{GroupID: r.s("GroupId", "@TGS#1"), MsgSeqs: r.seqs("MsgSeqList", 1),
			TopicID: r.s("TopicId", ""), Reason: r.s("Reason", "")})
	},
	"group_open_http_svc/change_group_owner": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.ChangeOwner(ctx, r.s("GroupId", "@TGS#1"), r.s("NewOwner_Account", "b"))
	},
	"group_open_http_svc/import_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.ImportRequest{Type: group.Type(r.s("Type", "Public")), GroupID: r.s("GroupId", ""), Name: r.s("Name", "g"),
			Owner: r.s("Owner_Account", ""), Introduction: r.s("Introduction", ""), Notification: r.s("Notification", ""),
			FaceURL: r.s("FaceUrl", ""), MaxMemberCount: int(r.n("MaxMemberCount", 0)), ApplyJoinOption: group.JoinOption(r.s("ApplyJoinOption", "")),
			AppDefinedData: r.kvs("AppDefinedData"), SupportTopic: r.n("SupportTopic", 0) == 1}
		if r.has("CreateTime") {
			req.CreatedAt = time.Unix(r.n("CreateTime", 0), 0)
		}
		return c.Group.Import(ctx, req)
	},
	"group_open_http_svc/import_group_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := message.ImportGroupRequest{GroupID: r.s("GroupId", "@TGS#1"), UpdateConversations: r.n("RecentContactFlag", 0) == 1, TopicID: r.s("TopicId", "")}
		for _, m := range r.list("MsgList") {
			req.Messages = append(req.Messages, message.ImportGroupMsg{From: m.s("From_Account", "a"), Time: time.Unix(m.n("SendTime", 1620000000), 0),
				Random: uint32(m.n("Random", 1)), Body: m.body("MsgBody")})
		}
		if len(req.Messages) == 0 {
			req.Messages = []message.ImportGroupMsg{{From: "a", Time: time.Unix(1620000000, 0), Random: 1, Body: message.Body{&message.Text{Text: "hi"}}}}
		}
		return c.Message.ImportGroup(ctx, req)
	},
	"group_open_http_svc/import_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var ms []group.ImportMember
		for _, m := range r.list("MemberList") {
			im := group.ImportMember{UserID: m.s("Member_Account", "b"), Role: group.Role(m.s("Role", "")), UnreadMsgNum: int(m.n("UnreadMsgNum", 0))}
			if m.has("JoinTime") {
				im.JoinTime = time.Unix(m.n("JoinTime", 0), 0)
			}
			ms = append(ms, im)
		}
		if len(ms) == 0 {
			ms = []group.ImportMember{{UserID: "b"}}
		}
		return c.Group.ImportMembers(ctx, r.s("GroupId", "@TGS#1"), ms)
	},
	"group_open_http_svc/import_topic": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.ImportTopic(ctx, group.TopicRequest{GroupID: r.s("GroupId", "@TGS#_@TGS#1"), TopicID: r.s("TopicId", ""), Name: r.s("TopicName", "t"),
			Operator: r.s("From_Account", ""), Introduction: r.s("Introduction", ""), Notification: r.s("Notification", ""), FaceURL: r.s("FaceUrl", ""),
			CustomString: r.s("CustomString", "")}, time.Unix(r.n("CreateTime", 1620000000), 0))
	},
	"group_open_http_svc/set_unread_msg_num": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.SetUnread(ctx, r.s("GroupId", "@TGS#1"), r.s("Member_Account", "b"), int(r.n("UnreadMsgNum", 1)))
	},
	"group_open_http_svc/delete_group_msg_by_sender": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.DeleteMessagesBySender(ctx, r.s("GroupId", "@TGS#1"), r.s("Sender_Account", "b"))
	},
	"group_open_http_svc/modify_group_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.ModifyAttrs(ctx, r.s("GroupId", "@TGS#1"), attrsOf(r))
	},
	"group_open_http_svc/clear_group_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.ClearAttrs(ctx, r.s("GroupId", "@TGS#1"))
	},
	"group_open_http_svc/set_group_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.SetAttrs(ctx, r.s("GroupId", "@TGS#1"), attrsOf(r))
	},
	"group_open_attr_http_svc/get_group_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.Attrs(ctx, r.s("GroupId", "@TGS#1"))
	},
	"group_open_http_svc/send_broadcast_msg": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.SendBroadcast(ctx, &message.Broadcast{From: r.s("From_Account", ""), Body: r.body("MsgBody"),
			CloudCustomData: r.s("CloudCustomData", ""), Random: uint32(r.n("Random", 1))})
	},
	"group_open_http_svc/get_group_msg_receipt": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.Receipts(ctx, r.s("GroupId", "@TGS#1"), r.seqs("MsgSeqList", 1))
	},
	"group_open_http_svc/get_group_msg_receipt_detail": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.ReceiptDetailPage(ctx, group.ReceiptDetailRequest{GroupID: r.s("GroupId", "@TGS#1"), MsgSeq: uint64(r.n("MsgSeq", 1)),
			Filter: group.ReceiptFilter(r.n("Filter", 0)), PageSize: int(r.n("Count", 0))}, r.s("Cursor", ""))
	},
	"group_open_http_svc/get_group_ban_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.BannedPage(ctx, r.s("GroupId", "@TGS#1"), int(r.n("Offset", 0)), int(r.n("Limit", 10)))
	},
	"group_open_http_svc/ban_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.Ban(ctx, r.s("GroupId", "@TGS#1"), r.ss("Members_Account", "b"), time.Duration(r.n("Duration", 60))*time.Second, r.s("Description", ""))
	},
	"group_open_http_svc/unban_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.Unban(ctx, r.s("GroupId", "@TGS#1"), r.ss("Members_Account", "b"))
	},
	"group_open_http_svc/get_group_counter": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.Counters(ctx, r.s("GroupId", "@TGS#1"), r.ss("GroupCounterKeys")...)
	},
	"group_open_http_svc/update_group_counter": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var cs []group.Counter
		for _, e := range r.list("GroupCounter") {
			cs = append(cs, group.Counter{Key: e.s("Key", "k"), Value: e.n("Value", 1)})
		}
		if len(cs) == 0 {
			cs = []group.Counter{{Key: "k", Value: 1}}
		}
		return c.Group.UpdateCounters(ctx, r.s("GroupId", "@TGS#1"), group.CounterMode(r.s("Mode", string(group.CounterSet))), cs)
	},
	"group_open_http_svc/delete_group_counter": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.DeleteCounters(ctx, r.s("GroupId", "@TGS#1"), r.ss("GroupCounterKeys", "k")...)
	},
	"group_open_http_svc/group_msg_get_simple": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Message.GroupHistoryPage(ctx, message.GroupHistoryRequest{GroupID: r.s("GroupId", "@TGS#1"), FromSeq: uint64(r.n("ReqMsgSeq", 0)),
			PerPage: int(r.n("ReqMsgNumber", 0)), WithRecalled: r.n("WithRecalledMsg", 0) == 1, TopicID: r.s("TopicId", "")})
	},
	"group_open_http_svc/get_online_member_num": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.OnlineMemberCount(ctx, r.s("GroupId", "@TGS#1"))
	},
	"group_open_http_svc/pin_message": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.Pin(ctx, group.PinRequest{GroupID: r.s("GroupId", "@TGS#1"), TopicID: r.s("TopicId", ""),
			MsgSeq: uint64(r.n("MsgSeq", 1)), By: r.s("Pinner_Account", "")})
	},
	"group_open_http_svc/unpin_message": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Group.Unpin(ctx, group.PinRequest{GroupID: r.s("GroupId", "@TGS#1"), TopicID: r.s("TopicId", ""),
			MsgSeq: uint64(r.n("MsgSeq", 1)), By: r.s("UnPinner_Account", "")})
	},
	"group_open_http_svc/get_pinned_messages": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.PinnedMessages(ctx, r.s("GroupId", "@TGS#1"), r.s("TopicId", ""))
	},
	"group_open_avchatroom_http_svc/get_members": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.OnlineMembersPage(ctx, r.s("GroupId", "@TGS#1"), r.n("Timestamp", 0))
	},
	"group_open_avchatroom_http_svc/modify_user_info": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var ms []group.MemberMarks
		for _, m := range r.list("MemberList") {
			mm := group.MemberMarks{UserID: m.s("Member_Account", "b")}
			for _, s := range m.ss("Marks") {
				n, _ := strconv.ParseUint(s, 10, 32)
				mm.Marks = append(mm.Marks, uint32(n))
			}
			ms = append(ms, mm)
		}
		if len(ms) == 0 {
			ms = []group.MemberMarks{{UserID: "b", Marks: []uint32{1000}}}
		}
		if r.n("CommandType", 1) == 2 {
			return nil, c.Group.DeleteMarks(ctx, r.s("GroupId", "@TGS#1"), ms)
		}
		return nil, c.Group.SetMarks(ctx, r.s("GroupId", "@TGS#1"), ms)
	},

	// Community topics.
	"million_group_open_http_svc/create_topic": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.CreateTopic(ctx, group.TopicRequest{GroupID: r.s("GroupId", "@TGS#_@TGS#1"), TopicID: r.s("TopicId", ""), Name: r.s("TopicName", "t"),
			Operator: r.s("From_Account", ""), Introduction: r.s("Introduction", ""), Notification: r.s("Notification", ""), FaceURL: r.s("FaceUrl", ""),
			CustomString: r.s("CustomString", "")})
	},
	"million_group_open_http_svc/get_topic": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.Topics(ctx, r.s("GroupId", "@TGS#_@TGS#1"), group.TopicQuery{TopicIDs: r.ss("TopicIdList"), User: r.s("From_Account", ""),
			Fields: r.ss("ResponseFilter")})
	},
	"million_group_open_http_svc/modify_topic": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.UpdateTopicRequest{GroupID: r.s("GroupId", "@TGS#_@TGS#1"), TopicID: r.s("TopicId", "@TGS#_@TGS#1@TOPIC#_x"), Operator: r.s("From_Account", "")}
		for key, p := range map[string]**string{"TopicName": &req.Name, "Introduction": &req.Introduction, "Notification": &req.Notification,
			"FaceUrl": &req.FaceURL, "CustomString": &req.CustomString} {
			if r.has(key) {
				*p = uptr(r.s(key, ""))
			}
		}
		if r.has("MuteAllMember") {
			req.MuteAll = uptr(r.s("MuteAllMember", "") == "On")
		}
		if req.Name == nil && req.Introduction == nil && req.Notification == nil && req.FaceURL == nil && req.CustomString == nil && req.MuteAll == nil {
			req.Name = uptr("t")
		}
		return nil, c.Group.UpdateTopic(ctx, req)
	},
	"million_group_open_http_svc/destroy_topic": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.DestroyTopics(ctx, r.s("GroupId", "@TGS#_@TGS#1"), r.ss("TopicIdList", "@TGS#_@TGS#1@TOPIC#_x"))
	},

	// Community permission groups.
	"group_open_http_svc/modify_permission_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := group.UpdatePermissionGroupRequest{GroupID: r.s("GroupId", "@TGS#_@TGS#1"), PermissionGroupID: r.s("PermissionGroupId", "@PMG#_p")}
		if r.has("PermissionGroupName") {
			req.Name = uptr(r.s("PermissionGroupName", ""))
		}
		if r.has("Permission") {
			req.Permission = uptr(group.CommunityPermission(r.n("Permission", 0)))
		}
		if r.has("CustomString") {
			req.CustomString = uptr(r.s("CustomString", ""))
		}
		if req.Name == nil && req.Permission == nil && req.CustomString == nil {
			req.Name = uptr("p")
		}
		return nil, c.Group.UpdatePermissionGroup(ctx, req)
	},
	"group_open_http_svc/destroy_permission_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.DestroyPermissionGroups(ctx, r.s("GroupId", "@TGS#_@TGS#1"), r.ss("PermissionGroupIdList", "@PMG#_p"))
	},
	"group_open_http_svc/add_topic_permission_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		gid := r.s("GroupId", "@TGS#_@TGS#1")
		var grants []group.TopicGrant
		for _, e := range r.list("TopicPermissionList") {
			grants = append(grants, group.TopicGrant{TopicID: e.s("TopicId", ""), Permission: group.TopicPermission(e.n("Permission", 0))})
		}
		if len(grants) == 0 {
			grants = []group.TopicGrant{{TopicID: group.TopicID(gid, "x"), Permission: group.TopicCanSend}}
		}
		return c.Group.AddTopicPermissions(ctx, gid, r.s("PermissionGroupId", "@PMG#_p"), grants)
	},
	"group_open_http_svc/get_topic_permission_group": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Group.TopicPermissions(ctx, r.s("GroupId", "@TGS#_@TGS#1"), r.s("PermissionGroupId", "@PMG#_p"), r.ss("TopicIdList"))
	},
	"group_open_http_svc/add_permission_group_member": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var users []string
		for _, e := range r.list("MemberList") {
			users = append(users, e.s("Member_Account", ""))
		}
		if len(users) == 0 {
			users = []string{"u"}
		}
		return c.Group.AddPermissionGroupMembers(ctx, r.s("GroupId", "@TGS#_@TGS#1"), r.s("PermissionGroupId", "@PMG#_p"), users)
	},

	// Operations.
	"openconfigsvr/setnospeaking": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		req := operation.MuteRequest{UserID: r.s("Set_Account", "a")}
		if r.has("C2CmsgNospeakingTime") {
			req.C2C = uptr(time.Duration(r.n("C2CmsgNospeakingTime", 0)) * time.Second)
		}
		if r.has("GroupmsgNospeakingTime") {
			req.Group = uptr(time.Duration(r.n("GroupmsgNospeakingTime", 0)) * time.Second)
		}
		if req.C2C == nil && req.Group == nil {
			req.C2C = uptr(time.Minute)
		}
		return nil, c.Operation.SetGlobalMute(ctx, req)
	},
	"openconfigsvr/getnospeaking": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Operation.GlobalMute(ctx, r.s("Get_Account", "a"))
	},
	"openconfigsvr/getappinfo": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var fs []operation.StatField
		for _, s := range r.ss("RequestField") {
			fs = append(fs, operation.StatField(s))
		}
		return c.Operation.AppInfo(ctx, fs...)
	},
	"open_msg_svc/get_history": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		hour, err := time.ParseInLocation("2006010215", r.s("MsgTime", "2015120121"), time.FixedZone("CST", 8*3600))
		if err != nil {
			return nil, fmt.Errorf("driver: MsgTime: %w", err)
		}
		ct := message.ConvC2C
		if r.s("ChatType", "C2C") == "Group" {
			ct = message.ConvGroup
		}
		return c.Operation.HistoryFiles(ctx, operation.HistoryRequest{ChatType: ct, Hour: hour})
	},
	"ConfigSvc/GetIPList": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Operation.IPList(ctx)
	},

	// All-member push.
	"all_member_push/im_push": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		p := &push.Push{From: r.s("From_Account", ""), Body: r.body("MsgBody"), OfflinePush: r.offlinePush(), Random: uint32(r.n("MsgRandom", 1)),
			Lifetime: time.Duration(r.n("MsgLifeTime", 0)) * time.Second}
		if cond := r.obj("Condition"); len(cond) > 0 {
			b, _ := json.Marshal(cond)
			p.Condition = &push.Condition{}
			if err := json.Unmarshal(b, p.Condition); err != nil {
				return nil, fmt.Errorf("driver: Condition: %w", err)
			}
		}
		return c.Push.Send(ctx, p)
	},
	"all_member_push/im_set_attr_name": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		names := map[int]string{}
		for k, v := range r.obj("AttrNames") {
			n, _ := strconv.Atoi(k)
			names[n], _ = v.(string)
		}
		if len(names) == 0 {
			names[0] = "sex"
		}
		return nil, c.Push.SetAttrNames(ctx, names)
	},
	"all_member_push/im_get_attr_name": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Push.AttrNames(ctx)
	},
	"all_member_push/im_get_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Push.UserAttrs(ctx, r.ss("To_Account", "a"))
	},
	"all_member_push/im_set_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var us []push.UserAttrs
		decodeInto(r["UserAttrs"], &us)
		if len(us) == 0 {
			us = []push.UserAttrs{{UserID: "a", Attrs: map[string]string{"sex": "attr1"}}}
		}
		return nil, c.Push.SetUserAttrs(ctx, us)
	},
	"all_member_push/im_remove_attr": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var us []push.UserAttrNames
		decodeInto(r["UserAttrs"], &us)
		if len(us) == 0 {
			us = []push.UserAttrNames{{UserID: "a", Attrs: []string{"sex"}}}
		}
		return nil, c.Push.RemoveUserAttrs(ctx, us)
	},
	"all_member_push/im_get_tag": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return c.Push.UserTags(ctx, r.ss("To_Account", "a"))
	},
	"all_member_push/im_add_tag": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var us []push.UserTags
		decodeInto(r["UserTags"], &us)
		if len(us) == 0 {
			us = []push.UserTags{{UserID: "a", Tags: []string{"t"}}}
		}
		return nil, c.Push.AddUserTags(ctx, us)
	},
	"all_member_push/im_remove_tag": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		var us []push.UserTags
		decodeInto(r["UserTags"], &us)
		if len(us) == 0 {
			us = []push.UserTags{{UserID: "a", Tags: []string{"t"}}}
		}
		return nil, c.Push.RemoveUserTags(ctx, us)
	},
	"all_member_push/im_remove_all_tags": func(ctx context.Context, c *tim.Client, r exReq) (any, error) {
		return nil, c.Push.RemoveAllUserTags(ctx, r.ss("To_Account", "a"))
	},
}

func decodeInto(v any, out any) {
	if v == nil {
		return
	}
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, out)
}

func intsOf(v any) []int {
	var out []int
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if f, ok := e.(float64); ok {
				out = append(out, int(f))
			}
		}
	}
	return out
}

func attrsOf(r exReq) map[string]string {
	out := map[string]string{}
	for k, v := range r.obj("GroupAttr") {
		out[k], _ = v.(string)
	}
	for _, e := range r.list("GroupAttr") {
		out[e.s("key", e.s("Key", "k"))] = e.s("value", e.s("Value", "v"))
	}
	if len(out) == 0 {
		out["k"] = "v"
	}
	return out
}

// requestExtras lists keys the SDK sends that no documented request
// example of the command shows, each with the reason it is sent.
var requestExtras = map[string]map[string]string{}

// requestUnexpressed lists documented request keys the typed methods
// cannot send yet, each with the reason.
var requestUnexpressed = map[string]map[string]string{
	"group_open_avchatroom_http_svc/get_members": {"Mark": "filtering online members by mark is not offered yet: OnlineMembersPage lists all members (their Marks are read)"},
}

// responseIgnored lists documented response values the typed results do
// not surface, by key path (a path covers what is below it), each with the
// reason.
var responseIgnored = map[string]map[string]string{
	"group_open_http_svc/group_msg_get_simple":    {"GroupId": "echo of the request's GroupId, which the caller passed"},
	"group_open_http_svc/get_group_muted_account": {"GroupId": "echo of the request's GroupId, which the caller passed"},
	"group_open_http_svc/create_group":            {"Type": "echo of the request's Type, which the caller passed"},
	"group_open_http_svc/get_joined_group_list":   {"GroupIdList[].MuteAllMember": "\"On\"/\"Off\" read as Info.MuteAll (bool)"},
	"group_open_http_svc/get_group_info": {
		"GroupInfo[].MuteAllMember": "\"On\"/\"Off\" read as Info.MuteAll (bool)",
		"GroupInfo[].Appid":         "the app's own SDKAppID, which the client holds",
	},
	"million_group_open_http_svc/get_topic": {"TopicAndSelfInfo[].TopicInfo.MuteAllMember": "\"On\"/\"Off\" read as Topic.MuteAll (bool)"},
	"im_open_login_svc/account_check":       {"ResultItem[].AccountStatus": "\"Imported\"/\"NotImported\" read as Status.Imported (bool)"},
	"recentcontact/get_list":                {"SessionItem[].Type": "1/2 read as Conversation.Type (message.ConvC2C/ConvGroup)"},
	"recentcontact/mark_contact":            {"ResultItem[].OptType": "echo of the request's OptType, which the caller chose"},
	"recentcontact/update_contact_group": {
		"UpdateGroupResult.UpdateGroupType": "echo of the request's UpdateGroupType (the method chosen)",
		"UpdateGroupResult.GroupName":       "echo of the group name the caller passed",
		"UpdateGroupResult.OldGroupName":    "echo of the group name the caller passed",
	},
	"group_open_avchatroom_http_svc/modify_user_info": {"MemberList": "echo of the members and marks the caller passed; SetMarks/DeleteMarks report only the error"},
}

package timtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake side of the conformance corpus (testdata/conformance/rest, the
// documented request and response examples of Tencent's REST pages, one
// JSON file each with source, command, request and/or response): every
// documented request, sent to a fake holding the state the example
// presumes (its accounts, groups, messages, topics, taken from the
// example's ids), is answered successfully, and the answer's keys and JSON
// types match the documented response: every key the fake sends is
// documented, and every documented top-level key is sent (unless listed in
// conditionalKeys with a reason).
// CONFORMANCE_DIR points the test at another corpus while one is written.

// conformanceDir is the corpus of REST examples.
func conformanceDir() string {
	if d := os.Getenv("CONFORMANCE_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "testdata", "conformance", "rest")
}

// example is one corpus file.
type example struct {
	Source   string          `json:"source"`
	Command  string          `json:"command"`
	Title    string          `json:"title"`
	Request  json.RawMessage `json:"request"`
	Response json.RawMessage `json:"response"`
	Notes    string          `json:"notes"`
}

// envelopeKeys may appear in any answer whatever the example shows.
var envelopeKeys = map[string]bool{"ActionStatus": true, "ErrorInfo": true, "ErrorCode": true, "ErrorDisplay": true}

// conditionalKeys are top-level answer keys sent only under a condition
// the example may or may not meet: the fake may send them when an example
// does not show them, and leave them out when it does ("*" = any command).
var conditionalKeys = map[string]string{
	"* Fail_Account": "sent only when some accounts fail (用户管理/好友管理/校验好友: " +
		"\"only returned when at least one user fails\")",
	"* MsgId": "the message id newer pages add to send answers; the SDK reads it (message/batch.go)",
	"group_open_http_svc/send_group_msg MsgDropReason":            "sent only when a message is dropped by frequency control",
	"openim_msg_ext_http_svc/set_key_values ExtensionList":        "OperateType 3 (clear) answers no per-key results",
	"openim_msg_ext_http_svc/group_set_key_values ExtensionList":  "OperateType 3 (clear) answers no per-key results",
	"group_open_http_svc/get_group_msg_receipt_detail ReadList":   "Filter 0 answers ReadList, Filter 1 UnreadList",
	"group_open_http_svc/get_group_msg_receipt_detail UnreadList": "Filter 0 answers ReadList, Filter 1 UnreadList",
	"group_open_http_svc/get_group_member_info Next":              "Community groups paged by Next only",
	"openim/get_c2c_unread_msg_num AllC2CUnreadMsgNum":            "the total, documented in one example only",
	"sns/group_add ResultItem":                                    "per-friend results, sent when To_Account is given",
	"* ErrorList": "the users a Push service call (timpush/…) could not serve while it served the others " +
		"(部分成功, e.g. https://cloud.tencent.com/document/product/269/100638); the fake serves every user",
}

// extraKeys are answer keys (at any depth, "List.Key") the fake sends
// although the corpus's examples do not show them, with the source that
// documents them.
var extraKeys = map[string]string{
	"group_open_http_svc/get_group_info GroupInfo.ShutUpAllMember": "the older name of MuteAllMember, in the example of " +
		"product_new/…/群组管理/获取群组详细资料_intl_en.md; clients still read it",
	"group_open_http_svc/get_group_info GroupInfo.InfoSeq": "in the get_group_info answer fields of the shared reference " +
		"(tencent-im-rest.md §2.6, from the Chinese pages and doocs)",
	"group_open_http_svc/get_group_info GroupInfo.InviteJoinOption": "the group's invitation option, as create_group and " +
		"modify_group_base_info set it (reference §4.1)",
	"desk_http_svc/transfer_to_human IsInQueue": "whether the user was queued, in the answer's field table of " +
		"https://cloud.tencent.com/document/product/269/110581 (the example leaves it out)",
	"openim/query_online_status ErrorList": "sent when some accounts are not imported (在线状态/获取用户在线状态 field table)",
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

func extra(cmd, at, key string) bool {
	p := strings.TrimPrefix(indexRE.ReplaceAllString(at, ""), ".")
	if p != "" {
		p += "."
	}
	return extraKeys[cmd+" "+p+key] != ""
}

func conditional(cmd, key string) bool {
	return conditionalKeys[cmd+" "+key] != "" || conditionalKeys["* "+key] != ""
}

// statefulElsewhere lists documented requests that only succeed after
// calls this test does not seed (a stream the sender opened, an account
// or robot created earlier, an attribute set before); each is answered by
// the fake in the named test, which makes those calls first.
var statefulElsewhere = map[string]string{
	"openim_robot_http_svc/send_stream_msg":                            "robot.TestStream* and TestRobotsOnTheFake",
	"openim_robot_http_svc/delete_robot":                               "TestRobotsOnTheFake",
	"desk_http_svc/send_stream_msg":                                    "desk tests on the fake",
	"official_account_open_http_svc/add_subscriber":                    "TestOfficialAccountOnTheFake",
	"official_account_open_http_svc/delete_subscriber":                 "TestOfficialAccountOnTheFake",
	"official_account_open_http_svc/destroy_official_account":          "TestOfficialAccountOnTheFake",
	"official_account_open_http_svc/modify_official_account_base_info": "TestOfficialAccountOnTheFake",
	"official_account_open_http_svc/official_account_msg_recall":       "TestOfficialAccountOnTheFake",
	"official_account_open_http_svc/send_official_account_msg":         "TestOfficialAccountOnTheFake",
	"im_msg_audit/content_moderation":                                  "moderation.TestCheckOnTheFake",
	"group_open_http_svc/delete_group_attr":                            "group.TestDeleteAttrsConformance",
	"group_open_http_svc/unpin_message":                                "group.TestPinsOnTheFake",
	"recentcontact/top":                                                "conversation.TestPinOnTheFake",
	"timpush/delete_sched_task":                                        "push.TestDeleteScheduledOnTheFake (the task and the app's Sdkappid come first)",
	"timpush/revoke":                                                   "push.TestRevokeOnTheFake (the push task comes first)",
	"timpush/get_sched_task":                                           "push.TestScheduledOnTheFake (the task and the app's Sdkappid come first)",
}

func TestFakeAnswersDocumentedRequests(t *testing.T) {
	t.Parallel()
	root := conformanceDir()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	require.NoError(t, err, "the REST conformance corpus %s is missing", root)
	require.NotEmpty(t, files, "no examples under %s", root)
	routed := NewServer(t).APIs()
	sort.Strings(files)
	// The documented successful responses of each command, for requests
	// whose page shows the response in a separate example.
	answers := map[string][]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var ex example
		require.NoError(t, json.Unmarshal(b, &ex), f)
		var doc map[string]any
		if len(ex.Request) == 0 && len(ex.Response) > 0 && decodeNumber(ex.Response, &doc) == nil && documentsSuccess(doc) {
			answers[ex.Command] = append(answers[ex.Command], doc)
		}
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			var ex example
			require.NoError(t, json.Unmarshal(b, &ex))
			require.NotEmpty(t, ex.Source, "no provenance")
			require.Contains(t, routed, ex.Command, "the fake does not route %s", ex.Command)
			if len(ex.Request) == 0 {
				return // a response alone: the routing check above is its test
			}
			if _, ok := statefulElsewhere[ex.Command]; ok {
				return // answered after its prerequisite calls in the test statefulElsewhere names
			}
			var doc map[string]any
			if len(ex.Response) > 0 {
				require.NoError(t, decodeNumber(ex.Response, &doc))
				if !documentsSuccess(doc) {
					return // a documented failure: the fake's own tests cover error answers
				}
			}
			var req map[string]any
			require.NoError(t, decodeNumber(ex.Request, &req))
			s := NewServer(t, clockFor(req))
			seed(t, s, ex.Command, req)
			got := post(t, s, ex.Command, string(ex.Request))
			require.Equal(t, 0, codeIn(got), "the fake refused the documented request: %v", got)
			if doc != nil {
				for _, p := range compareShape(ex.Command, "", doc, got, true) {
					t.Error(p)
				}
				return
			}
			// A request alone: the answer matches one of the command's
			// documented responses (the closest is reported), if any.
			var best []string
			for i, d := range answers[ex.Command] {
				ps := compareShape(ex.Command, "", d, got, true)
				if i == 0 || len(ps) < len(best) {
					best = ps
				}
			}
			for _, p := range best {
				t.Error(p)
			}
		})
	}
}

func decodeNumber(raw []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(v)
}

func documentsSuccess(doc map[string]any) bool {
	if st, ok := doc["ActionStatus"].(string); ok && st != "OK" {
		return false
	}
	if n, ok := doc["ErrorCode"].(json.Number); ok && n.String() != "0" {
		return false
	}
	return true
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// compareShape lists where got's keys or types differ from doc's.
func compareShape(cmd, at string, doc, got any, top bool) []string {
	var out []string
	dk, gk := jsonKind(doc), jsonKind(got)
	switch {
	case dk == "null" || gk == "null":
		return nil
	case dk != gk:
		return []string{fmt.Sprintf("%s: documented %s, the fake sends %s", at, dk, gk)}
	}
	switch d := doc.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, gv := range g {
			if top && envelopeKeys[k] {
				continue
			}
			dv, ok := d[k]
			if !ok && ((top && conditional(cmd, k)) || extra(cmd, at, k)) {
				continue
			}
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: the fake sends an undocumented key", at, k))
				continue
			}
			out = append(out, compareShape(cmd, at+"."+k, dv, gv, false)...)
		}
		if top {
			for k := range d {
				if _, ok := g[k]; !ok && !envelopeKeys[k] && !conditional(cmd, k) && !extra(cmd, at, k) {
					out = append(out, fmt.Sprintf("%s.%s: documented, the fake leaves it out", at, k))
				}
			}
		}
	case []any:
		// Each element the fake sends is held to the union of the
		// documented elements.
		union := unionOf(d)
		if union == nil {
			return nil
		}
		for i, gv := range got.([]any) {
			out = append(out, compareShape(cmd, fmt.Sprintf("%s[%d]", at, i), union, gv, false)...)
		}
	}
	return out
}

// unionOf merges the documented elements of an array: objects into one
// object with every key, scalars into the first.
func unionOf(list []any) any {
	if len(list) == 0 {
		return nil
	}
	m, ok := list[0].(map[string]any)
	if !ok {
		return list[0]
	}
	u := map[string]any{}
	for k, v := range m {
		u[k] = v
	}
	for _, e := range list[1:] {
		if em, ok := e.(map[string]any); ok {
			for k, v := range em {
				if _, have := u[k]; !have {
					u[k] = v
				}
			}
		}
	}
	return u
}

// clockFor sets the fake's clock two hours after a documented MsgTime hour
// (get_history serves the last seven days only); nil keeps the real clock.
func clockFor(req map[string]any) Option {
	hour, ok := req["MsgTime"].(string)
	if !ok {
		return nil
	}
	at, err := time.ParseInLocation("2006010215", hour, beijing)
	if err != nil {
		return nil
	}
	return WithClock(func() time.Time { return at.Add(2 * time.Hour) })
}

// accountKeys are request fields whose strings (or string arrays) are UserIDs.
var accountKeys = map[string]bool{
	"From_Account": true, "To_Account": true, "Member_Account": true, "Owner_Account": true, "Operator_Account": true,
	"Peer_Account": true, "Report_Account": true, "Set_Account": true, "Get_Account": true, "Members_Account": true,
	"MemberToDel_Account": true, "User_Account": true, "Member_List_Account": true, "NewOwner_Account": true,
	"Admin_Account": true, "Sender_Account": true, "ToMembers_Account": true, "UserID": true, "Accounts": true,
	"Pinner_Account": true, "UnPinner_Account": true,
}

// officialSeeded are the official-account commands whose documented
// request the fake answers once seed has made the account and a subscriber.
var officialSeeded = []string{
	"official_account_open_http_svc/modify_subscriber_info",
	"official_account_open_http_svc/get_subscriber_info",
	"official_account_open_http_svc/official_account_msg_get_simple",
}

// liveCommands work on AVChatRoom groups only.
var liveCommands = []string{"group_open_http_svc/ban_group_member", "group_open_http_svc/unban_group_member",
	"group_open_http_svc/get_group_ban_member", "group_open_http_svc/get_online_member_num"}

// seed gives s the state a documented request presumes, from its ids.
func seed(t *testing.T, s *Server, cmd string, req map[string]any) {
	t.Helper()
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var accounts []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case string:
			if accountKeys[key] && x != "" {
				accounts = append(accounts, x)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		}
	}
	walk("", req)
	for _, a := range accounts {
		s.addAccount(a, now)
	}
	str := func(k string) string { v, _ := req[k].(string); return v }
	num := func(v any) uint64 {
		n, _ := v.(json.Number)
		u, _ := strconv.ParseUint(n.String(), 10, 64)
		return u
	}

	// Groups named by a list exist (as Public groups).
	if l, ok := req["GroupIdList"].([]any); ok {
		for _, it := range l {
			if id, ok := it.(string); ok && s.groups[id] == nil {
				s.groupSer++
				s.groups[id] = &group{serial: s.groupSer, id: id, typ: TypePublic, name: "seeded", createTime: now.Unix(),
					infoSeq: 1, nextSeq: 1, maxMembers: 2000, applyJoin: "FreeAccess", inviteJoin: "FreeAccess",
					byAcc: map[string]*member{}, dedup: map[string]*groupDedup{}}
			}
		}
	}

	// The group of the request, with the request's users as members.
	gid := str("GroupId")
	creates := cmd == "group_open_http_svc/create_group" || cmd == "group_open_http_svc/import_group"
	var g *group
	if gid != "" && !creates {
		typ := TypePublic
		switch {
		case strings.HasPrefix(gid, "@TGS#_"):
			typ = TypeCommunity
		case strings.HasPrefix(cmd, "group_open_avchatroom_http_svc/") || slices.Contains(liveCommands, cmd):
			typ = TypeAVChatRoom
		}
		s.groupSer++
		g = &group{serial: s.groupSer, id: gid, typ: typ, name: "seeded", createTime: now.Unix(), infoSeq: 1, nextSeq: 1,
			maxMembers: 6000, applyJoin: "FreeAccess", inviteJoin: "FreeAccess", byAcc: map[string]*member{},
			dedup: map[string]*groupDedup{}, supportTopic: typ == TypeCommunity}
		g.x.init()
		for _, a := range accounts {
			role := RoleMember
			if a == str("Owner_Account") && typ != TypeAVChatRoom {
				role, g.owner = RoleOwner, a
			}
			s.convTick++
			g.addMember(a, role, now, s.convTick)
		}
		s.groups[gid] = g
		// The messages it names, sent by the admin.
		maxSeq := num(req["MsgSeq"])
		if l, ok := req["MsgSeqList"].([]any); ok {
			for _, it := range l {
				if m, ok := it.(map[string]any); ok {
					maxSeq = max(maxSeq, num(m["MsgSeq"]))
				}
			}
		}
		for g.nextSeq <= maxSeq {
			g.msgs = append(g.msgs, &groupMsg{seq: g.nextSeq, from: s.cfg.admins[0], time: now.Unix(),
				body: json.RawMessage(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"seed"}}]`), priority: "Normal"})
			g.nextSeq++
		}
		// The topics it names.
		topics := []string{}
		if id := str("TopicId"); id != "" && cmd != "million_group_open_http_svc/create_topic" && cmd != "group_open_http_svc/import_topic" {
			topics = append(topics, id)
		}
		if l, ok := req["TopicIdList"].([]any); ok {
			for _, it := range l {
				if id, ok := it.(string); ok {
					topics = append(topics, id)
				}
			}
		}
		if l, ok := req["TopicPermissionList"].([]any); ok {
			for _, it := range l {
				if m, ok := it.(map[string]any); ok {
					if id, ok := m["TopicId"].(string); ok {
						topics = append(topics, id)
					}
				}
			}
		}
		for _, id := range topics {
			g.x.topics[id] = &topic{id: id, name: "seeded", createTime: now.Unix(), nextSeq: 1}
			g.x.topicOrder = append(g.x.topicOrder, id)
		}
		// The topic message it names (pin_message on a topic).
		if t := g.x.topics[str("TopicId")]; t != nil {
			for t.nextSeq <= maxSeq {
				t.msgs = append(t.msgs, &groupMsg{seq: t.nextSeq, from: s.cfg.admins[0], time: now.Unix(),
					body: json.RawMessage(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"seed"}}]`), priority: "Normal"})
				t.nextSeq++
			}
		}
		// The permission groups it names (Community groups), holding a
		// permission in the topics a get_topic_permission_group names.
		if typ == TypeCommunity {
			perms := []string{}
			if id := str("PermissionGroupId"); id != "" {
				perms = append(perms, id)
			}
			if l, ok := req["PermissionGroupIdList"].([]any); ok {
				for _, it := range l {
					if id, ok := it.(string); ok {
						perms = append(perms, id)
					}
				}
			}
			g.x.perms = map[string]*permGroup{}
			for _, id := range perms {
				p := &permGroup{id: id, name: "seeded", topics: map[string]uint64{}}
				if cmd == "group_open_http_svc/get_topic_permission_group" {
					for _, tid := range topics {
						p.topics[tid] = 1
						p.topicOrder = append(p.topicOrder, tid)
					}
				}
				g.x.perms[id] = p
				g.x.permOrder = append(g.x.permOrder, id)
			}
		}
		// Extension keys whose current Seq the request gives.
		if l, ok := req["ExtensionList"].([]any); ok {
			st := s.extStoreLocked(s.ext.groupExt, gid+"\x00"+strconv.FormatUint(num(req["MsgSeq"]), 10))
			seedExt(st, l, num)
		}
	}

	// C2C messages named by MsgKey.
	seedC2C := func(from, to, key string) *c2cMsg {
		parts := strings.Split(key, "_")
		if len(parts) != 3 || from == "" || to == "" {
			return nil
		}
		seq, _ := strconv.ParseUint(parts[0], 10, 32)
		rnd, _ := strconv.ParseUint(parts[1], 10, 32)
		ts, _ := strconv.ParseInt(parts[2], 10, 64)
		s.addAccount(from, now)
		s.addAccount(to, now)
		m := &c2cMsg{from: from, to: to, seq: uint32(seq), random: uint32(rnd), time: ts, key: key,
			body: json.RawMessage(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"seed"}}]`), senderRoam: true}
		s.storeC2CLocked(m, true)
		return m
	}
	if key := str("MsgKey"); key != "" {
		seedC2C(str("From_Account"), str("To_Account"), key)
		if l, ok := req["ExtensionList"].([]any); ok {
			seedExt(s.extStoreLocked(s.ext.c2cExt, c2cExtKey(str("From_Account"), str("To_Account"), key)), l, num)
		}
	}
	if l, ok := req["MsgKeyList"].([]any); ok {
		for _, k := range l {
			if key, ok := k.(string); ok {
				seedC2C(str("Operator_Account"), str("Peer_Account"), key)
			}
		}
	}
	if l, ok := req["C2CMsgInfo"].([]any); ok {
		for _, it := range l {
			if m, ok := it.(map[string]any); ok {
				f, _ := m["From_Account"].(string)
				to, _ := m["To_Account"].(string)
				k, _ := m["MsgKey"].(string)
				seedC2C(f, to, k)
			}
		}
	}

	// Push attribute names the request uses.
	attrName := func(name string) {
		if !s.attrDefinedLocked(name) {
			s.ext.attrNames[strconv.Itoa(len(s.ext.attrNames))] = name
		}
	}
	if l, ok := req["UserAttrs"].([]any); ok {
		for _, it := range l {
			if m, ok := it.(map[string]any); ok {
				if attrs, ok := m["Attrs"].(map[string]any); ok {
					for k := range attrs {
						attrName(k)
					}
				}
			}
		}
	}

	// Conversation groups the request names.
	if strings.HasPrefix(cmd, "recentcontact/") {
		if b, err := s.bookLocked(str("From_Account")); err == nil {
			var names []string
			if u, ok := req["UpdateGroup"].(map[string]any); ok {
				if n, ok := u["OldGroupName"].(string); ok {
					names = append(names, n)
				}
			}
			if cmd == "recentcontact/del_contact_group" {
				if l, ok := req["GroupName"].([]any); ok {
					for _, n := range l {
						if n, ok := n.(string); ok {
							names = append(names, n)
						}
					}
				}
			}
			for _, n := range names {
				if b.group(n) == nil {
					b.nextID++
					b.groups = append(b.groups, &contactGroup{name: n, id: b.nextID})
				}
			}
		}
	}

	// get_history: a message in the documented hour (Beijing time).
	if cmd == "open_msg_svc/get_history" {
		if hour, err := time.ParseInLocation("2006010215", str("MsgTime"), beijing); err == nil {
			at := hour.Add(time.Minute).Unix()
			s.addAccount("h1", now)
			s.addAccount("h2", now)
			s.storeC2CLocked(&c2cMsg{from: "h1", to: "h2", seq: 1, random: 1, time: at, key: fmt.Sprintf("1_1_%d", at),
				body: json.RawMessage(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"seed"}}]`), senderRoam: true}, true)
			s.groupSer++
			hg := &group{serial: s.groupSer, id: "history", typ: TypePublic, name: "h", infoSeq: 1, nextSeq: 2,
				byAcc: map[string]*member{}, dedup: map[string]*groupDedup{}}
			hg.msgs = append(hg.msgs, &groupMsg{seq: 1, from: "h1", time: at,
				body: json.RawMessage(`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"seed"}}]`)})
			s.groups[hg.id] = hg
		}
	}

	// The official account a read or a subscriber change names exists, owned
	// by a seeded account, with the named subscriber (or one, for a read).
	if id := str("Official_Account"); id != "" && slices.Contains(officialSeeded, cmd) {
		st := s.officialLocked()
		if st.accounts[id] == nil {
			s.addAccount("oa-owner", now)
			st.accounts[id] = &officialAccount{id: id, owner: "oa-owner", name: "seeded", maxSubs: 100000}
			st.order = append(st.order, id)
		}
		sub := str("Subscriber_Account")
		if sub == "" {
			sub = "oa-subscriber"
		}
		s.addAccount(sub, now)
		a := st.accounts[id]
		if a.subscriberIndex(sub) < 0 {
			a.subscribers = append(a.subscribers, &officialSub{id: sub, at: now})
		}
		if cmd == "official_account_open_http_svc/official_account_msg_get_simple" && len(a.msgs) == 0 {
			// Two broadcasts before any documented LastMsgKey's Seq (71).
			for seq := uint64(1); seq <= 2; seq++ {
				a.msgSeq = seq
				a.msgs = append(a.msgs, &officialMsg{seq: seq, key: fmt.Sprintf("%d_1_%d", seq, now.Unix()), at: now,
					body: json.RawMessage(`[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"seed","Desc":"MIF","Ext":""}}]`)})
			}
		}
	}

	// A live group's members are online members.
	if g != nil && g.typ == TypeAVChatRoom {
		for _, a := range accounts {
			g.byAcc[a].joinTime = now.Add(-time.Minute).Unix()
		}
	}
}

// seedExt gives each key of a set/delete request the Seq the request expects.
func seedExt(st *extStore, list []any, num func(any) uint64) {
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		k, _ := m["Key"].(string)
		if q := num(m["Seq"]); q > 0 && k != "" {
			st.items[k] = &extItem{Key: k, Value: "old", Seq: q}
			st.latestSeq = max(st.latestSeq, q)
		}
	}
}

// TestCompareShape holds the comparison itself to account.
func TestCompareShape(t *testing.T) {
	t.Parallel()
	var doc, good, undocumented, typed, missing map[string]any
	require.NoError(t, decodeNumber([]byte(`{"ActionStatus":"OK","List":[{"A":1},{"B":"x"}],"N":2}`), &doc))
	require.NoError(t, decodeNumber([]byte(`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"List":[{"A":3,"B":"y"}],"N":5}`), &good))
	require.NoError(t, decodeNumber([]byte(`{"List":[{"C":1}],"N":5}`), &undocumented))
	require.NoError(t, decodeNumber([]byte(`{"List":[{"A":"3"}],"N":5}`), &typed))
	require.NoError(t, decodeNumber([]byte(`{"List":[]}`), &missing))
	assert.Empty(t, compareShape("x", "", doc, good, true))
	assert.Equal(t, []string{".List[0].C: the fake sends an undocumented key"}, compareShape("x", "", doc, undocumented, true))
	assert.Equal(t, []string{".List[0].A: documented number, the fake sends string"}, compareShape("x", "", doc, typed, true))
	assert.Equal(t, []string{".N: documented, the fake leaves it out"}, compareShape("x", "", doc, missing, true))
	assert.True(t, extra("group_open_http_svc/get_group_info", ".GroupInfo[3]", "InfoSeq"))
	assert.False(t, extra("group_open_http_svc/get_group_info", "", "InfoSeq"))
	assert.True(t, extra("openim/query_online_status", "", "ErrorList"))
}

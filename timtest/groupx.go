package timtest

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
)

// Group commands beyond the basics: custom attributes, counters, bans,
// muted lists, roles, imports, unread counts, history deletion, broadcast,
// read receipts and the live-streaming (AVChatRoom) member APIs.
// Sources: REST API/群组相关/{群自定义属性,群计数器,群成员管理,直播群管理,群资料}/*_intl_en.md,
// REST API/消息相关/{已读回执,发送消息/导入群消息,发送消息/直播群广播消息,删除消息}/*_intl_en.md,
// REST API/会话相关/会话未读数/设置成员未读消息计数_intl_en.md; get_admin_list and
// modify_admin: https://tencentcloud.com/document/product/1047/60524 and /60525.

const (
	maxGroupAttrs      = 16
	maxGroupAttrKey    = 32
	maxGroupAttrValue  = 4000
	maxCountersPerCall = 20
	maxCountersOfGroup = 20 // 10063 above (群计数器/更新群计数器)
	maxCounterKey      = 128
	maxBanPerCall      = 20
	maxBanPage         = 100
	maxReceiptSeqs     = 50
	maxReceiptPage     = 200
	maxLiveAdmins      = 5
	maxLiveMarks       = 10
	maxLivePage        = 100
	maxRolesUsers      = 500
	maxSpecifiedUsers  = 50
	maxImportMsgs      = 7 // 发送消息/导入群消息: "up to seven group messages"
)

// Codes of the attribute and counter pages (群自定义属性/*, 群计数器/更新群计数器).
const (
	codeAttrKeyLen    = 10045
	codeAttrValueLen  = 10046
	codeAttrCount     = 10047
	codeAttrTotal     = 10048
	codeCounterKeys   = 10063
	maxGroupAttrTotal = 16000
)

// groupExtra is the state of a group these commands keep.
type groupExtra struct {
	attrs      []attrKV
	counters   []counterKV
	banned     map[string]int64 // account → unix second the ban ends
	reads      map[uint64]map[string]bool
	liveAdmins []string
	marks      map[string][]uint32
	unread     map[string]int
	topics     map[string]*topic
	topicOrder []string
	perms      map[string]*permGroup // permission groups of a Community (permgroup.go)
	permOrder  []string
	imported   bool
	pins       []pinnedMsg // pin.go, most recent first
}

type attrKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type counterKV struct {
	Key   string `json:"Key"`
	Value int64  `json:"Value"`
}

func (x *groupExtra) init() {
	if x.banned == nil {
		x.banned, x.reads, x.marks, x.unread, x.topics = map[string]int64{}, map[uint64]map[string]bool{},
			map[string][]uint32{}, map[string]int{}, map[string]*topic{}
	}
}

// groupX finds a live group with its extra state initialised; s.mu is held.
func (s *Server) groupX(id string, types ...string) (*group, error) {
	g, err := s.groupLocked(id)
	if err != nil {
		return nil, err
	}
	if len(types) > 0 {
		if err := requireType(g, types...); err != nil {
			return nil, err
		}
	}
	g.x.init()
	return g, nil
}

func requireType(g *group, types ...string) error {
	if !slices.Contains(types, g.typ) {
		return fail(codeGroupPermission, "group type %s does not support this API", g.typ)
	}
	return nil
}

// ---- custom attributes

func (c *call) getGroupAttr() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	list := slices.Clone(g.x.attrs)
	if list == nil {
		list = []attrKV{}
	}
	return &struct {
		envelope
		GroupAttrAry []attrKV `json:"GroupAttrAry"`
	}{GroupAttrAry: list}, nil
}

func (c *call) modifyGroupAttr() (any, error) { return c.writeGroupAttr(false) }
func (c *call) setGroupAttr() (any, error)    { return c.writeGroupAttr(true) }

func (c *call) writeGroupAttr(replace bool) (any, error) {
	var req struct {
		GroupID   string   `json:"GroupId"`
		GroupAttr []attrKV `json:"GroupAttr"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.GroupAttr) == 0 {
		return nil, fail(codeGroupParam, "parameter error: GroupAttr is empty")
	}
	for i, a := range req.GroupAttr {
		if a.Key == "" {
			return nil, fail(codeGroupParam, "parameter error: GroupAttr[%d].key is empty", i)
		}
		if len(a.Key) > maxGroupAttrKey {
			return nil, fail(codeAttrKeyLen, "GroupAttr[%d].key is longer than %d bytes", i, maxGroupAttrKey)
		}
		if len(a.Value) > maxGroupAttrValue {
			return nil, fail(codeAttrValueLen, "GroupAttr[%d].value is longer than %d bytes", i, maxGroupAttrValue)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	next := slices.Clone(g.x.attrs)
	if replace {
		next = nil
	}
	for _, a := range req.GroupAttr {
		if i := slices.IndexFunc(next, func(x attrKV) bool { return x.Key == a.Key }); i >= 0 {
			next[i] = a
		} else {
			next = append(next, a)
		}
	}
	if len(next) > maxGroupAttrs {
		return nil, fail(codeAttrCount, "a group holds at most %d custom attributes", maxGroupAttrs)
	}
	total := 0
	for _, a := range next {
		total += len(a.Value)
	}
	if total > maxGroupAttrTotal {
		return nil, fail(codeAttrTotal, "the attribute values total %d bytes, limit is %d", total, maxGroupAttrTotal)
	}
	g.x.attrs = next
	return &envelope{}, nil
}

func (c *call) clearGroupAttr() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	g.x.attrs = nil
	return &envelope{}, nil
}

// deleteGroupAttr removes the named keys; a key the group does not have is
// answered 10050, as Tencent does (1047/59499).
func (c *call) deleteGroupAttr() (any, error) {
	var req struct {
		GroupID   string `json:"GroupId"`
		GroupAttr []struct {
			Key string `json:"key"`
		} `json:"GroupAttr"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.GroupAttr) == 0 {
		return nil, fail(codeGroupParam, "parameter error: GroupAttr is empty")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	next := slices.Clone(g.x.attrs)
	for i, a := range req.GroupAttr {
		j := slices.IndexFunc(next, func(x attrKV) bool { return x.Key == a.Key })
		if j < 0 {
			return nil, fail(10050, "GroupAttr[%d].key %q: the group has no such attribute", i, a.Key)
		}
		next = slices.Delete(next, j, j+1)
	}
	g.x.attrs = next
	return &envelope{}, nil
}

// ---- counters

func checkCounterKeys(keys []string) error {
	if len(keys) > maxCountersPerCall {
		return fail(codeGroupParam, "parameter error: GroupCounterKeys holds %d keys, limit is %d", len(keys), maxCountersPerCall)
	}
	for i, k := range keys {
		if k == "" || len(k) > maxCounterKey {
			return fail(codeGroupParam, "parameter error: GroupCounterKeys[%d] must be 1..%d bytes", i, maxCounterKey)
		}
	}
	return nil
}

func (c *call) getGroupCounter() (any, error) {
	var req struct {
		GroupID          string   `json:"GroupId"`
		GroupCounterKeys []string `json:"GroupCounterKeys"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkCounterKeys(req.GroupCounterKeys); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypePrivate, TypePublic, TypeChatRoom, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	out := []counterKV{}
	for _, kv := range g.x.counters {
		if len(req.GroupCounterKeys) == 0 || slices.Contains(req.GroupCounterKeys, kv.Key) {
			out = append(out, kv)
		}
	}
	return &struct {
		envelope
		GroupCounter []counterKV `json:"GroupCounter"`
	}{GroupCounter: out}, nil
}

func (c *call) updateGroupCounter() (any, error) {
	var req struct {
		GroupID      string      `json:"GroupId"`
		GroupCounter []counterKV `json:"GroupCounter"`
		Mode         string      `json:"Mode"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Mode != "Set" && req.Mode != "Increase" && req.Mode != "Decrease" {
		return nil, fail(codeGroupParam, "parameter error: Mode must be Set, Increase or Decrease")
	}
	keys := make([]string, len(req.GroupCounter))
	for i, kv := range req.GroupCounter {
		keys[i] = kv.Key
	}
	if len(keys) == 0 {
		return nil, fail(codeGroupParam, "parameter error: GroupCounter is empty")
	}
	if err := checkCounterKeys(keys); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypePrivate, TypePublic, TypeChatRoom, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	next := slices.Clone(g.x.counters)
	var out []counterKV
	for _, kv := range req.GroupCounter {
		i := slices.IndexFunc(next, func(x counterKV) bool { return x.Key == kv.Key })
		if i < 0 {
			next = append(next, counterKV{Key: kv.Key})
			i = len(next) - 1
		}
		switch req.Mode {
		case "Set":
			next[i].Value = kv.Value
		case "Increase":
			next[i].Value += kv.Value
		case "Decrease":
			next[i].Value -= kv.Value
		}
		out = append(out, next[i])
	}
	if len(next) > maxCountersOfGroup {
		return nil, fail(codeCounterKeys, "a group holds at most %d counter keys", maxCountersOfGroup)
	}
	g.x.counters = next
	return &struct {
		envelope
		GroupCounter []counterKV `json:"GroupCounter"`
	}{GroupCounter: out}, nil
}

func (c *call) deleteGroupCounter() (any, error) {
	var req struct {
		GroupID          string   `json:"GroupId"`
		GroupCounterKeys []string `json:"GroupCounterKeys"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkCounterKeys(req.GroupCounterKeys); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if len(req.GroupCounterKeys) == 0 {
		g.x.counters = nil
	} else {
		g.x.counters = slices.DeleteFunc(g.x.counters, func(x counterKV) bool { return slices.Contains(req.GroupCounterKeys, x.Key) })
	}
	return &envelope{}, nil
}

// ---- bans and mutes

func (c *call) banGroupMember() (any, error) {
	var req struct {
		GroupID        string   `json:"GroupId"`
		MembersAccount []string `json:"Members_Account"`
		Duration       uint64   `json:"Duration"`
		Description    string   `json:"Description"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("Members_Account", len(req.MembersAccount), maxBanPerCall, "ids"); err != nil {
		return nil, err
	}
	if req.Duration == 0 || req.Duration > math.MaxUint32 {
		return nil, fail(codeGroupParam, "parameter error: Duration must be 1..4294967295 seconds")
	}
	if len(req.Description) > 1000 {
		return nil, fail(codeGroupParam, "parameter error: Description is longer than 1000 bytes")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	until := c.now.Unix() + int64(req.Duration)
	for _, id := range req.MembersAccount {
		g.x.banned[id] = until
		g.removeMember(id) // a banned member leaves the live group
	}
	return &envelope{}, nil
}

func (c *call) unbanGroupMember() (any, error) {
	var req struct {
		GroupID        string   `json:"GroupId"`
		MembersAccount []string `json:"Members_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("Members_Account", len(req.MembersAccount), maxBanPerCall, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	for _, id := range req.MembersAccount {
		delete(g.x.banned, id)
	}
	return &envelope{}, nil
}

func (c *call) getGroupBanMember() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
		Limit   int    `json:"Limit"`
		Offset  int    `json:"Offset"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Limit < 0 || req.Limit > maxBanPage || req.Offset < 0 {
		return nil, fail(codeGroupParam, "parameter error: Limit must be 1..%d and Offset not negative", maxBanPage)
	}
	if req.Limit == 0 {
		req.Limit = maxBanPage
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	type item struct {
		BannedUntil   int64  `json:"BannedUntil"`
		MemberAccount string `json:"Member_Account"`
	}
	var all []item
	for id, until := range g.x.banned {
		if until > c.now.Unix() {
			all = append(all, item{until, id})
		}
	}
	slices.SortFunc(all, func(a, b item) int {
		if a.MemberAccount < b.MemberAccount {
			return -1
		}
		return 1
	})
	page := all[min(req.Offset, len(all)):]
	page = page[:min(req.Limit, len(page))]
	next := 0
	if req.Offset+len(page) < len(all) {
		next = req.Offset + len(page)
	}
	if page == nil {
		page = []item{}
	}
	return &struct {
		envelope
		BannedAccountList []item `json:"BannedAccountList"`
		NextOffset        int    `json:"NextOffset"`
	}{BannedAccountList: page, NextOffset: next}, nil
}

// Banned reports until when userID is banned from an AVChatRoom group.
func (s *Server) Banned(groupID, userID string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[groupID]
	if g == nil {
		return time.Time{}, false
	}
	until, ok := g.x.banned[userID]
	if !ok || until <= s.Now().Unix() {
		return time.Time{}, false
	}
	return time.Unix(until, 0), true
}

func (c *call) getGroupMutedAccount() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
		TopicID string `json:"TopicId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if req.TopicID != "" && g.x.topics[req.TopicID] == nil {
		return nil, fail(codeGroupNotFound, "topic %q does not exist", req.TopicID)
	}
	type item struct {
		MemberAccount string `json:"Member_Account"`
		MutedUntil    int64  `json:"MutedUntil"`
	}
	list := []item{}
	for _, m := range g.members {
		if m.muteUntil > c.now.Unix() {
			list = append(list, item{m.account, m.muteUntil})
		}
	}
	return &struct {
		envelope
		GroupID          string `json:"GroupId"`
		MutedAccountList []item `json:"MutedAccountList"`
	}{GroupID: g.id, MutedAccountList: list}, nil
}

func (c *call) getOnlineMemberNum() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	return &struct {
		envelope
		OnlineMemberNum int `json:"OnlineMemberNum"`
	}{OnlineMemberNum: len(g.members)}, nil
}

// ---- roles and member lookups

func (c *call) getRoleInGroup() (any, error) {
	var req struct {
		GroupID     string   `json:"GroupId"`
		UserAccount []string `json:"User_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("User_Account", len(req.UserAccount), maxRolesUsers, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	type item struct {
		MemberAccount string `json:"Member_Account"`
		Role          string `json:"Role"`
	}
	out := make([]item, 0, len(req.UserAccount))
	for _, id := range req.UserAccount {
		role := "NotMember"
		if m := g.byAcc[id]; m != nil {
			role = m.role
		}
		out = append(out, item{id, role})
	}
	return &struct {
		envelope
		UserIDList []item `json:"UserIdList"`
	}{UserIDList: out}, nil
}

func (c *call) getSpecifiedGroupMemberInfo() (any, error) {
	var req struct {
		GroupID           string   `json:"GroupId"`
		MemberListAccount []string `json:"Member_List_Account"`
		MemberInfoFilter  []string `json:"MemberInfoFilter"`
		MemberRoleFilter  []string `json:"MemberRoleFilter"`
		AppFilter         []string `json:"AppDefinedDataFilter_GroupMember"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("Member_List_Account", len(req.MemberListAccount), maxSpecifiedUsers, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom groups do not support this API")
	}
	appF := req.AppFilter
	if appF == nil {
		appF = []string{}
	}
	out := []memberOut{}
	for _, id := range req.MemberListAccount {
		m := g.byAcc[id]
		if m == nil || (len(req.MemberRoleFilter) > 0 && !slices.Contains(req.MemberRoleFilter, m.role)) {
			continue
		}
		out = append(out, m.out(req.MemberInfoFilter, appF, g))
	}
	return &struct {
		envelope
		MemberList []memberOut `json:"MemberList"`
	}{MemberList: out}, nil
}

// ---- imports

func (c *call) importGroup() (any, error) {
	var req struct {
		OwnerAccount     string `json:"Owner_Account"`
		Type             string `json:"Type"`
		GroupID          string `json:"GroupId"`
		Name             string `json:"Name"`
		Introduction     string `json:"Introduction"`
		Notification     string `json:"Notification"`
		FaceURL          string `json:"FaceUrl"`
		MaxMemberCount   int    `json:"MaxMemberCount"`
		ApplyJoinOption  string `json:"ApplyJoinOption"`
		InviteJoinOption string `json:"InviteJoinOption"`
		CreateTime       int64  `json:"CreateTime"`
		AppDefinedData   []kv   `json:"AppDefinedData"`
		SupportTopic     int    `json:"SupportTopic"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	def, ok := defaultMaxMembers[req.Type]
	if !ok || req.Type == TypeAVChatRoom {
		return nil, fail(codeGroupParam, "parameter error: Type %q cannot be imported (Private, Public, ChatRoom or Community)", req.Type)
	}
	if err := checkGroupText(&req.Name, &req.Introduction, &req.Notification, &req.FaceURL); err != nil {
		return nil, err
	}
	if req.GroupID != "" && !validGroupID(req.GroupID, req.Type) {
		return nil, fail(codeGroupParam, "parameter error: GroupId %q: printable ASCII of at most %d bytes; @TGS# is reserved", req.GroupID, maxGroupIDBytes)
	}
	if !validJoinOption(req.ApplyJoinOption, false) || !validJoinOption(req.InviteJoinOption, true) {
		return nil, fail(codeGroupParam, "parameter error: invalid ApplyJoinOption or InviteJoinOption")
	}
	if req.SupportTopic == 1 && req.Type != TypeCommunity {
		return nil, fail(codeGroupParam, "parameter error: SupportTopic needs Type Community")
	}
	if req.MaxMemberCount < 0 || req.CreateTime < 0 || req.CreateTime > c.now.Unix() {
		return nil, fail(codeGroupParam, "parameter error: MaxMemberCount or CreateTime out of range")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.OwnerAccount != "" && s.accounts[req.OwnerAccount] == nil {
		return nil, fail(codeGroupNoAccount, "Owner_Account %q not imported", req.OwnerAccount)
	}
	id := req.GroupID
	if id != "" && s.groups[id] != nil {
		return nil, fail(codeGroupIDTaken, "GroupId %q is already used", id)
	}
	for id == "" || s.groups[id] != nil {
		id = newGroupID(req.Type)
	}
	created := req.CreateTime
	if created == 0 {
		created = c.now.Unix()
	}
	maxN := def
	if req.MaxMemberCount > 0 {
		maxN = req.MaxMemberCount
	}
	apply := req.ApplyJoinOption
	if apply == "" {
		apply = "NeedPermission"
		if req.Type == TypePrivate {
			apply = "DisableApply"
		}
	}
	invite := req.InviteJoinOption
	if invite == "" {
		invite = "NeedPermission"
	}
	s.groupSer++
	g := &group{serial: s.groupSer, id: id, typ: req.Type, name: req.Name, intro: req.Introduction,
		notif: req.Notification, face: req.FaceURL, owner: req.OwnerAccount, createTime: created,
		lastInfoTime: created, infoSeq: 1, nextSeq: 1, maxMembers: maxN, applyJoin: apply, inviteJoin: invite,
		appData: slices.Clone(req.AppDefinedData), byAcc: map[string]*member{}, dedup: map[string]*groupDedup{},
		supportTopic: req.SupportTopic == 1}
	g.x.init()
	g.x.imported = true
	if g.owner != "" {
		s.convTick++
		g.addMember(g.owner, RoleOwner, time.Unix(created, 0), s.convTick)
	}
	s.groups[id] = g
	return &struct {
		envelope
		GroupID string `json:"GroupId"`
	}{GroupID: id}, nil
}

func (c *call) importGroupMember() (any, error) {
	var req struct {
		GroupID    string `json:"GroupId"`
		MemberList []struct {
			MemberAccount string `json:"Member_Account"`
			Role          string `json:"Role"`
			JoinTime      int64  `json:"JoinTime"`
			UnreadMsgNum  int    `json:"UnreadMsgNum"`
		} `json:"MemberList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("MemberList", len(req.MemberList), maxAddMembers, "members"); err != nil {
		return nil, err
	}
	for i, m := range req.MemberList {
		if m.MemberAccount == "" {
			return nil, fail(codeGroupParam, "parameter error: MemberList[%d].Member_Account is required", i)
		}
		if m.Role != "" && m.Role != RoleAdmin && m.Role != RoleMember {
			return nil, fail(codeGroupParam, "parameter error: MemberList[%d].Role must be Admin", i)
		}
		if m.JoinTime < 0 || m.JoinTime > c.now.Unix() || m.UnreadMsgNum < 0 {
			return nil, fail(codeGroupParam, "parameter error: MemberList[%d]: JoinTime or UnreadMsgNum out of range", i)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom groups do not support importing members")
	}
	type result struct {
		MemberAccount string `json:"Member_Account"`
		Result        int    `json:"Result"`
	}
	out := []result{}
	for _, m := range req.MemberList {
		switch {
		case g.byAcc[m.MemberAccount] != nil:
			out = append(out, result{m.MemberAccount, 2})
		case s.accounts[m.MemberAccount] == nil || (g.maxMembers > 0 && len(g.members) >= g.maxMembers):
			out = append(out, result{m.MemberAccount, 0})
		default:
			role := m.Role
			if role == "" {
				role = RoleMember
			}
			join := c.now
			if m.JoinTime > 0 {
				join = time.Unix(m.JoinTime, 0)
			}
			s.convTick++
			g.addMember(m.MemberAccount, role, join, s.convTick)
			if m.UnreadMsgNum > 0 {
				g.x.unread[m.MemberAccount] = m.UnreadMsgNum
			}
			out = append(out, result{m.MemberAccount, 1})
		}
	}
	return &struct {
		envelope
		MemberList []result `json:"MemberList"`
	}{MemberList: out}, nil
}

func (c *call) importGroupMsg() (any, error) {
	var req struct {
		GroupID           string `json:"GroupId"`
		RecentContactFlag int    `json:"RecentContactFlag"`
		TopicID           string `json:"TopicId"`
		MsgList           []struct {
			FromAccount string          `json:"From_Account"`
			SendTime    int64           `json:"SendTime"`
			Random      uint32          `json:"Random"`
			MsgBody     json.RawMessage `json:"MsgBody"`
		} `json:"MsgList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MsgList) == 0 || len(req.MsgList) > maxImportMsgs {
		return nil, fail(codeGroupParam, "parameter error: MsgList holds %d messages, allowed 1..%d", len(req.MsgList), maxImportMsgs)
	}
	for i, m := range req.MsgList {
		if m.FromAccount == "" || m.SendTime <= 0 {
			return nil, fail(codeGroupParam, "parameter error: MsgList[%d] needs From_Account and SendTime", i)
		}
		if _, err := parseBody(m.MsgBody, codeGroupParam, codeGroupParam); err != nil {
			return nil, err
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom groups do not support importing messages")
	}
	target := &g.msgs
	seqOf := &g.nextSeq
	if req.TopicID != "" {
		t := g.x.topics[req.TopicID]
		if t == nil {
			return nil, fail(codeGroupNotFound, "topic %q does not exist", req.TopicID)
		}
		target, seqOf = &t.msgs, &t.nextSeq
	}
	type result struct {
		MsgSeq  uint64 `json:"MsgSeq"`
		MsgTime int64  `json:"MsgTime"`
		Result  int    `json:"Result"`
	}
	out := []result{}
	for _, m := range req.MsgList {
		if s.accounts[m.FromAccount] == nil {
			out = append(out, result{0, m.SendTime, codeGroupNoAccount})
			continue
		}
		gm := &groupMsg{seq: *seqOf, from: m.FromAccount, operator: c.admin, random: m.Random, time: m.SendTime,
			body: compact(m.MsgBody), priority: "Normal"}
		*seqOf++
		*target = append(*target, gm)
		if m.SendTime > g.lastMsgTime {
			g.lastMsgTime = m.SendTime
		}
		if req.RecentContactFlag == 1 {
			for _, mem := range g.members {
				s.touchConvLocked(mem.account, convGroup, g.id, m.SendTime)
			}
		}
		out = append(out, result{gm.seq, gm.time, 0})
	}
	return &struct {
		envelope
		ImportMsgResult []result `json:"ImportMsgResult"`
	}{ImportMsgResult: out}, nil
}

func (c *call) setUnreadMsgNum() (any, error) {
	var req struct {
		GroupID       string `json:"GroupId"`
		MemberAccount string `json:"Member_Account"`
		UnreadMsgNum  int    `json:"UnreadMsgNum"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.UnreadMsgNum < 0 {
		return nil, fail(codeGroupParam, "parameter error: UnreadMsgNum must not be negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom groups keep no unread counts")
	}
	if g.byAcc[req.MemberAccount] == nil {
		return nil, fail(codeGroupPermission, "%q is not a member of the group", req.MemberAccount)
	}
	g.x.unread[req.MemberAccount] = req.UnreadMsgNum
	return &envelope{}, nil
}

// GroupUnread returns the unread count set_unread_msg_num or
// import_group_member gave a member.
func (s *Server) GroupUnread(groupID, userID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[groupID]; g != nil {
		return g.x.unread[userID]
	}
	return 0
}

// ---- history deletion and broadcast

func (c *call) deleteGroupMsgBySender() (any, error) {
	var req struct {
		GroupID       string `json:"GroupId"`
		SenderAccount string `json:"Sender_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom groups keep no history")
	}
	g.msgs = slices.DeleteFunc(g.msgs, func(m *groupMsg) bool { return m.from == req.SenderAccount })
	return &envelope{}, nil
}

func (c *call) clearGroupMsg() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
		MsgSeq  uint64 `json:"MsgSeq"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	g.msgs = slices.DeleteFunc(g.msgs, func(m *groupMsg) bool { return req.MsgSeq == 0 || m.seq <= req.MsgSeq })
	return &envelope{}, nil
}

func (c *call) sendBroadcastMsg() (any, error) {
	var req struct {
		FromAccount     string          `json:"From_Account"`
		Random          uint32          `json:"Random"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		CloudCustomData string          `json:"CloudCustomData"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if _, err := parseBody(req.MsgBody, codeGroupParam, codeGroupParam); err != nil {
		return nil, err
	}
	body := compact(req.MsgBody)
	if len(body)+len(req.CloudCustomData) > maxMsgBytes {
		return nil, fail(codeGroupMsgTooLong, "MsgBody and CloudCustomData exceed %d bytes", maxMsgBytes)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	from := req.FromAccount
	if from == "" {
		from = c.admin
	}
	if s.accounts[from] == nil {
		return nil, fail(codeGroupNoAccount, "From_Account %q not imported", from)
	}
	s.ext.broadcastSeq++
	for _, g := range s.groups {
		if g.typ != TypeAVChatRoom {
			continue
		}
		g.msgs = append(g.msgs, &groupMsg{seq: g.nextSeq, from: from, operator: c.admin, random: req.Random,
			time: c.now.Unix(), body: body, cloud: req.CloudCustomData, priority: "Normal"})
		g.nextSeq++
		g.lastMsgTime = c.now.Unix()
	}
	return &struct {
		envelope
		MsgSeq uint64 `json:"MsgSeq"`
	}{MsgSeq: s.ext.broadcastSeq}, nil
}

// ---- read receipts

type seqItem struct {
	MsgSeq uint64 `json:"MsgSeq"`
}

func checkSeqs(list []seqItem) error {
	if len(list) == 0 || len(list) > maxReceiptSeqs {
		return fail(codeGroupParam, "parameter error: MsgSeqList holds %d seqs, allowed 1..%d", len(list), maxReceiptSeqs)
	}
	for i, q := range list {
		if q.MsgSeq == 0 {
			return fail(codeGroupParam, "parameter error: MsgSeqList[%d].MsgSeq must be positive", i)
		}
	}
	return nil
}

func (c *call) groupMsgReceipt() (any, error) {
	var req struct {
		GroupID     string    `json:"GroupId"`
		FromAccount string    `json:"From_Account"`
		MsgSeqList  []seqItem `json:"MsgSeqList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkSeqs(req.MsgSeqList); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.byAcc[req.FromAccount] == nil {
		return nil, fail(codeGroupPermission, "%q is not a member of the group", req.FromAccount)
	}
	for _, q := range req.MsgSeqList {
		if m := g.msgBySeq(q.MsgSeq); m != nil && m.from != req.FromAccount {
			if g.x.reads[q.MsgSeq] == nil {
				g.x.reads[q.MsgSeq] = map[string]bool{}
			}
			g.x.reads[q.MsgSeq][req.FromAccount] = true
		}
	}
	return &envelope{}, nil
}

// readers splits the members who can read message m into read and unread.
func (g *group) readers(m *groupMsg) (read, unread []string) {
	for _, mem := range g.members {
		switch {
		case mem.account == m.from:
		case g.x.reads[m.seq][mem.account]:
			read = append(read, mem.account)
		default:
			unread = append(unread, mem.account)
		}
	}
	return read, unread
}

func (c *call) getGroupMsgReceipt() (any, error) {
	var req struct {
		GroupID    string    `json:"GroupId"`
		MsgSeqList []seqItem `json:"MsgSeqList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkSeqs(req.MsgSeqList); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	type item struct {
		Code      int    `json:"Code"`
		MsgSeq    uint64 `json:"MsgSeq"`
		ReadNum   int    `json:"ReadNum"`
		UnreadNum int    `json:"UnreadNum"`
	}
	out := []item{}
	for _, q := range req.MsgSeqList {
		m := g.msgBySeq(q.MsgSeq)
		if m == nil {
			out = append(out, item{Code: codeGroupRecall, MsgSeq: q.MsgSeq})
			continue
		}
		r, u := g.readers(m)
		out = append(out, item{MsgSeq: q.MsgSeq, ReadNum: len(r), UnreadNum: len(u)})
	}
	return &struct {
		envelope
		GroupMsgReceiptList []item `json:"GroupMsgReceiptList"`
	}{GroupMsgReceiptList: out}, nil
}

func (c *call) getGroupMsgReceiptDetail() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
		MsgSeq  uint64 `json:"MsgSeq"`
		Filter  int    `json:"Filter"`
		Cursor  string `json:"Cursor"`
		Count   int    `json:"Count"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Filter != 0 && req.Filter != 1 {
		return nil, fail(codeGroupParam, "parameter error: Filter must be 0 (read) or 1 (unread)")
	}
	if req.Count < 0 || req.Count > maxReceiptPage {
		return nil, fail(codeGroupParam, "parameter error: Count must be 1..%d", maxReceiptPage)
	}
	if req.Count == 0 {
		req.Count = maxReceiptPage
	}
	start := 0
	if req.Cursor != "" && req.Cursor != "0" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 {
			return nil, fail(codeGroupParam, "parameter error: Cursor %q is not a cursor of this API", req.Cursor)
		}
		start = n
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID)
	if err != nil {
		return nil, err
	}
	m := g.msgBySeq(req.MsgSeq)
	if m == nil {
		return nil, fail(codeGroupRecall, "message %d not found", req.MsgSeq)
	}
	read, unread := g.readers(m)
	list := read
	if req.Filter == 1 {
		list = unread
	}
	page := list[min(start, len(list)):]
	page = page[:min(req.Count, len(page))]
	finish, cursor := 1, "0"
	if start+len(page) < len(list) {
		finish, cursor = 0, strconv.Itoa(start+len(page))
	}
	type readItem struct {
		ReadAccount string `json:"Read_Account"`
	}
	type unreadItem struct {
		UnreadAccount string `json:"Unread_Account"`
	}
	resp := struct {
		envelope
		Cursor     string       `json:"Cursor"`
		IsFinish   int          `json:"IsFinish"`
		MsgSeq     uint64       `json:"MsgSeq"`
		ReadList   []readItem   `json:"ReadList,omitempty"`
		UnreadList []unreadItem `json:"UnreadList,omitempty"`
	}{Cursor: cursor, IsFinish: finish, MsgSeq: req.MsgSeq}
	for _, a := range page {
		if req.Filter == 0 {
			resp.ReadList = append(resp.ReadList, readItem{a})
		} else {
			resp.UnreadList = append(resp.UnreadList, unreadItem{a})
		}
	}
	return &resp, nil
}

// ---- live-streaming (AVChatRoom) members

func (s *Server) profileString(id, tag string) string {
	a := s.accounts[id]
	if a == nil {
		return ""
	}
	var v string
	_ = json.Unmarshal(a.profile[tag], &v)
	return v
}

func (c *call) liveGetMembers() (any, error) {
	var req struct {
		GroupID   string `json:"GroupId"`
		Timestamp uint64 `json:"Timestamp"`
		Mark      uint32 `json:"Mark"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	type item struct {
		JoinTime      int64    `json:"JoinTime"`
		MemberAccount string   `json:"Member_Account"`
		NickName      string   `json:"NickName"`
		Avatar        string   `json:"Avatar"`
		Marks         []uint32 `json:"Marks,omitempty"`
	}
	var list []*member
	for _, m := range g.members {
		if m.joinTick > req.Timestamp && (req.Mark == 0 || slices.Contains(g.x.marks[m.account], req.Mark)) {
			list = append(list, m)
		}
	}
	slices.SortFunc(list, func(a, b *member) int { return int(a.joinTick) - int(b.joinTick) })
	var next uint64
	if len(list) > maxLivePage {
		list = list[:maxLivePage]
		next = list[len(list)-1].joinTick
	}
	out := []item{}
	for _, m := range list {
		out = append(out, item{JoinTime: m.joinTime, MemberAccount: m.account,
			NickName: s.profileString(m.account, "Tag_Profile_IM_Nick"), Avatar: s.profileString(m.account, "Tag_Profile_IM_Image"),
			Marks: slices.Clone(g.x.marks[m.account])})
	}
	return &struct {
		envelope
		MemberList    []item `json:"MemberList"`
		NextTimestamp uint64 `json:"NextTimestamp"`
	}{MemberList: out, NextTimestamp: next}, nil
}

func (c *call) liveModifyUserInfo() (any, error) {
	type item struct {
		MemberAccount string   `json:"Member_Account"`
		Marks         []uint32 `json:"Marks"`
	}
	var req struct {
		GroupID     string `json:"GroupId"`
		CommandType int    `json:"CommandType"`
		MemberList  []item `json:"MemberList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.CommandType != 1 && req.CommandType != 2 {
		return nil, fail(codeGroupParam, "parameter error: CommandType must be 1 (set) or 2 (delete)")
	}
	if len(req.MemberList) == 0 {
		return nil, fail(codeGroupParam, "parameter error: MemberList is empty")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	kinds := map[uint32]bool{}
	for _, ms := range g.x.marks {
		for _, k := range ms {
			kinds[k] = true
		}
	}
	for i, m := range req.MemberList {
		if g.byAcc[m.MemberAccount] == nil && !slices.Contains(m.Marks, 500) {
			return nil, fail(codeGroupPermission, "MemberList[%d]: %q is not an online member", i, m.MemberAccount)
		}
		if req.CommandType == 1 {
			for _, k := range m.Marks {
				kinds[k] = true
			}
		}
	}
	if len(kinds) > maxLiveMarks {
		return nil, fail(codeGroupParam, "parameter error: a live group has at most %d different marks", maxLiveMarks)
	}
	out := []item{}
	for _, m := range req.MemberList {
		cur := g.x.marks[m.MemberAccount]
		for _, k := range m.Marks {
			if req.CommandType == 1 && !slices.Contains(cur, k) {
				cur = append(cur, k)
			}
			if req.CommandType == 2 {
				cur = slices.DeleteFunc(cur, func(x uint32) bool { return x == k })
			}
		}
		g.x.marks[m.MemberAccount] = cur
		out = append(out, item{m.MemberAccount, slices.Clone(m.Marks)})
	}
	return &struct {
		envelope
		CommandType int    `json:"CommandType"`
		MemberList  []item `json:"MemberList"`
	}{CommandType: req.CommandType, MemberList: out}, nil
}

func (c *call) liveModifyAdmin() (any, error) {
	var req struct {
		GroupID      string   `json:"GroupId"`
		CommandType  int      `json:"CommandType"`
		AdminAccount []string `json:"Admin_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.CommandType != 1 && req.CommandType != 2 {
		return nil, fail(codeGroupParam, "parameter error: CommandType must be 1 (set) or 2 (cancel)")
	}
	if err := checkMemberList("Admin_Account", len(req.AdminAccount), maxLiveAdmins, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	next := slices.Clone(g.x.liveAdmins)
	for _, id := range req.AdminAccount {
		if s.accounts[id] == nil {
			return nil, fail(codeGroupNoAccount, "Admin_Account %q not imported", id)
		}
		has := slices.Contains(next, id)
		switch {
		case req.CommandType == 1 && !has:
			next = append(next, id)
		case req.CommandType == 2 && has:
			next = slices.DeleteFunc(next, func(x string) bool { return x == id })
		}
	}
	if len(next) > maxLiveAdmins {
		return nil, fail(codeGroupParam, "parameter error: a live group has at most %d admins", maxLiveAdmins)
	}
	g.x.liveAdmins = next
	return &envelope{}, nil
}

func (c *call) liveGetAdminList() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	type item struct {
		AdminAccount string `json:"Admin_Account"`
		Avatar       string `json:"Avatar"`
		NickName     string `json:"NickName"`
	}
	out := []item{}
	for _, id := range g.x.liveAdmins {
		out = append(out, item{id, s.profileString(id, "Tag_Profile_IM_Image"), s.profileString(id, "Tag_Profile_IM_Nick")})
	}
	return &struct {
		envelope
		AdminList []item `json:"Admin_List"`
	}{AdminList: out}, nil
}

func (c *call) liveCheckMembers() (any, error) {
	var req struct {
		GroupID       string   `json:"GroupId"`
		MemberAccount []string `json:"Member_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("Member_Account", len(req.MemberAccount), maxRolesUsers, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(req.GroupID, TypeAVChatRoom)
	if err != nil {
		return nil, err
	}
	in := []string{}
	for _, id := range req.MemberAccount {
		if g.byAcc[id] != nil {
			in = append(in, id)
		}
	}
	return &struct {
		envelope
		MemberAccount []string `json:"Member_Account"`
	}{MemberAccount: in}, nil
}

// JoinLive makes userID an online member of a live-streaming (AVChatRoom)
// group, as a client joining would; REST cannot add AVChatRoom members.
func (s *Server) JoinLive(groupID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupX(groupID)
	if err != nil {
		return err
	}
	if s.accounts[userID] == nil {
		return fail(codeGroupNoAccount, "%q not imported", userID)
	}
	if until := g.x.banned[userID]; until > s.Now().Unix() {
		return fail(codeGroupPermission, "%q is banned from the group", userID)
	}
	s.convTick++
	g.addMember(userID, RoleMember, s.Now(), s.convTick)
	return nil
}

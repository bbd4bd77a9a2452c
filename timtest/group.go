package timtest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/timkit/tim/internal/wire"
)

// Group types (the API's Type strings).
const (
	TypePrivate    = "Private" // Work
	TypePublic     = "Public"
	TypeChatRoom   = "ChatRoom" // Meeting
	TypeAVChatRoom = "AVChatRoom"
	TypeCommunity  = "Community"
)

// Member roles.
const (
	RoleOwner  = "Owner"
	RoleAdmin  = "Admin"
	RoleMember = "Member"
)

// defaultMaxMembers is the member cap of a group type when create_group
// gives none (0 = unlimited).
var defaultMaxMembers = map[string]int{
	TypePrivate: 200, TypePublic: 2000, TypeChatRoom: 10000, TypeAVChatRoom: 0, TypeCommunity: 100000,
}

// Limits of group fields (the newer, larger values of the reference).
const (
	maxGroupName         = 100
	maxGroupIntroduction = 400
	maxGroupNotification = 400
	maxGroupFaceURL      = 500
	maxGroupIDBytes      = 48
	maxCreateMembers     = 100
	maxAddMembers        = 300
	maxNameCard          = 50
	maxGroupInfoIDs      = 50
	maxRecallSeqs        = 10
	maxSimpleMsgs        = 20
	groupDedupWindow     = 5 * time.Minute
	// PermanentMute is the MuteTime meaning "until unmuted".
	PermanentMute = math.MaxUint32
)

type group struct {
	serial                uint64
	id, typ               string
	name, intro, notif    string
	face, owner           string
	createTime            int64
	lastInfoTime          int64
	lastMsgTime           int64
	infoSeq               uint64
	nextSeq               uint64
	maxMembers            int
	applyJoin, inviteJoin string
	muteAll               bool
	appData               []kv
	members               []*member
	byAcc                 map[string]*member
	msgs                  []*groupMsg
	dedup                 map[string]*groupDedup
	supportTopic          bool
	notifications         []SystemNotification
	x                     groupExtra // state of groupx.go and topic.go
}

type member struct {
	account   string
	role      string
	joinTime  int64
	joinTick  uint64
	msgFlag   string
	nameCard  string
	muteUntil int64
	lastSend  int64
	appData   []kv
}

type groupMsg struct {
	seq        uint64
	from       string
	operator   string
	random     uint32
	time       int64
	body       json.RawMessage
	cloud      string
	priority   string
	recalled   bool
	onlineOnly bool
}

type groupDedup struct {
	at      time.Time
	seq     uint64
	msgTime int64
}

func (g *group) addMember(acc, role string, now time.Time, tick uint64) *member {
	if m := g.byAcc[acc]; m != nil {
		return m
	}
	m := &member{account: acc, role: role, joinTime: now.Unix(), joinTick: tick, msgFlag: "AcceptAndNotify"}
	g.members = append(g.members, m)
	g.byAcc[acc] = m
	return m
}

func (g *group) removeMember(acc string) {
	if g.byAcc[acc] == nil {
		return
	}
	delete(g.byAcc, acc)
	g.members = slices.DeleteFunc(g.members, func(m *member) bool { return m.account == acc })
}

func (g *group) eventTime(now time.Time) string { return strconv.FormatInt(now.UnixMilli(), 10) }

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func newGroupID(typ string) string {
	var b strings.Builder
	b.WriteString("@TGS#")
	if typ == TypeCommunity {
		b.WriteString("_")
	}
	b.WriteByte("123"[rand.IntN(3)])
	for range 9 {
		b.WriteByte(idChars[rand.IntN(len(idChars))])
	}
	return b.String()
}

func validGroupID(id, typ string) bool {
	if len(id) > maxGroupIDBytes {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 || id[i] > 0x7e {
			return false
		}
	}
	if typ == TypeCommunity {
		return strings.HasPrefix(id, "@TGS#_")
	}
	return !strings.HasPrefix(id, "@TGS#")
}

func validJoinOption(v string, invite bool) bool {
	switch v {
	case "", "FreeAccess", "NeedPermission":
		return true
	case "DisableApply":
		return !invite
	case "DisableInvite":
		return invite
	}
	return false
}

func checkGroupText(name, intro, notif, face *string) error {
	switch {
	case name != nil && (*name == "" || len(*name) > maxGroupName):
		return fail(codeGroupParam, "Name must be 1..%d bytes", maxGroupName)
	case intro != nil && len(*intro) > maxGroupIntroduction:
		return fail(codeGroupParam, "Introduction is longer than %d bytes", maxGroupIntroduction)
	case notif != nil && len(*notif) > maxGroupNotification:
		return fail(codeGroupParam, "Notification is longer than %d bytes", maxGroupNotification)
	case face != nil && len(*face) > maxGroupFaceURL:
		return fail(codeGroupParam, "FaceUrl is longer than %d bytes", maxGroupFaceURL)
	}
	return nil
}

// groupLocked finds a live group; s.mu is held.
func (s *Server) groupLocked(id string) (*group, error) {
	g := s.groups[id]
	if g == nil {
		return nil, fail(codeGroupNotFound, "group %q does not exist or was destroyed", id)
	}
	return g, nil
}

type memberAccount struct {
	MemberAccount string `json:"Member_Account"`
}

func memberAccounts(ids []string) []memberAccount {
	out := make([]memberAccount, 0, len(ids))
	for _, id := range ids {
		out = append(out, memberAccount{id})
	}
	return out
}

func (s *Server) groupEvent(g *group, cmd, ip string, body any) {
	s.cb.after("group:"+g.id, cmd, "RESTAPI", ip, body)
}

func (c *call) createGroup() (any, error) {
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
		AppDefinedData   []kv   `json:"AppDefinedData"`
		MemberList       []struct {
			MemberAccount        string `json:"Member_Account"`
			Role                 string `json:"Role"`
			AppMemberDefinedData []kv   `json:"AppMemberDefinedData"`
		} `json:"MemberList"`
		SupportTopic int `json:"SupportTopic"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	def, ok := defaultMaxMembers[req.Type]
	if !ok {
		return nil, fail(codeGroupParam, "Type %q is not Private, Public, ChatRoom, AVChatRoom or Community", req.Type)
	}
	if err := checkGroupText(&req.Name, &req.Introduction, &req.Notification, &req.FaceURL); err != nil {
		return nil, err
	}
	if req.GroupID != "" && !validGroupID(req.GroupID, req.Type) {
		return nil, fail(codeGroupParam, "GroupId %q: printable ASCII of at most %d bytes; @TGS# is reserved "+
			"(Community ids must start with @TGS#_)", req.GroupID, maxGroupIDBytes)
	}
	if !validJoinOption(req.ApplyJoinOption, false) || !validJoinOption(req.InviteJoinOption, true) {
		return nil, fail(codeGroupParam, "invalid ApplyJoinOption or InviteJoinOption")
	}
	if len(req.MemberList) > maxCreateMembers {
		return nil, fail(codeGroupTooMany, "MemberList holds %d members, limit is %d", len(req.MemberList), maxCreateMembers)
	}
	if req.Type == TypeAVChatRoom && len(req.MemberList) > 0 {
		return nil, fail(codeGroupPermission, "AVChatRoom groups take no members at creation")
	}
	for i, m := range req.MemberList {
		if m.Role != "" && m.Role != RoleAdmin && m.Role != RoleMember {
			return nil, fail(codeGroupParam, "MemberList[%d].Role %q: only Admin may be given", i, m.Role)
		}
	}
	if req.MaxMemberCount < 0 {
		return nil, fail(codeGroupParam, "MaxMemberCount must not be negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.OwnerAccount != "" && s.accounts[req.OwnerAccount] == nil {
		return nil, fail(codeGroupNoAccount, "Owner_Account %q not imported", req.OwnerAccount)
	}
	for _, m := range req.MemberList {
		if s.accounts[m.MemberAccount] == nil {
			return nil, fail(codeGroupNoAccount, "member %q not imported", m.MemberAccount)
		}
	}
	id := req.GroupID
	if id != "" {
		if old := s.groups[id]; old != nil {
			if req.OwnerAccount != "" && old.owner == req.OwnerAccount {
				return nil, fail(codeGroupIDYours, "GroupId %q is already used by a group you own", id)
			}
			return nil, fail(codeGroupIDTaken, "GroupId %q is already used", id)
		}
	} else {
		for id == "" || s.groups[id] != nil {
			id = newGroupID(req.Type)
		}
	}
	maxN := def
	if req.MaxMemberCount > 0 {
		maxN = req.MaxMemberCount
	}
	apply := req.ApplyJoinOption
	if apply == "" {
		apply = map[string]string{TypePrivate: "DisableApply", TypeAVChatRoom: "FreeAccess"}[req.Type]
		if apply == "" {
			apply = "NeedPermission"
		}
	}
	s.groupSer++
	g := &group{
		serial: s.groupSer, id: id, typ: req.Type, name: req.Name, intro: req.Introduction,
		notif: req.Notification, face: req.FaceURL, owner: req.OwnerAccount, createTime: c.now.Unix(),
		lastInfoTime: c.now.Unix(), infoSeq: 1, nextSeq: 1, maxMembers: maxN, applyJoin: apply,
		inviteJoin: req.InviteJoinOption, appData: append([]kv(nil), req.AppDefinedData...),
		byAcc: map[string]*member{}, dedup: map[string]*groupDedup{}, supportTopic: req.SupportTopic == 1,
	}
	if g.inviteJoin == "" && req.Type != TypeAVChatRoom {
		g.inviteJoin = "NeedPermission"
	}
	if g.owner != "" {
		s.convTick++
		g.addMember(g.owner, RoleOwner, c.now, s.convTick)
	}
	for _, m := range req.MemberList {
		role := m.Role
		if role == "" {
			role = RoleMember
		}
		s.convTick++
		if g.byAcc[m.MemberAccount] == nil {
			g.addMember(m.MemberAccount, role, c.now, s.convTick).appData = append([]kv(nil), m.AppMemberDefinedData...)
		}
	}
	if g.maxMembers > 0 && len(g.members) > g.maxMembers {
		return nil, fail(codeGroupFull, "%d members exceed MaxMemberCount %d", len(g.members), g.maxMembers)
	}
	s.groups[id] = g
	const cmd = "Group.CallbackAfterCreateGroup"
	ids := make([]string, 0, len(g.members))
	for _, m := range g.members {
		ids = append(ids, m.account)
	}
	s.groupEvent(g, cmd, c.clientIP, struct {
		CallbackCommand string          `json:"CallbackCommand"`
		GroupID         string          `json:"GroupId"`
		Type            string          `json:"Type"`
		OperatorAccount string          `json:"Operator_Account"`
		OwnerAccount    string          `json:"Owner_Account"`
		Name            string          `json:"Name"`
		MemberList      []memberAccount `json:"MemberList"`
		EventTime       string          `json:"EventTime"`
	}{cmd, g.id, g.typ, c.admin, g.owner, g.name, memberAccounts(ids), g.eventTime(c.now)})
	return &struct {
		envelope
		GroupID string `json:"GroupId"`
	}{GroupID: id}, nil
}

// groupInfoOut is a group as get_group_info / get_joined_group_list show it;
// nil fields were filtered out.
type groupInfoOut struct {
	GroupID          string      `json:"GroupId"`
	ErrorCode        *int        `json:"ErrorCode,omitempty"`
	ErrorInfo        *string     `json:"ErrorInfo,omitempty"`
	Type             *string     `json:"Type,omitempty"`
	Name             *string     `json:"Name,omitempty"`
	AppID            *uint64     `json:"Appid,omitempty"` // get_group_info without a filter (获取群详细资料)
	Introduction     *string     `json:"Introduction,omitempty"`
	Notification     *string     `json:"Notification,omitempty"`
	FaceURL          *string     `json:"FaceUrl,omitempty"`
	OwnerAccount     *string     `json:"Owner_Account,omitempty"`
	CreateTime       *int64      `json:"CreateTime,omitempty"`
	InfoSeq          *uint64     `json:"InfoSeq,omitempty"`
	LastInfoTime     *int64      `json:"LastInfoTime,omitempty"`
	LastMsgTime      *int64      `json:"LastMsgTime,omitempty"`
	NextMsgSeq       *uint64     `json:"NextMsgSeq,omitempty"`
	MemberNum        *int        `json:"MemberNum,omitempty"`
	MaxMemberNum     *int        `json:"MaxMemberNum,omitempty"`
	ApplyJoinOption  *string     `json:"ApplyJoinOption,omitempty"`
	InviteJoinOption *string     `json:"InviteJoinOption,omitempty"`
	MuteAllMember    *string     `json:"MuteAllMember,omitempty"`
	ShutUpAllMember  *string     `json:"ShutUpAllMember,omitempty"` // the older name, still sent
	SupportTopic     *int        `json:"SupportTopic,omitempty"`
	GrossTopicSeq    *uint64     `json:"GrossTopicNextMsgSeq,omitempty"`
	AppDefinedData   []kv        `json:"AppDefinedData,omitempty"`
	MemberList       []memberOut `json:"MemberList,omitempty"`
	SelfInfo         *memberOut  `json:"SelfInfo,omitempty"`
}

type memberOut struct {
	MemberAccount        string  `json:"Member_Account,omitempty"`
	Role                 *string `json:"Role,omitempty"`
	JoinTime             *int64  `json:"JoinTime,omitempty"`
	MsgSeq               *uint64 `json:"MsgSeq,omitempty"`
	MsgFlag              *string `json:"MsgFlag,omitempty"`
	LastSendMsgTime      *int64  `json:"LastSendMsgTime,omitempty"`
	MuteUntil            *int64  `json:"MuteUntil,omitempty"`
	NameCard             *string `json:"NameCard,omitempty"`
	AppMemberDefinedData []kv    `json:"AppMemberDefinedData,omitempty"`
	GrossTopicReadSeq    *uint64 `json:"GrossTopicReadSeq,omitempty"`
}

func ptr[T any](v T) *T { return &v }

// want reports whether field is selected by filter (nil = everything).
func want(filter []string, field string) bool { return filter == nil || contains(filter, field) }

func onOff(b bool) string {
	if b {
		return "On"
	}
	return "Off"
}

func (g *group) baseInfo(out *groupInfoOut, filter []string) {
	if want(filter, "Type") {
		out.Type = ptr(g.typ)
	}
	if want(filter, "Name") {
		out.Name = ptr(g.name)
	}
	if want(filter, "Introduction") {
		out.Introduction = ptr(g.intro)
	}
	if want(filter, "Notification") {
		out.Notification = ptr(g.notif)
	}
	if want(filter, "FaceUrl") {
		out.FaceURL = ptr(g.face)
	}
	if want(filter, "Owner_Account") {
		out.OwnerAccount = ptr(g.owner)
	}
	if want(filter, "CreateTime") {
		out.CreateTime = ptr(g.createTime)
	}
	if want(filter, "InfoSeq") {
		out.InfoSeq = ptr(g.infoSeq)
	}
	if want(filter, "LastInfoTime") {
		out.LastInfoTime = ptr(g.lastInfoTime)
	}
	if want(filter, "LastMsgTime") {
		out.LastMsgTime = ptr(g.lastMsgTime)
	}
	if want(filter, "NextMsgSeq") {
		out.NextMsgSeq = ptr(g.nextSeq)
	}
	if want(filter, "MemberNum") {
		out.MemberNum = ptr(len(g.members))
	}
	if want(filter, "MaxMemberNum") {
		out.MaxMemberNum = ptr(g.maxMembers)
	}
	if want(filter, "ApplyJoinOption") {
		out.ApplyJoinOption = ptr(g.applyJoin)
	}
	if want(filter, "InviteJoinOption") && g.inviteJoin != "" {
		out.InviteJoinOption = ptr(g.inviteJoin)
	}
	if want(filter, "MuteAllMember") || want(filter, "ShutUpAllMember") {
		// Tencent's pages show both names (product_new/…/获取群组详细资料: ShutUpAllMember;
		// yehe_doc/…/获取群详细资料: MuteAllMember); answer both.
		out.MuteAllMember = ptr(onOff(g.muteAll))
		out.ShutUpAllMember = ptr(onOff(g.muteAll))
	}
}

func (m *member) out(filter, appFilter []string, g *group) memberOut {
	o := memberOut{MemberAccount: m.account}
	if want(filter, "Role") {
		o.Role = ptr(m.role)
	}
	if want(filter, "JoinTime") {
		o.JoinTime = ptr(m.joinTime)
	}
	if want(filter, "MsgSeq") {
		o.MsgSeq = ptr(g.nextSeq - 1)
	}
	if want(filter, "MsgFlag") {
		o.MsgFlag = ptr(m.msgFlag)
	}
	if want(filter, "LastSendMsgTime") {
		o.LastSendMsgTime = ptr(m.lastSend)
	}
	if want(filter, "MuteUntil") {
		o.MuteUntil = ptr(m.muteUntil)
	}
	if want(filter, "NameCard") {
		o.NameCard = ptr(m.nameCard)
	}
	for _, d := range m.appData {
		if want(appFilter, d.Key) {
			o.AppMemberDefinedData = append(o.AppMemberDefinedData, d)
		}
	}
	return o
}

func (c *call) getGroupInfo() (any, error) {
	var req struct {
		GroupIDList    []string `json:"GroupIdList"`
		ResponseFilter *struct {
			GroupBaseInfoFilter             []string `json:"GroupBaseInfoFilter"`
			MemberInfoFilter                []string `json:"MemberInfoFilter"`
			AppDefinedDataFilterGroup       []string `json:"AppDefinedDataFilter_Group"`
			AppDefinedDataFilterGroupMember []string `json:"AppDefinedDataFilter_GroupMember"`
		} `json:"ResponseFilter"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.GroupIDList) == 0 || len(req.GroupIDList) > maxGroupInfoIDs {
		return nil, fail(codeGroupTooMany, "GroupIdList holds %d ids, allowed 1..%d", len(req.GroupIDList), maxGroupInfoIDs)
	}
	resp := struct {
		envelope
		GroupInfo []groupInfoOut `json:"GroupInfo"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.GroupIDList {
		g := s.groups[id]
		out := groupInfoOut{GroupID: id}
		if g == nil {
			out.ErrorCode, out.ErrorInfo = ptr(codeGroupNotFound), ptr("group does not exist or was destroyed")
			resp.GroupInfo = append(resp.GroupInfo, out)
			continue
		}
		out.ErrorCode, out.ErrorInfo = ptr(0), ptr("")
		f := req.ResponseFilter
		if f == nil {
			g.baseInfo(&out, nil)
			out.AppID = ptr(s.SDKAppID)
			out.AppDefinedData = append([]kv(nil), g.appData...)
			for _, m := range g.members {
				out.MemberList = append(out.MemberList, m.out(nil, nil, g))
			}
		} else {
			g.baseInfo(&out, f.GroupBaseInfoFilter)
			for _, d := range g.appData {
				if f.AppDefinedDataFilterGroup != nil && contains(f.AppDefinedDataFilterGroup, d.Key) {
					out.AppDefinedData = append(out.AppDefinedData, d)
				}
			}
			if f.MemberInfoFilter != nil {
				appF := f.AppDefinedDataFilterGroupMember
				if appF == nil {
					appF = []string{}
				}
				for _, m := range g.members {
					out.MemberList = append(out.MemberList, m.out(f.MemberInfoFilter, appF, g))
				}
			}
		}
		resp.GroupInfo = append(resp.GroupInfo, out)
	}
	return &resp, nil
}

// operatorLocked resolves an impersonated From_Account of a group change.
func (s *Server) operatorLocked(c *call, g *group, from string) (string, error) {
	if from == "" || s.admins[from] {
		return c.admin, nil
	}
	if s.accounts[from] == nil {
		return "", fail(codeGroupNoAccount, "From_Account %q not imported", from)
	}
	m := g.byAcc[from]
	if m == nil || (m.role != RoleOwner && m.role != RoleAdmin) {
		return "", fail(codeGroupPermission, "%q may not change this group", from)
	}
	return from, nil
}

func (c *call) modifyGroupBaseInfo() (any, error) {
	var req struct {
		GroupID          string  `json:"GroupId"`
		Name             *string `json:"Name"`
		Introduction     *string `json:"Introduction"`
		Notification     *string `json:"Notification"`
		FaceURL          *string `json:"FaceUrl"`
		MaxMemberNum     *int    `json:"MaxMemberNum"`
		ApplyJoinOption  *string `json:"ApplyJoinOption"`
		InviteJoinOption *string `json:"InviteJoinOption"`
		MuteAllMember    *string `json:"MuteAllMember"`
		ShutUpAllMember  *string `json:"ShutUpAllMember"` // the older name
		FromAccount      string  `json:"From_Account"`
		AppDefinedData   []kv    `json:"AppDefinedData"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkGroupText(req.Name, req.Introduction, req.Notification, req.FaceURL); err != nil {
		return nil, err
	}
	if (req.ApplyJoinOption != nil && !validJoinOption(*req.ApplyJoinOption, false)) ||
		(req.InviteJoinOption != nil && !validJoinOption(*req.InviteJoinOption, true)) {
		return nil, fail(codeGroupParam, "invalid ApplyJoinOption or InviteJoinOption")
	}
	if req.MuteAllMember == nil {
		req.MuteAllMember = req.ShutUpAllMember
	}
	if req.MuteAllMember != nil && *req.MuteAllMember != "On" && *req.MuteAllMember != "Off" {
		return nil, fail(codeGroupParam, "MuteAllMember must be On or Off")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	op, err := s.operatorLocked(c, g, req.FromAccount)
	if err != nil {
		return nil, err
	}
	if req.MaxMemberNum != nil && g.typ != TypeAVChatRoom {
		if *req.MaxMemberNum < len(g.members) || *req.MaxMemberNum <= 0 {
			return nil, fail(codeGroupParam, "MaxMemberNum %d is below the %d members", *req.MaxMemberNum, len(g.members))
		}
		g.maxMembers = *req.MaxMemberNum
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&g.name, req.Name)
	set(&g.intro, req.Introduction)
	set(&g.notif, req.Notification)
	set(&g.face, req.FaceURL)
	set(&g.applyJoin, req.ApplyJoinOption)
	set(&g.inviteJoin, req.InviteJoinOption)
	if req.MuteAllMember != nil {
		g.muteAll = *req.MuteAllMember == "On"
	}
	for _, d := range req.AppDefinedData {
		i := slices.IndexFunc(g.appData, func(x kv) bool { return x.Key == d.Key })
		if i >= 0 {
			g.appData[i] = d
		} else {
			g.appData = append(g.appData, d)
		}
	}
	g.infoSeq++
	g.lastInfoTime = c.now.Unix()
	if req.Name != nil || req.Introduction != nil || req.Notification != nil || req.FaceURL != nil {
		const cmd = "Group.CallbackAfterGroupInfoChanged"
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string  `json:"CallbackCommand"`
			GroupID         string  `json:"GroupId"`
			Type            string  `json:"Type"`
			OperatorAccount string  `json:"Operator_Account"`
			Name            *string `json:"Name,omitempty"`
			Introduction    *string `json:"Introduction,omitempty"`
			Notification    *string `json:"Notification,omitempty"`
			FaceURL         *string `json:"FaceUrl,omitempty"`
			EventTime       string  `json:"EventTime"`
		}{cmd, g.id, g.typ, op, req.Name, req.Introduction, req.Notification, req.FaceURL, g.eventTime(c.now)})
	}
	return &envelope{}, nil
}

// checkMemberList answers a member list of n entries (of unit) that is
// empty or longer than limit.
func checkMemberList(field string, n, limit int, unit string) error {
	if n == 0 {
		return fail(codeGroupParam, "%s is empty", field)
	}
	if n > limit {
		return fail(codeGroupTooMany, "%s holds %d %s, limit is %d", field, n, unit, limit)
	}
	return nil
}

func (c *call) addGroupMember() (any, error) {
	var req struct {
		GroupID    string          `json:"GroupId"`
		Silence    int             `json:"Silence"`
		MemberList []memberAccount `json:"MemberList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("MemberList", len(req.MemberList), maxAddMembers, "members"); err != nil {
		return nil, err
	}
	type result struct {
		MemberAccount string `json:"Member_Account"`
		Result        int    `json:"Result"` // 0 failed, 1 added, 2 already a member
	}
	resp := struct {
		envelope
		MemberList []result `json:"MemberList"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "members cannot be added to an AVChatRoom group")
	}
	fresh := 0
	seen := map[string]bool{}
	for _, m := range req.MemberList {
		if s.accounts[m.MemberAccount] == nil {
			return nil, fail(codeGroupNoAccount, "member %q not imported", m.MemberAccount)
		}
		if g.byAcc[m.MemberAccount] == nil && !seen[m.MemberAccount] {
			fresh++
		}
		seen[m.MemberAccount] = true
	}
	if g.maxMembers > 0 && len(g.members)+fresh > g.maxMembers {
		return nil, fail(codeGroupFull, "the group is full (%d of %d members)", len(g.members), g.maxMembers)
	}
	var added []string
	for _, m := range req.MemberList {
		if g.byAcc[m.MemberAccount] != nil {
			if !contains(added, m.MemberAccount) {
				resp.MemberList = append(resp.MemberList, result{m.MemberAccount, 2})
			}
			continue
		}
		s.convTick++
		g.addMember(m.MemberAccount, RoleMember, c.now, s.convTick)
		added = append(added, m.MemberAccount)
		resp.MemberList = append(resp.MemberList, result{m.MemberAccount, 1})
	}
	if len(added) > 0 {
		const cmd = "Group.CallbackAfterNewMemberJoin"
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string          `json:"CallbackCommand"`
			GroupID         string          `json:"GroupId"`
			Type            string          `json:"Type"`
			JoinType        string          `json:"JoinType"`
			OperatorAccount string          `json:"Operator_Account"`
			NewMemberList   []memberAccount `json:"NewMemberList"`
			EventTime       string          `json:"EventTime"`
		}{cmd, g.id, g.typ, "Invited", c.admin, memberAccounts(added), g.eventTime(c.now)})
	}
	return &resp, nil
}

func (c *call) deleteGroupMember() (any, error) {
	var req struct {
		GroupID            string   `json:"GroupId"`
		Silence            int      `json:"Silence"`
		Reason             string   `json:"Reason"`
		MemberToDelAccount []string `json:"MemberToDel_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkMemberList("MemberToDel_Account", len(req.MemberToDelAccount), maxCreateMembers, "ids"); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	if g.typ == TypeAVChatRoom {
		return nil, fail(codeGroupPermission, "AVChatRoom members cannot be deleted (ban them instead)")
	}
	for _, id := range req.MemberToDelAccount {
		if id == g.owner && id != "" {
			return nil, fail(codeGroupParam, "the owner %q cannot be deleted", id)
		}
	}
	var gone []string
	for _, id := range req.MemberToDelAccount {
		if g.byAcc[id] != nil {
			g.removeMember(id)
			gone = append(gone, id)
		}
	}
	if len(gone) > 0 {
		const cmd = "Group.CallbackAfterMemberExit"
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string          `json:"CallbackCommand"`
			GroupID         string          `json:"GroupId"`
			Type            string          `json:"Type"`
			ExitType        string          `json:"ExitType"`
			OperatorAccount string          `json:"Operator_Account"`
			ExitMemberList  []memberAccount `json:"ExitMemberList"`
			EventTime       string          `json:"EventTime"`
		}{cmd, g.id, g.typ, "Kicked", c.admin, memberAccounts(gone), g.eventTime(c.now)})
	}
	return &envelope{}, nil
}

func muteDeadline(now time.Time, muteTime uint64) int64 {
	switch {
	case muteTime == 0:
		return 0
	case muteTime >= PermanentMute:
		return PermanentMute
	}
	return now.Unix() + int64(muteTime)
}

func (c *call) modifyGroupMemberInfo() (any, error) {
	var req struct {
		GroupID              string  `json:"GroupId"`
		MemberAccount        string  `json:"Member_Account"`
		Role                 *string `json:"Role"`
		MsgFlag              *string `json:"MsgFlag"`
		NameCard             *string `json:"NameCard"`
		MuteTime             *uint64 `json:"MuteTime"`
		AppMemberDefinedData []kv    `json:"AppMemberDefinedData"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Role != nil && *req.Role != RoleAdmin && *req.Role != RoleMember {
		return nil, fail(codeGroupParam, "Role must be Admin or Member")
	}
	if req.MsgFlag != nil {
		switch *req.MsgFlag {
		case "AcceptAndNotify", "AcceptNotNotify", "Discard":
		default:
			return nil, fail(codeGroupParam, "MsgFlag must be AcceptAndNotify, AcceptNotNotify or Discard")
		}
	}
	if req.NameCard != nil && len(*req.NameCard) > maxNameCard {
		return nil, fail(codeGroupParam, "NameCard is longer than %d bytes", maxNameCard)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	m := g.byAcc[req.MemberAccount]
	if m == nil {
		return nil, fail(codeGroupPermission, "%q is not a member of the group", req.MemberAccount)
	}
	if req.Role != nil {
		switch {
		case m.role == RoleOwner:
			return nil, fail(codeGroupParam, "the owner's role cannot be changed")
		case *req.Role == RoleAdmin && g.typ == TypePrivate:
			return nil, fail(codeGroupParam, "Private (Work) groups have no admins")
		}
		m.role = *req.Role
	}
	if req.MsgFlag != nil {
		m.msgFlag = *req.MsgFlag
	}
	if req.NameCard != nil {
		m.nameCard = *req.NameCard
	}
	if req.MuteTime != nil {
		m.muteUntil = muteDeadline(c.now, *req.MuteTime)
	}
	for _, d := range req.AppMemberDefinedData {
		i := slices.IndexFunc(m.appData, func(x kv) bool { return x.Key == d.Key })
		if i >= 0 {
			m.appData[i] = d
		} else {
			m.appData = append(m.appData, d)
		}
	}
	return &envelope{}, nil
}

func (c *call) getGroupMemberInfo() (any, error) {
	var req struct {
		GroupID          string   `json:"GroupId"`
		MemberInfoFilter []string `json:"MemberInfoFilter"`
		MemberRoleFilter []string `json:"MemberRoleFilter"`
		AppFilter        []string `json:"AppDefinedDataFilter_GroupMember"`
		Limit            int      `json:"Limit"`
		Offset           int      `json:"Offset"`
		Next             string   `json:"Next"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Limit < 0 || req.Limit > 6000 || req.Offset < 0 {
		return nil, fail(codeGroupParam, "Limit must be 0..6000 and Offset not negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	var list []*member
	for _, m := range g.members {
		if len(req.MemberRoleFilter) == 0 || contains(req.MemberRoleFilter, m.role) {
			list = append(list, m)
		}
	}
	// Community groups page by an opaque Next string instead of Offset
	// (群成员管理/获取群成员详细资料: "Next" in the answer, "" on the last page).
	var next *string
	if g.typ == TypeCommunity {
		start := 0
		if req.Next != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(req.Next, "m"))
			if err != nil || n < 0 || !strings.HasPrefix(req.Next, "m") {
				return nil, fail(codeGroupParam, "parameter error: Next %q is not a cursor of this group", req.Next)
			}
			start = n
		}
		req.Offset = start
		limit := req.Limit
		if limit == 0 {
			limit = 100
		}
		req.Limit = limit
		next = ptr("")
		if start+limit < len(list) {
			next = ptr("m" + strconv.Itoa(start+limit))
		}
	}
	list = list[min(req.Offset, len(list)):]
	if req.Limit > 0 {
		list = list[:min(req.Limit, len(list))]
	}
	appF := req.AppFilter
	if appF == nil {
		appF = []string{}
	}
	resp := struct {
		envelope
		Next       *string     `json:"Next,omitempty"`
		MemberNum  int         `json:"MemberNum"`
		MemberList []memberOut `json:"MemberList"`
	}{Next: next, MemberNum: len(g.members), MemberList: []memberOut{}}
	for _, m := range list {
		resp.MemberList = append(resp.MemberList, m.out(req.MemberInfoFilter, appF, g))
	}
	return &resp, nil
}

func (c *call) changeGroupOwner() (any, error) {
	var req struct {
		GroupID         string `json:"GroupId"`
		NewOwnerAccount string `json:"NewOwner_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	if s.accounts[req.NewOwnerAccount] == nil {
		return nil, fail(codeGroupNoAccount, "NewOwner_Account %q not imported", req.NewOwnerAccount)
	}
	nm := g.byAcc[req.NewOwnerAccount]
	if nm == nil {
		return nil, fail(codeGroupPermission, "the new owner %q is not a member", req.NewOwnerAccount)
	}
	if old := g.byAcc[g.owner]; old != nil && old != nm {
		old.role = RoleMember
	}
	nm.role = RoleOwner
	g.owner = nm.account
	g.infoSeq++
	g.lastInfoTime = c.now.Unix()
	return &envelope{}, nil
}

func (c *call) forbidSendMsg() (any, error) {
	var req struct {
		GroupID        string   `json:"GroupId"`
		MembersAccount []string `json:"Members_Account"`
		MuteTime       uint64   `json:"MuteTime"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MembersAccount) == 0 || len(req.MembersAccount) > 500 {
		return nil, fail(codeGroupTooMany, "Members_Account holds %d ids, allowed 1..500", len(req.MembersAccount))
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	until := muteDeadline(c.now, req.MuteTime)
	for _, id := range req.MembersAccount {
		if m := g.byAcc[id]; m != nil {
			m.muteUntil = until
		}
	}
	return &envelope{}, nil
}

func (c *call) destroyGroup() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	delete(s.groups, g.id)
	ids := make([]string, 0, len(g.members))
	for _, m := range g.members {
		ids = append(ids, m.account)
	}
	const cmd = "Group.CallbackAfterGroupDestroyed"
	s.groupEvent(g, cmd, c.clientIP, struct {
		CallbackCommand string          `json:"CallbackCommand"`
		GroupID         string          `json:"GroupId"`
		Type            string          `json:"Type"`
		OwnerAccount    string          `json:"Owner_Account"`
		Name            string          `json:"Name"`
		MemberList      []memberAccount `json:"MemberList"`
		EventTime       string          `json:"EventTime"`
	}{cmd, g.id, g.typ, g.owner, g.name, memberAccounts(ids), g.eventTime(c.now)})
	return &envelope{}, nil
}

func (c *call) getJoinedGroupList() (any, error) {
	var req struct {
		MemberAccount  string `json:"Member_Account"`
		WithHugeGroups int    `json:"WithHugeGroups"`
		Limit          int    `json:"Limit"`
		Offset         int    `json:"Offset"`
		GroupType      string `json:"GroupType"`
		SupportTopic   int    `json:"SupportTopic"`
		ResponseFilter *struct {
			GroupBaseInfoFilter []string `json:"GroupBaseInfoFilter"`
			SelfInfoFilter      []string `json:"SelfInfoFilter"`
		} `json:"ResponseFilter"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Limit < 0 || req.Offset < 0 {
		return nil, fail(codeGroupParam, "Limit and Offset must not be negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.MemberAccount] == nil {
		return nil, fail(codeGroupNoAccount, "Member_Account %q not imported", req.MemberAccount)
	}
	type joined struct {
		g *group
		m *member
	}
	var list []joined
	for _, g := range s.groups {
		m := g.byAcc[req.MemberAccount]
		if m == nil || (g.typ == TypeAVChatRoom && req.WithHugeGroups != 1) {
			continue
		}
		if req.GroupType != "" && g.typ != req.GroupType {
			continue
		}
		list = append(list, joined{g, m})
	}
	slices.SortFunc(list, func(a, b joined) int { return int(a.m.joinTick) - int(b.m.joinTick) })
	total := len(list)
	list = list[min(req.Offset, len(list)):]
	if req.Limit > 0 {
		list = list[:min(req.Limit, len(list))]
	}
	resp := struct {
		envelope
		TotalCount  int            `json:"TotalCount"`
		GroupIDList []groupInfoOut `json:"GroupIdList"`
	}{TotalCount: total, GroupIDList: []groupInfoOut{}}
	for _, j := range list {
		out := groupInfoOut{GroupID: j.g.id}
		if f := req.ResponseFilter; f != nil {
			if f.GroupBaseInfoFilter != nil {
				j.g.baseInfo(&out, f.GroupBaseInfoFilter)
			}
			if f.SelfInfoFilter != nil {
				self := j.m.out(f.SelfInfoFilter, []string{}, j.g)
				self.MemberAccount = ""
				out.SelfInfo = &self
			}
		}
		if req.SupportTopic == 1 && j.g.typ == TypeCommunity {
			// 获取用户所加入的群组: SupportTopic, GrossTopicNextMsgSeq, SelfInfo.GrossTopicReadSeq.
			next := j.g.nextSeq
			for _, t := range j.g.x.topics {
				next += t.nextSeq - 1
			}
			out.Type = ptr(j.g.typ)
			out.SupportTopic = ptr(wire.BoolInt(j.g.supportTopic))
			out.GrossTopicSeq = ptr(next)
			if out.SelfInfo == nil {
				out.SelfInfo = &memberOut{}
			}
			out.SelfInfo.GrossTopicReadSeq = ptr(next - 1)
		}
		resp.GroupIDList = append(resp.GroupIDList, out)
	}
	return &resp, nil
}

func (c *call) getAppIDGroupList() (any, error) {
	var req struct {
		Limit     int    `json:"Limit"`
		Next      uint64 `json:"Next"`
		GroupType string `json:"GroupType"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Limit < 0 || req.Limit > 10000 {
		return nil, fail(codeGroupParam, "Limit must be 1..10000")
	}
	if req.Limit == 0 {
		req.Limit = 10000
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*group
	for _, g := range s.groups {
		if req.GroupType == "" || g.typ == req.GroupType {
			all = append(all, g)
		}
	}
	slices.SortFunc(all, func(a, b *group) int {
		switch {
		case a.serial < b.serial:
			return -1
		case a.serial > b.serial:
			return 1
		}
		return 0
	})
	type idItem struct {
		GroupID string `json:"GroupId"`
	}
	resp := struct {
		envelope
		TotalCount  int      `json:"TotalCount"`
		GroupIDList []idItem `json:"GroupIdList"`
		Next        uint64   `json:"Next"`
	}{TotalCount: len(all), GroupIDList: []idItem{}}
	i := 0
	for i < len(all) && all[i].serial <= req.Next {
		i++
	}
	rest := all[i:]
	page := rest[:min(req.Limit, len(rest))]
	for _, g := range page {
		resp.GroupIDList = append(resp.GroupIDList, idItem{g.id})
	}
	if len(page) < len(rest) {
		resp.Next = page[len(page)-1].serial
	}
	return &resp, nil
}

// groupMsgCallback is the body of Group.CallbackBeforeSendMsg / AfterSendMsg.
type groupMsgCallback struct {
	CallbackCommand string          `json:"CallbackCommand"`
	GroupID         string          `json:"GroupId"`
	Type            string          `json:"Type"`
	FromAccount     string          `json:"From_Account"`
	OperatorAccount string          `json:"Operator_Account"`
	Random          uint32          `json:"Random"`
	MsgSeq          *uint64         `json:"MsgSeq,omitempty"`
	MsgTime         *int64          `json:"MsgTime,omitempty"`
	OnlineOnlyFlag  int             `json:"OnlineOnlyFlag"`
	MsgBody         json.RawMessage `json:"MsgBody"`
	CloudCustomData string          `json:"CloudCustomData,omitempty"`
	GroupAtInfo     json.RawMessage `json:"GroupAtInfo,omitempty"`
	EventTime       string          `json:"EventTime"`
}

var priorities = map[string]bool{"": true, "High": true, "Normal": true, "Low": true, "Lowest": true}

func (c *call) sendGroupMsg() (any, error) {
	var req struct {
		GroupID               string          `json:"GroupId"`
		Random                json.RawMessage `json:"Random"`
		MsgPriority           string          `json:"MsgPriority"`
		MsgBody               json.RawMessage `json:"MsgBody"`
		FromAccount           string          `json:"From_Account"`
		OnlineOnlyFlag        int             `json:"OnlineOnlyFlag"`
		SendMsgControl        []string        `json:"SendMsgControl"`
		ForbidCallbackControl []string        `json:"ForbidCallbackControl"`
		CloudCustomData       string          `json:"CloudCustomData"`
		GroupAtInfo           json.RawMessage `json:"GroupAtInfo"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	r, present, ok := uintField(req.Random, math.MaxUint32)
	if !present || !ok {
		return nil, fail(codeGroupParam, "Random missing or not a 32-bit unsigned integer")
	}
	if !priorities[req.MsgPriority] {
		return nil, fail(codeGroupParam, "MsgPriority must be High, Normal, Low or Lowest")
	}
	if _, err := parseBody(req.MsgBody, codeGroupParam, codeGroupParam); err != nil {
		return nil, err
	}
	body := compact(req.MsgBody)
	if len(body)+len(req.CloudCustomData) > maxMsgBytes {
		return nil, fail(codeGroupMsgTooLong, "MsgBody and CloudCustomData exceed %d bytes", maxMsgBytes)
	}
	if req.OnlineOnlyFlag == 1 && len(req.SendMsgControl) > 0 {
		return nil, fail(codeGroupParam, "SendMsgControl is not allowed with OnlineOnlyFlag 1")
	}
	type sendResp struct {
		envelope
		MsgTime int64  `json:"MsgTime"`
		MsgSeq  uint64 `json:"MsgSeq"`
	}
	s := c.s
	dkey := strconv.FormatUint(r, 10) + "|" + strconv.FormatUint(uint64(crcOf(body)), 16)

	s.mu.Lock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	from := req.FromAccount
	if from != "" && s.accounts[from] == nil {
		s.mu.Unlock()
		return nil, fail(codeGroupNoAccount, "From_Account %q not imported", from)
	}
	asGroup := from == "" || s.admins[from]
	if from == "" {
		from = c.admin
	}
	if err := s.globalMuteErrLocked(from, true, c.now); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if !asGroup {
		m := g.byAcc[from]
		switch {
		case m == nil && g.typ != TypeAVChatRoom:
			s.mu.Unlock()
			return nil, fail(codeGroupPermission, "%q is not a member of the group", from)
		case m != nil && m.muteUntil > c.now.Unix():
			s.mu.Unlock()
			return nil, fail(codeGroupMuted, "%q is muted in this group", from)
		case g.muteAll && (m == nil || m.role == RoleMember):
			s.mu.Unlock()
			return nil, fail(codeGroupMuted, "the group is muted")
		}
	}
	if d := g.dedup[dkey]; d != nil && c.now.Sub(d.at) <= groupDedupWindow {
		s.mu.Unlock()
		return &sendResp{MsgTime: d.msgTime, MsgSeq: d.seq}, nil
	}
	gm := &groupMsg{from: from, operator: c.admin, random: uint32(r), time: c.now.Unix(), body: body,
		cloud: req.CloudCustomData, priority: req.MsgPriority, onlineOnly: req.OnlineOnlyFlag == 1}
	if gm.priority == "" {
		gm.priority = "Normal"
	}
	typ := g.typ
	s.mu.Unlock()

	if !contains(req.ForbidCallbackControl, "ForbidBeforeSendMsgCallback") {
		const cmd = "Group.CallbackBeforeSendMsg"
		ans, ok := s.cb.before(cmd, "RESTAPI", c.clientIP, gm.callback(cmd, req.GroupID, typ, c.now))
		if ok {
			switch ans.ErrorCode {
			case 0:
				if b, err := parseBody(ans.MsgBody, codeGroupParam, codeGroupParam); err == nil && len(b) > 0 {
					gm.body = compact(ans.MsgBody)
				}
				if ans.CloudCustomData != nil {
					gm.cloud = *ans.CloudCustomData
				}
			case 2: // silent drop: success for the sender, nothing stored
				s.mu.Lock()
				defer s.mu.Unlock()
				if g := s.groups[req.GroupID]; g != nil {
					g.dedup[dkey] = &groupDedup{at: c.now, msgTime: gm.time}
				}
				return &sendResp{MsgTime: gm.time}, nil
			default:
				return nil, fail(codeGroupCallback, "rejected by the before-send callback")
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	g, err = s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	if d := g.dedup[dkey]; d != nil && c.now.Sub(d.at) <= groupDedupWindow {
		return &sendResp{MsgTime: d.msgTime, MsgSeq: d.seq}, nil
	}
	if !gm.onlineOnly {
		gm.seq = g.nextSeq
		g.nextSeq++
	}
	g.msgs = append(g.msgs, gm)
	g.lastMsgTime = gm.time
	if m := g.byAcc[from]; m != nil {
		m.lastSend = gm.time
	}
	if !gm.onlineOnly && g.typ != TypeAVChatRoom && !contains(req.SendMsgControl, "NoLastMsg") {
		for _, m := range g.members {
			s.touchConvLocked(m.account, convGroup, g.id, gm.time)
		}
	}
	g.dedup[dkey] = &groupDedup{at: c.now, seq: gm.seq, msgTime: gm.time}
	if !contains(req.ForbidCallbackControl, "ForbidAfterSendMsgCallback") {
		const cmd = "Group.CallbackAfterSendMsg"
		b := gm.callback(cmd, g.id, g.typ, c.now)
		b.MsgSeq, b.MsgTime, b.GroupAtInfo = ptr(gm.seq), ptr(gm.time), req.GroupAtInfo
		s.groupEvent(g, cmd, c.clientIP, b)
	}
	return &sendResp{MsgTime: gm.time, MsgSeq: gm.seq}, nil
}

func (gm *groupMsg) callback(cmd, groupID, typ string, now time.Time) *groupMsgCallback {
	return &groupMsgCallback{CallbackCommand: cmd, GroupID: groupID, Type: typ, FromAccount: gm.from,
		OperatorAccount: gm.operator, Random: gm.random, OnlineOnlyFlag: wire.BoolInt(gm.onlineOnly), MsgBody: gm.body,
		CloudCustomData: gm.cloud, EventTime: strconv.FormatInt(now.UnixMilli(), 10)}
}

func (c *call) sendGroupSystemNotification() (any, error) {
	var req struct {
		GroupID          string   `json:"GroupId"`
		ToMembersAccount []string `json:"ToMembers_Account"`
		Content          string   `json:"Content"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Content == "" {
		return nil, fail(codeGroupParam, "Content is empty")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	to := req.ToMembersAccount
	if len(to) == 0 {
		for _, m := range g.members {
			to = append(to, m.account)
		}
	}
	n := SystemNotification{GroupID: g.id, To: append([]string(nil), to...), Content: req.Content, At: c.now}
	g.notifications = append(g.notifications, n)
	return &envelope{}, nil
}

// Group recall RetCodes the fake answers per MsgSeq.
const (
	recallOK       = 0
	recallNotFound = codeGroupRecall
)

func (c *call) groupMsgRecall() (any, error) {
	var req struct {
		GroupID    string `json:"GroupId"`
		MsgSeqList []struct {
			MsgSeq uint64 `json:"MsgSeq"`
		} `json:"MsgSeqList"`
		Reason string `json:"Reason"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MsgSeqList) == 0 || len(req.MsgSeqList) > maxRecallSeqs {
		return nil, fail(codeGroupParam, "MsgSeqList holds %d seqs, allowed 1..%d", len(req.MsgSeqList), maxRecallSeqs)
	}
	if len(req.Reason) > 100 {
		return nil, fail(codeGroupParam, "Reason is longer than 100 bytes")
	}
	type ret struct {
		MsgSeq  uint64 `json:"MsgSeq"`
		RetCode int    `json:"RetCode"`
	}
	type seqItem struct {
		MsgSeq uint64 `json:"MsgSeq"`
	}
	resp := struct {
		envelope
		RecallRetList []ret `json:"RecallRetList"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	var done []seqItem
	for _, it := range req.MsgSeqList {
		code := recallNotFound
		for _, m := range g.msgs {
			if m.seq == it.MsgSeq && m.seq != 0 && !m.recalled {
				m.recalled = true
				code = recallOK
				done = append(done, seqItem{m.seq})
				break
			}
		}
		resp.RecallRetList = append(resp.RecallRetList, ret{it.MsgSeq, code})
	}
	if len(done) > 0 {
		const cmd = "Group.CallbackAfterRecallMsg"
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string    `json:"CallbackCommand"`
			GroupID         string    `json:"GroupId"`
			Type            string    `json:"Type"`
			OperatorAccount string    `json:"Operator_Account"`
			MsgSeqList      []seqItem `json:"MsgSeqList"`
			EventTime       string    `json:"EventTime"`
		}{cmd, g.id, g.typ, c.admin, done, g.eventTime(c.now)})
	}
	return &resp, nil
}

func (c *call) groupMsgGetSimple() (any, error) {
	var req struct {
		GroupID         string `json:"GroupId"`
		ReqMsgSeq       uint64 `json:"ReqMsgSeq"`
		ReqMsgNumber    int    `json:"ReqMsgNumber"`
		WithRecalledMsg int    `json:"WithRecalledMsg"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.ReqMsgNumber < 1 || req.ReqMsgNumber > maxSimpleMsgs {
		return nil, fail(codeGroupParam, "ReqMsgNumber must be 1..%d", maxSimpleMsgs)
	}
	type item struct {
		FromAccount     string          `json:"From_Account"`
		IsPlaceMsg      int             `json:"IsPlaceMsg"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		IsSystemMsg     int             `json:"IsSystemMsg"`
		MsgPriority     string          `json:"MsgPriority"`
		MsgRandom       uint32          `json:"MsgRandom"`
		MsgSeq          uint64          `json:"MsgSeq"`
		MsgTimeStamp    int64           `json:"MsgTimeStamp"`
		CloudCustomData string          `json:"CloudCustomData,omitempty"`
	}
	resp := struct {
		envelope
		GroupID    string `json:"GroupId"`
		IsFinished int    `json:"IsFinished"`
		RspMsgList []item `json:"RspMsgList"`
	}{GroupID: req.GroupID, RspMsgList: []item{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	var cand []*groupMsg
	for i := len(g.msgs) - 1; i >= 0; i-- {
		m := g.msgs[i]
		if m.seq == 0 || (req.ReqMsgSeq != 0 && m.seq > req.ReqMsgSeq) {
			continue
		}
		if m.recalled && req.WithRecalledMsg != 1 {
			continue
		}
		cand = append(cand, m)
	}
	resp.IsFinished = wire.BoolInt(len(cand) <= req.ReqMsgNumber)
	for _, m := range cand[:min(req.ReqMsgNumber, len(cand))] {
		it := item{FromAccount: m.from, MsgBody: m.body, MsgPriority: m.priority, MsgRandom: m.random,
			MsgSeq: m.seq, MsgTimeStamp: m.time, CloudCustomData: m.cloud}
		if m.recalled {
			it.IsPlaceMsg, it.MsgBody = 1, json.RawMessage("[]")
		}
		resp.RspMsgList = append(resp.RspMsgList, it)
	}
	return &resp, nil
}

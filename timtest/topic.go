package timtest

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// Community topics (million_group_open_http_svc/*, group_open_http_svc/import_topic).
// Source: REST API/群组相关/社群管理/{创建话题,解散话题,获取话题资料,修改话题资料,导入话题基础资料}_intl_en.md.
// A topic id is the group id, "@TOPIC#_", then a name of the caller's
// choice or "@TOPIC#" and a generated suffix. get_topic spells the group id
// "GroupID" inside TopicInfo, as the page does.

// Topic limits of the pages: TopicName ≤ 30 bytes, Introduction ≤ 240,
// Notification ≤ 300, FaceUrl ≤ 100, CustomString ≤ 3000; the number of
// topics is a plan quota (10037), assumed 100 here.
const (
	topicSeparator  = "@TOPIC#_"
	maxTopics       = 100
	maxTopicName    = 30
	maxTopicIntro   = 240
	maxTopicNotice  = 300
	maxTopicFaceURL = 100
	maxTopicCustom  = 3000
	codeTopicsQuota = 10037
)

type topic struct {
	id, name, intro, notif, face, custom string
	createTime, lastMsgTime              int64
	nextSeq                              uint64
	muteAll                              bool
	msgs                                 []*groupMsg
	pins                                 []pinnedMsg // pin.go, most recent first
}

type topicFields struct {
	GroupID      string  `json:"GroupId"`
	TopicID      string  `json:"TopicId"`
	TopicName    *string `json:"TopicName"`
	FromAccount  string  `json:"From_Account"`
	CustomString *string `json:"CustomString"`
	FaceURL      *string `json:"FaceUrl"`
	Notification *string `json:"Notification"`
	Introduction *string `json:"Introduction"`
	CreateTime   int64   `json:"CreateTime"`
	DefinedData  []kv    `json:"TopicDefinedData"`
}

func (f *topicFields) check() error {
	switch {
	case f.TopicName != nil && (*f.TopicName == "" || len(*f.TopicName) > maxTopicName):
		return fail(codeGroupParam, "parameter error: TopicName must be 1..%d bytes", maxTopicName)
	case f.CustomString != nil && len(*f.CustomString) > maxTopicCustom:
		return fail(codeGroupParam, "parameter error: CustomString is longer than %d bytes", maxTopicCustom)
	case f.Introduction != nil && len(*f.Introduction) > maxTopicIntro:
		return fail(codeGroupParam, "parameter error: Introduction is longer than %d bytes", maxTopicIntro)
	case f.Notification != nil && len(*f.Notification) > maxTopicNotice:
		return fail(codeGroupParam, "parameter error: Notification is longer than %d bytes", maxTopicNotice)
	case f.FaceURL != nil && len(*f.FaceURL) > maxTopicFaceURL:
		return fail(codeGroupParam, "parameter error: FaceUrl is longer than %d bytes", maxTopicFaceURL)
	}
	return nil
}

// communityLocked finds a Community group that supports topics.
func (s *Server) communityLocked(id string) (*group, error) {
	g, err := s.groupX(id)
	if err != nil {
		return nil, err
	}
	if g.typ != TypeCommunity || !g.supportTopic {
		return nil, fail(codeGroupPermission, "group %q is not a Community group with topics (SupportTopic 1)", id)
	}
	return g, nil
}

func (c *call) createTopic() (any, error) { return c.newTopic(false) }
func (c *call) importTopic() (any, error) { return c.newTopic(true) }

func (c *call) newTopic(imported bool) (any, error) {
	var req topicFields
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	if req.CreateTime < 0 || req.CreateTime > c.now.Unix() || (!imported && req.CreateTime != 0) {
		return nil, fail(codeGroupParam, "parameter error: CreateTime out of range")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	if req.FromAccount != "" && s.accounts[req.FromAccount] == nil && !s.admins[req.FromAccount] {
		return nil, fail(codeGroupNoAccount, "From_Account %q not imported", req.FromAccount)
	}
	if len(g.x.topics) >= maxTopics {
		return nil, fail(codeTopicsQuota, "a Community group holds at most %d topics here", maxTopics)
	}
	id := req.TopicID
	if id != "" {
		if !strings.HasPrefix(id, g.id+topicSeparator) || len(id) == len(g.id+topicSeparator) {
			return nil, fail(codeGroupParam, "parameter error: TopicId must be the GroupId, %q and a name", topicSeparator)
		}
		if g.x.topics[id] != nil {
			return nil, fail(codeGroupIDTaken, "TopicId %q is already used", id)
		}
	}
	for id == "" || g.x.topics[id] != nil {
		var b strings.Builder
		b.WriteString(g.id + topicSeparator + "@TOPIC#c")
		for range 10 {
			b.WriteByte(idChars[rand.IntN(len(idChars))])
		}
		id = b.String()
	}
	t := &topic{id: id, createTime: c.now.Unix(), nextSeq: 1}
	if req.CreateTime > 0 {
		t.createTime = req.CreateTime
	}
	t.apply(&req)
	g.x.topics[id] = t
	g.x.topicOrder = append(g.x.topicOrder, id)
	if !imported {
		// 第三方回调/群组系统相关回调/创建话题之后回调_intl_en.md
		const cmd = "Group.CallbackAfterCreateTopic"
		op := req.FromAccount
		if op == "" {
			op = c.admin
		}
		data := req.DefinedData
		if data == nil {
			data = []kv{}
		}
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand     string `json:"CallbackCommand"`
			GroupID             string `json:"GroupId"`
			TopicID             string `json:"TopicId"`
			OperatorAccount     string `json:"Operator_Account"`
			OwnerAccount        string `json:"Owner_Account"`
			Type                string `json:"Type"`
			Name                string `json:"Name"`
			UserDefinedDataList []kv   `json:"UserDefinedDataList"`
		}{cmd, g.id, id, op, g.owner, g.typ, t.name, data})
	}
	return &struct {
		envelope
		TopicID string `json:"TopicId"`
	}{TopicID: id}, nil
}

func (t *topic) apply(f *topicFields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&t.name, f.TopicName)
	set(&t.intro, f.Introduction)
	set(&t.notif, f.Notification)
	set(&t.face, f.FaceURL)
	set(&t.custom, f.CustomString)
}

func (c *call) getTopic() (any, error) {
	var req struct {
		GroupID        string   `json:"GroupId"`
		FromAccount    string   `json:"From_Account"`
		TopicIDList    []string `json:"TopicIdList"`
		ResponseFilter []string `json:"ResponseFilter"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	type topicInfo struct {
		TopicName     *string `json:"TopicName,omitempty"`
		GroupID       string  `json:"GroupID"`
		FaceURL       *string `json:"FaceUrl,omitempty"`
		TopicID       string  `json:"TopicId"`
		NextMsgSeq    *uint64 `json:"NextMsgSeq,omitempty"`
		Notification  *string `json:"Notification,omitempty"`
		Introduction  *string `json:"Introduction,omitempty"`
		CreateTime    *int64  `json:"CreateTime,omitempty"`
		LastMsgTime   *int64  `json:"LastMsgTime,omitempty"`
		MuteAllMember *string `json:"MuteAllMember,omitempty"`
		CustomString  *string `json:"CustomString,omitempty"`
	}
	type selfInfo struct {
		ShutUpTime int64  `json:"ShutUpTime"`
		MsgSeq     uint64 `json:"MsgSeq"`
		MsgFlag    string `json:"MsgFlag"`
	}
	type item struct {
		ErrorCode int        `json:"ErrorCode"`
		ErrorInfo string     `json:"ErrorInfo"`
		SelfInfo  *selfInfo  `json:"SelfInfo,omitempty"`
		TopicInfo *topicInfo `json:"TopicInfo,omitempty"`
	}
	ids := req.TopicIDList
	if len(ids) == 0 {
		ids = g.x.topicOrder
	}
	f := req.ResponseFilter
	out := []item{}
	for _, id := range ids {
		t := g.x.topics[id]
		if t == nil {
			out = append(out, item{ErrorCode: codeGroupNotFound, ErrorInfo: "topic does not exist",
				TopicInfo: &topicInfo{GroupID: g.id, TopicID: id}})
			continue
		}
		ti := &topicInfo{GroupID: g.id, TopicID: t.id}
		if want(f, "TopicName") {
			ti.TopicName = ptr(t.name)
		}
		if want(f, "FaceUrl") {
			ti.FaceURL = ptr(t.face)
		}
		if want(f, "NextMsgSeq") {
			ti.NextMsgSeq = ptr(t.nextSeq)
		}
		if want(f, "Notification") {
			ti.Notification = ptr(t.notif)
		}
		if want(f, "Introduction") {
			ti.Introduction = ptr(t.intro)
		}
		if want(f, "CreateTime") {
			ti.CreateTime = ptr(t.createTime)
		}
		if want(f, "LastMsgTime") {
			ti.LastMsgTime = ptr(t.lastMsgTime)
		}
		if want(f, "MuteAllMember") {
			ti.MuteAllMember = ptr(onOff(t.muteAll))
		}
		if want(f, "CustomString") {
			ti.CustomString = ptr(t.custom)
		}
		it := item{ErrorInfo: "ok", TopicInfo: ti}
		if req.FromAccount != "" {
			si := &selfInfo{MsgFlag: "AcceptAndNotify"}
			if m := g.byAcc[req.FromAccount]; m != nil {
				si.MsgFlag = m.msgFlag
				if m.muteUntil > c.now.Unix() {
					si.ShutUpTime = m.muteUntil
				}
			}
			it.SelfInfo = si
		}
		out = append(out, it)
	}
	return &struct {
		envelope
		TopicAndSelfInfo []item `json:"TopicAndSelfInfo"`
	}{TopicAndSelfInfo: out}, nil
}

func (c *call) modifyTopic() (any, error) {
	var req struct {
		topicFields
		MuteAllMember *string `json:"MuteAllMember"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := req.topicFields.check(); err != nil {
		return nil, err
	}
	if req.MuteAllMember != nil && *req.MuteAllMember != "On" && *req.MuteAllMember != "Off" {
		return nil, fail(codeGroupParam, "parameter error: MuteAllMember must be On or Off")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	t := g.x.topics[req.TopicID]
	if t == nil {
		return nil, fail(codeGroupNotFound, "topic %q does not exist", req.TopicID)
	}
	t.apply(&req.topicFields)
	if req.MuteAllMember != nil {
		t.muteAll = *req.MuteAllMember == "On"
	}
	f := req.topicFields
	if f.TopicName != nil || f.Introduction != nil || f.Notification != nil || f.FaceURL != nil {
		// 第三方回调/群组系统相关回调/话题资料修改之后回调_intl_en.md (only the fields changed).
		const cmd = "Group.CallbackAfterTopicInfoChanged"
		op := f.FromAccount
		if op == "" {
			op = c.admin
		}
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string  `json:"CallbackCommand"`
			GroupID         string  `json:"GroupId"`
			TopicID         string  `json:"TopicId"`
			Type            string  `json:"Type"`
			OperatorAccount string  `json:"Operator_Account"`
			Name            *string `json:"Name,omitempty"`
			Introduction    *string `json:"Introduction,omitempty"`
			Notification    *string `json:"Notification,omitempty"`
			FaceURL         *string `json:"FaceUrl,omitempty"`
		}{cmd, g.id, t.id, g.typ, op, f.TopicName, f.Introduction, f.Notification, f.FaceURL})
	}
	return &envelope{}, nil
}

func (c *call) destroyTopic() (any, error) {
	var req struct {
		GroupID     string   `json:"GroupId"`
		TopicIDList []string `json:"TopicIdList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.TopicIDList) == 0 || len(req.TopicIDList) > maxTopics {
		return nil, fail(codeGroupParam, "parameter error: TopicIdList holds %d ids, allowed 1..%d", len(req.TopicIDList), maxTopics)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	type item struct {
		ErrorCode int    `json:"ErrorCode"`
		ErrorInfo string `json:"ErrorInfo"`
		TopicID   string `json:"TopicId"`
	}
	out := []item{}
	var gone []string
	for _, id := range req.TopicIDList {
		if g.x.topics[id] == nil {
			out = append(out, item{codeGroupNotFound, "topic does not exist", id})
			continue
		}
		delete(g.x.topics, id)
		g.x.topicOrder = slices.DeleteFunc(g.x.topicOrder, func(x string) bool { return x == id })
		g.x.dropTopicPermissions(id)
		out = append(out, item{0, "ok", id})
		gone = append(gone, id)
	}
	if len(gone) > 0 {
		// 第三方回调/群组系统相关回调/解散话题之后回调_intl_en.md
		const cmd = "Group.CallbackAfterTopicDestroyed"
		s.groupEvent(g, cmd, c.clientIP, struct {
			CallbackCommand string   `json:"CallbackCommand"`
			GroupID         string   `json:"GroupId"`
			Type            string   `json:"Type"`
			TopicIDList     []string `json:"TopicIdList"`
		}{cmd, g.id, g.typ, gone})
	}
	return &struct {
		envelope
		DestroyResultItem []item `json:"DestroyResultItem"`
	}{DestroyResultItem: out}, nil
}

// Topics returns the topic ids of a Community group, in creation order.
func (s *Server) Topics(groupID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[groupID]; g != nil {
		return slices.Clone(g.x.topicOrder)
	}
	return nil
}

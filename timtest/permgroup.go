package timtest

import (
	"slices"
	"unicode/utf8"
)

// Permission groups of Community groups (group_open_http_svc/*permission_group*).
// Sources: https://www.tencentcloud.com/document/product/1047/61232 … 61242
// (Creating Permission Groups … Obtaining Permission Group Member List), read
// as far as the stored copies reach (group/NOTES.md, "Issue 18"): the
// requests, their limits and the answer examples. The pages' error-code
// tables were not read, so the codes below are the fake's choice among the
// group service's codes: 10004 for a parameter out of range, 10007 for a
// group that is not a Community, 10010 for a permission group or topic that
// does not exist, 10013 for a member already in the permission group (the
// add_permission_group_member example names it). Only members of the
// community join its permission groups; a member who leaves the community
// stays listed (what Tencent does then was not read).
//
// create_permission_group is not modelled (its answer was not read): tests
// add permission groups with AddPermissionGroup, as a client would.

const (
	maxPermGroupName      = 150  // UTF-8 bytes
	maxPermGroupCustom    = 3000 // bytes
	maxPermGroupsDestroy  = 20
	maxTopicPermsPerCall  = 50
	maxPermMembersPerCall = 100
)

// permGroup is one permission group of a community.
type permGroup struct {
	id, name, custom string
	perm             uint64
	topics           map[string]uint64
	topicOrder       []string
	members          []string
}

// PermissionGroup is a snapshot of a permission group.
type PermissionGroup struct {
	ID           string
	Name         string
	CustomString string
	// Permission is the community permission value.
	Permission uint64
	// Topics maps topic ids to the group's permission value in them.
	Topics map[string]uint64
	// Members in the order they were added.
	Members []string
}

func (p *permGroup) export() PermissionGroup {
	topics := make(map[string]uint64, len(p.topics))
	for k, v := range p.topics {
		topics[k] = v
	}
	return PermissionGroup{ID: p.id, Name: p.name, CustomString: p.custom, Permission: p.perm, Topics: topics, Members: slices.Clone(p.members)}
}

// communityX finds a live Community group; s.mu is held.
func (s *Server) communityX(id string) (*group, error) {
	g, err := s.groupX(id, TypeCommunity)
	if err != nil {
		return nil, err
	}
	if g.x.perms == nil {
		g.x.perms = map[string]*permGroup{}
	}
	return g, nil
}

// permGroupLocked finds a permission group of a Community group.
func (s *Server) permGroupLocked(groupID, id string) (*group, *permGroup, error) {
	g, err := s.communityX(groupID)
	if err != nil {
		return nil, nil, err
	}
	p := g.x.perms[id]
	if p == nil {
		return nil, nil, fail(codeGroupNotFound, "permission group %q does not exist", id)
	}
	return g, p, nil
}

// checkListLen answers 10004 unless a request list holds 1..limit entries.
func checkListLen(field string, n, limit int) error {
	if n == 0 || n > limit {
		return fail(codeGroupParam, "parameter error: %s holds %d entries, allowed 1..%d", field, n, limit)
	}
	return nil
}

func checkPermGroupTexts(name, custom *string) error {
	switch {
	case name != nil && (*name == "" || len(*name) > maxPermGroupName || !utf8.ValidString(*name)):
		return fail(codeGroupParam, "parameter error: PermissionGroupName must be 1..%d UTF-8 bytes", maxPermGroupName)
	case custom != nil && len(*custom) > maxPermGroupCustom:
		return fail(codeGroupParam, "parameter error: CustomString is longer than %d bytes", maxPermGroupCustom)
	}
	return nil
}

// AddPermissionGroup adds a permission group with the community
// permission value perm to the Community group groupID, as a client's
// createPermissionGroupInCommunity would (the REST create_permission_group
// is not modelled).
func (s *Server) AddPermissionGroup(groupID, id, name string, perm uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityX(groupID)
	if err != nil {
		return err
	}
	if id == "" {
		return fail(codeGroupParam, "parameter error: empty permission group id")
	}
	if err := checkPermGroupTexts(&name, nil); err != nil {
		return err
	}
	if g.x.perms[id] != nil {
		return fail(codeGroupIDTaken, "permission group %q exists", id)
	}
	g.x.perms[id] = &permGroup{id: id, name: name, perm: perm, topics: map[string]uint64{}}
	g.x.permOrder = append(g.x.permOrder, id)
	return nil
}

// PermissionGroup returns a snapshot of a permission group of a live
// Community group.
func (s *Server) PermissionGroup(groupID, id string) (PermissionGroup, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[groupID]; g != nil {
		if p := g.x.perms[id]; p != nil {
			return p.export(), true
		}
	}
	return PermissionGroup{}, false
}

func (c *call) modifyPermissionGroup() (any, error) {
	var req struct {
		GroupID             string  `json:"GroupId"`
		PermissionGroupID   string  `json:"PermissionGroupId"`
		PermissionGroupName *string `json:"PermissionGroupName"`
		Permission          *uint64 `json:"Permission"`
		CustomString        *string `json:"CustomString"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPermGroupTexts(req.PermissionGroupName, req.CustomString); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.permGroupLocked(req.GroupID, req.PermissionGroupID)
	if err != nil {
		return nil, err
	}
	if req.PermissionGroupName != nil {
		p.name = *req.PermissionGroupName
	}
	if req.CustomString != nil {
		p.custom = *req.CustomString
	}
	if req.Permission != nil {
		p.perm = *req.Permission
	}
	return &envelope{}, nil
}

// permItem is a per-permission-group result.
type permItem struct {
	ErrorCode         int    `json:"ErrorCode"`
	ErrorInfo         string `json:"ErrorInfo"`
	PermissionGroupID string `json:"PermissionGroupId"`
}

func (c *call) destroyPermissionGroup() (any, error) {
	var req struct {
		GroupID               string   `json:"GroupId"`
		PermissionGroupIDList []string `json:"PermissionGroupIdList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkListLen("PermissionGroupIdList", len(req.PermissionGroupIDList), maxPermGroupsDestroy); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.communityX(req.GroupID)
	if err != nil {
		return nil, err
	}
	out := []permItem{}
	for _, id := range req.PermissionGroupIDList {
		if g.x.perms[id] == nil {
			out = append(out, permItem{codeGroupNotFound, "permission group does not exist", id})
			continue
		}
		delete(g.x.perms, id)
		g.x.permOrder = slices.DeleteFunc(g.x.permOrder, func(x string) bool { return x == id })
		out = append(out, permItem{0, "", id})
	}
	return &struct {
		envelope
		PermissionGroupResultList []permItem `json:"PermissionGroupResultList"`
	}{PermissionGroupResultList: out}, nil
}

// topicPermItem is a TopicPermissionResultList entry; Permission is sent by
// get_topic_permission_group only.
type topicPermItem struct {
	ErrorCode  int     `json:"ErrorCode"`
	ErrorInfo  string  `json:"ErrorInfo"`
	TopicID    string  `json:"TopicId"`
	Permission *uint64 `json:"Permission,omitempty"`
}

// addTopicPermissionGroup gives a permission group its value in topics of
// the community. A topic the group already holds gets the new value (the
// page does not say what Tencent does then).
func (c *call) addTopicPermissionGroup() (any, error) {
	var req struct {
		GroupID             string `json:"GroupId"`
		PermissionGroupID   string `json:"PermissionGroupId"`
		TopicPermissionList []struct {
			TopicID    *string `json:"TopicId"`
			Permission *uint64 `json:"Permission"`
		} `json:"TopicPermissionList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkListLen("TopicPermissionList", len(req.TopicPermissionList), maxTopicPermsPerCall); err != nil {
		return nil, err
	}
	for i, tp := range req.TopicPermissionList {
		if tp.TopicID == nil || tp.Permission == nil {
			return nil, fail(codeGroupParam, "parameter error: TopicPermissionList[%d] needs TopicId and Permission", i)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, p, err := s.permGroupLocked(req.GroupID, req.PermissionGroupID)
	if err != nil {
		return nil, err
	}
	out := []topicPermItem{}
	for _, tp := range req.TopicPermissionList {
		id := *tp.TopicID
		if g.x.topics[id] == nil {
			out = append(out, topicPermItem{ErrorCode: codeGroupNotFound, ErrorInfo: "topic does not exist", TopicID: id})
			continue
		}
		if _, ok := p.topics[id]; !ok {
			p.topicOrder = append(p.topicOrder, id)
		}
		p.topics[id] = *tp.Permission
		out = append(out, topicPermItem{TopicID: id})
	}
	return &struct {
		envelope
		TopicPermissionResultList []topicPermItem `json:"TopicPermissionResultList"`
	}{TopicPermissionResultList: out}, nil
}

func (c *call) getTopicPermissionGroup() (any, error) {
	var req struct {
		GroupID           string   `json:"GroupId"`
		PermissionGroupID string   `json:"PermissionGroupId"`
		TopicIDList       []string `json:"TopicIdList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.permGroupLocked(req.GroupID, req.PermissionGroupID)
	if err != nil {
		return nil, err
	}
	ids := req.TopicIDList
	if len(ids) == 0 {
		ids = p.topicOrder
	}
	out := []topicPermItem{}
	for _, id := range ids {
		v, ok := p.topics[id]
		if !ok {
			out = append(out, topicPermItem{ErrorCode: codeGroupNotFound, ErrorInfo: "the permission group holds no permission in this topic",
				TopicID: id, Permission: ptr(uint64(0))})
			continue
		}
		out = append(out, topicPermItem{TopicID: id, Permission: ptr(v)})
	}
	return &struct {
		envelope
		TopicPermissionResultList []topicPermItem `json:"TopicPermissionResultList"`
	}{TopicPermissionResultList: out}, nil
}

// dropTopicPermissions removes a destroyed topic from the community's
// permission groups.
func (x *groupExtra) dropTopicPermissions(topicID string) {
	for _, p := range x.perms {
		if _, ok := p.topics[topicID]; ok {
			delete(p.topics, topicID)
			p.topicOrder = slices.DeleteFunc(p.topicOrder, func(id string) bool { return id == topicID })
		}
	}
}

// addPermissionGroupMember adds members of the community to a permission
// group. Per user: 0 added, 10013 already in the permission group (the
// page's example), 10007 not a member of the community (the fake's choice).
func (c *call) addPermissionGroupMember() (any, error) {
	var req struct {
		GroupID           string `json:"GroupId"`
		PermissionGroupID string `json:"PermissionGroupId"`
		MemberList        []struct {
			MemberAccount string `json:"Member_Account"`
		} `json:"MemberList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkListLen("MemberList", len(req.MemberList), maxPermMembersPerCall); err != nil {
		return nil, err
	}
	for i, m := range req.MemberList {
		if m.MemberAccount == "" {
			return nil, fail(codeGroupParam, "parameter error: MemberList[%d].Member_Account is empty", i)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, p, err := s.permGroupLocked(req.GroupID, req.PermissionGroupID)
	if err != nil {
		return nil, err
	}
	type result struct {
		MemberAccount string `json:"Member_Account"`
		Result        int    `json:"Result"`
	}
	out := []result{}
	for _, m := range req.MemberList {
		id := m.MemberAccount
		switch {
		case g.byAcc[id] == nil:
			out = append(out, result{id, codeGroupPermission})
		case slices.Contains(p.members, id):
			out = append(out, result{id, codeGroupMember})
		default:
			p.members = append(p.members, id)
			out = append(out, result{id, 0})
		}
	}
	return &struct {
		envelope
		MemberList []result `json:"MemberList"`
	}{MemberList: out}, nil
}

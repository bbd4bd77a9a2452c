package group

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Permission groups of Community groups (group_open_http_svc/*_permission_group*).
// Sources and what could not be read: NOTES.md, "Issue 18".

// CommunityPermission is the community-wide permission value of a
// permission group (Permission in create/modify/get_permission_group): a
// 64-bit set, one permission per bit, 1 = granted. A member holds the union
// of the community's default permissions and those of all its permission
// groups; the owner holds all of them. Bits with no constant here are passed
// through unchanged (the pages' own examples use values such as 123).
type CommunityPermission uint64

// Community permission bits (Tencent's V2TIMCommunityPermissionValue).
const (
	// CanManageGroupInfo: modify the community's profile.
	CanManageGroupInfo CommunityPermission = 1 << iota
	// CanManageMembers: manage members (remove, review join requests,
	// modify member profiles).
	CanManageMembers
	// CanManagePermissionGroups: create, modify and destroy permission
	// groups, and add, modify and remove their topic permissions.
	CanManagePermissionGroups
	// CanManagePermissionGroupMembers: add members to permission groups and
	// remove them.
	CanManagePermissionGroupMembers
	// CanManageTopics: create, modify and destroy topics.
	CanManageTopics
	// CanMuteMembers: mute a member in every topic of the community.
	CanMuteMembers
	// CanSendMessages: send messages in every topic.
	CanSendMessages
	// CanAtAll: send @all messages in every topic.
	CanAtAll
	// CanReadHistory: read the messages sent before one joined, in every
	// topic.
	CanReadHistory
	// CanRecallOthers: recall other members' messages in every topic.
	CanRecallOthers
	// CanBanMembers: ban community members.
	CanBanMembers
)

// Has reports whether every bit of q is set in p.
func (p CommunityPermission) Has(q CommunityPermission) bool { return p&q == q }

// TopicPermission is the permission value a permission group holds in one
// topic (Permission in *_topic_permission_group): one permission per bit,
// 1 = granted. Unknown bits are passed through unchanged.
type TopicPermission uint64

// Topic permission bits (Tencent's V2TIMTopicPermissionValue).
const (
	// TopicCanManage: modify and destroy the topic.
	TopicCanManage TopicPermission = 1 << iota
	// TopicCanManagePermissions: add, modify and remove the topic's
	// permissions in permission groups.
	TopicCanManagePermissions
	// TopicCanMute: mute members in the topic.
	TopicCanMute
	// TopicCanSend: send messages in the topic.
	TopicCanSend
	// TopicCanReadHistory: read the topic's messages sent before one joined.
	TopicCanReadHistory
	// TopicCanRecallOthers: recall other members' messages in the topic.
	TopicCanRecallOthers
	// TopicCanAtAll: send @all messages in the topic.
	TopicCanAtAll
)

// Has reports whether every bit of q is set in p.
func (p TopicPermission) Has(q TopicPermission) bool { return p&q == q }

// Limits of the permission-group pages.
const (
	// MaxPermissionGroupNameBytes caps PermissionGroupName (UTF-8 bytes; a
	// Chinese character takes 3).
	MaxPermissionGroupNameBytes = 150
	// MaxPermissionGroupCustomStringBytes caps a permission group's
	// CustomString.
	MaxPermissionGroupCustomStringBytes = 3000
	// MaxDestroyPermissionGroupsPerCall is destroy_permission_group's cap
	// on PermissionGroupIdList; DestroyPermissionGroups splits longer lists.
	MaxDestroyPermissionGroupsPerCall = 20
)

// checkPermissionGroupRef checks the id of an existing permission group.
// The pages show ids such as "@PMG#_test_permission_group" and
// "@PMG#_@PMG#cM2" but no rule that this package could check more closely
// (the page on custom permission-group ids was not read).
func checkPermissionGroupRef(field, id string) error {
	if id == "" {
		return wire.Invalid(field, "is empty")
	}
	if !utf8.ValidString(id) {
		return wire.Invalid(field, "is not valid UTF-8")
	}
	return nil
}

// checkPermissionGroupTexts checks a permission group's name and custom
// string, when given.
func checkPermissionGroupTexts(name, custom *string) error {
	if name != nil {
		if *name == "" {
			return wire.Invalid("PermissionGroupName", "is empty (create_permission_group requires a name)")
		}
		if err := checkNameChars("PermissionGroupName", *name); err != nil {
			return err
		}
		if err := checkText("PermissionGroupName", *name, MaxPermissionGroupNameBytes); err != nil {
			return err
		}
	}
	if custom != nil {
		if err := checkText("CustomString", *custom, MaxPermissionGroupCustomStringBytes); err != nil {
			return err
		}
	}
	return nil
}

// UpdatePermissionGroupRequest changes a permission group; nil fields are
// left as they are.
type UpdatePermissionGroupRequest struct {
	// GroupID is the community (its id starts with "@TGS#_").
	GroupID string
	// PermissionGroupID names the permission group.
	PermissionGroupID string
	// Name is the new name (≤ MaxPermissionGroupNameBytes).
	Name *string
	// Permission replaces the community permissions of the group's members
	// (0 withdraws them all).
	Permission *CommunityPermission
	// CustomString is free data (≤ MaxPermissionGroupCustomStringBytes).
	CustomString *string
}

// Writes the values given: a resend leaves the same state.
var epModifyPermissionGroup = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/modify_permission_group", Safety: api.Idempotent})

// UpdatePermissionGroup changes a permission group's name, community
// permissions or custom string.
//
// REST: v4/group_open_http_svc/modify_permission_group
func (s *Service) UpdatePermissionGroup(ctx context.Context, r UpdatePermissionGroupRequest) error {
	if err := checkPermissionGroupOf(r.GroupID, r.PermissionGroupID); err != nil {
		return err
	}
	if r.Name == nil && r.Permission == nil && r.CustomString == nil {
		return wire.Invalid("PermissionGroupId", "nothing to change")
	}
	if err := checkPermissionGroupTexts(r.Name, r.CustomString); err != nil {
		return err
	}
	req := struct {
		GroupID             string               `json:"GroupId"`
		PermissionGroupID   string               `json:"PermissionGroupId"`
		PermissionGroupName *string              `json:"PermissionGroupName,omitempty"`
		Permission          *CommunityPermission `json:"Permission,omitempty"`
		CustomString        *string              `json:"CustomString,omitempty"`
	}{r.GroupID, r.PermissionGroupID, r.Name, r.Permission, r.CustomString}
	var resp envelope
	return s.d.Do(ctx, epModifyPermissionGroup, &req, &resp)
}

// PermissionGroupResult is one permission group's outcome of
// DestroyPermissionGroups.
type PermissionGroupResult struct {
	PermissionGroupID string
	// ErrorCode is Tencent's per-group result (0 = destroyed); see Err.
	ErrorCode int
	ErrorInfo string
}

// Destroying what is already gone changes nothing: a resend is harmless.
var epDestroyPermissionGroup = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/destroy_permission_group", Safety: api.Idempotent})

// Err returns nil when the permission group was destroyed, else an
// *APIError with the per-group code.
func (r *PermissionGroupResult) Err() error {
	if r.ErrorCode == 0 {
		return nil
	}
	return &api.Error{Op: epDestroyPermissionGroup.Path, HTTPStatus: 200, Code: r.ErrorCode, Info: r.ErrorInfo}
}

// DestroyPermissionGroups destroys permission groups of a community, in
// calls of MaxDestroyPermissionGroupsPerCall (duplicates are sent once),
// and returns one result per permission group. On a failed call it returns
// the results so far and an error naming the batch.
//
// REST: v4/group_open_http_svc/destroy_permission_group
func (s *Service) DestroyPermissionGroups(ctx context.Context, groupID string, ids []string) ([]PermissionGroupResult, error) {
	if err := checkCommunityRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, wire.Invalid("PermissionGroupIdList", "no permission group id given")
	}
	for i, id := range ids {
		if err := checkPermissionGroupRef(fmt.Sprintf("PermissionGroupIdList[%d]", i), id); err != nil {
			return nil, err
		}
	}
	ids = dedupe(ids)
	out := make([]PermissionGroupResult, 0, len(ids))
	err := wire.ChunksNamed(len(ids), MaxDestroyPermissionGroupsPerCall, "group: permission groups", func(lo, hi int) error {
		req := struct {
			GroupID               string   `json:"GroupId"`
			PermissionGroupIDList []string `json:"PermissionGroupIdList"`
		}{groupID, ids[lo:hi]}
		var resp struct {
			envelope
			PermissionGroupResultList []struct {
				PermissionGroupID wire.FlexString `json:"PermissionGroupId"`
				ErrorCode         wire.FlexInt    `json:"ErrorCode"`
				ErrorInfo         string          `json:"ErrorInfo"`
			} `json:"PermissionGroupResultList"`
		}
		if err := s.d.Do(ctx, epDestroyPermissionGroup, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.PermissionGroupResultList {
			out = append(out, PermissionGroupResult{PermissionGroupID: string(it.PermissionGroupID), ErrorCode: int(it.ErrorCode), ErrorInfo: it.ErrorInfo})
		}
		return nil
	})
	return out, err
}

// MaxTopicPermissionsPerCall is add_topic_permission_group's cap on
// TopicPermissionList; AddTopicPermissions splits longer lists.
const MaxTopicPermissionsPerCall = 50

// TopicGrant is a permission group's permission value in one topic.
type TopicGrant struct {
	// TopicID is a topic of the community (its id starts with the
	// community's GroupId).
	TopicID    string
	Permission TopicPermission
}

// TopicPermissionResult is one topic's outcome of AddTopicPermissions or
// TopicPermissions.
type TopicPermissionResult struct {
	TopicID string
	// Permission is the permission group's value in the topic
	// (TopicPermissions only).
	Permission TopicPermission
	// ErrorCode is Tencent's per-topic result (0 = done); see Err.
	ErrorCode int
	ErrorInfo string
	op        string
}

// Err returns nil when the topic's permission was added or read, else an
// *APIError with the per-topic code.
func (r *TopicPermissionResult) Err() error {
	if r.ErrorCode == 0 {
		return nil
	}
	return &api.Error{Op: r.op, HTTPStatus: 200, Code: r.ErrorCode, Info: r.ErrorInfo}
}

// topicPermissionItem is a TopicPermissionResultList entry.
type topicPermissionItem struct {
	TopicID    wire.FlexString `json:"TopicId"`
	Permission wire.FlexUint64 `json:"Permission"`
	ErrorCode  wire.FlexInt    `json:"ErrorCode"`
	ErrorInfo  string          `json:"ErrorInfo"`
}

func (it *topicPermissionItem) result(op string) TopicPermissionResult {
	return TopicPermissionResult{TopicID: string(it.TopicID), Permission: TopicPermission(it.Permission), ErrorCode: int(it.ErrorCode),
		ErrorInfo: it.ErrorInfo, op: op}
}

// checkPermissionGroupOf checks a community and one of its permission
// groups.
func checkPermissionGroupOf(groupID, permissionGroupID string) error {
	if err := checkCommunityRef("GroupId", groupID); err != nil {
		return err
	}
	return checkPermissionGroupRef("PermissionGroupId", permissionGroupID)
}

// A topic holds one value per permission group: a resend cannot add it
// twice (what Tencent answers for an entry the first attempt added is not
// documented).
var epAddTopicPermission = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/add_topic_permission_group", Safety: api.Idempotent})

// AddTopicPermissions gives a permission group its permissions in topics
// of the community, in calls of MaxTopicPermissionsPerCall, and returns
// one result per topic. A topic may appear once. On a failed call it
// returns the results so far and an error naming the batch.
//
// REST: v4/group_open_http_svc/add_topic_permission_group
func (s *Service) AddTopicPermissions(ctx context.Context, groupID, permissionGroupID string, grants []TopicGrant) ([]TopicPermissionResult, error) {
	if err := checkPermissionGroupOf(groupID, permissionGroupID); err != nil {
		return nil, err
	}
	if len(grants) == 0 {
		return nil, wire.Invalid("TopicPermissionList", "no topic given")
	}
	seen := make(map[string]bool, len(grants))
	for i, g := range grants {
		field := fmt.Sprintf("TopicPermissionList[%d].TopicId", i)
		if err := checkTopicRef(field, groupID, g.TopicID); err != nil {
			return nil, err
		}
		if seen[g.TopicID] {
			return nil, wire.Invalid(field, "topic %q is given twice (a permission group holds one value per topic)", g.TopicID)
		}
		seen[g.TopicID] = true
	}
	type entry struct {
		Permission TopicPermission `json:"Permission"`
		TopicID    string          `json:"TopicId"`
	}
	out := make([]TopicPermissionResult, 0, len(grants))
	err := wire.ChunksNamed(len(grants), MaxTopicPermissionsPerCall, "group: topic permissions", func(lo, hi int) error {
		req := struct {
			GroupID             string  `json:"GroupId"`
			PermissionGroupID   string  `json:"PermissionGroupId"`
			TopicPermissionList []entry `json:"TopicPermissionList"`
		}{GroupID: groupID, PermissionGroupID: permissionGroupID}
		for _, g := range grants[lo:hi] {
			req.TopicPermissionList = append(req.TopicPermissionList, entry{g.Permission, g.TopicID})
		}
		var resp struct {
			envelope
			TopicPermissionResultList []topicPermissionItem `json:"TopicPermissionResultList"`
		}
		if err := s.d.Do(ctx, epAddTopicPermission, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.TopicPermissionResultList {
			out = append(out, it.result(epAddTopicPermission.Path))
		}
		return nil
	})
	return out, err
}

// A read: a resend changes nothing.
var epGetTopicPermission = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_topic_permission_group", Safety: api.Idempotent})

// TopicPermissions reads a permission group's permissions in the topics
// given, or in all its topics when topicIDs is empty. A topic that cannot
// be read is reported through its result's ErrorCode, not as an error.
//
// REST: v4/group_open_http_svc/get_topic_permission_group
func (s *Service) TopicPermissions(ctx context.Context, groupID, permissionGroupID string, topicIDs []string) ([]TopicPermissionResult, error) {
	if err := checkPermissionGroupOf(groupID, permissionGroupID); err != nil {
		return nil, err
	}
	for i, id := range topicIDs {
		if err := checkTopicRef(fmt.Sprintf("TopicIdList[%d]", i), groupID, id); err != nil {
			return nil, err
		}
	}
	req := struct {
		GroupID           string   `json:"GroupId"`
		PermissionGroupID string   `json:"PermissionGroupId"`
		TopicIDList       []string `json:"TopicIdList,omitempty"`
	}{groupID, permissionGroupID, dedupe(topicIDs)}
	if len(req.TopicIDList) == 0 {
		req.TopicIDList = nil
	}
	var resp struct {
		envelope
		TopicPermissionResultList []topicPermissionItem `json:"TopicPermissionResultList"`
	}
	if err := s.d.Do(ctx, epGetTopicPermission, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]TopicPermissionResult, len(resp.TopicPermissionResultList))
	for i, it := range resp.TopicPermissionResultList {
		out[i] = it.result(epGetTopicPermission.Path)
	}
	return out, nil
}

// MaxPermissionGroupMembersPerCall is add_permission_group_member's cap on
// MemberList; AddPermissionGroupMembers splits longer lists.
const MaxPermissionGroupMembersPerCall = 100

// resultAlreadyMember is add_permission_group_member's Result for a user
// who is already a member ("10013 indicates it is already a group
// member").
const resultAlreadyMember = 10013

// PermissionGroupMemberResult is one user's outcome of
// AddPermissionGroupMembers.
type PermissionGroupMemberResult struct {
	UserID string
	// Result is 0 when the user was added, 10013 when the user was a
	// member already, else an error code (see Err).
	Result int
}

// Added reports whether the user was added by this call.
func (r *PermissionGroupMemberResult) Added() bool { return r.Result == 0 }

// AlreadyMember reports whether the user was a member already.
func (r *PermissionGroupMemberResult) AlreadyMember() bool { return r.Result == resultAlreadyMember }

// Adding a member twice is answered per user with 10013 (already a
// member): a resend adds nobody twice.
var epAddPermissionGroupMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/add_permission_group_member", Safety: api.Idempotent})

// Err returns nil when the user is now a member (added, or a member
// already), else an *APIError with the per-user code.
func (r *PermissionGroupMemberResult) Err() error {
	if r.Added() || r.AlreadyMember() {
		return nil
	}
	return &api.Error{Op: epAddPermissionGroupMember.Path, HTTPStatus: 200, Code: r.Result}
}

// AddPermissionGroupMembers adds users to a permission group of a
// community, in calls of MaxPermissionGroupMembersPerCall (duplicates are
// sent once), and returns one result per user. A user already in the
// permission group is not an error (AlreadyMember). On a failed call it
// returns the results so far and an error naming the batch.
//
// REST: v4/group_open_http_svc/add_permission_group_member
func (s *Service) AddPermissionGroupMembers(ctx context.Context, groupID, permissionGroupID string, userIDs []string) ([]PermissionGroupMemberResult, error) {
	if err := checkPermissionGroupOf(groupID, permissionGroupID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("MemberList", userIDs); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	type item struct {
		MemberAccount string `json:"Member_Account"`
	}
	out := make([]PermissionGroupMemberResult, 0, len(ids))
	err := wire.ChunksNamed(len(ids), MaxPermissionGroupMembersPerCall, "group: permission group members", func(lo, hi int) error {
		req := struct {
			GroupID           string `json:"GroupId"`
			PermissionGroupID string `json:"PermissionGroupId"`
			MemberList        []item `json:"MemberList"`
		}{GroupID: groupID, PermissionGroupID: permissionGroupID}
		for _, id := range ids[lo:hi] {
			req.MemberList = append(req.MemberList, item{id})
		}
		var resp struct {
			envelope
			MemberList []memberResultItem `json:"MemberList"`
		}
		if err := s.d.Do(ctx, epAddPermissionGroupMember, &req, &resp); err != nil {
			return err
		}
		for _, m := range resp.MemberList {
			out = append(out, PermissionGroupMemberResult{UserID: string(m.MemberAccount), Result: int(m.Result)})
		}
		return nil
	})
	return out, err
}

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
	if err := checkCommunityRef("GroupId", r.GroupID); err != nil {
		return err
	}
	if err := checkPermissionGroupRef("PermissionGroupId", r.PermissionGroupID); err != nil {
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

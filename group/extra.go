package group

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Per-call caps of the member extras.
const (
	// MaxSpecifiedMembersPerCall caps get_specified_group_member_info's
	// Member_List_Account.
	MaxSpecifiedMembersPerCall = 50
	// MaxRolesPerCall caps get_role_in_group's User_Account.
	MaxRolesPerCall = 500
	// MaxImportMembersPerCall caps import_group_member's MemberList.
	MaxImportMembersPerCall = 300
)

// RoleNotMember is get_role_in_group's answer for a user who is not in the
// group.
const RoleNotMember Role = "NotMember"

// MemberFilter narrows what MembersByID returns about each member. Empty
// lists return everything.
type MemberFilter struct {
	// MemberInfo lists the member fields to return (MemberInfoFilter),
	// e.g. "Role", "JoinTime", "NameCard"; Member_Account is always there.
	MemberInfo []string
	// Roles keeps only members with these roles (MemberRoleFilter).
	Roles []Role
	// AppMemberDefinedData lists member custom-field keys to return.
	AppMemberDefinedData []string
}

// A read: a resend changes nothing.
var epSpecifiedMembers = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_specified_group_member_info", Safety: api.Idempotent})

// MembersByID reads the profiles of the given members of a group, in
// calls of MaxSpecifiedMembersPerCall (duplicates are asked once). Users
// who are not members are absent from the answer. On a failed call it
// returns the members read so far and an error naming the batch.
//
// REST: v4/group_open_http_svc/get_specified_group_member_info
func (s *Service) MembersByID(ctx context.Context, groupID string, userIDs []string, filter MemberFilter) ([]Member, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("Member_List_Account", userIDs); err != nil {
		return nil, err
	}
	if err := checkRoles("MemberRoleFilter", filter.Roles); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	out := make([]Member, 0, len(ids))
	err := wire.Chunks(len(ids), MaxSpecifiedMembersPerCall, func(lo, hi int) error {
		req := struct {
			GroupID              string   `json:"GroupId"`
			MemberListAccount    []string `json:"Member_List_Account"`
			MemberInfoFilter     []string `json:"MemberInfoFilter,omitempty"`
			MemberRoleFilter     []Role   `json:"MemberRoleFilter,omitempty"`
			AppDefinedDataFilter []string `json:"AppDefinedDataFilter_GroupMember,omitempty"`
		}{groupID, slices.Clip(ids[lo:hi]), filter.MemberInfo, filter.Roles, filter.AppMemberDefinedData}
		var resp struct {
			envelope
			MemberList []memberOut `json:"MemberList"`
		}
		if err := s.d.Do(ctx, epSpecifiedMembers, &req, &resp); err != nil {
			return batchErr(err, "members", lo, hi, len(ids), MaxSpecifiedMembersPerCall)
		}
		for i := range resp.MemberList {
			out = append(out, resp.MemberList[i].member())
		}
		return nil
	})
	return out, err
}

// MemberRole is one user's role in a group; Role is RoleNotMember for a
// user who is not in it.
type MemberRole struct {
	UserID string
	Role   Role
}

// A read: a resend changes nothing.
var epRoleInGroup = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_role_in_group", Safety: api.Idempotent})

// Roles reports the role of each user in a group (Owner, Admin, Member or
// NotMember), in calls of MaxRolesPerCall, in Tencent's order.
//
// REST: v4/group_open_http_svc/get_role_in_group
func (s *Service) Roles(ctx context.Context, groupID string, userIDs []string) ([]MemberRole, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("User_Account", userIDs); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	out := make([]MemberRole, 0, len(ids))
	err := wire.Chunks(len(ids), MaxRolesPerCall, func(lo, hi int) error {
		req := struct {
			GroupID     string   `json:"GroupId"`
			UserAccount []string `json:"User_Account"`
		}{groupID, slices.Clip(ids[lo:hi])}
		var resp struct {
			envelope
			UserIDList []struct {
				MemberAccount wire.FlexString `json:"Member_Account"`
				Role          Role            `json:"Role"`
			} `json:"UserIdList"`
		}
		if err := s.d.Do(ctx, epRoleInGroup, &req, &resp); err != nil {
			return batchErr(err, "users", lo, hi, len(ids), MaxRolesPerCall)
		}
		for _, u := range resp.UserIDList {
			out = append(out, MemberRole{UserID: string(u.MemberAccount), Role: u.Role})
		}
		return nil
	})
	return out, err
}

// MutedMember is a muted member and the end of the mute.
type MutedMember struct {
	UserID string
	// Until is when the mute ends.
	Until time.Time
}

// A read: a resend changes nothing.
var epMutedAccounts = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_muted_account", Safety: api.Idempotent})

// MutedMembers lists the members muted in a group (or, with topicID, in a
// community topic).
//
// REST: v4/group_open_http_svc/get_group_muted_account
func (s *Service) MutedMembers(ctx context.Context, groupID, topicID string) ([]MutedMember, error) {
	if err := checkGroupTopic(groupID, topicID); err != nil {
		return nil, err
	}
	req := groupTopicWire{groupID, topicID}
	type muted struct {
		MemberAccount wire.FlexString `json:"Member_Account"`
		MutedUntil    wire.FlexInt    `json:"MutedUntil"`
		ShuttedUntil  wire.FlexInt    `json:"ShuttedUntil"`
	}
	// Current documentation names the list MutedAccountList (MutedUntil);
	// the older get_group_shutted_uin answer said ShuttedUinList
	// (ShuttedUntil). Both are read.
	var resp struct {
		envelope
		MutedAccountList []muted `json:"MutedAccountList"`
		ShuttedUinList   []muted `json:"ShuttedUinList"`
	}
	if err := s.d.Do(ctx, epMutedAccounts, &req, &resp); err != nil {
		return nil, err
	}
	list := append(resp.MutedAccountList, resp.ShuttedUinList...)
	out := make([]MutedMember, len(list))
	for i, m := range list {
		until := m.MutedUntil
		if until == 0 {
			until = m.ShuttedUntil
		}
		out[i] = MutedMember{UserID: string(m.MemberAccount), Until: wire.UnixTime(int64(until))}
	}
	return out, nil
}

// ImportMember is a member to import with its history: when it joined and
// how many messages it has not read.
type ImportMember struct {
	UserID string
	// Role may be RoleAdmin, or empty for an ordinary member.
	Role Role
	// JoinTime is when the member joined (zero: now).
	JoinTime time.Time
	// UnreadMsgNum is the member's unread count (capped by Tencent at the
	// group's message count).
	UnreadMsgNum int
}

// ImportResult is one member's outcome of import_group_member.
type ImportResult int

// import_group_member results.
const (
	// ImportFailed: the member could not be imported.
	ImportFailed ImportResult = 0
	// Imported: the member is now in the group.
	Imported ImportResult = 1
	// ImportAlreadyMember: the user was a member already.
	ImportAlreadyMember ImportResult = 2
)

// ImportedMember is one user's outcome of ImportMembers.
type ImportedMember struct {
	UserID string
	Result ImportResult
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epImportMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/import_group_member", Safety: api.Idempotent})

// ImportMembers imports members into a group (migration from another
// system) without callbacks or notifications, in calls of
// MaxImportMembersPerCall. Not for AVChatRoom groups (10007). A member
// already in the group is reported as ImportAlreadyMember, so a repeated
// import is harmless. On a failed call it returns the results so far and
// an error naming the batch.
//
// REST: v4/group_open_http_svc/import_group_member
func (s *Service) ImportMembers(ctx context.Context, groupID string, members []ImportMember) ([]ImportedMember, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, wire.Invalid("MemberList", "no member given")
	}
	type item struct {
		MemberAccount string `json:"Member_Account"`
		Role          Role   `json:"Role,omitempty"`
		JoinTime      int64  `json:"JoinTime,omitempty"`
		UnreadMsgNum  int    `json:"UnreadMsgNum,omitempty"`
	}
	items := make([]item, len(members))
	seen := make(map[string]bool, len(members))
	for i, m := range members {
		f := fmt.Sprintf("MemberList[%d]", i)
		if err := wire.CheckUserID(f+".Member_Account", m.UserID); err != nil {
			return nil, err
		}
		if seen[m.UserID] {
			return nil, wire.Invalid(f+".Member_Account", "%q is listed twice", m.UserID)
		}
		seen[m.UserID] = true
		if m.Role != "" && m.Role != RoleAdmin {
			return nil, wire.Invalid(f+".Role", "must be %q or empty, got %q", RoleAdmin, m.Role)
		}
		if m.UnreadMsgNum < 0 {
			return nil, wire.Invalid(f+".UnreadMsgNum", "must not be negative")
		}
		items[i] = item{MemberAccount: m.UserID, Role: m.Role, UnreadMsgNum: m.UnreadMsgNum}
		if !m.JoinTime.IsZero() {
			items[i].JoinTime = m.JoinTime.Unix()
		}
	}
	out := make([]ImportedMember, 0, len(items))
	err := wire.Chunks(len(items), MaxImportMembersPerCall, func(lo, hi int) error {
		req := struct {
			GroupID    string `json:"GroupId"`
			MemberList []item `json:"MemberList"`
		}{groupID, items[lo:hi]}
		var resp struct {
			envelope
			MemberList []memberResultItem `json:"MemberList"`
		}
		if err := s.d.Do(ctx, epImportMember, &req, &resp); err != nil {
			return batchErr(err, "members", lo, hi, len(items), MaxImportMembersPerCall)
		}
		for _, m := range resp.MemberList {
			out = append(out, ImportedMember{UserID: string(m.MemberAccount), Result: ImportResult(m.Result)})
		}
		return nil
	})
	return out, err
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetUnread = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/set_unread_msg_num", Safety: api.Idempotent})

// SetUnread sets a member's unread message count in a group (e.g. after a
// migration). Tencent caps it at the group's message count.
//
// REST: v4/group_open_http_svc/set_unread_msg_num
func (s *Service) SetUnread(ctx context.Context, groupID, userID string, unread int) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserID("Member_Account", userID); err != nil {
		return err
	}
	if unread < 0 {
		return wire.Invalid("UnreadMsgNum", "must not be negative")
	}
	req := struct {
		GroupID       string `json:"GroupId"`
		MemberAccount string `json:"Member_Account"`
		UnreadMsgNum  int    `json:"UnreadMsgNum"`
	}{groupID, userID, unread}
	var resp envelope
	return s.d.Do(ctx, epSetUnread, &req, &resp)
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDeleteBySender = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/delete_group_msg_by_sender", Safety: api.Idempotent})

// DeleteMessagesBySender deletes every message a user sent in a group, for
// all members (e.g. after banning a spammer).
//
// REST: v4/group_open_http_svc/delete_group_msg_by_sender
func (s *Service) DeleteMessagesBySender(ctx context.Context, groupID, senderID string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserID("Sender_Account", senderID); err != nil {
		return err
	}
	req := struct {
		GroupID       string `json:"GroupId"`
		SenderAccount string `json:"Sender_Account"`
	}{groupID, senderID}
	var resp envelope
	return s.d.Do(ctx, epDeleteBySender, &req, &resp)
}

// Removing what is already gone changes nothing: a resend is harmless.
var epClearMsg = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/clear_group_msg", Safety: api.Idempotent})

// ClearHistory deletes a group's message history on the server: the
// messages with a sequence number up to and including upTo, or all of them
// when upTo is 0.
//
// REST: v4/group_open_http_svc/clear_group_msg
func (s *Service) ClearHistory(ctx context.Context, groupID string, upTo uint64) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	req := struct {
		GroupID string `json:"GroupId"`
		MsgSeq  uint64 `json:"MsgSeq,omitempty"`
	}{groupID, upTo}
	var resp envelope
	return s.d.Do(ctx, epClearMsg, &req, &resp)
}

// batchErr names the failed batch when the input was split.
func batchErr(err error, what string, lo, hi, n, size int) error {
	if err != nil && n > size {
		return fmt.Errorf("group: %s %d..%d of %d: %w", what, lo, hi-1, n, err)
	}
	return err
}

func checkRoles(field string, roles []Role) error {
	for i, r := range roles {
		if r != RoleOwner && r != RoleAdmin && r != RoleMember {
			return wire.Invalid(fmt.Sprintf("%s[%d]", field, i), "unknown role %q", string(r))
		}
	}
	return nil
}

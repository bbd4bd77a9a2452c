package group

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// AddResult is one member's outcome in add_group_member.
type AddResult int

// add_group_member results.
const (
	// AddFailed: the user could not be added.
	AddFailed AddResult = 0
	// Added: the user is now a member.
	Added AddResult = 1
	// AlreadyMember: the user was a member already.
	AlreadyMember AddResult = 2
	// PendingAcceptance: the invitation waits for the user to accept.
	PendingAcceptance AddResult = 3
)

// MemberResult is one user's outcome of AddMembers.
type MemberResult struct {
	UserID string
	Result AddResult
}

// memberResultItem is an entry of the MemberList answered by
// add_group_member, import_group_member and add_permission_group_member.
type memberResultItem struct {
	MemberAccount wire.FlexString `json:"Member_Account"`
	Result        wire.FlexInt    `json:"Result"`
}

// AddOptions tune AddMembers.
type AddOptions struct {
	// Silence adds without notifying the group (Silence = 1).
	Silence bool
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epAddMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/add_group_member", Safety: api.Idempotent})

// AddMembers adds users to a group, in calls of MaxAddMembersPerCall
// (duplicates are sent once). Adding an existing member is not an error:
// its result is AlreadyMember. On a failed call it returns the results so
// far and an error naming the batch.
//
// REST: v4/group_open_http_svc/add_group_member
func (s *Service) AddMembers(ctx context.Context, groupID string, userIDs []string, opts AddOptions) ([]MemberResult, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("MemberList", userIDs); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	out := make([]MemberResult, 0, len(ids))
	err := wire.Chunks(len(ids), MaxAddMembersPerCall, func(lo, hi int) error {
		type item struct {
			MemberAccount string `json:"Member_Account"`
		}
		req := struct {
			GroupID    string `json:"GroupId"`
			Silence    int    `json:"Silence,omitempty"`
			MemberList []item `json:"MemberList"`
		}{GroupID: groupID, Silence: wire.BoolInt(opts.Silence)}
		for _, id := range ids[lo:hi] {
			req.MemberList = append(req.MemberList, item{id})
		}
		var resp struct {
			envelope
			MemberList []memberResultItem `json:"MemberList"`
		}
		if err := s.d.Do(ctx, epAddMember, &req, &resp); err != nil {
			if len(ids) > MaxAddMembersPerCall {
				return fmt.Errorf("group: members %d..%d of %d: %w", lo, hi-1, len(ids), err)
			}
			return err
		}
		for _, m := range resp.MemberList {
			out = append(out, MemberResult{UserID: string(m.MemberAccount), Result: AddResult(m.Result)})
		}
		return nil
	})
	return out, err
}

// DeleteOptions tune DeleteMembers.
type DeleteOptions struct {
	// Silence removes without notifying the group.
	Silence bool
	// Reason is shown to the removed members.
	Reason string
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDeleteMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/delete_group_member", Safety: api.Idempotent})

// DeleteMembers removes users from a group, in calls of
// MaxDeleteMembersPerCall. Removing a non-member succeeds.
//
// REST: v4/group_open_http_svc/delete_group_member
func (s *Service) DeleteMembers(ctx context.Context, groupID string, userIDs []string, opts DeleteOptions) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserIDs("MemberToDel_Account", userIDs); err != nil {
		return err
	}
	if !utf8.ValidString(opts.Reason) {
		return wire.Invalid("Reason", "is not valid UTF-8")
	}
	ids := dedupe(userIDs)
	return wire.Chunks(len(ids), MaxDeleteMembersPerCall, func(lo, hi int) error {
		req := struct {
			GroupID            string   `json:"GroupId"`
			Silence            int      `json:"Silence,omitempty"`
			Reason             string   `json:"Reason,omitempty"`
			MemberToDelAccount []string `json:"MemberToDel_Account"`
		}{groupID, wire.BoolInt(opts.Silence), opts.Reason, slices.Clip(ids[lo:hi])}
		var resp envelope
		if err := s.d.Do(ctx, epDeleteMember, &req, &resp); err != nil {
			if len(ids) > MaxDeleteMembersPerCall {
				return fmt.Errorf("group: members %d..%d of %d: %w", lo, hi-1, len(ids), err)
			}
			return err
		}
		return nil
	})
}

// ModifyMemberRequest changes one member; zero fields are left as they are.
type ModifyMemberRequest struct {
	GroupID string
	UserID  string
	// Role may be RoleAdmin or RoleMember (the owner changes with ChangeOwner).
	Role    Role
	MsgFlag MsgFlag
	// NameCard is the member's name in the group (≤ MaxNameCardBytes;
	// new("") clears it).
	NameCard *string
	// Mute, when not nil, mutes the member for that long (rounded up to
	// seconds; 0 unmutes; at most MuteForever).
	Mute                 *time.Duration
	AppMemberDefinedData []KV
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/modify_group_member_info", Safety: api.Idempotent})

// ModifyMember changes a member's role, message flag, name card, mute or
// custom data.
//
// REST: v4/group_open_http_svc/modify_group_member_info
func (s *Service) ModifyMember(ctx context.Context, req ModifyMemberRequest) error {
	if err := checkGroupRef("GroupId", req.GroupID); err != nil {
		return err
	}
	if err := wire.CheckUserID("Member_Account", req.UserID); err != nil {
		return err
	}
	if req.Role == "" && req.MsgFlag == "" && req.NameCard == nil && req.Mute == nil && len(req.AppMemberDefinedData) == 0 {
		return wire.Invalid("Member_Account", "nothing to change")
	}
	switch req.Role {
	case "", RoleAdmin, RoleMember:
	default:
		return wire.Invalid("Role", "must be %q or %q, got %q (use ChangeOwner for the owner)", RoleAdmin, RoleMember, req.Role)
	}
	switch req.MsgFlag {
	case "", AcceptAndNotify, AcceptNotNotify, Discard:
	default:
		return wire.Invalid("MsgFlag", "unknown value %q", string(req.MsgFlag))
	}
	if req.NameCard != nil {
		if err := checkText("NameCard", *req.NameCard, MaxNameCardBytes); err != nil {
			return err
		}
	}
	var mute *uint32
	if req.Mute != nil {
		secs, err := muteSeconds("MuteTime", *req.Mute)
		if err != nil {
			return err
		}
		mute = &secs
	}
	if err := checkKVs("AppMemberDefinedData", req.AppMemberDefinedData); err != nil {
		return err
	}
	w := struct {
		GroupID              string  `json:"GroupId"`
		MemberAccount        string  `json:"Member_Account"`
		Role                 Role    `json:"Role,omitempty"`
		MsgFlag              MsgFlag `json:"MsgFlag,omitempty"`
		NameCard             *string `json:"NameCard,omitempty"`
		MuteTime             *uint32 `json:"MuteTime,omitempty"`
		AppMemberDefinedData []KV    `json:"AppMemberDefinedData,omitempty"`
	}{req.GroupID, req.UserID, req.Role, req.MsgFlag, req.NameCard, mute, req.AppMemberDefinedData}
	var resp envelope
	return s.d.Do(ctx, epModifyMember, &w, &resp)
}

func muteSeconds(field string, d time.Duration) (uint32, error) {
	if d < 0 {
		return 0, wire.Invalid(field, "%v is negative", d)
	}
	if d > MuteForever {
		return 0, wire.Invalid(field, "%v is longer than MuteForever (4294967295 s)", d)
	}
	secs := (d + time.Second - 1) / time.Second
	return uint32(secs), nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epForbidSendMsg = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/forbid_send_msg", Safety: api.Idempotent})

// Mute mutes users in a group for d (rounded up to seconds; MuteForever
// for good), in calls of MaxMutePerCall. Mute with d = 0 unmutes.
//
// REST: v4/group_open_http_svc/forbid_send_msg
func (s *Service) Mute(ctx context.Context, groupID string, userIDs []string, d time.Duration) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserIDs("Members_Account", userIDs); err != nil {
		return err
	}
	secs, err := muteSeconds("MuteTime", d)
	if err != nil {
		return err
	}
	ids := dedupe(userIDs)
	return wire.Chunks(len(ids), MaxMutePerCall, func(lo, hi int) error {
		req := struct {
			GroupID        string   `json:"GroupId"`
			MembersAccount []string `json:"Members_Account"`
			MuteTime       uint32   `json:"MuteTime"`
		}{groupID, slices.Clip(ids[lo:hi]), secs}
		var resp envelope
		if err := s.d.Do(ctx, epForbidSendMsg, &req, &resp); err != nil {
			if len(ids) > MaxMutePerCall {
				return fmt.Errorf("group: members %d..%d of %d: %w", lo, hi-1, len(ids), err)
			}
			return err
		}
		return nil
	})
}

// Unmute lifts the mute of users in a group (Mute with 0).
//
// REST: v4/group_open_http_svc/forbid_send_msg
func (s *Service) Unmute(ctx context.Context, groupID string, userIDs []string) error {
	return s.Mute(ctx, groupID, userIDs, 0)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epChangeOwner = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/change_group_owner", Safety: api.Idempotent})

// ChangeOwner makes newOwner, a member, the owner of the group.
//
// REST: v4/group_open_http_svc/change_group_owner
func (s *Service) ChangeOwner(ctx context.Context, groupID, newOwner string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserID("NewOwner_Account", newOwner); err != nil {
		return err
	}
	req := struct {
		GroupID         string `json:"GroupId"`
		NewOwnerAccount string `json:"NewOwner_Account"`
	}{groupID, newOwner}
	var resp envelope
	return s.d.Do(ctx, epChangeOwner, &req, &resp)
}

// MemberListOptions tune Members and MembersPage.
type MemberListOptions struct {
	// PageSize is the Limit of each call (default 100, at most
	// MaxMemberPageSize).
	PageSize int
	// MemberInfo lists the member fields to return (MemberInfoFilter).
	MemberInfo []string
	// Roles keeps only these roles (MemberRoleFilter).
	Roles []Role
	// AppMemberDefinedData lists member custom-field keys to return.
	AppMemberDefinedData []string
}

// MemberCursor is a position in a member list. Ordinary groups page by
// Offset; Community groups by the opaque Next string ("" first).
type MemberCursor struct {
	Offset int
	Next   string
}

// MemberPage is one get_group_member_info answer.
type MemberPage struct {
	Members []Member
	// MemberNum is the group's member count.
	MemberNum int
	// Next is the cursor of the following page.
	Next MemberCursor
	// Done is true when there are no more pages.
	Done bool
}

// A read: a resend changes nothing.
var epMemberInfo = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_member_info", Safety: api.Idempotent})

// MembersPage reads one page of a group's members from cur (the zero
// cursor first). Community groups (ids starting "@TGS#_") page with Next,
// others with Offset.
//
// REST: v4/group_open_http_svc/get_group_member_info
func (s *Service) MembersPage(ctx context.Context, groupID string, cur MemberCursor, opts MemberListOptions) (*MemberPage, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	limit := opts.PageSize
	switch {
	case limit == 0:
		limit = 100
	case limit < 0 || limit > MaxMemberPageSize:
		return nil, wire.Invalid("Limit", "%d out of range 1..%d", limit, MaxMemberPageSize)
	}
	if cur.Offset < 0 {
		return nil, wire.Invalid("Offset", "must not be negative")
	}
	for i, r := range opts.Roles {
		if r != RoleOwner && r != RoleAdmin && r != RoleMember {
			return nil, wire.Invalid(fmt.Sprintf("MemberRoleFilter[%d]", i), "unknown role %q", string(r))
		}
	}
	community := isCommunityID(groupID)
	req := struct {
		GroupID              string   `json:"GroupId"`
		Limit                int      `json:"Limit"`
		Offset               *int     `json:"Offset,omitempty"`
		Next                 *string  `json:"Next,omitempty"`
		MemberInfoFilter     []string `json:"MemberInfoFilter,omitempty"`
		MemberRoleFilter     []Role   `json:"MemberRoleFilter,omitempty"`
		AppDefinedDataFilter []string `json:"AppDefinedDataFilter_GroupMember,omitempty"`
	}{GroupID: groupID, Limit: limit, MemberInfoFilter: opts.MemberInfo, MemberRoleFilter: opts.Roles, AppDefinedDataFilter: opts.AppMemberDefinedData}
	if community {
		req.Next = &cur.Next
	} else {
		req.Offset = &cur.Offset
	}
	var resp struct {
		envelope
		MemberNum  wire.FlexInt     `json:"MemberNum"`
		MemberList []memberOut      `json:"MemberList"`
		Next       *wire.FlexString `json:"Next"`
	}
	if err := s.d.Do(ctx, epMemberInfo, &req, &resp); err != nil {
		return nil, err
	}
	p := &MemberPage{MemberNum: int(resp.MemberNum), Members: make([]Member, len(resp.MemberList))}
	for i := range resp.MemberList {
		p.Members[i] = resp.MemberList[i].member()
	}
	if community || resp.Next != nil {
		if resp.Next != nil {
			p.Next.Next = string(*resp.Next)
		}
		p.Done = p.Next.Next == "" || len(p.Members) == 0
		return p, nil
	}
	p.Next.Offset = cur.Offset + len(p.Members)
	p.Done = pageDone(len(p.Members), limit, p.Next.Offset, p.MemberNum)
	return p, nil
}

// Members iterates over all members of a group, page by page. An error
// ends the iteration (yielded once, with a zero Member); a page that is not
// the last but repeats the cursor it was fetched with ends it with an
// error matching api.ErrCursorStuck.
//
// REST: v4/group_open_http_svc/get_group_member_info
func (s *Service) Members(ctx context.Context, groupID string, opts MemberListOptions) iter.Seq2[Member, error] {
	return pager.Walk("group: members", MemberCursor{}, func(cur MemberCursor) (pager.Page[Member, MemberCursor], error) {
		p, err := s.MembersPage(ctx, groupID, cur, opts)
		if err != nil {
			return pager.Page[Member, MemberCursor]{}, err
		}
		return pager.Page[Member, MemberCursor]{Items: p.Members, Next: p.Next, Done: p.Done}, nil
	})
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

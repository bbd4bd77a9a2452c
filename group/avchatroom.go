package group

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// AVChatRoom limits.
const (
	// MaxBanPerCall caps ban_group_member's and unban_group_member's
	// Members_Account.
	MaxBanPerCall = 20
	// MaxBanDescriptionBytes caps ban_group_member's Description.
	MaxBanDescriptionBytes = 1000
	// MaxBanPageSize caps get_group_ban_member's Limit.
	MaxBanPageSize = 100
	// MaxLiveAdmins is how many admins a live-streaming group may have.
	MaxLiveAdmins = 5
	// MaxMarkKinds is how many different marks a live-streaming group may
	// use.
	MaxMarkKinds = 10
)

// A read: a resend changes nothing.
var epOnlineNum = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_online_member_num", Safety: api.Idempotent})

// OnlineMemberCount returns the number of members online in a
// live-streaming (AVChatRoom) group.
//
// REST: v4/group_open_http_svc/get_online_member_num
func (s *Service) OnlineMemberCount(ctx context.Context, groupID string) (int, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return 0, err
	}
	req := struct {
		GroupID string `json:"GroupId"`
	}{groupID}
	var resp struct {
		envelope
		OnlineMemberNum wire.FlexInt `json:"OnlineMemberNum"`
	}
	if err := s.d.Do(ctx, epOnlineNum, &req, &resp); err != nil {
		return 0, err
	}
	return int(resp.OnlineMemberNum), nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epBanMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/ban_group_member", Safety: api.Idempotent})

// Ban bans members from a live-streaming group for d (rounded up to
// seconds, at most 4294967295 s): they leave it, cannot rejoin and receive
// nothing until the ban ends. description (≤ MaxBanDescriptionBytes) is
// shown to them. Calls carry MaxBanPerCall members each. Banning is a
// Pro-plan feature enabled in the console.
//
// REST: v4/group_open_http_svc/ban_group_member
func (s *Service) Ban(ctx context.Context, groupID string, userIDs []string, d time.Duration, description string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserIDs("Members_Account", userIDs); err != nil {
		return err
	}
	if d <= 0 {
		return wire.Invalid("Duration", "must be positive (use Unban to lift a ban)")
	}
	secs, err := muteSeconds("Duration", d)
	if err != nil {
		return err
	}
	if err := checkText("Description", description, MaxBanDescriptionBytes); err != nil {
		return err
	}
	ids := dedupe(userIDs)
	return wire.Chunks(len(ids), MaxBanPerCall, func(lo, hi int) error {
		req := struct {
			GroupID        string   `json:"GroupId"`
			MembersAccount []string `json:"Members_Account"`
			Duration       uint32   `json:"Duration"`
			Description    string   `json:"Description,omitempty"`
		}{groupID, slices.Clip(ids[lo:hi]), secs, description}
		var resp envelope
		return batchErr(s.d.Do(ctx, epBanMember, &req, &resp), "members", lo, hi, len(ids), MaxBanPerCall)
	})
}

// Removing what is already gone changes nothing: a resend is harmless.
var epUnbanMember = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/unban_group_member", Safety: api.Idempotent})

// Unban lifts the ban of members of a live-streaming group, in calls of
// MaxBanPerCall.
//
// REST: v4/group_open_http_svc/unban_group_member
func (s *Service) Unban(ctx context.Context, groupID string, userIDs []string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserIDs("Members_Account", userIDs); err != nil {
		return err
	}
	ids := dedupe(userIDs)
	return wire.Chunks(len(ids), MaxBanPerCall, func(lo, hi int) error {
		req := struct {
			GroupID        string   `json:"GroupId"`
			MembersAccount []string `json:"Members_Account"`
		}{groupID, slices.Clip(ids[lo:hi])}
		var resp envelope
		return batchErr(s.d.Do(ctx, epUnbanMember, &req, &resp), "members", lo, hi, len(ids), MaxBanPerCall)
	})
}

// BannedMember is a banned member of a live-streaming group.
type BannedMember struct {
	UserID string
	// Until is when the ban ends.
	Until time.Time
}

// BannedPage is one get_group_ban_member answer.
type BannedPage struct {
	Members []BannedMember
	// NextOffset is the Offset of the following page; 0 means done.
	NextOffset int
}

// A read: a resend changes nothing.
var epBanList = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_ban_member", Safety: api.Idempotent})

// BannedPage reads one page of a live-streaming group's banned members
// from offset (0 first); pageSize 0 means MaxBanPageSize.
//
// REST: v4/group_open_http_svc/get_group_ban_member
func (s *Service) BannedPage(ctx context.Context, groupID string, offset, pageSize int) (*BannedPage, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, wire.Invalid("Offset", "must not be negative")
	}
	switch {
	case pageSize == 0:
		pageSize = MaxBanPageSize
	case pageSize < 0 || pageSize > MaxBanPageSize:
		return nil, wire.Invalid("Limit", "%d out of range 1..%d", pageSize, MaxBanPageSize)
	}
	req := struct {
		GroupID string `json:"GroupId"`
		Limit   int    `json:"Limit"`
		Offset  int    `json:"Offset"`
	}{groupID, pageSize, offset}
	var resp struct {
		envelope
		BannedAccountList []struct {
			MemberAccount wire.FlexString `json:"Member_Account"`
			BannedUntil   wire.FlexInt    `json:"BannedUntil"`
		} `json:"BannedAccountList"`
		NextOffset wire.FlexInt `json:"NextOffset"`
	}
	if err := s.d.Do(ctx, epBanList, &req, &resp); err != nil {
		return nil, err
	}
	p := &BannedPage{NextOffset: int(resp.NextOffset), Members: make([]BannedMember, len(resp.BannedAccountList))}
	for i, m := range resp.BannedAccountList {
		p.Members[i] = BannedMember{UserID: string(m.MemberAccount), Until: wire.UnixTime(int64(m.BannedUntil))}
	}
	return p, nil
}

// Banned iterates over all banned members of a live-streaming group,
// following NextOffset until it is 0. A NextOffset that does not grow ends
// the iteration with an error matching api.ErrCursorStuck.
//
// REST: v4/group_open_http_svc/get_group_ban_member
func (s *Service) Banned(ctx context.Context, groupID string) iter.Seq2[BannedMember, error] {
	return pager.WalkIncreasing("group: banned members", 0, func(offset int) (pager.Page[BannedMember, int], error) {
		p, err := s.BannedPage(ctx, groupID, offset, 0)
		if err != nil {
			return pager.Page[BannedMember, int]{}, err
		}
		return pager.Page[BannedMember, int]{Items: p.Members, Next: p.NextOffset, Done: p.NextOffset == 0}, nil
	})
}

// OnlineMember is an online member of a live-streaming group.
type OnlineMember struct {
	UserID   string
	JoinTime time.Time
	// Nick and Avatar are the member's profile nickname and avatar URL
	// ("NickName", "Avatar"; 获取直播群在线成员列表_intl_en.md).
	Nick   string
	Avatar string
	// Marks are the member's marks (SetMarks), when Tencent reports them.
	Marks []uint32
}

// OnlinePage is one get_members answer.
type OnlinePage struct {
	Members []OnlineMember
	// Next is the Timestamp cursor of the following page (0 means done):
	// an opaque value to pass back to OnlineMembersPage, not a time.
	Next int64
}

// A read: a resend changes nothing.
var epLiveMembers = catalog.Declare(api.Endpoint{Path: "group_open_avchatroom_http_svc/get_members", Safety: api.Idempotent})

// OnlineMembersPage reads one page of a live-streaming group's online
// members from the cursor next (0 first). Listing online members is a
// Pro-plan feature enabled in the console; Tencent lists at most the
// latest 1,000.
//
// REST: v4/group_open_avchatroom_http_svc/get_members
func (s *Service) OnlineMembersPage(ctx context.Context, groupID string, next int64) (*OnlinePage, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if next < 0 {
		return nil, wire.Invalid("Timestamp", "must not be negative")
	}
	req := struct {
		GroupID   string `json:"GroupId"`
		Timestamp int64  `json:"Timestamp"`
	}{groupID, next}
	var resp struct {
		envelope
		MemberList []struct {
			MemberAccount wire.FlexString `json:"Member_Account"`
			JoinTime      wire.FlexInt    `json:"JoinTime"`
			NickName      string          `json:"NickName"`
			Avatar        string          `json:"Avatar"`
			Marks         []wire.FlexInt  `json:"Marks"`
		} `json:"MemberList"`
		NextTimestamp wire.FlexInt `json:"NextTimestamp"`
	}
	if err := s.d.Do(ctx, epLiveMembers, &req, &resp); err != nil {
		return nil, err
	}
	p := &OnlinePage{Next: int64(resp.NextTimestamp), Members: make([]OnlineMember, len(resp.MemberList))}
	for i, m := range resp.MemberList {
		om := OnlineMember{UserID: string(m.MemberAccount), JoinTime: wire.UnixTime(int64(m.JoinTime)), Nick: m.NickName, Avatar: m.Avatar}
		for _, k := range m.Marks {
			om.Marks = append(om.Marks, uint32(k))
		}
		p.Members[i] = om
	}
	return p, nil
}

// OnlineMembers iterates over the online members of a live-streaming
// group, following the Timestamp cursor until Tencent answers 0. A page
// that repeats the cursor it was fetched with ends the iteration with an
// error matching api.ErrCursorStuck.
//
// REST: v4/group_open_avchatroom_http_svc/get_members
func (s *Service) OnlineMembers(ctx context.Context, groupID string) iter.Seq2[OnlineMember, error] {
	return pager.Walk("group: online members", int64(0), func(next int64) (pager.Page[OnlineMember, int64], error) {
		p, err := s.OnlineMembersPage(ctx, groupID, next)
		if err != nil {
			return pager.Page[OnlineMember, int64]{}, err
		}
		return pager.Page[OnlineMember, int64]{Items: p.Members, Next: p.Next, Done: p.Next == 0}, nil
	})
}

// MemberMarks are marks to set on (or remove from) one online member.
type MemberMarks struct {
	UserID string
	// Marks are numeric labels; a group uses at most MaxMarkKinds
	// different ones, each on at most 1,000 members.
	Marks []uint32
}

// SetMarks labels online members of a live-streaming group with marks
// (e.g. VIP levels), which clients see in the online member list. Marks
// are cleared when a member leaves or goes offline.
//
// REST: v4/group_open_avchatroom_http_svc/modify_user_info
func (s *Service) SetMarks(ctx context.Context, groupID string, members []MemberMarks) error {
	return s.modifyMarks(ctx, groupID, 1, members)
}

// DeleteMarks removes marks from online members of a live-streaming
// group.
//
// REST: v4/group_open_avchatroom_http_svc/modify_user_info
func (s *Service) DeleteMarks(ctx context.Context, groupID string, members []MemberMarks) error {
	return s.modifyMarks(ctx, groupID, 2, members)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epLiveMarks = catalog.Declare(api.Endpoint{Path: "group_open_avchatroom_http_svc/modify_user_info", Safety: api.Idempotent})

func (s *Service) modifyMarks(ctx context.Context, groupID string, command int, members []MemberMarks) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if len(members) == 0 {
		return wire.Invalid("MemberList", "no member given")
	}
	type item struct {
		MemberAccount string   `json:"Member_Account"`
		Marks         []uint32 `json:"Marks"`
	}
	items := make([]item, len(members))
	kinds := map[uint32]bool{}
	for i, m := range members {
		f := fmt.Sprintf("MemberList[%d]", i)
		if err := wire.CheckUserID(f+".Member_Account", m.UserID); err != nil {
			return err
		}
		if len(m.Marks) == 0 {
			return wire.Invalid(f+".Marks", "no mark given")
		}
		for _, k := range m.Marks {
			kinds[k] = true
		}
		items[i] = item{m.UserID, m.Marks}
	}
	if len(kinds) > MaxMarkKinds {
		return wire.Invalid("MemberList", "%d different marks, limit is %d per group", len(kinds), MaxMarkKinds)
	}
	req := struct {
		GroupID     string `json:"GroupId"`
		CommandType int    `json:"CommandType"`
		MemberList  []item `json:"MemberList"`
	}{groupID, command, items}
	var resp envelope
	return s.d.Do(ctx, epLiveMarks, &req, &resp)
}

// AddLiveAdmins makes users admins of a live-streaming group (at most
// MaxLiveAdmins per group).
//
// REST: v4/group_open_avchatroom_http_svc/modify_admin
func (s *Service) AddLiveAdmins(ctx context.Context, groupID string, userIDs []string) error {
	return s.modifyAdmins(ctx, groupID, 1, userIDs)
}

// RemoveLiveAdmins takes the admin role of a live-streaming group away
// from users.
//
// REST: v4/group_open_avchatroom_http_svc/modify_admin
func (s *Service) RemoveLiveAdmins(ctx context.Context, groupID string, userIDs []string) error {
	return s.modifyAdmins(ctx, groupID, 2, userIDs)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epLiveAdmin = catalog.Declare(api.Endpoint{Path: "group_open_avchatroom_http_svc/modify_admin", Safety: api.Idempotent})

func (s *Service) modifyAdmins(ctx context.Context, groupID string, command int, userIDs []string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if err := wire.CheckUserIDs("Admin_Account", userIDs); err != nil {
		return err
	}
	ids := dedupe(userIDs)
	if len(ids) > MaxLiveAdmins {
		return wire.Invalid("Admin_Account", "%d users, a live-streaming group has at most %d admins", len(ids), MaxLiveAdmins)
	}
	req := struct {
		GroupID      string   `json:"GroupId"`
		CommandType  int      `json:"CommandType"`
		AdminAccount []string `json:"Admin_Account"`
	}{groupID, command, ids}
	var resp envelope
	return s.d.Do(ctx, epLiveAdmin, &req, &resp)
}

// LiveAdmin is an admin of a live-streaming group.
type LiveAdmin struct {
	UserID string
	// Nick and Avatar are the admin's profile, when Tencent reports them.
	Nick   string
	Avatar string
}

// A read: a resend changes nothing.
var epLiveAdmins = catalog.Declare(api.Endpoint{Path: "group_open_avchatroom_http_svc/get_admin_list", Safety: api.Idempotent})

// LiveAdmins lists the admins of a live-streaming group.
//
// REST: v4/group_open_avchatroom_http_svc/get_admin_list
func (s *Service) LiveAdmins(ctx context.Context, groupID string) ([]LiveAdmin, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	req := struct {
		GroupID string `json:"GroupId"`
	}{groupID}
	var resp struct {
		envelope
		AdminList []struct {
			AdminAccount wire.FlexString `json:"Admin_Account"`
			NickName     string          `json:"NickName"`
			Avatar       string          `json:"Avatar"`
		} `json:"Admin_List"`
	}
	if err := s.d.Do(ctx, epLiveAdmins, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]LiveAdmin, len(resp.AdminList))
	for i, a := range resp.AdminList {
		out[i] = LiveAdmin{UserID: string(a.AdminAccount), Nick: a.NickName, Avatar: a.Avatar}
	}
	return out, nil
}

// A read: a resend changes nothing.
var epLiveCheck = catalog.Declare(api.Endpoint{Path: "group_open_avchatroom_http_svc/check_members", Safety: api.Idempotent})

// CheckLiveMembers reports which of the users are in a live-streaming
// group: the map has an entry for every user asked, true when present.
//
// REST: v4/group_open_avchatroom_http_svc/check_members
func (s *Service) CheckLiveMembers(ctx context.Context, groupID string, userIDs []string) (map[string]bool, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("Member_Account", userIDs); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	req := struct {
		GroupID       string   `json:"GroupId"`
		MemberAccount []string `json:"Member_Account"`
	}{groupID, ids}
	var resp struct {
		envelope
		MemberAccount []wire.FlexString `json:"Member_Account"`
	}
	if err := s.d.Do(ctx, epLiveCheck, &req, &resp); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = false
	}
	for _, id := range resp.MemberAccount {
		out[string(id)] = true
	}
	return out, nil
}

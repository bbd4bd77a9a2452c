package group

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/timkit/tim/internal/wire"
)

// REST paths of the live-streaming (AVChatRoom) helpers.
const (
	pathOnlineNum   = "group_open_http_svc/get_online_member_num"
	pathBanMember   = "group_open_http_svc/ban_group_member"
	pathUnbanMember = "group_open_http_svc/unban_group_member"
	pathBanList     = "group_open_http_svc/get_group_ban_member"
	pathLiveMembers = "group_open_avchatroom_http_svc/get_members"
	pathLiveMarks   = "group_open_avchatroom_http_svc/modify_user_info"
	pathLiveAdmin   = "group_open_avchatroom_http_svc/modify_admin"
	pathLiveAdmins  = "group_open_avchatroom_http_svc/get_admin_list"
	pathLiveCheck   = "group_open_avchatroom_http_svc/check_members"
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
	if err := s.d.Do(ctx, pathOnlineNum, &req, &resp); err != nil {
		return 0, err
	}
	return int(resp.OnlineMemberNum), nil
}

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
		return batchErr(s.d.Do(ctx, pathBanMember, &req, &resp), "members", lo, hi, len(ids), MaxBanPerCall)
	})
}

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
		return batchErr(s.d.Do(ctx, pathUnbanMember, &req, &resp), "members", lo, hi, len(ids), MaxBanPerCall)
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
	if err := s.d.Do(ctx, pathBanList, &req, &resp); err != nil {
		return nil, err
	}
	p := &BannedPage{NextOffset: int(resp.NextOffset), Members: make([]BannedMember, len(resp.BannedAccountList))}
	for i, m := range resp.BannedAccountList {
		p.Members[i] = BannedMember{UserID: string(m.MemberAccount), Until: unix(int64(m.BannedUntil))}
	}
	return p, nil
}

// Banned iterates over all banned members of a live-streaming group,
// following NextOffset until it is 0.
//
// REST: v4/group_open_http_svc/get_group_ban_member
func (s *Service) Banned(ctx context.Context, groupID string) iter.Seq2[BannedMember, error] {
	return func(yield func(BannedMember, error) bool) {
		offset := 0
		for page := 1; ; page++ {
			p, err := s.BannedPage(ctx, groupID, offset, 0)
			if err != nil {
				if page > 1 {
					err = fmt.Errorf("group: banned members page %d: %w", page, err)
				}
				yield(BannedMember{}, err)
				return
			}
			for _, m := range p.Members {
				if !yield(m, nil) {
					return
				}
			}
			if p.NextOffset == 0 {
				return
			}
			if p.NextOffset == offset {
				yield(BannedMember{}, fmt.Errorf("%w (banned members page %d)", ErrCursorStuck, page))
				return
			}
			offset = p.NextOffset
		}
	}
}

// OnlineMember is an online member of a live-streaming group.
type OnlineMember struct {
	UserID   string
	JoinTime time.Time
	// Marks are the member's marks (SetMarks), when Tencent reports them.
	Marks []uint32
}

// OnlinePage is one get_members answer.
type OnlinePage struct {
	Members []OnlineMember
	// Next is the Timestamp of the following page; 0 means done.
	Next int64
}

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
			Marks         []wire.FlexInt  `json:"Marks"`
		} `json:"MemberList"`
		NextTimestamp wire.FlexInt `json:"NextTimestamp"`
	}
	if err := s.d.Do(ctx, pathLiveMembers, &req, &resp); err != nil {
		return nil, err
	}
	p := &OnlinePage{Next: int64(resp.NextTimestamp), Members: make([]OnlineMember, len(resp.MemberList))}
	for i, m := range resp.MemberList {
		om := OnlineMember{UserID: string(m.MemberAccount), JoinTime: unix(int64(m.JoinTime))}
		for _, k := range m.Marks {
			om.Marks = append(om.Marks, uint32(k))
		}
		p.Members[i] = om
	}
	return p, nil
}

// OnlineMembers iterates over the online members of a live-streaming
// group, following the Timestamp cursor until Tencent answers 0.
//
// REST: v4/group_open_avchatroom_http_svc/get_members
func (s *Service) OnlineMembers(ctx context.Context, groupID string) iter.Seq2[OnlineMember, error] {
	return func(yield func(OnlineMember, error) bool) {
		var next int64
		for page := 1; ; page++ {
			p, err := s.OnlineMembersPage(ctx, groupID, next)
			if err != nil {
				if page > 1 {
					err = fmt.Errorf("group: online members page %d: %w", page, err)
				}
				yield(OnlineMember{}, err)
				return
			}
			for _, m := range p.Members {
				if !yield(m, nil) {
					return
				}
			}
			if p.Next == 0 {
				return
			}
			if p.Next == next {
				yield(OnlineMember{}, fmt.Errorf("%w (online members page %d)", ErrCursorStuck, page))
				return
			}
			next = p.Next
		}
	}
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
	return s.d.Do(ctx, pathLiveMarks, &req, &resp)
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
	return s.d.Do(ctx, pathLiveAdmin, &req, &resp)
}

// LiveAdmin is an admin of a live-streaming group.
type LiveAdmin struct {
	UserID string
	// Nick and Avatar are the admin's profile, when Tencent reports them.
	Nick   string
	Avatar string
}

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
	if err := s.d.Do(ctx, pathLiveAdmins, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]LiveAdmin, len(resp.AdminList))
	for i, a := range resp.AdminList {
		out[i] = LiveAdmin{UserID: string(a.AdminAccount), Nick: a.NickName, Avatar: a.Avatar}
	}
	return out, nil
}

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
	if err := s.d.Do(ctx, pathLiveCheck, &req, &resp); err != nil {
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

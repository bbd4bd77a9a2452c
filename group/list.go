package group

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// pageDone decides the end of an offset-paged list: by the total when
// Tencent gives one (a server that caps the page size below the Limit
// asked for must not end the list early), else by a short page.
func pageDone(n, limit, nextOffset, total int) bool {
	if n == 0 {
		return true
	}
	if total > 0 {
		return nextOffset >= total
	}
	return n < limit
}

// JoinedOptions tune Joined and JoinedPage.
type JoinedOptions struct {
	// Type keeps only groups of this type (GroupType); empty means all.
	Type Type
	// PageSize is the Limit of each call (default 50).
	PageSize int
	// WithHugeGroups includes AVChatRoom groups (not listed by default).
	WithHugeGroups bool
	// WithNoActiveGroups includes Work groups nobody has spoken in yet:
	// Tencent leaves them out by default, so a newly created Work group is
	// invisible here unless this is set.
	WithNoActiveGroups bool
	// SupportTopic asks for topic-enabled Communities too, with their
	// SupportTopic, GrossTopicNextMsgSeq and the user's GrossTopicReadSeq
	// (SupportTopic 1; 获取用户所加入的群组_intl_en.md).
	SupportTopic bool
	// BaseInfo lists group fields to return besides GroupId
	// (GroupBaseInfoFilter), e.g. "Type", "Name", "FaceUrl".
	BaseInfo []string
	// SelfInfo lists the user's own member fields to return
	// (SelfInfoFilter): "Role", "JoinTime", "MsgFlag", "UnreadMsgNum".
	SelfInfo []string
}

// SelfInfo is the listed user's membership in a joined group.
type SelfInfo struct {
	Role         Role
	JoinTime     time.Time
	MsgFlag      MsgFlag
	UnreadMsgNum int
	// GrossTopicReadSeq is, for a topic-enabled Community, the sequence
	// number up to which the user has read its topics' messages
	// (获取用户所加入的群组_intl_en.md).
	GrossTopicReadSeq uint64
}

// JoinedGroup is one group of a user's joined-group list: the GroupID and
// the base fields asked for in JoinedOptions.BaseInfo.
type JoinedGroup struct {
	Info
	Self SelfInfo
}

// JoinedPage is one get_joined_group_list answer.
type JoinedPage struct {
	Groups []JoinedGroup
	// Total is Tencent's TotalCount.
	Total int
	// NextOffset is the Offset of the following page.
	NextOffset int
	// Done is true when there are no more pages.
	Done bool
}

type joinedOut struct {
	infoOut
	SelfInfo struct {
		Role         Role            `json:"Role"`
		JoinTime     wire.FlexInt    `json:"JoinTime"`
		MsgFlag      MsgFlag         `json:"MsgFlag"`
		UnreadMsgNum wire.FlexInt    `json:"UnreadMsgNum"`
		GrossTopicRd wire.FlexUint64 `json:"GrossTopicReadSeq"`
	} `json:"SelfInfo"`
}

// A read: a resend changes nothing.
var epJoined = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_joined_group_list", Safety: api.Idempotent})

// JoinedPage reads one page of the groups userID is a member of, from
// offset.
//
// REST: v4/group_open_http_svc/get_joined_group_list
func (s *Service) JoinedPage(ctx context.Context, userID string, offset int, opts JoinedOptions) (*JoinedPage, error) {
	if err := wire.CheckUserID("Member_Account", userID); err != nil {
		return nil, err
	}
	if offset < 0 {
		return nil, wire.Invalid("Offset", "must not be negative")
	}
	if opts.Type != "" && !opts.Type.valid() {
		return nil, wire.Invalid("GroupType", "unknown group type %q", string(opts.Type))
	}
	limit := opts.PageSize
	if limit == 0 {
		limit = 50
	} else if limit < 0 {
		return nil, wire.Invalid("Limit", "must be positive")
	}
	type filter struct {
		GroupBaseInfoFilter []string `json:"GroupBaseInfoFilter,omitempty"`
		SelfInfoFilter      []string `json:"SelfInfoFilter,omitempty"`
	}
	req := struct {
		MemberAccount      string  `json:"Member_Account"`
		WithHugeGroups     int     `json:"WithHugeGroups,omitempty"`
		WithNoActiveGroups int     `json:"WithNoActiveGroups,omitempty"`
		SupportTopic       int     `json:"SupportTopic,omitempty"`
		Limit              int     `json:"Limit"`
		Offset             int     `json:"Offset"`
		GroupType          Type    `json:"GroupType,omitempty"`
		ResponseFilter     *filter `json:"ResponseFilter,omitempty"`
	}{
		MemberAccount: userID, WithHugeGroups: wire.BoolInt(opts.WithHugeGroups), WithNoActiveGroups: wire.BoolInt(opts.WithNoActiveGroups),
		Limit: limit, Offset: offset, GroupType: opts.Type, SupportTopic: wire.BoolInt(opts.SupportTopic),
	}
	if len(opts.BaseInfo) > 0 || len(opts.SelfInfo) > 0 {
		req.ResponseFilter = &filter{opts.BaseInfo, opts.SelfInfo}
	}
	var resp struct {
		envelope
		TotalCount  wire.FlexInt `json:"TotalCount"`
		GroupIDList []joinedOut  `json:"GroupIdList"`
	}
	if err := s.d.Do(ctx, epJoined, &req, &resp); err != nil {
		return nil, err
	}
	p := &JoinedPage{Total: int(resp.TotalCount), Groups: make([]JoinedGroup, len(resp.GroupIDList))}
	for i := range resp.GroupIDList {
		g := &resp.GroupIDList[i]
		p.Groups[i] = JoinedGroup{Info: g.info(), Self: SelfInfo{
			Role: g.SelfInfo.Role, JoinTime: wire.UnixTime(int64(g.SelfInfo.JoinTime)), MsgFlag: g.SelfInfo.MsgFlag,
			UnreadMsgNum: int(g.SelfInfo.UnreadMsgNum), GrossTopicReadSeq: uint64(g.SelfInfo.GrossTopicRd),
		}}
	}
	p.NextOffset = offset + len(p.Groups)
	p.Done = pageDone(len(p.Groups), limit, p.NextOffset, p.Total)
	return p, nil
}

// Joined iterates over all groups userID is a member of, page by page. An
// error ends the iteration (yielded once, with a zero JoinedGroup); an
// offset that does not grow ends it with api.ErrCursorStuck.
// See JoinedOptions.WithNoActiveGroups: without it Tencent hides Work
// groups in which nobody has spoken yet.
//
// REST: v4/group_open_http_svc/get_joined_group_list
func (s *Service) Joined(ctx context.Context, userID string, opts JoinedOptions) iter.Seq2[JoinedGroup, error] {
	return pager.WalkIncreasing("group: joined groups", 0, func(offset int) (pager.Page[JoinedGroup, int], error) {
		p, err := s.JoinedPage(ctx, userID, offset, opts)
		if err != nil {
			return pager.Page[JoinedGroup, int]{}, err
		}
		return pager.Page[JoinedGroup, int]{Items: p.Groups, Next: p.NextOffset, Done: p.Done}, nil
	})
}

// AppGroupsOptions tune AppGroups and AppGroupsPage.
type AppGroupsOptions struct {
	// Type keeps only groups of this type (GroupType); empty means all.
	Type Type
	// PageSize is the Limit of each call (default and maximum
	// MaxAppGroupPageSize).
	PageSize int
}

// AppGroupsPage is one get_appid_group_list answer.
type AppGroupsPage struct {
	GroupIDs []string
	// Total is Tencent's TotalCount (all groups of the app).
	Total int
	// Next is the cursor of the following page; 0 means done.
	Next uint64
}

// A read: a resend changes nothing.
var epAppGroups = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_appid_group_list", Safety: api.Idempotent})

// AppGroupsPage reads one page of the app's groups, from next (0 first).
// The cursor is a 64-bit value: never pass it through a 32-bit type.
//
// REST: v4/group_open_http_svc/get_appid_group_list
func (s *Service) AppGroupsPage(ctx context.Context, next uint64, opts AppGroupsOptions) (*AppGroupsPage, error) {
	limit := opts.PageSize
	switch {
	case limit == 0:
		limit = MaxAppGroupPageSize
	case limit < 0 || limit > MaxAppGroupPageSize:
		return nil, wire.Invalid("Limit", "%d out of range 1..%d", limit, MaxAppGroupPageSize)
	}
	if opts.Type != "" && !opts.Type.valid() {
		return nil, wire.Invalid("GroupType", "unknown group type %q", string(opts.Type))
	}
	req := struct {
		Limit     int    `json:"Limit"`
		Next      uint64 `json:"Next"`
		GroupType Type   `json:"GroupType,omitempty"`
	}{limit, next, opts.Type}
	var resp struct {
		envelope
		TotalCount  wire.FlexInt `json:"TotalCount"`
		GroupIDList []struct {
			GroupID wire.FlexString `json:"GroupId"`
		} `json:"GroupIdList"`
		Next wire.FlexUint64 `json:"Next"`
	}
	if err := s.d.Do(ctx, epAppGroups, &req, &resp); err != nil {
		return nil, err
	}
	p := &AppGroupsPage{Total: int(resp.TotalCount), Next: uint64(resp.Next), GroupIDs: make([]string, len(resp.GroupIDList))}
	for i, g := range resp.GroupIDList {
		p.GroupIDs[i] = string(g.GroupID)
	}
	return p, nil
}

// AppGroups iterates over the ids of all the app's groups, following the
// 64-bit Next cursor until it is 0. A page that is not the last but
// repeats the cursor it was fetched with ends the iteration with an error
// matching api.ErrCursorStuck.
//
// REST: v4/group_open_http_svc/get_appid_group_list
func (s *Service) AppGroups(ctx context.Context, opts AppGroupsOptions) iter.Seq2[string, error] {
	return pager.Walk("group: app groups", uint64(0), func(next uint64) (pager.Page[string, uint64], error) {
		p, err := s.AppGroupsPage(ctx, next, opts)
		if err != nil {
			return pager.Page[string, uint64]{}, err
		}
		return pager.Page[string, uint64]{Items: p.GroupIDs, Next: p.Next, Done: p.Next == 0}, nil
	})
}

package relation

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// The follow feature needs the Pro, Pro Plus or Enterprise edition and is
// switched on in the IM console.

// FollowListType selects which list follow_get reads.
type FollowListType int

// Follow lists.
const (
	// Followers are the accounts following the user (fans).
	Followers FollowListType = 1
	// Following are the accounts the user follows.
	Following FollowListType = 2
	// Mutual are the accounts that follow each other with the user.
	Mutual FollowListType = 3
)

// FollowRelation is follow_check's answer for one account (A is
// From_Account, B the checked account).
type FollowRelation int

// Follow relations.
const (
	FollowNone     FollowRelation = 0 // neither follows the other
	FollowedByB    FollowRelation = 1 // B follows A
	FollowingB     FollowRelation = 2 // A follows B
	FollowBothWays FollowRelation = 3
)

// DefaultFollowPageSize is the WantNum Tencent uses when none is sent.
const DefaultFollowPageSize = 100

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epFollowAdd = catalog.Declare(api.Endpoint{Path: "follow/follow_add", Safety: api.Idempotent})

// Follow makes from follow the accounts, in calls of MaxFollowPerCall.
//
// REST: v4/follow/follow_add
func (s *Service) Follow(ctx context.Context, from string, userIDs []string) (Results, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("FollowItem", userIDs); err != nil {
		return nil, err
	}
	ids := dedupe(userIDs)
	type item struct {
		ToAccount string `json:"To_Account"`
	}
	var out Results
	err := wire.ChunksNamed(len(ids), MaxFollowPerCall, "relation: accounts", func(lo, hi int) error {
		req := struct {
			From       string `json:"From_Account"`
			FollowItem []item `json:"FollowItem"`
		}{From: from}
		for _, id := range ids[lo:hi] {
			req.FollowItem = append(req.FollowItem, item{id})
		}
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, epFollowAdd, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(epFollowAdd.Path)...)
		return nil
	})
	return out, err
}

// Removing what is already gone changes nothing: a resend is harmless.
var epFollowDelete = catalog.Declare(api.Endpoint{Path: "follow/follow_delete", Safety: api.Idempotent})

// Unfollow makes from stop following the accounts, in calls of
// MaxFollowPerCall.
//
// REST: v4/follow/follow_delete
func (s *Service) Unfollow(ctx context.Context, from string, userIDs []string) (Results, error) {
	return s.fromToBatch(ctx, epFollowDelete, MaxFollowPerCall, from, userIDs)
}

// FollowCheck is follow_check's answer for one account.
type FollowCheck struct {
	ItemResult
	Relation FollowRelation
}

// A resend leaves the same result.
var epFollowCheck = catalog.Declare(api.Endpoint{Path: "follow/follow_check", Safety: api.Idempotent})

// CheckFollow tells who follows whom between from and each account, in
// calls of MaxFollowCheckPerCall.
//
// REST: v4/follow/follow_check
func (s *Service) CheckFollow(ctx context.Context, from string, userIDs []string) ([]FollowCheck, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	var out []FollowCheck
	err = eachFromTo(from, ids, MaxFollowCheckPerCall, "accounts", func(req fromTo) error {
		var resp struct {
			envelope
			ResultItem []struct {
				itemWire
				FollowType wire.FlexInt `json:"FollowType"`
			} `json:"ResultItem"`
		}
		if err := s.d.Do(ctx, epFollowCheck, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.ResultItem {
			out = append(out, FollowCheck{ItemResult: it.result(epFollowCheck.Path), Relation: FollowRelation(it.FollowType)})
		}
		return nil
	})
	return out, err
}

// FollowEntry is one account of a follow list.
type FollowEntry struct {
	UserID string
	// Since is FollowTime.
	Since time.Time
	// Profile holds the profile fields Tencent returns with the entry.
	Profile Items
}

// FollowPage is one follow_get answer.
type FollowPage struct {
	Entries []FollowEntry
	// NextCursor is the StartCursor of the following page; "" when the list
	// has been read to the end.
	NextCursor string
}

type followGetResp struct {
	envelope
	FollowItem []struct {
		ToAccount   wire.FlexString `json:"To_Account"`
		FollowTime  wire.FlexInt    `json:"FollowTime"`
		ProfileItem Items           `json:"ProfileItem"`
	} `json:"FollowItem"`
	NextCursor wire.FlexString `json:"NextCursor"`
}

func (r *followGetResp) page() *FollowPage {
	p := &FollowPage{Entries: make([]FollowEntry, len(r.FollowItem)), NextCursor: string(r.NextCursor)}
	for i, f := range r.FollowItem {
		p.Entries[i] = FollowEntry{UserID: string(f.ToAccount), Since: wire.UnixTime(int64(f.FollowTime)), Profile: f.ProfileItem}
	}
	return p
}

// A read: a resend changes nothing.
var epFollowGet = catalog.Declare(api.Endpoint{Path: "follow/follow_get", Safety: api.Idempotent})

// FollowPage reads one page of from's followers, followings or mutual
// follows from cursor ("" first), at most pageSize entries (WantNum; 0
// means Tencent's default of DefaultFollowPageSize; at most
// MaxFollowPageSize).
//
// REST: v4/follow/follow_get
func (s *Service) FollowPage(ctx context.Context, from string, list FollowListType, cursor string, pageSize int) (*FollowPage, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	switch list {
	case Followers, Following, Mutual:
	default:
		return nil, wire.Invalid("FollowType", "must be 1 (followers), 2 (following) or 3 (mutual), got %d", int(list))
	}
	if pageSize < 0 || pageSize > MaxFollowPageSize {
		return nil, wire.Invalid("WantNum", "%d out of range 1..%d", pageSize, MaxFollowPageSize)
	}
	req := struct {
		From        string         `json:"From_Account"`
		FollowType  FollowListType `json:"FollowType"`
		StartCursor string         `json:"StartCursor"`
		WantNum     int            `json:"WantNum,omitempty"`
	}{from, list, cursor, pageSize}
	var resp followGetResp
	if err := s.d.Do(ctx, epFollowGet, &req, &resp); err != nil {
		return nil, err
	}
	return resp.page(), nil
}

// FollowList iterates over a whole follow list of from, following the
// cursor until it is empty. An error ends the iteration (yielded once; a
// later page's error names the page); a page whose NextCursor equals the
// cursor it was read at ends it with an error matching api.ErrCursorStuck
// (tim.ErrCursorStuck).
//
// REST: v4/follow/follow_get
func (s *Service) FollowList(ctx context.Context, from string, list FollowListType, pageSize int) iter.Seq2[FollowEntry, error] {
	return pager.Walk("relation: follow list", "", func(cursor string) (pager.Page[FollowEntry, string], error) {
		p, err := s.FollowPage(ctx, from, list, cursor, pageSize)
		if err != nil {
			return pager.Page[FollowEntry, string]{}, err
		}
		return pager.Page[FollowEntry, string]{Items: p.Entries, Next: p.NextCursor, Done: p.NextCursor == ""}, nil
	})
}

// FollowCount is follow_get_info's answer for one account.
type FollowCount struct {
	ItemResult
	Followers int64 // FollowerCount
	Following int64 // FollowingCount
	Mutual    int64 // MutualFollowingCount
}

// A read: a resend changes nothing.
var epFollowGetInfo = catalog.Declare(api.Endpoint{Path: "follow/follow_get_info", Safety: api.Idempotent})

// FollowCounts reads the follower, following and mutual counts of the
// accounts, in calls of MaxFollowPerCall.
//
// REST: v4/follow/follow_get_info
func (s *Service) FollowCounts(ctx context.Context, from string, userIDs []string) ([]FollowCount, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	var out []FollowCount
	err = eachFromTo(from, ids, MaxFollowPerCall, "accounts", func(req fromTo) error {
		var resp struct {
			envelope
			FollowInfo []struct {
				itemWire
				FollowerCount        wire.FlexInt `json:"FollowerCount"`
				FollowingCount       wire.FlexInt `json:"FollowingCount"`
				MutualFollowingCount wire.FlexInt `json:"MutualFollowingCount"`
			} `json:"FollowInfo"`
		}
		if err := s.d.Do(ctx, epFollowGetInfo, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.FollowInfo {
			out = append(out, FollowCount{ItemResult: it.result(epFollowGetInfo.Path),
				Followers: int64(it.FollowerCount), Following: int64(it.FollowingCount), Mutual: int64(it.MutualFollowingCount)})
		}
		return nil
	})
	return out, err
}

package relation

import (
	"context"
	"fmt"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Friend groups ("分组") sort a user's friends; they are unrelated to chat
// groups.

func checkGroupName(field, name string) error {
	if name == "" {
		return wire.Invalid(field, "is empty")
	}
	return checkText(field, name, MaxGroupNameBytes)
}

func checkGroupNames(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, wire.Invalid("GroupName", "no group name given")
	}
	for i, n := range names {
		if err := checkGroupName(fmt.Sprintf("GroupName[%d]", i), n); err != nil {
			return nil, err
		}
	}
	return dedupe(names), nil
}

// GroupsResult is what AddFriendGroups returns.
type GroupsResult struct {
	// Sequence is the friend groups' version after the change
	// (CurrentSequence).
	Sequence uint64
	// Results has one entry per friend asked to join the groups.
	Results Results
}

// A resend could try to create the groups a second time: not resent once
// the request may have arrived.
var epGroupAdd = catalog.Declare(api.Endpoint{Path: "sns/group_add", Safety: api.Unsafe})

// AddFriendGroups creates friend groups for from and puts the given friends
// (optional, at most MaxGroupMembersPerCall) in all of them. More than
// MaxGroupNamesPerCall names are sent in several calls, each with all the
// friends. A resend could try to create the groups twice, so the call is
// not retried once sent.
//
// REST: v4/sns/group_add
func (s *Service) AddFriendGroups(ctx context.Context, from string, names, friends []string) (*GroupsResult, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	names, err := checkGroupNames(names)
	if err != nil {
		return nil, err
	}
	if len(friends) > 0 {
		if err := wire.CheckUserIDs("To_Account", friends); err != nil {
			return nil, err
		}
		friends = dedupe(friends)
	}
	if len(friends) > MaxGroupMembersPerCall {
		return nil, wire.Invalid("To_Account", "%d friends, limit is %d per call (add the rest with UpdateFriends and SetGroups)", len(friends), MaxGroupMembersPerCall)
	}
	out := &GroupsResult{}
	err = wire.ChunksNamed(len(names), MaxGroupNamesPerCall, "relation: group names", func(lo, hi int) error {
		req := struct {
			From      string   `json:"From_Account"`
			GroupName []string `json:"GroupName"`
			ToAccount []string `json:"To_Account,omitempty"`
		}{from, names[lo:hi], friends}
		var resp struct {
			envelope
			batchWire
			CurrentSequence wire.FlexUint64 `json:"CurrentSequence"`
		}
		if err := s.d.Do(ctx, epGroupAdd, &req, &resp); err != nil {
			return err
		}
		out.Sequence = uint64(resp.CurrentSequence)
		if lo == 0 {
			out.Results = resp.results(epGroupAdd.Path)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	return out, nil
}

// Removing what is already gone changes nothing: a resend is harmless.
var epGroupDelete = catalog.Declare(api.Endpoint{Path: "sns/group_delete", Safety: api.Idempotent})

// DeleteFriendGroups deletes friend groups of from (the friends stay
// friends), in calls of MaxGroupNamesPerCall. It returns the friend
// groups' version after the change.
//
// REST: v4/sns/group_delete
func (s *Service) DeleteFriendGroups(ctx context.Context, from string, names []string) (uint64, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return 0, err
	}
	names, err := checkGroupNames(names)
	if err != nil {
		return 0, err
	}
	var seq uint64
	err = wire.ChunksNamed(len(names), MaxGroupNamesPerCall, "relation: group names", func(lo, hi int) error {
		req := struct {
			From      string   `json:"From_Account"`
			GroupName []string `json:"GroupName"`
		}{from, names[lo:hi]}
		var resp struct {
			envelope
			CurrentSequence wire.FlexUint64 `json:"CurrentSequence"`
		}
		if err := s.d.Do(ctx, epGroupDelete, &req, &resp); err != nil {
			return err
		}
		seq = uint64(resp.CurrentSequence)
		return nil
	})
	return seq, err
}

// GroupsOptions tune FriendGroups.
type GroupsOptions struct {
	// Names restricts the answer to these groups; empty lists all.
	Names []string
	// WithFriends also lists each group's friends (NeedFriend).
	WithFriends bool
	// LastSequence is the Sequence of an earlier read (used only when Names
	// is empty): an unchanged list then comes back empty. It is sent only
	// when non-zero: the group_get page (拉取分组_intl_en.md) documents no
	// such field, so a default call carries only documented keys.
	LastSequence uint64
}

// FriendGroup is one friend group.
type FriendGroup struct {
	Name string
	// Count is FriendNumber.
	Count int
	// Friends is filled with GroupsOptions.WithFriends.
	Friends []string
}

// FriendGroupsResult is what FriendGroups returns.
type FriendGroupsResult struct {
	// Sequence is the friend groups' current version (CurrentSequence).
	Sequence uint64
	Groups   []FriendGroup
}

// NeedFriendYes is group_get's NeedFriend value that asks for the friends.
const NeedFriendYes = "Need_Friend_Type_Yes"

// A read: a resend changes nothing.
var epGroupGet = catalog.Declare(api.Endpoint{Path: "sns/group_get", Safety: api.Idempotent})

// FriendGroups lists from's friend groups. More than MaxGroupNamesPerCall
// names are asked in several calls.
//
// REST: v4/sns/group_get
func (s *Service) FriendGroups(ctx context.Context, from string, opts GroupsOptions) (*FriendGroupsResult, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	names := opts.Names
	if len(names) > 0 {
		var err error
		if names, err = checkGroupNames(names); err != nil {
			return nil, err
		}
	}
	out := &FriendGroupsResult{}
	call := func(batch []string) error {
		req := struct {
			From         string   `json:"From_Account"`
			LastSequence uint64   `json:"LastSequence,omitempty"`
			NeedFriend   string   `json:"NeedFriend,omitempty"`
			GroupName    []string `json:"GroupName,omitempty"`
		}{From: from, LastSequence: opts.LastSequence, GroupName: batch}
		if opts.WithFriends {
			req.NeedFriend = NeedFriendYes
		}
		var resp struct {
			envelope
			CurrentSequence wire.FlexUint64 `json:"CurrentSequence"`
			ResultItem      []struct {
				GroupName    wire.FlexString   `json:"GroupName"`
				FriendNumber wire.FlexInt      `json:"FriendNumber"`
				ToAccount    []wire.FlexString `json:"To_Account"`
			} `json:"ResultItem"`
		}
		if err := s.d.Do(ctx, epGroupGet, &req, &resp); err != nil {
			return err
		}
		out.Sequence = uint64(resp.CurrentSequence)
		for _, g := range resp.ResultItem {
			fg := FriendGroup{Name: string(g.GroupName), Count: int(g.FriendNumber)}
			for _, id := range g.ToAccount {
				fg.Friends = append(fg.Friends, string(id))
			}
			out.Groups = append(out.Groups, fg)
		}
		return nil
	}
	if len(names) == 0 {
		return out, call(nil)
	}
	err := wire.ChunksNamed(len(names), MaxGroupNamesPerCall, "relation: group names", func(lo, hi int) error { return call(names[lo:hi]) })
	return out, err
}

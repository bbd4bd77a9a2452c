package relation

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// AddType says whether friend_add makes a one-way or a two-way friendship.
type AddType string

// Add types. Tencent's default (no AddType sent) is AddBoth.
const (
	AddSingle AddType = "Add_Type_Single"
	AddBoth   AddType = "Add_Type_Both"
)

// DeleteType says whether a delete removes one side or both.
type DeleteType string

// Delete types.
const (
	DeleteSingle DeleteType = "Delete_Type_Single"
	DeleteBoth   DeleteType = "Delete_Type_Both"
)

// CheckType says whether friend_check looks at one side or both.
type CheckType string

// Check types.
const (
	// CheckSingle only looks whether the account is in From's list.
	CheckSingle CheckType = "CheckResult_Type_Single"
	// CheckBoth looks at both lists.
	CheckBoth CheckType = "CheckResult_Type_Both"
)

// Relation is friend_check's answer for one account.
type Relation string

// Relations (A is From_Account, B the checked account).
const (
	RelationBoth   Relation = "CheckResult_Type_BothWay"
	RelationAWithB Relation = "CheckResult_Type_AWithB" // B is in A's list only
	RelationBWithA Relation = "CheckResult_Type_BWithA" // A is in B's list only
	RelationNone   Relation = "CheckResult_Type_NoRelation"
)

// AddSourcePrefix starts every AddSource: "AddSource_Type_" followed by a
// keyword of the app's choosing, e.g. "AddSource_Type_Consult".
const AddSourcePrefix = "AddSource_Type_"

// AddFriend is one friend to add (an AddFriendItem of friend_add).
type AddFriend struct {
	// UserID is the new friend (To_Account).
	UserID string
	// AddSource is required: AddSourcePrefix plus a keyword.
	AddSource string
	// Remark is From's remark for the friend (≤ MaxRemarkBytes).
	Remark string
	// Group puts the friend in one friend group (friend_add allows one; ≤
	// MaxGroupNameBytes).
	Group string
	// AddWording is the add-friend message (≤ MaxAddWordingBytes).
	AddWording string
}

// AddOptions tune AddFriends.
type AddOptions struct {
	// Type is AddSingle or AddBoth; empty sends none (Tencent: both).
	Type AddType
	// Force adds without the target's consent (ForceAddFlags 1), ignoring
	// its add-friend permission setting.
	Force bool
}

func checkAddSource(field, s string) error {
	if !strings.HasPrefix(s, AddSourcePrefix) || len(s) == len(AddSourcePrefix) {
		return wire.Invalid(field, "must be %q followed by a keyword, got %q", AddSourcePrefix, s)
	}
	return checkText(field, s, 64)
}

func (f *AddFriend) check(field string) error {
	if err := wire.CheckUserID(field+".To_Account", f.UserID); err != nil {
		return err
	}
	if err := checkAddSource(field+".AddSource", f.AddSource); err != nil {
		return err
	}
	if err := checkText(field+".Remark", f.Remark, MaxRemarkBytes); err != nil {
		return err
	}
	if err := checkText(field+".GroupName", f.Group, MaxGroupNameBytes); err != nil {
		return err
	}
	return checkText(field+".AddWording", f.AddWording, MaxAddWordingBytes)
}

type addItemWire struct {
	ToAccount  string `json:"To_Account"`
	Remark     string `json:"Remark,omitempty"`
	GroupName  string `json:"GroupName,omitempty"`
	AddSource  string `json:"AddSource"`
	AddWording string `json:"AddWording,omitempty"`
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epFriendAdd = catalog.Declare(api.Endpoint{Path: "sns/friend_add", Safety: api.Idempotent})

// AddFriends adds friends to from's list, in calls of MaxAddPerCall. Each
// account gets a result: a friend that could not be added (blacklisted,
// refused, CodePending, …) does not fail the call. On a failed call it
// returns the results so far and an error naming the batch.
//
// REST: v4/sns/friend_add
func (s *Service) AddFriends(ctx context.Context, from string, friends []AddFriend, opts AddOptions) (Results, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if len(friends) == 0 {
		return nil, wire.Invalid("AddFriendItem", "no friend given")
	}
	for i := range friends {
		if err := friends[i].check(fmt.Sprintf("AddFriendItem[%d]", i)); err != nil {
			return nil, err
		}
	}
	switch opts.Type {
	case "", AddSingle, AddBoth:
	default:
		return nil, wire.Invalid("AddType", "unknown value %q", string(opts.Type))
	}
	var out Results
	err := wire.ChunksNamed(len(friends), MaxAddPerCall, "relation: friends", func(lo, hi int) error {
		req := struct {
			From          string        `json:"From_Account"`
			AddFriendItem []addItemWire `json:"AddFriendItem"`
			AddType       AddType       `json:"AddType,omitempty"`
			ForceAddFlags int           `json:"ForceAddFlags,omitempty"`
		}{From: from, AddType: opts.Type}
		if opts.Force {
			req.ForceAddFlags = 1
		}
		for _, f := range friends[lo:hi] {
			req.AddFriendItem = append(req.AddFriendItem, addItemWire{f.UserID, f.Remark, f.Group, f.AddSource, f.AddWording})
		}
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, epFriendAdd, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(epFriendAdd.Path)...)
		return nil
	})
	return out, err
}

// ImportFriend is one friend to import (an AddFriendItem of friend_import):
// a one-way friendship with its history.
type ImportFriend struct {
	UserID    string
	AddSource string // required: AddSourcePrefix plus a keyword
	Remark    string
	// RemarkTime is when the remark was set (sent as Unix seconds; the
	// zero time sends none).
	RemarkTime time.Time
	Groups     []string
	AddWording string
	// AddTime is when the friendship began (sent as Unix seconds; the zero
	// time sends none, and Tencent uses the time of the import).
	AddTime time.Time
	// Custom holds custom friend fields (Tag_SNS_Custom_…).
	Custom []Item
}

type importItemWire struct {
	ToAccount  string   `json:"To_Account"`
	Remark     string   `json:"Remark,omitempty"`
	RemarkTime int64    `json:"RemarkTime,omitempty"`
	GroupName  []string `json:"GroupName,omitempty"`
	AddSource  string   `json:"AddSource"`
	AddWording string   `json:"AddWording,omitempty"`
	AddTime    int64    `json:"AddTime,omitempty"`
	CustomItem []Item   `json:"CustomItem,omitempty"`
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epFriendImport = catalog.Declare(api.Endpoint{Path: "sns/friend_import", Safety: api.Idempotent})

// ImportFriends imports one-way friends into from's list (e.g. from an
// older system), in calls of MaxAddPerCall. Import all of one user's
// friends in one call rather than concurrent calls: Tencent reports
// concurrent writes to one list as conflicts (30008).
//
// REST: v4/sns/friend_import
func (s *Service) ImportFriends(ctx context.Context, from string, friends []ImportFriend) (Results, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if len(friends) == 0 {
		return nil, wire.Invalid("AddFriendItem", "no friend given")
	}
	items := make([]importItemWire, len(friends))
	for i, f := range friends {
		field := fmt.Sprintf("AddFriendItem[%d]", i)
		if err := wire.CheckUserID(field+".To_Account", f.UserID); err != nil {
			return nil, err
		}
		if err := checkAddSource(field+".AddSource", f.AddSource); err != nil {
			return nil, err
		}
		if err := checkText(field+".Remark", f.Remark, MaxRemarkBytes); err != nil {
			return nil, err
		}
		if err := checkText(field+".AddWording", f.AddWording, MaxAddWordingBytes); err != nil {
			return nil, err
		}
		for j, g := range f.Groups {
			if err := checkGroupName(fmt.Sprintf("%s.GroupName[%d]", field, j), g); err != nil {
				return nil, err
			}
		}
		for j, c := range f.Custom {
			if !strings.HasPrefix(c.Tag, CustomTagPrefix) {
				return nil, wire.Invalid(fmt.Sprintf("%s.CustomItem[%d].Tag", field, j), "must start with %q, got %q", CustomTagPrefix, c.Tag)
			}
		}
		remarkTime, err := wire.UnixSeconds(field+".RemarkTime", f.RemarkTime)
		if err != nil {
			return nil, err
		}
		addTime, err := wire.UnixSeconds(field+".AddTime", f.AddTime)
		if err != nil {
			return nil, err
		}
		items[i] = importItemWire{f.UserID, f.Remark, remarkTime, f.Groups, f.AddSource, f.AddWording, addTime, f.Custom}
	}
	var out Results
	err := wire.ChunksNamed(len(items), MaxAddPerCall, "relation: friends", func(lo, hi int) error {
		req := struct {
			From          string           `json:"From_Account"`
			AddFriendItem []importItemWire `json:"AddFriendItem"`
		}{from, items[lo:hi]}
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, epFriendImport, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(epFriendImport.Path)...)
		return nil
	})
	return out, err
}

// FriendUpdate changes fields of one friend: the remark, the groups and
// custom fields are the ones Tencent lets change.
type FriendUpdate struct {
	UserID string
	Items  []Item
}

// SetRemark is the Item that sets a friend's remark.
func SetRemark(remark string) Item { return Item{Tag: TagRemark, Value: String(remark)} }

// SetGroups is the Item that sets a friend's groups (none: out of every
// group).
func SetGroups(groups ...string) Item { return Item{Tag: TagGroup, Value: Strings(groups...)} }

// SetCustom is the Item that sets a custom friend field; name is the part
// after CustomTagPrefix.
func SetCustom(name string, v Value) Item { return Item{Tag: CustomTagPrefix + name, Value: v} }

func checkUpdateItem(field string, it Item) error {
	switch {
	case it.Tag == TagRemark:
		s, ok := it.Value.Str()
		if !ok {
			return wire.Invalid(field+".Value", "the remark must be a string")
		}
		return checkText(field+".Value", s, MaxRemarkBytes)
	case it.Tag == TagGroup:
		for i, g := range it.Value.List() {
			if err := checkGroupName(fmt.Sprintf("%s.Value[%d]", field, i), g); err != nil {
				return err
			}
		}
		return nil
	case strings.HasPrefix(it.Tag, CustomTagPrefix) && len(it.Tag) > len(CustomTagPrefix):
		if it.Value.IsZero() {
			return wire.Invalid(field+".Value", "is empty")
		}
		return nil
	}
	return wire.Invalid(field+".Tag", "%q cannot be updated: only %s, %s and %s… can", it.Tag, TagRemark, TagGroup, CustomTagPrefix)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epFriendUpdate = catalog.Declare(api.Endpoint{Path: "sns/friend_update", Safety: api.Idempotent})

// UpdateFriends changes fields of from's friends, in calls of
// MaxAddPerCall. Update many friends of one user in one call rather than
// concurrent calls (30008 write conflicts).
//
// REST: v4/sns/friend_update
func (s *Service) UpdateFriends(ctx context.Context, from string, updates []FriendUpdate) (Results, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if len(updates) == 0 {
		return nil, wire.Invalid("UpdateItem", "no friend given")
	}
	type upd struct {
		ToAccount string `json:"To_Account"`
		SnsItem   []Item `json:"SnsItem"`
	}
	items := make([]upd, len(updates))
	for i, u := range updates {
		field := fmt.Sprintf("UpdateItem[%d]", i)
		if err := wire.CheckUserID(field+".To_Account", u.UserID); err != nil {
			return nil, err
		}
		if len(u.Items) == 0 {
			return nil, wire.Invalid(field+".SnsItem", "nothing to change")
		}
		for j, it := range u.Items {
			if err := checkUpdateItem(fmt.Sprintf("%s.SnsItem[%d]", field, j), it); err != nil {
				return nil, err
			}
		}
		items[i] = upd{u.UserID, u.Items}
	}
	var out Results
	err := wire.ChunksNamed(len(items), MaxAddPerCall, "relation: friends", func(lo, hi int) error {
		req := struct {
			From       string `json:"From_Account"`
			UpdateItem []upd  `json:"UpdateItem"`
		}{from, items[lo:hi]}
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, epFriendUpdate, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(epFriendUpdate.Path)...)
		return nil
	})
	return out, err
}

func checkDeleteType(t DeleteType, required bool) error {
	switch t {
	case DeleteSingle, DeleteBoth:
		return nil
	case "":
		if !required {
			return nil
		}
		return wire.Invalid("DeleteType", "is required: %q or %q", DeleteSingle, DeleteBoth)
	}
	return wire.Invalid("DeleteType", "unknown value %q", string(t))
}

// Removing what is already gone changes nothing: a resend is harmless.
var epFriendDelete = catalog.Declare(api.Endpoint{Path: "sns/friend_delete", Safety: api.Idempotent})

// DeleteFriends removes friends from from's list (DeleteSingle) or the
// friendships altogether (DeleteBoth), in calls of MaxDeletePerCall.
//
// REST: v4/sns/friend_delete
func (s *Service) DeleteFriends(ctx context.Context, from string, userIDs []string, t DeleteType) (Results, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	if err := checkDeleteType(t, true); err != nil {
		return nil, err
	}
	var out Results
	err = eachFromTo(from, ids, MaxDeletePerCall, "friends", func(ft fromTo) error {
		req := struct {
			fromTo
			DeleteType DeleteType `json:"DeleteType"`
		}{ft, t}
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, epFriendDelete, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(epFriendDelete.Path)...)
		return nil
	})
	return out, err
}

// Removing what is already gone changes nothing: a resend is harmless.
var epFriendDeleteAll = catalog.Declare(api.Endpoint{Path: "sns/friend_delete_all", Safety: api.Idempotent})

// DeleteAllFriends clears from's friend list (standard and custom friend
// data). t may be empty (Tencent's default, one-way).
//
// REST: v4/sns/friend_delete_all
func (s *Service) DeleteAllFriends(ctx context.Context, from string, t DeleteType) error {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return err
	}
	if err := checkDeleteType(t, false); err != nil {
		return err
	}
	req := struct {
		From       string     `json:"From_Account"`
		DeleteType DeleteType `json:"DeleteType,omitempty"`
	}{from, t}
	var resp envelope
	return s.d.Do(ctx, epFriendDeleteAll, &req, &resp)
}

// FriendCheck is friend_check's answer for one account.
type FriendCheck struct {
	ItemResult
	Relation Relation
}

// A resend leaves the same result.
var epFriendCheck = catalog.Declare(api.Endpoint{Path: "sns/friend_check", Safety: api.Idempotent})

// CheckFriends tells how each account relates to from, in calls of
// MaxCheckPerCall.
//
// REST: v4/sns/friend_check
func (s *Service) CheckFriends(ctx context.Context, from string, userIDs []string, t CheckType) ([]FriendCheck, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	switch t {
	case CheckSingle, CheckBoth:
	default:
		return nil, wire.Invalid("CheckType", "must be %q or %q, got %q", CheckSingle, CheckBoth, string(t))
	}
	var out []FriendCheck
	err = eachFromTo(from, ids, MaxCheckPerCall, "accounts", func(ft fromTo) error {
		req := struct {
			fromTo
			CheckType CheckType `json:"CheckType"`
		}{ft, t}
		var resp struct {
			envelope
			InfoItem []struct {
				itemWire
				Relation wire.FlexString `json:"Relation"`
			} `json:"InfoItem"`
			FailAccount []wire.FlexString `json:"Fail_Account"`
		}
		if err := s.d.Do(ctx, epFriendCheck, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.InfoItem {
			out = append(out, FriendCheck{ItemResult: it.result(epFriendCheck.Path), Relation: Relation(it.Relation)})
		}
		return nil
	})
	return out, err
}

// Friend is one entry of a friend list: the friend and its standard and
// custom friend fields.
type Friend struct {
	UserID string
	Items  Items
}

// Sequences are the data versions friend_get reports. Passing back the
// versions of an earlier full read makes Tencent leave out the standard
// (or custom) fields when they have not changed since.
type Sequences struct {
	Standard uint64 // StandardSequence
	Custom   uint64 // CustomSequence
}

// FriendsPage is one friend_get answer.
type FriendsPage struct {
	Friends []Friend
	// Total is FriendNum, the size of the whole list.
	Total int
	// Sequences are the current data versions; keep them for a later
	// incremental read.
	Sequences Sequences
	// NextStartIndex is the StartIndex of the following page.
	NextStartIndex int
	// Done is CompleteFlag: the list has been read to the end.
	Done bool
}

type friendGetResp struct {
	envelope
	UserDataItem []struct {
		ToAccount wire.FlexString `json:"To_Account"`
		ValueItem Items           `json:"ValueItem"`
	} `json:"UserDataItem"`
	StandardSequence wire.FlexUint64 `json:"StandardSequence"`
	CustomSequence   wire.FlexUint64 `json:"CustomSequence"`
	FriendNum        wire.FlexInt    `json:"FriendNum"`
	CompleteFlag     wire.FlexInt    `json:"CompleteFlag"`
	NextStartIndex   wire.FlexInt    `json:"NextStartIndex"`
}

func (r *friendGetResp) page() *FriendsPage {
	p := &FriendsPage{
		Friends:        make([]Friend, len(r.UserDataItem)),
		Total:          int(r.FriendNum),
		Sequences:      Sequences{Standard: uint64(r.StandardSequence), Custom: uint64(r.CustomSequence)},
		NextStartIndex: int(r.NextStartIndex),
		Done:           r.CompleteFlag != 0,
	}
	for i, u := range r.UserDataItem {
		p.Friends[i] = Friend{UserID: string(u.ToAccount), Items: u.ValueItem}
	}
	return p
}

// A read: a resend changes nothing.
var epFriendGet = catalog.Declare(api.Endpoint{Path: "sns/friend_get", Safety: api.Idempotent})

// FriendsPage reads one page of from's friends with their friend fields
// (not their profiles: use GetFriends with profile tags for those),
// starting at startIndex (0 first). seq may be zero (everything) or the
// Sequences of an earlier full read.
//
// REST: v4/sns/friend_get
func (s *Service) FriendsPage(ctx context.Context, from string, startIndex int, seq Sequences) (*FriendsPage, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if startIndex < 0 {
		return nil, wire.Invalid("StartIndex", "must not be negative")
	}
	req := struct {
		From             string `json:"From_Account"`
		StartIndex       int    `json:"StartIndex"`
		StandardSequence uint64 `json:"StandardSequence"`
		CustomSequence   uint64 `json:"CustomSequence"`
	}{from, startIndex, seq.Standard, seq.Custom}
	var resp friendGetResp
	if err := s.d.Do(ctx, epFriendGet, &req, &resp); err != nil {
		return nil, err
	}
	return resp.page(), nil
}

// Friends iterates over all of from's friends, page by page. Every page
// asks for all fields (zero Sequences): feeding a page's sequences into the
// next request would make Tencent leave the fields out of later pages. An
// error ends the iteration (yielded once; a later page's error names the
// page); an unfinished page whose NextStartIndex does not grow ends it with
// an error matching api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/sns/friend_get
func (s *Service) Friends(ctx context.Context, from string) iter.Seq2[Friend, error] {
	return pager.WalkIncreasing("relation: friends", 0, func(start int) (pager.Page[Friend, int], error) {
		p, err := s.FriendsPage(ctx, from, start, Sequences{})
		if err != nil {
			return pager.Page[Friend, int]{}, err
		}
		return pager.Page[Friend, int]{Items: p.Friends, Next: p.NextStartIndex, Done: p.Done || len(p.Friends) == 0}, nil
	})
}

// FriendResult is friend_get_list's answer for one account: its result and
// the fields asked for.
type FriendResult struct {
	ItemResult
	Items Items
}

// A read: a resend changes nothing.
var epFriendGetList = catalog.Declare(api.Endpoint{Path: "sns/friend_get_list", Safety: api.Idempotent})

// GetFriends reads the given fields of some of from's friends, in calls of
// MaxGetListPerCall. tags may name friend fields (Tag_SNS_IM_Remark,
// Tag_SNS_Custom_…) and profile fields (Tag_Profile_IM_Nick, …). An
// account that is not a friend gets a failed result.
//
// REST: v4/sns/friend_get_list
func (s *Service) GetFriends(ctx context.Context, from string, userIDs []string, tags []string) ([]FriendResult, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, wire.Invalid("TagList", "no tag given")
	}
	for i, t := range tags {
		if t == "" {
			return nil, wire.Invalid(fmt.Sprintf("TagList[%d]", i), "is empty")
		}
	}
	var out []FriendResult
	err = eachFromTo(from, ids, MaxGetListPerCall, "accounts", func(ft fromTo) error {
		req := struct {
			fromTo
			TagList []string `json:"TagList"`
		}{ft, tags}
		var resp struct {
			envelope
			InfoItem []struct {
				itemWire
				SnsProfileItem Items `json:"SnsProfileItem"`
			} `json:"InfoItem"`
		}
		if err := s.d.Do(ctx, epFriendGetList, &req, &resp); err != nil {
			return err
		}
		for _, it := range resp.InfoItem {
			out = append(out, FriendResult{ItemResult: it.result(epFriendGetList.Path), Items: it.SnsProfileItem})
		}
		return nil
	})
	return out, err
}

package conversation

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// Limits of the conversation-group and mark APIs (see NOTES.md for sources).
const (
	// MaxContactGroupNameBytes is the longest conversation-group name in
	// UTF-8 bytes (current docs: 64; older docs and the client SDKs: 32).
	MaxContactGroupNameBytes = 64
	// MaxContactGroupItems caps the conversations given to one create or
	// update call (split by the service).
	MaxContactGroupItems = 100
	// MaxMarksPerCall caps MarkItem per mark_contact call (split by Mark).
	MaxMarksPerCall = 100
	// MaxSearchPerCall caps ContactItem per search_contact_group call (split
	// by SearchContactGroups).
	MaxSearchPerCall = 300
	// MaxCustomMarkBytes is the longest custom mark.
	MaxCustomMarkBytes = 256
	// MaxMarkBit is one past the highest standard mark bit (64 bits; the low
	// 32 are Tencent's, the high 32 are for the app).
	MaxMarkBit = 64
)

// Standard mark bits as the client SDKs define them (V2TIMConversation
// mark types 0x1, 0x2, 0x4, 0x8). Bits 32..63 are free for the app.
const (
	MarkStar   = 0
	MarkUnread = 1
	MarkFold   = 2
	MarkHide   = 3
)

// ContactGroup is one of a user's conversation groups.
type ContactGroup struct {
	Name string
	// ID is Tencent's numeric id of the group, as used in
	// Conversation.ContactGroupIDs.
	ID int
}

// ItemResult is the outcome for one conversation of a batch call.
type ItemResult struct {
	With Target
	// Code is 0 on success.
	Code int
	Info string
}

// Err returns nil on success, else an *APIError carrying the item's code.
func (r ItemResult) Err() error {
	if r.Code == 0 {
		return nil
	}
	return &api.Error{Op: "recentcontact", HTTPStatus: 200, Code: r.Code, Info: r.Info}
}

// ContactGroupResult is the answer to CreateContactGroup.
type ContactGroupResult struct {
	Group ContactGroup
	Items []ItemResult
}

// ContactMarks is the group membership and marks of one conversation.
type ContactMarks struct {
	With Target
	// StandardMark is the standard-mark bit string as Tencent sends it.
	StandardMark string
	CustomMark   string
	// GroupIDs are the ids of the conversation groups it belongs to.
	GroupIDs []int
	// Updated is the time of the last change (Timestamp).
	Updated time.Time
}

// ContactGroupData is a user's conversation groups and per-conversation
// marks.
type ContactGroupData struct {
	Groups   []ContactGroup
	Contacts []ContactMarks
}

// ContactGroupPage is one get_contact_group answer.
type ContactGroupPage struct {
	ContactGroupData
	// NextStartIndex is the StartIndex of the following page.
	NextStartIndex int
	// Complete is true on the last page (CompleteFlag = 1).
	Complete bool
}

// Mark changes the marks of one conversation. At least one of Set, Clear
// or Custom must be given.
type Mark struct {
	With Target
	// Set and Clear list standard mark bits (0..63) to set or clear.
	Set, Clear []int
	// Custom, when not nil, replaces the custom mark (≤256 bytes; "" clears).
	Custom *string
}

// wire shapes

type contactItem struct {
	Type      int    `json:"Type"`
	ToGroupID string `json:"ToGroupId,omitempty"`
	ToAccount string `json:"To_Account,omitempty"`
}

// itemOf is t on the wire; callers have checked t first.
func itemOf(t Target) contactItem {
	if t.Type == message.ConvGroup {
		return contactItem{Type: wireGroup, ToGroupID: t.ID}
	}
	return contactItem{Type: wireC2C, ToAccount: t.ID}
}

// contactItemIn is a contact item in an answer, decoded tolerantly.
type contactItemIn struct {
	Type           typeField      `json:"Type"`
	ToAccount      accountField   `json:"To_Account"`
	ToGroupID      idField        `json:"ToGroupId"`
	GroupID        idField        `json:"GroupId"`
	StandardMark   idField        `json:"StandardMark"`
	CustomMark     idField        `json:"CustomMark"`
	ContactGroupID []wire.FlexInt `json:"ContactGroupId"`
	Timestamp      wire.FlexInt   `json:"Timestamp"`
}

func (c *contactItemIn) target() Target {
	gid := string(c.ToGroupID)
	if gid == "" {
		gid = string(c.GroupID)
	}
	if convType(c.Type, string(c.ToAccount), gid) == message.ConvGroup {
		return Group(gid)
	}
	return C2C(string(c.ToAccount))
}

func (c *contactItemIn) marks() ContactMarks {
	m := ContactMarks{With: c.target(), StandardMark: string(c.StandardMark), CustomMark: string(c.CustomMark)}
	for _, g := range c.ContactGroupID {
		m.GroupIDs = append(m.GroupIDs, int(g))
	}
	m.Updated = wire.UnixTime(int64(c.Timestamp))
	return m
}

type groupItemIn struct {
	GroupName string       `json:"GroupName"`
	GroupID   wire.FlexInt `json:"GroupId"`
}

func (g groupItemIn) group() ContactGroup { return ContactGroup{Name: g.GroupName, ID: int(g.GroupID)} }

type resultItemIn struct {
	ContactItem contactItemIn `json:"ContactItem"`
	ResultCode  wire.FlexInt  `json:"ResultCode"`
	ResultInfo  string        `json:"ResultInfo"`
}

func (r resultItemIn) result() ItemResult {
	return ItemResult{With: r.ContactItem.target(), Code: int(r.ResultCode), Info: r.ResultInfo}
}

func checkGroupName(field, name string) error {
	switch {
	case name == "":
		return wire.Invalid(field, "is empty")
	case !utf8.ValidString(name):
		return wire.Invalid(field, "is not valid UTF-8")
	case len(name) > MaxContactGroupNameBytes:
		return wire.Invalid(field, "is %d bytes, limit is %d (UTF-8 bytes)", len(name), MaxContactGroupNameBytes)
	}
	return nil
}

func checkTargets(field string, items []Target, max int) error {
	if max > 0 && len(items) > max {
		return wire.Invalid(field, "has %d conversations, limit is %d", len(items), max)
	}
	for i, t := range items {
		if err := t.check(fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return err
		}
	}
	return nil
}

func items(ts []Target) []contactItem {
	out := make([]contactItem, len(ts))
	for i, t := range ts {
		out[i] = itemOf(t)
	}
	return out
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epCreateContactGroup = catalog.Declare(api.Endpoint{Path: "recentcontact/create_contact_group", Safety: api.Idempotent})

// CreateContactGroup creates the conversation group name for userID with
// up to MaxContactGroupItems conversations in it (Tencent allows 20 groups
// per user and creates one group per call).
//
// REST: v4/recentcontact/create_contact_group
func (s *Service) CreateContactGroup(ctx context.Context, userID, name string, with ...Target) (*ContactGroupResult, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	if err := checkGroupName("GroupContactItem[0].GroupName", name); err != nil {
		return nil, err
	}
	if len(with) == 0 {
		return nil, wire.Invalid("GroupContactItem[0].ContactItem", "no conversation given")
	}
	if err := checkTargets("GroupContactItem[0].ContactItem", with, MaxContactGroupItems); err != nil {
		return nil, err
	}
	type groupContactItem struct {
		GroupName   string        `json:"GroupName"`
		ContactItem []contactItem `json:"ContactItem"`
	}
	req := struct {
		FromAccount      string             `json:"From_Account"`
		GroupContactItem []groupContactItem `json:"GroupContactItem"`
	}{userID, []groupContactItem{{name, items(with)}}}
	var resp struct {
		envelope
		GroupResultItem []struct {
			GroupItem  groupItemIn    `json:"GroupItem"`
			ResultItem []resultItemIn `json:"ResultItem"`
		} `json:"GroupResultItem"`
	}
	if err := s.d.Do(ctx, epCreateContactGroup, &req, &resp); err != nil {
		return nil, err
	}
	res := &ContactGroupResult{Group: ContactGroup{Name: name}}
	for _, g := range resp.GroupResultItem {
		res.Group = g.GroupItem.group()
		for _, r := range g.ResultItem {
			res.Items = append(res.Items, r.result())
		}
	}
	return res, nil
}

type updateGroup struct {
	UpdateGroupType   int                 `json:"UpdateGroupType"`
	OldGroupName      string              `json:"OldGroupName"`
	NewGroupName      string              `json:"NewGroupName,omitempty"`
	ContactUpdateItem []contactUpdateItem `json:"ContactUpdateItem,omitempty"`
}

type contactUpdateItem struct {
	ContactOptType int         `json:"ContactOptType"` // 1 add, 2 remove
	ContactItem    contactItem `json:"ContactItem"`
}

type updateResponse struct {
	envelope
	UpdateGroupResult struct {
		UpdateGroupType   wire.FlexInt   `json:"UpdateGroupType"`
		GroupName         string         `json:"GroupName"`
		GroupID           wire.FlexInt   `json:"GroupId"`
		OldGroupName      string         `json:"OldGroupName"`
		ContactResultItem []resultItemIn `json:"ContactResultItem"`
	} `json:"UpdateGroupResult"`
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epUpdateContactGroup = catalog.Declare(api.Endpoint{Path: "recentcontact/update_contact_group", Safety: api.Idempotent})

func (s *Service) update(ctx context.Context, userID string, g updateGroup) (*updateResponse, error) {
	req := struct {
		FromAccount string      `json:"From_Account"`
		UpdateType  int         `json:"UpdateType"`
		UpdateGroup updateGroup `json:"UpdateGroup"`
	}{userID, 1, g}
	var resp updateResponse
	if err := s.d.Do(ctx, epUpdateContactGroup, &req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// RenameContactGroup renames userID's conversation group oldName.
//
// REST: v4/recentcontact/update_contact_group
func (s *Service) RenameContactGroup(ctx context.Context, userID, oldName, newName string) (ContactGroup, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return ContactGroup{}, err
	}
	if err := checkGroupName("UpdateGroup.OldGroupName", oldName); err != nil {
		return ContactGroup{}, err
	}
	if err := checkGroupName("UpdateGroup.NewGroupName", newName); err != nil {
		return ContactGroup{}, err
	}
	resp, err := s.update(ctx, userID, updateGroup{UpdateGroupType: 1, OldGroupName: oldName, NewGroupName: newName})
	if err != nil {
		return ContactGroup{}, err
	}
	g := ContactGroup{Name: resp.UpdateGroupResult.GroupName, ID: int(resp.UpdateGroupResult.GroupID)}
	if g.Name == "" {
		g.Name = newName
	}
	return g, nil
}

// AddToContactGroup adds conversations to userID's conversation group
// name, in calls of MaxContactGroupItems.
//
// REST: v4/recentcontact/update_contact_group
func (s *Service) AddToContactGroup(ctx context.Context, userID, name string, with ...Target) ([]ItemResult, error) {
	return s.changeMembers(ctx, userID, name, 1, with)
}

// RemoveFromContactGroup removes conversations from userID's conversation
// group name, in calls of MaxContactGroupItems.
//
// REST: v4/recentcontact/update_contact_group
func (s *Service) RemoveFromContactGroup(ctx context.Context, userID, name string, with ...Target) ([]ItemResult, error) {
	return s.changeMembers(ctx, userID, name, 2, with)
}

func (s *Service) changeMembers(ctx context.Context, userID, name string, op int, with []Target) ([]ItemResult, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	if err := checkGroupName("UpdateGroup.OldGroupName", name); err != nil {
		return nil, err
	}
	if len(with) == 0 {
		return nil, wire.Invalid("UpdateGroup.ContactUpdateItem", "no conversation given")
	}
	if err := checkTargets("UpdateGroup.ContactUpdateItem", with, 0); err != nil {
		return nil, err
	}
	var out []ItemResult
	err := wire.Chunks(len(with), MaxContactGroupItems, func(lo, hi int) error {
		g := updateGroup{UpdateGroupType: 2, OldGroupName: name}
		for _, t := range with[lo:hi] {
			g.ContactUpdateItem = append(g.ContactUpdateItem, contactUpdateItem{ContactOptType: op, ContactItem: itemOf(t)})
		}
		resp, err := s.update(ctx, userID, g)
		if err != nil {
			return fmt.Errorf("conversation: conversations %d..%d of %d: %w", lo, hi-1, len(with), err)
		}
		for _, r := range resp.UpdateGroupResult.ContactResultItem {
			out = append(out, r.result())
		}
		return nil
	})
	return out, err
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDelContactGroup = catalog.Declare(api.Endpoint{Path: "recentcontact/del_contact_group", Safety: api.Idempotent})

// DeleteContactGroup deletes userID's conversation group name (the
// conversations stay in the list).
//
// REST: v4/recentcontact/del_contact_group
func (s *Service) DeleteContactGroup(ctx context.Context, userID, name string) (ContactGroup, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return ContactGroup{}, err
	}
	if err := checkGroupName("GroupName[0]", name); err != nil {
		return ContactGroup{}, err
	}
	req := struct {
		FromAccount string   `json:"From_Account"`
		GroupName   []string `json:"GroupName"`
	}{userID, []string{name}}
	var resp struct {
		envelope
		GroupItem []groupItemIn `json:"GroupItem"`
	}
	if err := s.d.Do(ctx, epDelContactGroup, &req, &resp); err != nil {
		return ContactGroup{}, err
	}
	g := ContactGroup{Name: name}
	if len(resp.GroupItem) > 0 {
		g = resp.GroupItem[0].group()
	}
	return g, nil
}

type markItem struct {
	OptType     int         `json:"OptType"`
	ContactItem contactItem `json:"ContactItem"`
	SetMark     []int       `json:"SetMark,omitempty"`
	ClearMark   []int       `json:"ClearMark,omitempty"`
	CustomMark  *string     `json:"CustomMark,omitempty"`
}

func (m Mark) wire(field string) (markItem, error) {
	if err := m.With.check(field + ".ContactItem"); err != nil {
		return markItem{}, err
	}
	std := len(m.Set)+len(m.Clear) > 0
	if !std && m.Custom == nil {
		return markItem{}, wire.Invalid(field, "sets no mark: give Set, Clear or Custom")
	}
	for _, bits := range [...]struct {
		name string
		v    []int
	}{{"SetMark", m.Set}, {"ClearMark", m.Clear}} {
		for i, b := range bits.v {
			if b < 0 || b >= MaxMarkBit {
				return markItem{}, wire.Invalid(fmt.Sprintf("%s.%s[%d]", field, bits.name, i), "bit %d out of range 0..%d", b, MaxMarkBit-1)
			}
		}
	}
	if m.Custom != nil {
		if !utf8.ValidString(*m.Custom) {
			return markItem{}, wire.Invalid(field+".CustomMark", "is not valid UTF-8")
		}
		if len(*m.Custom) > MaxCustomMarkBytes {
			return markItem{}, wire.Invalid(field+".CustomMark", "is %d bytes, limit is %d", len(*m.Custom), MaxCustomMarkBytes)
		}
	}
	it := markItem{ContactItem: itemOf(m.With), SetMark: m.Set, ClearMark: m.Clear, CustomMark: m.Custom}
	switch {
	case std && m.Custom != nil:
		it.OptType = 3
	case std:
		it.OptType = 1
	default:
		it.OptType = 2
	}
	return it, nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epMarkContact = catalog.Declare(api.Endpoint{Path: "recentcontact/mark_contact", Safety: api.Idempotent})

// Mark sets or clears standard and custom marks on userID's conversations,
// in calls of MaxMarksPerCall. Per-conversation outcomes are in the results.
//
// REST: v4/recentcontact/mark_contact
func (s *Service) Mark(ctx context.Context, userID string, marks ...Mark) ([]ItemResult, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	if len(marks) == 0 {
		return nil, wire.Invalid("MarkItem", "no mark given")
	}
	all := make([]markItem, len(marks))
	for i, m := range marks {
		it, err := m.wire(fmt.Sprintf("MarkItem[%d]", i))
		if err != nil {
			return nil, err
		}
		all[i] = it
	}
	var out []ItemResult
	err := wire.Chunks(len(all), MaxMarksPerCall, func(lo, hi int) error {
		req := struct {
			FromAccount string     `json:"From_Account"`
			MarkItem    []markItem `json:"MarkItem"`
		}{userID, all[lo:hi]}
		var resp struct {
			envelope
			ResultItem []resultItemIn `json:"ResultItem"`
		}
		if err := s.d.Do(ctx, epMarkContact, &req, &resp); err != nil {
			return fmt.Errorf("conversation: marks %d..%d of %d: %w", lo, hi-1, len(all), err)
		}
		for _, r := range resp.ResultItem {
			out = append(out, r.result())
		}
		return nil
	})
	return out, err
}

// A read: a resend changes nothing.
var epSearchContactGroup = catalog.Declare(api.Endpoint{Path: "recentcontact/search_contact_group", Safety: api.Idempotent})

// SearchContactGroups returns the conversation groups and marks of the
// given conversations of userID, in calls of MaxSearchPerCall.
//
// REST: v4/recentcontact/search_contact_group
func (s *Service) SearchContactGroups(ctx context.Context, userID string, with ...Target) (*ContactGroupData, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	if len(with) == 0 {
		return nil, wire.Invalid("ContactItem", "no conversation given")
	}
	if err := checkTargets("ContactItem", with, 0); err != nil {
		return nil, err
	}
	data := &ContactGroupData{}
	seen := map[int]bool{}
	err := wire.Chunks(len(with), MaxSearchPerCall, func(lo, hi int) error {
		req := struct {
			FromAccount string        `json:"From_Account"`
			ContactItem []contactItem `json:"ContactItem"`
		}{userID, items(with[lo:hi])}
		var resp struct {
			envelope
			ContactResultItem []contactItemIn `json:"ContactResultItem"`
			GroupItem         []groupItemIn   `json:"GroupItem"`
		}
		if err := s.d.Do(ctx, epSearchContactGroup, &req, &resp); err != nil {
			return fmt.Errorf("conversation: conversations %d..%d of %d: %w", lo, hi-1, len(with), err)
		}
		for i := range resp.ContactResultItem {
			data.Contacts = append(data.Contacts, resp.ContactResultItem[i].marks())
		}
		data.addGroups(resp.GroupItem, seen)
		return nil
	})
	return data, err
}

func (d *ContactGroupData) addGroups(in []groupItemIn, seen map[int]bool) {
	for _, g := range in {
		if !seen[int(g.GroupID)] {
			seen[int(g.GroupID)] = true
			d.Groups = append(d.Groups, g.group())
		}
	}
}

// A read: a resend changes nothing.
var epGetContactGroup = catalog.Declare(api.Endpoint{Path: "recentcontact/get_contact_group", Safety: api.Idempotent})

// ContactGroupsPage reads one page of userID's conversation groups and
// marks, from startIndex (0 first, then the previous NextStartIndex).
//
// REST: v4/recentcontact/get_contact_group
func (s *Service) ContactGroupsPage(ctx context.Context, userID string, startIndex int) (*ContactGroupPage, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	if startIndex < 0 {
		return nil, wire.Invalid("StartIndex", "must not be negative")
	}
	req := struct {
		FromAccount string `json:"From_Account"`
		StartIndex  int    `json:"StartIndex"`
	}{userID, startIndex}
	var resp struct {
		envelope
		ContactItem    []contactItemIn `json:"ContactItem"`
		GroupItem      []groupItemIn   `json:"GroupItem"`
		CompleteFlag   wire.FlexInt    `json:"CompleteFlag"`
		NextStartIndex wire.FlexInt    `json:"NextStartIndex"`
	}
	if err := s.d.Do(ctx, epGetContactGroup, &req, &resp); err != nil {
		return nil, err
	}
	p := &ContactGroupPage{NextStartIndex: int(resp.NextStartIndex), Complete: resp.CompleteFlag == 1}
	for i := range resp.ContactItem {
		p.Contacts = append(p.Contacts, resp.ContactItem[i].marks())
	}
	p.addGroups(resp.GroupItem, map[int]bool{})
	return p, nil
}

// ContactGroups reads all of userID's conversation groups and marks,
// following NextStartIndex until CompleteFlag = 1. On an error it returns
// what the earlier pages gave and the error (naming the page when it is not
// the first); an unfinished page whose NextStartIndex does not grow ends
// the reading with an error matching api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/recentcontact/get_contact_group
func (s *Service) ContactGroups(ctx context.Context, userID string) (*ContactGroupData, error) {
	pages := pager.WalkIncreasing("conversation: contact groups", 0, func(start int) (pager.Page[*ContactGroupPage, int], error) {
		p, err := s.ContactGroupsPage(ctx, userID, start)
		if err != nil {
			return pager.Page[*ContactGroupPage, int]{}, err
		}
		return pager.Page[*ContactGroupPage, int]{Items: []*ContactGroupPage{p}, Next: p.NextStartIndex, Done: p.Complete}, nil
	})
	data := &ContactGroupData{}
	seen := map[int]bool{}
	for p, err := range pages {
		if err != nil {
			return data, err
		}
		data.Contacts = append(data.Contacts, p.Contacts...)
		for _, g := range p.Groups {
			if !seen[g.ID] {
				seen[g.ID] = true
				data.Groups = append(data.Groups, g)
			}
		}
	}
	return data, nil
}

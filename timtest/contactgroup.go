package timtest

import (
	"fmt"
	"slices"
	"strings"
)

// Conversation groups and marks (recentcontact/{create,update,del,get,search}_contact_group,
// mark_contact). Source: REST API/会话相关/会话分组标记/*_intl_en.md: group names ≤ 32
// bytes (51011), ≤ 20 groups (51010), ≤ 1000 conversations per group (51008),
// deleting a missing group answers 51009, ≤ 100 items per mark call (51006),
// custom marks ≤ 256 bytes; StandardMark is a bit string ("011111110"),
// bit n set by SetMark n. 50001 is "UserID not imported", 50002 a parameter error.

const (
	maxContactGroups     = 20
	maxContactGroupName  = 32
	maxContactsPerGroup  = 1000
	maxMarkItems         = 100
	maxCustomMark        = 256
	maxStandardMarkBit   = 63
	codeContactMarkCount = 51006
	codeContactGroupFull = 51008
	codeContactNoGroup   = 51009
	codeContactGroups    = 51010
	codeContactGroupName = 51011
	contactPageSize      = 100
)

// contactBook is one user's conversation groups and marks.
type contactBook struct {
	groups  []*contactGroup
	nextID  int
	entries map[string]*contactEntry // by contactRef.key()
	order   []string
}

type contactGroup struct {
	name    string
	id      int
	members []string // contactRef keys
}

type contactEntry struct {
	ref      contactRef
	standard uint64
	custom   string
	time     int64
}

// contactRef is a conversation as the requests name it.
type contactRef struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	ToGroupID string `json:"ToGroupId,omitempty"`
}

func (r contactRef) key() string {
	if r.Type == 2 {
		return "2:" + r.ToGroupID
	}
	return "1:" + r.ToAccount
}

func (r contactRef) check(field string) error {
	switch {
	case r.Type == 1 && r.ToAccount != "":
	case r.Type == 2 && r.ToGroupID != "":
	default:
		return fail(codeContactParam, "parameter error: %s needs Type 1 with To_Account or Type 2 with ToGroupId", field)
	}
	return nil
}

type groupItem struct {
	GroupName string `json:"GroupName"`
	GroupID   int    `json:"GroupId"`
}

type contactResult struct {
	ContactItem contactRef `json:"ContactItem"`
	ResultCode  int        `json:"ResultCode"`
	ResultInfo  string     `json:"ResultInfo"`
}

// bookLocked returns the imported user's book.
func (s *Server) bookLocked(user string) (*contactBook, error) {
	if s.accounts[user] == nil {
		return nil, fail(codeContactUser, "From_Account %q not imported", user)
	}
	b := s.ext.contacts[user]
	if b == nil {
		b = &contactBook{entries: map[string]*contactEntry{}}
		s.ext.contacts[user] = b
	}
	return b, nil
}

func (b *contactBook) group(name string) *contactGroup {
	for _, g := range b.groups {
		if g.name == name {
			return g
		}
	}
	return nil
}

func (b *contactBook) entry(r contactRef, now int64) *contactEntry {
	k := r.key()
	e := b.entries[k]
	if e == nil {
		e = &contactEntry{ref: r}
		b.entries[k] = e
		b.order = append(b.order, k)
	}
	e.time = now
	return e
}

func (b *contactBook) items() []groupItem {
	out := []groupItem{}
	for _, g := range b.groups {
		out = append(out, groupItem{g.name, g.id})
	}
	return out
}

// addTo puts a conversation into a group, answering its per-item result.
func (b *contactBook) addTo(g *contactGroup, r contactRef, now int64) contactResult {
	if err := r.check("ContactItem"); err != nil {
		return contactResult{ContactItem: r, ResultCode: codeContactParam, ResultInfo: err.(*apiError).info}
	}
	if !slices.Contains(g.members, r.key()) {
		if len(g.members) >= maxContactsPerGroup {
			return contactResult{ContactItem: r, ResultCode: codeContactGroupFull, ResultInfo: "the conversation group is full"}
		}
		g.members = append(g.members, r.key())
	}
	b.entry(r, now)
	return contactResult{ContactItem: r}
}

func checkContactGroupName(name string) error {
	if name == "" || len(name) > maxContactGroupName {
		return fail(codeContactGroupName, "GroupName must be 1..%d bytes", maxContactGroupName)
	}
	return nil
}

func (c *call) createContactGroup() (any, error) {
	var req struct {
		FromAccount      string `json:"From_Account"`
		GroupContactItem []struct {
			GroupName   string       `json:"GroupName"`
			ContactItem []contactRef `json:"ContactItem"`
		} `json:"GroupContactItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	for _, gi := range req.GroupContactItem {
		if err := checkContactGroupName(gi.GroupName); err != nil {
			return nil, err
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	fresh := 0
	for _, gi := range req.GroupContactItem {
		if b.group(gi.GroupName) == nil {
			fresh++
		}
	}
	if len(b.groups)+fresh > maxContactGroups {
		return nil, fail(codeContactGroups, "a user has at most %d conversation groups", maxContactGroups)
	}
	type result struct {
		GroupItem  groupItem       `json:"GroupItem"`
		ResultItem []contactResult `json:"ResultItem"`
	}
	out := []result{}
	for _, gi := range req.GroupContactItem {
		g := b.group(gi.GroupName)
		if g == nil {
			b.nextID++
			g = &contactGroup{name: gi.GroupName, id: b.nextID}
			b.groups = append(b.groups, g)
		}
		r := result{GroupItem: groupItem{g.name, g.id}, ResultItem: []contactResult{}}
		for _, ci := range gi.ContactItem {
			r.ResultItem = append(r.ResultItem, b.addTo(g, ci, c.now.Unix()))
		}
		out = append(out, r)
	}
	return &struct {
		GroupResultItem []result `json:"GroupResultItem"`
		envelope
		ErrorDisplay string `json:"ErrorDisplay"`
	}{GroupResultItem: out}, nil
}

func (c *call) updateContactGroup() (any, error) {
	var req struct {
		FromAccount string `json:"From_Account"`
		UpdateType  int    `json:"UpdateType"`
		UpdateGroup struct {
			UpdateGroupType   int    `json:"UpdateGroupType"`
			OldGroupName      string `json:"OldGroupName"`
			NewGroupName      string `json:"NewGroupName"`
			ContactUpdateItem []struct {
				ContactOptType int        `json:"ContactOptType"`
				ContactItem    contactRef `json:"ContactItem"`
			} `json:"ContactUpdateItem"`
		} `json:"UpdateGroup"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	u := req.UpdateGroup
	if req.UpdateType != 1 || (u.UpdateGroupType != 1 && u.UpdateGroupType != 2) {
		return nil, fail(codeContactParam, "parameter error: UpdateType must be 1 and UpdateGroup.UpdateGroupType 1 (rename) or 2 (conversations)")
	}
	if u.UpdateGroupType == 1 {
		if err := checkContactGroupName(u.NewGroupName); err != nil {
			return nil, err
		}
	}
	for i, it := range u.ContactUpdateItem {
		if it.ContactOptType != 1 && it.ContactOptType != 2 {
			return nil, fail(codeContactParam, "parameter error: ContactUpdateItem[%d].ContactOptType must be 1 or 2", i)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	g := b.group(u.OldGroupName)
	if g == nil {
		return nil, fail(codeContactNoGroup, "conversation group %q does not exist", u.OldGroupName)
	}
	type optResult struct {
		ContactOptType int        `json:"ContactOptType"`
		ContactItem    contactRef `json:"ContactItem"`
		ResultCode     int        `json:"ResultCode"`
		ResultInfo     string     `json:"ResultInfo"`
	}
	res := struct {
		UpdateGroupType   int         `json:"UpdateGroupType"`
		GroupName         string      `json:"GroupName"`
		GroupID           int         `json:"GroupId"`
		OldGroupName      string      `json:"OldGroupName"`
		ContactResultItem []optResult `json:"ContactResultItem,omitempty"`
	}{UpdateGroupType: u.UpdateGroupType, OldGroupName: u.OldGroupName, GroupID: g.id}
	if u.UpdateGroupType == 1 {
		if other := b.group(u.NewGroupName); other != nil && other != g {
			return nil, fail(codeContactParam, "parameter error: conversation group %q already exists", u.NewGroupName)
		}
		g.name = u.NewGroupName
	} else {
		for _, it := range u.ContactUpdateItem {
			r := optResult{ContactOptType: it.ContactOptType, ContactItem: it.ContactItem}
			if it.ContactOptType == 1 {
				cr := b.addTo(g, it.ContactItem, c.now.Unix())
				r.ResultCode, r.ResultInfo = cr.ResultCode, cr.ResultInfo
			} else {
				g.members = slices.DeleteFunc(g.members, func(k string) bool { return k == it.ContactItem.key() })
			}
			res.ContactResultItem = append(res.ContactResultItem, r)
		}
	}
	res.GroupName = g.name
	return &struct {
		UpdateType        int `json:"UpdateType"`
		UpdateGroupResult any `json:"UpdateGroupResult"`
		envelope
	}{UpdateType: req.UpdateType, UpdateGroupResult: res}, nil
}

func (c *call) delContactGroup() (any, error) {
	var req struct {
		FromAccount string   `json:"From_Account"`
		GroupName   []string `json:"GroupName"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.GroupName) != 1 {
		return nil, fail(codeContactParam, "parameter error: GroupName must name one conversation group")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	g := b.group(req.GroupName[0])
	if g == nil {
		return nil, fail(codeContactNoGroup, "conversation group %q does not exist", req.GroupName[0])
	}
	b.groups = slices.DeleteFunc(b.groups, func(x *contactGroup) bool { return x == g })
	return &struct {
		GroupItem []groupItem `json:"GroupItem"`
		envelope
	}{GroupItem: []groupItem{{g.name, g.id}}}, nil
}

func (c *call) markContact() (any, error) {
	var req struct {
		FromAccount string `json:"From_Account"`
		MarkItem    []struct {
			OptType     int        `json:"OptType"`
			ContactItem contactRef `json:"ContactItem"`
			SetMark     []int      `json:"SetMark"`
			ClearMark   []int      `json:"ClearMark"`
			CustomMark  *string    `json:"CustomMark"`
		} `json:"MarkItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MarkItem) == 0 || len(req.MarkItem) > maxMarkItems {
		return nil, fail(codeContactMarkCount, "MarkItem holds %d items, allowed 1..%d", len(req.MarkItem), maxMarkItems)
	}
	for i, m := range req.MarkItem {
		if m.OptType < 1 || m.OptType > 3 {
			return nil, fail(codeContactParam, "parameter error: MarkItem[%d].OptType must be 1, 2 or 3", i)
		}
		for _, n := range append(slices.Clone(m.SetMark), m.ClearMark...) {
			if n < 0 || n > maxStandardMarkBit {
				return nil, fail(codeContactParam, "parameter error: MarkItem[%d]: mark bit %d out of 0..%d", i, n, maxStandardMarkBit)
			}
		}
		if m.CustomMark != nil && len(*m.CustomMark) > maxCustomMark {
			return nil, fail(codeContactParam, "parameter error: MarkItem[%d].CustomMark is longer than %d bytes", i, maxCustomMark)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	type result struct {
		OptType     int        `json:"OptType"`
		ContactItem contactRef `json:"ContactItem"`
		ResultCode  int        `json:"ResultCode"`
		ResultInfo  string     `json:"ResultInfo"`
	}
	out := []result{}
	for _, m := range req.MarkItem {
		r := result{OptType: m.OptType, ContactItem: m.ContactItem}
		if err := m.ContactItem.check("ContactItem"); err != nil {
			r.ResultCode, r.ResultInfo = codeContactParam, err.(*apiError).info
			out = append(out, r)
			continue
		}
		e := b.entry(m.ContactItem, c.now.Unix())
		if m.OptType != 2 {
			for _, n := range m.SetMark {
				e.standard |= 1 << n
			}
			for _, n := range m.ClearMark {
				e.standard &^= 1 << n
			}
		}
		if m.OptType != 1 && m.CustomMark != nil {
			e.custom = *m.CustomMark
		}
		out = append(out, r)
	}
	return &struct {
		ResultItem []result `json:"ResultItem"`
		envelope
		ErrorDisplay string `json:"ErrorDisplay"`
	}{ResultItem: out}, nil
}

// contactOut is a conversation with its marks and groups.
type contactOut struct {
	Type           int    `json:"Type"`
	ToAccount      string `json:"To_Account,omitempty"`
	ToGroupID      string `json:"ToGroupId,omitempty"`
	StandardMark   string `json:"StandardMark"`
	CustomMark     string `json:"CustomMark"`
	ContactGroupID []int  `json:"ContactGroupId"`
	Timestamp      int64  `json:"Timestamp"`
}

func (b *contactBook) out(e *contactEntry) contactOut {
	o := contactOut{Type: e.ref.Type, ToAccount: e.ref.ToAccount, ToGroupID: e.ref.ToGroupID, StandardMark: bitString(e.standard),
		CustomMark: e.custom, ContactGroupID: []int{}, Timestamp: e.time}
	for _, g := range b.groups {
		if slices.Contains(g.members, e.ref.key()) {
			o.ContactGroupID = append(o.ContactGroupID, g.id)
		}
	}
	return o
}

// bitString writes bits most significant first, bit 0 last: SetMark [1,2] → "110".
func bitString(v uint64) string {
	if v == 0 {
		return "0"
	}
	var sb strings.Builder
	for i := maxStandardMarkBit; i >= 0; i-- {
		if v>>i&1 == 1 || sb.Len() > 0 {
			sb.WriteByte('0' + byte(v>>i&1))
		}
	}
	return sb.String()
}

func (c *call) searchContactGroup() (any, error) {
	var req struct {
		FromAccount string       `json:"From_Account"`
		ContactItem []contactRef `json:"ContactItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	for i, r := range req.ContactItem {
		if err := r.check(fmt.Sprintf("ContactItem[%d]", i)); err != nil {
			return nil, err
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	out := []contactOut{}
	for _, r := range req.ContactItem {
		if e := b.entries[r.key()]; e != nil {
			out = append(out, b.out(e))
		}
	}
	return &struct {
		ContactResultItem []contactOut `json:"ContactResultItem"`
		GroupItem         []groupItem  `json:"GroupItem"`
		envelope
		ErrorDisplay string `json:"ErrorDisplay"`
	}{ContactResultItem: out, GroupItem: b.items()}, nil
}

func (c *call) getContactGroup() (any, error) {
	var req struct {
		FromAccount string `json:"From_Account"`
		StartIndex  int    `json:"StartIndex"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.StartIndex < 0 {
		return nil, fail(codeContactParam, "parameter error: StartIndex must not be negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bookLocked(req.FromAccount)
	if err != nil {
		return nil, err
	}
	keys := b.order[min(req.StartIndex, len(b.order)):]
	complete, next := 1, 0
	if len(keys) > contactPageSize {
		keys, complete, next = keys[:contactPageSize], 0, req.StartIndex+contactPageSize
	}
	out := []contactOut{}
	for _, k := range keys {
		out = append(out, b.out(b.entries[k]))
	}
	return &struct {
		ContactItem    []contactOut `json:"ContactItem"`
		GroupItem      []groupItem  `json:"GroupItem"`
		CompleteFlag   int          `json:"CompleteFlag"`
		NextStartIndex int          `json:"NextStartIndex"`
		envelope
	}{ContactItem: out, GroupItem: b.items(), CompleteFlag: complete, NextStartIndex: next}, nil
}

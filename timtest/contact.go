package timtest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/timkit/tim/internal/wire"
)

// ConversationType is the Type of a recent contact: 1 C2C, 2 group.
type ConversationType int

// Conversation types.
const (
	ConvC2C   ConversationType = 1
	ConvGroup ConversationType = 2
)

const (
	convC2C   = ConvC2C
	convGroup = ConvGroup
)

type conv struct {
	typ     ConversationType
	peer    string // UserID or GroupId
	msgTime int64
	tick    uint64 // recency among equal MsgTimes
	pinned  bool
}

func convMapKey(typ ConversationType, peer string) string {
	return strconv.Itoa(int(typ)) + ":" + peer
}

// touchConvLocked moves user's conversation with peer to the top; s.mu is held.
func (s *Server) touchConvLocked(user string, typ ConversationType, peer string, msgTime int64) {
	m := s.convs[user]
	if m == nil {
		m = map[string]*conv{}
		s.convs[user] = m
	}
	k := convMapKey(typ, peer)
	cv := m[k]
	if cv == nil {
		cv = &conv{typ: typ, peer: peer}
		m[k] = cv
	}
	cv.msgTime = max(cv.msgTime, msgTime)
	s.convTick++
	cv.tick = s.convTick
}

// sortedConvsLocked returns user's conversations newest first.
func (s *Server) sortedConvsLocked(user string) []*conv {
	out := make([]*conv, 0, len(s.convs[user]))
	for _, cv := range s.convs[user] {
		out = append(out, cv)
	}
	slices.SortFunc(out, func(a, b *conv) int {
		return cmp.Or(cmp.Compare(b.msgTime, a.msgTime), cmp.Compare(b.tick, a.tick))
	})
	return out
}

// afterCursor returns the part of list (newest first) after the cursor
// (timeStamp, startIndex): startIndex counts the items already returned
// whose MsgTime equals timeStamp. 0/0 is the first page.
func afterCursor(list []*conv, timeStamp int64, startIndex int) []*conv {
	if timeStamp == 0 && startIndex == 0 {
		return list
	}
	i := 0
	for i < len(list) && list[i].msgTime > timeStamp {
		i++
	}
	for k := 0; i < len(list) && list[i].msgTime == timeStamp && k < startIndex; k++ {
		i++
	}
	return list[i:]
}

// advanceCursor moves a cursor over the items just returned.
func advanceCursor(timeStamp int64, startIndex int, taken []*conv) (int64, int) {
	for _, cv := range taken {
		if cv.msgTime == timeStamp {
			startIndex++
		} else {
			timeStamp, startIndex = cv.msgTime, 1
		}
	}
	return timeStamp, startIndex
}

type sessionItem struct {
	Type      int    `json:"Type"`
	ToAccount string `json:"To_Account,omitempty"`
	GroupID   string `json:"GroupId,omitempty"`
	MsgTime   int64  `json:"MsgTime"`
	TopFlag   int    `json:"TopFlag"`
}

func (c *call) getContactList() (any, error) {
	var req struct {
		FromAccount   string `json:"From_Account"`
		TimeStamp     int64  `json:"TimeStamp"`
		StartIndex    int    `json:"StartIndex"`
		TopTimeStamp  int64  `json:"TopTimeStamp"`
		TopStartIndex int    `json:"TopStartIndex"`
		AssistFlags   int    `json:"AssistFlags"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.StartIndex < 0 || req.TopStartIndex < 0 {
		return nil, fail(codeJSONParse, "StartIndex and TopStartIndex must not be negative")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.FromAccount] == nil {
		return nil, fail(codeNotImported, "From_Account %q not imported", req.FromAccount)
	}
	pinSupport := req.AssistFlags&1 != 0
	var pinned, normal []*conv
	for _, cv := range s.sortedConvsLocked(req.FromAccount) {
		if pinSupport && cv.pinned {
			pinned = append(pinned, cv)
		} else {
			normal = append(normal, cv)
		}
	}
	pinnedRest := afterCursor(pinned, req.TopTimeStamp, req.TopStartIndex)
	normalRest := afterCursor(normal, req.TimeStamp, req.StartIndex)
	size := s.cfg.pageSize
	takePinned := pinnedRest[:min(size, len(pinnedRest))]
	takeNormal := normalRest[:min(size-len(takePinned), len(normalRest))]

	resp := struct {
		envelope
		ErrorDisplay  string        `json:"ErrorDisplay"`
		CompleteFlag  int           `json:"CompleteFlag"`
		TimeStamp     int64         `json:"TimeStamp"`
		StartIndex    int           `json:"StartIndex"`
		TopTimeStamp  int64         `json:"TopTimeStamp"`
		TopStartIndex int           `json:"TopStartIndex"`
		SessionItem   []sessionItem `json:"SessionItem"`
	}{SessionItem: []sessionItem{}}
	resp.TopTimeStamp, resp.TopStartIndex = advanceCursor(req.TopTimeStamp, req.TopStartIndex, takePinned)
	resp.TimeStamp, resp.StartIndex = advanceCursor(req.TimeStamp, req.StartIndex, takeNormal)
	if len(takePinned) == len(pinnedRest) && len(takeNormal) == len(normalRest) {
		resp.CompleteFlag = 1
	}
	for _, list := range [][]*conv{takePinned, takeNormal} {
		for _, cv := range list {
			it := sessionItem{Type: int(cv.typ), MsgTime: cv.msgTime, TopFlag: wire.BoolInt(pinSupport && cv.pinned)}
			if cv.typ == convC2C {
				it.ToAccount = cv.peer
			} else {
				it.GroupID = cv.peer
			}
			resp.SessionItem = append(resp.SessionItem, it)
		}
	}
	return &resp, nil
}

func (c *call) deleteContact() (any, error) {
	var req struct {
		FromAccount string `json:"From_Account"`
		Type        int    `json:"Type"`
		ToAccount   string `json:"To_Account"`
		ToGroupid   string `json:"ToGroupid"`
		ClearRamble int    `json:"ClearRamble"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	peer := req.ToAccount
	switch ConversationType(req.Type) {
	case convC2C:
	case convGroup:
		peer = req.ToGroupid
	default:
		return nil, fail(codeJSONParse, "Type must be 1 (C2C) or 2 (group)")
	}
	if peer == "" {
		return nil, fail(codeJSONParse, "To_Account (Type 1) or ToGroupid (Type 2) is required")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.FromAccount] == nil {
		return nil, fail(codeNotImported, "From_Account %q not imported", req.FromAccount)
	}
	delete(s.convs[req.FromAccount], convMapKey(ConversationType(req.Type), peer))
	if req.ClearRamble == 1 && req.Type == int(convC2C) {
		if cv := s.c2c[convKey(req.FromAccount, peer)]; cv != nil && len(cv.msgs) > 0 {
			cv.clearTo[req.FromAccount] = cv.msgs[len(cv.msgs)-1].idx
		}
	}
	return &envelope{}, nil
}

// Conversation is one entry of a user's recent-contact list.
type Conversation struct {
	Type ConversationType
	// Peer is the other user (C2C) or the GroupId (group).
	Peer    string
	MsgTime int64
	Pinned  bool
}

// Conversations returns userID's recent contacts as get_list orders them:
// pinned first, then newest first.
func (s *Server) Conversations(userID string) []Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pinned, normal []Conversation
	for _, cv := range s.sortedConvsLocked(userID) {
		c := Conversation{Type: cv.typ, Peer: cv.peer, MsgTime: cv.msgTime, Pinned: cv.pinned}
		if cv.pinned {
			pinned = append(pinned, c)
		} else {
			normal = append(normal, c)
		}
	}
	return append(pinned, normal...)
}

// PinConversation pins (or unpins) userID's conversation with peer, as a
// front end's pinConversation does; get_list returns pinned ones first
// (TopFlag 1) when AssistFlags bit 0 is set. The conversation must exist.
func (s *Server) PinConversation(userID string, typ ConversationType, peer string, pinned bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cv := s.convs[userID][convMapKey(typ, peer)]
	if cv == nil {
		return fmt.Errorf("timtest: %q has no conversation %d:%q", userID, typ, peer)
	}
	cv.pinned = pinned
	return nil
}

// topContact (recentcontact/top; https://cloud.tencent.com/document/product/269/103772)
// pins (OperationType 1) or unpins (2) conversations of From_Account's
// list. The page's codes: 50001 for an account not imported, 50002 for a
// bad parameter; the fake also answers 50002 for a conversation that is
// not in the list (the page does not say what Tencent does then). Nothing
// changes unless every item is valid.
func (c *call) topContact() (any, error) {
	var req struct {
		FromAccount       string `json:"From_Account"`
		OperationType     int    `json:"OperationType"`
		RecentContactItem []struct {
			Type      int    `json:"Type"`
			ToAccount string `json:"To_Account"`
			GroupID   string `json:"GroupId"`
		} `json:"RecentContactItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.OperationType != 1 && req.OperationType != 2 {
		return nil, fail(codeContactParam, "OperationType must be 1 (pin) or 2 (unpin), got %d", req.OperationType)
	}
	if len(req.RecentContactItem) == 0 {
		return nil, fail(codeContactParam, "RecentContactItem is empty")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.FromAccount] == nil {
		return nil, fail(codeContactUser, "From_Account %q not imported", req.FromAccount)
	}
	found := make([]*conv, len(req.RecentContactItem))
	for i, it := range req.RecentContactItem {
		peer := it.ToAccount
		switch ConversationType(it.Type) {
		case convC2C:
		case convGroup:
			peer = it.GroupID
		default:
			return nil, fail(codeContactParam, "RecentContactItem[%d].Type must be 1 (C2C) or 2 (group)", i)
		}
		if peer == "" {
			return nil, fail(codeContactParam, "RecentContactItem[%d]: To_Account (Type 1) or GroupId (Type 2) is required", i)
		}
		if found[i] = s.convs[req.FromAccount][convMapKey(ConversationType(it.Type), peer)]; found[i] == nil {
			return nil, fail(codeContactParam, "RecentContactItem[%d]: %q has no conversation %d:%q", i, req.FromAccount, it.Type, peer)
		}
	}
	for _, cv := range found {
		cv.pinned = req.OperationType == 1
	}
	return &envelope{}, nil
}

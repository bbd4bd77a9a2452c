package conversation

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// MaxUserIDBytes is Tencent's limit on a UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

// Service reads and changes users' conversation lists. It is safe for
// concurrent use.
type Service struct {
	d      api.Doer
	assist AssistFlags
}

// Option configures a Service.
//
// NewService reports a bad one as an *api.InvalidInputError naming it.
type Option func(*Service) error

// WithAssistFlags sets the AssistFlags sent with every get_list call
// (default DefaultAssistFlags, 15). Use AssistFlagsWithMarks (63) to get
// conversation marks and conversation-group ids on each item. Only the
// documented bits 0..5 may be set.
func WithAssistFlags(f AssistFlags) Option {
	return func(s *Service) error {
		if f < 0 || f > AssistFlagsWithMarks {
			return wire.Invalid("WithAssistFlags", "%d sets bits beyond the documented 0..5", int(f))
		}
		s.assist = f
		return nil
	}
}

// NewService returns a Service sending its calls through d, or an
// *api.InvalidInputError for a nil d or a bad option.
func NewService(d api.Doer, opts ...Option) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("conversation.NewService", "nil Doer")
	}
	s := &Service{d: d, assist: DefaultAssistFlags}
	for i, o := range opts {
		if o == nil {
			return nil, wire.Invalid(fmt.Sprintf("opts[%d]", i), "is a nil Option")
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// AssistFlags are the get_list AssistFlags bits.
type AssistFlags int

// AssistFlags bits and the documented fixed values.
const (
	// AssistPinned asks for pinned conversations (bit 0).
	AssistPinned AssistFlags = 1 << 0
	// AssistEmpty asks for empty conversations too (bit 1).
	AssistEmpty AssistFlags = 1 << 1
	// AssistPinnedPaging pages pinned conversations with their own cursor
	// (bit 2).
	AssistPinnedPaging AssistFlags = 1 << 2
	// DefaultAssistFlags is the fixed value 15 the current documentation asks for.
	DefaultAssistFlags AssistFlags = 15
	// AssistFlagsWithMarks (63) also returns StandardMark, CustomMark and
	// ContactGroupId on each item.
	AssistFlagsWithMarks AssistFlags = 63
)

// Wire values of a conversation's Type (recentcontact and the contact-group
// APIs): 1 C2C, 2 group.
const (
	wireC2C   = 1
	wireGroup = 2
)

// wireType is t's Type on the wire; callers have checked t first.
func wireType(t message.ConversationType) int {
	if t == message.ConvGroup {
		return wireGroup
	}
	return wireC2C
}

// checkType rejects anything but message.ConvC2C and message.ConvGroup.
func checkType(field string, t message.ConversationType) error {
	switch t {
	case message.ConvC2C, message.ConvGroup:
		return nil
	}
	return wire.Invalid(field, "must be %q or %q, got %q", message.ConvC2C, message.ConvGroup, string(t))
}

// convType is the type of a decoded item: the wire Type when it is known,
// else inferred from which id is present (a group id without a peer is a
// group conversation).
func convType(t typeField, peerID, groupID string) message.ConversationType {
	switch t {
	case wireC2C:
		return message.ConvC2C
	case wireGroup:
		return message.ConvGroup
	}
	if groupID != "" && peerID == "" {
		return message.ConvGroup
	}
	return message.ConvC2C
}

// Conversation is one item of a user's conversation list.
type Conversation struct {
	// Type is message.ConvC2C or message.ConvGroup (Type 1 or 2 on the
	// wire; inferred from the id present when Tencent leaves it out).
	Type message.ConversationType
	// PeerID is the other user of a C2C conversation (To_Account).
	PeerID string
	// GroupID is the group of a group conversation (GroupId).
	GroupID string
	// MsgTime is the time of the last message (zero when Tencent sent none).
	MsgTime time.Time
	// Pinned reports a pinned ("top") conversation (TopFlag = 1).
	Pinned bool
	// StandardMark is the standard-mark bit string as Tencent sends it
	// (e.g. "111001"), with AssistFlagsWithMarks only.
	StandardMark string
	// CustomMark is the custom mark, with AssistFlagsWithMarks only.
	CustomMark string
	// ContactGroupIDs are the ids of the conversation groups the
	// conversation belongs to, with AssistFlagsWithMarks only.
	ContactGroupIDs []int
}

// ID returns the front-end SDK's conversation id: "C2C"+peer or "GROUP"+group.
func (c Conversation) ID() string {
	if c.Type == message.ConvGroup {
		return "GROUP" + c.GroupID
	}
	return "C2C" + c.PeerID
}

// Target returns the conversation as a Target, for Delete and the
// conversation-group calls.
func (c Conversation) Target() Target {
	if c.Type == message.ConvGroup {
		return Group(c.GroupID)
	}
	return C2C(c.PeerID)
}

// Cursor is the position in a conversation list: the normal-conversation
// pair and the pinned-conversation pair. The zero Cursor is the first page.
// Use the Next of the previous Page; the times travel as Unix seconds (a
// zero time as 0).
type Cursor struct {
	// TimeStamp is the normal conversations' time cursor (TimeStamp).
	TimeStamp time.Time
	// StartIndex is the normal conversations' index cursor (StartIndex).
	StartIndex int64
	// TopTimeStamp is the pinned conversations' time cursor (TopTimeStamp).
	TopTimeStamp time.Time
	// TopStartIndex is the pinned conversations' index cursor
	// (TopStartIndex).
	TopStartIndex int64
}

// wireCursor is a Cursor as Tencent sends and takes it: four integers,
// compared exactly by the pager.
type wireCursor struct {
	timeStamp, startIndex, topTimeStamp, topStartIndex int64
}

func (c Cursor) wire() (wireCursor, error) {
	ts, err := wire.UnixSeconds("TimeStamp", c.TimeStamp)
	if err != nil {
		return wireCursor{}, err
	}
	top, err := wire.UnixSeconds("TopTimeStamp", c.TopTimeStamp)
	if err != nil {
		return wireCursor{}, err
	}
	if c.StartIndex < 0 {
		return wireCursor{}, wire.Invalid("StartIndex", "must not be negative, got %d", c.StartIndex)
	}
	if c.TopStartIndex < 0 {
		return wireCursor{}, wire.Invalid("TopStartIndex", "must not be negative, got %d", c.TopStartIndex)
	}
	return wireCursor{ts, c.StartIndex, top, c.TopStartIndex}, nil
}

func (w wireCursor) cursor() Cursor {
	return Cursor{
		TimeStamp:     wire.UnixTime(w.timeStamp),
		StartIndex:    w.startIndex,
		TopTimeStamp:  wire.UnixTime(w.topTimeStamp),
		TopStartIndex: w.topStartIndex,
	}
}

// Page is one get_list answer.
type Page struct {
	Conversations []Conversation
	// Next is the cursor of the following page (all four values as Tencent
	// returned them).
	Next Cursor
	// Complete is true when this was the last page (CompleteFlag = 1).
	Complete bool
}

type listRequest struct {
	FromAccount   string      `json:"From_Account"`
	TimeStamp     int64       `json:"TimeStamp"`
	StartIndex    int64       `json:"StartIndex"`
	TopTimeStamp  int64       `json:"TopTimeStamp"`
	TopStartIndex int64       `json:"TopStartIndex"`
	AssistFlags   AssistFlags `json:"AssistFlags"`
}

type listResponse struct {
	envelope
	SessionItem   []sessionItem `json:"SessionItem"`
	CompleteFlag  wire.FlexInt  `json:"CompleteFlag"`
	TimeStamp     wire.FlexInt  `json:"TimeStamp"`
	StartIndex    wire.FlexInt  `json:"StartIndex"`
	TopTimeStamp  wire.FlexInt  `json:"TopTimeStamp"`
	TopStartIndex wire.FlexInt  `json:"TopStartIndex"`
}

type sessionItem struct {
	Type           typeField      `json:"Type"`
	ToAccount      accountField   `json:"To_Account"`
	GroupID        idField        `json:"GroupId"`
	ToGroupID      idField        `json:"ToGroupId"`
	MsgTime        wire.FlexInt   `json:"MsgTime"`
	TopFlag        wire.FlexInt   `json:"TopFlag"`
	StandardMark   idField        `json:"StandardMark"`
	CustomMark     idField        `json:"CustomMark"`
	ContactGroupID []wire.FlexInt `json:"ContactGroupId"`
}

func (it *sessionItem) conversation() Conversation {
	c := Conversation{
		PeerID:       string(it.ToAccount),
		GroupID:      string(it.GroupID),
		Pinned:       it.TopFlag == 1,
		StandardMark: string(it.StandardMark),
		CustomMark:   string(it.CustomMark),
	}
	if c.GroupID == "" {
		c.GroupID = string(it.ToGroupID)
	}
	c.Type = convType(it.Type, c.PeerID, c.GroupID)
	c.MsgTime = wire.UnixTime(int64(it.MsgTime))
	if len(it.ContactGroupID) > 0 {
		c.ContactGroupIDs = make([]int, len(it.ContactGroupID))
		for i, g := range it.ContactGroupID {
			c.ContactGroupIDs[i] = int(g)
		}
	}
	return c
}

// A read: a resend changes nothing.
var epGetList = catalog.Declare(api.Endpoint{Path: "recentcontact/get_list", Safety: api.Idempotent})

// ListPage reads one page of userID's conversation list, starting at cur
// (the zero Cursor for the first page, then the previous Page's Next).
//
// REST: v4/recentcontact/get_list
func (s *Service) ListPage(ctx context.Context, userID string, cur Cursor) (*Page, error) {
	wc, err := cur.wire()
	if err != nil {
		return nil, err
	}
	p, err := s.listPage(ctx, userID, wc)
	if err != nil {
		return nil, err
	}
	return &Page{Conversations: p.Items, Next: p.Next.cursor(), Complete: p.Done}, nil
}

// listPage is one get_list call at the wire cursor cur.
func (s *Service) listPage(ctx context.Context, userID string, cur wireCursor) (pager.Page[Conversation, wireCursor], error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return pager.Page[Conversation, wireCursor]{}, err
	}
	req := listRequest{
		FromAccount:   userID,
		TimeStamp:     cur.timeStamp,
		StartIndex:    cur.startIndex,
		TopTimeStamp:  cur.topTimeStamp,
		TopStartIndex: cur.topStartIndex,
		AssistFlags:   s.assist,
	}
	var resp listResponse
	if err := s.d.Do(ctx, epGetList, &req, &resp); err != nil {
		return pager.Page[Conversation, wireCursor]{}, err
	}
	p := pager.Page[Conversation, wireCursor]{
		Items: make([]Conversation, len(resp.SessionItem)),
		Next: wireCursor{
			timeStamp:     int64(resp.TimeStamp),
			startIndex:    int64(resp.StartIndex),
			topTimeStamp:  int64(resp.TopTimeStamp),
			topStartIndex: int64(resp.TopStartIndex),
		},
		Done: resp.CompleteFlag == 1,
	}
	for i := range resp.SessionItem {
		p.Items[i] = resp.SessionItem[i].conversation()
	}
	return p, nil
}

// List iterates over userID's whole conversation list, page by page,
// feeding back both cursor pairs until CompleteFlag = 1. An error ends the
// iteration (it is yielded once, with a zero Conversation; a later page's
// error names the page). An unfinished page whose four cursors equal the
// ones sent ends it with an error matching api.ErrCursorStuck
// (tim.ErrCursorStuck).
//
// REST: v4/recentcontact/get_list
func (s *Service) List(ctx context.Context, userID string) iter.Seq2[Conversation, error] {
	return pager.Walk("conversation: list", wireCursor{}, func(cur wireCursor) (pager.Page[Conversation, wireCursor], error) {
		return s.listPage(ctx, userID, cur)
	})
}

// Target names a conversation: a peer user (C2C) or a group.
type Target struct {
	// Type is message.ConvC2C or message.ConvGroup (Type 1 or 2 on the
	// wire); any other value is rejected before a call.
	Type message.ConversationType
	// ID is the peer's UserID (message.ConvC2C) or the group id
	// (message.ConvGroup).
	ID string
}

// C2C returns the target of the one-to-one conversation with userID.
func C2C(userID string) Target { return Target{Type: message.ConvC2C, ID: userID} }

// Group returns the target of the conversation of groupID.
func Group(groupID string) Target { return Target{Type: message.ConvGroup, ID: groupID} }

func (t Target) check(field string) error {
	if err := checkType(field+".Type", t.Type); err != nil {
		return err
	}
	if t.Type == message.ConvC2C {
		return wire.CheckUserID(field+".To_Account", t.ID)
	}
	if t.ID == "" {
		return wire.Invalid(field+".ToGroupId", "is empty")
	}
	return nil
}

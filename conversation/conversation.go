package conversation

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/timkit/tim/internal/wire"
)

type envelope = wire.Envelope

// REST paths used by this package.
const (
	pathGetList            = "recentcontact/get_list"
	pathDelete             = "recentcontact/delete"
	pathC2CUnread          = "openim/get_c2c_unread_msg_num"
	pathCreateContactGroup = "recentcontact/create_contact_group"
	pathUpdateContactGroup = "recentcontact/update_contact_group"
	pathDelContactGroup    = "recentcontact/del_contact_group"
	pathMarkContact        = "recentcontact/mark_contact"
	pathSearchContactGroup = "recentcontact/search_contact_group"
	pathGetContactGroup    = "recentcontact/get_contact_group"
)

// MaxUserIDBytes is Tencent's limit on a UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

// Doer is what the service needs from a client; *tim.Client implements it.
type Doer interface {
	Do(ctx context.Context, path string, req, resp any) error
}

// Service reads and changes users' conversation lists. It is safe for
// concurrent use.
type Service struct {
	d      Doer
	assist AssistFlags
}

// Option configures a Service.
type Option func(*Service)

// WithAssistFlags sets the AssistFlags sent with every get_list call
// (default DefaultAssistFlags, 15). Use AssistFlagsWithMarks (63) to get
// conversation marks and conversation-group ids on each item.
func WithAssistFlags(f AssistFlags) Option { return func(s *Service) { s.assist = f } }

// NewService returns a Service sending its calls through d.
func NewService(d Doer, opts ...Option) *Service {
	s := &Service{d: d, assist: DefaultAssistFlags}
	for _, o := range opts {
		o(s)
	}
	return s
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

// Type is a conversation's kind.
type Type int

// Conversation types (the recentcontact "Type" values).
const (
	// TypeC2C is a one-to-one conversation.
	TypeC2C Type = 1
	// TypeGroup is a group conversation.
	TypeGroup Type = 2
)

// String returns "C2C" or "GROUP", the prefixes of front-end conversation ids.
func (t Type) String() string {
	switch t {
	case TypeC2C:
		return "C2C"
	case TypeGroup:
		return "GROUP"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Conversation is one item of a user's conversation list.
type Conversation struct {
	Type Type
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
	if c.Type == TypeGroup {
		return "GROUP" + c.GroupID
	}
	return "C2C" + c.PeerID
}

// Target returns the conversation as a Target, for Delete and the
// conversation-group calls.
func (c Conversation) Target() Target {
	if c.Type == TypeGroup {
		return Group(c.GroupID)
	}
	return C2C(c.PeerID)
}

// Cursor is the position in a conversation list: the normal-conversation
// pair and the pinned-conversation pair. The zero Cursor is the first page.
type Cursor struct {
	TimeStamp     int64
	StartIndex    int64
	TopTimeStamp  int64
	TopStartIndex int64
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
	c.Type = Type(it.Type)
	if c.Type != TypeC2C && c.Type != TypeGroup {
		// Missing or unknown: infer from the id that is present.
		if c.GroupID != "" && c.PeerID == "" {
			c.Type = TypeGroup
		} else {
			c.Type = TypeC2C
		}
	}
	if it.MsgTime > 0 {
		c.MsgTime = time.Unix(int64(it.MsgTime), 0)
	}
	if len(it.ContactGroupID) > 0 {
		c.ContactGroupIDs = make([]int, len(it.ContactGroupID))
		for i, g := range it.ContactGroupID {
			c.ContactGroupIDs[i] = int(g)
		}
	}
	return c
}

// ListPage reads one page of userID's conversation list, starting at cur
// (the zero Cursor for the first page).
//
// REST: v4/recentcontact/get_list
func (s *Service) ListPage(ctx context.Context, userID string, cur Cursor) (*Page, error) {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return nil, err
	}
	req := listRequest{
		FromAccount:   userID,
		TimeStamp:     cur.TimeStamp,
		StartIndex:    cur.StartIndex,
		TopTimeStamp:  cur.TopTimeStamp,
		TopStartIndex: cur.TopStartIndex,
		AssistFlags:   s.assist,
	}
	var resp listResponse
	if err := s.d.Do(ctx, pathGetList, &req, &resp); err != nil {
		return nil, err
	}
	p := &Page{
		Conversations: make([]Conversation, len(resp.SessionItem)),
		Next: Cursor{
			TimeStamp:     int64(resp.TimeStamp),
			StartIndex:    int64(resp.StartIndex),
			TopTimeStamp:  int64(resp.TopTimeStamp),
			TopStartIndex: int64(resp.TopStartIndex),
		},
		Complete: resp.CompleteFlag == 1,
	}
	for i := range resp.SessionItem {
		p.Conversations[i] = resp.SessionItem[i].conversation()
	}
	return p, nil
}

// ErrCursorStuck is returned by List and ContactGroups when Tencent answers
// an incomplete page whose next cursor equals the one sent: asking again
// would loop forever.
var ErrCursorStuck = errors.New("conversation: paging cursor did not advance")

// List iterates over userID's whole conversation list, page by page,
// feeding back both cursor pairs until CompleteFlag = 1. An error ends the
// iteration (it is yielded once, with a zero Conversation).
//
// REST: v4/recentcontact/get_list
func (s *Service) List(ctx context.Context, userID string) iter.Seq2[Conversation, error] {
	return func(yield func(Conversation, error) bool) {
		var cur Cursor
		for page := 1; ; page++ {
			p, err := s.ListPage(ctx, userID, cur)
			if err != nil {
				if page > 1 {
					err = fmt.Errorf("conversation: page %d: %w", page, err)
				}
				yield(Conversation{}, err)
				return
			}
			for _, c := range p.Conversations {
				if !yield(c, nil) {
					return
				}
			}
			if p.Complete {
				return
			}
			if p.Next == cur {
				yield(Conversation{}, fmt.Errorf("%w (page %d, cursor %+v)", ErrCursorStuck, page, cur))
				return
			}
			cur = p.Next
		}
	}
}

// Target names a conversation: a peer user (C2C) or a group.
type Target struct {
	Type Type
	// ID is the peer's UserID (TypeC2C) or the group id (TypeGroup).
	ID string
}

// C2C returns the target of the one-to-one conversation with userID.
func C2C(userID string) Target { return Target{Type: TypeC2C, ID: userID} }

// Group returns the target of the conversation of groupID.
func Group(groupID string) Target { return Target{Type: TypeGroup, ID: groupID} }

func (t Target) check(field string) error {
	switch t.Type {
	case TypeC2C:
		return wire.CheckUserID(field+".To_Account", t.ID)
	case TypeGroup:
		if t.ID == "" {
			return wire.Invalid(field+".ToGroupId", "is empty")
		}
		return nil
	}
	return wire.Invalid(field+".Type", "must be 1 (C2C) or 2 (group), got %d", int(t.Type))
}

package group

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/ident"
	"github.com/timkit/tim/internal/wire"
)

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// Tencent's fixed limits and per-call caps (the text limits that the
// documentation disagrees on are in Limits).
const (
	// MaxUserIDBytes is the longest UserID.
	MaxUserIDBytes = wire.MaxUserIDBytes
	// MaxGroupIDBytes is the longest custom GroupId.
	MaxGroupIDBytes = 48
	// MaxNameCardBytes is the longest member name card.
	MaxNameCardBytes = 50
	// MaxCreateMembers is how many members create_group takes; Create adds
	// the rest with further add_group_member calls.
	MaxCreateMembers = 100
	// MaxAddMembersPerCall caps add_group_member (current docs: 300; older: 500).
	MaxAddMembersPerCall = 300
	// MaxDeleteMembersPerCall caps delete_group_member.
	MaxDeleteMembersPerCall = 100
	// MaxMutePerCall caps forbid_send_msg.
	MaxMutePerCall = 500
	// MaxGroupInfoPerCall caps get_group_info.
	MaxGroupInfoPerCall = 50
	// MaxMemberPageSize caps get_group_member_info's Limit.
	MaxMemberPageSize = 6000
	// MaxAppGroupPageSize caps get_appid_group_list's Limit.
	MaxAppGroupPageSize = 10000
	// MaxAppDataValueBytes is the longest group custom-field value.
	MaxAppDataValueBytes = 512
	// MaxAppDataKeyBytes is the longest group custom-field key.
	MaxAppDataKeyBytes = 16
	// MuteForever mutes until further notice (Tencent's 4294967295 seconds).
	MuteForever = 4294967295 * time.Second
)

// Community group ids, generated or custom, start with this prefix; other
// generated ids start with "@TGS#", which custom ids must not use.
const (
	communityPrefix = "@TGS#_"
	reservedPrefix  = "@TGS#"
)

// Limits are the UTF-8 byte limits of group text fields, validated before
// any request. Tencent counts bytes, not characters (a CJK character is 3
// bytes), and its documents disagree: see DefaultLimits and LegacyLimits.
type Limits struct {
	Name         int
	Introduction int
	Notification int
	FaceURL      int
}

// DefaultLimits are the current documentation's limits (Web SDK v3, C++ SDK):
// Name 100, Introduction 400, Notification 400, FaceUrl 500 bytes.
func DefaultLimits() Limits {
	return Limits{Name: 100, Introduction: 400, Notification: 400, FaceURL: 500}
}

// LegacyLimits are the older REST documentation's limits: Name 30,
// Introduction 240, Notification 300, FaceUrl 100 bytes. Use them if an app
// still sees 10004 for texts within DefaultLimits.
func LegacyLimits() Limits {
	return Limits{Name: 30, Introduction: 240, Notification: 300, FaceURL: 100}
}

func (l Limits) orDefault() Limits {
	if l.Name <= 0 {
		l.Name = DefaultLimits().Name
	}
	if l.Introduction <= 0 {
		l.Introduction = DefaultLimits().Introduction
	}
	if l.Notification <= 0 {
		l.Notification = DefaultLimits().Notification
	}
	if l.FaceURL <= 0 {
		l.FaceURL = DefaultLimits().FaceURL
	}
	return l
}

// Service manages groups: create, read, update, members, lists, and
// doctor–patient consultation groups. It is safe for concurrent use.
type Service struct {
	d           api.Doer
	limits      Limits
	format      NameFormat
	recordKey   string // AppDefinedData key of the consultation record; "" = Introduction
	importer    AccountImporter
	concurrency int
	joinedPage  int
}

// Option configures a Service. NewService reports a bad one as an
// *api.InvalidInputError naming the option.
type Option func(*Service) error

// WithLimits sets the text byte limits; zero fields keep DefaultLimits,
// negative ones are refused.
func WithLimits(l Limits) Option {
	return func(s *Service) error {
		if l.Name < 0 || l.Introduction < 0 || l.Notification < 0 || l.FaceURL < 0 {
			return wire.Invalid("WithLimits", "negative limit in %+v", l)
		}
		s.limits = l.orDefault()
		return nil
	}
}

// WithNameFormat sets how consultation groups are named (default
// FormatASCII, "Doctor(Patient)"). The zero NameFormat is refused: build
// one with ParseNameFormat or use a predefined one.
func WithNameFormat(f NameFormat) Option {
	return func(s *Service) error {
		if f.zero() {
			return wire.Invalid("WithNameFormat", "the zero NameFormat names nothing")
		}
		s.format = f
		return nil
	}
}

// WithRecordInAppDefinedData records consultation participants in the
// group custom field key (1..16 bytes; "" means DefaultRecordKey) instead
// of the group Introduction. The field must first be declared for Work
// (Private) groups in the IM console; see the package documentation.
func WithRecordInAppDefinedData(key string) Option {
	return func(s *Service) error {
		if key == "" {
			key = DefaultRecordKey
		}
		if !utf8.ValidString(key) {
			return wire.Invalid("WithRecordInAppDefinedData", "key %q is not valid UTF-8", key)
		}
		if len(key) > MaxAppDataKeyBytes {
			return wire.Invalid("WithRecordInAppDefinedData", "key %q is %d bytes, limit is %d", key, len(key), MaxAppDataKeyBytes)
		}
		s.recordKey = key
		return nil
	}
}

// WithAccountImporter sets what CreateConsultation uses to make sure the
// doctor's and patient's accounts exist (default: the account package's
// ImportMany, multiaccount_import, through the service's Doer).
func WithAccountImporter(imp AccountImporter) Option {
	return func(s *Service) error {
		if imp == nil {
			return wire.Invalid("WithAccountImporter", "nil importer")
		}
		s.importer = imp
		return nil
	}
}

// WithSyncConcurrency sets how many modify calls UpdateParticipant runs at
// once (default 4; the client's rate limiter still applies).
func WithSyncConcurrency(n int) Option {
	return func(s *Service) error {
		if n <= 0 {
			return wire.Invalid("WithSyncConcurrency", "%d must be positive", n)
		}
		s.concurrency = n
		return nil
	}
}

// WithJoinedPageSize sets the page size UpdateParticipant uses to list a
// user's groups (default 50).
func WithJoinedPageSize(n int) Option {
	return func(s *Service) error {
		if n <= 0 {
			return wire.Invalid("WithJoinedPageSize", "%d must be positive", n)
		}
		s.joinedPage = n
		return nil
	}
}

// NewService returns a Service sending its calls through d, or an
// *api.InvalidInputError for a nil d or a bad option.
func NewService(d api.Doer, opts ...Option) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("group.NewService", "nil Doer")
	}
	acc, err := account.NewService(d)
	if err != nil {
		return nil, err
	}
	s := &Service{d: d, limits: DefaultLimits(), format: FormatASCII, concurrency: 4, joinedPage: 50}
	s.importer = accountImporter{acc}
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

// Limits returns the text limits the service validates against.
func (s *Service) Limits() Limits { return s.limits }

// Type is a group type as the REST API names it.
type Type string

// Group types. The front-end SDKs use newer names for two of them: Work is
// Private, Meeting is ChatRoom.
const (
	// Private is the front end's Work group (好友工作群): members invite
	// members; default cap 200.
	Private Type = "Private"
	// Public is a group users apply to join (陌生人社交群).
	Public Type = "Public"
	// ChatRoom is the front end's Meeting group (临时会议群).
	ChatRoom Type = "ChatRoom"
	// AVChatRoom is a live-streaming group: no member list at creation.
	AVChatRoom Type = "AVChatRoom"
	// Community supports topics; its ids start with "@TGS#_".
	Community Type = "Community"
	// BChatRoom is the legacy online-broadcast group.
	BChatRoom Type = "BChatRoom"

	// Work is the front-end name of Private.
	Work = Private
	// Meeting is the front-end name of ChatRoom.
	Meeting = ChatRoom
)

func (t Type) valid() bool {
	switch t {
	case Private, Public, ChatRoom, AVChatRoom, Community, BChatRoom:
		return true
	}
	return false
}

// Role is a member's role.
type Role string

// Member roles.
const (
	RoleOwner  Role = "Owner"
	RoleAdmin  Role = "Admin"
	RoleMember Role = "Member"
)

// JoinOption says how users may join (ApplyJoinOption) or be invited
// (InviteJoinOption).
type JoinOption string

// Join options.
const (
	FreeAccess     JoinOption = "FreeAccess"
	NeedPermission JoinOption = "NeedPermission"
	// DisableApply is for ApplyJoinOption only.
	DisableApply JoinOption = "DisableApply"
	// DisableInvite is for InviteJoinOption only.
	DisableInvite JoinOption = "DisableInvite"
)

// MsgFlag is a member's message-receiving option.
type MsgFlag string

// Message-receiving options.
const (
	AcceptAndNotify MsgFlag = "AcceptAndNotify"
	AcceptNotNotify MsgFlag = "AcceptNotNotify"
	Discard         MsgFlag = "Discard"
)

// KV is one custom-data entry (AppDefinedData, AppMemberDefinedData).
type KV struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// ErrGroupIDTaken matches a Create whose custom GroupId belongs to another
// owner (Tencent's 10021); the *APIError is wrapped too, so the error also
// matches tim.ErrConflict. (10025, the id exists and is yours, is not an
// error: see CreateResult.Existed.)
var ErrGroupIDTaken = errors.New("group: group id already taken by another owner")

// validation helpers

// checkGroupRef checks a group id that names an existing group.
func checkGroupRef(field, id string) error {
	if id == "" {
		return wire.Invalid(field, "is empty")
	}
	if !utf8.ValidString(id) {
		return wire.Invalid(field, "is not valid UTF-8")
	}
	return nil
}

// CheckGroupID checks a custom group id for a new group of type t:
// printable ASCII (0x20–0x7e), at most 48 bytes, not starting with "@TGS#"
// (reserved for generated ids) — except that a Community id must start
// with "@TGS#_".
func CheckGroupID(id string, t Type) error {
	const field = "GroupId"
	if id == "" {
		return wire.Invalid(field, "is empty")
	}
	if len(id) > MaxGroupIDBytes {
		return wire.Invalid(field, "is %d bytes, limit is %d", len(id), MaxGroupIDBytes)
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x20 || c > 0x7e {
			return wire.Invalid(field, "byte %d (0x%02x) is not printable ASCII (0x20-0x7e)", i, c)
		}
	}
	if t == Community {
		if !strings.HasPrefix(id, communityPrefix) {
			return wire.Invalid(field, "a Community group id must start with %q", communityPrefix)
		}
		if len(id) == len(communityPrefix) {
			return wire.Invalid(field, "has nothing after the %q prefix", communityPrefix)
		}
		return nil
	}
	if strings.HasPrefix(id, reservedPrefix) {
		return wire.Invalid(field, "must not start with %q (reserved for generated ids; only Community ids start with %q)", reservedPrefix, communityPrefix)
	}
	return nil
}

// checkNameChars refuses control characters (NUL, CR, LF, TAB, the rest
// of C0 and C1, U+2028/U+2029) in a group or topic name: Tencent stores
// them, and a NUL cuts the name short in clients written in C; a name is
// one line. Invalid UTF-8 and the byte limit are checkText's.
func checkNameChars(field, s string) error {
	for i, r := range s {
		if ident.IsControl(r) {
			return wire.Invalid(field, "holds the control character U+%04X at byte %d", r, i)
		}
	}
	return nil
}

func checkText(field, s string, limit int) error {
	if !utf8.ValidString(s) {
		return wire.Invalid(field, "is not valid UTF-8")
	}
	if len(s) > limit {
		return wire.Invalid(field, "is %d bytes, limit is %d (UTF-8 bytes, not characters)", len(s), limit)
	}
	return nil
}

func checkKVs(field string, kvs []KV) error {
	for i, kv := range kvs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if kv.Key == "" {
			return wire.Invalid(f+".Key", "is empty")
		}
		if err := checkText(f+".Key", kv.Key, MaxAppDataKeyBytes); err != nil {
			return err
		}
		if err := checkText(f+".Value", kv.Value, MaxAppDataValueBytes); err != nil {
			return err
		}
	}
	return nil
}

func checkJoinOption(field string, o JoinOption, apply bool) error {
	switch o {
	case "", FreeAccess, NeedPermission:
		return nil
	case DisableApply:
		if apply {
			return nil
		}
	case DisableInvite:
		if !apply {
			return nil
		}
	}
	return wire.Invalid(field, "unknown value %q", string(o))
}

func onOff(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "On"
	}
	return "Off"
}

// isCommunityID reports whether id is a community group's id (or topic).
func isCommunityID(id string) bool { return strings.HasPrefix(id, communityPrefix) }

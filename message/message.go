package message

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/internal/dedupkey"
	"github.com/timkit/tim/internal/wire"
)

// ConversationType says whether a message goes to one user or to a group,
// as the front end's TIM.TYPES.CONV_C2C / CONV_GROUP.
type ConversationType string

// Conversation types.
const (
	ConvC2C   ConversationType = "C2C"
	ConvGroup ConversationType = "GROUP"
)

// Priority is a group message's MsgPriority (case-sensitive on the wire).
type Priority string

// Group message priorities; the zero value sends none (Tencent: Normal).
const (
	PriorityHigh   Priority = "High"
	PriorityNormal Priority = "Normal"
	PriorityLow    Priority = "Low"
	PriorityLowest Priority = "Lowest"
)

// SendControl is a SendMsgControl value.
type SendControl string

// SendMsgControl values.
const (
	// NoUnread: the message does not count as unread.
	NoUnread SendControl = "NoUnread"
	// NoLastMsg: the conversation list is not updated.
	NoLastMsg SendControl = "NoLastMsg"
	// WithMuteNotifications (C2C only): respect the recipient's
	// do-not-disturb setting.
	WithMuteNotifications SendControl = "WithMuteNotifications"
)

// CallbackControl is a ForbidCallbackControl value.
type CallbackControl string

// ForbidCallbackControl values.
const (
	ForbidBeforeSendMsgCallback CallbackControl = "ForbidBeforeSendMsgCallback"
	ForbidAfterSendMsgCallback  CallbackControl = "ForbidAfterSendMsgCallback"
)

// PushFlag is OfflinePushInfo.PushFlag.
type PushFlag int

// Push flags.
const (
	PushEnabled  PushFlag = 0
	PushDisabled PushFlag = 1
)

// OfflinePushInfo customises the offline push of a message. Keep Desc and
// Ext together below about 3 KB: the APNs payload is capped at 4 KB.
type OfflinePushInfo struct {
	PushFlag    PushFlag     `json:"PushFlag"`
	Title       string       `json:"Title,omitempty"`
	Desc        string       `json:"Desc,omitempty"` // overrides the elements' push text
	Ext         string       `json:"Ext,omitempty"`  // passed through; JSON for Android vendor channels
	AndroidInfo *AndroidPush `json:"AndroidInfo,omitempty"`
	ApnsInfo    *APNsPush    `json:"ApnsInfo,omitempty"`
}

// AndroidPush is OfflinePushInfo.AndroidInfo: the sound and the vendor
// channels' settings. Vendors classify notifications (marketing or
// instant messaging) and throttle or silence the marketing class, so a
// chat app sets each vendor's classification to its IM class. Sources:
// Tencent's "Message Formats" (OfflinePushInfo) page,
// https://trtc.io/document/33527 (tencentcloud.com/document/product/1047/33527),
// and "Common Parameters (OfflinePushInfo Description)",
// https://trtc.io/document/77715. The vendor classification fields
// (OPPOCategory, VIVOCategory, HuaWeiCategory, HonorImportance,
// MeiZuNoticeMsgType) were checked against that page's examples, retrieved
// 2026-12-04 (TestOfflinePushInfoReadsTencentsExample).
type AndroidPush struct {
	// Sound is the ringtone file name, without suffix.
	Sound string `json:"Sound,omitempty"`
	// HuaWeiChannelID is the Huawei notification channel (EMUI 10+).
	HuaWeiChannelID string `json:"HuaWeiChannelID,omitempty"`
	// XiaoMiChannelID is the Xiaomi notification channel (MIUI 10+).
	XiaoMiChannelID string `json:"XiaoMiChannelID,omitempty"`
	// OPPOChannelID is the OPPO notification channel (ColorOS / Android 8+).
	OPPOChannelID string `json:"OPPOChannelID,omitempty"`
	// GoogleChannelID is the FCM notification channel (Android 8+).
	GoogleChannelID string `json:"GoogleChannelID,omitempty"`
	// VIVOClassification is vivo's older classification: 0 operational
	// message, 1 system message.
	VIVOClassification int `json:"VIVOClassification,omitempty"`
	// VIVOCategory is vivo's message category, e.g. "IM" (system message)
	// or "MARKETING"; it supersedes VIVOClassification.
	VIVOCategory string `json:"VIVOCategory,omitempty"`
	// HuaWeiImportance is Huawei's older classification: "NORMAL" (service
	// and communication) or "LOW" (marketing).
	HuaWeiImportance string `json:"HuaWeiImportance,omitempty"`
	// HuaWeiCategory is Huawei's message category, e.g. "IM" or
	// "MARKETING"; it supersedes HuaWeiImportance.
	HuaWeiCategory string `json:"HuaWeiCategory,omitempty"`
	// OPPOCategory is OPPO's message category, e.g. "IM" or "MARKETING".
	OPPOCategory string `json:"OPPOCategory,omitempty"`
	// HonorImportance is Honor's classification: "NORMAL" or "LOW".
	HonorImportance string `json:"HonorImportance,omitempty"`
	// MeiZuNoticeMsgType is Meizu's message type (0 marketing/private, as
	// Tencent's examples set it).
	MeiZuNoticeMsgType int `json:"MeiZuNoticeMsgType,omitempty"`
	// ExtAsHuaweiIntentParam 1 passes Ext to Huawei as the intent
	// parameter of the notification's click action.
	ExtAsHuaweiIntentParam int `json:"ExtAsHuaweiIntentParam,omitempty"`
}

// APNsPush is OfflinePushInfo.ApnsInfo (same sources as AndroidPush).
type APNsPush struct {
	// Sound is the sound file name, with suffix.
	Sound     string `json:"Sound,omitempty"`
	BadgeMode int    `json:"BadgeMode,omitempty"` // 1: do not count in the badge
	Title     string `json:"Title,omitempty"`
	SubTitle  string `json:"SubTitle,omitempty"`
	Image     string `json:"Image,omitempty"`
	// MutableContent 1 lets a notification service extension modify the
	// notification (iOS 10+), e.g. to show Image.
	MutableContent int `json:"MutableContent,omitempty"`
}

// Limits checked before any network call.
const (
	// MaxBodyBytes caps the encoded MsgBody: Tencent's usage limits give
	// 12 KB per C2C or group message (older docs said 8 KB; 93000/80002
	// report a body too long).
	MaxBodyBytes = 12 << 10
	// MaxLifetime is the longest offline storage of a C2C message.
	MaxLifetime = 7 * 24 * time.Hour
	// MaxUserIDBytes is Tencent's limit on a UserID.
	MaxUserIDBytes = wire.MaxUserIDBytes
	// MaxTargetedMembers caps To_Account of a targeted group message.
	MaxTargetedMembers = 50
)

// Message is a message to send, the server-side twin of what the front
// end's createTextMessage returns. Build it with New or a typed constructor
// (NewText, NewCustom, …) and options, or as a literal. Send it with
// Service.Send (or Service.SendBatch for many users).
//
// Random (MsgRandom for C2C, Random for groups) and Seq (C2C MsgSeq) are
// Tencent's dedup keys. The constructors draw them when the message is
// built; a literal gets them on its first Send. Keys the SDK draws are
// bound to what they protect: the conversation type, To, From, the body
// and CloudCustomData (for groups also Receivers, TopicID and the
// @-mentions). Sending the same *Message again unchanged reuses them, so a
// resend after an unclear failure is absorbed by Tencent's dedup window
// (120 s C2C, 5 min group) instead of delivering twice. Change any of
// those fields, e.g. to reuse the message as a template for another
// recipient, and the next send draws fresh keys (and writes them here), so
// the new message is not swallowed as a duplicate of the old one. Keys set
// by the caller (WithKeys, a literal, or assigning the fields) are never
// replaced. A message built by a constructor may be sent unchanged from
// several goroutines; a literal with zero keys must get its first Send (or
// FixKeys) before it is shared.
type Message struct {
	// Conversation is ConvC2C or ConvGroup.
	Conversation ConversationType
	// To is the recipient UserID (C2C) or the GroupId (group).
	To string
	// From is the sender (From_Account); empty sends as the app admin.
	From string
	// Body holds the elements; at most one *Custom.
	Body Body

	// Priority (group only): MsgPriority; empty sends none (Normal).
	Priority Priority
	// NeedReadReceipt asks for read receipts: IsNeedReadReceipt (C2C) or
	// NeedReadReceipt (group) on the wire.
	NeedReadReceipt bool
	// CloudCustomData is stored with the message and delivered with it.
	CloudCustomData string
	// OfflinePush customises the offline push.
	OfflinePush *OfflinePushInfo
	// SendControl: SendMsgControl values.
	SendControl []SendControl
	// ForbidCallback: ForbidCallbackControl values.
	ForbidCallback []CallbackControl
	// Lifetime (C2C only): MsgLifeTime, offline storage 0..7 days in whole
	// seconds; 0 delivers to online devices only. Nil sends none (7 days).
	Lifetime *time.Duration
	// SyncToSender (C2C only): SyncOtherMachine 1 (true: also to the
	// sender's devices and roaming) or 2 (false). Nil sends none.
	SyncToSender *bool
	// OnlineOnly: OnlineOnlyFlag 1, deliver to online devices only, not
	// stored.
	OnlineOnly bool
	// SupportExtension: SupportMessageExtension 1.
	SupportExtension bool

	// MentionAll (group only): @everyone (GroupAtAllFlag 1).
	MentionAll bool
	// Mentions (group only): the @-mentioned members (GroupAt_Account).
	Mentions []string
	// Receivers (group only): a targeted message to at most 50 members
	// (To_Account); they get it without unread counting.
	Receivers []string
	// TopicID (group only): the community topic (TopicId).
	TopicID string

	// Random is MsgRandom (C2C) or Random (group): a dedup key (see
	// Message). Zero: drawn by FixKeys or the first send.
	Random uint32
	// Seq is the C2C MsgSeq: part of the dedup key; within one second
	// Tencent orders a conversation's history by it (see FixKeys). Unused
	// for groups (their MsgSeq is assigned by Tencent). Unlike the sequence
	// numbers this package reports (uint64: SendResult.MsgSeq,
	// HistoryMessage.MsgSeq, …), it stays uint32: it is a key the sender
	// chooses, sent as openim's 32-bit MsgSeq, like Random.
	Seq uint32

	// keys records the keys the SDK drew and what they were drawn for.
	keys dedupkey.Binding
}

// Option sets a field of a Message.
type Option func(*Message)

// New builds a message of body for to (a UserID for ConvC2C, a GroupId for
// ConvGroup) and fixes its dedup keys. Problems are reported by Validate
// and by Send, before any network call.
func New(conv ConversationType, to string, body Body, opts ...Option) *Message {
	m := &Message{Conversation: conv, To: to, Body: body}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	m.FixKeys()
	return m
}

// NewText builds a text message (createTextMessage).
func NewText(conv ConversationType, to, text string, opts ...Option) *Message {
	return New(conv, to, Body{&Text{Text: text}}, opts...)
}

// NewCustom builds a custom message (createCustomMessage).
func NewCustom(conv ConversationType, to string, c Custom, opts ...Option) *Message {
	return New(conv, to, Body{&c}, opts...)
}

// NewLocation builds a location message (createLocationMessage).
func NewLocation(conv ConversationType, to string, l Location, opts ...Option) *Message {
	return New(conv, to, Body{&l}, opts...)
}

// NewFace builds an emoji message (createFaceMessage).
func NewFace(conv ConversationType, to string, f Face, opts ...Option) *Message {
	return New(conv, to, Body{&f}, opts...)
}

// NewImage builds an image message from an already uploaded image.
func NewImage(conv ConversationType, to string, img Image, opts ...Option) *Message {
	return New(conv, to, Body{&img}, opts...)
}

// NewSound builds a voice message from an already uploaded clip.
func NewSound(conv ConversationType, to string, s Sound, opts ...Option) *Message {
	return New(conv, to, Body{&s}, opts...)
}

// NewFile builds a file message from an already uploaded file.
func NewFile(conv ConversationType, to string, f File, opts ...Option) *Message {
	return New(conv, to, Body{&f}, opts...)
}

// NewVideo builds a video message from an already uploaded video.
func NewVideo(conv ConversationType, to string, v Video, opts ...Option) *Message {
	return New(conv, to, Body{&v}, opts...)
}

// NewRelay builds a merged-forward message (createMergerMessage).
func NewRelay(conv ConversationType, to string, r Relay, opts ...Option) *Message {
	return New(conv, to, Body{&r}, opts...)
}

// WithSender sends as from (From_Account) instead of the app admin.
func WithSender(from string) Option { return func(m *Message) { m.From = from } }

// WithPriority sets a group message's MsgPriority.
func WithPriority(p Priority) Option { return func(m *Message) { m.Priority = p } }

// WithReadReceipt asks for read receipts (needReadReceipt).
func WithReadReceipt() Option { return func(m *Message) { m.NeedReadReceipt = true } }

// WithCloudCustomData attaches data stored and delivered with the message.
func WithCloudCustomData(data string) Option {
	return func(m *Message) { m.CloudCustomData = data }
}

// WithOfflinePush customises the offline push.
func WithOfflinePush(p OfflinePushInfo) Option { return func(m *Message) { m.OfflinePush = &p } }

// WithSendControl adds SendMsgControl values.
func WithSendControl(c ...SendControl) Option {
	return func(m *Message) { m.SendControl = append(m.SendControl, c...) }
}

// WithForbidCallback adds ForbidCallbackControl values.
func WithForbidCallback(c ...CallbackControl) Option {
	return func(m *Message) { m.ForbidCallback = append(m.ForbidCallback, c...) }
}

// WithLifetime sets a C2C message's offline storage (0..7 days; 0 = online
// devices only).
func WithLifetime(d time.Duration) Option { return func(m *Message) { m.Lifetime = &d } }

// WithSyncToSender says whether a C2C message also goes to the sender's
// other devices and roaming history (SyncOtherMachine 1 or 2).
func WithSyncToSender(sync bool) Option { return func(m *Message) { m.SyncToSender = &sync } }

// WithOnlineOnly delivers to online devices only and does not store it.
func WithOnlineOnly() Option { return func(m *Message) { m.OnlineOnly = true } }

// WithExtension enables message extensions (SupportMessageExtension).
func WithExtension() Option { return func(m *Message) { m.SupportExtension = true } }

// WithMentions @-mentions members of the group.
func WithMentions(userIDs ...string) Option {
	return func(m *Message) { m.Mentions = append(m.Mentions, userIDs...) }
}

// WithMentionAll @-mentions everyone in the group.
func WithMentionAll() Option { return func(m *Message) { m.MentionAll = true } }

// WithReceivers makes a group message targeted: only these members (at
// most 50) receive it.
func WithReceivers(userIDs ...string) Option {
	return func(m *Message) { m.Receivers = append(m.Receivers, userIDs...) }
}

// WithTopic sends a group message to a community topic.
func WithTopic(topicID string) Option { return func(m *Message) { m.TopicID = topicID } }

// WithKeys sets the dedup keys yourself, e.g. ones you persisted before a
// crash so the resend after restart is absorbed: random is MsgRandom/Random,
// seq the C2C MsgSeq. Zero values are drawn at random. Keys you set are
// sent as they are, whatever else changes in the message: you then own
// their uniqueness, and a different message sent with the same keys (and,
// for C2C, the same sender and body, whatever the recipient) inside the
// dedup window is dropped by Tencent as a duplicate while the send reports
// success. SendBatch derives each call's MsgRandom from these keys and the
// call's recipients, so persist the recipient list with them.
func WithKeys(random, seq uint32) Option {
	return func(m *Message) { m.Random, m.Seq = random, seq }
}

// FixKeys settles the dedup keys now, as Send would: keys still zero are
// drawn, and keys the SDK drew earlier for a message that has changed since
// (another To, From, body, …; see Message) are drawn afresh; keys the
// caller set are kept. Random comes from math/rand/v2 (a ChaCha8 generator
// seeded from the OS), Seq from the clock in microseconds (modulo 2³²),
// because within one second Tencent orders a conversation's history by
// MsgSeq: messages built one after the other then keep their order, which
// random sequence numbers would shuffle. The random MsgRandom alone keeps
// the dedup key unique. The constructors and Send call FixKeys; call it
// yourself on a literal before sharing it between goroutines or persisting
// its keys (persist them after the last change to the message, or take
// them from the SendResult).
func (m *Message) FixKeys() { m.fixKeys() }

// clockSeq is a C2C MsgSeq that grows with time: the Unix time in
// microseconds modulo 2³² (it wraps every 71 minutes, so two messages a
// second apart are misordered only if a wrap falls between them).
func clockSeq() uint32 {
	if s := uint32(time.Now().UnixMicro()); s != 0 {
		return s
	}
	return 1
}

// Validate checks the message against Tencent's rules without sending it.
// Each error is an *InvalidInputError (errors.Is ErrInvalidParameter) that
// names the JSON field and the limit.
func (m *Message) Validate() error {
	_, err := m.validate()
	return err
}

// validate checks the message and returns its encoded MsgBody.
func (m *Message) validate() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	return checkBody(m.Body)
}

// check applies every rule but the body size limit, which needs the
// encoding: the callers check it on the bytes they send.
func (m *Message) check() error {
	if m == nil {
		return wire.Invalid("message", "is nil")
	}
	switch m.Conversation {
	case ConvC2C:
		if err := wire.CheckUserID("To_Account", m.To); err != nil {
			return err
		}
	case ConvGroup:
		if m.To == "" {
			return wire.Invalid("GroupId", "is empty")
		}
	default:
		return wire.Invalid("ConversationType", "%q is neither %q nor %q", m.Conversation, ConvC2C, ConvGroup)
	}
	return m.checkCommon()
}

// checkCommon checks everything but the recipient and the body size.
func (m *Message) checkCommon() error {
	if err := checkElements(m.Body); err != nil {
		return err
	}
	return m.checkOptions()
}

func (m *Message) checkOptions() error {
	if m.From != "" {
		if err := wire.CheckUserID("From_Account", m.From); err != nil {
			return err
		}
	}
	group := m.Conversation == ConvGroup
	switch m.Priority {
	case "":
	case PriorityHigh, PriorityNormal, PriorityLow, PriorityLowest:
		if !group {
			return wire.Invalid("MsgPriority", "applies to group messages only")
		}
	default:
		return wire.Invalid("MsgPriority", "%q is not one of High, Normal, Low, Lowest (case-sensitive)", m.Priority)
	}
	if m.Lifetime != nil {
		d := *m.Lifetime
		switch {
		case group:
			return wire.Invalid("MsgLifeTime", "applies to C2C messages only (use OnlineOnly for groups)")
		case d < 0 || d > MaxLifetime:
			return wire.Invalid("MsgLifeTime", "%v out of range 0..%v", d, MaxLifetime)
		case d%time.Second != 0:
			return wire.Invalid("MsgLifeTime", "%v is not a whole number of seconds", d)
		}
	}
	if m.SyncToSender != nil && group {
		return wire.Invalid("SyncOtherMachine", "applies to C2C messages only")
	}
	for i, c := range m.SendControl {
		switch c {
		case NoUnread, NoLastMsg:
		case WithMuteNotifications:
			if group {
				return wire.Invalid("SendMsgControl["+strconv.Itoa(i)+"]", "%q applies to C2C messages only", c)
			}
		default:
			return wire.Invalid("SendMsgControl["+strconv.Itoa(i)+"]", "%q is not one of NoUnread, NoLastMsg, WithMuteNotifications", c)
		}
	}
	if group && m.OnlineOnly && len(m.SendControl) > 0 {
		return wire.Invalid("SendMsgControl", "not allowed with OnlineOnlyFlag=1")
	}
	for i, c := range m.ForbidCallback {
		if c != ForbidBeforeSendMsgCallback && c != ForbidAfterSendMsgCallback {
			return wire.Invalid("ForbidCallbackControl["+strconv.Itoa(i)+"]", "%q is not one of ForbidBeforeSendMsgCallback, ForbidAfterSendMsgCallback", c)
		}
	}
	if !group {
		switch {
		case m.MentionAll || len(m.Mentions) > 0:
			return wire.Invalid("GroupAtInfo", "@-mentions apply to group messages only")
		case len(m.Receivers) > 0:
			return wire.Invalid("To_Account", "targeted receivers apply to group messages only")
		case m.TopicID != "":
			return wire.Invalid("TopicId", "applies to group messages only")
		}
	}
	for i, id := range m.Mentions {
		if err := checkUserIDAt("GroupAtInfo", i, ".GroupAt_Account", id); err != nil {
			return err
		}
	}
	if len(m.Receivers) > MaxTargetedMembers {
		return wire.Invalid("To_Account", "%d targeted receivers, limit is %d", len(m.Receivers), MaxTargetedMembers)
	}
	for i, id := range m.Receivers {
		if err := checkUserIDAt("To_Account", i, "", id); err != nil {
			return err
		}
	}
	return nil
}

// checkBody validates a body and returns its encoding.
func checkBody(b Body) ([]byte, error) {
	if err := checkElements(b); err != nil {
		return nil, err
	}
	enc, err := b.appendJSON(make([]byte, 0, b.sizeHint()))
	if err != nil {
		return nil, err
	}
	return enc, checkBodySize(len(enc))
}

func checkBodySize(n int) error {
	if n > MaxBodyBytes {
		return wire.Invalid("MsgBody", "encodes to %d bytes, limit is %d", n, MaxBodyBytes)
	}
	return nil
}

// checkElements applies the element rules (not the size limit).
func checkElements(b Body) error {
	if len(b) == 0 {
		return wire.Invalid("MsgBody", "is empty: a message needs at least one element")
	}
	field := func(i int, sub string) string { return "MsgBody[" + strconv.Itoa(i) + "]" + sub }
	customs := 0
	for i, e := range b {
		switch v := e.(type) {
		case nil:
			return wire.Invalid(field(i, ""), "is nil")
		case *Text:
			if v == nil || v.Text == "" {
				return wire.Invalid(field(i, ".MsgContent.Text"), "is empty")
			}
			if !utf8.ValidString(v.Text) {
				return wire.Invalid(field(i, ".MsgContent.Text"), "is not valid UTF-8")
			}
		case *Custom:
			if v == nil {
				return wire.Invalid(field(i, ""), "is nil")
			}
			customs++
			if customs > 1 {
				return wire.Invalid(field(i, ""), "a message holds at most one TIMCustomElem")
			}
		case *Unknown:
			if v == nil || v.Type == "" {
				return wire.Invalid(field(i, ".MsgType"), "is empty")
			}
		}
	}
	return nil
}

// checkUserIDAt checks element i of a list, naming it field[i]suffix only
// when it fails (lists may hold thousands of ids).
func checkUserIDAt(field string, i int, suffix, id string) error {
	if wire.ValidUserID(id) {
		return nil
	}
	return wire.CheckUserID(field+"["+strconv.Itoa(i)+"]"+suffix, id)
}

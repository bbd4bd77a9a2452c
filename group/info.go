package group

import (
	"context"
	"fmt"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// ResponseFilter narrows what get_group_info (and get_joined_group_list)
// return. Nil or empty lists mean "everything" for get_group_info.
type ResponseFilter struct {
	// GroupBaseInfo lists base fields: "Type", "Name", "Introduction",
	// "Notification", "FaceUrl", "Owner_Account", "CreateTime",
	// "MemberNum", "MaxMemberNum", "ApplyJoinOption", "ShutUpAllMember", …
	GroupBaseInfo []string `json:"GroupBaseInfoFilter,omitempty"`
	// MemberInfo lists member fields: "Member_Account", "Role",
	// "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil",
	// "NameCard".
	MemberInfo []string `json:"MemberInfoFilter,omitempty"`
	// GroupAppDefinedData lists group custom-field keys to return.
	GroupAppDefinedData []string `json:"AppDefinedDataFilter_Group,omitempty"`
	// MemberAppDefinedData lists member custom-field keys to return.
	MemberAppDefinedData []string `json:"AppDefinedDataFilter_GroupMember,omitempty"`
}

// Member is a group member as Tencent reports it.
type Member struct {
	UserID   string
	Role     Role
	JoinTime time.Time
	// MsgSeq is the sequence number of the last message the member read.
	MsgSeq  uint64
	MsgFlag MsgFlag
	// LastSendMsgTime is when the member last spoke (zero if never).
	LastSendMsgTime time.Time
	// MutedUntil is when the member's mute ends (zero if not muted).
	MutedUntil           time.Time
	NameCard             string
	AppMemberDefinedData []KV
}

// Info is a group's profile as get_group_info reports it. Fields not
// asked for in the ResponseFilter are zero.
type Info struct {
	GroupID string
	// ErrorCode is Tencent's per-group result (0 = found; 10010 = no such
	// group, 10007 = no permission); see Err.
	ErrorCode    int
	ErrorInfo    string
	Type         Type
	Name         string
	Introduction string
	Notification string
	FaceURL      string
	Owner        string
	CreateTime   time.Time
	// InfoSeq is the version of the group profile; it grows with every
	// change.
	InfoSeq      uint64
	LastInfoTime time.Time
	LastMsgTime  time.Time
	// NextMsgSeq is the sequence number the group's next message gets.
	NextMsgSeq uint64
	MemberNum  int
	// MaxMemberNum is the member cap (get_group_info and modify call it
	// MaxMemberNum; create_group calls it MaxMemberCount).
	MaxMemberNum     int
	ApplyJoinOption  JoinOption
	InviteJoinOption JoinOption
	// MuteAll reports whether everyone but the owner and admins is muted.
	MuteAll        bool
	AppDefinedData []KV
	Members        []Member
	// SupportTopic reports a Community group with topics enabled.
	SupportTopic bool
	// GrossTopicNextMsgSeq is, for a topic-enabled Community, the sequence
	// number the next message of any of its topics gets
	// (get_joined_group_list with SupportTopic; 获取用户所加入的群组_intl_en.md).
	GrossTopicNextMsgSeq uint64
}

// A read: a resend changes nothing.
var epGetInfo = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/get_group_info", Safety: api.Idempotent})

// Err returns nil when the group was found, else an *APIError with the
// per-group code (10010 matches tim.ErrGroupNotFound).
func (i *Info) Err() error {
	if i.ErrorCode == 0 {
		return nil
	}
	return &api.Error{Op: epGetInfo.Path, HTTPStatus: 200, Code: i.ErrorCode, Info: i.ErrorInfo}
}

// AppData returns the value of the group custom field key and whether it
// is present.
func (i *Info) AppData(key string) (string, bool) {
	for _, kv := range i.AppDefinedData {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

type memberOut struct {
	MemberAccount   wire.FlexString `json:"Member_Account"`
	Role            Role            `json:"Role"`
	JoinTime        wire.FlexInt    `json:"JoinTime"`
	MsgSeq          wire.FlexUint64 `json:"MsgSeq"`
	MsgFlag         MsgFlag         `json:"MsgFlag"`
	LastSendMsgTime wire.FlexInt    `json:"LastSendMsgTime"`
	// MuteUntil is the field Tencent sends (get_group_info member lists,
	// get_group_member_info, get_specified_group_member_info: "MuteUntil":
	// 1431069882); ShutUpUntil is the name on the older product_new page of
	// get_group_member_info ("ShutUpUntil": 1431069882), read when MuteUntil
	// is absent. Source: 获取群成员详细资料_intl_en.md (yehe_doc and
	// product_new), 获取群组详细资料_intl_en.md.
	MuteUntil            wire.FlexInt `json:"MuteUntil"`
	ShutUpUntil          wire.FlexInt `json:"ShutUpUntil"`
	NameCard             string       `json:"NameCard"`
	AppMemberDefinedData []KV         `json:"AppMemberDefinedData"`
}

func (m *memberOut) muteUntil() wire.FlexInt {
	if m.MuteUntil != 0 {
		return m.MuteUntil
	}
	return m.ShutUpUntil
}

func (m *memberOut) member() Member {
	return Member{
		UserID: string(m.MemberAccount), Role: m.Role, JoinTime: wire.UnixTime(int64(m.JoinTime)), MsgSeq: uint64(m.MsgSeq),
		MsgFlag: m.MsgFlag, LastSendMsgTime: wire.UnixTime(int64(m.LastSendMsgTime)), MutedUntil: wire.UnixTime(int64(m.muteUntil())),
		NameCard: m.NameCard, AppMemberDefinedData: m.AppMemberDefinedData,
	}
}

type infoOut struct {
	GroupID          wire.FlexString `json:"GroupId"`
	ErrorCode        wire.FlexInt    `json:"ErrorCode"`
	ErrorInfo        string          `json:"ErrorInfo"`
	Type             Type            `json:"Type"`
	Name             string          `json:"Name"`
	Introduction     string          `json:"Introduction"`
	Notification     string          `json:"Notification"`
	FaceURL          string          `json:"FaceUrl"`
	OwnerAccount     string          `json:"Owner_Account"`
	CreateTime       wire.FlexInt    `json:"CreateTime"`
	InfoSeq          wire.FlexUint64 `json:"InfoSeq"`
	LastInfoTime     wire.FlexInt    `json:"LastInfoTime"`
	LastMsgTime      wire.FlexInt    `json:"LastMsgTime"`
	NextMsgSeq       wire.FlexUint64 `json:"NextMsgSeq"`
	MemberNum        wire.FlexInt    `json:"MemberNum"`
	MaxMemberNum     wire.FlexInt    `json:"MaxMemberNum"`
	ApplyJoinOption  JoinOption      `json:"ApplyJoinOption"`
	InviteJoinOption JoinOption      `json:"InviteJoinOption"`
	ShutUpAllMember  string          `json:"ShutUpAllMember"`
	MuteAllMember    string          `json:"MuteAllMember"`
	AppDefinedData   []KV            `json:"AppDefinedData"`
	MemberList       []memberOut     `json:"MemberList"`
	SupportTopic     wire.FlexInt    `json:"SupportTopic"`
	GrossTopicNext   wire.FlexUint64 `json:"GrossTopicNextMsgSeq"`
}

func (o *infoOut) info() Info {
	in := Info{
		GroupID: string(o.GroupID), ErrorCode: int(o.ErrorCode), ErrorInfo: o.ErrorInfo, Type: o.Type,
		Name: o.Name, Introduction: o.Introduction, Notification: o.Notification, FaceURL: o.FaceURL,
		Owner: o.OwnerAccount, CreateTime: wire.UnixTime(int64(o.CreateTime)), InfoSeq: uint64(o.InfoSeq),
		LastInfoTime: wire.UnixTime(int64(o.LastInfoTime)), LastMsgTime: wire.UnixTime(int64(o.LastMsgTime)), NextMsgSeq: uint64(o.NextMsgSeq),
		MemberNum: int(o.MemberNum), MaxMemberNum: int(o.MaxMemberNum),
		ApplyJoinOption: o.ApplyJoinOption, InviteJoinOption: o.InviteJoinOption,
		MuteAll:        o.ShutUpAllMember == "On" || o.MuteAllMember == "On",
		AppDefinedData: o.AppDefinedData,
		SupportTopic:   o.SupportTopic == 1, GrossTopicNextMsgSeq: uint64(o.GrossTopicNext),
	}
	if len(o.MemberList) > 0 {
		in.Members = make([]Member, len(o.MemberList))
		for i := range o.MemberList {
			in.Members[i] = o.MemberList[i].member()
		}
	}
	return in
}

// Get reads the profiles of groups, in calls of MaxGroupInfoPerCall, in
// the order asked. A group that cannot be read (not found, no permission)
// is reported through its Info.ErrorCode, not as an error; the error is for
// failed calls (with the groups read so far).
//
// REST: v4/group_open_http_svc/get_group_info
func (s *Service) Get(ctx context.Context, groupIDs []string, filter *ResponseFilter) ([]Info, error) {
	if len(groupIDs) == 0 {
		return nil, wire.Invalid("GroupIdList", "no group id given")
	}
	for i, id := range groupIDs {
		if err := checkGroupRef(fmt.Sprintf("GroupIdList[%d]", i), id); err != nil {
			return nil, err
		}
	}
	out := make([]Info, 0, len(groupIDs))
	err := wire.Chunks(len(groupIDs), MaxGroupInfoPerCall, func(lo, hi int) error {
		req := struct {
			GroupIDList    []string        `json:"GroupIdList"`
			ResponseFilter *ResponseFilter `json:"ResponseFilter,omitempty"`
		}{groupIDs[lo:hi], filter}
		var resp struct {
			envelope
			GroupInfo []infoOut `json:"GroupInfo"`
		}
		if err := s.d.Do(ctx, epGetInfo, &req, &resp); err != nil {
			if len(groupIDs) > MaxGroupInfoPerCall {
				return fmt.Errorf("group: groups %d..%d of %d: %w", lo, hi-1, len(groupIDs), err)
			}
			return err
		}
		for i := range resp.GroupInfo {
			out = append(out, resp.GroupInfo[i].info())
		}
		return nil
	})
	return out, err
}

// UpdateRequest changes a group's profile; nil fields are left as they
// are (use new("") to clear a text). At least one change is required.
type UpdateRequest struct {
	GroupID      string
	Name         *string
	Introduction *string
	Notification *string
	// FaceURL is the avatar URL (FaceUrl).
	FaceURL *string
	// MaxMemberNum is the member cap; the JSON key differs from
	// create_group's MaxMemberCount. Ignored for AVChatRoom.
	MaxMemberNum     *int
	ApplyJoinOption  JoinOption
	InviteJoinOption JoinOption
	// MuteAll mutes everyone but the owner and admins (MuteAllMember On/Off).
	MuteAll *bool
	// HistoryMsgBeforeJoin lets new members read earlier messages
	// (Work, Public and Meeting groups).
	HistoryMsgBeforeJoin *bool
	// AppDefinedData sets group custom fields (keys declared in the console).
	AppDefinedData []KV
	// Operator, when set, makes the change on behalf of this user
	// (From_Account), who must be allowed to make it.
	Operator string
}

type updateWire struct {
	GroupID              string     `json:"GroupId"`
	Name                 *string    `json:"Name,omitempty"`
	Introduction         *string    `json:"Introduction,omitempty"`
	Notification         *string    `json:"Notification,omitempty"`
	FaceURL              *string    `json:"FaceUrl,omitempty"`
	MaxMemberNum         *int       `json:"MaxMemberNum,omitempty"`
	ApplyJoinOption      JoinOption `json:"ApplyJoinOption,omitempty"`
	InviteJoinOption     JoinOption `json:"InviteJoinOption,omitempty"`
	MuteAllMember        string     `json:"MuteAllMember,omitempty"`
	HistoryMsgBeforeJoin string     `json:"HistoryMsgBeforeJoin,omitempty"`
	AppDefinedData       []KV       `json:"AppDefinedData,omitempty"`
	FromAccount          string     `json:"From_Account,omitempty"`
}

func (s *Service) checkUpdate(r *UpdateRequest) error {
	if err := checkGroupRef("GroupId", r.GroupID); err != nil {
		return err
	}
	if r.Name == nil && r.Introduction == nil && r.Notification == nil && r.FaceURL == nil && r.MaxMemberNum == nil &&
		r.ApplyJoinOption == "" && r.InviteJoinOption == "" && r.MuteAll == nil && r.HistoryMsgBeforeJoin == nil && len(r.AppDefinedData) == 0 {
		return wire.Invalid("GroupId", "nothing to change")
	}
	if r.Name != nil && *r.Name == "" {
		return wire.Invalid("Name", "is empty")
	}
	if r.Name != nil {
		if err := checkNameChars("Name", *r.Name); err != nil {
			return err
		}
	}
	l := s.limits
	for _, f := range [...]struct {
		name  string
		v     *string
		limit int
	}{{"Name", r.Name, l.Name}, {"Introduction", r.Introduction, l.Introduction}, {"Notification", r.Notification, l.Notification}, {"FaceUrl", r.FaceURL, l.FaceURL}} {
		if f.v != nil {
			if err := checkText(f.name, *f.v, f.limit); err != nil {
				return err
			}
		}
	}
	if r.MaxMemberNum != nil && *r.MaxMemberNum <= 0 {
		return wire.Invalid("MaxMemberNum", "must be positive")
	}
	if err := checkJoinOption("ApplyJoinOption", r.ApplyJoinOption, true); err != nil {
		return err
	}
	if err := checkJoinOption("InviteJoinOption", r.InviteJoinOption, false); err != nil {
		return err
	}
	if err := checkKVs("AppDefinedData", r.AppDefinedData); err != nil {
		return err
	}
	if r.Operator != "" {
		if err := wire.CheckUserID("From_Account", r.Operator); err != nil {
			return err
		}
	}
	return nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyBase = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/modify_group_base_info", Safety: api.Idempotent})

// Update changes a group's profile (the front end's updateGroupProfile):
// name, introduction, notification, avatar, member cap, join options,
// mute-all, custom data.
//
// REST: v4/group_open_http_svc/modify_group_base_info
func (s *Service) Update(ctx context.Context, req UpdateRequest) error {
	if err := s.checkUpdate(&req); err != nil {
		return err
	}
	w := updateWire{
		GroupID: req.GroupID, Name: req.Name, Introduction: req.Introduction, Notification: req.Notification,
		FaceURL: req.FaceURL, MaxMemberNum: req.MaxMemberNum, ApplyJoinOption: req.ApplyJoinOption,
		InviteJoinOption: req.InviteJoinOption, MuteAllMember: onOff(req.MuteAll),
		HistoryMsgBeforeJoin: onOff(req.HistoryMsgBeforeJoin), AppDefinedData: req.AppDefinedData, FromAccount: req.Operator,
	}
	var resp envelope
	return s.d.Do(ctx, epModifyBase, &w, &resp)
}

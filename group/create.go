package group

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// NewMember is a member to put in a group.
type NewMember struct {
	UserID string
	// Role may be RoleAdmin (or empty for an ordinary member).
	Role Role
	// AppMemberDefinedData is the member's custom data (fields declared in
	// the console).
	AppMemberDefinedData []KV
}

// CreateRequest describes a new group.
type CreateRequest struct {
	// Type is required. Private is the front end's Work group.
	Type Type
	// GroupID is an optional custom id (see CheckGroupID). With one, a
	// resend cannot create a second group, so Create retries it like an
	// idempotent call, and an id you already own reports Existed.
	GroupID string
	// Name is required (≤ Limits.Name bytes).
	Name string
	// Owner is the owner's UserID; empty creates a group without owner.
	Owner        string
	Introduction string
	Notification string
	// FaceURL is the group avatar URL (FaceUrl).
	FaceURL string
	// MaxMemberCount caps the members (create_group's name for it;
	// modify_group_base_info calls it MaxMemberNum).
	MaxMemberCount   int
	ApplyJoinOption  JoinOption
	InviteJoinOption JoinOption
	// AppDefinedData is group custom data (keys declared in the console).
	AppDefinedData []KV
	// Members are the initial members besides the owner. Tencent takes
	// MaxCreateMembers at creation; Create adds the rest afterwards.
	Members []NewMember
	// SupportTopic enables topics (Community only).
	SupportTopic bool
}

// CreateResult reports a creation.
type CreateResult struct {
	GroupID string
	// Existed is true when GroupID already existed and belongs to the
	// caller (Tencent's 10025): nothing was created, the group's profile
	// was left as it was, and Members were (re)added. A retried Create of
	// the same custom id therefore succeeds.
	Existed bool
	// Members holds the outcome of the add_group_member calls made after
	// creation: members beyond MaxCreateMembers, or all of them when
	// Existed. Nil when create_group took every member.
	Members []MemberResult
}

type memberIn struct {
	MemberAccount        string `json:"Member_Account"`
	Role                 Role   `json:"Role,omitempty"`
	AppMemberDefinedData []KV   `json:"AppMemberDefinedData,omitempty"`
}

type createWire struct {
	OwnerAccount     string     `json:"Owner_Account,omitempty"`
	Type             Type       `json:"Type"`
	GroupID          string     `json:"GroupId,omitempty"`
	Name             string     `json:"Name"`
	Introduction     string     `json:"Introduction,omitempty"`
	Notification     string     `json:"Notification,omitempty"`
	FaceURL          string     `json:"FaceUrl,omitempty"`
	MaxMemberCount   int        `json:"MaxMemberCount,omitempty"`
	ApplyJoinOption  JoinOption `json:"ApplyJoinOption,omitempty"`
	InviteJoinOption JoinOption `json:"InviteJoinOption,omitempty"`
	AppDefinedData   []KV       `json:"AppDefinedData,omitempty"`
	MemberList       []memberIn `json:"MemberList,omitempty"`
	SupportTopic     int        `json:"SupportTopic,omitempty"`
}

func (s *Service) checkCreate(r *CreateRequest) error {
	if !r.Type.valid() {
		return wire.Invalid("Type", "unknown group type %q", string(r.Type))
	}
	if r.GroupID != "" {
		if err := CheckGroupID(r.GroupID, r.Type); err != nil {
			return err
		}
	}
	if r.Name == "" {
		return wire.Invalid("Name", "is empty")
	}
	if err := checkNameChars("Name", r.Name); err != nil {
		return err
	}
	l := s.limits
	for _, f := range [...]struct {
		name, v string
		limit   int
	}{{"Name", r.Name, l.Name}, {"Introduction", r.Introduction, l.Introduction}, {"Notification", r.Notification, l.Notification}, {"FaceUrl", r.FaceURL, l.FaceURL}} {
		if err := checkText(f.name, f.v, f.limit); err != nil {
			return err
		}
	}
	if r.Owner != "" {
		if err := wire.CheckUserID("Owner_Account", r.Owner); err != nil {
			return err
		}
	}
	if r.MaxMemberCount < 0 {
		return wire.Invalid("MaxMemberCount", "must not be negative")
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
	if r.Type == AVChatRoom && len(r.Members) > 0 {
		return wire.Invalid("MemberList", "an AVChatRoom takes no members at creation (Tencent answers 10007); users join it themselves")
	}
	if r.SupportTopic && r.Type != Community {
		return wire.Invalid("SupportTopic", "only a Community group supports topics")
	}
	seen := make(map[string]bool, len(r.Members))
	for i, m := range r.Members {
		f := fmt.Sprintf("MemberList[%d]", i)
		if err := wire.CheckUserID(f+".Member_Account", m.UserID); err != nil {
			return err
		}
		if seen[m.UserID] {
			return wire.Invalid(f+".Member_Account", "%q is listed twice", m.UserID)
		}
		seen[m.UserID] = true
		if m.Role != "" && m.Role != RoleAdmin {
			return wire.Invalid(f+".Role", "only %q may be given at creation, got %q", RoleAdmin, m.Role)
		}
		if err := checkKVs(f+".AppMemberDefinedData", m.AppMemberDefinedData); err != nil {
			return err
		}
	}
	return nil
}

// Without a custom GroupId a resend creates a second group; with one, the
// call is idempotent (a resend finds the group, 10025) and the method says so.
var epCreate = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/create_group", Safety: api.Unsafe})

// Create creates a group. Members beyond MaxCreateMembers are added with
// add_group_member after creation (members with a role or custom data go
// first into create_group, which is the only call that sets them at once;
// later ones get them through modify_group_member_info). If adding fails
// the group exists: the result carries its GroupID along with the error,
// and with a custom GroupID the whole Create can simply be repeated.
//
// Tencent's 10025 (the custom id exists and is yours) is not an error:
// the result reports Existed. 10021 (the id belongs to someone else)
// returns an error matching ErrGroupIDTaken.
//
// REST: v4/group_open_http_svc/create_group
func (s *Service) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	if err := s.checkCreate(&req); err != nil {
		return nil, err
	}
	// Members with a role or custom data first: create_group sets those.
	members := slices.Clone(req.Members)
	slices.SortStableFunc(members, func(a, b NewMember) int {
		return wire.BoolInt(b.Role != "" || len(b.AppMemberDefinedData) > 0) - wire.BoolInt(a.Role != "" || len(a.AppMemberDefinedData) > 0)
	})
	first := members[:min(len(members), MaxCreateMembers)]
	w := createWire{
		OwnerAccount: req.Owner, Type: req.Type, GroupID: req.GroupID, Name: req.Name,
		Introduction: req.Introduction, Notification: req.Notification, FaceURL: req.FaceURL,
		MaxMemberCount: req.MaxMemberCount, ApplyJoinOption: req.ApplyJoinOption, InviteJoinOption: req.InviteJoinOption,
		AppDefinedData: req.AppDefinedData, SupportTopic: wire.BoolInt(req.SupportTopic),
	}
	for _, m := range first {
		w.MemberList = append(w.MemberList, memberIn{MemberAccount: m.UserID, Role: m.Role, AppMemberDefinedData: m.AppMemberDefinedData})
	}
	ep := epCreate
	if req.GroupID != "" {
		// A custom id makes creation idempotent: a resend either creates the
		// group or finds it (10025), never a second group, however late.
		ep.Safety = api.Idempotent
	}
	var resp struct {
		envelope
		GroupID string `json:"GroupId"`
	}
	res := &CreateResult{GroupID: req.GroupID}
	later := members[len(first):]
	if err := s.d.Do(ctx, ep, &w, &resp); err != nil {
		var ae *api.Error
		switch {
		case errors.As(err, &ae) && ae.Code == 10025 && req.GroupID != "":
			res.Existed = true
			later = members // whether the first attempt added them is unknown
		case errors.As(err, &ae) && ae.Code == 10021:
			return nil, fmt.Errorf("%w: %w", ErrGroupIDTaken, err)
		default:
			return nil, err
		}
	} else if resp.GroupID != "" {
		res.GroupID = resp.GroupID
	}
	if res.GroupID == "" {
		return nil, fmt.Errorf("group: %s: answer carries no GroupId", epCreate.Path)
	}
	if len(later) == 0 {
		return res, nil
	}
	ids := make([]string, len(later))
	for i, m := range later {
		ids[i] = m.UserID
	}
	added, err := s.AddMembers(ctx, res.GroupID, ids, AddOptions{})
	res.Members = added
	if err != nil {
		return res, fmt.Errorf("group: group %s exists, adding its members failed: %w", res.GroupID, err)
	}
	for _, m := range later {
		if m.Role == "" && len(m.AppMemberDefinedData) == 0 {
			continue
		}
		err := s.ModifyMember(ctx, ModifyMemberRequest{GroupID: res.GroupID, UserID: m.UserID, Role: m.Role, AppMemberDefinedData: m.AppMemberDefinedData})
		if err != nil {
			return res, fmt.Errorf("group: group %s exists, setting member %s failed: %w", res.GroupID, m.UserID, err)
		}
	}
	return res, nil
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDestroy = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/destroy_group", Safety: api.Idempotent})

// Destroy dissolves a group.
//
// REST: v4/group_open_http_svc/destroy_group
func (s *Service) Destroy(ctx context.Context, groupID string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	req := struct {
		GroupID string `json:"GroupId"`
	}{groupID}
	var resp envelope
	return s.d.Do(ctx, epDestroy, &req, &resp)
}

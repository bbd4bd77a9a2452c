package group

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// MaxImportMemberCount caps MaxMemberCount for an imported group.
const MaxImportMemberCount = 6000

// ImportRequest describes a group migrated from another system: the
// profile fields of CreateRequest (without members: import them with
// ImportMembers, history with message.ImportGroup) and its creation time.
type ImportRequest struct {
	// Type is required; AVChatRoom groups cannot be imported.
	Type Type
	// GroupID is an optional custom id (see CheckGroupID). With one, a
	// resend cannot import a second group, so Import retries it.
	GroupID         string
	Name            string
	Owner           string
	Introduction    string
	Notification    string
	FaceURL         string
	MaxMemberCount  int
	ApplyJoinOption JoinOption
	AppDefinedData  []KV
	// SupportTopic imports a Community group with topics enabled
	// (SupportTopic 1; import the topics with ImportTopic). Source:
	// 导入群基础资料_intl_en.md, "Importing a community with topics".
	SupportTopic bool
	// CreatedAt is the group's creation time in the old system (zero: now).
	CreatedAt time.Time
}

type importWire struct {
	OwnerAccount    string     `json:"Owner_Account,omitempty"`
	Type            Type       `json:"Type"`
	GroupID         string     `json:"GroupId,omitempty"`
	Name            string     `json:"Name"`
	Introduction    string     `json:"Introduction,omitempty"`
	Notification    string     `json:"Notification,omitempty"`
	FaceURL         string     `json:"FaceUrl,omitempty"`
	MaxMemberCount  int        `json:"MaxMemberCount,omitempty"`
	ApplyJoinOption JoinOption `json:"ApplyJoinOption,omitempty"`
	AppDefinedData  []KV       `json:"AppDefinedData,omitempty"`
	CreateTime      int64      `json:"CreateTime,omitempty"`
	SupportTopic    int        `json:"SupportTopic,omitempty"`
}

// Without a custom GroupId a resend imports a second group; with one, the
// call is idempotent (a resend finds the group, 10025) and the method says so.
var epImportGroup = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/import_group", Safety: api.Unsafe})

// Import creates a group migrated from another system, keeping its
// creation time, without callbacks. It returns the group id (the custom
// one, or the one Tencent assigned). A custom id you already own (10025,
// e.g. a retry whose first answer was lost) counts as imported; one owned
// by someone else is an error matching ErrGroupIDTaken and ErrConflict.
//
// REST: v4/group_open_http_svc/import_group
func (s *Service) Import(ctx context.Context, req ImportRequest) (string, error) {
	if req.Type == AVChatRoom {
		return "", wire.Invalid("Type", "AVChatRoom groups cannot be imported")
	}
	if req.MaxMemberCount > MaxImportMemberCount {
		return "", wire.Invalid("MaxMemberCount", "%d is above the import limit of %d", req.MaxMemberCount, MaxImportMemberCount)
	}
	check := CreateRequest{Type: req.Type, GroupID: req.GroupID, Name: req.Name, Owner: req.Owner,
		Introduction: req.Introduction, Notification: req.Notification, FaceURL: req.FaceURL,
		MaxMemberCount: req.MaxMemberCount, ApplyJoinOption: req.ApplyJoinOption, AppDefinedData: req.AppDefinedData,
		SupportTopic: req.SupportTopic}
	if err := s.checkCreate(&check); err != nil {
		return "", err
	}
	if !req.CreatedAt.IsZero() && req.CreatedAt.Unix() <= 0 {
		return "", wire.Invalid("CreateTime", "%v is before 1970", req.CreatedAt)
	}
	w := importWire{OwnerAccount: req.Owner, Type: req.Type, GroupID: req.GroupID, Name: req.Name,
		Introduction: req.Introduction, Notification: req.Notification, FaceURL: req.FaceURL,
		MaxMemberCount: req.MaxMemberCount, ApplyJoinOption: req.ApplyJoinOption, AppDefinedData: req.AppDefinedData,
		SupportTopic: wire.BoolInt(req.SupportTopic)}
	if !req.CreatedAt.IsZero() {
		w.CreateTime = req.CreatedAt.Unix()
	}
	ep := epImportGroup
	if req.GroupID != "" {
		// A custom id makes the import idempotent: a resend finds the group
		// (10025) instead of importing a second one, however late it comes.
		ep.Safety = api.Idempotent
	}
	var resp struct {
		envelope
		GroupID string `json:"GroupId"`
	}
	if err := s.d.Do(ctx, ep, &w, &resp); err != nil {
		var ae *api.Error
		switch {
		case errors.As(err, &ae) && ae.Code == 10025 && req.GroupID != "":
			return req.GroupID, nil
		case errors.As(err, &ae) && ae.Code == 10021:
			return "", fmt.Errorf("%w: %w", ErrGroupIDTaken, err)
		}
		return "", err
	}
	if resp.GroupID != "" {
		return resp.GroupID, nil
	}
	if req.GroupID == "" {
		return "", fmt.Errorf("group: %s: answer carries no GroupId", epImportGroup.Path)
	}
	return req.GroupID, nil
}

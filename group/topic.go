package group

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// REST paths of community topics. import_topic lives in the ordinary group
// service, the others in the community one.

// TopicSeparator joins a community's GroupId and the custom part of a
// topic id: "@TGS#_clinic" + "@TOPIC#_" + "cardio".
const TopicSeparator = "@TOPIC#_"

// MaxTopicCustomStringBytes caps a topic's CustomString.
const MaxTopicCustomStringBytes = 3000

// TopicID returns the custom topic id for the community groupID and the
// custom part name, in Tencent's required form GroupId + "@TOPIC#_" + name.
func TopicID(groupID, name string) string { return groupID + TopicSeparator + name }

func checkCommunityRef(field, id string) error {
	if err := checkGroupRef(field, id); err != nil {
		return err
	}
	if !isCommunityID(id) {
		return wire.Invalid(field, "%q is not a Community group id (topics live in communities, whose ids start with %q)", id, communityPrefix)
	}
	return nil
}

// checkTopicRef checks the id of an existing topic of groupID.
func checkTopicRef(field, groupID, topicID string) error {
	if topicID == "" {
		return wire.Invalid(field, "is empty")
	}
	if !utf8.ValidString(topicID) {
		return wire.Invalid(field, "is not valid UTF-8")
	}
	if !strings.HasPrefix(topicID, groupID) {
		return wire.Invalid(field, "%q does not belong to group %q (topic ids start with the GroupId)", topicID, groupID)
	}
	return nil
}

// checkNewTopicID checks a custom id for a new topic of groupID.
func checkNewTopicID(groupID, topicID string) error {
	const field = "TopicId"
	prefix := groupID + TopicSeparator
	if !strings.HasPrefix(topicID, prefix) {
		return wire.Invalid(field, "a custom topic id must be GroupId + %q + a name (see TopicID), got %q", TopicSeparator, topicID)
	}
	if len(topicID) == len(prefix) {
		return wire.Invalid(field, "has nothing after %q", prefix)
	}
	for i := 0; i < len(topicID); i++ {
		if c := topicID[i]; c < 0x20 || c > 0x7e {
			return wire.Invalid(field, "byte %d (0x%02x) is not printable ASCII (0x20-0x7e)", i, c)
		}
	}
	return nil
}

// TopicRequest describes a new community topic.
type TopicRequest struct {
	// GroupID is the community (its id starts with "@TGS#_"; topics must
	// be enabled for it).
	GroupID string
	// TopicID is an optional custom id, GroupID + "@TOPIC#_" + a name (see
	// TopicID). With one, a resend cannot create a second topic, so the
	// call is retried like an idempotent one.
	TopicID string
	// Name is required (≤ Limits.Name bytes).
	Name string
	// Operator, when set, creates the topic as this user (From_Account).
	Operator     string
	Introduction string
	Notification string
	// FaceURL is the topic avatar URL (FaceUrl).
	FaceURL string
	// CustomString is free data (≤ MaxTopicCustomStringBytes).
	CustomString string
	// TopicDefinedData sets topic custom fields (shared with the group's
	// custom fields, declared in the console).
	TopicDefinedData []KV
}

type topicWire struct {
	Type             string `json:"Type,omitempty"`
	GroupID          string `json:"GroupId"`
	TopicID          string `json:"TopicId,omitempty"`
	TopicName        string `json:"TopicName"`
	FromAccount      string `json:"From_Account,omitempty"`
	CustomString     string `json:"CustomString,omitempty"`
	FaceURL          string `json:"FaceUrl,omitempty"`
	Notification     string `json:"Notification,omitempty"`
	Introduction     string `json:"Introduction,omitempty"`
	TopicDefinedData []KV   `json:"TopicDefinedData,omitempty"`
	CreateTime       int64  `json:"CreateTime,omitempty"`
}

func (s *Service) topicWire(r *TopicRequest) (*topicWire, error) {
	if err := checkCommunityRef("GroupId", r.GroupID); err != nil {
		return nil, err
	}
	if r.TopicID != "" {
		if err := checkNewTopicID(r.GroupID, r.TopicID); err != nil {
			return nil, err
		}
	}
	if r.Name == "" {
		return nil, wire.Invalid("TopicName", "is empty")
	}
	if r.Operator != "" {
		if err := wire.CheckUserID("From_Account", r.Operator); err != nil {
			return nil, err
		}
	}
	if err := s.checkTopicTexts(&r.Name, &r.Introduction, &r.Notification, &r.FaceURL, &r.CustomString); err != nil {
		return nil, err
	}
	if err := checkKVs("TopicDefinedData", r.TopicDefinedData); err != nil {
		return nil, err
	}
	return &topicWire{
		GroupID: r.GroupID, TopicID: r.TopicID, TopicName: r.Name, FromAccount: r.Operator, CustomString: r.CustomString,
		FaceURL: r.FaceURL, Notification: r.Notification, Introduction: r.Introduction, TopicDefinedData: r.TopicDefinedData,
	}, nil
}

func (s *Service) checkTopicTexts(name, intro, notification, face, custom *string) error {
	if name != nil {
		if err := checkNameChars("TopicName", *name); err != nil {
			return err
		}
	}
	l := s.limits
	for _, f := range [...]struct {
		name  string
		v     *string
		limit int
	}{
		{"TopicName", name, l.Name}, {"Introduction", intro, l.Introduction}, {"Notification", notification, l.Notification},
		{"FaceUrl", face, l.FaceURL}, {"CustomString", custom, MaxTopicCustomStringBytes},
	} {
		if f.v != nil {
			if err := checkText(f.name, *f.v, f.limit); err != nil {
				return err
			}
		}
	}
	return nil
}

// withTopicID is e for a topic request: a custom TopicId lets Tencent drop
// a resend by the id (Deduped within the group window); without one the
// call stays as declared, Unsafe, since a resend could make a second topic.
func withTopicID(e api.Endpoint, topicID string) api.Endpoint {
	if topicID != "" {
		e.Safety, e.DedupWindow = api.Deduped, api.GroupDedupWindow
	}
	return e
}

// Without a custom TopicId a resend creates a second topic; with one,
// Tencent drops the resend by the id (withTopicID).
var epCreateTopic = catalog.Declare(api.Endpoint{Path: "million_group_open_http_svc/create_topic", Safety: api.Unsafe})

// CreateTopic creates a topic in a community and returns its id. Without a
// custom TopicID a call whose answer is lost is not resent (it could
// create a second topic).
//
// REST: v4/million_group_open_http_svc/create_topic
func (s *Service) CreateTopic(ctx context.Context, r TopicRequest) (string, error) {
	w, err := s.topicWire(&r)
	if err != nil {
		return "", err
	}
	var resp struct {
		envelope
		TopicID wire.FlexString `json:"TopicId"`
	}
	if err := s.d.Do(ctx, withTopicID(epCreateTopic, r.TopicID), w, &resp); err != nil {
		return "", err
	}
	return string(resp.TopicID), nil
}

// Without a custom TopicId a resend imports a second topic; with one,
// Tencent drops the resend by the id (withTopicID).
var epImportTopic = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/import_topic", Safety: api.Unsafe})

// ImportTopic imports a topic with its original creation time (migration
// from another system) and returns its id.
//
// REST: v4/group_open_http_svc/import_topic
func (s *Service) ImportTopic(ctx context.Context, r TopicRequest, created time.Time) (string, error) {
	w, err := s.topicWire(&r)
	if err != nil {
		return "", err
	}
	if created.IsZero() {
		return "", wire.Invalid("CreateTime", "is required: the topic's original creation time")
	}
	if created.Unix() <= 0 {
		return "", wire.Invalid("CreateTime", "%v is before 1970", created)
	}
	w.Type = string(Community)
	w.CreateTime = created.Unix()
	var resp struct {
		envelope
		TopicID wire.FlexString `json:"TopicId"`
	}
	if err := s.d.Do(ctx, withTopicID(epImportTopic, r.TopicID), w, &resp); err != nil {
		return "", err
	}
	return string(resp.TopicID), nil
}

// TopicQuery narrows Topics.
type TopicQuery struct {
	// TopicIDs are the topics to read; empty means all of the community.
	TopicIDs []string
	// User, when set, adds that user's membership in each topic
	// (From_Account; Topic.Self).
	User string
	// Fields lists the topic fields to return (ResponseFilter); empty
	// means all.
	Fields []string
}

// TopicSelf is a user's state in a topic.
type TopicSelf struct {
	// MutedUntil is when the user's mute in the topic ends (ShutUpTime;
	// zero if not muted).
	MutedUntil time.Time
	// MsgSeq is the sequence number of the last message the user read.
	MsgSeq  uint64
	MsgFlag MsgFlag
}

// Topic is a community topic as get_topic reports it.
type Topic struct {
	TopicID string
	// ErrorCode is Tencent's per-topic result (0 = found); see Err.
	ErrorCode    int
	ErrorInfo    string
	GroupID      string
	Name         string
	FaceURL      string
	Notification string
	Introduction string
	CustomString string
	CreateTime   time.Time
	LastMsgTime  time.Time
	// NextMsgSeq is the sequence number the topic's next message gets.
	NextMsgSeq uint64
	// MuteAll reports whether everyone but admins is muted (ShutUpAllFlag).
	MuteAll bool
	// Self is TopicQuery.User's state, when asked for.
	Self *TopicSelf
}

// A read: a resend changes nothing.
var epGetTopic = catalog.Declare(api.Endpoint{Path: "million_group_open_http_svc/get_topic", Safety: api.Idempotent})

// Err returns nil when the topic was read, else an *APIError with the
// per-topic code.
func (t *Topic) Err() error {
	if t.ErrorCode == 0 {
		return nil
	}
	return &api.Error{Op: epGetTopic.Path, HTTPStatus: 200, Code: t.ErrorCode, Info: t.ErrorInfo}
}

// Topics reads the topics of a community. A topic that cannot be read is
// reported through its Topic.ErrorCode, not as an error.
//
// REST: v4/million_group_open_http_svc/get_topic
func (s *Service) Topics(ctx context.Context, groupID string, q TopicQuery) ([]Topic, error) {
	if err := checkCommunityRef("GroupId", groupID); err != nil {
		return nil, err
	}
	for i, id := range q.TopicIDs {
		if err := checkTopicRef(fmt.Sprintf("TopicIdList[%d]", i), groupID, id); err != nil {
			return nil, err
		}
	}
	if q.User != "" {
		if err := wire.CheckUserID("From_Account", q.User); err != nil {
			return nil, err
		}
	}
	req := struct {
		GroupID        string   `json:"GroupId"`
		FromAccount    string   `json:"From_Account,omitempty"`
		TopicIDList    []string `json:"TopicIdList,omitempty"`
		ResponseFilter []string `json:"ResponseFilter,omitempty"`
	}{groupID, q.User, q.TopicIDs, q.Fields}
	var resp struct {
		envelope
		TopicAndSelfInfo []struct {
			ErrorCode wire.FlexInt `json:"ErrorCode"`
			ErrorInfo string       `json:"ErrorInfo"`
			TopicInfo struct {
				TopicID       wire.FlexString `json:"TopicId"`
				GroupID       wire.FlexString `json:"GroupId"` // Tencent spells it GroupID here; matching is case-insensitive
				TopicName     string          `json:"TopicName"`
				FaceURL       string          `json:"FaceUrl"`
				Notification  string          `json:"Notification"`
				Introduction  string          `json:"Introduction"`
				CustomString  string          `json:"CustomString"`
				CreateTime    wire.FlexInt    `json:"CreateTime"`
				LastMsgTime   wire.FlexInt    `json:"LastMsgTime"`
				NextMsgSeq    wire.FlexUint64 `json:"NextMsgSeq"`
				ShutUpAllFlag wire.FlexInt    `json:"ShutUpAllFlag"`
			} `json:"TopicInfo"`
			SelfInfo *struct {
				ShutUpTime wire.FlexInt    `json:"ShutUpTime"`
				MsgSeq     wire.FlexUint64 `json:"MsgSeq"`
				MsgFlag    MsgFlag         `json:"MsgFlag"`
			} `json:"SelfInfo"`
		} `json:"TopicAndSelfInfo"`
	}
	if err := s.d.Do(ctx, epGetTopic, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]Topic, len(resp.TopicAndSelfInfo))
	for i, it := range resp.TopicAndSelfInfo {
		ti := it.TopicInfo
		t := Topic{
			TopicID: string(ti.TopicID), ErrorCode: int(it.ErrorCode), ErrorInfo: it.ErrorInfo, GroupID: string(ti.GroupID),
			Name: ti.TopicName, FaceURL: ti.FaceURL, Notification: ti.Notification, Introduction: ti.Introduction,
			CustomString: ti.CustomString, CreateTime: wire.UnixTime(int64(ti.CreateTime)), LastMsgTime: wire.UnixTime(int64(ti.LastMsgTime)),
			NextMsgSeq: uint64(ti.NextMsgSeq), MuteAll: ti.ShutUpAllFlag != 0,
		}
		if it.SelfInfo != nil {
			t.Self = &TopicSelf{MutedUntil: wire.UnixTime(int64(it.SelfInfo.ShutUpTime)), MsgSeq: uint64(it.SelfInfo.MsgSeq), MsgFlag: it.SelfInfo.MsgFlag}
		}
		out[i] = t
	}
	return out, nil
}

// UpdateTopicRequest changes a topic; nil fields are left as they are.
type UpdateTopicRequest struct {
	GroupID string
	TopicID string
	Name    *string
	// Operator, when set, makes the change as this user (From_Account).
	Operator     string
	Introduction *string
	Notification *string
	FaceURL      *string
	CustomString *string
	// MuteAll mutes everyone in the topic but admins (MuteAllMember On/Off).
	MuteAll *bool
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyTopic = catalog.Declare(api.Endpoint{Path: "million_group_open_http_svc/modify_topic", Safety: api.Idempotent})

// UpdateTopic changes a topic's profile.
//
// REST: v4/million_group_open_http_svc/modify_topic
func (s *Service) UpdateTopic(ctx context.Context, r UpdateTopicRequest) error {
	if err := checkCommunityRef("GroupId", r.GroupID); err != nil {
		return err
	}
	if err := checkTopicRef("TopicId", r.GroupID, r.TopicID); err != nil {
		return err
	}
	if r.Name == nil && r.Introduction == nil && r.Notification == nil && r.FaceURL == nil && r.CustomString == nil && r.MuteAll == nil {
		return wire.Invalid("TopicId", "nothing to change")
	}
	if r.Name != nil && *r.Name == "" {
		return wire.Invalid("TopicName", "is empty")
	}
	if r.Operator != "" {
		if err := wire.CheckUserID("From_Account", r.Operator); err != nil {
			return err
		}
	}
	if err := s.checkTopicTexts(r.Name, r.Introduction, r.Notification, r.FaceURL, r.CustomString); err != nil {
		return err
	}
	req := struct {
		GroupID       string  `json:"GroupId"`
		TopicID       string  `json:"TopicId"`
		TopicName     *string `json:"TopicName,omitempty"`
		FromAccount   string  `json:"From_Account,omitempty"`
		CustomString  *string `json:"CustomString,omitempty"`
		FaceURL       *string `json:"FaceUrl,omitempty"`
		Notification  *string `json:"Notification,omitempty"`
		Introduction  *string `json:"Introduction,omitempty"`
		MuteAllMember string  `json:"MuteAllMember,omitempty"`
	}{r.GroupID, r.TopicID, r.Name, r.Operator, r.CustomString, r.FaceURL, r.Notification, r.Introduction, onOff(r.MuteAll)}
	var resp envelope
	return s.d.Do(ctx, epModifyTopic, &req, &resp)
}

// TopicResult is one topic's outcome of DestroyTopics.
type TopicResult struct {
	TopicID   string
	ErrorCode int
	ErrorInfo string
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDestroyTopic = catalog.Declare(api.Endpoint{Path: "million_group_open_http_svc/destroy_topic", Safety: api.Idempotent})

// Err returns nil when the topic was destroyed, else an *APIError with
// the per-topic code.
func (r *TopicResult) Err() error {
	if r.ErrorCode == 0 {
		return nil
	}
	return &api.Error{Op: epDestroyTopic.Path, HTTPStatus: 200, Code: r.ErrorCode, Info: r.ErrorInfo}
}

// DestroyTopics destroys topics of a community and returns one result per
// topic.
//
// REST: v4/million_group_open_http_svc/destroy_topic
func (s *Service) DestroyTopics(ctx context.Context, groupID string, topicIDs []string) ([]TopicResult, error) {
	if err := checkCommunityRef("GroupId", groupID); err != nil {
		return nil, err
	}
	if len(topicIDs) == 0 {
		return nil, wire.Invalid("TopicIdList", "no topic id given")
	}
	for i, id := range topicIDs {
		if err := checkTopicRef(fmt.Sprintf("TopicIdList[%d]", i), groupID, id); err != nil {
			return nil, err
		}
	}
	req := struct {
		GroupID     string   `json:"GroupId"`
		TopicIDList []string `json:"TopicIdList"`
	}{groupID, dedupe(topicIDs)}
	var resp struct {
		envelope
		DestroyResultItem []struct {
			TopicID   wire.FlexString `json:"TopicId"`
			ErrorCode wire.FlexInt    `json:"ErrorCode"`
			ErrorInfo string          `json:"ErrorInfo"`
		} `json:"DestroyResultItem"`
	}
	if err := s.d.Do(ctx, epDestroyTopic, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]TopicResult, len(resp.DestroyResultItem))
	for i, it := range resp.DestroyResultItem {
		out[i] = TopicResult{TopicID: string(it.TopicID), ErrorCode: int(it.ErrorCode), ErrorInfo: it.ErrorInfo}
	}
	return out, nil
}

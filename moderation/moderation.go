package moderation

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Service submits content for moderation. It is safe for concurrent use.
type Service struct {
	d api.Doer
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("moderation.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

// Scenes (AuditName) the content_moderation page lists: the general
// audit configurations the content is checked against. The current page
// (https://cloud.tencent.com/document/product/269/94300) also accepts the ID
// of a custom audit configuration created in the console.
const (
	SceneC2C             = "C2C"
	SceneGroup           = "Group"
	SceneUserInfo        = "UserInfo"
	SceneGroupInfo       = "GroupInfo"
	SceneGroupMemberInfo = "GroupMemberInfo"
	SceneRelationChain   = "RelationChain"
)

// Content types (ContentType) the page lists; for all but Text the
// content is the file's URL.
const (
	TypeText  = "Text"
	TypeImage = "Image"
	TypeAudio = "Audio"
	TypeVideo = "Video"
)

// MaxContentBytes is the page's limit on Content (8 KB; error 93000 past it).
const MaxContentBytes = 8 * 1024

var (
	scenes = []string{SceneC2C, SceneGroup, SceneUserInfo, SceneGroupInfo, SceneGroupMemberInfo, SceneRelationChain}
	types  = []string{TypeText, TypeImage, TypeAudio, TypeVideo}
)

// MaxAuditNameBytes bounds AuditName: the page gives no limit for a custom
// configuration ID, so this only keeps an accidental blob off the wire.
const MaxAuditNameBytes = 128

// Request is one piece of content to check.
type Request struct {
	// Scene is the audit configuration (AuditName): one of the Scene
	// constants, or the ID of a custom configuration made in the console.
	Scene string
	// Type is the kind of content (ContentType): one of the Type constants.
	Type string
	// Content is the text, or the URL of the file; at most MaxContentBytes.
	Content string
	// Sender (ExtSender, optional) tags the sender for the console's
	// moderation details: a UserID or any id of the caller's.
	Sender string
	// Receiver (ExtReceiver, optional) tags the receiver likewise: a UserID,
	// a GroupId or any id of the caller's.
	Receiver string
}

// Verdict is the answer to a check.
type Verdict struct {
	// RequestID identifies the check; audio and video results arrive later
	// through the audit callback under this id.
	RequestID string
	// Result is the suggestion for text and images: "Pass", "Review" or "Block".
	Result string
	// Score is how malicious the content is, 0 to 100.
	Score int
	// Label is the category hit: Normal, Polity, Porn, Illegal, Abuse,
	// Terror, Ad, Sexy or Composite.
	Label string
	// Keywords are the words that were hit (in the page's example, not its
	// field table).
	Keywords []string
}

// A check changes no state: a resend runs the same check again and gets
// the same kind of verdict (at the cost of a second billed check).
var epContent = catalog.Declare(api.Endpoint{Path: "im_msg_audit/content_moderation", Safety: api.Idempotent})

// Check submits one piece of content for moderation and returns the
// verdict (for audio and video: the RequestID to await in the callback).
// Sender and Receiver, when set, go out as ExtSender and ExtReceiver.
// Tencent answers 60020 when cloud moderation is not enabled for the app.
//
// REST: v4/im_msg_audit/content_moderation
func (s *Service) Check(ctx context.Context, r Request) (*Verdict, error) {
	if strings.TrimSpace(r.Scene) == "" || len(r.Scene) > MaxAuditNameBytes || !utf8.ValidString(r.Scene) {
		return nil, wire.Invalid("AuditName", "%q is not one of %v nor a custom configuration ID (1 to %d bytes of UTF-8)",
			r.Scene, scenes, MaxAuditNameBytes)
	}
	if !slices.Contains(types, r.Type) {
		return nil, wire.Invalid("ContentType", "%q is not one of %v", r.Type, types)
	}
	if r.Content == "" {
		return nil, wire.Invalid("Content", "is empty")
	}
	if len(r.Content) > MaxContentBytes {
		return nil, wire.Invalid("Content", "is %d bytes, more than %d", len(r.Content), MaxContentBytes)
	}
	req := struct {
		AuditName   string `json:"AuditName"`
		ContentType string `json:"ContentType"`
		Content     string `json:"Content"`
		ExtSender   string `json:"ExtSender,omitempty"`
		ExtReceiver string `json:"ExtReceiver,omitempty"`
	}{r.Scene, r.Type, r.Content, r.Sender, r.Receiver}
	var resp struct {
		api.Envelope
		RequestID string   `json:"RequestId"`
		Result    string   `json:"Result"`
		Score     int      `json:"Score"`
		Label     string   `json:"Label"`
		Keywords  []string `json:"Keywords"`
	}
	if err := s.d.Do(ctx, epContent, &req, &resp); err != nil {
		return nil, err
	}
	return &Verdict{RequestID: resp.RequestID, Result: resp.Result, Score: resp.Score, Label: resp.Label, Keywords: resp.Keywords}, nil
}

// Keyword is one word of a cloud moderation keyword library.
type Keyword struct {
	// Content is the word.
	Content string
	// Label is its category (optional): Normal, Illegal, Abuse, Polity,
	// Ad, Porn, Sexy, Terror or Composite.
	Label string
}

var labels = []string{"Normal", "Illegal", "Abuse", "Polity", "Ad", "Porn", "Sexy", "Terror", "Composite"}

// The page documents no dedup and no answer for a word already in the
// library: a resend is not known to be harmless.
var epAddCloudKeywords = catalog.Declare(api.Endpoint{Path: "im_msg_audit_mgr/add_cloud_audit_keywords"})

// AddCloudKeywords adds words to the cloud moderation keyword library
// libID of the app sdkAppID (the body carries the app ID: pass the client's)
// and returns Tencent's RequestId. The page lists only the China,
// Singapore and Seoul data centres (the international page: Singapore).
//
// REST: v4/im_msg_audit_mgr/add_cloud_audit_keywords
func (s *Service) AddCloudKeywords(ctx context.Context, sdkAppID uint64, libID string, words []Keyword) (requestID string, err error) {
	if sdkAppID == 0 {
		return "", wire.Invalid("SdkAppId", "is zero")
	}
	if libID == "" {
		return "", wire.Invalid("LibID", "is empty")
	}
	if len(words) == 0 {
		return "", wire.Invalid("UserKeywords", "is empty")
	}
	type kw struct {
		Content string `json:"Content"`
		Label   string `json:"Label,omitempty"`
	}
	list := make([]kw, len(words))
	for i, w := range words {
		if w.Content == "" {
			return "", wire.Invalid("UserKeywords.Content", "word %d is empty", i)
		}
		if w.Label != "" && !slices.Contains(labels, w.Label) {
			return "", wire.Invalid("UserKeywords.Label", "%q is not one of %v", w.Label, labels)
		}
		list[i] = kw(w)
	}
	req := struct {
		SdkAppID     uint64 `json:"SdkAppId"`
		LibID        string `json:"LibID"`
		UserKeywords []kw   `json:"UserKeywords"`
	}{sdkAppID, libID, list}
	var resp struct {
		api.Envelope
		RequestID string `json:"RequestId"`
	}
	if err := s.d.Do(ctx, epAddCloudKeywords, &req, &resp); err != nil {
		return "", err
	}
	return resp.RequestID, nil
}

// KeywordResult is the outcome for one word of DeleteCloudKeywords.
type KeywordResult struct {
	KeywordID string `json:"KeywordID"`
	Keyword   string `json:"Keyword"`
	Deleted   bool   `json:"Deleted"`
	ErrorInfo string `json:"ErrorInfo"`
}

// DeleteResult is the answer of DeleteCloudKeywords.
type DeleteResult struct {
	RequestID string
	// Details has one entry a word.
	Details []KeywordResult
	// Count is the number deleted as Tencent reports it (the page's own
	// example shows 0 beside a deleted word: trust Details).
	Count int
}

// MaxDeleteKeywords is the page's limit of words a delete call.
const MaxDeleteKeywords = 10

// Deleting a word that is gone already deletes nothing more.
var epDeleteCloudKeywords = catalog.Declare(api.Endpoint{Path: "im_msg_audit_mgr/delete_cloud_audit_keywords", Safety: api.Idempotent})

// DeleteCloudKeywords deletes up to MaxDeleteKeywords words from the
// cloud keyword library libID of the app sdkAppID.
//
// REST: v4/im_msg_audit_mgr/delete_cloud_audit_keywords
func (s *Service) DeleteCloudKeywords(ctx context.Context, sdkAppID uint64, libID string, words []string) (*DeleteResult, error) {
	if err := checkLib(sdkAppID, libID); err != nil {
		return nil, err
	}
	if len(words) == 0 || len(words) > MaxDeleteKeywords {
		return nil, wire.Invalid("Keywords", "has %d words, want 1 to %d", len(words), MaxDeleteKeywords)
	}
	for i, w := range words {
		if w == "" {
			return nil, wire.Invalid("Keywords", "word %d is empty", i)
		}
	}
	req := struct {
		SdkAppID uint64   `json:"SdkAppId"`
		LibID    string   `json:"LibID"`
		Keywords []string `json:"Keywords"`
	}{sdkAppID, libID, words}
	var resp struct {
		api.Envelope
		RequestID string          `json:"RequestId"`
		Details   []KeywordResult `json:"Details"`
		Count     int             `json:"Count"`
	}
	if err := s.d.Do(ctx, epDeleteCloudKeywords, &req, &resp); err != nil {
		return nil, err
	}
	return &DeleteResult{RequestID: resp.RequestID, Details: resp.Details, Count: resp.Count}, nil
}

func checkLib(sdkAppID uint64, libID string) error {
	if sdkAppID == 0 {
		return wire.Invalid("SdkAppId", "is zero")
	}
	if libID == "" {
		return wire.Invalid("LibID", "is empty")
	}
	return nil
}

// MaxPage is the pages' limit on Limit for the two list reads.
const MaxPage = 100

func checkPage(sdkAppID uint64, offset, limit int) error {
	if sdkAppID == 0 {
		return wire.Invalid("SdkAppId", "is zero")
	}
	if offset < 0 {
		return wire.Invalid("Offset", "is negative")
	}
	if limit < 1 || limit > MaxPage {
		return wire.Invalid("Limit", "is %d, want 1 to %d", limit, MaxPage)
	}
	return nil
}

// KeywordInfo is one word of a cloud keyword library.
type KeywordInfo struct {
	ID         string `json:"ID"`
	Content    string `json:"Content"`
	CreateTime string `json:"CreateTime"`
}

// KeywordPage is one page of GetCloudKeywords.
type KeywordPage struct {
	RequestID  string
	TotalCount int
	Infos      []KeywordInfo
}

// A read.
var epGetCloudKeywords = catalog.Declare(api.Endpoint{Path: "im_msg_audit_mgr/get_cloud_audit_keywords", Safety: api.Idempotent})

// GetCloudKeywords reads a page (offset, limit ≤ MaxPage) of the words of
// library libID; a non-empty match returns the words that fuzzily match it.
//
// REST: v4/im_msg_audit_mgr/get_cloud_audit_keywords
func (s *Service) GetCloudKeywords(ctx context.Context, sdkAppID uint64, libID string, offset, limit int, match string) (*KeywordPage, error) {
	if err := checkPage(sdkAppID, offset, limit); err != nil {
		return nil, err
	}
	if err := checkLib(sdkAppID, libID); err != nil {
		return nil, err
	}
	req := struct {
		SdkAppID uint64 `json:"SdkAppId"`
		Offset   int    `json:"Offset"`
		Limit    int    `json:"Limit"`
		LibID    string `json:"LibID"`
		Content  string `json:"Content,omitempty"`
	}{sdkAppID, offset, limit, libID, match}
	var resp struct {
		api.Envelope
		RequestID  string        `json:"RequestId"`
		TotalCount int           `json:"TotalCount"`
		Infos      []KeywordInfo `json:"Infos"`
	}
	if err := s.d.Do(ctx, epGetCloudKeywords, &req, &resp); err != nil {
		return nil, err
	}
	return &KeywordPage{RequestID: resp.RequestID, TotalCount: resp.TotalCount, Infos: resp.Infos}, nil
}

// Library is one cloud keyword library.
type Library struct {
	ID         string `json:"ID"`
	LibName    string `json:"LibName"`
	Describe   string `json:"Describe"`
	CreateTime string `json:"CreateTime"`
	Suggestion string `json:"Suggestion"`
}

// LibraryPage is one page of GetCloudLibraries.
type LibraryPage struct {
	RequestID  string
	TotalCount int
	Infos      []Library
}

// A read.
var epGetCloudLibraries = catalog.Declare(api.Endpoint{Path: "im_msg_audit_mgr/get_cloud_audit_keywords_ids", Safety: api.Idempotent})

// GetCloudLibraries reads a page (offset, limit ≤ MaxPage) of the app's
// cloud keyword libraries; their IDs are the libID of the keyword calls.
//
// REST: v4/im_msg_audit_mgr/get_cloud_audit_keywords_ids
func (s *Service) GetCloudLibraries(ctx context.Context, sdkAppID uint64, offset, limit int) (*LibraryPage, error) {
	if err := checkPage(sdkAppID, offset, limit); err != nil {
		return nil, err
	}
	req := struct {
		SdkAppID uint64 `json:"SdkAppId"`
		Offset   int    `json:"Offset"`
		Limit    int    `json:"Limit"`
	}{sdkAppID, offset, limit}
	var resp struct {
		api.Envelope
		RequestID  string    `json:"RequestId"`
		TotalCount int       `json:"TotalCount"`
		Infos      []Library `json:"Infos"`
	}
	if err := s.d.Do(ctx, epGetCloudLibraries, &req, &resp); err != nil {
		return nil, err
	}
	return &LibraryPage{RequestID: resp.RequestID, TotalCount: resp.TotalCount, Infos: resp.Infos}, nil
}

package official

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// Service manages official accounts. It is safe for concurrent use.
type Service struct {
	d api.Doer
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("official.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

// Limits documented for official accounts (create_official_account,
// add_subscriber, official_account_msg_recall pages).
const (
	// Prefix starts every official account ID.
	Prefix = "@TOA#_"
	// MaxNameBytes is the longest Name.
	MaxNameBytes = 150
	// MaxIntroductionBytes is the longest Introduction.
	MaxIntroductionBytes = 400
	// MaxFaceURLBytes is the longest FaceUrl.
	MaxFaceURLBytes = 500
	// MaxOrganizationBytes is the longest Organization.
	MaxOrganizationBytes = 500
	// MaxCustomStringBytes is the longest CustomString.
	MaxCustomStringBytes = 3000
	// MaxSubscribersPerCall is how many subscribers add_subscriber takes.
	MaxSubscribersPerCall = 100
	// MaxRecallKeys is how many messages one recall takes.
	MaxRecallKeys = 10
	// MaxRecallReasonBytes is the longest recall Reason.
	MaxRecallReasonBytes = 100
	// DedupWindow is how long Tencent drops a broadcast with the same
	// content as an earlier one.
	DedupWindow = 5 * time.Minute
)

// CheckID checks an official account ID: the "@TOA#_" prefix and a name.
func CheckID(field, id string) error {
	if !strings.HasPrefix(id, Prefix) || len(id) == len(Prefix) {
		return wire.Invalid(field, "%q does not start with %q followed by a name", id, Prefix)
	}
	return nil
}

func checkText(field, s string, limit int) error {
	if !utf8.ValidString(s) {
		return wire.Invalid(field, "is not valid UTF-8")
	}
	if len(s) > limit {
		return wire.Invalid(field, "%d bytes, limit is %d", len(s), limit)
	}
	return nil
}

// Account is an official account to create, or the fields to change.
type Account struct {
	// ID is the account's ID ("@TOA#_…"); "" on create lets Tencent choose.
	ID string
	// Owner is the imported account that owns it (create only, required).
	Owner string
	// Name is its name (required on create, at most 150 bytes).
	Name string
	// Introduction is its description (at most 400 bytes).
	Introduction string
	// FaceURL is its avatar URL (at most 500 bytes).
	FaceURL string
	// Organization is the organization it belongs to (at most 500 bytes).
	Organization string
	// CustomString is the app's own data (at most 3000 bytes).
	CustomString string
	// MaxSubscribers caps its subscribers (0: Tencent's default, 100000).
	MaxSubscribers uint32
}

func (a Account) check(create bool) error {
	if create {
		if a.ID != "" {
			if err := CheckID("OfficialAccountUserID", a.ID); err != nil {
				return err
			}
		}
		if err := wire.CheckUserID("Owner_Account", a.Owner); err != nil {
			return err
		}
		if a.Name == "" {
			return wire.Invalid("Name", "is empty")
		}
	} else if err := CheckID("Official_Account", a.ID); err != nil {
		return err
	}
	for _, f := range []struct {
		name, v string
		limit   int
	}{
		{"Name", a.Name, MaxNameBytes}, {"Introduction", a.Introduction, MaxIntroductionBytes},
		{"FaceUrl", a.FaceURL, MaxFaceURLBytes}, {"Organization", a.Organization, MaxOrganizationBytes},
		{"CustomString", a.CustomString, MaxCustomStringBytes},
	} {
		if err := checkText(f.name, f.v, f.limit); err != nil {
			return err
		}
	}
	return nil
}

// A creation without an ID of the caller's is not deduplicated (a resend
// would create a second account), and Tencent documents no answer for
// creating an ID twice: never resent.
var epCreate = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/create_official_account"})

// Create creates an official account and returns its ID.
//
// REST: v4/official_account_open_http_svc/create_official_account
func (s *Service) Create(ctx context.Context, a Account) (string, error) {
	if err := a.check(true); err != nil {
		return "", err
	}
	req := struct {
		ID             string `json:"OfficialAccountUserID,omitempty"`
		Owner          string `json:"Owner_Account"`
		Name           string `json:"Name"`
		Introduction   string `json:"Introduction,omitempty"`
		FaceURL        string `json:"FaceUrl,omitempty"`
		MaxSubscribers uint32 `json:"MaxSubscriberNum,omitempty"`
		Organization   string `json:"Organization,omitempty"`
		CustomString   string `json:"CustomString,omitempty"`
	}{a.ID, a.Owner, a.Name, a.Introduction, a.FaceURL, a.MaxSubscribers, a.Organization, a.CustomString}
	var resp struct {
		api.Envelope
		ID string `json:"OfficialAccountUserID"`
	}
	if err := s.d.Do(ctx, epCreate, &req, &resp); err != nil {
		return "", err
	}
	return resp.ID, nil
}

// Destroying a destroyed account changes nothing more.
var epDestroy = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/destroy_official_account", Safety: api.Idempotent})

// Destroy destroys an official account.
//
// REST: v4/official_account_open_http_svc/destroy_official_account
func (s *Service) Destroy(ctx context.Context, id string) error {
	if err := CheckID("Official_Account", id); err != nil {
		return err
	}
	req := struct {
		ID string `json:"Official_Account"`
	}{id}
	var resp api.Envelope
	return s.d.Do(ctx, epDestroy, &req, &resp)
}

// Sets fields to the values given: a resend leaves the same result.
var epModify = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/modify_official_account_base_info", Safety: api.Idempotent})

// Modify changes an official account's fields; empty fields (and a zero
// MaxSubscribers) are left as they are. Owner cannot be changed.
//
// REST: v4/official_account_open_http_svc/modify_official_account_base_info
func (s *Service) Modify(ctx context.Context, a Account) error {
	if err := a.check(false); err != nil {
		return err
	}
	if a.Owner != "" {
		return wire.Invalid("Owner_Account", "cannot be changed")
	}
	req := struct {
		ID             string `json:"Official_Account"`
		Name           string `json:"Name,omitempty"`
		Introduction   string `json:"Introduction,omitempty"`
		FaceURL        string `json:"FaceUrl,omitempty"`
		Organization   string `json:"Organization,omitempty"`
		CustomString   string `json:"CustomString,omitempty"`
		MaxSubscribers uint32 `json:"MaxSubscriberNum,omitempty"`
	}{a.ID, a.Name, a.Introduction, a.FaceURL, a.Organization, a.CustomString, a.MaxSubscribers}
	var resp api.Envelope
	return s.d.Do(ctx, epModify, &req, &resp)
}

// Outcome is one subscriber's result of add_subscriber or
// delete_subscriber.
type Outcome int

// The outcomes Tencent documents.
const (
	// Failed: the change was not made.
	Failed Outcome = 0
	// Done: subscribed (add) or unsubscribed (delete).
	Done Outcome = 1
	// Unchanged: already subscribed (add) or not subscribed (delete).
	Unchanged Outcome = 2
)

// SubscriberResult is one user's outcome.
type SubscriberResult struct {
	UserID  string  `json:"Subscriber_Account"`
	Outcome Outcome `json:"Result"`
}

type subscriberAnswer struct {
	api.Envelope
	SubscriberList []SubscriberResult `json:"SubscriberList"`
}

// Subscribing a subscriber again answers "already subscribed" (2).
var epAddSubscriber = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/add_subscriber", Safety: api.Idempotent})

// AddSubscribers makes users subscribe to the official account (at most
// 100 a call), with each user's outcome.
//
// REST: v4/official_account_open_http_svc/add_subscriber
func (s *Service) AddSubscribers(ctx context.Context, id string, userIDs ...string) ([]SubscriberResult, error) {
	if err := CheckID("Official_Account", id); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("SubscriberList", userIDs); err != nil {
		return nil, err
	}
	if len(userIDs) > MaxSubscribersPerCall {
		return nil, wire.Invalid("SubscriberList", "%d users, limit is %d", len(userIDs), MaxSubscribersPerCall)
	}
	type sub struct {
		UserID string `json:"Subscriber_Account"`
	}
	list := make([]sub, len(userIDs))
	for i, u := range userIDs {
		list[i] = sub{u}
	}
	req := struct {
		ID   string `json:"Official_Account"`
		List []sub  `json:"SubscriberList"`
	}{id, list}
	var resp subscriberAnswer
	if err := s.d.Do(ctx, epAddSubscriber, &req, &resp); err != nil {
		return nil, err
	}
	return resp.SubscriberList, nil
}

// Removing a user who is not subscribed answers "not subscribed" (2).
var epDeleteSubscriber = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/delete_subscriber", Safety: api.Idempotent})

// DeleteSubscribers removes users from the official account's subscribers,
// with each user's outcome.
//
// REST: v4/official_account_open_http_svc/delete_subscriber
func (s *Service) DeleteSubscribers(ctx context.Context, id string, userIDs ...string) ([]SubscriberResult, error) {
	if err := CheckID("Official_Account", id); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("SubscriberToDel_Account", userIDs); err != nil {
		return nil, err
	}
	req := struct {
		ID   string   `json:"Official_Account"`
		List []string `json:"SubscriberToDel_Account"`
	}{id, userIDs}
	var resp subscriberAnswer
	if err := s.d.Do(ctx, epDeleteSubscriber, &req, &resp); err != nil {
		return nil, err
	}
	return resp.SubscriberList, nil
}

// Broadcast is a message to every subscriber of an official account.
type Broadcast struct {
	// ID is the official account.
	ID string
	// Random is the message's random key; 0 draws one.
	Random uint32
	// Body is the message (at least one element).
	Body message.Body
	// CloudCustomData is the message's custom data.
	CloudCustomData string
	// OfflinePush is the offline push shown for it (optional).
	OfflinePush *message.OfflinePushInfo
	// NoLastMsg keeps the message from updating conversation lists
	// (SendMsgControl "NoLastMsg").
	NoLastMsg bool
}

// Tencent drops a broadcast whose content equals one sent in the last 5
// minutes: a resend of the same body inside that window is not delivered
// twice.
var epSend = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/send_official_account_msg", Safety: api.Deduped, DedupWindow: DedupWindow})

// Send broadcasts a message to every subscriber and returns its MsgKey
// (for Recall). Tencent allows one broadcast a second and two an hour per
// account.
//
// REST: v4/official_account_open_http_svc/send_official_account_msg
func (s *Service) Send(ctx context.Context, b Broadcast) (msgKey string, err error) {
	if err := CheckID("Official_Account", b.ID); err != nil {
		return "", err
	}
	if len(b.Body) == 0 {
		return "", wire.Invalid("MsgBody", "no element")
	}
	body, err := json.Marshal(b.Body)
	if err != nil {
		return "", wire.Invalid("MsgBody", "%v", err)
	}
	if b.Random == 0 {
		b.Random = rand.Uint32N(1<<32-1) + 1
	}
	var ctl []string
	if b.NoLastMsg {
		ctl = []string{"NoLastMsg"}
	}
	req := struct {
		ID              string                   `json:"Official_Account"`
		Random          uint32                   `json:"Random"`
		MsgBody         json.RawMessage          `json:"MsgBody"`
		CloudCustomData string                   `json:"CloudCustomData,omitempty"`
		OfflinePushInfo *message.OfflinePushInfo `json:"OfflinePushInfo,omitempty"`
		SendMsgControl  []string                 `json:"SendMsgControl,omitempty"`
	}{b.ID, b.Random, body, b.CloudCustomData, b.OfflinePush, ctl}
	var resp struct {
		api.Envelope
		MsgKey string `json:"MsgKey"`
	}
	if err := s.d.Do(ctx, epSend, &req, &resp); err != nil {
		return "", err
	}
	return resp.MsgKey, nil
}

// RecallResult is one message's recall outcome: Code 0 is success, any
// other value Tencent's error code for that message.
type RecallResult struct {
	MsgKey string `json:"MsgKey"`
	Code   int    `json:"RetCode"`
}

// Recalling a recalled message changes nothing (its RetCode says so).
var epRecall = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/official_account_msg_recall", Safety: api.Idempotent})

// Recall recalls up to 10 messages of the official account by MsgKey,
// with each message's outcome. reason is optional (at most 100 bytes).
//
// REST: v4/official_account_open_http_svc/official_account_msg_recall
func (s *Service) Recall(ctx context.Context, id string, msgKeys []string, reason string) ([]RecallResult, error) {
	if err := CheckID("Official_Account", id); err != nil {
		return nil, err
	}
	switch {
	case len(msgKeys) == 0:
		return nil, wire.Invalid("MsgKeyList", "no MsgKey given")
	case len(msgKeys) > MaxRecallKeys:
		return nil, wire.Invalid("MsgKeyList", "%d keys, limit is %d", len(msgKeys), MaxRecallKeys)
	}
	for i, k := range msgKeys {
		if k == "" {
			return nil, wire.Invalid("MsgKeyList", "key %d is empty", i)
		}
	}
	if err := checkText("Reason", reason, MaxRecallReasonBytes); err != nil {
		return nil, err
	}
	req := struct {
		ID     string   `json:"Official_Account"`
		Keys   []string `json:"MsgKeyList"`
		Reason string   `json:"Reason,omitempty"`
	}{id, msgKeys, reason}
	var resp struct {
		api.Envelope
		List []RecallResult `json:"RecallRetList"`
	}
	if err := s.d.Do(ctx, epRecall, &req, &resp); err != nil {
		return nil, err
	}
	return resp.List, nil
}

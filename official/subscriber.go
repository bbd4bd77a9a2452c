package official

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// MaxSubscriberPage is the most subscribers one get_subscriber_info page
// holds (its Limit).
const MaxSubscriberPage = 200

// MsgFlag is a subscriber's message receiving option.
type MsgFlag string

// The receiving options Tencent documents (公众号系统, 1047/60813).
const (
	// AcceptAndNotify: messages are received and notified.
	AcceptAndNotify MsgFlag = "AcceptAndNotify"
	// AcceptNotNotify: messages are received without notification (no
	// offline push).
	AcceptNotNotify MsgFlag = "AcceptNotNotify"
	// Discard: the account's messages are blocked (none is pushed to the
	// client).
	Discard MsgFlag = "Discard"
)

// Modifying sets the subscriber's CustomString to the value given: a
// resend leaves the same result.
var epModifySubscriber = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/modify_subscriber_info", Safety: api.Idempotent})

// ModifySubscriber sets the custom string of one subscriber of the
// official account ("" clears it). Tencent's page states no length limit
// for it; none is checked here.
//
// REST: v4/official_account_open_http_svc/modify_subscriber_info
func (s *Service) ModifySubscriber(ctx context.Context, id, userID, customString string) error {
	if err := CheckID("Official_Account", id); err != nil {
		return err
	}
	if err := wire.CheckUserID("Subscriber_Account", userID); err != nil {
		return err
	}
	req := struct {
		ID           string `json:"Official_Account"`
		UserID       string `json:"Subscriber_Account"`
		CustomString string `json:"CustomString"`
	}{id, userID, customString}
	var resp api.Envelope
	return s.d.Do(ctx, epModifySubscriber, &req, &resp)
}

// Subscriber is one subscriber of an official account, as
// get_subscriber_info answers it.
type Subscriber struct {
	// UserID is the subscriber (Subscriber_Account).
	UserID string
	// SubscribedAt is when the user subscribed (SubscribeTime).
	SubscribedAt time.Time
	// CustomString is the app's data about this subscriber.
	CustomString string
	// MsgFlag is the subscriber's receiving option.
	MsgFlag MsgFlag
	// LastSendMsgTime is the time of the subscriber's last message; the
	// zero time when Tencent answers 0.
	LastSendMsgTime time.Time
}

// SubscriberPage is one page of an official account's subscribers.
type SubscriberPage struct {
	// Subscribers of this page.
	Subscribers []Subscriber
	// Total is how many users subscribe to the account (SubscriberNum).
	Total int64
	// Next is the cursor of the next page; "" after the last page.
	Next string
}

type subscriberInfoResp struct {
	api.Envelope
	Next           wire.FlexString `json:"Next"`
	SubscriberNum  wire.FlexInt    `json:"SubscriberNum"`
	SubscriberList []struct {
		UserID          wire.FlexString `json:"Subscriber_Account"`
		SubscribeTime   wire.FlexInt    `json:"SubscribeTime"`
		CustomString    string          `json:"CustomString"`
		MsgFlag         MsgFlag         `json:"MsgFlag"`
		LastSendMsgTime wire.FlexInt    `json:"LastSendMsgTime"`
	} `json:"SubscriberList"`
}

// A read: a resend changes nothing.
var epSubscriberInfo = catalog.Declare(api.Endpoint{Path: "official_account_open_http_svc/get_subscriber_info", Safety: api.Idempotent})

// SubscribersPage reads one page of the official account's subscribers
// from cursor next ("" for the first page), at most limit of them (0 sends
// no Limit: Tencent then answers all of them; at most MaxSubscriberPage).
//
// REST: v4/official_account_open_http_svc/get_subscriber_info
func (s *Service) SubscribersPage(ctx context.Context, id, next string, limit int) (*SubscriberPage, error) {
	if err := CheckID("Official_Account", id); err != nil {
		return nil, err
	}
	if limit < 0 || limit > MaxSubscriberPage {
		return nil, wire.Invalid("Limit", "%d out of range 0..%d", limit, MaxSubscriberPage)
	}
	req := struct {
		ID    string `json:"Official_Account"`
		Limit int    `json:"Limit,omitempty"`
		Next  string `json:"Next"`
	}{id, limit, next}
	var resp subscriberInfoResp
	if err := s.d.Do(ctx, epSubscriberInfo, &req, &resp); err != nil {
		return nil, err
	}
	p := &SubscriberPage{Subscribers: make([]Subscriber, len(resp.SubscriberList)), Total: int64(resp.SubscriberNum), Next: string(resp.Next)}
	for i, x := range resp.SubscriberList {
		p.Subscribers[i] = Subscriber{UserID: string(x.UserID), SubscribedAt: wire.UnixTime(int64(x.SubscribeTime)),
			CustomString: x.CustomString, MsgFlag: x.MsgFlag, LastSendMsgTime: wire.UnixTime(int64(x.LastSendMsgTime))}
	}
	return p, nil
}

// Subscribers iterates over all subscribers of the official account, limit
// a page (0: MaxSubscriberPage), following Next until it is empty. An error
// ends the iteration (yielded once; a later page's error names the page); a
// page whose Next equals the cursor it was read at ends it with an error
// matching api.ErrCursorStuck (tim.ErrCursorStuck).
//
// REST: v4/official_account_open_http_svc/get_subscriber_info
func (s *Service) Subscribers(ctx context.Context, id string, limit int) iter.Seq2[Subscriber, error] {
	if limit == 0 {
		limit = MaxSubscriberPage
	}
	return pager.Walk("official: subscribers", "", func(next string) (pager.Page[Subscriber, string], error) {
		p, err := s.SubscribersPage(ctx, id, next, limit)
		if err != nil {
			return pager.Page[Subscriber, string]{}, err
		}
		return pager.Page[Subscriber, string]{Items: p.Subscribers, Next: p.Next, Done: p.Next == ""}, nil
	})
}

package push

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/dedupkey"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// Service sends all-member pushes and manages the user attributes and tags
// they target. It is safe for concurrent use.
type Service struct {
	d  api.Doer
	ep *userEndpoints
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("push.NewService", "nil Doer")
	}
	return &Service{d: d, ep: &allMemberEndpoints}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// Limits checked before any network call (sources in NOTES.md).
const (
	// MaxLifetime is the longest offline storage of a push (MsgLifeTime,
	// 604800 s).
	MaxLifetime = 7 * 24 * time.Hour
	// DedupWindow is how long Tencent remembers a MsgRandom: a push sent
	// again with the same MsgRandom within it is the same push task. It is
	// api.PushDedupWindow, the window im_push is declared with.
	DedupWindow = api.PushDedupWindow
	// MaxConditionTags caps TagsOr and TagsAnd (each).
	MaxConditionTags = 10
	// MaxTagBytes is the longest tag.
	MaxTagBytes = 50
	// MaxAttrs is how many push attributes an app can name ("0".."9").
	MaxAttrs = 10
	// MaxAttrBytes caps an attribute name and an attribute value.
	MaxAttrBytes = 50
	// MaxUsersPerCall caps the users of im_get_attr, im_set_attr,
	// im_remove_attr, im_get_tag, im_add_tag, im_remove_tag and
	// im_remove_all_tags; more are sent in several calls.
	MaxUsersPerCall = 100
	// MaxTagsPerUserPerCall caps the tags one user gets in one im_add_tag;
	// more are added in further calls.
	MaxTagsPerUserPerCall = 10
	// MaxTagsPerUser is how many tags a user can hold in all.
	MaxTagsPerUser = 100
	// MaxUserIDBytes is the longest UserID.
	MaxUserIDBytes = wire.MaxUserIDBytes
)

// Condition selects the users a push reaches; nil (or empty) means all
// users. Tags and attributes cannot be combined (Tencent's 90039); TagsOr
// and TagsAnd can, and then both must hold.
type Condition struct {
	// TagsOr: users holding any of these tags (≤ MaxConditionTags).
	TagsOr []string `json:"TagsOr,omitempty"`
	// TagsAnd: users holding all of these tags (≤ MaxConditionTags).
	TagsAnd []string `json:"TagsAnd,omitempty"`
	// AttrsOr: users matching any attribute name → value pair.
	AttrsOr map[string]string `json:"AttrsOr,omitempty"`
	// AttrsAnd: users matching all attribute name → value pairs.
	AttrsAnd map[string]string `json:"AttrsAnd,omitempty"`
}

func (c *Condition) empty() bool {
	return c == nil || (len(c.TagsOr) == 0 && len(c.TagsAnd) == 0 && len(c.AttrsOr) == 0 && len(c.AttrsAnd) == 0)
}

func (c *Condition) check() error {
	if c.empty() {
		return nil
	}
	tags := len(c.TagsOr) > 0 || len(c.TagsAnd) > 0
	attrs := len(c.AttrsOr) > 0 || len(c.AttrsAnd) > 0
	if tags && attrs {
		return wire.Invalid("Condition", "tags and attributes cannot be combined in one push")
	}
	for _, l := range []struct {
		field string
		tags  []string
	}{{"Condition.TagsOr", c.TagsOr}, {"Condition.TagsAnd", c.TagsAnd}} {
		if len(l.tags) > MaxConditionTags {
			return wire.Invalid(l.field, "%d tags, limit is %d", len(l.tags), MaxConditionTags)
		}
		for i, t := range l.tags {
			if err := checkTag(fmt.Sprintf("%s[%d]", l.field, i), t); err != nil {
				return err
			}
		}
	}
	for _, m := range []struct {
		field string
		attrs map[string]string
	}{{"Condition.AttrsOr", c.AttrsOr}, {"Condition.AttrsAnd", c.AttrsAnd}} {
		if len(m.attrs) > MaxAttrs {
			return wire.Invalid(m.field, "%d attributes, an app has at most %d", len(m.attrs), MaxAttrs)
		}
		for _, k := range sortedKeys(m.attrs) {
			if err := checkAttr(m.field+"["+strconv.Quote(k)+"]", k, m.attrs[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Push is one all-member push.
type Push struct {
	// From is the sender the users see (From_Account); empty: the admin.
	From string
	// Body is the message (MsgBody), built like any message.
	Body message.Body
	// Condition selects the users; nil pushes to everyone.
	Condition *Condition
	// Lifetime is MsgLifeTime: offline storage in whole seconds, at most
	// MaxLifetime; 0 (the default) reaches online users only.
	Lifetime time.Duration
	// OfflinePush customises the offline notification.
	OfflinePush *message.OfflinePushInfo
	// Random is MsgRandom, Tencent's dedup key for DedupWindow: a push sent
	// with a Random already used within it is taken for that push task,
	// whatever its content, and not pushed. Zero means "draw one on the
	// first Send". A drawn Random is bound to From, Body, Condition,
	// Lifetime and OfflinePush: sending the same unchanged *Push again is a
	// resend (same Random), changing any of them (a Push reused as a
	// template) draws a fresh one. A Random you set (or restore, e.g. from
	// an outbox row, to retry a push safely later) is always sent as it is:
	// its uniqueness is yours.
	Random uint32

	keys dedupkey.Binding
}

// FixRandom settles Random for the Push as it is now (see Random) and
// returns it: a drawn Random is kept while the content is unchanged and
// drawn again after a change; a Random you set is kept. Send calls it;
// call it yourself to learn the key before sending or before sharing the
// Push between goroutines (sending an unchanged Push only reads it).
func (p *Push) FixRandom() uint32 {
	body, err := json.Marshal(p.Body)
	if err != nil {
		body = nil // Send reports the error
	}
	p.fixRandomFor(body)
	return p.Random
}

// fixRandomFor settles Random for the encoded body.
func (p *Push) fixRandomFor(body []byte) {
	p.keys.Fix(p.fingerprint(body), &p.Random, nil, nil)
}

// fingerprint covers all a push's MsgRandom stands for: im_push dedups on
// MsgRandom alone, so any change to what is sent (sender, body, targeted
// users, offline storage, offline notification) is another push.
func (p *Push) fingerprint(body []byte) uint64 {
	h := dedupkey.New().Str(p.From).Bytes(body).U64(uint64(p.Lifetime))
	if c := p.Condition; c.empty() {
		h = h.Flag(false)
	} else {
		h = h.Flag(true).Strs(c.TagsOr).Strs(c.TagsAnd)
		for _, m := range []map[string]string{c.AttrsOr, c.AttrsAnd} {
			keys := sortedKeys(m)
			h = h.U64(uint64(len(keys)))
			for _, k := range keys {
				h = h.Str(k).Str(m[k])
			}
		}
	}
	if p.OfflinePush == nil {
		h = h.Flag(false)
	} else {
		op, _ := json.Marshal(p.OfflinePush) // plain strings and ints: cannot fail
		h = h.Flag(true).Bytes(op)
	}
	return uint64(h)
}

// Result is what Send returns.
type Result struct {
	// TaskID identifies the push task (TaskId).
	TaskID string
	// Random is the MsgRandom that was sent.
	Random uint32
}

func checkTag(field, t string) error {
	switch {
	case t == "":
		return wire.Invalid(field, "is empty")
	case !utf8.ValidString(t):
		return wire.Invalid(field, "is not valid UTF-8")
	case len(t) > MaxTagBytes:
		return wire.Invalid(field, "is %d bytes, limit is %d", len(t), MaxTagBytes)
	}
	return nil
}

func checkAttr(field, name, value string) error {
	switch {
	case name == "":
		return wire.Invalid(field, "attribute name is empty")
	case !utf8.ValidString(name) || !utf8.ValidString(value):
		return wire.Invalid(field, "is not valid UTF-8")
	case len(name) > MaxAttrBytes:
		return wire.Invalid(field, "attribute name is %d bytes, limit is %d", len(name), MaxAttrBytes)
	case len(value) > MaxAttrBytes:
		return wire.Invalid(field, "attribute value is %d bytes, limit is %d", len(value), MaxAttrBytes)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type pushRequest struct {
	From            string                   `json:"From_Account,omitempty"`
	MsgRandom       uint32                   `json:"MsgRandom"`
	MsgLifeTime     int64                    `json:"MsgLifeTime"`
	Condition       *Condition               `json:"Condition,omitempty"`
	MsgBody         json.RawMessage          `json:"MsgBody"`
	OfflinePushInfo *message.OfflinePushInfo `json:"OfflinePushInfo,omitempty"`
}

// Tencent drops a push whose MsgRandom it has seen within 7 days; the push
// keeps its MsgRandom across attempts.
var epPush = catalog.Declare(api.Endpoint{Path: "all_member_push/im_push", Safety: api.Deduped, DedupWindow: api.PushDedupWindow})

// Send validates p, settles its MsgRandom (FixRandom) and starts the push.
// A timeout or a transient failure is retried with the byte-identical
// request: Tencent's 7-day MsgRandom dedup absorbs the resend. Sending the
// same unchanged *Push again later reuses the same MsgRandom, so a push
// that may have gone out is never pushed twice within DedupWindow; a *Push
// changed since (another body, condition, …) gets a fresh MsgRandom unless
// you set Random yourself, so it is not swallowed as a duplicate.
//
// All-member push needs the Pro, Pro Plus or Enterprise edition; Tencent
// caps how often it may be called (see NOTES.md).
//
// REST: v4/all_member_push/im_push
func (s *Service) Send(ctx context.Context, p *Push) (*Result, error) {
	if p == nil {
		return nil, wire.Invalid("MsgBody", "no push given")
	}
	if len(p.Body) == 0 {
		return nil, wire.Invalid("MsgBody", "is empty: a push needs at least one element")
	}
	body, err := json.Marshal(p.Body)
	if err != nil {
		return nil, err
	}
	if len(body) > message.MaxBodyBytes {
		return nil, wire.Invalid("MsgBody", "encodes to %d bytes, limit is %d", len(body), message.MaxBodyBytes)
	}
	if p.From != "" {
		if err := wire.CheckUserID("From_Account", p.From); err != nil {
			return nil, err
		}
	}
	switch {
	case p.Lifetime < 0 || p.Lifetime > MaxLifetime:
		return nil, wire.Invalid("MsgLifeTime", "%s out of range 0..%s", p.Lifetime, MaxLifetime)
	case p.Lifetime%time.Second != 0:
		return nil, wire.Invalid("MsgLifeTime", "%s is not a whole number of seconds", p.Lifetime)
	}
	if err := p.Condition.check(); err != nil {
		return nil, err
	}
	p.fixRandomFor(body)
	req := pushRequest{
		From: p.From, MsgRandom: p.Random, MsgLifeTime: int64(p.Lifetime / time.Second),
		MsgBody: body, OfflinePushInfo: p.OfflinePush,
	}
	if !p.Condition.empty() {
		req.Condition = p.Condition
	}
	var resp struct {
		envelope
		TaskID wire.FlexString `json:"TaskId"`
	}
	if err := s.d.Do(ctx, epPush, &req, &resp); err != nil {
		return nil, err
	}
	return &Result{TaskID: string(resp.TaskID), Random: req.MsgRandom}, nil
}

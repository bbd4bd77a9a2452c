package relation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Service manages the relationship chain: friends, friend groups, the
// blacklist and follows. It is safe for concurrent use.
type Service struct {
	d api.Doer
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("relation.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// Per-call caps. Calls given more split into several requests; see NOTES.md
// for the sources and where they disagree (the smaller figure is used).
const (
	// MaxAddPerCall caps AddFriendItem of friend_add and friend_import and
	// UpdateItem of friend_update.
	MaxAddPerCall = 100
	// MaxDeletePerCall caps To_Account of friend_delete.
	MaxDeletePerCall = 1000
	// MaxCheckPerCall caps To_Account of friend_check (older docs: 1000).
	MaxCheckPerCall = 100
	// MaxGetListPerCall caps To_Account of friend_get_list (Tencent's advice,
	// so that the answer does not grow too large).
	MaxGetListPerCall = 100
	// MaxBlacklistPerCall caps To_Account of black_list_add, black_list_delete
	// and black_list_check.
	MaxBlacklistPerCall = 1000
	// MaxGroupNamesPerCall caps GroupName of group_add, group_delete and
	// group_get.
	MaxGroupNamesPerCall = 100
	// MaxGroupMembersPerCall caps To_Account of group_add. It is not split:
	// a second group_add would try to create the same groups again.
	MaxGroupMembersPerCall = 1000
	// MaxFollowPerCall caps follow_add, follow_delete and follow_get_info.
	MaxFollowPerCall = 20
	// MaxFollowCheckPerCall caps To_Account of follow_check.
	MaxFollowCheckPerCall = 100
	// MaxFollowPageSize caps WantNum of follow_get (default 100).
	MaxFollowPageSize = 1000

	// MaxUserIDBytes is the longest UserID.
	MaxUserIDBytes = wire.MaxUserIDBytes
	// MaxRemarkBytes is the longest friend remark.
	MaxRemarkBytes = 96
	// MaxGroupNameBytes is the longest friend-group name.
	MaxGroupNameBytes = 30
	// MaxAddWordingBytes is the longest add-friend message.
	MaxAddWordingBytes = 256
)

// Result codes of the per-account items worth telling apart.
const (
	// CodePending (30539): the target asks to confirm friend requests, so
	// friend_add left a pending request instead of a friendship.
	CodePending = 30539
	// CodeInvalidAccount (30002) is given to accounts Tencent lists in
	// Invalid_Account without an item of their own.
	CodeInvalidAccount = 30002
	// CodeUnreported (-1) is given to accounts Tencent lists in Fail_Account
	// without an item of their own; it is not a Tencent code.
	CodeUnreported = -1
)

// ItemResult is one account's outcome in a batch call: Tencent answers
// per account (ResultItem) and a failed account does not fail the call.
type ItemResult struct {
	// UserID is the account the result is about (To_Account).
	UserID string
	// ResultCode is 0 on success.
	ResultCode int
	// ResultInfo is Tencent's text for a failure.
	ResultInfo string
	op         string
}

// OK reports whether the account succeeded.
func (r ItemResult) OK() bool { return r.ResultCode == 0 }

// Pending reports a friend request left pending (CodePending).
func (r ItemResult) Pending() bool { return r.ResultCode == CodePending }

// Err returns nil on success, else a *tim.APIError (Op is the REST path)
// that matches the sentinel families by its code.
func (r ItemResult) Err() error {
	if r.ResultCode == 0 {
		return nil
	}
	return &api.Error{Op: r.op, HTTPStatus: 200, Code: r.ResultCode, Info: r.ResultInfo}
}

// Results are the per-account outcomes of a batch call, in Tencent's order.
type Results []ItemResult

// Failed returns the results that did not succeed.
func (rs Results) Failed() Results {
	var out Results
	for _, r := range rs {
		if !r.OK() {
			out = append(out, r)
		}
	}
	return out
}

// OK reports whether every account succeeded.
func (rs Results) OK() bool {
	for _, r := range rs {
		if !r.OK() {
			return false
		}
	}
	return true
}

// Get returns the result for userID.
func (rs Results) Get(userID string) (ItemResult, bool) {
	for _, r := range rs {
		if r.UserID == userID {
			return r, true
		}
	}
	return ItemResult{}, false
}

// itemWire is a ResultItem (and the common part of InfoItem and friends),
// decoded tolerantly.
type itemWire struct {
	ToAccount  wire.FlexString `json:"To_Account"`
	ResultCode wire.FlexInt    `json:"ResultCode"`
	ResultInfo wire.FlexString `json:"ResultInfo"`
}

func (w itemWire) result(op string) ItemResult {
	return ItemResult{UserID: string(w.ToAccount), ResultCode: int(w.ResultCode), ResultInfo: string(w.ResultInfo), op: op}
}

// batchWire is the per-account part of a batch answer.
type batchWire struct {
	ResultItem     []itemWire        `json:"ResultItem"`
	FailAccount    []wire.FlexString `json:"Fail_Account"`
	InvalidAccount []wire.FlexString `json:"Invalid_Account"`
}

// results converts ResultItem and adds an item for each account listed in
// Fail_Account or Invalid_Account without one, so nothing is swallowed.
func (b *batchWire) results(op string) Results {
	out := make(Results, 0, len(b.ResultItem))
	seen := make(map[string]bool, len(b.ResultItem))
	for _, it := range b.ResultItem {
		r := it.result(op)
		out = append(out, r)
		seen[r.UserID] = true
	}
	for _, id := range b.InvalidAccount {
		if s := string(id); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, ItemResult{UserID: s, ResultCode: CodeInvalidAccount, ResultInfo: "listed in Invalid_Account", op: op})
		}
	}
	for _, id := range b.FailAccount {
		if s := string(id); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, ItemResult{UserID: s, ResultCode: CodeUnreported, ResultInfo: "listed in Fail_Account without a ResultItem", op: op})
		}
	}
	return out
}

// Value is the value of a relationship or profile field as Tencent sends
// it: a string, an integer, a list of strings or a buffer. It keeps the raw
// JSON and reads it tolerantly.
type Value struct {
	raw json.RawMessage
}

// String returns a string Value.
func String(s string) Value {
	b, _ := json.Marshal(s)
	return Value{raw: b}
}

// Int returns an integer Value.
func Int(n int64) Value { return Value{raw: strconv.AppendInt(nil, n, 10)} }

// Strings returns a list Value (e.g. friend groups).
func Strings(ss ...string) Value {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss)
	return Value{raw: b}
}

// RawValue returns a Value holding raw JSON as is.
func RawValue(raw json.RawMessage) Value { return Value{raw: bytes.Clone(raw)} }

// IsZero reports whether the Value is absent or null.
func (v Value) IsZero() bool {
	t := bytes.TrimSpace(v.raw)
	return len(t) == 0 || string(t) == "null"
}

// Raw returns the JSON as received.
func (v Value) Raw() json.RawMessage { return v.raw }

// Str returns the value as a string: a JSON string as is, a number in its
// decimal form; ok is false for anything else.
func (v Value) Str() (string, bool) {
	t := bytes.TrimSpace(v.raw)
	if len(t) == 0 {
		return "", false
	}
	switch t[0] {
	case '"':
		var s string
		if json.Unmarshal(t, &s) != nil {
			return "", false
		}
		return s, true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(t), true
	}
	return "", false
}

// Int64 returns the value as an integer, accepting a number or a numeric
// string.
func (v Value) Int64() (int64, bool) {
	var f wire.FlexInt
	t := bytes.TrimSpace(v.raw)
	if len(t) == 0 || (t[0] != '"' && t[0] != '-' && (t[0] < '0' || t[0] > '9')) {
		return 0, false
	}
	if f.UnmarshalJSON(t) != nil {
		return 0, false
	}
	return int64(f), true
}

// List returns the value as a list of strings: a JSON array (its string and
// number elements), or a single string as a one-element list.
func (v Value) List() []string {
	t := bytes.TrimSpace(v.raw)
	if len(t) == 0 {
		return nil
	}
	if t[0] != '[' {
		if s, ok := v.Str(); ok && s != "" {
			return []string{s}
		}
		return nil
	}
	var elems []json.RawMessage
	if json.Unmarshal(t, &elems) != nil {
		return nil
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if s, ok := (Value{raw: e}).Str(); ok {
			out = append(out, s)
		}
	}
	return out
}

// MarshalJSON implements json.Marshaler; an empty Value encodes as null.
func (v Value) MarshalJSON() ([]byte, error) {
	if len(bytes.TrimSpace(v.raw)) == 0 {
		return []byte("null"), nil
	}
	if !json.Valid(v.raw) {
		return nil, fmt.Errorf("relation: Value is not valid JSON")
	}
	return v.raw, nil
}

// UnmarshalJSON implements json.Unmarshaler; it keeps a copy of the JSON.
func (v *Value) UnmarshalJSON(b []byte) error {
	v.raw = bytes.Clone(b)
	return nil
}

// Item is one field: a Tag (Tag_SNS_IM_Remark, Tag_SNS_Custom_…,
// Tag_Profile_IM_Nick, …) and its Value.
type Item struct {
	Tag   string `json:"Tag"`
	Value Value  `json:"Value"`
}

// Standard relationship-chain tags, and the prefix of custom friend fields
// (declared in the IM console).
const (
	TagRemark       = "Tag_SNS_IM_Remark"
	TagGroup        = "Tag_SNS_IM_Group"
	TagAddSource    = "Tag_SNS_IM_AddSource"
	TagAddWording   = "Tag_SNS_IM_AddWording"
	TagAddTime      = "Tag_SNS_IM_AddTime"
	TagRemarkTime   = "Tag_SNS_IM_RemarkTime"
	CustomTagPrefix = "Tag_SNS_Custom_"
)

// Items is a list of fields with accessors for the standard ones.
type Items []Item

// Get returns the value of tag.
func (it Items) Get(tag string) (Value, bool) {
	for _, i := range it {
		if i.Tag == tag {
			return i.Value, true
		}
	}
	return Value{}, false
}

func (it Items) str(tag string) string {
	v, _ := it.Get(tag)
	s, _ := v.Str()
	return s
}

// Remark returns Tag_SNS_IM_Remark.
func (it Items) Remark() string { return it.str(TagRemark) }

// Groups returns Tag_SNS_IM_Group, the friend groups.
func (it Items) Groups() []string {
	v, _ := it.Get(TagGroup)
	return v.List()
}

// AddSource returns Tag_SNS_IM_AddSource.
func (it Items) AddSource() string { return it.str(TagAddSource) }

// AddWording returns Tag_SNS_IM_AddWording.
func (it Items) AddWording() string { return it.str(TagAddWording) }

// AddTime returns Tag_SNS_IM_AddTime, Unix seconds on the wire (the zero
// time when absent).
func (it Items) AddTime() time.Time { return it.time(TagAddTime) }

// RemarkTime returns Tag_SNS_IM_RemarkTime, Unix seconds on the wire (the
// zero time when absent).
func (it Items) RemarkTime() time.Time { return it.time(TagRemarkTime) }

func (it Items) time(tag string) time.Time {
	v, _ := it.Get(tag)
	n, _ := v.Int64()
	return wire.UnixTime(n)
}

// validation helpers

// checkFromTo checks the account a call is about (From_Account) and the
// accounts it names (To_Account), and returns those without repeats.
func checkFromTo(from string, userIDs []string) ([]string, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if err := wire.CheckUserIDs("To_Account", userIDs); err != nil {
		return nil, err
	}
	return dedupe(userIDs), nil
}

// fromTo is the request of the calls about one account and a list of
// others; calls with more fields embed it.
type fromTo struct {
	From      string   `json:"From_Account"`
	ToAccount []string `json:"To_Account"`
}

// eachFromTo calls fn with the request for each run of at most size of
// ids; an error names the failing run ("relation: <what> lo..hi of n").
func eachFromTo(from string, ids []string, size int, what string, fn func(req fromTo) error) error {
	return wire.ChunksNamed(len(ids), size, "relation: "+what, func(lo, hi int) error {
		return fn(fromTo{From: from, ToAccount: ids[lo:hi]})
	})
}

// fromToBatch makes a call that takes a fromTo and answers a ResultItem
// batch, in calls of at most size accounts.
func (s *Service) fromToBatch(ctx context.Context, e api.Endpoint, size int, from string, userIDs []string) (Results, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	var out Results
	err = eachFromTo(from, ids, size, "accounts", func(req fromTo) error {
		var resp struct {
			envelope
			batchWire
		}
		if err := s.d.Do(ctx, e, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.results(e.Path)...)
		return nil
	})
	return out, err
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

// dedupe drops repeated ids, keeping the first occurrence.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

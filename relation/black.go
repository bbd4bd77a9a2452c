package relation

import (
	"context"
	"iter"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/pager"
	"github.com/timkit/tim/internal/wire"
)

// BlackCheckType says whether black_list_check looks at one side or both.
type BlackCheckType string

// Blacklist check types.
const (
	BlackCheckSingle BlackCheckType = "BlackCheckResult_Type_Single"
	BlackCheckBoth   BlackCheckType = "BlackCheckResult_Type_Both"
)

// BlackRelation is black_list_check's answer for one account.
type BlackRelation string

// Blacklist relations (A is From_Account, B the checked account).
const (
	BlackBoth   BlackRelation = "BlackCheckResult_Type_BothWay"
	BlackAWithB BlackRelation = "BlackCheckResult_Type_AWithB" // B is in A's blacklist only
	BlackBWithA BlackRelation = "BlackCheckResult_Type_BWithA" // A is in B's blacklist only
	BlackNone   BlackRelation = "BlackCheckResult_Type_NO"
)

// DefaultBlacklistPageSize is the MaxLimited the iterator asks for.
const DefaultBlacklistPageSize = 100

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epBlackAdd = catalog.Declare(api.Endpoint{Path: "sns/black_list_add", Safety: api.Idempotent})

// AddToBlacklist puts accounts on from's blacklist, in calls of
// MaxBlacklistPerCall.
//
// REST: v4/sns/black_list_add
func (s *Service) AddToBlacklist(ctx context.Context, from string, userIDs []string) (Results, error) {
	return s.fromToBatch(ctx, epBlackAdd, MaxBlacklistPerCall, from, userIDs)
}

// Removing what is already gone changes nothing: a resend is harmless.
var epBlackDelete = catalog.Declare(api.Endpoint{Path: "sns/black_list_delete", Safety: api.Idempotent})

// RemoveFromBlacklist takes accounts off from's blacklist, in calls of
// MaxBlacklistPerCall.
//
// REST: v4/sns/black_list_delete
func (s *Service) RemoveFromBlacklist(ctx context.Context, from string, userIDs []string) (Results, error) {
	return s.fromToBatch(ctx, epBlackDelete, MaxBlacklistPerCall, from, userIDs)
}

// Blocked is one blacklist entry.
type Blocked struct {
	UserID string
	// Since is AddBlackTimeStamp.
	Since time.Time
}

// BlacklistPage is one black_list_get answer.
type BlacklistPage struct {
	Entries []Blocked
	// NextStartIndex is the StartIndex of the following page; 0 when the
	// list has been read to the end.
	NextStartIndex int
	// Sequence is the blacklist's current version (CurrentSequence).
	Sequence uint64
}

// Done reports whether the list has been read to the end.
func (p *BlacklistPage) Done() bool { return p.NextStartIndex == 0 }

type blackGetResp struct {
	envelope
	BlackListItem []struct {
		ToAccount         wire.FlexString `json:"To_Account"`
		AddBlackTimeStamp wire.FlexInt    `json:"AddBlackTimeStamp"`
	} `json:"BlackListItem"`
	StartIndex wire.FlexInt `json:"StartIndex"`
	// The documented answer spells it CurruentSequence; accept both.
	CurrentSequence  *wire.FlexUint64 `json:"CurrentSequence"`
	CurruentSequence *wire.FlexUint64 `json:"CurruentSequence"`
}

func (r *blackGetResp) page() *BlacklistPage {
	p := &BlacklistPage{Entries: make([]Blocked, len(r.BlackListItem)), NextStartIndex: int(r.StartIndex)}
	switch {
	case r.CurrentSequence != nil:
		p.Sequence = uint64(*r.CurrentSequence)
	case r.CurruentSequence != nil:
		p.Sequence = uint64(*r.CurruentSequence)
	}
	for i, b := range r.BlackListItem {
		p.Entries[i] = Blocked{UserID: string(b.ToAccount), Since: wire.UnixTime(int64(b.AddBlackTimeStamp))}
	}
	return p
}

// A read: a resend changes nothing.
var epBlackGet = catalog.Declare(api.Endpoint{Path: "sns/black_list_get", Safety: api.Idempotent})

// BlacklistPage reads one page of from's blacklist from startIndex (0
// first), at most pageSize entries (MaxLimited; 0 means
// DefaultBlacklistPageSize). lastSequence is the Sequence of an earlier
// read, or 0.
//
// REST: v4/sns/black_list_get
func (s *Service) BlacklistPage(ctx context.Context, from string, startIndex, pageSize int, lastSequence uint64) (*BlacklistPage, error) {
	if err := wire.CheckUserID("From_Account", from); err != nil {
		return nil, err
	}
	if startIndex < 0 {
		return nil, wire.Invalid("StartIndex", "must not be negative")
	}
	switch {
	case pageSize == 0:
		pageSize = DefaultBlacklistPageSize
	case pageSize < 0:
		return nil, wire.Invalid("MaxLimited", "must be positive")
	}
	req := struct {
		From         string `json:"From_Account"`
		StartIndex   int    `json:"StartIndex"`
		MaxLimited   int    `json:"MaxLimited"`
		LastSequence uint64 `json:"LastSequence"`
	}{from, startIndex, pageSize, lastSequence}
	var resp blackGetResp
	if err := s.d.Do(ctx, epBlackGet, &req, &resp); err != nil {
		return nil, err
	}
	return resp.page(), nil
}

// Blacklist iterates over from's whole blacklist, pageSize entries a call
// (0: DefaultBlacklistPageSize). An error ends the iteration (yielded once;
// a later page's error names the page); an unfinished page whose StartIndex
// does not grow ends it with an error matching api.ErrCursorStuck
// (tim.ErrCursorStuck).
//
// REST: v4/sns/black_list_get
func (s *Service) Blacklist(ctx context.Context, from string, pageSize int) iter.Seq2[Blocked, error] {
	return pager.WalkIncreasing("relation: blacklist", 0, func(start int) (pager.Page[Blocked, int], error) {
		p, err := s.BlacklistPage(ctx, from, start, pageSize, 0)
		if err != nil {
			return pager.Page[Blocked, int]{}, err
		}
		return pager.Page[Blocked, int]{Items: p.Entries, Next: p.NextStartIndex, Done: p.Done() || len(p.Entries) == 0}, nil
	})
}

// BlacklistCheck is black_list_check's answer for one account.
type BlacklistCheck struct {
	ItemResult
	Relation BlackRelation
}

// A resend leaves the same result.
var epBlackCheck = catalog.Declare(api.Endpoint{Path: "sns/black_list_check", Safety: api.Idempotent})

// CheckBlacklist tells how each account relates to from's (and, with
// BlackCheckBoth, its own) blacklist, in calls of MaxBlacklistPerCall.
//
// REST: v4/sns/black_list_check
func (s *Service) CheckBlacklist(ctx context.Context, from string, userIDs []string, t BlackCheckType) ([]BlacklistCheck, error) {
	ids, err := checkFromTo(from, userIDs)
	if err != nil {
		return nil, err
	}
	switch t {
	case BlackCheckSingle, BlackCheckBoth:
	default:
		return nil, wire.Invalid("CheckType", "must be %q or %q, got %q", BlackCheckSingle, BlackCheckBoth, string(t))
	}
	var out []BlacklistCheck
	err = eachFromTo(from, ids, MaxBlacklistPerCall, "accounts", func(ft fromTo) error {
		req := struct {
			fromTo
			CheckType BlackCheckType `json:"CheckType"`
		}{ft, t}
		var resp struct {
			envelope
			BlackListCheckItem []struct {
				itemWire
				Relation wire.FlexString `json:"Relation"`
			} `json:"BlackListCheckItem"`
			InvalidAccount []wire.FlexString `json:"Invalid_Account"`
		}
		if err := s.d.Do(ctx, epBlackCheck, &req, &resp); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, it := range resp.BlackListCheckItem {
			r := it.result(epBlackCheck.Path)
			seen[r.UserID] = true
			out = append(out, BlacklistCheck{ItemResult: r, Relation: BlackRelation(it.Relation)})
		}
		for _, id := range resp.InvalidAccount {
			if s := string(id); s != "" && !seen[s] {
				out = append(out, BlacklistCheck{ItemResult: ItemResult{UserID: s, ResultCode: CodeInvalidAccount, ResultInfo: "listed in Invalid_Account", op: epBlackCheck.Path}})
			}
		}
		return nil
	})
	return out, err
}

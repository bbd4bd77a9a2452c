package account

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Tencent's per-call caps.
const (
	// MaxPerCall caps multiaccount_import, account_check and account_delete.
	MaxPerCall = 100
	// MaxOnlineStatusPerCall caps query_online_status.
	MaxOnlineStatusPerCall = 500
)

// MaxUserIDBytes is Tencent's limit on a UserID.
const MaxUserIDBytes = wire.MaxUserIDBytes

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// Service manages accounts. It is safe for concurrent use.
type Service struct{ d api.Doer }

// NewService returns a Service that makes its calls through d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("account.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

// Account is a user to import.
type Account struct {
	UserID  string `json:"UserID"`
	Nick    string `json:"Nick,omitempty"`
	FaceURL string `json:"FaceUrl,omitempty"`
}

// Importing sets the nick and avatar to the values given: a resend has the
// same effect.
var importOne = catalog.Declare(api.Endpoint{Path: "im_open_login_svc/account_import", Safety: api.Idempotent})

// Import creates (or refreshes) one account so it can log in and receive
// messages. Importing an existing account succeeds.
//
// REST: v4/im_open_login_svc/account_import
func (s *Service) Import(ctx context.Context, a Account) error {
	if err := wire.CheckUserID("UserID", a.UserID); err != nil {
		return err
	}
	var resp envelope
	return s.d.Do(ctx, importOne, &a, &resp)
}

// ImportResult lists the accounts Tencent failed to import.
type ImportResult struct {
	// Failed holds the UserIDs that were not imported.
	Failed []string
}

// Importing an account that exists succeeds without a change.
var importMany = catalog.Declare(api.Endpoint{Path: "im_open_login_svc/multiaccount_import", Safety: api.Idempotent})

// ImportOption tunes ImportMany.
type ImportOption func(*importConfig)

type importConfig struct {
	progress func(done, total int)
}

// WithProgress has ImportMany call fn after each call it completes, with
// the number of UserIDs sent so far (accepted or listed in Failed) and the
// total. fn runs on ImportMany's goroutine, before the next call is made,
// so a slow fn slows the import; it is not called for a call that failed.
// A nil fn is ignored.
func WithProgress(fn func(done, total int)) ImportOption {
	return func(c *importConfig) { c.progress = fn }
}

// ImportMany imports any number of accounts by UserID, in calls of 100
// (Tencent's cap). On a call failure it stops and returns what was done so
// far with an error naming the batch; per-account failures are in Failed.
// WithProgress reports how far it got after each call.
//
// REST: v4/im_open_login_svc/multiaccount_import
func (s *Service) ImportMany(ctx context.Context, userIDs []string, opts ...ImportOption) (*ImportResult, error) {
	if err := wire.CheckUserIDs("Accounts", userIDs); err != nil {
		return nil, err
	}
	var cfg importConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	res := &ImportResult{}
	err := wire.Chunks(len(userIDs), MaxPerCall, func(lo, hi int) error {
		req := struct {
			Accounts []string `json:"Accounts"`
		}{userIDs[lo:hi]}
		var resp struct {
			envelope
			FailAccounts []string `json:"FailAccounts"`
		}
		if err := s.d.Do(ctx, importMany, &req, &resp); err != nil {
			return fmt.Errorf("tim: importing accounts %d..%d of %d: %w", lo, hi-1, len(userIDs), err)
		}
		res.Failed = append(res.Failed, resp.FailAccounts...)
		if cfg.progress != nil {
			cfg.progress(hi, len(userIDs))
		}
		return nil
	})
	return res, err
}

// Status is one account's answer to Check.
type Status struct {
	UserID string
	// Imported is true when the account exists.
	Imported bool
	// ResultCode is 0 when the check itself succeeded for this account.
	ResultCode int
	ResultInfo string
}

// A read: a resend changes nothing.
var check = catalog.Declare(api.Endpoint{Path: "im_open_login_svc/account_check", Safety: api.Idempotent})

// Check reports for each UserID whether it is imported, in calls of 100.
//
// REST: v4/im_open_login_svc/account_check
func (s *Service) Check(ctx context.Context, userIDs ...string) ([]Status, error) {
	if err := wire.CheckUserIDs("CheckItem", userIDs); err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(userIDs))
	err := wire.Chunks(len(userIDs), MaxPerCall, func(lo, hi int) error {
		type item struct {
			UserID string `json:"UserID"`
		}
		req := struct {
			CheckItem []item `json:"CheckItem"`
		}{make([]item, 0, hi-lo)}
		for _, id := range userIDs[lo:hi] {
			req.CheckItem = append(req.CheckItem, item{id})
		}
		var resp struct {
			envelope
			ResultItem []struct {
				UserID        string `json:"UserID"`
				ResultCode    int    `json:"ResultCode"`
				ResultInfo    string `json:"ResultInfo"`
				AccountStatus string `json:"AccountStatus"`
			} `json:"ResultItem"`
		}
		if err := s.d.Do(ctx, check, &req, &resp); err != nil {
			return err
		}
		for _, r := range resp.ResultItem {
			out = append(out, Status{UserID: r.UserID, Imported: r.AccountStatus == "Imported",
				ResultCode: r.ResultCode, ResultInfo: r.ResultInfo})
		}
		return nil
	})
	return out, err
}

// Result is one account's outcome in a batch operation.
type Result struct {
	UserID     string
	ResultCode int // 0 = done
	ResultInfo string
}

// Deleting an account that is gone is answered per account, not applied
// twice.
var deleteAccounts = catalog.Declare(api.Endpoint{Path: "im_open_login_svc/account_delete", Safety: api.Idempotent})

// Delete deletes accounts, in calls of 100. Per-account failures are
// reported in the results, not as an error.
//
// REST: v4/im_open_login_svc/account_delete
func (s *Service) Delete(ctx context.Context, userIDs ...string) ([]Result, error) {
	if err := wire.CheckUserIDs("DeleteItem", userIDs); err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(userIDs))
	err := wire.Chunks(len(userIDs), MaxPerCall, func(lo, hi int) error {
		type item struct {
			UserID string `json:"UserID"`
		}
		req := struct {
			DeleteItem []item `json:"DeleteItem"`
		}{make([]item, 0, hi-lo)}
		for _, id := range userIDs[lo:hi] {
			req.DeleteItem = append(req.DeleteItem, item{id})
		}
		var resp struct {
			envelope
			ResultItem []Result `json:"ResultItem"`
		}
		if err := s.d.Do(ctx, deleteAccounts, &req, &resp); err != nil {
			return err
		}
		out = append(out, resp.ResultItem...)
		return nil
	})
	return out, err
}

// A second kick finds no login left to invalidate.
var kick = catalog.Declare(api.Endpoint{Path: "im_open_login_svc/kick", Safety: api.Idempotent})

// Kick invalidates every device login of userID; its devices must log in
// again with a new usersig. Tencent fires State.StateChange for it.
//
// REST: v4/im_open_login_svc/kick
func (s *Service) Kick(ctx context.Context, userID string) error {
	if err := wire.CheckUserID("UserID", userID); err != nil {
		return err
	}
	req := struct {
		UserID string `json:"UserID"`
	}{userID}
	var resp envelope
	return s.d.Do(ctx, kick, &req, &resp)
}

// OnlineState is a user's or a device's state.
type OnlineState string

// Online states.
const (
	// StateOnline: connected to the IM backend.
	StateOnline OnlineState = "Online"
	// StatePushOnline: logged in, app in the background, reachable by offline push.
	StatePushOnline OnlineState = "PushOnline"
	// StateOffline: not logged in.
	StateOffline OnlineState = "Offline"
)

// DeviceState is one device's state (with OnlineStatusOptions.Detail).
type DeviceState struct {
	Platform string      `json:"Platform"` // iPhone, Android, Web, PC, iPad, Mac
	Status   OnlineState `json:"Status"`
}

// OnlineStatus is one user's state.
type OnlineStatus struct {
	UserID       string        `json:"To_Account"`
	Status       OnlineState   `json:"Status"`
	Detail       []DeviceState `json:"Detail,omitempty"`
	CustomStatus string        `json:"CustomStatus,omitempty"`
}

// UnmarshalJSON reads Status, or State when Status is absent: the same
// page (查询帐号在线状态_intl_en.md) shows "Status" in one answer and
// "State" in the other.
func (o *OnlineStatus) UnmarshalJSON(b []byte) error {
	type plain OnlineStatus
	var w struct {
		plain
		State OnlineState `json:"State"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = OnlineStatus(w.plain)
	if o.Status == "" {
		o.Status = w.State
	}
	return nil
}

// ItemError is a per-account failure in a batch answer.
type ItemError struct {
	UserID    string `json:"To_Account"`
	ErrorCode int    `json:"ErrorCode"` // 70107 = not imported
}

// OnlineStatusOptions tunes QueryOnlineStatus.
type OnlineStatusOptions struct {
	// Detail asks for each device's platform and state.
	Detail bool
	// CustomStatus asks for the users' custom status strings.
	CustomStatus bool
}

// OnlineStatusResult gathers the answers of every call.
type OnlineStatusResult struct {
	Statuses []OnlineStatus
	// Errors lists the accounts Tencent could not answer for (e.g. 70107).
	Errors []ItemError
}

// A read: a resend changes nothing.
var queryOnlineStatus = catalog.Declare(api.Endpoint{Path: "openim/query_online_status", Safety: api.Idempotent})

// QueryOnlineStatus reads whether users are online, in calls of 500.
//
// REST: v4/openim/query_online_status
func (s *Service) QueryOnlineStatus(ctx context.Context, userIDs []string, opts OnlineStatusOptions) (*OnlineStatusResult, error) {
	if err := wire.CheckUserIDs("To_Account", userIDs); err != nil {
		return nil, err
	}
	res := &OnlineStatusResult{Statuses: make([]OnlineStatus, 0, len(userIDs))}
	err := wire.Chunks(len(userIDs), MaxOnlineStatusPerCall, func(lo, hi int) error {
		req := struct {
			IsNeedDetail         int      `json:"IsNeedDetail,omitempty"`
			IsReturnCustomStatus int      `json:"IsReturnCustomStatus,omitempty"`
			ToAccount            []string `json:"To_Account"`
		}{IsNeedDetail: wire.BoolInt(opts.Detail), IsReturnCustomStatus: wire.BoolInt(opts.CustomStatus), ToAccount: userIDs[lo:hi]}
		var resp struct {
			envelope
			QueryResult []OnlineStatus `json:"QueryResult"`
			ErrorList   []ItemError    `json:"ErrorList"`
		}
		if err := s.d.Do(ctx, queryOnlineStatus, &req, &resp); err != nil {
			return err
		}
		res.Statuses = append(res.Statuses, resp.QueryResult...)
		res.Errors = append(res.Errors, resp.ErrorList...)
		return nil
	})
	return res, err
}

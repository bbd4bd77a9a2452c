package push

import (
	"context"
	"fmt"
	"strings"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// toAccounts is the request of the calls that take a list of users.
type toAccounts struct {
	ToAccount []string `json:"To_Account"`
}

// inUserRuns calls fn with each run of at most MaxUsersPerCall of items;
// an error names the failing run when there are several.
func inUserRuns[T any](items []T, fn func(run []T) error) error {
	return wire.ChunksNamed(len(items), MaxUsersPerCall, "push: users", func(lo, hi int) error {
		return fn(items[lo:hi])
	})
}

// readUsers checks userIDs, makes the call e for each run of them
// (To_Account) and hands each answer to each.
func readUsers[R any](ctx context.Context, s *Service, e api.Endpoint, userIDs []string, each func(resp *R)) error {
	if err := s.ep.checkAccounts("To_Account", userIDs); err != nil {
		return err
	}
	return inUserRuns(userIDs, func(run []string) error {
		var resp R
		if err := s.d.Do(ctx, e, &toAccounts{run}, &resp); err != nil {
			return err
		}
		each(&resp)
		return nil
	})
}

// writeUsers makes one call per run of at most MaxUsersPerCall items (the
// endpoint and body from build) and gathers the users each answer's
// ErrorList names.
func writeUsers[T any](ctx context.Context, s *Service, items []T, build func(run []T) (api.Endpoint, any)) error {
	var failed UserErrors
	err := inUserRuns(items, func(run []T) error {
		e, req := build(run)
		var resp userEnvelope
		if err := s.d.Do(ctx, e, req, &resp); err != nil {
			return err
		}
		failed = appendUserErrors(failed, resp.ErrorList)
		return nil
	})
	return failed.or(err)
}

// userError is one entry of an answer's ErrorList: a user the call could
// not serve while the others succeeded (the Push service's attribute and
// tag pages, e.g. https://cloud.tencent.com/document/product/269/100638).
type userError struct {
	ToAccount wire.FlexString `json:"To_Account"`
	ErrorCode int             `json:"ErrorCode"`
	ErrorInfo string          `json:"ErrorInfo"`
}

// userEnvelope is the answer of a write over users: the envelope and the
// users that failed.
type userEnvelope struct {
	envelope
	ErrorList []userError `json:"ErrorList"`
}

// UserError is a user a call could not serve while it served the others.
type UserError struct {
	// UserID is the account (To_Account): a UserID or a RegistrationID.
	UserID string
	// Code and Info are Tencent's error code (e.g. 70107: no such account)
	// and description (may be empty).
	Code int
	Info string
}

// UserErrors is the error of a call that succeeded for some users and
// failed for these (the answer's ErrorList). Reads return what they read
// alongside it; use errors.As to tell it from a failed call.
type UserErrors []UserError

func (e UserErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "push: %d user(s) failed:", len(e))
	for i, u := range e {
		if i == 5 {
			fmt.Fprintf(&b, " …")
			break
		}
		fmt.Fprintf(&b, " %s (%d)", u.UserID, u.Code)
	}
	return b.String()
}

// or returns err when there is one, else e as an error when it holds
// users, else nil.
func (e UserErrors) or(err error) error {
	if err != nil {
		return err
	}
	if len(e) > 0 {
		return e
	}
	return nil
}

func appendUserErrors(to UserErrors, list []userError) UserErrors {
	for _, u := range list {
		to = append(to, UserError{UserID: string(u.ToAccount), Code: u.ErrorCode, Info: u.ErrorInfo})
	}
	return to
}

package push

import (
	"context"

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
func readUsers[R any](ctx context.Context, d api.Doer, e api.Endpoint, userIDs []string, each func(resp *R)) error {
	if err := wire.CheckUserIDs("To_Account", userIDs); err != nil {
		return err
	}
	return inUserRuns(userIDs, func(run []string) error {
		var resp R
		if err := d.Do(ctx, e, &toAccounts{run}, &resp); err != nil {
			return err
		}
		each(&resp)
		return nil
	})
}

// write makes a call whose answer is only the envelope.
func (s *Service) write(ctx context.Context, e api.Endpoint, req any) error {
	var resp envelope
	return s.d.Do(ctx, e, req, &resp)
}

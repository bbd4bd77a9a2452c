package push

import (
	"context"
	"fmt"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// UserTags are one user's push tags.
type UserTags struct {
	UserID string   `json:"To_Account"`
	Tags   []string `json:"Tags"`
}

// A read: a resend changes nothing.
var epGetTag = catalog.Declare(api.Endpoint{Path: "all_member_push/im_get_tag", Safety: api.Idempotent})

// UserTags reads the push tags of users, in calls of MaxUsersPerCall.
//
// REST: v4/all_member_push/im_get_tag; v4/timpush/get_tag (PushService)
func (s *Service) UserTags(ctx context.Context, userIDs []string) ([]UserTags, error) {
	type answer struct {
		envelope
		ErrorList []userError `json:"ErrorList"`
		UserTags  []struct {
			ToAccount wire.FlexString   `json:"To_Account"`
			Tags      []wire.FlexString `json:"Tags"`
		} `json:"UserTags"`
	}
	var out []UserTags
	var failed UserErrors
	err := readUsers(ctx, s, s.ep.getTag, userIDs, func(resp *answer) {
		failed = appendUserErrors(failed, resp.ErrorList)
		for _, u := range resp.UserTags {
			t := UserTags{UserID: string(u.ToAccount), Tags: make([]string, 0, len(u.Tags))}
			for _, tag := range u.Tags {
				t.Tags = append(t.Tags, string(tag))
			}
			out = append(out, t)
		}
	})
	return out, failed.or(err)
}

func (e *userEndpoints) checkUserTags(users []UserTags) error {
	if len(users) == 0 {
		return wire.Invalid("UserTags", "no user given")
	}
	for i, u := range users {
		field := fmt.Sprintf("UserTags[%d]", i)
		if err := e.checkAccount(field+".To_Account", u.UserID); err != nil {
			return err
		}
		if len(u.Tags) == 0 {
			return wire.Invalid(field+".Tags", "no tag given")
		}
		for j, t := range u.Tags {
			if err := checkTag(fmt.Sprintf("%s.Tags[%d]", field, j), t); err != nil {
				return err
			}
		}
	}
	return nil
}

// tagRounds spreads users' tags over requests: at most MaxUsersPerCall
// users and MaxTagsPerUserPerCall tags per user each, a user at most once
// per request.
func tagRounds(users []UserTags) [][]UserTags {
	var out [][]UserTags
	for round := 0; ; round++ {
		var batch []UserTags
		for _, u := range users {
			lo := round * MaxTagsPerUserPerCall
			if lo >= len(u.Tags) {
				continue
			}
			batch = append(batch, UserTags{UserID: u.UserID, Tags: u.Tags[lo:min(lo+MaxTagsPerUserPerCall, len(u.Tags))]})
		}
		if len(batch) == 0 {
			return out
		}
		for lo := 0; lo < len(batch); lo += MaxUsersPerCall {
			out = append(out, batch[lo:min(lo+MaxUsersPerCall, len(batch))])
		}
	}
}

// Adding what is already there is refused or ignored per item: a resend
// adds nothing twice.
var epAddTag = catalog.Declare(api.Endpoint{Path: "all_member_push/im_add_tag", Safety: api.Idempotent})

// AddUserTags adds push tags to users. Tencent takes at most
// MaxUsersPerCall users and MaxTagsPerUserPerCall tags per user in one
// call; larger inputs are spread over several calls. A user holds at most
// MaxTagsPerUser tags: remove old ones first (Tencent answers 90046).
//
// REST: v4/all_member_push/im_add_tag; v4/timpush/add_tag (PushService)
func (s *Service) AddUserTags(ctx context.Context, users []UserTags) error {
	if err := s.ep.checkUserTags(users); err != nil {
		return err
	}
	for i, u := range users {
		if len(u.Tags) > MaxTagsPerUser {
			return wire.Invalid(fmt.Sprintf("UserTags[%d].Tags", i), "%d tags, a user holds at most %d", len(u.Tags), MaxTagsPerUser)
		}
	}
	rounds := tagRounds(users)
	var failed UserErrors
	for i, batch := range rounds {
		req := struct {
			UserTags []UserTags `json:"UserTags"`
		}{batch}
		var resp userEnvelope
		if err := s.d.Do(ctx, s.ep.addTag, &req, &resp); err != nil {
			if len(rounds) > 1 {
				return fmt.Errorf("push: add tags call %d of %d: %w", i+1, len(rounds), err)
			}
			return err
		}
		failed = appendUserErrors(failed, resp.ErrorList)
	}
	return failed.or(nil)
}

// Removing what is already gone changes nothing: a resend is harmless.
var epRemoveTag = catalog.Declare(api.Endpoint{Path: "all_member_push/im_remove_tag", Safety: api.Idempotent})

// RemoveUserTags removes push tags from users, in calls of
// MaxUsersPerCall.
//
// REST: v4/all_member_push/im_remove_tag
func (s *Service) RemoveUserTags(ctx context.Context, users []UserTags) error {
	if err := s.ep.checkUserTags(users); err != nil {
		return err
	}
	if s.ep.removeTag.Path == "" {
		return wire.Invalid("UserTags", "the Push service's remove_tag page was not read: use the all-member service (NOTES.md)")
	}
	return writeUsers(ctx, s, users, func(run []UserTags) (api.Endpoint, any) {
		return s.ep.removeTag, &struct {
			UserTags []UserTags `json:"UserTags"`
		}{run}
	})
}

// Removing what is already gone changes nothing: a resend is harmless.
var epRemoveAllTags = catalog.Declare(api.Endpoint{Path: "all_member_push/im_remove_all_tags", Safety: api.Idempotent})

// RemoveAllUserTags removes every push tag of users, in calls of
// MaxUsersPerCall.
//
// REST: v4/all_member_push/im_remove_all_tags; v4/timpush/clear_all_tags (PushService)
func (s *Service) RemoveAllUserTags(ctx context.Context, userIDs []string) error {
	if err := s.ep.checkAccounts("To_Account", userIDs); err != nil {
		return err
	}
	return writeUsers(ctx, s, userIDs, func(run []string) (api.Endpoint, any) {
		return s.ep.removeAllTags, &toAccounts{run}
	})
}

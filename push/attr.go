package push

import (
	"context"
	"fmt"
	"strconv"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetAttrName = catalog.Declare(api.Endpoint{Path: "all_member_push/im_set_attr_name", Safety: api.Idempotent})

// SetAttrNames names the app's push attributes: slot (0..9) → name
// (≤ MaxAttrBytes). Slots left out keep their names.
//
// REST: v4/all_member_push/im_set_attr_name; v4/timpush/set_attr_name (PushService)
func (s *Service) SetAttrNames(ctx context.Context, names map[int]string) error {
	if len(names) == 0 {
		return wire.Invalid("AttrNames", "no attribute name given")
	}
	wireNames := make(map[string]string, len(names))
	for slot, name := range names {
		field := fmt.Sprintf("AttrNames[%q]", strconv.Itoa(slot))
		if slot < 0 || slot >= MaxAttrs {
			return wire.Invalid(field, "slot %d out of range 0..%d", slot, MaxAttrs-1)
		}
		if err := checkAttr(field, name, ""); err != nil {
			return err
		}
		wireNames[strconv.Itoa(slot)] = name
	}
	req := struct {
		AttrNames map[string]string `json:"AttrNames"`
	}{wireNames}
	var resp envelope
	return s.d.Do(ctx, s.ep.setAttrName, &req, &resp)
}

// A read: a resend changes nothing.
var epGetAttrName = catalog.Declare(api.Endpoint{Path: "all_member_push/im_get_attr_name", Safety: api.Idempotent})

// AttrNames reads the app's push attribute names, slot → name.
//
// REST: v4/all_member_push/im_get_attr_name; v4/timpush/get_attr_name (PushService)
func (s *Service) AttrNames(ctx context.Context) (map[int]string, error) {
	var resp struct {
		envelope
		AttrNames map[string]wire.FlexString `json:"AttrNames"`
	}
	if err := s.d.Do(ctx, s.ep.getAttrName, struct{}{}, &resp); err != nil {
		return nil, err
	}
	out := make(map[int]string, len(resp.AttrNames))
	for k, v := range resp.AttrNames {
		slot, err := strconv.Atoi(k)
		if err != nil {
			continue // not a slot number: nothing Tencent documents
		}
		out[slot] = string(v)
	}
	return out, nil
}

// UserAttrs are one user's push attributes, name → value.
type UserAttrs struct {
	UserID string            `json:"To_Account"`
	Attrs  map[string]string `json:"Attrs"`
}

// UserAttrNames names attributes of one user (to remove).
type UserAttrNames struct {
	UserID string   `json:"To_Account"`
	Attrs  []string `json:"Attrs"`
}

// A read: a resend changes nothing.
var epGetAttr = catalog.Declare(api.Endpoint{Path: "all_member_push/im_get_attr", Safety: api.Idempotent})

// UserAttrs reads the push attributes of users, in calls of
// MaxUsersPerCall. A user without attributes comes back with an empty map.
//
// REST: v4/all_member_push/im_get_attr; v4/timpush/get_attr (PushService)
func (s *Service) UserAttrs(ctx context.Context, userIDs []string) ([]UserAttrs, error) {
	type answer struct {
		envelope
		ErrorList []userError `json:"ErrorList"`
		UserAttrs []struct {
			ToAccount wire.FlexString            `json:"To_Account"`
			Attrs     map[string]wire.FlexString `json:"Attrs"`
		} `json:"UserAttrs"`
	}
	var out []UserAttrs
	var failed UserErrors
	err := readUsers(ctx, s, s.ep.getAttr, userIDs, func(resp *answer) {
		failed = appendUserErrors(failed, resp.ErrorList)
		for _, u := range resp.UserAttrs {
			a := UserAttrs{UserID: string(u.ToAccount), Attrs: make(map[string]string, len(u.Attrs))}
			for k, v := range u.Attrs {
				a.Attrs[k] = string(v)
			}
			out = append(out, a)
		}
	})
	return out, failed.or(err)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetAttr = catalog.Declare(api.Endpoint{Path: "all_member_push/im_set_attr", Safety: api.Idempotent})

// SetUserAttrs sets push attributes of users (name the attributes first
// with SetAttrNames), in calls of MaxUsersPerCall.
//
// REST: v4/all_member_push/im_set_attr; v4/timpush/set_attr (PushService)
func (s *Service) SetUserAttrs(ctx context.Context, users []UserAttrs) error {
	if len(users) == 0 {
		return wire.Invalid("UserAttrs", "no user given")
	}
	for i, u := range users {
		field := fmt.Sprintf("UserAttrs[%d]", i)
		if err := s.ep.checkAccount(field+".To_Account", u.UserID); err != nil {
			return err
		}
		if len(u.Attrs) == 0 {
			return wire.Invalid(field+".Attrs", "no attribute given")
		}
		if len(u.Attrs) > MaxAttrs {
			return wire.Invalid(field+".Attrs", "%d attributes, an app has at most %d", len(u.Attrs), MaxAttrs)
		}
		for _, k := range sortedKeys(u.Attrs) {
			if err := checkAttr(field+".Attrs["+strconv.Quote(k)+"]", k, u.Attrs[k]); err != nil {
				return err
			}
		}
	}
	return writeUsers(ctx, s, users, func(run []UserAttrs) (api.Endpoint, any) {
		return s.ep.setAttr, &struct {
			UserAttrs []UserAttrs `json:"UserAttrs"`
		}{run}
	})
}

// Removing what is already gone changes nothing: a resend is harmless.
var epRemoveAttr = catalog.Declare(api.Endpoint{Path: "all_member_push/im_remove_attr", Safety: api.Idempotent})

// RemoveUserAttrs removes push attributes of users, in calls of
// MaxUsersPerCall.
//
// REST: v4/all_member_push/im_remove_attr; v4/timpush/remove_attr (PushService)
func (s *Service) RemoveUserAttrs(ctx context.Context, users []UserAttrNames) error {
	if len(users) == 0 {
		return wire.Invalid("UserAttrs", "no user given")
	}
	for i, u := range users {
		field := fmt.Sprintf("UserAttrs[%d]", i)
		if err := s.ep.checkAccount(field+".To_Account", u.UserID); err != nil {
			return err
		}
		if len(u.Attrs) == 0 {
			return wire.Invalid(field+".Attrs", "no attribute given")
		}
		for j, a := range u.Attrs {
			if err := checkAttr(fmt.Sprintf("%s.Attrs[%d]", field, j), a, ""); err != nil {
				return err
			}
		}
	}
	return writeUsers(ctx, s, users, func(run []UserAttrNames) (api.Endpoint, any) {
		return s.ep.removeAttr, &struct {
			UserAttrs []UserAttrNames `json:"UserAttrs"`
		}{run}
	})
}

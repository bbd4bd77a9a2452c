package push

import (
	"fmt"
	"regexp"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// userEndpoints are the attribute and tag commands one push service
// answers: all_member_push (the IM all-member push) or timpush (the Push
// service, TIMPush), whose pages document the same requests.
type userEndpoints struct {
	setAttrName, getAttrName, getAttr, setAttr, removeAttr api.Endpoint
	getTag, addTag, removeTag, removeAllTags               api.Endpoint
	// regIDs: accounts may be RegistrationIDs as well as UserIDs.
	regIDs bool
}

var allMemberEndpoints = userEndpoints{
	setAttrName: epSetAttrName, getAttrName: epGetAttrName, getAttr: epGetAttr, setAttr: epSetAttr,
	removeAttr: epRemoveAttr, getTag: epGetTag, addTag: epAddTag, removeTag: epRemoveTag, removeAllTags: epRemoveAllTags,
}

// The Push service's twins of the all_member_push commands keep their
// resend safety. Pages: https://cloud.tencent.com/document/product/269/111050
// (set_attr_name), 100635 (get_attr_name), 100638 (set_attr), 100639
// (remove_attr), 100640 (get_tag), 100641 (add_tag), 100643
// (clear_all_tags); get_attr: https://trtc.io/zh/document/67817.

// Naming attributes sets a state: a resend names them again.
var epPushSetAttrName = catalog.Declare(api.Endpoint{Path: "timpush/set_attr_name", Safety: api.Idempotent})

// A read: a resend changes nothing.
var epPushGetAttrName = catalog.Declare(api.Endpoint{Path: "timpush/get_attr_name", Safety: api.Idempotent})

// A read: a resend changes nothing.
var epPushGetAttr = catalog.Declare(api.Endpoint{Path: "timpush/get_attr", Safety: api.Idempotent})

// Setting attributes sets a state: a resend sets the same values.
var epPushSetAttr = catalog.Declare(api.Endpoint{Path: "timpush/set_attr", Safety: api.Idempotent})

// Removing what is already gone changes nothing: a resend is harmless.
var epPushRemoveAttr = catalog.Declare(api.Endpoint{Path: "timpush/remove_attr", Safety: api.Idempotent})

// A read: a resend changes nothing.
var epPushGetTag = catalog.Declare(api.Endpoint{Path: "timpush/get_tag", Safety: api.Idempotent})

// Adding a tag a user holds adds nothing: a resend adds nothing twice.
var epPushAddTag = catalog.Declare(api.Endpoint{Path: "timpush/add_tag", Safety: api.Idempotent})

// Clearing cleared tags changes nothing: a resend is harmless.
var epPushClearAllTags = catalog.Declare(api.Endpoint{Path: "timpush/clear_all_tags", Safety: api.Idempotent})

// timPushEndpoints has no removeTag: the Push service's remove-tag page
// was not read (NOTES.md).
var timPushEndpoints = userEndpoints{
	setAttrName: epPushSetAttrName, getAttrName: epPushGetAttrName, getAttr: epPushGetAttr, setAttr: epPushSetAttr,
	removeAttr: epPushRemoveAttr, getTag: epPushGetTag, addTag: epPushAddTag, removeAllTags: epPushClearAllTags,
	regIDs: true,
}

// PushService returns a Service whose attribute and tag methods
// (SetAttrNames, AttrNames, UserAttrs, SetUserAttrs, RemoveUserAttrs,
// UserTags, AddUserTags, RemoveAllUserTags) call the Push service (TIMPush,
// v4/timpush/…) instead of the IM all-member push (v4/all_member_push/…).
// Its users may be UserIDs or RegistrationIDs. RemoveUserTags is not
// available there (its page was not read). Users a call could not serve
// come back as UserErrors. The other methods are the same on both.
func (s *Service) PushService() *Service {
	c := *s
	c.ep = &timPushEndpoints
	return &c
}

// registrationID is the form of the RegistrationIDs on the Push service's
// pages ("379C2F0D-290D-47AE-94D1-919058C39C77": 8-4-4-4-12 hexadecimal
// digits). The pages give no other format or limit, so only that form is
// accepted besides a UserID.
var registrationID = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// checkPushAccount accepts a UserID or a RegistrationID.
func checkPushAccount(field, id string) error {
	if registrationID.MatchString(id) {
		return nil
	}
	return wire.CheckUserID(field, id)
}

// checkAccount checks an account of this service: a UserID, or on the
// Push service also a RegistrationID.
func (e *userEndpoints) checkAccount(field, id string) error {
	if e.regIDs {
		return checkPushAccount(field, id)
	}
	return wire.CheckUserID(field, id)
}

// checkAccounts checks a non-empty list of accounts.
func (e *userEndpoints) checkAccounts(field string, ids []string) error {
	if !e.regIDs {
		return wire.CheckUserIDs(field, ids)
	}
	if len(ids) == 0 {
		return wire.Invalid(field, "no account given")
	}
	for i, id := range ids {
		if err := checkPushAccount(fmt.Sprintf("%s[%d]", field, i), id); err != nil {
			return err
		}
	}
	return nil
}

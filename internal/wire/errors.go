package wire

import (
	"errors"
	"fmt"

	"github.com/timkit/tim/api"
)

// CredentialRejected reports whether the error says the app's credentials
// (key, app id, data centre, admin identifier) are wrong, as opposed to an
// expired sig that renewal fixes. 60010 (the identifier is not an app
// administrator) counts: no call can succeed as that identifier.
func CredentialRejected(err error) bool {
	if errors.Is(err, api.ErrUserSigInvalid) || errors.Is(err, api.ErrWrongRegion) {
		return true
	}
	var ae *api.Error
	return errors.As(err, &ae) && ae.Code == 60010
}

// Invalid builds an *api.InvalidInputError with a formatted reason.
func Invalid(field, format string, args ...any) error {
	return &api.InvalidInputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

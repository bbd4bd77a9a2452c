package tim

import "github.com/timkit/tim/internal/wire"

// APIError is a failure reported by Tencent: a non-zero ErrorCode in the
// response envelope (even under HTTP 200) or a non-200 HTTP status. Use
// errors.As to read it and errors.Is with the sentinels below to classify it.
type APIError = wire.APIError

// InvalidInputError is returned before any network call when an argument
// breaks a rule; it names the field and the limit, and matches
// ErrInvalidParameter.
type InvalidInputError = wire.InvalidInputError

// Error families, matched with errors.Is against any error the SDK returns.
var (
	ErrRateLimited        = wire.ErrRateLimited
	ErrUserSigExpired     = wire.ErrUserSigExpired
	ErrUserSigInvalid     = wire.ErrUserSigInvalid
	ErrWrongRegion        = wire.ErrWrongRegion
	ErrAccountNotFound    = wire.ErrAccountNotFound
	ErrGroupNotFound      = wire.ErrGroupNotFound
	ErrPermission         = wire.ErrPermission
	ErrInvalidParameter   = wire.ErrInvalidParameter
	ErrServerBusy         = wire.ErrServerBusy
	ErrRejectedByCallback = wire.ErrRejectedByCallback
	ErrConflict           = wire.ErrConflict
)

// Envelope is the status part of every REST response. Embed it in a
// response type passed to Client.Do to decode the body in one pass; the
// client turns a failed envelope into an *APIError.
type Envelope = wire.Envelope

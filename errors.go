package tim

import "github.com/timkit/tim/api"

// APIError is a failure reported by Tencent: a non-zero ErrorCode in the
// response envelope (even under HTTP 200) or a non-200 HTTP status; per-item
// results (a recipient of a batch, a group of a lookup) report theirs with
// it too. It is [api.Error], defined in package api so the area packages
// can build it; its fields are:
//
//	Op         string // the command path, "<service>/<command>"
//	HTTPStatus int    // the HTTP status of the answer (200 for most business errors)
//	Code       int    // Tencent's ErrorCode (0 when only the HTTP status failed)
//	Info       string // Tencent's ErrorInfo
//
// and its methods Error, Is (the sentinel families below) and Retryable.
// Read it with errors.As; classify it with errors.Is:
//
//	var ae *tim.APIError
//	if errors.As(err, &ae) && ae.Code == 70107 { … }
//	if errors.Is(err, tim.ErrAccountNotFound) { … }
type APIError = api.Error

// InvalidInputError is returned before any network call when an argument
// or an option breaks a rule. It is [api.InvalidInputError]; its fields are
//
//	Field  string // the request field or option at fault, e.g. "GroupId" or "WithTimeout"
//	Reason string // the rule it breaks, with the limit
//
// and it matches ErrInvalidParameter with errors.Is.
type InvalidInputError = api.InvalidInputError

// Error families, matched with errors.Is against any error the SDK returns;
// see package api for the Tencent codes of each.
var (
	// ErrRateLimited: Tencent's frequency controls or HTTP 429.
	ErrRateLimited = api.ErrRateLimited
	// ErrUserSigExpired: the admin UserSig expired (70001); the client renews
	// it and retries once before reporting this.
	ErrUserSigExpired = api.ErrUserSigExpired
	// ErrUserSigInvalid: the UserSig was rejected (wrong key, identifier or
	// app id, unparsable).
	ErrUserSigInvalid = api.ErrUserSigInvalid
	// ErrWrongRegion: the SDKAppID is unknown to this data centre.
	ErrWrongRegion = api.ErrWrongRegion
	// ErrAccountNotFound: an account is not imported.
	ErrAccountNotFound = api.ErrAccountNotFound
	// ErrGroupNotFound: the group does not exist or was destroyed.
	ErrGroupNotFound = api.ErrGroupNotFound
	// ErrPermission: the operation is not allowed for this caller.
	ErrPermission = api.ErrPermission
	// ErrInvalidParameter: Tencent refused the request as malformed, or the
	// SDK did before sending it (*InvalidInputError).
	ErrInvalidParameter = api.ErrInvalidParameter
	// ErrServerBusy: a transient server-side failure (retried where safe).
	ErrServerBusy = api.ErrServerBusy
	// ErrRejectedByCallback: the app's own "before" callback refused it.
	ErrRejectedByCallback = api.ErrRejectedByCallback
	// ErrConflict: the thing already exists.
	ErrConflict = api.ErrConflict
	// ErrClosed: the client was closed (Client.Close); nothing was sent.
	ErrClosed = api.ErrClosed
	// ErrCursorStuck: a paging iterator stopped because Tencent answered a
	// page with a cursor that does not advance.
	ErrCursorStuck = api.ErrCursorStuck
)

// Envelope is the status part of every REST response ([api.Envelope]:
// ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay). Embed it in a
// response type passed to Client.Do to decode the body in one pass; the
// client turns a failed envelope into an *APIError.
type Envelope = api.Envelope

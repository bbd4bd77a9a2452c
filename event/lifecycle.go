package event

import "time"

// Ready is SDK_READY: the client proved its credentials against Tencent
// (through Login or its first successful call) and is ready for use. It is
// emitted once per transition into the ready state.
type Ready struct {
	SDKAppID   uint64
	Identifier string // the admin identifier the client acts as
	At         time.Time
}

// EventName implements Event.
func (*Ready) EventName() Name { return SDKReady }

// NotReady is SDK_NOT_READY: Tencent rejected the client's credentials
// (wrong secret key, wrong SDKAppID, wrong data centre, an admin identifier
// that is not an admin) and renewing the usersig did not help. Err is the
// *tim.APIError that said so; Code its Tencent code.
type NotReady struct {
	SDKAppID   uint64
	Identifier string
	Code       int
	Reason     string
	Err        error
	At         time.Time
}

// EventName implements Event.
func (*NotReady) EventName() Name { return SDKNotReady }

package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/timkit/tim/internal/wire"
)

// Callback is one parsed Tencent callback: a typed struct per command
// (*C2CAfterSendMsg, *GroupAfterSendMsg, *StateChange, …, *UnknownCallback
// for commands this package does not know). Every Callback is an Event
// named CALLBACK_RECEIVED, so one On[*C2CAfterSendMsg] or
// OnName(CallbackReceived, …) reaches it. The raw body stays reachable.
type Callback interface {
	Event
	// Command is the CallbackCommand.
	Command() Command
	// Raw is the request body exactly as received. Do not modify it.
	Raw() json.RawMessage
	// Origin is what the callback URL said about the request (zero when
	// the callback came from Parse rather than the handler).
	Origin() Origin
	meta() *Meta
	// jsonForm is the callback as encoding/json sees it without its own
	// MarshalJSON and UnmarshalJSON: a pointer to the same memory, of a
	// type defined from the callback's.
	jsonForm() any
}

// Origin is what the callback URL carries besides the command:
// ?SdkAppid=…&ClientIP=…&OptPlatform=…&RequestTime=….
type Origin struct {
	SDKAppID uint64
	// ClientIP is the IP of the client that triggered the callback.
	ClientIP string
	// OptPlatform is the platform as sent ("iOS" or "IOS", "Web", "RESTAPI",
	// …); compare through Platform.Canonical.
	OptPlatform Platform
	// RequestTime is the signed request time (zero when authentication is
	// off).
	RequestTime time.Time
}

// Meta is embedded in every callback type: the command, the event time
// (when the command carries one) and the raw body. The callback types, not
// Meta, convert EventTime from and to JSON: decode a whole callback (or
// use Parse), not a Meta on its own.
type Meta struct {
	// CallbackCommand as the body spells it (the handler fills it from the
	// URL when the body omits it).
	CallbackCommand Command `json:"CallbackCommand"`
	// EventTime is when the event happened. Tencent sends it in Unix
	// milliseconds, as a string in group callbacks and as a number
	// elsewhere; both decode. Zero when absent (older C2C callbacks).
	EventTime time.Time `json:"-"`
	metaWire

	origin Origin
	raw    json.RawMessage
}

// metaWire is EventTime as Tencent sends it. Its field has the same name
// as Meta.EventTime, which hides it from other packages; encoding/json
// skips Meta.EventTime ("-") and uses this one.
type metaWire struct {
	EventTime unixMilli `json:"EventTime,omitempty"`
}

// Command implements Callback.
func (m *Meta) Command() Command { return m.CallbackCommand }

// Raw implements Callback.
func (m *Meta) Raw() json.RawMessage { return m.raw }

// Origin implements Callback.
func (m *Meta) Origin() Origin { return m.origin }

// EventName implements Event: every raw callback is CALLBACK_RECEIVED.
func (m *Meta) EventName() Name { return CallbackReceived }

func (m *Meta) meta() *Meta { return m }

func (m *Meta) fromWire() {
	m.EventTime = m.metaWire.EventTime.time()
	m.metaWire = metaWire{}
}

func (m *Meta) toWire() { m.metaWire.EventTime = unixMilliOf(m.EventTime) }

// unixMilli is a Unix time in milliseconds that decodes from a JSON number
// or a numeric string (Tencent's EventTime drifts between the two).
type unixMilli int64

// UnmarshalJSON implements json.Unmarshaler.
func (t *unixMilli) UnmarshalJSON(b []byte) error {
	// Fast path: plain digits, quoted or not (what Tencent sends).
	d := b
	if len(d) >= 2 && d[0] == '"' && d[len(d)-1] == '"' {
		d = d[1 : len(d)-1]
	}
	if n, ok := parseDigits(d); ok {
		*t = unixMilli(n)
		return nil
	}
	return (*wire.FlexInt)(t).UnmarshalJSON(b)
}

// parseDigits parses a non-empty run of at most 18 ASCII digits (no sign,
// no overflow possible).
func parseDigits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// time returns t as a time.Time (the zero Time for 0).
func (t unixMilli) time() time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(t))
}

// unixMilliOf is the inverse of unixMilli.time: 0 for the zero Time.
func unixMilliOf(t time.Time) unixMilli {
	if t.IsZero() {
		return 0
	}
	return unixMilli(t.UnixMilli())
}

// unixSeconds is the inverse of wire.UnixTime: 0 for the zero Time.
func unixSeconds(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Platform is a client platform as Tencent names it in OptPlatform and
// KickedDevice. State.StateChange spells iOS "IOS", other callbacks "iOS":
// compare through Canonical.
type Platform string

// Platforms (reference §6.1).
const (
	PlatformRESTAPI Platform = "RESTAPI"
	PlatformWeb     Platform = "Web"
	PlatformAndroid Platform = "Android"
	PlatformIOS     Platform = "iOS"
	PlatformWindows Platform = "Windows"
	PlatformMac     Platform = "Mac"
	PlatformIPad    Platform = "iPad"
	PlatformLinux   Platform = "Linux"
	PlatformUnknown Platform = "Unknown"
)

var platforms = [...]Platform{PlatformRESTAPI, PlatformWeb, PlatformAndroid, PlatformIOS, PlatformWindows,
	PlatformMac, PlatformIPad, PlatformLinux, PlatformUnknown}

// Canonical returns the platform constant p names, ignoring case ("IOS" →
// PlatformIOS); other values are returned unchanged.
func (p Platform) Canonical() Platform {
	for _, k := range platforms {
		if string(p) == string(k) {
			return k
		}
	}
	for _, k := range platforms {
		if strings.EqualFold(string(p), string(k)) {
			return k
		}
	}
	return p
}

// Parse errors. Every error Parse returns matches ErrMalformedBody.
var (
	// ErrMalformedBody: the body is not a JSON object of the command's shape.
	ErrMalformedBody = errors.New("event: malformed callback body")
	// ErrCommandMismatch: the URL and the body name different commands.
	ErrCommandMismatch = fmt.Errorf("%w: CallbackCommand in URL and body differ", ErrMalformedBody)
	// ErrNoCommand: neither the URL nor the body names a command.
	ErrNoCommand = fmt.Errorf("%w: no CallbackCommand", ErrMalformedBody)
)

// Parse decodes a callback body into the typed struct of command
// (*UnknownCallback for a command this package does not know). An empty
// command is taken from the body. Decoding is tolerant: missing and unknown
// fields never fail, and numbers sent as strings (or strings sent as
// numbers) are accepted; a body that is not a JSON object, or a field whose
// structure is wrong (an object where a list belongs, a MsgBody that is a
// number, …), fails with an error matching ErrMalformedBody.
//
// The returned callback keeps body (see Callback.Raw); do not modify it
// afterwards.
func Parse(command string, body []byte) (Callback, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformedBody)
	}
	cmd := Command(command)
	if cmd == "" {
		var probe struct {
			CallbackCommand string `json:"CallbackCommand"`
		}
		if err := decodeInto(trimmed, &probe); err != nil {
			return nil, err
		}
		cmd = Command(probe.CallbackCommand)
		if cmd == "" {
			return nil, ErrNoCommand
		}
	}
	var cb Callback
	if f, ok := factories[cmd]; ok {
		cb = f()
	} else {
		cb = new(UnknownCallback)
	}
	// The message callbacks' one-pass path first (fastparse.go); else
	// straight into the callback's memory, without its UnmarshalJSON
	// (which would have encoding/json scan the body twice more).
	var err error
	if f, ok := cb.(fastReader); !ok || !f.readFast(trimmed) {
		err = decodeInto(trimmed, cb.jsonForm())
	}
	fromWire(cb)
	if err != nil {
		return nil, err
	}
	m := cb.meta()
	switch {
	case m.CallbackCommand == "":
		m.CallbackCommand = cmd
	case m.CallbackCommand != cmd:
		return nil, ErrCommandMismatch
	}
	m.raw = body
	return cb, nil
}

// decodeInto decodes an object body into v: the plain encoding/json pass
// first, and only when that trips on a type mismatch, a tolerant pass that
// converts scalars to the types v expects.
func decodeInto(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) || !json.Valid(body) {
		return fmt.Errorf("%w: invalid JSON", ErrMalformedBody)
	}
	if err2 := decodeTolerant(body, v); err2 != nil {
		return fmt.Errorf("%w: %v", ErrMalformedBody, err2)
	}
	return nil
}

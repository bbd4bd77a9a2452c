package wire

// Envelope is the status part every REST response carries:
// {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}. Response types embed it
// (usually through an unexported alias) so the body is decoded once.
type Envelope struct {
	ActionStatus string `json:"ActionStatus,omitempty"`
	ErrorCode    int    `json:"ErrorCode"`
	ErrorInfo    string `json:"ErrorInfo,omitempty"`
	ErrorDisplay string `json:"ErrorDisplay,omitempty"`
}

// Env returns the envelope itself; it lets the transport find the envelope
// inside any response type that embeds it.
func (e *Envelope) Env() *Envelope { return e }

// Enveloped is implemented by every response type that embeds an Envelope.
type Enveloped interface {
	Env() *Envelope
}

// Failed reports whether the envelope describes a failure. Some APIs
// (openconfigsvr) omit ActionStatus; then ErrorCode alone decides.
func (e *Envelope) Failed() bool {
	if e.ErrorCode != 0 {
		return true
	}
	return e.ActionStatus != "" && e.ActionStatus != "OK"
}

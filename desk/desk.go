package desk

import (
	"context"
	"fmt"
	"iter"
	"unicode/utf8"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/chunkstream"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/robot"
)

// Service sends streamed answers into desk sessions. It is safe for
// concurrent use.
type Service struct {
	d   api.Doer
	lim robot.StreamLimits
}

// NewService returns a Service that makes its calls through d, or an
// *api.InvalidInputError for a nil d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("desk.NewService", "nil Doer")
	}
	return &Service{d: d, lim: DefaultStreamLimits}, nil
}

// DefaultStreamLimits are the limits Stream keeps: robot.DefaultStreamLimits
// (pacing, idle gap) with the text of a message kept below 12 KB. The desk
// stream page documents no size; its V2 page presents 128 KB as what V2
// adds, so V1 is read as bounded by IM's 12 KB message size (see NOTES.md).
var DefaultStreamLimits = func() robot.StreamLimits {
	l := robot.DefaultStreamLimits
	l.MaxBytes = 12 * 1024
	return l
}()

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

// StreamChunk is one call of a streamed answer into a desk session.
type StreamChunk struct {
	// SessionID identifies the desk session (SessionId).
	SessionID string
	// Chunk is this call's text.
	Chunk string
	// MsgKey is "" on the first call, then the key the first call returned.
	MsgKey string
	// Finish marks the last call.
	Finish bool
	// CloudCustomData is the message's custom data (optional).
	CloudCustomData string
}

// Each call appends text to a message the user (and later an agent) sees
// and Tencent documents no dedup key: a resend would show the chunk twice.
var epSendStream = catalog.Declare(api.Endpoint{Path: "desk_http_svc/send_stream_msg"})

// SendStreamChunk makes one call of a streamed answer and returns the
// message's MsgKey. Most callers want Stream.
//
// REST: v4/desk_http_svc/send_stream_msg
func (s *Service) SendStreamChunk(ctx context.Context, c StreamChunk) (msgKey string, err error) {
	if c.SessionID == "" {
		return "", wire.Invalid("SessionId", "is empty")
	}
	if c.Chunk == "" && (!c.Finish || c.MsgKey == "") {
		return "", wire.Invalid("Chunk", "is empty (only the final call of a started message may carry no text)")
	}
	req := struct {
		SessionID       string `json:"SessionId"`
		Chunk           string `json:"Chunk"`
		MsgKey          string `json:"MsgKey,omitempty"`
		Finish          int    `json:"Finish,omitempty"`
		CloudCustomData string `json:"CloudCustomData,omitempty"`
	}{c.SessionID, c.Chunk, c.MsgKey, wire.BoolInt(c.Finish), c.CloudCustomData}
	var resp struct {
		api.Envelope
		MsgKey string `json:"MsgKey"`
	}
	if err := s.d.Do(ctx, epSendStream, &req, &resp); err != nil {
		return "", err
	}
	if resp.MsgKey == "" {
		return c.MsgKey, nil
	}
	return resp.MsgKey, nil
}

// Stream sends an answer into the desk session as one streamed message,
// reading chunks as they are produced, with the rules of robot.Stream:
// paced calls (chunks joined), the MsgKey kept, a stalled message finished
// before the idle gap, a message split before the size limit, the held text
// sent as the final call when ctx ends, and a failed call never repeated
// (the error wraps robot.ErrChunkNotResent).
//
// REST: v4/desk_http_svc/send_stream_msg
func (s *Service) Stream(ctx context.Context, sessionID string, chunks iter.Seq[string]) (*robot.StreamResult, error) {
	if sessionID == "" {
		return nil, wire.Invalid("SessionId", "is empty")
	}
	if chunks == nil {
		return nil, wire.Invalid("chunks", "nil sequence")
	}
	send := func(ctx context.Context, c chunkstream.Call) (string, error) {
		return s.SendStreamChunk(ctx, StreamChunk{SessionID: sessionID, Chunk: c.Chunk, MsgKey: c.MsgKey, Finish: c.Finish})
	}
	res, err := chunkstream.Run(ctx, chunks, chunkstream.Limits(s.lim), send)
	return &robot.StreamResult{MsgKeys: res.MsgKeys, Calls: res.Calls, Bytes: res.Bytes}, err
}

// Ending a session that has ended already answers 141005 and changes
// nothing: a resend cannot end anything twice (it may surface 141005 for a
// first call that did succeed; see EndSession).
var epEndSession = catalog.Declare(api.Endpoint{Path: "desk_http_svc/end_session", Safety: api.Idempotent})

// EndSession ends the desk session sessionID. Tencent answers 141005 when
// the session does not exist or has ended already (which a retried call
// whose first answer was lost also gets), 141004 for an invalid parameter.
// The page marks SessionId optional but names it the session to end; the
// SDK requires it.
//
// REST: v4/desk_http_svc/end_session
func (s *Service) EndSession(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return wire.Invalid("SessionId", "is empty")
	}
	req := struct {
		SessionID string `json:"SessionId"`
	}{sessionID}
	var resp api.Envelope
	return s.d.Do(ctx, epEndSession, &req, &resp)
}

// Ending the queue of a session that no longer queues changes nothing
// (Tencent answers 141005 or 141027): a resend cannot end anything twice.
var epEndQueuing = catalog.Declare(api.Endpoint{Path: "desk_http_svc/end_queuing", Safety: api.Idempotent})

// EndQueuing ends the wait of a session queued for a human agent. Tencent
// answers 141005 when the session does not exist and 141027 when the
// user's state does not allow it (e.g. no longer queued). Note the key is
// "SessionID" on this page where end_session and send_stream_msg write
// "SessionId".
//
// REST: v4/desk_http_svc/end_queuing
func (s *Service) EndQueuing(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return wire.Invalid("SessionID", "is empty")
	}
	req := struct {
		SessionID string `json:"SessionID"`
	}{sessionID}
	var resp api.Envelope
	return s.d.Do(ctx, epEndQueuing, &req, &resp)
}

// SessionState is where a desk session stands, as get_session_state
// spells it (CurrentState).
type SessionState string

// The states of the get_session_state page
// (https://cloud.tencent.com/document/product/679/116639).
const (
	// StateNotInSession: the user is not in a session.
	StateNotInSession SessionState = "NotInSession"
	// StateChatbot: the chatbot is serving the user.
	StateChatbot SessionState = "Chatbot"
	// StateWaitingForAgentAnswering: an agent has been assigned and has
	// not yet accepted the session.
	StateWaitingForAgentAnswering SessionState = "WaitingForAgentAnswering"
	// StateQueueing: the user waits in the queue for a human agent. The
	// Chinese page writes "Queueing"; the international page's prose
	// writes "Queuing" (see Queued).
	StateQueueing SessionState = "Queueing"
	// StateAgent: a human agent is serving the user.
	StateAgent SessionState = "Agent"
)

// Queued reports whether the user waits for a human agent, under either
// spelling of the state the pages show ("Queueing", "Queuing").
func (st SessionState) Queued() bool { return st == StateQueueing || st == "Queuing" }

// SessionStatus is get_session_state's answer.
type SessionStatus struct {
	// SessionID is the session (SessionId).
	SessionID string
	// State is where the session stands (CurrentState).
	State SessionState
	// AgentID is the human agent's account when State is
	// StateWaitingForAgentAnswering or StateAgent, "" otherwise (AgentId).
	AgentID string
}

// Reading a session's state changes nothing: a resend is harmless.
var epSessionState = catalog.Declare(api.Endpoint{Path: "desk_http_svc/get_session_state", Safety: api.Idempotent})

// SessionState returns the state of the desk session sessionID (usable
// whatever way the user side is integrated). Tencent answers 141005 for a
// session that does not exist, 141004 for an invalid parameter.
//
// REST: v4/desk_http_svc/get_session_state
func (s *Service) SessionState(ctx context.Context, sessionID string) (*SessionStatus, error) {
	if sessionID == "" {
		return nil, wire.Invalid("SessionId", "is empty")
	}
	req := struct {
		SessionID string `json:"SessionId"`
	}{sessionID}
	return s.sessionState(ctx, &req)
}

// UserSessionState returns the state of the session between the user
// clientUserID and the customer-service account customerServiceID. The
// page limits this form to the "SDK 轻量开发" (lightweight SDK) way of
// integrating the user side; SessionState works for all of them.
//
// REST: v4/desk_http_svc/get_session_state
func (s *Service) UserSessionState(ctx context.Context, clientUserID, customerServiceID string) (*SessionStatus, error) {
	if err := wire.CheckUserID("ClientUserId", clientUserID); err != nil {
		return nil, err
	}
	if err := wire.CheckUserID("CustomerServiceId", customerServiceID); err != nil {
		return nil, err
	}
	req := struct {
		ClientUserID      string `json:"ClientUserId"`
		CustomerServiceID string `json:"CustomerServiceId"`
	}{clientUserID, customerServiceID}
	return s.sessionState(ctx, &req)
}

func (s *Service) sessionState(ctx context.Context, req any) (*SessionStatus, error) {
	var resp struct {
		api.Envelope
		SessionID    string       `json:"SessionId"`
		CurrentState SessionState `json:"CurrentState"`
		AgentID      string       `json:"AgentId"`
	}
	if err := s.d.Do(ctx, epSessionState, req, &resp); err != nil {
		return nil, err
	}
	return &SessionStatus{SessionID: resp.SessionID, State: resp.CurrentState, AgentID: resp.AgentID}, nil
}

// Transfer asks for a session to be handed to a human agent.
type Transfer struct {
	// SessionID is the session to hand over (SessionId, required).
	SessionID string
	// AgentIDs are the agents to assign (AgentIdList); none: Tencent
	// picks by its default policy.
	AgentIDs []string
	// AgentGroupID is the agent group to assign (AgentGroupId); 0: not
	// given, Tencent assigns by its default policy.
	AgentGroupID int
	// TipIfNoAgentOnline sends the user the "transfer failed" tip when no
	// agent is online (SendTipIfNoAgentOnline 1; Tencent's default is 0).
	TipIfNoAgentOnline bool
}

// Transferred is transfer_to_human's answer.
type Transferred struct {
	// AgentID is the human agent assigned (AgentId).
	AgentID string
	// Queued is true when the user now waits in the queue (IsInQueue 1).
	Queued bool
}

// Each call assigns an agent (or queues the user) and Tencent documents no
// dedup key: a resend after a lost answer could assign a second agent or
// queue the user again.
var epTransfer = catalog.Declare(api.Endpoint{Path: "desk_http_svc/transfer_to_human"})

// TransferToHuman hands the session t.SessionID from the chatbot to a
// human agent (one of t.AgentIDs or of the group t.AgentGroupID when
// given) and returns the agent assigned and whether the user was queued.
// It is not resent after an ambiguous failure; read SessionState to learn
// what happened.
//
// REST: v4/desk_http_svc/transfer_to_human
func (s *Service) TransferToHuman(ctx context.Context, t Transfer) (*Transferred, error) {
	if t.SessionID == "" {
		return nil, wire.Invalid("SessionId", "is empty")
	}
	for i, id := range t.AgentIDs {
		if id == "" {
			return nil, wire.Invalid(fmt.Sprintf("AgentIdList[%d]", i), "is empty")
		}
	}
	if t.AgentGroupID < 0 {
		return nil, wire.Invalid("AgentGroupId", "%d is negative", t.AgentGroupID)
	}
	req := struct {
		SessionID    string   `json:"SessionId"`
		AgentIDs     []string `json:"AgentIdList,omitempty"`
		AgentGroupID int      `json:"AgentGroupId,omitempty"`
		Tip          int      `json:"SendTipIfNoAgentOnline,omitempty"`
	}{t.SessionID, t.AgentIDs, t.AgentGroupID, wire.BoolInt(t.TipIfNoAgentOnline)}
	var resp struct {
		api.Envelope
		AgentID   string `json:"AgentId"`
		IsInQueue int    `json:"IsInQueue"`
	}
	if err := s.d.Do(ctx, epTransfer, &req, &resp); err != nil {
		return nil, err
	}
	return &Transferred{AgentID: resp.AgentID, Queued: resp.IsInQueue == 1}, nil
}

// MaxRobotNickChars is the longest nickname desk_update_robot accepts, in
// characters ("不大于 50 个字符",
// https://cloud.tencent.com/document/product/269/133251).
const MaxRobotNickChars = 50

// Setting a robot's nickname to a value is a set-to-state: a resend sets
// the same name again.
var epUpdateRobot = catalog.Declare(api.Endpoint{Path: "openim_console_http_svc/desk_update_robot", Safety: api.Idempotent})

// UpdateRobot renames a desk robot: robotID is its RobotId (e.g.
// "@RBT#DeskDefaultRobot"), nick its new nickname, 1 to MaxRobotNickChars
// characters. Tencent answers -50040 when the desk is not enabled and
// -50059 when its edition has expired; it allows 5 calls a second.
//
// REST: v4/openim_console_http_svc/desk_update_robot
func (s *Service) UpdateRobot(ctx context.Context, robotID, nick string) error {
	if robotID == "" {
		return wire.Invalid("RobotId", "is empty")
	}
	if nick == "" {
		return wire.Invalid("Nick", "is empty")
	}
	if n := utf8.RuneCountInString(nick); n > MaxRobotNickChars {
		return wire.Invalid("Nick", "is %d characters, over %d", n, MaxRobotNickChars)
	}
	req := struct {
		RobotID string `json:"RobotId"`
		Nick    string `json:"Nick"`
	}{robotID, nick}
	var resp api.Envelope
	return s.d.Do(ctx, epUpdateRobot, &req, &resp)
}

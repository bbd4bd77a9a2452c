package timtest

import (
	"encoding/json"
	"unicode/utf8"
)

// Desk (desk_http_svc/send_stream_msg, end_session, end_queuing): a streamed answer
// into a desk session, with the stream rules of stream.go, and the end of
// a session. Sessions are not created: any non-empty SessionId is taken as
// an open session until end_session or end_queuing ends it; then both and
// send_stream_msg answer 141005 (the end_session page's "session does not
// exist or has completed"; source https://www.tencentcloud.com/ind/document/product/1229/68948).

const (
	codeDeskParam = 141004 // invalid parameter
	codeDeskEnded = 141005 // session does not exist or has completed
)

// DeskSessionEnded reports whether end_session has ended the desk session id.
func (s *Server) DeskSessionEnded(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nxLocked().deskEnded[id]
}

func (c *call) deskEndSession() (any, error) {
	var req struct {
		SessionID string `json:"SessionId"`
	}
	return c.deskEnd(&req.SessionID, &req)
}

// deskEndQueuing ends a queued session (end_queuing writes "SessionID");
// the fake has no queue of its own: the session is ended as end_session
// would (https://cloud.tencent.com/document/product/269/125900).
func (c *call) deskEndQueuing() (any, error) {
	var req struct {
		SessionID string `json:"SessionID"`
	}
	return c.deskEnd(&req.SessionID, &req)
}

func (c *call) deskEnd(id *string, req any) (any, error) {
	if err := json.Unmarshal(c.body, req); err != nil {
		return nil, fail(codeDeskParam, "request JSON: %v", err)
	}
	if *id == "" {
		return nil, fail(codeDeskParam, "session ID missing")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if nx.deskEnded[*id] {
		return nil, fail(codeDeskEnded, "session %q has completed", *id)
	}
	if nx.deskEnded == nil {
		nx.deskEnded = map[string]bool{}
	}
	nx.deskEnded[*id] = true
	return &envelope{}, nil
}

func (c *call) deskSendStream() (any, error) {
	var req struct {
		SessionID string `json:"SessionId"`
		Chunk     string `json:"Chunk"`
		MsgKey    string `json:"MsgKey"`
		Finish    int    `json:"Finish"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeRobotParam, "request JSON: %v", err)
	}
	if req.SessionID == "" {
		return nil, fail(codeRobotParam, "SessionId missing")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nxLocked().deskEnded[req.SessionID] {
		return nil, fail(codeDeskEnded, "session %q has completed", req.SessionID)
	}
	if req.MsgKey != "" {
		if st := s.nxLocked().streams[req.MsgKey]; st != nil && st.session != req.SessionID {
			return nil, fail(codeRobotParam, "MsgKey %q belongs to another session", req.MsgKey)
		}
	}
	key, err := s.streamCallLocked(req.MsgKey, req.Chunk, req.Finish == 1, c.now, func(key string) *stream {
		return &stream{key: key, session: req.SessionID}
	})
	if err != nil {
		return nil, err
	}
	return &streamAnswer{MsgKey: key}, nil
}

// DeskSession is a desk session's state as get_session_state reports it;
// tests set it with Server.SetDeskSession.
type DeskSession struct {
	// SessionID identifies the session (required).
	SessionID string
	// ClientUserID and CustomerServiceID are the user and the
	// customer-service account, for the query by user.
	ClientUserID, CustomerServiceID string
	// State is the CurrentState answered: "NotInSession", "Chatbot",
	// "WaitingForAgentAnswering", "Queueing" or "Agent".
	State string
	// AgentID is the agent answered with WaitingForAgentAnswering and
	// Agent.
	AgentID string
}

// SetDeskSession sets the state get_session_state answers for a session
// (and for its user and customer-service account). Without it, a session
// id the fake has not seen ended is answered "Chatbot" (the fake's
// sessions are served by the bot until a test says otherwise), and a user
// with no session set "NotInSession". An empty SessionID panics.
func (s *Server) SetDeskSession(ds DeskSession) {
	if ds.SessionID == "" {
		panic("timtest: SetDeskSession with an empty SessionID")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if nx.desk == nil {
		nx.desk = map[string]DeskSession{}
	}
	nx.desk[ds.SessionID] = ds
}

type deskStateAnswer struct {
	envelope
	SessionID    string `json:"SessionId"`
	CurrentState string `json:"CurrentState"`
	AgentID      string `json:"AgentId"`
}

// deskSessionState answers get_session_state
// (https://cloud.tencent.com/document/product/679/116639): by SessionId,
// an ended session answers 141005; by ClientUserId and CustomerServiceId,
// the open session set for them, else NotInSession with no SessionId.
func (c *call) deskSessionState() (any, error) {
	var req struct {
		SessionID         string `json:"SessionId"`
		ClientUserID      string `json:"ClientUserId"`
		CustomerServiceID string `json:"CustomerServiceId"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeDeskParam, "request JSON: %v", err)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	answer := func(ds DeskSession) *deskStateAnswer {
		a := &deskStateAnswer{SessionID: ds.SessionID, CurrentState: ds.State}
		if ds.State == "WaitingForAgentAnswering" || ds.State == "Agent" {
			a.AgentID = ds.AgentID
		}
		return a
	}
	switch {
	case req.SessionID != "":
		if nx.deskEnded[req.SessionID] {
			return nil, fail(codeDeskEnded, "session %q has completed", req.SessionID)
		}
		if ds, ok := nx.desk[req.SessionID]; ok {
			return answer(ds), nil
		}
		return answer(DeskSession{SessionID: req.SessionID, State: "Chatbot"}), nil
	case req.ClientUserID != "" && req.CustomerServiceID != "":
		for _, ds := range nx.desk {
			if ds.ClientUserID == req.ClientUserID && ds.CustomerServiceID == req.CustomerServiceID && !nx.deskEnded[ds.SessionID] {
				return answer(ds), nil
			}
		}
		return answer(DeskSession{State: "NotInSession"}), nil
	}
	return nil, fail(codeDeskParam, "SessionId, or ClientUserId and CustomerServiceId, missing")
}

type deskTransferAnswer struct {
	envelope
	AgentID   string `json:"AgentId"`
	IsInQueue int    `json:"IsInQueue"`
}

// deskTransfer answers transfer_to_human
// (https://cloud.tencent.com/document/product/269/110581). The fake has
// no agents of its own: with AgentIdList the first agent is assigned and
// the session waits for that agent to answer (WaitingForAgentAnswering);
// without, the user is queued (Queueing, IsInQueue 1). An ended session
// answers 141005 (the fake's choice: the page's error table, cut off in
// the copies read, shows 90001, 90002, 90005).
func (c *call) deskTransfer() (any, error) {
	var req struct {
		SessionID    string   `json:"SessionId"`
		AgentIDs     []string `json:"AgentIdList"`
		AgentGroupID int      `json:"AgentGroupId"`
	}
	if err := c.decodeAs(&req, codeDeskParam); err != nil {
		return nil, err
	}
	if req.SessionID == "" {
		return nil, fail(codeDeskParam, "SessionId missing")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if nx.deskEnded[req.SessionID] {
		return nil, fail(codeDeskEnded, "session %q has completed", req.SessionID)
	}
	if nx.desk == nil {
		nx.desk = map[string]DeskSession{}
	}
	ds := nx.desk[req.SessionID]
	ds.SessionID = req.SessionID
	a := &deskTransferAnswer{}
	if len(req.AgentIDs) > 0 {
		ds.State, ds.AgentID = "WaitingForAgentAnswering", req.AgentIDs[0]
		a.AgentID = ds.AgentID
	} else {
		ds.State, ds.AgentID = "Queueing", ""
		a.IsInQueue = 1
	}
	nx.desk[req.SessionID] = ds
	return a, nil
}

// The desk robot page (openim_console_http_svc/desk_update_robot,
// https://cloud.tencent.com/document/product/269/133251) answers -7 to a
// request it cannot parse or whose parameters are not as documented, and
// caps the nickname at 50 characters.
const (
	codeDeskRobotParam  = -7
	maxDeskRobotNickLen = 50
)

// DeskRobotNick returns the nickname desk_update_robot last set for the
// desk robot id, or "" when none was set.
func (s *Server) DeskRobotNick(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nxLocked().deskRobots[id]
}

// deskUpdateRobot renames a desk robot. The fake has no list of desk
// robots (the page names no error for an unknown RobotId): it records the
// name for any RobotId.
func (c *call) deskUpdateRobot() (any, error) {
	var req struct {
		RobotID string `json:"RobotId"`
		Nick    string `json:"Nick"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeDeskRobotParam, "request JSON: %v", err)
	}
	switch {
	case req.RobotID == "":
		return nil, fail(codeDeskRobotParam, "RobotId missing")
	case req.Nick == "":
		return nil, fail(codeDeskRobotParam, "Nick missing")
	case utf8.RuneCountInString(req.Nick) > maxDeskRobotNickLen:
		return nil, fail(codeDeskRobotParam, "Nick is over %d characters", maxDeskRobotNickLen)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	nx := s.nxLocked()
	if nx.deskRobots == nil {
		nx.deskRobots = map[string]string{}
	}
	nx.deskRobots[req.RobotID] = req.Nick
	return &envelope{}, nil
}

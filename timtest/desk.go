package timtest

import "encoding/json"

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

package timtest

import "encoding/json"

// Desk (desk_http_svc/send_stream_msg): a streamed answer into a desk
// session, with the stream rules of stream.go. Sessions themselves are not
// modelled: any non-empty SessionId is accepted.

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

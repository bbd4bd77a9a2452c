package timtest

import "slices"

// Pinned group messages (pin_message, unpin_message, get_pinned_messages;
// https://cloud.tencent.com/document/product/269/133874, 134119, 134120).
// What the pages say and the fake does: not for AVChatRoom (10007 here); a
// Community with topics needs the TopicId; the message must exist (not
// recalled) to be pinned and must be pinned to be unpinned; the pinner
// defaults to the app administrator. The list is answered most recently
// pinned first (the pin page: clients show the latest pin first), and
// pinning a pinned message moves it to the front. The pages' own error
// codes were not in the stored copies: refusals here use the group
// service's 10004 (bad parameter) and 10010 (no such group or topic).

type pinnedMsg struct {
	seq uint64
	by  string
}

type pinReq struct {
	GroupID string `json:"GroupId"`
	TopicID string `json:"TopicId"`
	MsgSeq  uint64 `json:"MsgSeq"`
	By      string `json:"-"`
}

// pinsLocked finds the pin list (and the messages) of the group or topic
// the request names; s.mu is held.
func (s *Server) pinsLocked(groupID, topicID string) (*[]pinnedMsg, []*groupMsg, error) {
	g, err := s.groupX(groupID, TypePrivate, TypePublic, TypeChatRoom, TypeCommunity)
	if err != nil {
		return nil, nil, err
	}
	if topicID == "" {
		if g.supportTopic {
			return nil, nil, fail(codeGroupParam, "parameter error: TopicId is required for a Community with topics")
		}
		return &g.x.pins, g.msgs, nil
	}
	t := g.x.topics[topicID]
	if t == nil {
		return nil, nil, fail(codeGroupNotFound, "topic %q does not exist", topicID)
	}
	return &t.pins, t.msgs, nil
}

func (c *call) pinMessage() (any, error) {
	var req struct {
		pinReq
		Pinner string `json:"Pinner_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	req.By = req.Pinner
	return c.setPin(req.pinReq, true)
}

func (c *call) unpinMessage() (any, error) {
	var req struct {
		pinReq
		UnPinner string `json:"UnPinner_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	req.By = req.UnPinner
	return c.setPin(req.pinReq, false)
}

func (c *call) setPin(req pinReq, pin bool) (any, error) {
	if req.MsgSeq == 0 || req.MsgSeq > 1<<32-1 {
		return nil, fail(codeGroupParam, "parameter error: MsgSeq %d is not in 1..4294967295", req.MsgSeq)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.By != "" && !s.admins[req.By] && s.accounts[req.By] == nil {
		return nil, fail(codeGroupParam, "parameter error: account %q does not exist", req.By)
	}
	pins, msgs, err := s.pinsLocked(req.GroupID, req.TopicID)
	if err != nil {
		return nil, err
	}
	at := slices.IndexFunc(*pins, func(p pinnedMsg) bool { return p.seq == req.MsgSeq })
	if !pin {
		if at < 0 {
			return nil, fail(codeGroupParam, "parameter error: message %d is not pinned", req.MsgSeq)
		}
		*pins = slices.Delete(*pins, at, at+1)
		return &envelope{}, nil
	}
	if !slices.ContainsFunc(msgs, func(m *groupMsg) bool { return m.seq == req.MsgSeq && !m.recalled }) {
		return nil, fail(codeGroupParam, "parameter error: message %d does not exist", req.MsgSeq)
	}
	if at >= 0 {
		*pins = slices.Delete(*pins, at, at+1)
	}
	by := req.By
	if by == "" {
		by = c.admin
	}
	*pins = slices.Insert(*pins, 0, pinnedMsg{seq: req.MsgSeq, by: by})
	return &envelope{}, nil
}

func (c *call) getPinnedMessages() (any, error) {
	var req pinReq
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	type item struct {
		MsgSeq        uint64 `json:"MsgSeq"`
		PinnerAccount string `json:"Pinner_Account"`
	}
	out := struct {
		envelope
		PinnedMsgList []item `json:"PinnedMsgList"`
	}{PinnedMsgList: []item{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	pins, _, err := s.pinsLocked(req.GroupID, req.TopicID)
	if err != nil {
		return nil, err
	}
	for _, p := range *pins {
		out.PinnedMsgList = append(out.PinnedMsgList, item{p.seq, p.by})
	}
	return &out, nil
}

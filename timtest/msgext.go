package timtest

import (
	"encoding/json"
	"slices"
	"strconv"
)

// Message extensions (openim_msg_ext_http_svc/*), C2C read receipts,
// one-sided C2C deletion and group message modification.
// Sources: REST API/消息相关/消息扩展/{设置,拉取}{单聊,群}消息扩展_intl_en.md (OperateType 1
// set, 2 delete, 3 clear; Seq conflicts answer 23001 per key; 23004 message not
// found; 20 keys per call, 300 per message, keys ≤ 100 bytes, values ≤ 1000 bytes,
// 200 per pulled page),
// REST API/消息相关/历史消息/修改群聊历史消息_intl_en.md; c2c_msg_read_receipt and
// delete_c2c_msg_ramble follow the SDK's message/extra.go (no page in the
// international repository).

const (
	maxExtPerCall     = 20
	maxExtPerMsg      = 300
	maxExtKeyBytes    = 100
	maxExtValueBytes  = 1000
	maxExtPage        = 200
	codeExtSeq        = 23001
	codeExtNoMsg      = 23004
	extSet, extDelete = 1, 2
	extClear          = 3
)

// extStore is the extension set of one message. Every successful set or
// delete call takes the next sequence number; the keys it wrote carry it.
type extStore struct {
	items     map[string]*extItem
	latestSeq uint64
	clearSeq  uint64
}

type extItem struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
	Seq   uint64 `json:"Seq"`
}

func (s *Server) extStoreLocked(m map[string]*extStore, key string) *extStore {
	st := m[key]
	if st == nil {
		st = &extStore{items: map[string]*extItem{}}
		m[key] = st
	}
	return st
}

type extSetReq struct {
	OperateType   int       `json:"OperateType"`
	ExtensionList []extItem `json:"ExtensionList"`
}

func (r *extSetReq) check() error {
	switch r.OperateType {
	case extSet, extDelete:
		if len(r.ExtensionList) == 0 || len(r.ExtensionList) > maxExtPerCall {
			return fail(codeGroupParam, "parameter error: ExtensionList holds %d keys, allowed 1..%d", len(r.ExtensionList), maxExtPerCall)
		}
	case extClear:
	default:
		return fail(codeGroupParam, "parameter error: OperateType must be 1 (set), 2 (delete) or 3 (clear)")
	}
	for i, e := range r.ExtensionList {
		if e.Key == "" || len(e.Key) > maxExtKeyBytes {
			return fail(codeGroupParam, "parameter error: ExtensionList[%d].Key must be 1..%d bytes", i, maxExtKeyBytes)
		}
		if len(e.Value) > maxExtValueBytes {
			return fail(codeGroupParam, "parameter error: ExtensionList[%d].Value is longer than %d bytes", i, maxExtValueBytes)
		}
	}
	return nil
}

type extResult struct {
	ErrorCode int     `json:"ErrorCode"`
	Extension extItem `json:"Extension"`
}

// apply runs one set call; it answers the per-key results.
func (st *extStore) apply(r *extSetReq) ([]extResult, error) {
	if r.OperateType == extClear {
		st.latestSeq++
		st.clearSeq = st.latestSeq
		st.items = map[string]*extItem{}
		return []extResult{}, nil
	}
	fresh := 0
	for _, e := range r.ExtensionList {
		if st.items[e.Key] == nil && r.OperateType == extSet {
			fresh++
		}
	}
	if len(st.items)+fresh > maxExtPerMsg {
		return nil, fail(codeGroupParam, "a message holds at most %d extension keys", maxExtPerMsg)
	}
	out := make([]extResult, 0, len(r.ExtensionList))
	next := st.latestSeq + 1
	wrote := false
	for _, e := range r.ExtensionList {
		cur := st.items[e.Key]
		var curSeq uint64
		if cur != nil {
			curSeq = cur.Seq
		}
		if e.Seq != curSeq {
			res := extResult{ErrorCode: codeExtSeq, Extension: extItem{Key: e.Key, Seq: curSeq}}
			if cur != nil {
				res.Extension = *cur
			}
			out = append(out, res)
			continue
		}
		wrote = true
		if r.OperateType == extDelete {
			delete(st.items, e.Key)
			out = append(out, extResult{Extension: extItem{Key: e.Key, Seq: next}})
			continue
		}
		it := &extItem{Key: e.Key, Value: e.Value, Seq: next}
		st.items[e.Key] = it
		out = append(out, extResult{Extension: *it})
	}
	if wrote {
		st.latestSeq = next
	}
	return out, nil
}

// page answers a get call from startSeq: keys in Seq order, whole Seqs per page.
func (st *extStore) page(startSeq uint64) any {
	var list []extItem
	for _, it := range st.items {
		if it.Seq >= startSeq {
			list = append(list, *it)
		}
	}
	slices.SortFunc(list, func(a, b extItem) int {
		if a.Seq != b.Seq {
			return int(a.Seq) - int(b.Seq)
		}
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	complete := 1
	if len(list) > maxExtPage {
		cut := maxExtPage
		for cut > 1 && list[cut].Seq == list[cut-1].Seq {
			cut--
		}
		list, complete = list[:cut], 0
	}
	if list == nil {
		list = []extItem{}
	}
	latest := st.latestSeq
	if complete == 0 {
		latest = list[len(list)-1].Seq
	}
	return &struct {
		envelope
		CompleteFlag  int       `json:"CompleteFlag"`
		LatestSeq     uint64    `json:"LatestSeq"`
		ClearSeq      uint64    `json:"ClearSeq"`
		ExtensionList []extItem `json:"ExtensionList"`
	}{CompleteFlag: complete, LatestSeq: latest, ClearSeq: st.clearSeq, ExtensionList: list}
}

func c2cExtKey(from, to, msgKey string) string { return from + "\x00" + to + "\x00" + msgKey }

type c2cExtRef struct {
	FromAccount string `json:"From_Account"`
	ToAccount   string `json:"To_Account"`
	MsgKey      string `json:"MsgKey"`
	StartSeq    uint64 `json:"StartSeq"`
}

// c2cExtLocked finds the extension set of an existing C2C message.
func (s *Server) c2cExtLocked(r c2cExtRef) (*extStore, error) {
	m := s.findC2CLocked(r.FromAccount, r.ToAccount, r.MsgKey)
	if m == nil {
		return nil, fail(codeExtNoMsg, "the one-to-one message %s does not exist", r.MsgKey)
	}
	return s.extStoreLocked(s.ext.c2cExt, c2cExtKey(m.from, m.to, m.key)), nil
}

func (c *call) getKeyValues() (any, error) {
	var req c2cExtRef
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.c2cExtLocked(req)
	if err != nil {
		return nil, err
	}
	return st.page(req.StartSeq), nil
}

func (c *call) setKeyValues() (any, error) {
	var req struct {
		c2cExtRef
		extSetReq
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := req.extSetReq.check(); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.c2cExtLocked(req.c2cExtRef)
	if err != nil {
		return nil, err
	}
	res, err := st.apply(&req.extSetReq)
	if err != nil {
		return nil, err
	}
	return extSetAnswer(res), nil
}

func extSetAnswer(res []extResult) any {
	return &struct {
		envelope
		ExtensionList []extResult `json:"ExtensionList,omitempty"`
	}{ExtensionList: res}
}

// groupMsgLocked finds a stored group message by sequence number.
func (g *group) msgBySeq(seq uint64) *groupMsg {
	for _, m := range g.msgs {
		if m.seq == seq && seq != 0 {
			return m
		}
	}
	return nil
}

func (s *Server) groupExtLocked(groupID string, seq uint64) (*extStore, error) {
	g, err := s.groupLocked(groupID)
	if err != nil {
		return nil, err
	}
	if g.msgBySeq(seq) == nil {
		return nil, fail(codeExtNoMsg, "group message %d does not exist", seq)
	}
	return s.extStoreLocked(s.ext.groupExt, groupID+"\x00"+strconv.FormatUint(seq, 10)), nil
}

func (c *call) groupGetKeyValues() (any, error) {
	var req struct {
		GroupID  string `json:"GroupId"`
		MsgSeq   uint64 `json:"MsgSeq"`
		StartSeq uint64 `json:"StartSeq"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.groupExtLocked(req.GroupID, req.MsgSeq)
	if err != nil {
		return nil, err
	}
	return st.page(req.StartSeq), nil
}

func (c *call) groupSetKeyValues() (any, error) {
	var req struct {
		GroupID string `json:"GroupId"`
		MsgSeq  uint64 `json:"MsgSeq"`
		extSetReq
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := req.extSetReq.check(); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.groupExtLocked(req.GroupID, req.MsgSeq)
	if err != nil {
		return nil, err
	}
	res, err := st.apply(&req.extSetReq)
	if err != nil {
		return nil, err
	}
	return extSetAnswer(res), nil
}

// Extensions returns the extensions of a C2C message (key → value).
func (s *Server) Extensions(from, to, msgKey string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext.c2cExt[c2cExtKey(from, to, msgKey)].export()
}

// GroupExtensions returns the extensions of a group message (key → value).
func (s *Server) GroupExtensions(groupID string, msgSeq uint64) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ext.groupExt[groupID+"\x00"+strconv.FormatUint(msgSeq, 10)].export()
}

func (st *extStore) export() map[string]string {
	out := map[string]string{}
	if st == nil {
		return out
	}
	for k, it := range st.items {
		out[k] = it.Value
	}
	return out
}

// c2cReadReceipt marks messages Peer_Account sent Operator_Account as read
// by the receipt (C2CMsgInfo lists From/To/MsgKey).
func (c *call) c2cReadReceipt() (any, error) {
	var req struct {
		OperatorAccount string `json:"Operator_Account"`
		PeerAccount     string `json:"Peer_Account"`
		C2CMsgInfo      []struct {
			FromAccount string `json:"From_Account"`
			ToAccount   string `json:"To_Account"`
			MsgKey      string `json:"MsgKey"`
		} `json:"C2CMsgInfo"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.C2CMsgInfo) == 0 || len(req.C2CMsgInfo) > 20 {
		return nil, fail(codeMsgJSON, "parameter error: C2CMsgInfo holds %d messages, allowed 1..20", len(req.C2CMsgInfo))
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.OperatorAccount] == nil {
		return nil, fail(codeNotImported, "Operator_Account %q not imported", req.OperatorAccount)
	}
	for i, in := range req.C2CMsgInfo {
		if !msgKeyRE.MatchString(in.MsgKey) {
			return nil, fail(codeMsgKey, "C2CMsgInfo[%d].MsgKey %q is not a MsgKey", i, in.MsgKey)
		}
		m := s.findC2CLocked(in.FromAccount, in.ToAccount, in.MsgKey)
		if m == nil || m.to != req.OperatorAccount {
			return nil, fail(codeWithdrawNotFound, "C2CMsgInfo[%d]: message %s to %q not found", i, in.MsgKey, req.OperatorAccount)
		}
		m.peerRead = true
	}
	return &envelope{}, nil
}

// deleteC2CRamble deletes messages from Operator_Account's side of the
// conversation with Peer_Account; the peer keeps them.
func (c *call) deleteC2CRamble() (any, error) {
	var req struct {
		OperatorAccount string   `json:"Operator_Account"`
		PeerAccount     string   `json:"Peer_Account"`
		MsgKeyList      []string `json:"MsgKeyList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MsgKeyList) == 0 || len(req.MsgKeyList) > 100 {
		return nil, fail(codeMsgJSON, "parameter error: MsgKeyList holds %d keys, allowed 1..100", len(req.MsgKeyList))
	}
	for i, k := range req.MsgKeyList {
		if !msgKeyRE.MatchString(k) {
			return nil, fail(codeMsgKey, "MsgKeyList[%d] %q is not a MsgKey", i, k)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.OperatorAccount] == nil {
		return nil, fail(codeNotImported, "Operator_Account %q not imported", req.OperatorAccount)
	}
	cv := s.c2c[convKey(req.OperatorAccount, req.PeerAccount)]
	if cv == nil {
		return &envelope{}, nil
	}
	for _, m := range cv.msgs {
		if slices.Contains(req.MsgKeyList, m.key) {
			if m.hiddenFrom == nil {
				m.hiddenFrom = map[string]bool{}
			}
			m.hiddenFrom[req.OperatorAccount] = true
		}
	}
	return &envelope{}, nil
}

func (c *call) modifyGroupMsg() (any, error) {
	var req struct {
		GroupID         string          `json:"GroupId"`
		MsgSeq          uint64          `json:"MsgSeq"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		CloudCustomData *string         `json:"CloudCustomData"`
		TopicID         string          `json:"TopicId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.MsgBody) == 0 && req.CloudCustomData == nil {
		return nil, fail(codeMsgJSON, "parameter error: MsgBody or CloudCustomData is required")
	}
	if len(req.MsgBody) > 0 {
		if _, err := parseBody(req.MsgBody, codeMsgBody, codeMsgElem); err != nil {
			return nil, err
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupLocked(req.GroupID)
	if err != nil {
		return nil, err
	}
	msgs := g.msgs
	if req.TopicID != "" {
		t := g.x.topics[req.TopicID]
		if t == nil {
			return nil, fail(codeGroupNotFound, "topic %q does not exist", req.TopicID)
		}
		msgs = t.msgs
	}
	var m *groupMsg
	for _, x := range msgs {
		if x.seq == req.MsgSeq && x.seq != 0 {
			m = x
		}
	}
	if m == nil || m.recalled {
		return nil, fail(codeGroupRecall, "message %d not found (or recalled)", req.MsgSeq)
	}
	if len(req.MsgBody) > 0 {
		m.body = compact(req.MsgBody)
	}
	if req.CloudCustomData != nil {
		m.cloud = *req.CloudCustomData
	}
	return &envelope{}, nil
}

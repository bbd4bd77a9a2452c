package timtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"time"

	"github.com/timkit/tim/internal/wire"
)

// c2cDedupWindow is how long Tencent remembers a C2C message's dedup key.
const c2cDedupWindow = 120 * time.Second

type c2cMsg struct {
	idx        uint64
	from, to   string
	seq        uint32
	random     uint32
	time       int64
	key, msgID string
	body       json.RawMessage
	cloud      string
	recalled   bool
	imported   bool
	batch      bool
	noUnread   bool
	onlineOnly bool
	senderRoam bool            // false with SyncOtherMachine 2
	peerRead   bool            // c2c_msg_read_receipt
	hiddenFrom map[string]bool // delete_c2c_msg_ramble: the sides that deleted it
}

type c2cConv struct {
	msgs    []*c2cMsg
	readTo  map[string]uint64 // reader → idx of the last message read
	clearTo map[string]uint64 // user → idx up to which roaming was cleared
}

type c2cDedup struct {
	at      time.Time
	msgTime int64
	msgKey  string
	msgID   string
	errs    []batchErr // batchsendmsg only
}

func convKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "\x00" + b
}

func (s *Server) c2cConvLocked(a, b string) *c2cConv {
	k := convKey(a, b)
	cv := s.c2c[k]
	if cv == nil {
		cv = &c2cConv{readTo: map[string]uint64{}, clearTo: map[string]uint64{}}
		s.c2c[k] = cv
	}
	return cv
}

// unreadLocked counts the messages peer sent user that user has not read.
func (s *Server) unreadLocked(user, peer string) int {
	cv := s.c2c[convKey(user, peer)]
	if cv == nil {
		return 0
	}
	n := 0
	for _, m := range cv.msgs {
		if m.to == user && m.from == peer && !m.noUnread && !m.recalled && !m.onlineOnly && m.idx > cv.readTo[user] {
			n++
		}
	}
	return n
}

func (s *Server) totalUnreadLocked(user string) int {
	n := 0
	for _, cv := range s.c2c {
		for _, m := range cv.msgs {
			if m.to == user && !m.noUnread && !m.recalled && !m.onlineOnly && m.idx > cv.readTo[user] {
				n++
			}
		}
	}
	return n
}

// dedupLocked returns the live entry of key, dropping expired entries.
func (s *Server) dedupLocked(key string, now time.Time) *c2cDedup {
	if len(s.c2cDedup) > 4096 {
		for k, d := range s.c2cDedup {
			if now.Sub(d.at) > c2cDedupWindow {
				delete(s.c2cDedup, k)
			}
		}
	}
	d := s.c2cDedup[key]
	if d == nil || now.Sub(d.at) > c2cDedupWindow || now.Before(d.at.Add(-c2cDedupWindow)) {
		return nil
	}
	return d
}

func c2cDedupKey(kind, from string, seq, random uint32, body json.RawMessage) string {
	return fmt.Sprintf("%s|%s|%d|%d|%08x", kind, from, seq, random, crcOf(body))
}

// sendReq is the body of openim/sendmsg, batchsendmsg and importmsg. Fields
// whose type decides the error code stay raw.
type sendReq struct {
	SyncOtherMachine      int             `json:"SyncOtherMachine"`
	SyncFromOldSystem     int             `json:"SyncFromOldSystem"`
	FromAccount           json.RawMessage `json:"From_Account"`
	ToAccount             json.RawMessage `json:"To_Account"`
	MsgLifeTime           json.RawMessage `json:"MsgLifeTime"`
	MsgSeq                json.RawMessage `json:"MsgSeq"`
	MsgRandom             json.RawMessage `json:"MsgRandom"`
	MsgTimeStamp          json.RawMessage `json:"MsgTimeStamp"`
	MsgBody               json.RawMessage `json:"MsgBody"`
	CloudCustomData       string          `json:"CloudCustomData"`
	ForbidCallbackControl []string        `json:"ForbidCallbackControl"`
	SendMsgControl        []string        `json:"SendMsgControl"`
	OnlineOnlyFlag        int             `json:"OnlineOnlyFlag"`
}

// sendParams is a validated sendReq.
type sendParams struct {
	from      string
	to        string   // sendmsg, importmsg
	toList    []string // batchsendmsg
	seq       uint32
	seqGiven  bool
	random    uint32
	timestamp int64
	body      json.RawMessage
	req       sendReq
}

func (c *call) parseSend(batch, imported bool) (*sendParams, error) {
	var req sendReq
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	p := &sendParams{req: req}
	var ok bool
	if batch {
		if json.Unmarshal(req.ToAccount, &p.toList) != nil || len(p.toList) == 0 {
			return nil, fail(codeMsgToAccount, "To_Account must be a non-empty array of UserIDs")
		}
		if len(p.toList) > 500 {
			return nil, fail(codeBatchTooMany, "To_Account holds %d ids, limit is 500", len(p.toList))
		}
	} else {
		var present bool
		p.to, present, ok = stringField(req.ToAccount)
		if !present || !ok || p.to == "" {
			return nil, fail(codeMsgToAccount, "To_Account missing or not a string")
		}
	}
	from, present, ok := stringField(req.FromAccount)
	if !ok {
		return nil, fail(codeMsgJSON, "From_Account must be a string")
	}
	if !present || from == "" {
		if imported {
			return nil, fail(codeMsgJSON, "From_Account is required")
		}
		from = c.admin
	}
	p.from = from
	r, present, ok := uintField(req.MsgRandom, math.MaxUint32)
	if !present || !ok {
		return nil, fail(codeMsgRandom, "MsgRandom missing or not a 32-bit unsigned integer")
	}
	p.random = uint32(r)
	sq, present, ok := uintField(req.MsgSeq, math.MaxUint32)
	if !ok {
		return nil, fail(codeMsgJSON, "MsgSeq must be a 32-bit unsigned integer")
	}
	p.seq, p.seqGiven = uint32(sq), present
	ts, present, ok := uintField(req.MsgTimeStamp, math.MaxInt64)
	if !ok || (imported && !present) {
		return nil, fail(codeMsgTimeStamp, "MsgTimeStamp missing or not an integer")
	}
	p.timestamp = int64(ts)
	if lt, present, ok := uintField(req.MsgLifeTime, math.MaxInt64); !ok || (present && lt > 604800) {
		return nil, fail(codeMsgLifeTime, "MsgLifeTime must be 0..604800 seconds")
	}
	if _, err := parseBody(req.MsgBody, codeMsgBody, codeMsgElem); err != nil {
		return nil, err
	}
	p.body = compact(req.MsgBody)
	if len(p.body)+len(req.CloudCustomData) > maxMsgBytes {
		return nil, fail(codeMsgTooLong, "MsgBody and CloudCustomData exceed %d bytes", maxMsgBytes)
	}
	return p, nil
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

type sendMsgResp struct {
	envelope
	MsgTime int64  `json:"MsgTime"`
	MsgKey  string `json:"MsgKey"`
	MsgID   string `json:"MsgId"`
}

// c2cCallback is the body of C2C.CallbackBeforeSendMsg / AfterSendMsg.
type c2cCallback struct {
	CallbackCommand string          `json:"CallbackCommand"`
	FromAccount     string          `json:"From_Account"`
	ToAccount       string          `json:"To_Account"`
	MsgSeq          uint32          `json:"MsgSeq"`
	MsgRandom       uint32          `json:"MsgRandom"`
	MsgTime         int64           `json:"MsgTime"`
	MsgKey          string          `json:"MsgKey"`
	MsgID           string          `json:"MsgId"`
	OnlineOnlyFlag  int             `json:"OnlineOnlyFlag"`
	SendMsgResult   *int            `json:"SendMsgResult,omitempty"`
	ErrorInfo       *string         `json:"ErrorInfo,omitempty"`
	UnreadMsgNum    *int            `json:"UnreadMsgNum,omitempty"`
	MsgBody         json.RawMessage `json:"MsgBody"`
	CloudCustomData string          `json:"CloudCustomData,omitempty"`
	EventTime       int64           `json:"EventTime"`
}

var msgKeyRE = regexp.MustCompile(`^[0-9]+_[0-9]+_[0-9]+$`)

func (s *Server) newMsgID(now time.Time, random uint32) string {
	s.msgIndex++
	return fmt.Sprintf("%d-%d-%d", 144115200000000000+s.msgIndex, now.Unix(), random)
}

func (c *call) sendMsg() (any, error) {
	p, err := c.parseSend(false, false)
	if err != nil {
		return nil, err
	}
	s := c.s
	dkey := c2cDedupKey("c2c", p.from, p.seq, p.random, p.body)

	s.mu.Lock()
	if s.accounts[p.from] == nil {
		s.mu.Unlock()
		return nil, fail(codeNotImported, "From_Account %q not imported", p.from)
	}
	if s.accounts[p.to] == nil {
		s.mu.Unlock()
		return nil, fail(codeToNotImported, "To_Account %q not imported", p.to)
	}
	if err := s.globalMuteErrLocked(p.from, false, c.now); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if d := s.dedupLocked(dkey, c.now); d != nil {
		s.mu.Unlock()
		return &sendMsgResp{MsgTime: d.msgTime, MsgKey: d.msgKey, MsgID: d.msgID}, nil
	}
	msgTime := c.now.Unix()
	if p.timestamp > 0 {
		msgTime = p.timestamp
	}
	if !p.seqGiven {
		p.seq = rand.Uint32N(math.MaxInt32) + 1
	}
	m := &c2cMsg{
		from: p.from, to: p.to, seq: p.seq, random: p.random, time: msgTime,
		key:   fmt.Sprintf("%d_%d_%d", p.seq, p.random, msgTime),
		msgID: s.newMsgID(c.now, p.random), body: p.body, cloud: p.req.CloudCustomData,
		noUnread:   contains(p.req.SendMsgControl, "NoUnread"),
		onlineOnly: p.req.OnlineOnlyFlag == 1,
		senderRoam: p.req.SyncOtherMachine != 2,
	}
	s.mu.Unlock()

	if !contains(p.req.ForbidCallbackControl, "ForbidBeforeSendMsgCallback") {
		const cmd = "C2C.CallbackBeforeSendMsg"
		ans, ok := s.cb.before(cmd, "RESTAPI", c.clientIP, m.callback(cmd, c.now))
		if ok {
			switch {
			case ans.ErrorCode == 1:
				return nil, fail(codeC2CCallbackDeny, "rejected by the before-send callback")
			case ans.ErrorCode >= 120001 && ans.ErrorCode <= 130000:
				return nil, fail(ans.ErrorCode, "%s", ans.ErrorInfo)
			case ans.ErrorCode == 2:
				// Silent drop: the sender sees success, nothing is delivered.
				s.mu.Lock()
				defer s.mu.Unlock()
				s.c2cDedup[dkey] = &c2cDedup{at: c.now, msgTime: m.time, msgKey: m.key, msgID: m.msgID}
				return &sendMsgResp{MsgTime: m.time, MsgKey: m.key, MsgID: m.msgID}, nil
			case ans.ErrorCode == 0:
				if b, err := parseBody(ans.MsgBody, codeMsgBody, codeMsgElem); err == nil && len(b) > 0 {
					m.body = compact(ans.MsgBody)
				}
				if ans.CloudCustomData != nil {
					m.cloud = *ans.CloudCustomData
				}
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.dedupLocked(dkey, c.now); d != nil { // a concurrent resend won
		return &sendMsgResp{MsgTime: d.msgTime, MsgKey: d.msgKey, MsgID: d.msgID}, nil
	}
	s.storeC2CLocked(m, !contains(p.req.SendMsgControl, "NoLastMsg"))
	s.c2cDedup[dkey] = &c2cDedup{at: c.now, msgTime: m.time, msgKey: m.key, msgID: m.msgID}
	if !contains(p.req.ForbidCallbackControl, "ForbidAfterSendMsgCallback") {
		const cmd = "C2C.CallbackAfterSendMsg"
		b := m.callback(cmd, c.now)
		zero, info, unread := 0, "send msg succeed", s.totalUnreadLocked(m.to)
		b.SendMsgResult, b.ErrorInfo, b.UnreadMsgNum = &zero, &info, &unread
		s.cb.after("c2c:"+convKey(m.from, m.to), cmd, "RESTAPI", c.clientIP, b)
	}
	return &sendMsgResp{MsgTime: m.time, MsgKey: m.key, MsgID: m.msgID}, nil
}

func (m *c2cMsg) callback(cmd string, now time.Time) *c2cCallback {
	return &c2cCallback{CallbackCommand: cmd, FromAccount: m.from, ToAccount: m.to, MsgSeq: m.seq,
		MsgRandom: m.random, MsgTime: m.time, MsgKey: m.key, MsgID: m.msgID,
		OnlineOnlyFlag: wire.BoolInt(m.onlineOnly), MsgBody: m.body, CloudCustomData: m.cloud, EventTime: now.UnixMilli()}
}

// storeC2CLocked appends m to its conversation and updates both sides'
// conversation lists; s.mu is held.
func (s *Server) storeC2CLocked(m *c2cMsg, updateContacts bool) {
	s.msgIndex++
	m.idx = s.msgIndex
	cv := s.c2cConvLocked(m.from, m.to)
	cv.msgs = append(cv.msgs, m)
	if updateContacts && !m.onlineOnly {
		s.touchConvLocked(m.to, convC2C, m.from, m.time)
		if m.senderRoam && m.from != m.to {
			s.touchConvLocked(m.from, convC2C, m.to, m.time)
		}
	}
}

// c2cBatchResp is batchsendmsg's answer. With failed recipients Tencent
// answers ActionStatus "SomeError", ErrorCode 0, the MsgKey of the sent
// part and the ErrorList (消息相关/发送消息/批量发单聊消息: the example
// {"ActionStatus":"SomeError","ErrorCode":0,"MsgKey":…,"ErrorList":[{"To_Account":"rong","ErrorCode":70107}]}).
type c2cBatchResp struct {
	envelope
	MsgKey    string     `json:"MsgKey"`
	MsgID     string     `json:"MsgId"`
	ErrorList []batchErr `json:"ErrorList,omitempty"`
}

func (r *c2cBatchResp) status() string {
	if len(r.ErrorList) > 0 {
		return "SomeError"
	}
	return "OK"
}

type batchErr struct {
	ToAccount string `json:"To_Account"`
	ErrorCode int    `json:"ErrorCode"`
}

func (c *call) batchSendMsg() (any, error) {
	p, err := c.parseSend(true, false)
	if err != nil {
		return nil, err
	}
	type resp = c2cBatchResp
	s := c.s
	dkey := c2cDedupKey("batch", p.from, p.seq, p.random, p.body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[p.from] == nil {
		return nil, fail(codeNotImported, "From_Account %q not imported", p.from)
	}
	if err := s.globalMuteErrLocked(p.from, false, c.now); err != nil {
		return nil, err
	}
	if d := s.dedupLocked(dkey, c.now); d != nil {
		return &resp{MsgKey: d.msgKey, MsgID: d.msgID, ErrorList: d.errs}, nil
	}
	if !s.spend(batchRecipientsKey, len(p.toList)) {
		return nil, fail(codeRESTRate, "batchsendmsg recipient budget (12000/min) exceeded")
	}
	msgTime := c.now.Unix()
	if p.timestamp > 0 {
		msgTime = p.timestamp
	}
	if !p.seqGiven {
		p.seq = rand.Uint32N(math.MaxInt32) + 1
	}
	key := fmt.Sprintf("%d_%d_%d", p.seq, p.random, msgTime)
	id := s.newMsgID(c.now, p.random)
	var errs []batchErr
	seen := map[string]bool{}
	known := 0
	for _, to := range p.toList {
		if s.accounts[to] != nil {
			known++
		}
	}
	if known == 0 {
		// Sent to none of the recipients (批量发单聊消息: FAIL, "invalid To_Account", 90012).
		return nil, fail(codeToNotImported, "invalid To_Account")
	}
	for _, to := range p.toList {
		if seen[to] {
			continue
		}
		seen[to] = true
		if s.accounts[to] == nil {
			errs = append(errs, batchErr{to, codeNotImported})
			continue
		}
		m := &c2cMsg{from: p.from, to: to, seq: p.seq, random: p.random, time: msgTime, key: key, msgID: id,
			body: p.body, cloud: p.req.CloudCustomData, batch: true,
			noUnread:   contains(p.req.SendMsgControl, "NoUnread"),
			onlineOnly: p.req.OnlineOnlyFlag == 1, senderRoam: p.req.SyncOtherMachine != 2}
		s.storeC2CLocked(m, !contains(p.req.SendMsgControl, "NoLastMsg"))
	}
	s.c2cDedup[dkey] = &c2cDedup{at: c.now, msgTime: msgTime, msgKey: key, msgID: id, errs: errs}
	return &resp{MsgKey: key, MsgID: id, ErrorList: errs}, nil
}

func (c *call) importMsg() (any, error) {
	p, err := c.parseSend(false, true)
	if err != nil {
		return nil, err
	}
	s := c.s
	dkey := c2cDedupKey("import", p.from, p.seq, p.random, p.body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[p.from] == nil {
		return nil, fail(codeNotImported, "From_Account %q not imported", p.from)
	}
	if s.accounts[p.to] == nil {
		return nil, fail(codeToNotImported, "To_Account %q not imported", p.to)
	}
	if s.dedupLocked(dkey, c.now) != nil {
		return &envelope{}, nil
	}
	key := fmt.Sprintf("%d_%d_%d", p.seq, p.random, p.timestamp)
	m := &c2cMsg{from: p.from, to: p.to, seq: p.seq, random: p.random, time: p.timestamp, key: key,
		msgID: s.newMsgID(c.now, p.random), body: p.body, cloud: p.req.CloudCustomData, imported: true,
		noUnread: p.req.SyncFromOldSystem == 2, senderRoam: true}
	s.storeC2CLocked(m, true)
	s.c2cDedup[dkey] = &c2cDedup{at: c.now, msgTime: m.time, msgKey: key, msgID: m.msgID}
	return &envelope{}, nil
}

// roamItem is one message of admin_getroammsg.
type roamItem struct {
	FromAccount     string          `json:"From_Account"`
	ToAccount       string          `json:"To_Account"`
	MsgSeq          uint32          `json:"MsgSeq"`
	MsgRandom       uint32          `json:"MsgRandom"`
	MsgTimeStamp    int64           `json:"MsgTimeStamp"`
	MsgFlagBits     int             `json:"MsgFlagBits"`
	IsPeerRead      int             `json:"IsPeerRead"`
	MsgKey          string          `json:"MsgKey"`
	MsgBody         json.RawMessage `json:"MsgBody"`
	CloudCustomData string          `json:"CloudCustomData"`
}

// MsgFlagRecalled is the MsgFlagBits value the fake gives a recalled message.
const MsgFlagRecalled = 1

func (c *call) getRoamMsg() (any, error) {
	var req struct {
		OperatorAccount string `json:"Operator_Account"`
		PeerAccount     string `json:"Peer_Account"`
		MaxCnt          int    `json:"MaxCnt"`
		MinTime         int64  `json:"MinTime"`
		MaxTime         int64  `json:"MaxTime"`
		LastMsgKey      string `json:"LastMsgKey"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.MaxCnt <= 0 {
		return nil, fail(codeMsgJSON, "MaxCnt must be positive")
	}
	if req.MaxTime < req.MinTime {
		return nil, fail(codeMsgJSON, "MaxTime is before MinTime")
	}
	if req.LastMsgKey != "" && !msgKeyRE.MatchString(req.LastMsgKey) {
		return nil, fail(codeMsgKey, "LastMsgKey %q is not a MsgKey", req.LastMsgKey)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	op := req.OperatorAccount
	if s.accounts[op] == nil {
		return nil, fail(codeNotImported, "Operator_Account %q not imported", op)
	}
	if s.accounts[req.PeerAccount] == nil {
		return nil, fail(codeToNotImported, "Peer_Account %q not imported", req.PeerAccount)
	}
	cv := s.c2c[convKey(op, req.PeerAccount)]
	var cand []*c2cMsg
	var last *c2cMsg
	if cv != nil {
		if req.LastMsgKey != "" {
			for _, m := range cv.msgs {
				if m.key == req.LastMsgKey {
					last = m
				}
			}
		}
		for _, m := range cv.msgs {
			if m.idx <= cv.clearTo[op] || m.onlineOnly || m.hiddenFrom[op] || (m.from == op && !m.senderRoam && op != req.PeerAccount) {
				continue
			}
			if m.time < req.MinTime || m.time > req.MaxTime {
				continue
			}
			if last != nil && !msgBefore(m, last) {
				continue
			}
			cand = append(cand, m)
		}
	}
	slices.SortStableFunc(cand, func(a, b *c2cMsg) int {
		return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.idx, b.idx))
	})
	complete := 1
	if len(cand) > req.MaxCnt {
		cand = cand[len(cand)-req.MaxCnt:]
		complete = 0
	}
	resp := struct {
		envelope
		Complete    int        `json:"Complete"`
		MsgCnt      int        `json:"MsgCnt"`
		LastMsgTime int64      `json:"LastMsgTime"`
		LastMsgKey  string     `json:"LastMsgKey"`
		MsgList     []roamItem `json:"MsgList"`
	}{Complete: complete, MsgCnt: len(cand), MsgList: []roamItem{}}
	for _, m := range cand {
		it := roamItem{FromAccount: m.from, ToAccount: m.to, MsgSeq: m.seq, MsgRandom: m.random,
			MsgTimeStamp: m.time, MsgKey: m.key, MsgBody: m.body, CloudCustomData: m.cloud}
		if m.recalled {
			it.MsgFlagBits = MsgFlagRecalled
		}
		if m.peerRead || (m.from == op && m.idx <= cv.readTo[m.to]) {
			it.IsPeerRead = 1
		}
		resp.MsgList = append(resp.MsgList, it)
	}
	if len(cand) > 0 {
		resp.LastMsgTime, resp.LastMsgKey = cand[0].time, cand[0].key
	}
	return &resp, nil
}

// msgBefore orders C2C history: by time, then by arrival.
func msgBefore(a, b *c2cMsg) bool {
	return a.time < b.time || (a.time == b.time && a.idx < b.idx)
}

func (s *Server) findC2CLocked(from, to, key string) *c2cMsg {
	cv := s.c2c[convKey(from, to)]
	if cv == nil {
		return nil
	}
	for _, m := range cv.msgs {
		if m.key == key && m.from == from && m.to == to {
			return m
		}
	}
	return nil
}

func (c *call) msgWithdraw() (any, error) {
	var req struct {
		FromAccount string `json:"From_Account"`
		ToAccount   string `json:"To_Account"`
		MsgKey      string `json:"MsgKey"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if !msgKeyRE.MatchString(req.MsgKey) {
		return nil, fail(codeMsgKey, "MsgKey %q is not a MsgKey", req.MsgKey)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findC2CLocked(req.FromAccount, req.ToAccount, req.MsgKey)
	switch {
	case m == nil:
		return nil, fail(codeWithdrawNotFound, "message to recall not found")
	case m.recalled:
		return nil, fail(codeWithdrawDone, "message already recalled")
	}
	m.recalled = true
	const cmd = "C2C.CallbackAfterMsgWithDraw"
	body := struct {
		CallbackCommand string `json:"CallbackCommand"`
		FromAccount     string `json:"From_Account"`
		ToAccount       string `json:"To_Account"`
		MsgKey          string `json:"MsgKey"`
		UnreadMsgNum    int    `json:"UnreadMsgNum"`
		EventTime       int64  `json:"EventTime"`
	}{cmd, m.from, m.to, m.key, s.totalUnreadLocked(m.to), c.now.UnixMilli()}
	s.cb.after("c2c:"+convKey(m.from, m.to), cmd, "RESTAPI", c.clientIP, body)
	return &envelope{}, nil
}

func (c *call) modifyC2CMsg() (any, error) {
	var req struct {
		FromAccount     string          `json:"From_Account"`
		ToAccount       string          `json:"To_Account"`
		MsgKey          string          `json:"MsgKey"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		CloudCustomData *string         `json:"CloudCustomData"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if !msgKeyRE.MatchString(req.MsgKey) {
		return nil, fail(codeMsgKey, "MsgKey %q is not a MsgKey", req.MsgKey)
	}
	if len(req.MsgBody) > 0 {
		if _, err := parseBody(req.MsgBody, codeMsgBody, codeMsgElem); err != nil {
			return nil, err
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findC2CLocked(req.FromAccount, req.ToAccount, req.MsgKey)
	switch {
	case m == nil:
		return nil, fail(codeWithdrawNotFound, "message to modify not found")
	case m.recalled:
		return nil, fail(codeWithdrawDone, "message was recalled")
	}
	if len(req.MsgBody) > 0 {
		m.body = compact(req.MsgBody)
	}
	if req.CloudCustomData != nil {
		m.cloud = *req.CloudCustomData
	}
	return &envelope{}, nil
}

func (c *call) setMsgRead() (any, error) {
	var req struct {
		ReportAccount string `json:"Report_Account"`
		PeerAccount   string `json:"Peer_Account"`
		MsgReadTime   int64  `json:"MsgReadTime"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.ReportAccount] == nil {
		return nil, fail(codeNotImported, "Report_Account %q not imported", req.ReportAccount)
	}
	if s.accounts[req.PeerAccount] == nil {
		return nil, fail(codeToNotImported, "Peer_Account %q not imported", req.PeerAccount)
	}
	cv := s.c2cConvLocked(req.ReportAccount, req.PeerAccount)
	for _, m := range cv.msgs {
		if m.to == req.ReportAccount && (req.MsgReadTime == 0 || m.time <= req.MsgReadTime) {
			cv.readTo[req.ReportAccount] = max(cv.readTo[req.ReportAccount], m.idx)
		}
	}
	return &envelope{}, nil
}

func (c *call) unreadMsgNum() (any, error) {
	var req struct {
		ToAccount   string   `json:"To_Account"`
		PeerAccount []string `json:"Peer_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.PeerAccount) > 10 {
		return nil, fail(codeMsgJSON, "Peer_Account holds %d ids, limit is 10", len(req.PeerAccount))
	}
	type item struct {
		PeerAccount     string `json:"Peer_Account"`
		C2CUnreadMsgNum int    `json:"C2CUnreadMsgNum"`
	}
	type errItem struct {
		PeerAccount string `json:"Peer_Account"`
		ErrorCode   int    `json:"ErrorCode"`
	}
	resp := struct {
		envelope
		AllC2CUnreadMsgNum  int       `json:"AllC2CUnreadMsgNum"`
		C2CUnreadMsgNumList []item    `json:"C2CUnreadMsgNumList,omitempty"`
		ErrorList           []errItem `json:"ErrorList,omitempty"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.ToAccount] == nil {
		return nil, fail(codeNotImported, "To_Account %q not imported", req.ToAccount)
	}
	resp.AllC2CUnreadMsgNum = s.totalUnreadLocked(req.ToAccount)
	for _, p := range req.PeerAccount {
		if s.accounts[p] == nil {
			resp.ErrorList = append(resp.ErrorList, errItem{p, codeNotImported})
			continue
		}
		resp.C2CUnreadMsgNumList = append(resp.C2CUnreadMsgNumList, item{p, s.unreadLocked(req.ToAccount, p)})
	}
	return &resp, nil
}

package timtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Official accounts (official_account_open_http_svc: create, destroy,
// modify, add/delete subscribers, broadcast, recall). An account's ID
// starts with "@TOA#_" (generated when none is given); its owner must be
// imported; a broadcast goes to every subscriber, and one with the same
// content as a broadcast of the last 5 minutes is dropped (the same MsgKey
// is answered). Tencent's 1-a-second / 2-an-hour broadcast limits are not
// modelled.

const (
	codeOfficialInternal = 10002
	codeOfficialParam    = 10004
	codeOfficialNone     = 10010
	officialPrefix       = "@TOA#_"
	officialDedup        = 5 * time.Minute
)

type officialState struct {
	accounts map[string]*officialAccount
	order    []string
	seq      uint64
}

type officialAccount struct {
	id, owner, name, intro, face, org, custom string
	maxSubs                                   uint32
	subscribers                               []*officialSub
	msgs                                      []*officialMsg
	msgSeq                                    uint64
}

// officialSub is one subscriber: who, since when, the app's string.
type officialSub struct {
	id     string
	at     time.Time
	custom string
}

// subscriberIndex is the position of user among a's subscribers, or -1.
func (a *officialAccount) subscriberIndex(user string) int {
	return slices.IndexFunc(a.subscribers, func(x *officialSub) bool { return x.id == user })
}

type officialMsg struct {
	seq      uint64
	key      string
	random   uint32
	body     json.RawMessage
	cloud    string
	at       time.Time
	recalled bool
}

// OfficialAccount is an official account as the fake holds it.
type OfficialAccount struct {
	ID, Owner, Name, Introduction, FaceURL, Organization, CustomString string
	MaxSubscribers                                                     uint32
	// Subscribers in subscription order.
	Subscribers []string
	// SubscriberCustom holds the subscribers' custom strings that are set.
	SubscriberCustom map[string]string
	// Messages are the broadcasts, oldest first.
	Messages []OfficialMessage
}

// OfficialMessage is one broadcast of an official account.
type OfficialMessage struct {
	MsgKey          string
	Random          uint32
	Body            []MsgElem
	CloudCustomData string
	Recalled        bool
}

func (s *Server) officialLocked() *officialState {
	nx := s.nxLocked()
	if nx.official == nil {
		nx.official = &officialState{accounts: map[string]*officialAccount{}}
	}
	return nx.official
}

func (c *call) decodeAs(v any, code int) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		return fail(code, "request JSON: %v", err)
	}
	return nil
}

func (c *call) createOfficialAccount() (any, error) {
	var req struct {
		ID           string `json:"OfficialAccountUserID"`
		Owner        string `json:"Owner_Account"`
		Name         string `json:"Name"`
		Introduction string `json:"Introduction"`
		FaceURL      string `json:"FaceUrl"`
		MaxSubs      uint32 `json:"MaxSubscriberNum"`
		Organization string `json:"Organization"`
		CustomString string `json:"CustomString"`
	}
	if err := c.decodeAs(&req, codeOfficialParam); err != nil {
		return nil, err
	}
	switch {
	case req.Name == "" || len(req.Name) > 150:
		return nil, fail(codeOfficialParam, "Name missing or over 150 bytes")
	case req.ID != "" && (!strings.HasPrefix(req.ID, officialPrefix) || len(req.ID) == len(officialPrefix)):
		return nil, fail(codeOfficialParam, "OfficialAccountUserID %q must start with %s", req.ID, officialPrefix)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[req.Owner] == nil {
		return nil, fail(codeOfficialParam, "Owner_Account %q not imported", req.Owner)
	}
	st := s.officialLocked()
	if req.ID == "" {
		st.seq++
		req.ID = fmt.Sprintf("%s%d", officialPrefix, st.seq)
	}
	if st.accounts[req.ID] != nil {
		return nil, fail(codeOfficialParam, "official account %q already exists", req.ID)
	}
	if req.MaxSubs == 0 {
		req.MaxSubs = 100000
	}
	st.accounts[req.ID] = &officialAccount{id: req.ID, owner: req.Owner, name: req.Name, intro: req.Introduction,
		face: req.FaceURL, org: req.Organization, custom: req.CustomString, maxSubs: req.MaxSubs}
	st.order = append(st.order, req.ID)
	return &struct {
		envelope
		ID string `json:"OfficialAccountUserID"`
	}{ID: req.ID}, nil
}

// officialAccountLocked finds the account of a request; s.mu is held.
func (s *Server) officialAccountLocked(id string) (*officialAccount, error) {
	a := s.officialLocked().accounts[id]
	if a == nil {
		return nil, fail(codeOfficialNone, "official account %q does not exist", id)
	}
	return a, nil
}

// onOfficial decodes the request into req, then, holding s.mu, runs fn on
// the account *id names (10010 when there is none).
func (c *call) onOfficial(req any, id *string, fn func(s *Server, a *officialAccount) (any, error)) (any, error) {
	if err := c.decodeAs(req, codeOfficialParam); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.officialAccountLocked(*id)
	if err != nil {
		return nil, err
	}
	return fn(s, a)
}

func (c *call) destroyOfficialAccount() (any, error) {
	var req struct {
		ID string `json:"Official_Account"`
	}
	return c.onOfficial(&req, &req.ID, func(s *Server, _ *officialAccount) (any, error) {
		st := s.officialLocked()
		delete(st.accounts, req.ID)
		st.order = slices.DeleteFunc(st.order, func(id string) bool { return id == req.ID })
		return nil, nil
	})
}

func (c *call) modifyOfficialAccount() (any, error) {
	var req struct {
		ID           string  `json:"Official_Account"`
		Name         *string `json:"Name"`
		Introduction *string `json:"Introduction"`
		FaceURL      *string `json:"FaceUrl"`
		Organization *string `json:"Organization"`
		CustomString *string `json:"CustomString"`
		MaxSubs      *uint32 `json:"MaxSubscriberNum"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		for _, f := range []struct {
			v   *string
			dst *string
		}{{req.Name, &a.name}, {req.Introduction, &a.intro}, {req.FaceURL, &a.face}, {req.Organization, &a.org}, {req.CustomString, &a.custom}} {
			if f.v != nil {
				*f.dst = *f.v
			}
		}
		if req.MaxSubs != nil {
			a.maxSubs = *req.MaxSubs
		}
		return nil, nil
	})
}

type subscriberResult struct {
	UserID string `json:"Subscriber_Account"`
	Result int    `json:"Result"`
}

type subscribersAnswer struct {
	envelope
	SubscriberList []subscriberResult `json:"SubscriberList"`
}

func (c *call) addSubscriber() (any, error) {
	var req struct {
		ID   string `json:"Official_Account"`
		List []struct {
			UserID string `json:"Subscriber_Account"`
		} `json:"SubscriberList"`
	}
	return c.onOfficial(&req, &req.ID, func(s *Server, a *officialAccount) (any, error) {
		if len(req.List) == 0 || len(req.List) > 100 {
			return nil, fail(codeOfficialParam, "SubscriberList holds %d users (1..100)", len(req.List))
		}
		out := &subscribersAnswer{}
		for _, x := range req.List {
			r := 1
			switch {
			case s.accounts[x.UserID] == nil || uint32(len(a.subscribers)) >= a.maxSubs:
				r = 0
			case a.subscriberIndex(x.UserID) >= 0:
				r = 2
			default:
				a.subscribers = append(a.subscribers, &officialSub{id: x.UserID, at: c.now})
			}
			out.SubscriberList = append(out.SubscriberList, subscriberResult{x.UserID, r})
		}
		return out, nil
	})
}

func (c *call) deleteSubscriber() (any, error) {
	var req struct {
		ID   string   `json:"Official_Account"`
		List []string `json:"SubscriberToDel_Account"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		if len(req.List) == 0 {
			return nil, fail(codeOfficialParam, "SubscriberToDel_Account is empty")
		}
		out := &subscribersAnswer{}
		for _, id := range req.List {
			r := 2
			if i := a.subscriberIndex(id); i >= 0 {
				a.subscribers = slices.Delete(a.subscribers, i, i+1)
				r = 1
			}
			out.SubscriberList = append(out.SubscriberList, subscriberResult{id, r})
		}
		return out, nil
	})
}

func (c *call) modifySubscriberInfo() (any, error) {
	var req struct {
		ID           string `json:"Official_Account"`
		UserID       string `json:"Subscriber_Account"`
		CustomString string `json:"CustomString"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		i := a.subscriberIndex(req.UserID)
		if i < 0 {
			return nil, fail(codeOfficialParam, "%q does not subscribe to %q", req.UserID, req.ID)
		}
		a.subscribers[i].custom = req.CustomString
		return nil, nil
	})
}

// getSubscriberInfo pages the subscribers in subscription order; the fake's
// Next is the decimal index of the next subscriber ("" after the last).
func (c *call) getSubscriberInfo() (any, error) {
	var req struct {
		ID    string `json:"Official_Account"`
		Limit int    `json:"Limit"`
		Next  string `json:"Next"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		if req.Limit < 0 || req.Limit > 200 {
			return nil, fail(codeOfficialParam, "Limit %d out of range (at most 200)", req.Limit)
		}
		start := 0
		if req.Next != "" {
			n, err := strconv.Atoi(req.Next)
			if err != nil || n < 0 || n > len(a.subscribers) {
				return nil, fail(codeOfficialParam, "Next %q is not a cursor of this account", req.Next)
			}
			start = n
		}
		end := len(a.subscribers)
		if req.Limit > 0 {
			end = min(end, start+req.Limit)
		}
		type sub struct {
			UserID          string `json:"Subscriber_Account"`
			SubscribeTime   int64  `json:"SubscribeTime"`
			CustomString    string `json:"CustomString"`
			MsgFlag         string `json:"MsgFlag"`
			LastSendMsgTime int64  `json:"LastSendMsgTime"`
		}
		out := &struct {
			envelope
			Next           string `json:"Next"`
			SubscriberNum  int    `json:"SubscriberNum"`
			SubscriberList []sub  `json:"SubscriberList"`
		}{SubscriberNum: len(a.subscribers), SubscriberList: []sub{}}
		if end < len(a.subscribers) {
			out.Next = strconv.Itoa(end)
		}
		for _, x := range a.subscribers[start:end] {
			// Subscribers' own messages to the account are not modelled:
			// LastSendMsgTime stays 0, MsgFlag the default.
			out.SubscriberList = append(out.SubscriberList, sub{x.id, x.at.Unix(), x.custom, "AcceptAndNotify", 0})
		}
		return out, nil
	})
}

func (c *call) sendOfficialAccountMsg() (any, error) {
	var req struct {
		ID              string          `json:"Official_Account"`
		Random          uint32          `json:"Random"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		CloudCustomData string          `json:"CloudCustomData"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		if b, err := parseBody(req.MsgBody, codeOfficialParam, codeOfficialParam); err != nil || len(b) == 0 {
			return nil, fail(codeOfficialParam, "MsgBody missing or invalid")
		}
		body := compact(req.MsgBody)
		type answer struct {
			envelope
			MsgKey string `json:"MsgKey"`
		}
		for _, m := range a.msgs {
			if c.now.Sub(m.at) < officialDedup && bytes.Equal(m.body, body) {
				return &answer{MsgKey: m.key}, nil
			}
		}
		a.msgSeq++
		m := &officialMsg{seq: a.msgSeq, key: fmt.Sprintf("%d_1_%d", a.msgSeq, c.now.Unix()), random: req.Random, body: body, cloud: req.CloudCustomData, at: c.now}
		a.msgs = append(a.msgs, m)
		return &answer{MsgKey: m.key}, nil
	})
}

func (c *call) officialMsgRecall() (any, error) {
	var req struct {
		ID   string   `json:"Official_Account"`
		Keys []string `json:"MsgKeyList"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		if len(req.Keys) == 0 || len(req.Keys) > 10 {
			return nil, fail(codeOfficialParam, "MsgKeyList holds %d keys (1..10)", len(req.Keys))
		}
		type ret struct {
			MsgKey  string `json:"MsgKey"`
			RetCode int    `json:"RetCode"`
		}
		out := &struct {
			envelope
			RecallRetList []ret `json:"RecallRetList"`
		}{}
		for _, k := range req.Keys {
			code := codeWithdrawNotFound
			for _, m := range a.msgs {
				if m.key == k {
					code = 0
					if m.recalled {
						code = codeWithdrawDone
					}
					m.recalled = true
				}
			}
			out.RecallRetList = append(out.RecallRetList, ret{k, code})
		}
		return out, nil
	})
}

// officialMsgGetSimple answers the ReqMsgNumber (20 when 0, the fake's
// choice) latest broadcasts before LastMsgKey's Seq, listed oldest first
// (the documented example's LastMsgKey is its first message's key);
// recalled ones only with WithRecalledMsg 1. LastMsgKey is the oldest
// listed message's key, "" on an empty page; IsFinished is 1 when no
// earlier message remains (the page does not say what Tencent means by it:
// this is the fake's reading). From_Account is the official account.
func (c *call) officialMsgGetSimple() (any, error) {
	var req struct {
		ID           string `json:"Official_Account"`
		LastMsgKey   string `json:"LastMsgKey"`
		ReqMsgNumber int    `json:"ReqMsgNumber"`
		WithRecalled int    `json:"WithRecalledMsg"`
	}
	return c.onOfficial(&req, &req.ID, func(_ *Server, a *officialAccount) (any, error) {
		before := uint64(math.MaxUint64)
		if req.LastMsgKey != "" {
			seq, _, _ := strings.Cut(req.LastMsgKey, "_")
			n, err := strconv.ParseUint(seq, 10, 64)
			if err != nil {
				return nil, fail(codeOfficialParam, "LastMsgKey %q is not Seq_1_ServerTime", req.LastMsgKey)
			}
			before = n
		}
		if req.ReqMsgNumber < 0 {
			return nil, fail(codeOfficialParam, "ReqMsgNumber %d is negative", req.ReqMsgNumber)
		}
		want := req.ReqMsgNumber
		if want == 0 {
			want = 20
		}
		var page []*officialMsg
		remaining := false
		for i := len(a.msgs) - 1; i >= 0; i-- {
			m := a.msgs[i]
			if m.seq >= before || (m.recalled && req.WithRecalled != 1) {
				continue
			}
			if len(page) == want {
				remaining = true
				break
			}
			page = append(page, m)
		}
		slices.Reverse(page)
		type msg struct {
			From         string          `json:"From_Account"`
			IsPlaceMsg   int             `json:"IsPlaceMsg"`
			MsgBody      json.RawMessage `json:"MsgBody"`
			MsgSeq       uint64          `json:"MsgSeq"`
			MsgKey       string          `json:"MsgKey"`
			MsgTimeStamp int64           `json:"MsgTimeStamp"`
		}
		out := &struct {
			envelope
			ID         string `json:"Official_Account"`
			IsFinished int    `json:"IsFinished"`
			LastMsgKey string `json:"LastMsgKey"`
			RspMsgList []msg  `json:"RspMsgList"`
		}{ID: a.id, RspMsgList: []msg{}}
		if !remaining {
			out.IsFinished = 1
		}
		for _, m := range page {
			out.RspMsgList = append(out.RspMsgList, msg{a.id, 0, m.body, m.seq, m.key, m.at.Unix()})
		}
		if len(page) > 0 {
			out.LastMsgKey = page[0].key
		}
		return out, nil
	})
}

// OfficialAccounts returns the official accounts, in creation order.
func (s *Server) OfficialAccounts() []OfficialAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nx == nil || s.nx.official == nil {
		return nil
	}
	st := s.nx.official
	out := make([]OfficialAccount, 0, len(st.order))
	for _, id := range st.order {
		a := st.accounts[id]
		oa := OfficialAccount{ID: a.id, Owner: a.owner, Name: a.name, Introduction: a.intro, FaceURL: a.face,
			Organization: a.org, CustomString: a.custom, MaxSubscribers: a.maxSubs}
		for _, x := range a.subscribers {
			oa.Subscribers = append(oa.Subscribers, x.id)
			if x.custom != "" {
				if oa.SubscriberCustom == nil {
					oa.SubscriberCustom = map[string]string{}
				}
				oa.SubscriberCustom[x.id] = x.custom
			}
		}
		for _, m := range a.msgs {
			oa.Messages = append(oa.Messages, OfficialMessage{MsgKey: m.key, Random: m.random, Body: elems(m.body), CloudCustomData: m.cloud, Recalled: m.recalled})
		}
		out = append(out, oa)
	}
	return out
}

package timtest

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Relationship chain (sns/*): friends, friend groups and the blacklist.
// Caps follow the relation package's (friend_add/import/update 100,
// friend_check and friend_get_list 100, friend_delete and the blacklist
// 1000, friend groups 100 names); more answers 30001.

// sns error codes (Tencent's 30xxx relationship-chain family).
const (
	codeSNSParam        = 30001 // bad parameter; also "already a friend", "not a friend" per item
	codeSNSInvalid      = 30002 // SDKAppID mismatch / invalid account in the group_add sample
	codeSNSNoAccount    = 30003 // the account does not exist
	codeSNSInMyBlack    = 30515 // the target is on the requester's blacklist
	codeSNSDenyAny      = 30516 // the target accepts no friend requests
	codeSNSInTheirBlack = 30525 // the requester is on the target's blacklist
	codeSNSPending      = 30539 // the target confirms requests: pending, no friendship yet
	codeSNSNotFriend    = 31704 // friend_delete of a non-friend
	codeSNSGroupNoFrnd  = 32216 // group_add with a non-friend
)

const (
	snsAddCap        = 100
	snsCheckCap      = 100
	snsDeleteCap     = 1000
	snsBlackCap      = 1000
	snsGroupNamesCap = 100
	snsGroupToCap    = 1000
	snsPageSize      = 100
)

// relState is the relationship state; created on first use, guarded by
// Server.mu.
type relState struct {
	friends map[string]*friendList
	black   map[string]*blackList
	follows map[string]map[string]int64 // follower → followee → since
	mutes   map[string]*globalMute
}

type friendList struct {
	order     []string
	recs      map[string]*friendRec
	groups    []string // friend-group names, creation order
	stdSeq    int64
	customSeq int64
	groupSeq  int64
}

type friendRec struct {
	id         string
	addTime    int64
	addSource  string
	addWording string
	remark     string
	remarkTime int64
	groups     []string
	custom     []item
}

// item is a Tag/Value pair kept as sent.
type item struct {
	Tag   string          `json:"Tag"`
	Value json.RawMessage `json:"Value"`
}

type blackList struct {
	order []string
	since map[string]int64
	seq   int64
}

func (s *Server) relLocked() *relState {
	if s.rel == nil {
		s.rel = &relState{friends: map[string]*friendList{}, black: map[string]*blackList{},
			follows: map[string]map[string]int64{}, mutes: map[string]*globalMute{}}
	}
	return s.rel
}

func (r *relState) list(owner string) *friendList {
	l := r.friends[owner]
	if l == nil {
		l = &friendList{recs: map[string]*friendRec{}}
		r.friends[owner] = l
	}
	return l
}

func (r *relState) blacklist(owner string) *blackList {
	b := r.black[owner]
	if b == nil {
		b = &blackList{since: map[string]int64{}}
		r.black[owner] = b
	}
	return b
}

func (r *relState) isFriend(a, b string) bool {
	l := r.friends[a]
	return l != nil && l.recs[b] != nil
}

func (r *relState) blocked(a, b string) bool {
	l := r.black[a]
	return l != nil && l.since[b] != 0
}

func (l *friendList) put(rec *friendRec) {
	if l.recs[rec.id] == nil {
		l.order = append(l.order, rec.id)
	}
	l.recs[rec.id] = rec
	l.ensureGroups(rec.groups)
	l.stdSeq++
	if len(rec.custom) > 0 {
		l.customSeq++
	}
}

func (l *friendList) remove(id string) bool {
	if l.recs[id] == nil {
		return false
	}
	delete(l.recs, id)
	l.order = slices.DeleteFunc(l.order, func(x string) bool { return x == id })
	l.stdSeq++
	return true
}

func (l *friendList) ensureGroups(names []string) {
	for _, g := range names {
		if !contains(l.groups, g) {
			l.groups = append(l.groups, g)
			l.groupSeq++
		}
	}
}

// standard returns the standard friend fields of rec (friend_get order).
func (rec *friendRec) standard() []item {
	out := []item{{Tag: "Tag_SNS_IM_AddSource", Value: jsonString(rec.addSource)}}
	if rec.remark != "" {
		out = append(out, item{Tag: "Tag_SNS_IM_Remark", Value: jsonString(rec.remark)})
	}
	if len(rec.groups) > 0 {
		g, _ := json.Marshal(rec.groups)
		out = append(out, item{Tag: "Tag_SNS_IM_Group", Value: g})
	}
	out = append(out, item{Tag: "Tag_SNS_IM_AddTime", Value: json.RawMessage(strconv.FormatInt(rec.addTime, 10))})
	if rec.addWording != "" {
		out = append(out, item{Tag: "Tag_SNS_IM_AddWording", Value: jsonString(rec.addWording)})
	}
	return out
}

func (rec *friendRec) tag(tag string) (json.RawMessage, bool) {
	for _, it := range rec.standard() {
		if it.Tag == tag {
			return it.Value, true
		}
	}
	if tag == "Tag_SNS_IM_RemarkTime" && rec.remarkTime != 0 {
		return json.RawMessage(strconv.FormatInt(rec.remarkTime, 10)), true
	}
	for _, it := range rec.custom {
		if it.Tag == tag {
			return it.Value, true
		}
	}
	return nil, false
}

func (rec *friendRec) setCustom(tag string, v json.RawMessage) {
	for i := range rec.custom {
		if rec.custom[i].Tag == tag {
			rec.custom[i].Value = v
			return
		}
	}
	rec.custom = append(rec.custom, item{Tag: tag, Value: v})
}

// resultItem is one ResultItem.
type resultItem struct {
	ToAccount  string `json:"To_Account"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

type batchResp struct {
	envelope
	ResultItem  []resultItem `json:"ResultItem"`
	FailAccount []string     `json:"Fail_Account,omitempty"`
}

func (b *batchResp) add(to string, code int, info string) {
	b.ResultItem = append(b.ResultItem, resultItem{to, code, info})
	if code != 0 {
		b.FailAccount = append(b.FailAccount, to)
	}
}

// decodeSNS decodes the body, answering 30001 on a type mismatch.
func (c *call) decodeSNS(v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		return fail(codeSNSParam, "request JSON: %v", err)
	}
	return nil
}

// fromLocked checks the From_Account of a relationship call.
func (s *Server) fromLocked(from string) error {
	if from == "" {
		return fail(codeSNSParam, "From_Account missing")
	}
	if s.accounts[from] == nil {
		return fail(codeSNSNoAccount, "From_Account %q does not exist", from)
	}
	return nil
}

func checkCap(field string, n, cap int) error {
	if n == 0 {
		return fail(codeSNSParam, "%s is empty", field)
	}
	if n > cap {
		return fail(codeSNSParam, "%s holds %d entries, at most %d", field, n, cap)
	}
	return nil
}

func validAddSource(s string) bool {
	return strings.HasPrefix(s, "AddSource_Type_") && len(s) > len("AddSource_Type_")
}

// --- friends --------------------------------------------------------------

func (c *call) friendAdd() (any, error) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			To         string `json:"To_Account"`
			Remark     string `json:"Remark"`
			GroupName  string `json:"GroupName"`
			AddSource  string `json:"AddSource"`
			AddWording string `json:"AddWording"`
		} `json:"AddFriendItem"`
		AddType       string `json:"AddType"`
		ForceAddFlags int    `json:"ForceAddFlags"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("AddFriendItem", len(req.Items), snsAddCap); err != nil {
		return nil, err
	}
	both := true
	switch req.AddType {
	case "", "Add_Type_Both":
	case "Add_Type_Single":
		both = false
	default:
		return nil, fail(codeSNSParam, "AddType %q", req.AddType)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	resp := &batchResp{}
	for _, it := range req.Items {
		to := it.To
		switch {
		case !validAddSource(it.AddSource):
			resp.add(to, codeSNSParam, "Err_SNS_FriendAdd_Source_Illegal")
		case to == "" || to == req.From:
			resp.add(to, codeSNSParam, "cannot add yourself or an empty id")
		case s.accounts[to] == nil:
			resp.add(to, codeSNSNoAccount, "account does not exist")
		case r.blocked(req.From, to):
			resp.add(to, codeSNSInMyBlack, "the target is on your blacklist")
		case r.blocked(to, req.From):
			resp.add(to, codeSNSInTheirBlack, "you are on the target's blacklist")
		case r.isFriend(req.From, to) && (!both || r.isFriend(to, req.From)):
			resp.add(to, codeSNSParam, "Err_SNS_FriendAdd_Friend_Exist")
		default:
			if req.ForceAddFlags != 1 {
				switch allowType(s.accounts[to]) {
				case "AllowType_Type_DenyAny":
					resp.add(to, codeSNSDenyAny, "the target accepts no friend requests")
					continue
				case "AllowType_Type_NeedConfirm":
					resp.add(to, codeSNSPending, "pending: the target confirms friend requests")
					continue
				}
			}
			var groups []string
			if it.GroupName != "" {
				groups = []string{it.GroupName}
			}
			if !r.isFriend(req.From, to) {
				r.list(req.From).put(&friendRec{id: to, addTime: c.now.Unix(), addSource: it.AddSource, addWording: it.AddWording,
					remark: it.Remark, groups: groups})
			}
			if both && !r.isFriend(to, req.From) {
				r.list(to).put(&friendRec{id: req.From, addTime: c.now.Unix(), addSource: it.AddSource, addWording: it.AddWording})
			}
			resp.add(to, 0, "")
		}
	}
	return resp, nil
}

func allowType(a *account) string {
	var v string
	if raw, ok := a.profile["Tag_Profile_IM_AllowType"]; ok {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}

func (c *call) friendImport() (any, error) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			To         string   `json:"To_Account"`
			Remark     string   `json:"Remark"`
			RemarkTime int64    `json:"RemarkTime"`
			GroupName  []string `json:"GroupName"`
			AddSource  string   `json:"AddSource"`
			AddWording string   `json:"AddWording"`
			AddTime    int64    `json:"AddTime"`
			CustomItem []item   `json:"CustomItem"`
		} `json:"AddFriendItem"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("AddFriendItem", len(req.Items), snsAddCap); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	resp := &batchResp{}
	for _, it := range req.Items {
		switch {
		case !validAddSource(it.AddSource):
			resp.add(it.To, codeSNSParam, "Err_SNS_FriendImport_Source_Illegal")
		case it.To == "" || it.To == req.From:
			resp.add(it.To, codeSNSParam, "cannot import yourself or an empty id")
		case s.accounts[it.To] == nil:
			resp.add(it.To, codeSNSNoAccount, "account does not exist")
		default:
			at := it.AddTime
			if at == 0 {
				at = c.now.Unix()
			}
			rec := &friendRec{id: it.To, addTime: at, addSource: it.AddSource, addWording: it.AddWording, remark: it.Remark,
				remarkTime: it.RemarkTime, groups: slices.Clone(it.GroupName)}
			for _, ci := range it.CustomItem {
				if !strings.HasPrefix(ci.Tag, "Tag_SNS_Custom_") {
					continue
				}
				rec.setCustom(ci.Tag, compact(ci.Value))
			}
			r.list(req.From).put(rec)
			resp.add(it.To, 0, "")
		}
	}
	return resp, nil
}

func (c *call) friendUpdate() (any, error) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			To      string `json:"To_Account"`
			SnsItem []item `json:"SnsItem"`
		} `json:"UpdateItem"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("UpdateItem", len(req.Items), snsAddCap); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	resp := &batchResp{}
	for _, it := range req.Items {
		l := r.friends[req.From]
		if l == nil || l.recs[it.To] == nil {
			resp.add(it.To, codeSNSParam, "Err_SNS_FriendUpdate_Friend_Not_Exist")
			continue
		}
		rec := l.recs[it.To]
		if code, info := updateFriend(l, rec, it.SnsItem, c.now.Unix()); code != 0 {
			resp.add(it.To, code, info)
			continue
		}
		resp.add(it.To, 0, "")
	}
	return resp, nil
}

// updateFriend applies SnsItem to rec, all or nothing.
func updateFriend(l *friendList, rec *friendRec, items []item, now int64) (int, string) {
	next := *rec
	next.groups = slices.Clone(rec.groups)
	next.custom = slices.Clone(rec.custom)
	std, custom := false, false
	for _, it := range items {
		switch {
		case it.Tag == "Tag_SNS_IM_Remark":
			var v string
			if json.Unmarshal(it.Value, &v) != nil {
				return codeSNSParam, "Tag_SNS_IM_Remark must be a string"
			}
			next.remark, next.remarkTime, std = v, now, true
		case it.Tag == "Tag_SNS_IM_Group":
			var v []string
			if json.Unmarshal(it.Value, &v) != nil {
				return codeSNSParam, "Tag_SNS_IM_Group must be an array of strings"
			}
			next.groups, std = v, true
		case strings.HasPrefix(it.Tag, "Tag_SNS_Custom_"):
			next.setCustom(it.Tag, compact(it.Value))
			custom = true
		default:
			return codeSNSParam, "tag " + it.Tag + " cannot be updated"
		}
	}
	*rec = next
	l.ensureGroups(rec.groups)
	if std {
		l.stdSeq++
	}
	if custom {
		l.customSeq++
	}
	return 0, ""
}

func (c *call) friendDelete() (any, error) {
	var req struct {
		From       string   `json:"From_Account"`
		To         []string `json:"To_Account"`
		DeleteType string   `json:"DeleteType"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), snsDeleteCap); err != nil {
		return nil, err
	}
	both, err := deleteBoth(req.DeleteType, true)
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	resp := &batchResp{}
	for _, to := range req.To {
		mine := r.isFriend(req.From, to)
		theirs := both && r.isFriend(to, req.From)
		if !mine && !theirs {
			resp.add(to, codeSNSNotFriend, "Err_SNS_FriendDelete_Not_Friend")
			continue
		}
		if mine {
			r.friends[req.From].remove(to)
		}
		if theirs {
			r.friends[to].remove(req.From)
		}
		resp.add(to, 0, "")
	}
	return resp, nil
}

// deleteBoth reads a DeleteType; an absent one is def (both when true).
func deleteBoth(t string, def bool) (bool, error) {
	switch t {
	case "":
		return def, nil
	case "Delete_Type_Both":
		return true, nil
	case "Delete_Type_Single":
		return false, nil
	}
	return false, fail(codeSNSParam, "DeleteType %q", t)
}

func (c *call) friendDeleteAll() (any, error) {
	var req struct {
		From       string `json:"From_Account"`
		DeleteType string `json:"DeleteType"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	both, err := deleteBoth(req.DeleteType, false)
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	if l := r.friends[req.From]; l != nil {
		for _, to := range slices.Clone(l.order) {
			l.remove(to)
			if both && r.isFriend(to, req.From) {
				r.friends[to].remove(req.From)
			}
		}
		l.customSeq++
	}
	return &envelope{}, nil
}

func (c *call) friendCheck() (any, error) {
	items, err := c.relationCheck("CheckResult_Type", "CheckResult_Type_NoRelation", snsCheckCap, (*relState).isFriend)
	if err != nil {
		return nil, err
	}
	return &struct {
		envelope
		InfoItem []checkItem `json:"InfoItem"`
	}{InfoItem: items}, nil
}

// checkItem is one answer of friend_check and black_list_check.
type checkItem struct {
	ToAccount  string `json:"To_Account"`
	Relation   string `json:"Relation"`
	ResultCode int    `json:"ResultCode"`
	ResultInfo string `json:"ResultInfo"`
}

// relationCheck answers friend_check and black_list_check: kind is the
// prefix of their CheckType and Relation values (<kind>_Single,
// <kind>_Both; <kind>_BothWay, _AWithB, _BWithA, or none), limit caps
// To_Account, and holds tells whether a has the one-way relation to b.
func (c *call) relationCheck(kind, none string, limit int, holds func(r *relState, a, b string) bool) ([]checkItem, error) {
	var req struct {
		From      string   `json:"From_Account"`
		To        []string `json:"To_Account"`
		CheckType string   `json:"CheckType"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), limit); err != nil {
		return nil, err
	}
	if req.CheckType != kind+"_Both" && req.CheckType != kind+"_Single" {
		return nil, fail(codeSNSParam, "CheckType %q", req.CheckType)
	}
	both := req.CheckType == kind+"_Both"
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	var items []checkItem
	for _, to := range req.To {
		a := holds(r, req.From, to)
		b := both && holds(r, to, req.From)
		rel := none
		switch {
		case a && b:
			rel = kind + "_BothWay"
		case a:
			rel = kind + "_AWithB"
		case b:
			rel = kind + "_BWithA"
		}
		items = append(items, checkItem{to, rel, 0, ""})
	}
	return items, nil
}

func (c *call) friendGet() (any, error) {
	var req struct {
		From             string `json:"From_Account"`
		StartIndex       int    `json:"StartIndex"`
		StandardSequence int64  `json:"StandardSequence"`
		CustomSequence   int64  `json:"CustomSequence"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if req.StartIndex < 0 {
		return nil, fail(codeSNSParam, "StartIndex %d", req.StartIndex)
	}
	type userData struct {
		ToAccount string `json:"To_Account"`
		ValueItem []item `json:"ValueItem"`
	}
	resp := &struct {
		envelope
		UserDataItem     []userData `json:"UserDataItem"`
		StandardSequence int64      `json:"StandardSequence"`
		CustomSequence   int64      `json:"CustomSequence"`
		FriendNum        int        `json:"FriendNum"`
		CompleteFlag     int        `json:"CompleteFlag"`
		NextStartIndex   int        `json:"NextStartIndex"`
	}{UserDataItem: []userData{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	l := s.relLocked().list(req.From)
	resp.StandardSequence, resp.CustomSequence, resp.FriendNum = l.stdSeq, l.customSeq, len(l.order)
	skipStd := req.StandardSequence != 0 && req.StandardSequence == l.stdSeq
	skipCustom := req.CustomSequence != 0 && req.CustomSequence == l.customSeq
	end := min(req.StartIndex+snsPageSize, len(l.order))
	for i := req.StartIndex; i < end; i++ {
		rec := l.recs[l.order[i]]
		d := userData{ToAccount: rec.id}
		if !skipStd {
			d.ValueItem = append(d.ValueItem, rec.standard()...)
		}
		if !skipCustom {
			d.ValueItem = append(d.ValueItem, rec.custom...)
		}
		resp.UserDataItem = append(resp.UserDataItem, d)
	}
	if end >= len(l.order) {
		resp.CompleteFlag = 1
	} else {
		resp.NextStartIndex = end
	}
	return resp, nil
}

func (c *call) friendGetList() (any, error) {
	var req struct {
		From    string   `json:"From_Account"`
		To      []string `json:"To_Account"`
		TagList []string `json:"TagList"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), snsCheckCap); err != nil {
		return nil, err
	}
	if len(req.TagList) == 0 {
		return nil, fail(codeSNSParam, "TagList is empty")
	}
	type info struct {
		ToAccount      string `json:"To_Account"`
		SnsProfileItem []item `json:"SnsProfileItem,omitempty"`
		ResultCode     int    `json:"ResultCode"`
		ResultInfo     string `json:"ResultInfo"`
	}
	resp := &struct {
		envelope
		InfoItem    []info   `json:"InfoItem"`
		FailAccount []string `json:"Fail_Account,omitempty"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	for _, to := range req.To {
		if !r.isFriend(req.From, to) {
			resp.InfoItem = append(resp.InfoItem, info{ToAccount: to, ResultCode: codeSNSParam, ResultInfo: "Err_SNS_FriendGetList_Friend_Not_Exist"})
			resp.FailAccount = append(resp.FailAccount, to)
			continue
		}
		rec := r.friends[req.From].recs[to]
		it := info{ToAccount: to}
		for _, tag := range req.TagList {
			if strings.HasPrefix(tag, "Tag_Profile_") {
				if a := s.accounts[to]; a != nil {
					if v, ok := a.profile[tag]; ok {
						it.SnsProfileItem = append(it.SnsProfileItem, item{tag, bytes.Clone(v)})
					}
				}
				continue
			}
			if v, ok := rec.tag(tag); ok {
				it.SnsProfileItem = append(it.SnsProfileItem, item{tag, v})
			}
		}
		resp.InfoItem = append(resp.InfoItem, it)
	}
	return resp, nil
}

// --- blacklist -----------------------------------------------------------

func (c *call) blackListAdd() (any, error) { return c.blackListChange(true) }

func (c *call) blackListDelete() (any, error) { return c.blackListChange(false) }

func (c *call) blackListChange(add bool) (any, error) {
	var req struct {
		From string   `json:"From_Account"`
		To   []string `json:"To_Account"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), snsBlackCap); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	b := r.blacklist(req.From)
	resp := &batchResp{}
	for _, to := range req.To {
		switch {
		case to == "" || to == req.From:
			resp.add(to, codeSNSParam, "cannot blacklist yourself or an empty id")
		case add && s.accounts[to] == nil:
			resp.add(to, codeSNSNoAccount, "account does not exist")
		case add:
			if b.since[to] == 0 {
				b.order = append(b.order, to)
				b.since[to] = c.now.Unix()
				b.seq++
			}
			// Blacklisting ends the friendship on both sides.
			if r.isFriend(req.From, to) {
				r.friends[req.From].remove(to)
			}
			if r.isFriend(to, req.From) {
				r.friends[to].remove(req.From)
			}
			resp.add(to, 0, "")
		default:
			if b.since[to] != 0 {
				delete(b.since, to)
				b.order = slices.DeleteFunc(b.order, func(x string) bool { return x == to })
				b.seq++
			}
			resp.add(to, 0, "")
		}
	}
	return resp, nil
}

func (c *call) blackListGet() (any, error) {
	var req struct {
		From         string `json:"From_Account"`
		StartIndex   int    `json:"StartIndex"`
		MaxLimited   int    `json:"MaxLimited"`
		LastSequence int64  `json:"LastSequence"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if req.MaxLimited <= 0 || req.StartIndex < 0 {
		return nil, fail(codeSNSParam, "StartIndex %d, MaxLimited %d", req.StartIndex, req.MaxLimited)
	}
	type entry struct {
		ToAccount         string `json:"To_Account"`
		AddBlackTimeStamp int64  `json:"AddBlackTimeStamp"`
	}
	// The documented answer spells the sequence "CurruentSequence".
	resp := &struct {
		envelope
		BlackListItem    []entry `json:"BlackListItem"`
		StartIndex       int     `json:"StartIndex"`
		CurruentSequence int64   `json:"CurruentSequence"`
	}{BlackListItem: []entry{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	b := s.relLocked().blacklist(req.From)
	resp.CurruentSequence = b.seq
	end := min(req.StartIndex+req.MaxLimited, len(b.order))
	for i := req.StartIndex; i < end; i++ {
		resp.BlackListItem = append(resp.BlackListItem, entry{b.order[i], b.since[b.order[i]]})
	}
	if end < len(b.order) {
		resp.StartIndex = end
	}
	return resp, nil
}

func (c *call) blackListCheck() (any, error) {
	items, err := c.relationCheck("BlackCheckResult_Type", "BlackCheckResult_Type_NO", snsBlackCap, (*relState).blocked)
	if err != nil {
		return nil, err
	}
	return &struct {
		envelope
		BlackListCheckItem []checkItem `json:"BlackListCheckItem"`
	}{BlackListCheckItem: items}, nil
}

// --- friend groups -------------------------------------------------------

func (c *call) snsGroupAdd() (any, error) {
	var req struct {
		From      string   `json:"From_Account"`
		GroupName []string `json:"GroupName"`
		To        []string `json:"To_Account"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("GroupName", len(req.GroupName), snsGroupNamesCap); err != nil {
		return nil, err
	}
	if len(req.To) > snsGroupToCap {
		return nil, fail(codeSNSParam, "To_Account holds %d ids, at most %d", len(req.To), snsGroupToCap)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	l := r.list(req.From)
	for _, g := range req.GroupName {
		if g == "" || len(g) > 30 {
			return nil, fail(codeSNSParam, "GroupName %q must be 1..30 bytes", g)
		}
		if contains(l.groups, g) {
			return nil, fail(codeSNSParam, "friend group %q already exists", g)
		}
	}
	l.ensureGroups(req.GroupName)
	resp := &struct {
		batchResp
		CurrentSequence int64 `json:"CurrentSequence"`
	}{}
	for _, to := range req.To {
		rec := l.recs[to]
		if rec == nil {
			resp.add(to, codeSNSGroupNoFrnd, "Err_SNS_GroupAdd_ToTinyId_Not_Friend")
			continue
		}
		for _, g := range req.GroupName {
			if !contains(rec.groups, g) {
				rec.groups = append(rec.groups, g)
			}
		}
		l.stdSeq++
		resp.add(to, 0, "")
	}
	resp.CurrentSequence = l.groupSeq
	return resp, nil
}

func (c *call) snsGroupDelete() (any, error) {
	var req struct {
		From      string   `json:"From_Account"`
		GroupName []string `json:"GroupName"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("GroupName", len(req.GroupName), snsGroupNamesCap); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	l := s.relLocked().list(req.From)
	gone := func(g string) bool { return contains(req.GroupName, g) }
	if n := len(l.groups); n > 0 {
		l.groups = slices.DeleteFunc(l.groups, gone)
		if len(l.groups) != n {
			l.groupSeq++
		}
	}
	for _, rec := range l.recs {
		if n := len(rec.groups); n > 0 {
			rec.groups = slices.DeleteFunc(rec.groups, gone)
			if len(rec.groups) != n {
				l.stdSeq++
			}
		}
	}
	return &struct {
		envelope
		CurrentSequence int64 `json:"CurrentSequence"`
	}{CurrentSequence: l.groupSeq}, nil
}

func (c *call) snsGroupGet() (any, error) {
	var req struct {
		From         string   `json:"From_Account"`
		NeedFriend   string   `json:"NeedFriend"`
		LastSequence int64    `json:"LastSequence"`
		GroupName    []string `json:"GroupName"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if len(req.GroupName) > snsGroupNamesCap {
		return nil, fail(codeSNSParam, "GroupName holds %d names, at most %d", len(req.GroupName), snsGroupNamesCap)
	}
	type result struct {
		GroupName    string   `json:"GroupName"`
		FriendNumber int      `json:"FriendNumber"`
		ToAccount    []string `json:"To_Account,omitempty"`
	}
	resp := &struct {
		envelope
		CurrentSequence int64    `json:"CurrentSequence"`
		ResultItem      []result `json:"ResultItem"`
	}{ResultItem: []result{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	l := s.relLocked().list(req.From)
	resp.CurrentSequence = l.groupSeq
	if len(req.GroupName) == 0 && req.LastSequence != 0 && req.LastSequence == l.groupSeq {
		return resp, nil // unchanged since the caller's last read
	}
	for _, g := range l.groups {
		if len(req.GroupName) > 0 && !contains(req.GroupName, g) {
			continue
		}
		res := result{GroupName: g}
		for _, id := range l.order {
			if contains(l.recs[id].groups, g) {
				res.FriendNumber++
				if req.NeedFriend == "Need_Friend_Type_Yes" {
					res.ToAccount = append(res.ToAccount, id)
				}
			}
		}
		resp.ResultItem = append(resp.ResultItem, res)
	}
	return resp, nil
}

// --- inspection ------------------------------------------------------------

// Friends returns owner's friend list (one-way: the accounts in owner's
// list) in the order they were added.
func (s *Server) Friends(owner string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rel == nil || s.rel.friends[owner] == nil {
		return nil
	}
	return slices.Clone(s.rel.friends[owner].order)
}

// FriendGroups returns owner's friend groups and, for each, its friends.
func (s *Server) FriendGroups(owner string) map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	if s.rel == nil || s.rel.friends[owner] == nil {
		return out
	}
	l := s.rel.friends[owner]
	for _, g := range l.groups {
		out[g] = []string{}
		for _, id := range l.order {
			if contains(l.recs[id].groups, g) {
				out[g] = append(out[g], id)
			}
		}
	}
	return out
}

// Blacklist returns owner's blacklist in the order entries were added.
func (s *Server) Blacklist(owner string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rel == nil || s.rel.black[owner] == nil {
		return nil
	}
	return slices.Clone(s.rel.black[owner].order)
}

package timtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// All-member push (all_member_push/*): app attribute names, user
// attributes and tags, and im_push, which selects its recipients from them.
// Source: REST API/消息相关/全员推送/*_intl_en.md (limits: 10 attribute names
// "0".."9", 50-byte names, values and tags, 100 users per call, 10 tags per
// user per call and per condition, 100 tags per user; codes 90001, 90018,
// 90020, 90026, 90032).

const (
	maxPushUsers      = 100
	maxPushTagsPerOp  = 10
	maxPushTagsOfUser = 100
	maxPushTextBytes  = 50
	maxPushAttrNames  = 10
	codePushTooMany   = 90018
	codePushTagLen    = 90020
	codePushTagCount  = 90032
	pushDedupWindow   = 7 * 24 * time.Hour
)

// Push is one all_member_push/im_push task.
type Push struct {
	// TaskID is the TaskId answered.
	TaskID string
	// From is the sender (the admin when From_Account was absent).
	From string
	// Random is the MsgRandom, the task's dedup key.
	Random uint32
	// Body is the MsgBody.
	Body []MsgElem
	// Recipients are the imported accounts the condition selected.
	Recipients []string
	// At is when the task was created.
	At time.Time
	// DataID is timpush/batch's DataId ("" for im_push).
	DataID string
	// Title is the OfflinePushInfo title of a timpush/batch push.
	Title string
	// Revoked reports a task timpush/revoke revoked.
	Revoked bool
}

// Pushes returns the im_push and timpush/batch tasks so far.
func (s *Server) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ext.pushes)
}

// UserTags returns the push tags of a user.
func (s *Server) UserTags(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ext.userTags[userID])
}

// UserAttrs returns the push attributes of a user.
func (s *Server) UserAttrs(userID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.ext.userAttrs[userID])
}

// pushUsers decodes the To_Account list of the per-user push reads and
// removals, within the per-call limit.
func (c *call) pushUsers() ([]string, error) {
	var req struct {
		ToAccount []string `json:"To_Account"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPushUsers("To_Account", len(req.ToAccount)); err != nil {
		return nil, err
	}
	return req.ToAccount, nil
}

func checkPushUsers(field string, n int) error {
	if n == 0 {
		return fail(codeMsgJSON, "parameter error: %s is empty", field)
	}
	if n > maxPushUsers {
		return fail(codePushTooMany, "%s holds %d users, limit is %d", field, n, maxPushUsers)
	}
	return nil
}

func (c *call) setAttrName() (any, error) {
	var req struct {
		AttrNames map[string]string `json:"AttrNames"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	for k, v := range req.AttrNames {
		n, err := strconv.Atoi(k)
		if err != nil || n < 0 || n >= maxPushAttrNames || strconv.Itoa(n) != k {
			return nil, fail(codeMsgJSON, "parameter error: AttrNames key %q must be \"0\"..\"9\"", k)
		}
		if len(v) > maxPushTextBytes {
			return nil, fail(codeMsgJSON, "parameter error: AttrNames[%s] is longer than %d bytes", k, maxPushTextBytes)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range req.AttrNames {
		if v == "" {
			delete(s.ext.attrNames, k)
		} else {
			s.ext.attrNames[k] = v
		}
	}
	return &envelope{}, nil
}

func (c *call) getAttrName() (any, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return &struct {
		envelope
		AttrNames map[string]string `json:"AttrNames"`
	}{AttrNames: maps.Clone(s.ext.attrNames)}, nil
}

// getAttrNameTyped is timpush/get_attr_name: the names and, per named
// attribute, its account type (AttrTypes). The fake keeps no account
// types: every attribute is type 0 (UserID), the pages' default
// (https://cloud.tencent.com/document/product/269/100635).
func (c *call) getAttrNameTyped() (any, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	types := make(map[string]int, len(s.ext.attrNames))
	for k := range s.ext.attrNames {
		types[k] = 0
	}
	return &struct {
		envelope
		AttrNames map[string]string `json:"AttrNames"`
		AttrTypes map[string]int    `json:"AttrTypes"`
	}{AttrNames: maps.Clone(s.ext.attrNames), AttrTypes: types}, nil
}

// attrDefinedLocked reports whether name is one of the app's attribute names.
func (s *Server) attrDefinedLocked(name string) bool {
	for _, v := range s.ext.attrNames {
		if v == name {
			return true
		}
	}
	return false
}

func (c *call) getAttr() (any, error) {
	users, err := c.pushUsers()
	if err != nil {
		return nil, err
	}
	type item struct {
		ToAccount string            `json:"To_Account"`
		Attrs     map[string]string `json:"Attrs"`
	}
	resp := struct {
		envelope
		UserAttrs []item `json:"UserAttrs"`
	}{UserAttrs: []item{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		a := maps.Clone(s.ext.userAttrs[u])
		if a == nil {
			a = map[string]string{}
		}
		resp.UserAttrs = append(resp.UserAttrs, item{u, a})
	}
	return &resp, nil
}

func (c *call) setAttr() (any, error) {
	var req struct {
		UserAttrs []struct {
			ToAccount string            `json:"To_Account"`
			Attrs     map[string]string `json:"Attrs"`
		} `json:"UserAttrs"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPushUsers("UserAttrs", len(req.UserAttrs)); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, u := range req.UserAttrs {
		if u.ToAccount == "" {
			return nil, fail(codeMsgJSON, "parameter error: UserAttrs[%d].To_Account is required", i)
		}
		for k, v := range u.Attrs {
			if !s.attrDefinedLocked(k) {
				return nil, fail(codeMsgJSON, "parameter error: UserAttrs[%d].Attrs: %q is not an app attribute name (im_set_attr_name)", i, k)
			}
			if len(v) > maxPushTextBytes {
				return nil, fail(codeMsgJSON, "parameter error: UserAttrs[%d].Attrs[%s] is longer than %d bytes", i, k, maxPushTextBytes)
			}
		}
	}
	for _, u := range req.UserAttrs {
		m := s.ext.userAttrs[u.ToAccount]
		if m == nil {
			m = map[string]string{}
			s.ext.userAttrs[u.ToAccount] = m
		}
		maps.Copy(m, u.Attrs)
	}
	return &envelope{}, nil
}

func (c *call) removeAttr() (any, error) {
	var req struct {
		UserAttrs []struct {
			ToAccount string   `json:"To_Account"`
			Attrs     []string `json:"Attrs"`
		} `json:"UserAttrs"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPushUsers("UserAttrs", len(req.UserAttrs)); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range req.UserAttrs {
		for _, k := range u.Attrs {
			delete(s.ext.userAttrs[u.ToAccount], k)
		}
	}
	return &envelope{}, nil
}

func (c *call) getTag() (any, error) {
	users, err := c.pushUsers()
	if err != nil {
		return nil, err
	}
	type item struct {
		ToAccount string   `json:"To_Account"`
		Tags      []string `json:"Tags"`
	}
	resp := struct {
		envelope
		UserTags []item `json:"UserTags"`
	}{UserTags: []item{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		tags := slices.Clone(s.ext.userTags[u])
		if tags == nil {
			tags = []string{}
		}
		resp.UserTags = append(resp.UserTags, item{u, tags})
	}
	return &resp, nil
}

type userTagsReq struct {
	UserTags []struct {
		ToAccount string   `json:"To_Account"`
		Tags      []string `json:"Tags"`
	} `json:"UserTags"`
}

func (c *call) parseUserTags() (*userTagsReq, error) {
	var req userTagsReq
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkPushUsers("UserTags", len(req.UserTags)); err != nil {
		return nil, err
	}
	for i, u := range req.UserTags {
		if u.ToAccount == "" {
			return nil, fail(codeMsgJSON, "parameter error: UserTags[%d].To_Account is required", i)
		}
		if len(u.Tags) > maxPushTagsPerOp {
			return nil, fail(codePushTagCount, "UserTags[%d].Tags holds %d tags, limit is %d", i, len(u.Tags), maxPushTagsPerOp)
		}
		for _, t := range u.Tags {
			if t == "" || len(t) > maxPushTextBytes {
				return nil, fail(codePushTagLen, "UserTags[%d]: tag %q must be 1..%d bytes", i, t, maxPushTextBytes)
			}
		}
	}
	return &req, nil
}

func (c *call) addTag() (any, error) {
	req, err := c.parseUserTags()
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, u := range req.UserTags {
		have := s.ext.userTags[u.ToAccount]
		n := len(have)
		for _, t := range u.Tags {
			if !slices.Contains(have, t) {
				n++
			}
		}
		if n > maxPushTagsOfUser {
			return nil, fail(codePushTagCount, "UserTags[%d]: %q would have %d tags, limit is %d", i, u.ToAccount, n, maxPushTagsOfUser)
		}
	}
	for _, u := range req.UserTags {
		for _, t := range u.Tags {
			if !slices.Contains(s.ext.userTags[u.ToAccount], t) {
				s.ext.userTags[u.ToAccount] = append(s.ext.userTags[u.ToAccount], t)
			}
		}
	}
	return &envelope{}, nil
}

func (c *call) removeTag() (any, error) {
	req, err := c.parseUserTags()
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range req.UserTags {
		s.ext.userTags[u.ToAccount] = slices.DeleteFunc(s.ext.userTags[u.ToAccount], func(t string) bool {
			return slices.Contains(u.Tags, t)
		})
	}
	return &envelope{}, nil
}

func (c *call) removeAllTags() (any, error) {
	users, err := c.pushUsers()
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		delete(s.ext.userTags, u)
	}
	return &envelope{}, nil
}

type pushCondition struct {
	TagsOr   []string          `json:"TagsOr"`
	TagsAnd  []string          `json:"TagsAnd"`
	AttrsOr  map[string]string `json:"AttrsOr"`
	AttrsAnd map[string]string `json:"AttrsAnd"`
}

func (pc *pushCondition) check() error {
	if pc == nil {
		return nil
	}
	tags := len(pc.TagsOr) > 0 || len(pc.TagsAnd) > 0
	attrs := len(pc.AttrsOr) > 0 || len(pc.AttrsAnd) > 0
	if tags && attrs {
		return fail(codeMsgJSON, "parameter error: Condition mixes tag and attribute conditions")
	}
	for _, l := range [][]string{pc.TagsOr, pc.TagsAnd} {
		if len(l) > maxPushTagsPerOp {
			return fail(codePushTagCount, "Condition holds %d tags, limit is %d", len(l), maxPushTagsPerOp)
		}
		for _, t := range l {
			if len(t) > maxPushTextBytes {
				return fail(codePushTagLen, "Condition tag %q is longer than %d bytes", t, maxPushTextBytes)
			}
		}
	}
	return nil
}

func (pc *pushCondition) match(tags []string, attrs map[string]string) bool {
	if pc == nil {
		return true
	}
	any := func(l []string) bool {
		return slices.ContainsFunc(l, func(t string) bool { return slices.Contains(tags, t) })
	}
	all := func(l []string) bool {
		return !slices.ContainsFunc(l, func(t string) bool { return !slices.Contains(tags, t) })
	}
	ok := true
	if len(pc.TagsOr) > 0 {
		ok = ok && any(pc.TagsOr)
	}
	if len(pc.TagsAnd) > 0 {
		ok = ok && all(pc.TagsAnd)
	}
	if len(pc.AttrsOr) > 0 {
		hit := false
		for k, v := range pc.AttrsOr {
			hit = hit || attrs[k] == v
		}
		ok = ok && hit
	}
	for k, v := range pc.AttrsAnd {
		ok = ok && attrs[k] == v
	}
	return ok
}

func (c *call) imPush() (any, error) {
	var req struct {
		FromAccount string          `json:"From_Account"`
		MsgRandom   json.RawMessage `json:"MsgRandom"`
		MsgLifeTime int64           `json:"MsgLifeTime"`
		Condition   *pushCondition  `json:"Condition"`
		MsgBody     json.RawMessage `json:"MsgBody"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	r, _, ok := uintField(req.MsgRandom, math.MaxUint32)
	if !ok {
		return nil, fail(codeMsgRandom, "parameter error: MsgRandom must be a 32-bit unsigned integer")
	}
	if req.MsgLifeTime < 0 || req.MsgLifeTime > 604800 {
		return nil, fail(codeMsgLifeTime, "MsgLifeTime must be 0..604800 seconds")
	}
	if err := req.Condition.check(); err != nil {
		return nil, err
	}
	body, err := parseBody(req.MsgBody, codeMsgBody, codeMsgElem)
	if err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	from := req.FromAccount
	if from == "" {
		from = c.admin
	}
	if s.accounts[from] == nil {
		return nil, fail(codeNotImported, "From_Account %q not imported", from)
	}
	if id, ok := s.ext.pushDedup[uint32(r)]; ok {
		for _, p := range s.ext.pushes {
			if p.TaskID == id && c.now.Sub(p.At) <= pushDedupWindow {
				return &struct {
					envelope
					TaskID string `json:"TaskId"`
				}{TaskID: id}, nil
			}
		}
	}
	p := Push{TaskID: fmt.Sprintf("%d_%d_%d_%d", s.SDKAppID, c.now.UnixNano()%(1<<47), uint32(r), len(s.ext.pushes)+1),
		From: from, Random: uint32(r), Body: body, At: c.now}
	for _, id := range s.accOrder {
		if s.accounts[id] != nil && !s.admins[id] && req.Condition.match(s.ext.userTags[id], s.ext.userAttrs[id]) {
			p.Recipients = append(p.Recipients, id)
		}
	}
	s.ext.pushes = appendCapped(s.ext.pushes, p)
	s.ext.pushDedup[uint32(r)] = p.TaskID
	return &struct {
		envelope
		TaskID string `json:"TaskId"`
	}{TaskID: p.TaskID}, nil
}

// Limits of timpush/batch (https://cloud.tencent.com/document/product/269/108906)
// and the Push service's codes (https://cloud.tencent.com/document/product/269/117847).
const (
	maxTargetedUsers = 500
	maxPushDataID    = 64
	codePushAccounts = 90018 // 请求的账号数量超过限制
)

// timpushBatch records a push to a list of users (timpush/batch). The
// recipients may be UserIDs or RegistrationIDs, so they are not checked
// against the imported accounts; the sender is not either (the page
// allows a RegistrationID). Unlike im_push, MsgRandom dedups within one
// second only: the fake does not dedup.
func (c *call) timpushBatch() (any, error) {
	var req struct {
		From      string          `json:"From_Account"`
		To        []string        `json:"To_Account"`
		MsgRandom json.RawMessage `json:"MsgRandom"`
		Offline   struct {
			Title string `json:"Title"`
		} `json:"OfflinePushInfo"`
		DataID string `json:"DataId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	r, _, ok := uintField(req.MsgRandom, math.MaxUint32)
	if !ok {
		return nil, fail(codeMsgRandom, "parameter error: MsgRandom must be a 32-bit unsigned integer")
	}
	switch {
	case req.From == "":
		return nil, fail(codeMsgJSON, "From_Account is empty")
	case len(req.To) == 0 || len(req.To) > maxTargetedUsers:
		return nil, fail(codePushAccounts, "To_Account has %d accounts, must be 1..%d", len(req.To), maxTargetedUsers)
	case len(req.DataID) > maxPushDataID:
		return nil, fail(codeMsgJSON, "DataId is over %d bytes", maxPushDataID)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	p := Push{TaskID: fmt.Sprintf("batch_%d_%d_%d", s.SDKAppID, uint32(r), len(s.ext.pushes)+1),
		From: req.From, Random: uint32(r), Recipients: slices.Clone(req.To), At: c.now,
		DataID: req.DataID, Title: req.Offline.Title}
	s.ext.pushes = appendCapped(s.ext.pushes, p)
	return &struct {
		envelope
		TaskID string `json:"TaskId"`
	}{TaskID: p.TaskID}, nil
}

// Scheduled push tasks (timpush/delete_sched_task,
// https://cloud.tencent.com/document/product/269/130279). The fake does not
// create them (add_sched_task is not modelled): tests set them with
// SetSchedTask.
const (
	codeSchedParam       = 90104 // 请求参数无效
	codeSchedDispatching = 90107 // "delete failed: task dispatching" (the page's failure example)
)

// SchedTask is a scheduled push task of the fake (timpush/*_sched_task).
type SchedTask struct {
	// ID is the TaskID.
	ID uint64
	// Type is "All", "Tag" or "User".
	Type string
	// Status is the task's state; "pending" (the one value the pages show,
	// and the default) is the only one delete_sched_task accepts.
	Status string
	// SchedAt is when the task runs (UTC).
	SchedAt time.Time
	// Title and Desc are the push's title and description.
	Title, Desc string
}

// SetSchedTask makes the scheduled push task t exist (created now); an
// empty Status is "pending".
func (s *Server) SetSchedTask(t SchedTask) {
	if t.Status == "" {
		t.Status = schedPending
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ext.sched == nil {
		s.ext.sched = map[uint64]schedTask{}
	}
	s.ext.sched[t.ID] = schedTask{SchedTask: t, created: s.Now()}
}

// SchedTaskExists reports whether the scheduled push task id exists.
func (s *Server) SchedTaskExists(id uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ext.sched[id]
	return ok
}

const schedPending = "pending"

// schedLocked finds the scheduled task id of the app appID; s.mu is held.
// Another app or an unknown task answers 90104.
func (s *Server) schedLocked(appID, id uint64) (schedTask, error) {
	t, ok := s.ext.sched[id]
	switch {
	case appID != uint64(s.SDKAppID):
		return t, fail(codeSchedParam, "Sdkappid %d is not this app", appID)
	case !ok:
		return t, fail(codeSchedParam, "no scheduled task %d", id)
	}
	return t, nil
}

type schedTask struct {
	SchedTask
	created time.Time
}

// deleteSchedTask deletes a pending scheduled task. An unknown task, a
// Type other than the task's and a Sdkappid other than the app's answer
// 90104 (the page's "invalid parameter"; what Tencent answers for an
// unknown task is not on the page).
func (c *call) deleteSchedTask() (any, error) {
	var req struct {
		SDKAppID uint64 `json:"Sdkappid"`
		TaskID   uint64 `json:"TaskID"`
		Type     string `json:"Type"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.schedLocked(req.SDKAppID, req.TaskID)
	switch {
	case err != nil:
		return nil, err
	case t.Type != req.Type:
		return nil, fail(codeSchedParam, "task %d is of type %s, not %s", req.TaskID, t.Type, req.Type)
	case t.Status != schedPending:
		return nil, fail(codeSchedDispatching, "delete failed: task dispatching")
	}
	delete(s.ext.sched, req.TaskID)
	return &struct {
		envelope
		TaskID uint64 `json:"TaskID"`
	}{TaskID: req.TaskID}, nil
}

// getSchedTask answers a scheduled task's TaskInfo
// (https://cloud.tencent.com/document/product/269/130280). The fake keeps no
// push content: Content carries the title and description only.
func (c *call) getSchedTask() (any, error) {
	var req struct {
		SDKAppID uint64 `json:"Sdkappid"`
		TaskID   uint64 `json:"TaskID"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.schedLocked(req.SDKAppID, req.TaskID)
	if err != nil {
		return nil, err
	}
	type offline struct {
		Title string `json:"Title"`
		Desc  string `json:"Desc"`
	}
	type info struct {
		TaskID          uint64 `json:"TaskID"`
		SDKAppID        uint64 `json:"Sdkappid"`
		CreateAt        string `json:"CreateAt"`
		Type            string `json:"Type"`
		SchedAt         string `json:"SchedAt"`
		Content         any    `json:"Content"`
		Title           string `json:"Title"`
		Desc            string `json:"Desc"`
		Status          string `json:"Status"`
		DispatchSuccess int    `json:"DispatchSuccess"`
		DispatchErr     string `json:"DispatchErr"`
		PushTaskID      string `json:"PushTaskID"`
	}
	return &struct {
		envelope
		TaskInfo info `json:"TaskInfo"`
	}{TaskInfo: info{
		TaskID: t.ID, SDKAppID: uint64(s.SDKAppID), Type: t.Type, Title: t.Title, Desc: t.Desc, Status: t.Status,
		CreateAt: t.created.UTC().Format(time.DateTime), SchedAt: t.SchedAt.UTC().Format(time.DateTime),
		Content: struct {
			OfflinePushInfo offline `json:"OfflinePushInfo"`
		}{offline{t.Title, t.Desc}},
	}}, nil
}

// Revoking a push (timpush/revoke, https://cloud.tencent.com/document/product/269/105123);
// codes from https://cloud.tencent.com/document/product/269/117847.
const (
	codeRevokeRepeat  = 90050 // 重复撤回
	codeRevokeExpired = 90052 // 超过撤回有效期 (24 小时)
	pushRevokeWindow  = 24 * time.Hour
)

// revokePush revokes an all-member or tag push task (im_push) within 24
// hours. A timpush/batch task is refused (the page covers all/tag pushes
// only), as is an unknown TaskId, with 90001: what Tencent answers to those
// is not on the page.
func (c *call) revokePush() (any, error) {
	var req struct {
		TaskID string `json:"TaskId"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.ext.pushes {
		p := &s.ext.pushes[i]
		if p.TaskID != req.TaskID || strings.HasPrefix(p.TaskID, "batch_") {
			continue
		}
		switch {
		case p.Revoked:
			return nil, fail(codeRevokeRepeat, "push task %s already revoked", p.TaskID)
		case c.now.Sub(p.At) > pushRevokeWindow:
			return nil, fail(codeRevokeExpired, "push task %s is older than 24 hours", p.TaskID)
		}
		p.Revoked = true
		return &envelope{}, nil
	}
	return nil, fail(codeMsgJSON, "no all-member or tag push task %q", req.TaskID)
}

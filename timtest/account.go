package timtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Platform is a device platform of a simulated login, as State.StateChange
// names it.
type Platform string

// Platforms a user can log in on.
const (
	PlatformIOS     Platform = "iOS"
	PlatformAndroid Platform = "Android"
	PlatformWeb     Platform = "Web"
	PlatformWindows Platform = "Windows"
	PlatformMac     Platform = "Mac"
	PlatformIPad    Platform = "iPad"
	PlatformLinux   Platform = "Linux"
)

// queryName is the platform as query_online_status spells it.
func (p Platform) queryName() string {
	switch p {
	case PlatformIOS:
		return "iPhone"
	case PlatformWindows, PlatformLinux:
		return "PC"
	}
	return string(p)
}

// optPlatform is the OptPlatform of State.StateChange (which says IOS).
func (p Platform) optPlatform() string {
	if p == PlatformIOS {
		return "IOS"
	}
	return string(p)
}

func (p Platform) mobile() bool {
	return p == PlatformIOS || p == PlatformAndroid || p == PlatformIPad
}

// Online states of query_online_status.
const (
	StatusOnline     = "Online"
	StatusPushOnline = "PushOnline"
	StatusOffline    = "Offline"
)

type account struct {
	id       string
	created  time.Time
	profile  map[string]json.RawMessage
	tagOrder []string
	devices  map[Platform]string // Online / PushOnline
}

func (s *Server) addAccount(id string, now time.Time) *account {
	a := s.accounts[id]
	if a == nil {
		a = &account{id: id, created: now, profile: map[string]json.RawMessage{}, devices: map[Platform]string{}}
		s.accounts[id] = a
		s.accOrder = append(s.accOrder, id)
	}
	return a
}

func (a *account) setTag(tag string, v json.RawMessage) {
	if _, ok := a.profile[tag]; !ok {
		a.tagOrder = append(a.tagOrder, tag)
	}
	a.profile[tag] = v
}

func (a *account) status() string {
	st := StatusOffline
	for _, d := range a.devices {
		if d == StatusOnline {
			return StatusOnline
		}
		st = StatusPushOnline
	}
	return st
}

func validUserID(id string) bool { return id != "" && len(id) <= 32 }

// --- im_open_login_svc ---------------------------------------------------

func (c *call) accountImport() (any, error) {
	var req struct {
		UserID     string `json:"UserID"`
		Identifier string `json:"Identifier"`
		Nick       string `json:"Nick"`
		FaceURL    string `json:"FaceUrl"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	id := req.UserID
	if id == "" {
		id = req.Identifier
	}
	if !validUserID(id) {
		return nil, fail(codeAccountParam, "UserID must be 1..32 bytes")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.addAccount(id, c.now)
	if req.Nick != "" {
		a.setTag("Tag_Profile_IM_Nick", jsonString(req.Nick))
	}
	if req.FaceURL != "" {
		a.setTag("Tag_Profile_IM_Image", jsonString(req.FaceURL))
	}
	return &envelope{}, nil
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func (c *call) multiAccountImport() (any, error) {
	var req struct {
		Accounts []string `json:"Accounts"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.Accounts) == 0 || len(req.Accounts) > 100 {
		return nil, fail(codeAccountParam, "Accounts holds %d ids, allowed 1..100", len(req.Accounts))
	}
	resp := struct {
		envelope
		FailAccounts []string `json:"FailAccounts"`
	}{FailAccounts: []string{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.Accounts {
		if !validUserID(id) {
			resp.FailAccounts = append(resp.FailAccounts, id)
			continue
		}
		s.addAccount(id, c.now)
	}
	return &resp, nil
}

type userItem struct {
	UserID string `json:"UserID"`
}

func (c *call) accountCheck() (any, error) {
	var req struct {
		CheckItem []userItem `json:"CheckItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.CheckItem) == 0 || len(req.CheckItem) > 100 {
		return nil, fail(codeAccountParam, "CheckItem holds %d items, allowed 1..100", len(req.CheckItem))
	}
	type item struct {
		UserID        string `json:"UserID"`
		ResultCode    int    `json:"ResultCode"`
		ResultInfo    string `json:"ResultInfo"`
		AccountStatus string `json:"AccountStatus"`
	}
	resp := struct {
		envelope
		ResultItem []item `json:"ResultItem"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range req.CheckItem {
		st := "NotImported"
		if s.accounts[it.UserID] != nil {
			st = "Imported"
		}
		resp.ResultItem = append(resp.ResultItem, item{UserID: it.UserID, AccountStatus: st})
	}
	return &resp, nil
}

func (c *call) accountDelete() (any, error) {
	var req struct {
		DeleteItem []userItem `json:"DeleteItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.DeleteItem) == 0 || len(req.DeleteItem) > 100 {
		return nil, fail(codeAccountParam, "DeleteItem holds %d items, allowed 1..100", len(req.DeleteItem))
	}
	type item struct {
		ResultCode int    `json:"ResultCode"`
		ResultInfo string `json:"ResultInfo"`
		UserID     string `json:"UserID"`
	}
	resp := struct {
		envelope
		ResultItem []item `json:"ResultItem"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range req.DeleteItem {
		r := item{UserID: it.UserID}
		switch {
		case s.admins[it.UserID]:
			r.ResultCode, r.ResultInfo = codeAccountParam, "an app administrator cannot be deleted"
		case s.accounts[it.UserID] == nil:
			r.ResultCode, r.ResultInfo = codeNotImported, "account not imported"
		default:
			delete(s.accounts, it.UserID)
			s.accOrder = slices.DeleteFunc(s.accOrder, func(x string) bool { return x == it.UserID })
		}
		resp.ResultItem = append(resp.ResultItem, r)
	}
	return &resp, nil
}

func (c *call) kick() (any, error) {
	var req struct {
		UserID string `json:"UserID"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[req.UserID]
	if a == nil {
		return nil, fail(codeNotImported, "account %q not imported", req.UserID)
	}
	if len(a.devices) > 0 {
		clear(a.devices)
		s.stateChange(a.id, "Logout", ReasonKicked, "RESTAPI", c.clientIP, nil, c.now)
	}
	return &envelope{}, nil
}

// Reasons of State.StateChange.
const (
	ReasonRegister   = "Register"   // Login
	ReasonUnregister = "Unregister" // Logout
	ReasonLinkClose  = "LinkClose"  // Disconnect
	// ReasonKicked is the Reason the fake gives a REST kick (Action Logout);
	// Tencent's exact wording for it is not documented.
	ReasonKicked = "Kicked"
)

type stateChange struct {
	CallbackCommand string `json:"CallbackCommand"`
	EventTime       int64  `json:"EventTime"`
	Info            struct {
		Action    string `json:"Action"`
		ToAccount string `json:"To_Account"`
		Reason    string `json:"Reason"`
	} `json:"Info"`
	KickedDevice []kickedDevice `json:"KickedDevice,omitempty"`
}

type kickedDevice struct {
	Platform string `json:"Platform"`
}

// stateChange queues a State.StateChange callback; s.mu is held.
func (s *Server) stateChange(user, action, reason, optPlatform, ip string, kicked []kickedDevice, now time.Time) {
	const cmd = "State.StateChange"
	b := stateChange{CallbackCommand: cmd, EventTime: now.UnixMilli(), KickedDevice: kicked}
	b.Info.Action, b.Info.ToAccount, b.Info.Reason = action, user, reason
	s.cb.after("state:"+user, cmd, optPlatform, ip, b)
}

func (c *call) queryOnlineStatus() (any, error) {
	var req struct {
		ToAccount    []string `json:"To_Account"`
		IsNeedDetail int      `json:"IsNeedDetail"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.ToAccount) == 0 || len(req.ToAccount) > 500 {
		return nil, fail(codeAccountParam, "To_Account holds %d ids, allowed 1..500", len(req.ToAccount))
	}
	type detail struct {
		Platform string `json:"Platform"`
		Status   string `json:"Status"`
	}
	type result struct {
		ToAccount string   `json:"To_Account"`
		Status    string   `json:"Status"`
		Detail    []detail `json:"Detail,omitempty"`
	}
	type errItem struct {
		ToAccount string `json:"To_Account"`
		ErrorCode int    `json:"ErrorCode"`
	}
	resp := struct {
		envelope
		QueryResult []result  `json:"QueryResult"`
		ErrorList   []errItem `json:"ErrorList,omitempty"`
	}{QueryResult: []result{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.ToAccount {
		a := s.accounts[id]
		if a == nil {
			resp.ErrorList = append(resp.ErrorList, errItem{id, codeNotImported})
			continue
		}
		r := result{ToAccount: id, Status: a.status()}
		if req.IsNeedDetail == 1 {
			for p, st := range a.devices {
				r.Detail = append(r.Detail, detail{p.queryName(), st})
			}
			slices.SortFunc(r.Detail, func(x, y detail) int { return strings.Compare(x.Platform, y.Platform) })
		}
		resp.QueryResult = append(resp.QueryResult, r)
	}
	return &resp, nil
}

// --- profile ----------------------------------------------------------------

type profileItem struct {
	Tag   string          `json:"Tag"`
	Value json.RawMessage `json:"Value"`
}

// codeProfileTag answers a tag outside Tag_Profile_IM_* / Tag_Profile_Custom_*.
const codeProfileTag = 40008

func (c *call) portraitSet() (any, error) {
	var req struct {
		FromAccount string        `json:"From_Account"`
		ProfileItem []profileItem `json:"ProfileItem"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.ProfileItem) == 0 {
		return nil, fail(codeJSONParse, "ProfileItem is empty")
	}
	for i, it := range req.ProfileItem {
		if !strings.HasPrefix(it.Tag, "Tag_Profile_IM_") && !strings.HasPrefix(it.Tag, "Tag_Profile_Custom_") {
			return nil, fail(codeProfileTag, "ProfileItem[%d].Tag %q is not a profile tag", i, it.Tag)
		}
		v := strings.TrimSpace(string(it.Value))
		if v == "" || (v[0] != '"' && (v[0] < '0' || v[0] > '9') && v[0] != '-') {
			return nil, fail(codeJSONParse, "ProfileItem[%d].Value must be a string or an integer", i)
		}
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[req.FromAccount]
	if a == nil {
		return nil, fail(codeNotImported, "account %q not imported", req.FromAccount)
	}
	for _, it := range req.ProfileItem {
		a.setTag(it.Tag, json.RawMessage(strings.TrimSpace(string(it.Value))))
	}
	return &envelope{}, nil
}

func (c *call) portraitGet() (any, error) {
	var req struct {
		ToAccount []string `json:"To_Account"`
		TagList   []string `json:"TagList"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.ToAccount) == 0 || len(req.ToAccount) > 100 {
		return nil, fail(codeJSONParse, "To_Account holds %d ids, allowed 1..100", len(req.ToAccount))
	}
	if len(req.TagList) == 0 {
		return nil, fail(codeJSONParse, "TagList is empty")
	}
	type userProfile struct {
		ToAccount   string        `json:"To_Account"`
		ProfileItem []profileItem `json:"ProfileItem"`
		ResultCode  int           `json:"ResultCode"`
		ResultInfo  string        `json:"ResultInfo"`
	}
	resp := struct {
		envelope
		UserProfileItem []userProfile `json:"UserProfileItem"`
		FailAccount     []string      `json:"Fail_Account"`
		ErrorDisplay    string        `json:"ErrorDisplay"`
	}{FailAccount: []string{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.ToAccount {
		a := s.accounts[id]
		if a == nil {
			resp.UserProfileItem = append(resp.UserProfileItem, userProfile{ToAccount: id, ProfileItem: []profileItem{},
				ResultCode: codeNotImported, ResultInfo: "account not imported"})
			resp.FailAccount = append(resp.FailAccount, id)
			continue
		}
		u := userProfile{ToAccount: id, ProfileItem: []profileItem{}}
		for _, tag := range req.TagList {
			if v, ok := a.profile[tag]; ok {
				u.ProfileItem = append(u.ProfileItem, profileItem{tag, v})
			}
		}
		resp.UserProfileItem = append(resp.UserProfileItem, u)
	}
	return &resp, nil
}

// --- simulated devices -------------------------------------------------------

// ErrNotImported is returned by the Simulate and seeding helpers for an
// account that does not exist.
var ErrNotImported = errors.New("timtest: account not imported")

// simulatedIP is the ClientIP of callbacks caused by simulated devices.
const simulatedIP = "127.0.0.1"

// SimulateLogin logs userID in on a device of platform p: the user becomes
// Online and State.StateChange (Login/Register) is sent. A second login on
// the same platform replaces the first device, reported in KickedDevice.
func (s *Server) SimulateLogin(userID string, p Platform) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[userID]
	if a == nil {
		return fmt.Errorf("%w: %q", ErrNotImported, userID)
	}
	var kicked []kickedDevice
	if _, ok := a.devices[p]; ok {
		kicked = []kickedDevice{{string(p)}}
	}
	a.devices[p] = StatusOnline
	s.stateChange(userID, "Login", ReasonRegister, p.optPlatform(), simulatedIP, kicked, s.Now())
	return nil
}

// SimulateLogout logs userID out of platform p (State.StateChange
// Logout/Unregister).
func (s *Server) SimulateLogout(userID string, p Platform) error {
	return s.dropDevice(userID, p, "Logout", ReasonUnregister, false)
}

// SimulateDisconnect drops the connection of userID's device on p
// (State.StateChange Disconnect/LinkClose). A mobile device (iOS, Android,
// iPad) stays reachable by offline push and reports PushOnline; others go
// Offline.
func (s *Server) SimulateDisconnect(userID string, p Platform) error {
	return s.dropDevice(userID, p, "Disconnect", ReasonLinkClose, p.mobile())
}

func (s *Server) dropDevice(userID string, p Platform, action, reason string, push bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[userID]
	if a == nil {
		return fmt.Errorf("%w: %q", ErrNotImported, userID)
	}
	if a.devices[p] != StatusOnline {
		return fmt.Errorf("timtest: %q is not online on %s", userID, p)
	}
	if push {
		a.devices[p] = StatusPushOnline
	} else {
		delete(a.devices, p)
	}
	s.stateChange(userID, action, reason, p.optPlatform(), simulatedIP, nil, s.Now())
	return nil
}

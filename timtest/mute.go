package timtest

import (
	"encoding/json"
	"math"
	"time"
)

// Global mute (openconfigsvr/setnospeaking, getnospeaking). A muted
// sender's sendmsg and batchsendmsg fail with 20012, its send_group_msg
// with 10017, before any callback. The answers carry ErrorCode and
// ErrorInfo only, no ActionStatus, as Tencent's do.

const (
	codeC2CMuted          = 20012
	codeNoSpeakJSON       = 130001
	codeNoSpeakNoGet      = 130002
	codeNoSpeakNoSet      = 130004
	codeNoSpeakSetType    = 130005
	codeNoSpeakBothAbsent = 130008

	muteForeverSecs = math.MaxUint32
)

// globalMute holds the unix second each mute ends; math.MaxInt64 is
// permanent, 0 not muted.
type globalMute struct {
	c2cUntil   int64
	groupUntil int64
}

// bareAnswer is an openconfigsvr answer: no ActionStatus.
type bareAnswer struct {
	ErrorCode              int     `json:"ErrorCode"`
	ErrorInfo              string  `json:"ErrorInfo"`
	C2CmsgNospeakingTime   *uint64 `json:"C2CmsgNospeakingTime,omitempty"`
	GroupmsgNospeakingTime *uint64 `json:"GroupmsgNospeakingTime,omitempty"`
}

func muteUntil(now time.Time, secs uint64) int64 {
	switch {
	case secs == 0:
		return 0
	case secs >= muteForeverSecs:
		return math.MaxInt64
	}
	return now.Unix() + int64(secs)
}

func remaining(until int64, now time.Time) uint64 {
	switch {
	case until == math.MaxInt64:
		return muteForeverSecs
	case until <= now.Unix():
		return 0
	}
	return uint64(until - now.Unix())
}

func (c *call) setNoSpeaking() (any, error) {
	var req struct {
		SetAccount json.RawMessage `json:"Set_Account"`
		C2C        json.RawMessage `json:"C2CmsgNospeakingTime"`
		Group      json.RawMessage `json:"GroupmsgNospeakingTime"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeNoSpeakJSON, "request JSON: %v", err)
	}
	id, present, ok := stringField(req.SetAccount)
	switch {
	case !present:
		return nil, fail(codeNoSpeakNoSet, "Set_Account missing")
	case !ok:
		return nil, fail(codeNoSpeakSetType, "Set_Account is not a string")
	}
	c2c, c2cSet, ok1 := uintField(req.C2C, muteForeverSecs)
	grp, grpSet, ok2 := uintField(req.Group, muteForeverSecs)
	switch {
	case !ok1 || !ok2:
		return nil, fail(codeNoSpeakJSON, "mute times must be integers in 0..4294967295")
	case !c2cSet && !grpSet:
		return nil, fail(codeNoSpeakBothAbsent, "neither C2CmsgNospeakingTime nor GroupmsgNospeakingTime is set")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[id] == nil {
		return nil, fail(codeNotImported, "Set_Account %q not imported", id)
	}
	r := s.relLocked()
	m := r.mutes[id]
	if m == nil {
		m = &globalMute{}
		r.mutes[id] = m
	}
	if c2cSet {
		m.c2cUntil = muteUntil(c.now, c2c)
	}
	if grpSet {
		m.groupUntil = muteUntil(c.now, grp)
	}
	return &bareAnswer{}, nil
}

func (c *call) getNoSpeaking() (any, error) {
	var req struct {
		GetAccount json.RawMessage `json:"Get_Account"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeNoSpeakJSON, "request JSON: %v", err)
	}
	id, present, ok := stringField(req.GetAccount)
	if !present || !ok || id == "" {
		return nil, fail(codeNoSpeakNoGet, "Get_Account missing or not a string")
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var c2c, grp uint64
	switch {
	case s.accounts[id] == nil:
		// Tencent reports an unknown account as permanently muted.
		c2c, grp = muteForeverSecs, muteForeverSecs
	case s.rel != nil && s.rel.mutes[id] != nil:
		m := s.rel.mutes[id]
		c2c, grp = remaining(m.c2cUntil, c.now), remaining(m.groupUntil, c.now)
	}
	return &bareAnswer{C2CmsgNospeakingTime: &c2c, GroupmsgNospeakingTime: &grp}, nil
}

// globalMuteErrLocked is the error a send from sender meets while sender is
// globally muted (group: a group message); nil otherwise. s.mu is held.
func (s *Server) globalMuteErrLocked(sender string, group bool, now time.Time) error {
	if s.rel == nil {
		return nil
	}
	m := s.rel.mutes[sender]
	if m == nil {
		return nil
	}
	if group {
		if remaining(m.groupUntil, now) > 0 {
			return fail(codeGroupMuted, "%q is globally muted for group messages", sender)
		}
		return nil
	}
	if remaining(m.c2cUntil, now) > 0 {
		return fail(codeC2CMuted, "%q is globally muted for one-to-one messages", sender)
	}
	return nil
}

// GlobalMute returns how long userID stays globally muted for one-to-one
// and group messages (0: not muted; 4294967295 s: permanently).
func (s *Server) GlobalMute(userID string) (c2c, group time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rel == nil || s.rel.mutes[userID] == nil {
		return 0, 0
	}
	m := s.rel.mutes[userID]
	now := s.Now()
	return time.Duration(remaining(m.c2cUntil, now)) * time.Second, time.Duration(remaining(m.groupUntil, now)) * time.Second
}

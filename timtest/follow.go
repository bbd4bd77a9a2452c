package timtest

import (
	"cmp"
	"slices"
	"strconv"
)

// Follows (follow/*), modelled minimally: who follows whom since when.
// follow_add/follow_delete/follow_get_info take ≤20 accounts,
// follow_check ≤100, follow_get WantNum ≤1000 (default 100); the cursor is
// an opaque string.

const (
	followCap      = 20
	followCheckCap = 100
	followMaxPage  = 1000
	followDefPage  = 100
)

func (r *relState) following(a, b string) bool { return r.follows[a][b] != 0 }

func (c *call) followAdd() (any, error) {
	var req struct {
		From  string `json:"From_Account"`
		Items []struct {
			To string `json:"To_Account"`
		} `json:"FollowItem"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("FollowItem", len(req.Items), followCap); err != nil {
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
		case it.To == "" || it.To == req.From:
			resp.add(it.To, codeSNSParam, "cannot follow yourself or an empty id")
		case s.accounts[it.To] == nil:
			resp.add(it.To, codeSNSNoAccount, "account does not exist")
		default:
			if r.follows[req.From] == nil {
				r.follows[req.From] = map[string]int64{}
			}
			if r.follows[req.From][it.To] == 0 {
				r.follows[req.From][it.To] = c.now.Unix()
			}
			resp.add(it.To, 0, "")
		}
	}
	return resp, nil
}

func (c *call) followDelete() (any, error) {
	var req struct {
		From string   `json:"From_Account"`
		To   []string `json:"To_Account"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), followCap); err != nil {
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
		delete(r.follows[req.From], to)
		resp.add(to, 0, "")
	}
	return resp, nil
}

func (c *call) followCheck() (any, error) {
	var req struct {
		From string   `json:"From_Account"`
		To   []string `json:"To_Account"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), followCheckCap); err != nil {
		return nil, err
	}
	type result struct {
		resultItem
		FollowType int `json:"FollowType"`
	}
	resp := &struct {
		envelope
		ResultItem []result `json:"ResultItem"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	for _, to := range req.To {
		t := 0
		if r.following(to, req.From) {
			t |= 1
		}
		if r.following(req.From, to) {
			t |= 2
		}
		resp.ResultItem = append(resp.ResultItem, result{resultItem{ToAccount: to}, t})
	}
	return resp, nil
}

type followEntry struct {
	id    string
	since int64
}

// followList returns user's followers (1), followings (2) or mutual
// follows (3), oldest first.
func (r *relState) followList(user string, kind int) []followEntry {
	var out []followEntry
	switch kind {
	case 1:
		for f, m := range r.follows {
			if t := m[user]; t != 0 {
				out = append(out, followEntry{f, t})
			}
		}
	case 2, 3:
		for to, t := range r.follows[user] {
			if kind == 3 {
				back := r.follows[to][user]
				if back == 0 {
					continue
				}
				t = max(t, back)
			}
			out = append(out, followEntry{to, t})
		}
	}
	slices.SortFunc(out, func(a, b followEntry) int { return cmp.Or(cmp.Compare(a.since, b.since), cmp.Compare(a.id, b.id)) })
	return out
}

func (c *call) followGet() (any, error) {
	var req struct {
		From        string `json:"From_Account"`
		FollowType  int    `json:"FollowType"`
		StartCursor string `json:"StartCursor"`
		WantNum     int    `json:"WantNum"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if req.FollowType < 1 || req.FollowType > 3 {
		return nil, fail(codeSNSParam, "FollowType %d", req.FollowType)
	}
	if req.WantNum == 0 {
		req.WantNum = followDefPage
	}
	if req.WantNum < 0 || req.WantNum > followMaxPage {
		return nil, fail(codeSNSParam, "WantNum %d out of 1..%d", req.WantNum, followMaxPage)
	}
	start := 0
	if req.StartCursor != "" {
		n, err := strconv.Atoi(req.StartCursor)
		if err != nil || n < 0 {
			return nil, fail(codeSNSParam, "StartCursor %q", req.StartCursor)
		}
		start = n
	}
	type entry struct {
		ToAccount  string `json:"To_Account"`
		FollowTime int64  `json:"FollowTime"`
	}
	resp := &struct {
		envelope
		FollowItem []entry `json:"FollowItem"`
		NextCursor string  `json:"NextCursor"`
	}{FollowItem: []entry{}}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	list := s.relLocked().followList(req.From, req.FollowType)
	end := min(start+req.WantNum, len(list))
	for i := start; i < end; i++ {
		resp.FollowItem = append(resp.FollowItem, entry{list[i].id, list[i].since})
	}
	if end < len(list) {
		resp.NextCursor = strconv.Itoa(end)
	}
	return resp, nil
}

func (c *call) followGetInfo() (any, error) {
	var req struct {
		From string   `json:"From_Account"`
		To   []string `json:"To_Account"`
	}
	if err := c.decodeSNS(&req); err != nil {
		return nil, err
	}
	if err := checkCap("To_Account", len(req.To), followCap); err != nil {
		return nil, err
	}
	type info struct {
		resultItem
		FollowerCount        int `json:"FollowerCount"`
		FollowingCount       int `json:"FollowingCount"`
		MutualFollowingCount int `json:"MutualFollowingCount"`
	}
	resp := &struct {
		envelope
		FollowInfo []info `json:"FollowInfo"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fromLocked(req.From); err != nil {
		return nil, err
	}
	r := s.relLocked()
	for _, to := range req.To {
		if s.accounts[to] == nil {
			resp.FollowInfo = append(resp.FollowInfo, info{resultItem: resultItem{to, codeSNSNoAccount, "account does not exist"}})
			continue
		}
		resp.FollowInfo = append(resp.FollowInfo, info{resultItem: resultItem{ToAccount: to},
			FollowerCount: len(r.followList(to, 1)), FollowingCount: len(r.followList(to, 2)), MutualFollowingCount: len(r.followList(to, 3))})
	}
	return resp, nil
}

// Following returns the accounts user follows, oldest follow first.
func (s *Server) Following(user string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rel == nil {
		return nil
	}
	var out []string
	for _, e := range s.rel.followList(user, 2) {
		out = append(out, e.id)
	}
	return out
}

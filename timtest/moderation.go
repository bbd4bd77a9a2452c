package timtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Moderation (im_msg_audit/content_moderation): text is checked against the
// keyword list set with SetAuditKeywords; a hit is Block with score 100 and
// the words hit, anything else Pass with score 0. Images, audio and video
// are answered Pass (the fake looks at no files). Content over 8 KB is
// refused with 93000, as the page documents. The keywords are enforced in
// content_moderation only, not on sends. add_cloud_audit_keywords adds to
// the same list.

const (
	codeAuditParam   = 60003 // content_moderation: invalid parameter
	codeAuditTooLong = 93000 // content_moderation: content over 8 KB
	// codeKeywordParam is add_cloud_audit_keywords' "invalid request
	// parameters" (https://www.tencentcloud.com/document/product/1047/77831,
	// whose codes are 2001 internal, 2002 command not supported, 2003 bad
	// parameter, 2004 no permission, 2015 moderation not enabled, 2016 too
	// many words in one request — the number is not given).
	codeKeywordParam = 2003
)

// SetAuditKeywords replaces the keyword list content_moderation checks
// text against (none by default).
func (s *Server) SetAuditKeywords(words ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nxLocked().auditWords = append([]string(nil), words...)
}

type moderationAnswer struct {
	envelope
	RequestID string   `json:"RequestId"`
	Result    string   `json:"Result"`
	Score     int      `json:"Score"`
	Label     string   `json:"Label"`
	Keywords  []string `json:"Keywords,omitempty"`
}

func (c *call) contentModeration() (any, error) {
	var req struct {
		AuditName   string `json:"AuditName"`
		ContentType string `json:"ContentType"`
		Content     string `json:"Content"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeAuditParam, "request JSON: %v", err)
	}
	// AuditName is a general scene (C2C, Group, UserInfo, GroupInfo,
	// GroupMemberInfo, RelationChain) or a custom configuration ID
	// (https://cloud.tencent.com/document/product/269/94300); the fake
	// checks every one against the same keyword list.
	if strings.TrimSpace(req.AuditName) == "" {
		return nil, fail(codeAuditParam, "AuditName missing")
	}
	switch req.ContentType {
	case "Text", "Image", "Audio", "Video":
	default:
		return nil, fail(codeAuditParam, "ContentType %q invalid", req.ContentType)
	}
	if req.Content == "" {
		return nil, fail(codeAuditParam, "Content missing")
	}
	if len(req.Content) > 8*1024 {
		return nil, fail(codeAuditTooLong, "Content over 8KB")
	}
	ans := &moderationAnswer{Result: "Pass", Label: "Normal"}
	c.s.mu.Lock()
	nx := c.s.nxLocked()
	nx.auditSeq++
	ans.RequestID = fmt.Sprintf("audit-%08d", nx.auditSeq)
	if req.ContentType == "Text" {
		for _, w := range nx.auditWords {
			if w != "" && strings.Contains(req.Content, w) {
				ans.Keywords = append(ans.Keywords, w)
			}
		}
	}
	c.s.mu.Unlock()
	if len(ans.Keywords) > 0 {
		ans.Result, ans.Score, ans.Label = "Block", 100, "Polity"
	}
	return ans, nil
}

// addCloudAuditKeywords (im_msg_audit_mgr/add_cloud_audit_keywords) adds
// the words to the keyword list content_moderation checks (libraries are
// not kept apart); https://cloud.tencent.com/document/product/269/94303.
func (c *call) addCloudAuditKeywords() (any, error) {
	var req struct {
		SdkAppID     uint64 `json:"SdkAppId"`
		LibID        string `json:"LibID"`
		UserKeywords []struct {
			Content string `json:"Content"`
		} `json:"UserKeywords"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeKeywordParam, "request JSON: %v", err)
	}
	if req.SdkAppID == 0 || req.LibID == "" || len(req.UserKeywords) == 0 {
		return nil, fail(codeKeywordParam, "SdkAppId, LibID and UserKeywords are required")
	}
	for i, k := range req.UserKeywords {
		if k.Content == "" {
			return nil, fail(codeKeywordParam, "UserKeywords[%d].Content is empty", i)
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	nx := c.s.nxLocked()
	for _, k := range req.UserKeywords {
		if !slices.Contains(nx.auditWords, k.Content) {
			nx.auditWords = append(nx.auditWords, k.Content)
		}
	}
	nx.auditSeq++
	return &struct {
		envelope
		RequestID string `json:"RequestId"`
	}{RequestID: fmt.Sprintf("audit-%08d", nx.auditSeq)}, nil
}

// The fake has one keyword library, fakeLibID; a word's ID is its position
// in the list (1-based) when it is read or deleted. Sources:
// https://cloud.tencent.com/document/product/269/94304 (delete),
// 94302 (get keywords), 94301 (get libraries).
const fakeLibID = "timtest-audit-lib"

func (c *call) deleteCloudAuditKeywords() (any, error) {
	var req struct {
		SdkAppID uint64   `json:"SdkAppId"`
		LibID    string   `json:"LibID"`
		Keywords []string `json:"Keywords"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeAuditParam, "request JSON: %v", err)
	}
	if req.SdkAppID == 0 || req.LibID == "" || len(req.Keywords) == 0 || len(req.Keywords) > 10 {
		return nil, fail(codeAuditParam, "SdkAppId, LibID and 1 to 10 Keywords are required")
	}
	type detail struct {
		KeywordID string `json:"KeywordID"`
		Keyword   string `json:"Keyword"`
		Deleted   bool   `json:"Deleted"`
		ErrorInfo string `json:"ErrorInfo"`
	}
	ans := &struct {
		envelope
		RequestID string   `json:"RequestId"`
		Details   []detail `json:"Details"`
		Count     int      `json:"Count"`
	}{}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	nx := c.s.nxLocked()
	for _, w := range req.Keywords {
		i := slices.Index(nx.auditWords, w)
		if i < 0 {
			ans.Details = append(ans.Details, detail{Keyword: w, ErrorInfo: "keyword not found"})
			continue
		}
		nx.auditWords = slices.Delete(nx.auditWords, i, i+1)
		ans.Details = append(ans.Details, detail{KeywordID: fmt.Sprint(i + 1), Keyword: w, Deleted: true})
		ans.Count++
	}
	nx.auditSeq++
	ans.RequestID = fmt.Sprintf("audit-%08d", nx.auditSeq)
	return ans, nil
}

func (c *call) getCloudAuditKeywords() (any, error) {
	var req struct {
		SdkAppID uint64 `json:"SdkAppId"`
		Offset   int    `json:"Offset"`
		Limit    int    `json:"Limit"`
		LibID    string `json:"LibID"`
		Content  string `json:"Content"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeAuditParam, "request JSON: %v", err)
	}
	if req.SdkAppID == 0 || req.LibID == "" || req.Offset < 0 || req.Limit < 1 || req.Limit > 100 {
		return nil, fail(codeAuditParam, "SdkAppId, LibID, Offset ≥ 0 and Limit 1 to 100 are required")
	}
	type info struct {
		ID         string `json:"ID"`
		Content    string `json:"Content"`
		CreateTime string `json:"CreateTime"`
	}
	c.s.mu.Lock()
	var all []info
	for i, w := range c.s.nxLocked().auditWords {
		if req.Content == "" || strings.Contains(w, req.Content) {
			all = append(all, info{ID: fmt.Sprint(i + 1), Content: w, CreateTime: c.now.Format("2006-01-02 15:04:05")})
		}
	}
	c.s.mu.Unlock()
	total := len(all)
	lo, hi := min(req.Offset, total), min(req.Offset+req.Limit, total)
	return &struct {
		envelope
		RequestID  string `json:"RequestId"`
		TotalCount int    `json:"TotalCount"`
		Infos      []info `json:"Infos"`
	}{TotalCount: total, Infos: all[lo:hi]}, nil
}

func (c *call) getCloudAuditLibraries() (any, error) {
	var req struct {
		SdkAppID uint64 `json:"SdkAppId"`
		Offset   int    `json:"Offset"`
		Limit    int    `json:"Limit"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		return nil, fail(codeAuditParam, "request JSON: %v", err)
	}
	if req.SdkAppID == 0 || req.Offset < 0 || req.Limit < 1 || req.Limit > 100 {
		return nil, fail(codeAuditParam, "SdkAppId, Offset ≥ 0 and Limit 1 to 100 are required")
	}
	type lib struct {
		ID         string `json:"ID"`
		LibName    string `json:"LibName"`
		Describe   string `json:"Describe"`
		CreateTime string `json:"CreateTime"`
		Suggestion string `json:"Suggestion"`
	}
	all := []lib{{ID: fakeLibID, LibName: "timtest", CreateTime: c.now.Format("2006-01-02 15:04:05"), Suggestion: "Block"}}
	lo, hi := min(req.Offset, len(all)), min(req.Offset+req.Limit, len(all))
	return &struct {
		envelope
		RequestID  string `json:"RequestId"`
		TotalCount int    `json:"TotalCount"`
		Infos      []lib  `json:"Infos"`
	}{TotalCount: len(all), Infos: all[lo:hi]}, nil
}

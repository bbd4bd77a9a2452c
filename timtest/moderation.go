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
	switch req.AuditName {
	case "C2C", "Group", "UserInfo", "GroupInfo", "GroupMemberInfo", "RelationChain":
	default:
		return nil, fail(codeAuditParam, "AuditName %q invalid", req.AuditName)
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
		return nil, fail(codeAuditParam, "request JSON: %v", err)
	}
	if req.SdkAppID == 0 || req.LibID == "" || len(req.UserKeywords) == 0 {
		return nil, fail(codeAuditParam, "SdkAppId, LibID and UserKeywords are required")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	nx := c.s.nxLocked()
	for _, k := range req.UserKeywords {
		if k.Content == "" {
			return nil, fail(codeAuditParam, "empty keyword")
		}
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

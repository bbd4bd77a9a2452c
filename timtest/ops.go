package timtest

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Operations commands that have no state at Tencent worth modelling: the
// fake answers them with plausible, documented shapes.
//
// Sources (REST API pages under /work/docs/yehe_doc/中间件与通信/即时通信 IM/服务端 API/REST API/):
// 运营管理/获取服务器 IP 地址 (ConfigSvc/GetIPList), 运营管理/拉取运营数据 (getappinfo),
// 运营管理/下载最近消息记录 (get_history). The im_cos_msg commands are not in the
// international repository; their shapes follow operation/NOTES.md ("im_cos_msg",
// from the doocs Java SDK): RawURL; RawURLs[{ResourceID, RawURL}] answered by
// PreSigURLs[{Code, Desc, ResourceID, PreSigURL, Status}], Status 1 for a
// banned object, pre-signed URLs valid 15 minutes.

// Codes of open_msg_svc/get_history (运营管理/下载最近消息记录).
const (
	codeHistoryParam = 1002
	codeHistoryNone  = 1004
)

// IPList is what ConfigSvc/GetIPList answers.
var IPList = []string{"127.0.0.1", "203.0.113.0/25"}

func (c *call) getIPList() (any, error) {
	// The documented answer has no ErrorInfo.
	return &struct {
		ActionStatus string   `json:"ActionStatus"`
		ErrorCode    int      `json:"ErrorCode"`
		IPList       []string `json:"IPList"`
	}{"OK", 0, slices.Clone(IPList)}, nil
}

// statFields are the figures of openconfigsvr/getappinfo, in the page's order.
var statFields = []string{"APNSMsgNum", "ActiveUserNum", "AppId", "AppName", "C2CAPNSMsgNum", "C2CDownMsgNum",
	"C2CSendMsgUserNum", "C2CUpMsgNum", "CallBackReq", "CallBackRsp", "ChainDecrease", "ChainIncrease", "Company",
	"Date", "DownMsgNum", "GroupAPNSMsgNum", "GroupAllGroupNum", "GroupDestroyGroupNum", "GroupDownMsgNum",
	"GroupJoinGroupTimes", "GroupNewGroupNum", "GroupQuitGroupTimes", "GroupSendMsgGroupNum", "GroupSendMsgUserNum",
	"GroupUpMsgNum", "LoginTimes", "LoginUserNum", "MaxOnlineNum", "RegistUserNumOneDay", "RegistUserNumTotal",
	"SendMsgUserNum", "UpMsgNum"}

// getAppInfo answers the last three days' statistics, every figure a
// string as Tencent sends them; the counts come from the fake's state.
func (c *call) getAppInfo() (any, error) {
	var req struct {
		RequestField []string `json:"RequestField"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	for i, f := range req.RequestField {
		if !slices.Contains(statFields, f) {
			return nil, fail(codeNoSpeakJSON, "parameter error: RequestField[%d] %q is not a statistics field", i, f)
		}
	}
	s := c.s
	s.mu.Lock()
	users, groups := len(s.accounts), len(s.groups)
	s.mu.Unlock()
	var days []map[string]string
	for d := 1; d <= 3; d++ {
		day := map[string]string{}
		for _, f := range statFields {
			if len(req.RequestField) > 0 && f != "Date" && !slices.Contains(req.RequestField, f) {
				continue
			}
			v := "0"
			switch f {
			case "AppId":
				v = strconv.FormatUint(s.SDKAppID, 10)
			case "AppName":
				v = "timtest"
			case "Company":
				v = "timtest"
			case "Date":
				v = c.now.AddDate(0, 0, -d).Format("20060102")
			case "RegistUserNumTotal":
				v = strconv.Itoa(users)
			case "GroupAllGroupNum":
				v = strconv.Itoa(groups)
			}
			day[f] = v
		}
		days = append(days, day)
	}
	// Documented answer: ErrorCode, ErrorInfo "OK", Result; no ActionStatus.
	return &struct {
		ErrorCode int                 `json:"ErrorCode"`
		ErrorInfo string              `json:"ErrorInfo"`
		Result    []map[string]string `json:"Result"`
	}{0, "OK", days}, nil
}

// beijing is the zone of get_history's MsgTime hours.
var beijing = time.FixedZone("UTC+8", 8*3600)

// historyPrefix is the path the fake serves history files under.
const historyPrefix = "/timtest-history/"

// historyRecord is one message of a history file (运营管理/下载最近消息记录: MsgList items).
type historyRecord struct {
	FromAccount  string          `json:"From_Account"`
	ToAccount    string          `json:"To_Account,omitempty"`
	GroupID      string          `json:"GroupId,omitempty"`
	MsgTimestamp int64           `json:"MsgTimestamp"`
	MsgSeq       uint64          `json:"MsgSeq"`
	MsgRandom    uint32          `json:"MsgRandom"`
	MsgBody      json.RawMessage `json:"MsgBody"`
}

// getHistory answers the archive file of one finished hour (Beijing time)
// of the last seven days, built from the messages the fake holds and served
// gzip-compressed at the answer's URL; an hour without messages answers
// 1004, as Tencent documents.
func (c *call) getHistory() (any, error) {
	var req struct {
		ChatType string `json:"ChatType"`
		MsgTime  string `json:"MsgTime"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.ChatType != "C2C" && req.ChatType != "Group" {
		return nil, fail(codeHistoryParam, "parameter error: ChatType must be C2C or Group")
	}
	hour, err := time.ParseInLocation("2006010215", req.MsgTime, beijing)
	if err != nil || len(req.MsgTime) != 10 {
		return nil, fail(codeHistoryParam, "parameter error: MsgTime must be YYYYMMDDHH")
	}
	if hour.Add(time.Hour).After(c.now) || c.now.Sub(hour) > 7*24*time.Hour {
		return nil, fail(codeHistoryNone, "MsgTime %s: no file (only finished hours of the last 7 days)", req.MsgTime)
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	from, to := hour.Unix(), hour.Add(time.Hour).Unix()
	var recs []historyRecord
	if req.ChatType == "C2C" {
		for _, cv := range s.c2c {
			for _, m := range cv.msgs {
				if m.time >= from && m.time < to && !m.onlineOnly {
					recs = append(recs, historyRecord{FromAccount: m.from, ToAccount: m.to, MsgTimestamp: m.time,
						MsgSeq: uint64(m.seq), MsgRandom: m.random, MsgBody: m.body})
				}
			}
		}
	} else {
		for _, g := range s.groups {
			for _, m := range g.msgs {
				if m.time >= from && m.time < to && m.seq != 0 {
					recs = append(recs, historyRecord{FromAccount: m.from, GroupID: g.id, MsgTimestamp: m.time,
						MsgSeq: m.seq, MsgRandom: m.random, MsgBody: m.body})
				}
			}
		}
	}
	if len(recs) == 0 {
		return nil, fail(codeHistoryNone, "no message was delivered in %s", req.MsgTime)
	}
	slices.SortStableFunc(recs, func(a, b historyRecord) int { return int(a.MsgTimestamp - b.MsgTimestamp) })
	plain, err := json.Marshal(struct {
		SdkAppID uint64          `json:"SdkAppId"`
		ChatType string          `json:"ChatType"`
		MsgTime  string          `json:"MsgTime"`
		MsgList  []historyRecord `json:"MsgList"`
	}{s.SDKAppID, req.ChatType, req.MsgTime, recs})
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	name := req.ChatType + "/" + req.MsgTime + ".gz"
	s.ext.historyFiles[name] = gz.Bytes()
	type file struct {
		URL        string `json:"URL"`
		ExpireTime string `json:"ExpireTime"`
		FileSize   int    `json:"FileSize"`
		FileMD5    string `json:"FileMD5"`
		GzipSize   int    `json:"GzipSize"`
		GzipMD5    string `json:"GzipMD5"`
	}
	sum := func(b []byte) string { h := md5.Sum(b); return hex.EncodeToString(h[:]) }
	return &struct {
		File []file `json:"File"`
		envelope
	}{File: []file{{
		URL:        s.URL + historyPrefix + name,
		ExpireTime: c.now.Add(time.Hour).In(beijing).Format("2006-01-02 15:04:05"),
		FileSize:   len(plain), FileMD5: sum(plain), GzipSize: gz.Len(), GzipMD5: sum(gz.Bytes()),
	}}}, nil
}

// serveHistory serves a file get_history announced (GET, no signature, as
// Tencent's COS links are pre-signed).
func (s *Server) serveHistory(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b, ok := s.ext.historyFiles[strings.TrimPrefix(r.URL.Path, historyPrefix)]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(b)
}

// cosLocked is the set of objects forbid_illegal_object blocked.
func (s *Server) cosLocked() map[string]bool { return s.ext.cosBanned }

func checkRawURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fail(codeJSONParse, "parameter error: %s %q is not a URL", field, raw)
	}
	return nil
}

func (c *call) forbidObject() (any, error) { return c.cosBan(true) }
func (c *call) allowObject() (any, error)  { return c.cosBan(false) }
func (c *call) cosBan(ban bool) (any, error) {
	var req struct {
		RawURL string `json:"RawURL"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := checkRawURL("RawURL", req.RawURL); err != nil {
		return nil, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if ban {
		s.cosLocked()[req.RawURL] = true
	} else {
		delete(s.cosLocked(), req.RawURL)
	}
	return &envelope{}, nil
}

// CosBanned reports whether forbid_illegal_object blocked rawURL (and
// allow_banned_object did not lift it).
func (s *Server) CosBanned(rawURL string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cosLocked()[rawURL]
}

func (c *call) getCosSig() (any, error) {
	var req struct {
		RawURLs []struct {
			ResourceID int    `json:"ResourceID"`
			RawURL     string `json:"RawURL"`
		} `json:"RawURLs"`
	}
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if len(req.RawURLs) == 0 {
		return nil, fail(codeJSONParse, "parameter error: RawURLs is empty")
	}
	type item struct {
		Code       int    `json:"Code"`
		Desc       string `json:"Desc"`
		ResourceID int    `json:"ResourceID"`
		PreSigURL  string `json:"PreSigURL"`
		Status     int    `json:"Status"`
	}
	resp := struct {
		envelope
		PreSigURLs []item `json:"PreSigURLs"`
	}{}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	exp := c.now.Add(15 * time.Minute).Unix()
	for _, r := range req.RawURLs {
		it := item{ResourceID: r.ResourceID}
		if checkRawURL("RawURL", r.RawURL) != nil {
			it.Code, it.Desc = codeJSONParse, "RawURL is not a URL"
		} else {
			sep := "?"
			if strings.Contains(r.RawURL, "?") {
				sep = "&"
			}
			it.PreSigURL = fmt.Sprintf("%s%sq-sign-algorithm=sha1&q-key-time=%d;%d&q-signature=timtest", r.RawURL, sep, c.now.Unix(), exp)
			if s.cosLocked()[r.RawURL] {
				it.Status = 1
			}
		}
		resp.PreSigURLs = append(resp.PreSigURLs, it)
	}
	return &resp, nil
}

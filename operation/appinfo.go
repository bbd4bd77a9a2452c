package operation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// StatField names one figure of the daily operating statistics.
type StatField string

// Statistics getappinfo can return.
const (
	StatAppName              StatField = "AppName"
	StatAppID                StatField = "AppId"
	StatCompany              StatField = "Company"
	StatActiveUserNum        StatField = "ActiveUserNum"
	StatRegistUserNumOneDay  StatField = "RegistUserNumOneDay"
	StatRegistUserNumTotal   StatField = "RegistUserNumTotal"
	StatLoginTimes           StatField = "LoginTimes"
	StatLoginUserNum         StatField = "LoginUserNum"
	StatUpMsgNum             StatField = "UpMsgNum"
	StatDownMsgNum           StatField = "DownMsgNum"
	StatSendMsgUserNum       StatField = "SendMsgUserNum"
	StatAPNSMsgNum           StatField = "APNSMsgNum"
	StatC2CUpMsgNum          StatField = "C2CUpMsgNum"
	StatC2CDownMsgNum        StatField = "C2CDownMsgNum"
	StatC2CSendMsgUserNum    StatField = "C2CSendMsgUserNum"
	StatC2CAPNSMsgNum        StatField = "C2CAPNSMsgNum"
	StatMaxOnlineNum         StatField = "MaxOnlineNum"
	StatChainIncrease        StatField = "ChainIncrease"
	StatChainDecrease        StatField = "ChainDecrease"
	StatGroupUpMsgNum        StatField = "GroupUpMsgNum"
	StatGroupDownMsgNum      StatField = "GroupDownMsgNum"
	StatGroupSendMsgUserNum  StatField = "GroupSendMsgUserNum"
	StatGroupAPNSMsgNum      StatField = "GroupAPNSMsgNum"
	StatGroupSendMsgGroupNum StatField = "GroupSendMsgGroupNum"
	StatGroupJoinGroupTimes  StatField = "GroupJoinGroupTimes"
	StatGroupQuitGroupTimes  StatField = "GroupQuitGroupTimes"
	StatGroupNewGroupNum     StatField = "GroupNewGroupNum"
	StatGroupAllGroupNum     StatField = "GroupAllGroupNum"
	StatGroupDestroyGroupNum StatField = "GroupDestroyGroupNum"
	StatTextMsgInNum         StatField = "TextMsgInNum"
	StatTextMsgOutNum        StatField = "TextMsgOutNum"
	StatVoiceMsgInNum        StatField = "VoiceMsgInNum"
	StatVoiceMsgOutNum       StatField = "VoiceMsgOutNum"
	StatCallBackReq          StatField = "CallBackReq"
	StatCallBackRsp          StatField = "CallBackRsp"
)

// DailyStats are one day's operating statistics. Tencent sends the figures
// as strings ("2014"); Int reads them as numbers.
type DailyStats struct {
	// Date is the day (the answer's "YYYYMMDD") at midnight Beijing time
	// (UTC+8); zero when the answer has no readable date.
	Date time.Time
	// Fields holds every figure by name, as text.
	Fields map[StatField]string
}

// Get returns one figure as text.
func (d DailyStats) Get(f StatField) (string, bool) {
	v, ok := d.Fields[f]
	return v, ok
}

// Int returns one figure as a number.
func (d DailyStats) Int(f StatField) (int64, bool) {
	v, ok := d.Fields[f]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// decodeStats reads getappinfo's Result tolerantly: string and number
// values become text, anything else is left out.
func decodeStats(raw []map[string]json.RawMessage) []DailyStats {
	out := make([]DailyStats, 0, len(raw))
	for _, m := range raw {
		d := DailyStats{Fields: make(map[StatField]string, len(m))}
		for k, v := range m {
			s, ok := scalar(v)
			if !ok {
				continue
			}
			if k == "Date" {
				if t, err := time.ParseInLocation("20060102", s, beijing); err == nil {
					d.Date = t
				}
				continue
			}
			d.Fields[StatField(k)] = s
		}
		out = append(out, d)
	}
	return out
}

// scalar returns a JSON string's text or a number's literal.
func scalar(v json.RawMessage) (string, bool) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "", false
	}
	switch c := t[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(t, &s) != nil {
			return "", false
		}
		return s, true
	case c == '-' || (c >= '0' && c <= '9'):
		if !json.Valid(t) {
			return "", false
		}
		return string(t), true
	}
	return "", false
}

// A read: a resend changes nothing.
var epGetAppInfo = catalog.Declare(api.Endpoint{Path: "openconfigsvr/getappinfo", Safety: api.Idempotent})

// AppInfo reads the app's operating statistics of the last 30 days, one
// DailyStats per day; fields restricts the figures (none: all).
//
// REST: v4/openconfigsvr/getappinfo
func (s *Service) AppInfo(ctx context.Context, fields ...StatField) ([]DailyStats, error) {
	for i, f := range fields {
		if f == "" {
			return nil, wire.Invalid(fmt.Sprintf("RequestField[%d]", i), "is empty")
		}
	}
	req := struct {
		RequestField []StatField `json:"RequestField,omitempty"`
	}{fields}
	// The answer has no ActionStatus, and ErrorInfo is "OK" on success.
	var resp struct {
		envelope
		Result []map[string]json.RawMessage `json:"Result"`
	}
	if err := s.d.Do(ctx, epGetAppInfo, &req, &resp); err != nil {
		return nil, err
	}
	return decodeStats(resp.Result), nil
}

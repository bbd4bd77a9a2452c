package timtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
)

// envelope is the status part of every answer, in Tencent's key order.
type envelope struct {
	ActionStatus string `json:"ActionStatus"`
	ErrorInfo    string `json:"ErrorInfo"`
	ErrorCode    int    `json:"ErrorCode"`
}

func (e *envelope) env() *envelope { return e }

type enveloped interface{ env() *envelope }

// apiError is a business failure answered as HTTP 200 + FAIL envelope.
type apiError struct {
	code int
	info string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.code, e.info) }

func fail(code int, format string, args ...any) error {
	return &apiError{code: code, info: fmt.Sprintf(format, args...)}
}

// Tencent error codes the fake answers with (see the package doc).
const (
	codeHTTPParse        = 60002
	codeJSONParse        = 60003
	codeSigInURL         = 60004
	codeAppIDInvalid     = 60006
	codeRESTRate         = 60007
	codeResource         = 60009
	codeNeedAdmin        = 60010
	codeNoAppID          = 60012
	codeSigExpired       = 70001
	codeSigParse         = 70003
	codeSigVerify        = 70009
	codeSigIdentifier    = 70013
	codeSigAppID         = 70014
	codeAppNotFound      = 70020
	codeNotImported      = 70107
	codeAccountParam     = 70402
	codeC2CCallbackDeny  = 20006
	codeWithdrawNotFound = 20022
	codeWithdrawDone     = 20023
	codeMsgJSON          = 90001
	codeMsgBody          = 90002
	codeMsgToAccount     = 90003
	codeMsgRandom        = 90005
	codeMsgTimeStamp     = 90006
	codeMsgElem          = 90007
	codeBatchTooMany     = 90011
	codeToNotImported    = 90012
	codeMsgLifeTime      = 90026
	codeMsgKey           = 90054
	codeMsgTooLong       = 93000
	codeGroupParam       = 10004
	codeGroupTooMany     = 10005
	codeGroupRate        = 10006
	codeGroupPermission  = 10007
	codeGroupNotFound    = 10010
	codeGroupMember      = 10013
	codeGroupFull        = 10014
	codeGroupCallback    = 10016
	codeGroupMuted       = 10017
	codeGroupNoAccount   = 10019
	codeGroupIDTaken     = 10021
	codeGroupMsgRate     = 10023
	codeGroupIDYours     = 10025
	codeGroupRecall      = 10030
	codeGroupMsgTooLong  = 80002
)

// MsgElem is one element of a MsgBody: {"MsgType": ..., "MsgContent": {...}}.
type MsgElem struct {
	MsgType    string          `json:"MsgType"`
	MsgContent json.RawMessage `json:"MsgContent"`
}

// Text returns the Text of a TIMTextElem ("" for other elements).
func (e MsgElem) Text() string {
	if e.MsgType != "TIMTextElem" {
		return ""
	}
	var c struct {
		Text string `json:"Text"`
	}
	_ = json.Unmarshal(e.MsgContent, &c)
	return c.Text
}

var knownElems = map[string]bool{
	"TIMTextElem": true, "TIMLocationElem": true, "TIMFaceElem": true, "TIMCustomElem": true,
	"TIMSoundElem": true, "TIMImageElem": true, "TIMFileElem": true, "TIMVideoFileElem": true,
	"TIMRelayElem": true,
}

// maxMsgBytes is the size cap of MsgBody plus CloudCustomData (assumed 12 KB).
const maxMsgBytes = 12 << 10

// parseBody validates a MsgBody: a non-empty array of known elements, at most
// one TIMCustomElem, text elements carrying a string Text. arrayCode is the
// code for "not an array / empty", elemCode for a bad element.
func parseBody(raw json.RawMessage, arrayCode, elemCode int) ([]MsgElem, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fail(arrayCode, "MsgBody must be a JSON array")
	}
	var elems []MsgElem
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fail(arrayCode, "MsgBody: %v", err)
	}
	if len(elems) == 0 {
		return nil, fail(arrayCode, "MsgBody is empty")
	}
	custom := 0
	for i, e := range elems {
		if !knownElems[e.MsgType] {
			return nil, fail(elemCode, "MsgBody[%d].MsgType %q is not a message element type", i, e.MsgType)
		}
		c := bytes.TrimSpace(e.MsgContent)
		if len(c) == 0 || c[0] != '{' {
			return nil, fail(elemCode, "MsgBody[%d].MsgContent must be a JSON object", i)
		}
		switch e.MsgType {
		case "TIMCustomElem":
			custom++
			if custom > 1 {
				return nil, fail(elemCode, "MsgBody carries more than one TIMCustomElem")
			}
		case "TIMTextElem":
			var t struct {
				Text *string `json:"Text"`
			}
			if json.Unmarshal(c, &t) != nil || t.Text == nil {
				return nil, fail(elemCode, "MsgBody[%d]: TIMTextElem needs a string Text", i)
			}
		}
		elems[i].MsgContent = json.RawMessage(bytes.Clone(c))
	}
	return elems, nil
}

// crcOf is the content checksum of the dedup keys.
func crcOf(raw json.RawMessage) uint32 {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return crc32.ChecksumIEEE(raw)
	}
	return crc32.ChecksumIEEE(b.Bytes())
}

// uintField parses an optional JSON integer field into a uint64 below max.
// present is false when the field is absent or null.
func uintField(raw json.RawMessage, max uint64) (v uint64, present bool, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, true
	}
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil || n > max {
		return 0, true, false
	}
	return n, true, true
}

// stringField parses an optional JSON string field.
func stringField(raw json.RawMessage) (s string, present bool, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, true
	}
	if json.Unmarshal(raw, &s) != nil {
		return "", true, false
	}
	return s, true, true
}

// kv is a Key/Value pair of AppDefinedData and friends.
type kv struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

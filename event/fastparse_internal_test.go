package event

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastCommands are the commands with a one-pass path.
var fastCommands = []Command{CmdC2CBeforeSendMsg, CmdC2CAfterSendMsg, CmdGroupBeforeSendMsg, CmdGroupAfterSendMsg}

// fastBodies are the documented examples of fastCommands: the golden
// bodies and the conformance corpus's request bodies.
func fastBodies(t testing.TB) map[Command][][]byte {
	t.Helper()
	out := map[Command][][]byte{}
	for _, cmd := range fastCommands {
		b, err := os.ReadFile(filepath.Join("testdata", "callbacks", string(cmd)+".json"))
		require.NoError(t, err)
		out[cmd] = append(out[cmd], b)
		files, err := filepath.Glob(filepath.Join("..", "testdata", "conformance", "callbacks", string(cmd), "request*.json"))
		require.NoError(t, err)
		require.NotEmpty(t, files, cmd)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			var doc struct {
				Body json.RawMessage `json:"body"`
			}
			require.NoError(t, json.Unmarshal(raw, &doc), f)
			out[cmd] = append(out[cmd], doc.Body)
		}
	}
	return out
}

// compareFast decodes body both ways: it reports whether the fast path
// took it and, when it did, that the general path gives the same value.
func compareFast(t testing.TB, cmd Command, body []byte) bool {
	t.Helper()
	fast := factories[cmd]()
	if !fast.(fastReader).readFast(body) {
		assert.Equal(t, factories[cmd](), fast, "a refused body leaves the callback zero: %q", body)
		return false
	}
	general := factories[cmd]()
	err := decodeInto(body, general.jsonForm())
	if !assert.NoError(t, err, "the fast path accepted %q", body) {
		return true
	}
	assert.Equal(t, general, fast, "%s %q", cmd, body)
	return true
}

func TestFastParseDocumentedBodies(t *testing.T) {
	t.Parallel()
	for cmd, bodies := range fastBodies(t) {
		for _, body := range bodies {
			assert.True(t, compareFast(t, cmd, body), "%s: the documented body takes the fast path: %s", cmd, body)
		}
	}
}

func TestFastParseMatchesGeneral(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd  Command
		body string
		fast bool
	}{
		{CmdC2CAfterSendMsg, `{}`, true},
		{CmdC2CAfterSendMsg, ` { "From_Account" : "a\"b\u00e9" , "UnreadMsgNum" : -1, "SendMsgResult": 20006, "EventTime": 1670574414123 } `, true},
		{CmdC2CAfterSendMsg, `{"MsgBody":[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"d"}}],"MsgBody":[]}`, true},
		{CmdC2CAfterSendMsg, `{"MsgSeq":1,"MsgSeq":2,"Unknown":{"x":[null,true]},"CloudCustomData":"{\"k\":1}"}`, true},
		{CmdC2CAfterSendMsg, `{"MsgBody":{"MsgType":"TIMTextElem","MsgContent":{"Text":"single"}}}`, true},
		{CmdC2CAfterSendMsg, `{"EventTime":"1670574414123","MsgTime":-5}`, true},
		{CmdC2CAfterSendMsg, `{"MsgSeq":"12"}`, false},                     // the tolerant pass
		{CmdC2CAfterSendMsg, `{"MsgRandom":4294967296}`, false},            // out of range
		{CmdC2CAfterSendMsg, `{"from_account":"folded"}`, false},           // case folding
		{CmdC2CAfterSendMsg, `{"From_Account":null}`, false},               // null
		{CmdC2CAfterSendMsg, `{"From_Account":"a",}`, false},               // invalid
		{CmdC2CAfterSendMsg, `{"MsgBody":7}`, false},                       // Body refuses it
		{CmdC2CAfterSendMsg, `{"MsgTime":1.5}`, false},                     // a float
		{CmdC2CAfterSendMsg, `{"Fr\u006fm_Account":"escaped key"}`, false}, // escaped key
		{CmdC2CAfterSendMsg, `{} {}`, false},
		{CmdGroupAfterSendMsg, `{"GroupAtInfo":[],"TopicId":"t","Type":"Community"}`, true},
		{CmdGroupAfterSendMsg, `{"GroupAtInfo":[{"GroupAtAllFlag":1},{"GroupAt_Account":"u","X":1}]}`, true},
		{CmdGroupAfterSendMsg, `{"GroupAtInfo":[{"GroupAtAllFlag":1}],"GroupAtInfo":[{"GroupAt_Account":"merged"}]}`, false},
		{CmdGroupAfterSendMsg, `{"GroupAtInfo":[{"groupat_account":"folded"}]}`, false},
		{CmdGroupAfterSendMsg, `{"GroupAtInfo":[null]}`, false},
		{CmdGroupAfterSendMsg, `{"Random":123,"MsgSeq":18446744073709551615}`, false}, // 20 digits: left to encoding/json
		{CmdGroupBeforeSendMsg, `{"CallbackCommand":"Group.CallbackBeforeSendMsg","MsgBody":[]}`, true},
		{CmdC2CBeforeSendMsg, `{"CallbackCommand":"C2C.CallbackBeforeSendMsg","MsgKey":"k"}`, true},
	} {
		assert.Equal(t, tc.fast, compareFast(t, tc.cmd, []byte(tc.body)), "%s %s", tc.cmd, tc.body)
	}
}

// The fast path knows every field encoding/json decodes into these
// types: a body setting all of them is read in one pass.
func TestFastParseKnowsEveryField(t *testing.T) {
	t.Parallel()
	values := map[string]string{
		"CallbackCommand": `"c"`, "EventTime": `1`, "From_Account": `"f"`, "To_Account": `"t"`, "MsgSeq": `2`,
		"MsgRandom": `3`, "MsgTime": `4`, "MsgKey": `"k"`, "MsgId": `"i"`, "OnlineOnlyFlag": `1`, "MsgBody": `[]`,
		"CloudCustomData": `"d"`, "SendMsgResult": `0`, "ErrorInfo": `"e"`, "UnreadMsgNum": `5`, "GroupId": `"g"`,
		"Type": `"Public"`, "Operator_Account": `"o"`, "Random": `6`, "TopicId": `"tp"`, "GroupAtInfo": `[]`,
	}
	for _, cmd := range fastCommands {
		names := jsonNames(factories[cmd]())
		body := []byte("{")
		for i, n := range names {
			v, ok := values[n]
			require.True(t, ok, "%s: no test value for %s", cmd, n)
			if i > 0 {
				body = append(body, ',')
			}
			body = append(body, `"`+n+`":`+v...)
		}
		body = append(body, '}')
		assert.True(t, compareFast(t, cmd, body), "%s: %s", cmd, body)
	}
	assert.True(t, slices.Contains(jsonNames(new(GroupAfterSendMsg)), "GroupAtInfo"))
}

// FuzzFastParseMatchesGeneral: whatever the one-pass path accepts, the
// general path accepts and decodes to an equal callback.
func FuzzFastParseMatchesGeneral(f *testing.F) {
	for cmd, bodies := range fastBodies(f) {
		for _, b := range bodies {
			f.Add(slices.Index(fastCommands, cmd), b)
		}
	}
	f.Add(1, []byte(`{"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}],"UnreadMsgNum":-1}`))
	f.Add(3, []byte(`{"GroupAtInfo":[{"GroupAtAllFlag":1,"GroupAt_Account":"a"}],"EventTime":"12"}`))
	f.Fuzz(func(t *testing.T, i int, body []byte) {
		compareFast(t, fastCommands[uint(i)%uint(len(fastCommands))], body)
	})
}

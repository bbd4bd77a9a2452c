package main

import (
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/timkit/tim/cmd/tim/corpus"
)

// FuzzCheckReply: a webhook's answer is outside input. checkReply never
// panics, and what it accepts is a JSON object with ActionStatus "OK", a
// numeric ErrorCode and only documented keys.
func FuzzCheckReply(f *testing.F) {
	f.Add(200, []byte(`{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`))
	f.Add(200, []byte(`{"ActionStatus":"OK","ErrorCode":1,"MsgBody":[]}`))
	f.Add(200, []byte(`{"ActionStatus":"FAIL"}`))
	f.Add(500, []byte(`null`))
	f.Add(200, []byte(`{"ErrorCode":1e999}`))
	documented := []json.RawMessage{[]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","MsgBody":[{}],"CloudCustomData":""}`)}
	f.Fuzz(func(t *testing.T, status int, reply []byte) {
		if checkReply(status, reply, documented) != nil {
			return
		}
		var m map[string]any
		if err := json.Unmarshal(reply, &m); err != nil {
			t.Fatalf("accepted a reply that is not a JSON object: %q", reply)
		}
		if m["ActionStatus"] != "OK" {
			t.Fatalf("accepted ActionStatus %v", m["ActionStatus"])
		}
		if _, ok := m["ErrorCode"].(float64); !ok {
			t.Fatalf("accepted ErrorCode %v", m["ErrorCode"])
		}
		for k := range m {
			switch k {
			case "ActionStatus", "ErrorCode", "ErrorInfo", "MsgBody", "CloudCustomData":
			default:
				t.Fatalf("accepted undocumented key %q", k)
			}
		}
	})
}

// FuzzLoadCorpus: corpus files are read from a folder the user names;
// Load never panics and every example it returns has a body.
func FuzzLoadCorpus(f *testing.F) {
	f.Add([]byte(`{"command":"State.StateChange","body":{"Info":{}},"reply":{"ActionStatus":"OK"}}`))
	f.Add([]byte(`{"body":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fsys := fstest.MapFS{"State.StateChange/x.json": {Data: b}}
		exs, err := corpus.Load(fsys, ".")
		if err != nil {
			return
		}
		for _, ex := range exs {
			if ex.Command == "" || (!ex.HasBody() && (len(ex.Reply) == 0 || ex.Reply[0] != '{')) {
				t.Fatalf("example without command, body or reply from %q", b)
			}
		}
	})
}

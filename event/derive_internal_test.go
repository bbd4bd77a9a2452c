package event

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Derived events' dedup keys are shared between releases through a
// DedupStore (Redis behind several replicas): they stay spelled as before
// the instants became time.Time (Unix seconds) and MsgSeq uint64.
func TestDeriveKeysAreStable(t *testing.T) {
	t.Parallel()
	body := func(cmd Command, drop ...string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "callbacks", string(cmd)+".json"))
		require.NoError(t, err)
		s := string(b)
		for _, d := range drop {
			require.Contains(t, s, d)
			s = strings.Replace(s, d, "", 1)
		}
		return []byte(s)
	}
	for _, tt := range []struct {
		name string
		cmd  Command
		body []byte
		want string
	}{
		{"C2C by MsgKey", CmdC2CAfterSendMsg, body(CmdC2CAfterSendMsg), "MR|C2C|48374_2837546_1557481126"},
		{"C2C without MsgKey", CmdC2CAfterSendMsg, body(CmdC2CAfterSendMsg, `"MsgKey": "48374_2837546_1557481126",`),
			"MR|C2C|patient_1001|doctor_42|48374|2837546|1557481126"},
		{"C2C without MsgKey nor MsgTime", CmdC2CAfterSendMsg,
			body(CmdC2CAfterSendMsg, `"MsgKey": "48374_2837546_1557481126",`, `"MsgTime": 1557481126,`),
			"MR|C2C|patient_1001|doctor_42|48374|2837546|0"},
		{"group by MsgSeq", CmdGroupAfterSendMsg, body(CmdGroupAfterSendMsg), "MR|G|@TGS#2J4SZEAEL|123"},
		{"group without MsgSeq", CmdGroupAfterSendMsg, body(CmdGroupAfterSendMsg, `"MsgSeq": 123,`),
			"MR|G|@TGS#2J4SZEAEL|r123456|patient_1001|1490686222"},
		{"peer read", CmdC2CAfterMsgReport, body(CmdC2CAfterMsgReport), "RD|doctor_42|patient_1001|1614754606"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb, err := Parse(string(tt.cmd), tt.body)
			require.NoError(t, err)
			dv := derive(cb)
			require.Equal(t, 1, dv.n)
			assert.Equal(t, tt.want, dv.key)
		})
	}
}

package conversation

import (
	"encoding/json"
	"testing"

	"github.com/timkit/tim/message"
)

// FuzzListResponse feeds arbitrary get_list bodies to the tolerant decoder:
// it must never panic, and every decoded item must come out typed.
func FuzzListResponse(f *testing.F) {
	for _, seed := range []string{
		`{"ActionStatus":"OK","ErrorCode":0,"SessionItem":[{"Type":1,"To_Account":"id2","MsgTime":1630997627,"TopFlag":1},{"Type":2,"GroupId":"id3","MsgTime":1630997628,"TopFlag":1}],"CompleteFlag":1,"TimeStamp":1631012800,"StartIndex":0,"TopTimeStamp":1631012800,"TopStartIndex":0}`,
		`{"SessionItem":[{"Type":"2","GroupId":123,"MsgTime":"17"},{"To_Account":["a","b"]},{"Type":"G2C","ToGroupId":"x"},{"Type":1.0,"To_Account":[null,""],"ContactGroupId":["1",2]}],"CompleteFlag":"0"}`,
		`{"SessionItem":null}`,
		`{"SessionItem":[{"Type":{},"To_Account":{"a":1},"StandardMark":101}]}`,
		`[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp listResponse
		if json.Unmarshal(body, &resp) != nil {
			return
		}
		for i := range resp.SessionItem {
			c := resp.SessionItem[i].conversation()
			if c.Type != message.ConvC2C && c.Type != message.ConvGroup {
				t.Fatalf("item %d decoded with type %q", i, c.Type)
			}
			_ = c.ID()
		}
		var cg struct {
			ContactItem []contactItemIn `json:"ContactItem"`
			GroupItem   []groupItemIn   `json:"GroupItem"`
		}
		if json.Unmarshal(body, &cg) == nil {
			for i := range cg.ContactItem {
				m := cg.ContactItem[i].marks()
				if m.With.Type != message.ConvC2C && m.With.Type != message.ConvGroup {
					t.Fatalf("contact item %d decoded with type %q", i, m.With.Type)
				}
			}
		}
	})
}

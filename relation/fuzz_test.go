package relation

import (
	"encoding/json"
	"testing"
)

// FuzzResponses feeds arbitrary bodies to the tolerant decoders of the
// batch and list answers: they must never panic, and whatever decodes must
// convert to typed results.
func FuzzResponses(f *testing.F) {
	for _, seed := range []string{
		`{"ResultItem":[{"To_Account":"id1","ResultCode":0,"ResultInfo":""},{"To_Account":2,"ResultCode":"30539"}],"Fail_Account":["x",3],"Invalid_Account":[null,"y"],"ActionStatus":"OK","ErrorCode":0}`,
		`{"UserDataItem":[{"To_Account":"id1","ValueItem":[{"Tag":"Tag_SNS_IM_Group","Value":["a",1,null,{}]},{"Tag":"Tag_SNS_IM_AddTime","Value":"17"}]}],"StandardSequence":"88","CompleteFlag":1,"NextStartIndex":0}`,
		`{"BlackListItem":[{"To_Account":"id1","AddBlackTimeStamp":"1430000001"}],"StartIndex":0,"CurruentSequence":13}`,
		`{"FollowItem":[{"To_Account":"a","FollowTime":1.5e9,"ProfileItem":[{"Tag":"t","Value":{"k":1}}]}],"NextCursor":123}`,
		`{"ResultItem":null,"UserDataItem":{},"BlackListItem":"x"}`,
		`[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var b batchWire
		if json.Unmarshal(body, &b) == nil {
			rs := b.results("sns/friend_add")
			for _, r := range rs {
				if (r.Err() == nil) != r.OK() {
					t.Fatalf("result %+v: Err and OK disagree", r)
				}
			}
			_ = rs.Failed()
		}
		var fg friendGetResp
		if json.Unmarshal(body, &fg) == nil {
			p := fg.page()
			for _, fr := range p.Friends {
				_ = fr.Items.Remark()
				_ = fr.Items.Groups()
				_ = fr.Items.AddTime()
				_ = fr.Items.AddSource()
				for _, it := range fr.Items {
					_, _ = it.Value.Str()
					_, _ = it.Value.Int64()
					_ = it.Value.List()
					if _, err := json.Marshal(it); err != nil && json.Valid(it.Value.Raw()) {
						t.Fatalf("re-encoding a decoded item: %v", err)
					}
				}
			}
		}
		var bg blackGetResp
		if json.Unmarshal(body, &bg) == nil {
			p := bg.page()
			_ = p.Done()
		}
		var fl followGetResp
		if json.Unmarshal(body, &fl) == nil {
			_ = fl.page()
		}
	})
}

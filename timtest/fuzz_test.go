package timtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/timkit/tim/timtest"
)

// FuzzServeHTTP feeds arbitrary bodies to every API: the fake must never
// panic and must always answer HTTP 200 with a JSON envelope.
func FuzzServeHTTP(f *testing.F) {
	srv, err := timtest.Start(timtest.WithRateLimit(timtest.Rate{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	if err := srv.ImportAccounts("a", "b"); err != nil {
		f.Fatal(err)
	}
	q := adminQuery(f, srv.SDKAppID, srv.SecretKey, "administrator", "administrator").Encode()
	apis := srv.APIs()
	seeds := []string{
		`{}`, `{"To_Account":"b","MsgRandom":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}]}`,
		`{"To_Account":["a","b"],"MsgRandom":1,"MsgBody":[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"x"}}]}`,
		`{"Type":"Public","Name":"g","Owner_Account":"a","MemberList":[{"Member_Account":"b"}]}`,
		`{"GroupId":"g","Random":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":1}}]}`,
		`{"From_Account":"a","TimeStamp":-1,"StartIndex":-5,"AssistFlags":7}`,
		`{"Operator_Account":"a","Peer_Account":"b","MaxCnt":1,"MinTime":0,"MaxTime":9e18,"LastMsgKey":"1_2_3"}`,
		`{"GroupIdList":["x"],"ResponseFilter":{"GroupBaseInfoFilter":[],"MemberInfoFilter":null}}`,
		`{"Limit":-1,"Next":18446744073709551615}`, `[]`, `null`, `{"MsgBody":"x"}`,
		`{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_X","GroupName":"g"}],"AddType":"Add_Type_Both"}`,
		`{"From_Account":"a","To_Account":["b","a",""],"CheckType":"CheckResult_Type_Both","DeleteType":"Delete_Type_Both"}`,
		`{"From_Account":"a","UpdateItem":[{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_Group","Value":["x",1]}]}]}`,
		`{"From_Account":"a","StartIndex":0,"MaxLimited":1,"GroupName":["g"],"NeedFriend":"Need_Friend_Type_Yes"}`,
		`{"From_Account":"a","FollowItem":[{"To_Account":"b"}],"FollowType":3,"StartCursor":"x","WantNum":1}`,
		`{"Set_Account":"a","C2CmsgNospeakingTime":4294967295,"Get_Account":"a"}`,
		`{"GroupId":"g","GroupAttr":[{"key":"k","value":"v"}],"GroupCounter":[{"Key":"c","Value":-9}],"Mode":"Increase"}`,
		`{"GroupId":"g","MsgSeq":1,"OperateType":2,"ExtensionList":[{"Key":"k","Seq":18446744073709551615}],"StartSeq":0}`,
		`{"From_Account":"a","To_Account":"b","MsgKey":"1_2_3","OperateType":1,"ExtensionList":[{"Key":"k","Value":"v","Seq":0}]}`,
		`{"From_Account":"a","MarkItem":[{"OptType":3,"ContactItem":{"Type":1,"To_Account":"b"},"SetMark":[63,0],"ClearMark":[64]}]}`,
		`{"From_Account":"a","UpdateType":1,"UpdateGroup":{"UpdateGroupType":2,"OldGroupName":"x","ContactUpdateItem":[{"ContactOptType":1,"ContactItem":{"Type":2}}]}}`,
		`{"GroupId":"g","MsgSeq":1,"Filter":1,"Cursor":"-1","Count":200,"MsgSeqList":[{"MsgSeq":0}],"From_Account":"a"}`,
		`{"GroupId":"@TGS#_x","TopicId":"@TGS#_x@TOPIC#_","TopicName":"t","TopicIdList":["a"],"ResponseFilter":["TopicName"]}`,
		`{"UserTags":[{"To_Account":"a","Tags":["t"]}],"UserAttrs":[{"To_Account":"a","Attrs":{"x":"y"}}],"AttrNames":{"9":"x","10":"y"}}`,
		`{"MsgRandom":1,"Condition":{"TagsAnd":["t"],"AttrsOr":{"x":"y"}},"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}]}`,
		`{"ChatType":"C2C","MsgTime":"2015120121","RawURLs":[{"ResourceID":1,"RawURL":"http://x/y"}],"RawURL":"::"}`,
		`{"GroupId":"g","CommandType":1,"MemberList":[{"Member_Account":"a","Marks":[500]}],"Admin_Account":["a"],"Timestamp":0,"Mark":500}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, api uint8, body string) {
		path := apis[int(api)%len(apis)]
		req := httptest.NewRequest(http.MethodPost, "/v4/"+path+"?"+q, strings.NewReader(body))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %q: HTTP %d", path, body, rec.Code)
		}
		var env struct {
			ActionStatus *string `json:"ActionStatus"`
			ErrorCode    *int    `json:"ErrorCode"`
		}
		// openconfigsvr answers success without ActionStatus, as Tencent does.
		bare := strings.HasPrefix(path, "openconfigsvr/")
		if err := json.NewDecoder(bytes.NewReader(rec.Body.Bytes())).Decode(&env); err != nil || (env.ActionStatus == nil && !bare) || env.ErrorCode == nil {
			t.Fatalf("%s %q: answer %q is not an envelope", path, body, rec.Body.String())
		}
	})
}

package operation

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/message"
)

// FuzzReadHistory feeds arbitrary files to the streaming history reader: it
// must never panic or loop, and stops at the first error.
func FuzzReadHistory(f *testing.F) {
	for _, seed := range []string{
		`{"SdkAppId":1,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[{"From_Account":"a","To_Account":"b","MsgTimestamp":1,"MsgSeq":2,"MsgRandom":3,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}]}]}`,
		`{"MsgList":[{"MsgTimestamp":"17","MsgBody":{"MsgType":"TIMCustomElem","MsgContent":{"Data":1}}},null,7,"x"]}`,
		`{"ChatType":5,"MsgTime":{},"MsgList":[]}`,
		"\x1f\x8b\x08\x00garbage",
		`{"MsgList":[`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		n := 0
		for _, err := range ReadHistory(bytes.NewReader(file)) {
			n++
			if n > len(file)+1 {
				t.Fatalf("more records than bytes")
			}
			if err != nil {
				_ = err.Error()
			}
		}
	})
}

// bodyDoer answers every call by decoding one canned body into the response.
type bodyDoer []byte

func (b bodyDoer) Do(_ context.Context, _ api.Endpoint, _, resp any) error {
	return json.Unmarshal(b, resp)
}

// FuzzAnswers feeds arbitrary answers to every decoder of the service.
func FuzzAnswers(f *testing.F) {
	for _, seed := range []string{
		`{"ErrorCode":0,"ErrorInfo":"OK","Result":[{"Date":"20160607","ActiveUserNum":"2014","ChainDecrease":16,"X":{}}]}`,
		`{"ErrorCode":0,"C2CmsgNospeakingTime":4294967295,"GroupmsgNospeakingTime":"7196"}`,
		`{"File":[{"URL":"u","ExpireTime":"2015-12-02 16:45:23","FileSize":"1","GzipSize":2}]}`,
		`{"IPList":["1.1.1.1",2,null]}`,
		`{"PreSigURLs":[{"Code":0,"ResourceID":1,"PreSigURL":"p","Status":1},{"ResourceID":-5},{"ResourceID":"x"}]}`,
		`{"C2CmsgNospeakingTime":-1,"GroupmsgNospeakingTime":1e30}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		svc, err := NewService(bodyDoer(body))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if stats, err := svc.AppInfo(ctx); err == nil {
			for _, d := range stats {
				if !d.Date.IsZero() && d.Date.Hour() != 0 {
					t.Fatalf("Date %v is not a midnight in Beijing time", d.Date)
				}
				for k := range d.Fields {
					_, _ = d.Int(k)
				}
			}
		}
		if m, err := svc.GlobalMute(ctx, "a"); err == nil && (m.C2C < 0 || m.C2C > MuteForever || m.Group < 0 || m.Group > MuteForever) {
			t.Fatalf("mute out of range: %+v", m)
		}
		_, _ = svc.HistoryFiles(ctx, HistoryRequest{ChatType: message.ConvC2C, Hour: time.Unix(1448974806, 0)})
		_, _ = svc.IPList(ctx)
		if objs, err := svc.CosSignatures(ctx, []string{"https://a", "https://b"}); err == nil && len(objs) != 2 {
			t.Fatalf("got %d objects for 2 URLs", len(objs))
		}
	})
}

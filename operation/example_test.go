package operation_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
)

func ExampleService_SetGlobalMute() {
	// A stand-in for Tencent; openconfigsvr answers carry no ActionStatus.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getnospeaking") {
			fmt.Fprint(w, `{"ErrorCode":0,"ErrorInfo":"","C2CmsgNospeakingTime":4294967295,"GroupmsgNospeakingTime":3600}`)
			return
		}
		fmt.Fprint(w, `{"ErrorCode":0,"ErrorInfo":""}`)
	}))
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ops, err := operation.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	err = ops.SetGlobalMute(context.Background(), operation.MuteRequest{
		UserID: "spammer_1",
		C2C:    new(operation.MuteForever),
		Group:  new(time.Hour),
	})
	if err != nil {
		log.Fatal(err)
	}
	m, err := ops.GlobalMute(context.Background(), "spammer_1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.C2C == operation.MuteForever, m.Group)
	// Output:
	// true 1h0m0s
}

func ExampleReadHistory() {
	// The body of a file downloaded from a HistoryFile URL (gzip or not).
	file := `{"SdkAppId":1400000000,"ChatType":"C2C","MsgTime":"2026010109","MsgList":[
{"From_Account":"doctor_1","To_Account":"patient_7","MsgTimestamp":1767229200,"MsgSeq":1,"MsgRandom":2,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"您好"}}]}
]}`
	for rec, err := range operation.ReadHistory(strings.NewReader(file)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.ChatType == message.ConvC2C, rec.MsgTime.Format("2006-01-02 15:04 -0700"), rec.From, "→", rec.To, rec.Body.Text())
	}
	// Output:
	// true 2026-01-01 09:00 +0800 doctor_1 → patient_7 您好
}

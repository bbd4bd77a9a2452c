package group_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

// extrasServer answers like Tencent for the calls the extras examples make.
func extrasServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, "/v4/") {
		case "group_open_http_svc/update_group_counter":
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"GroupCounter":[{"Key":"likes","Value":101}]}`)
		case "group_open_http_svc/get_group_msg_receipt_detail":
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"IsFinished":1,"UnreadList":[{"Unread_Account":"patient_7"},{"Unread_Account":"nurse_2"}]}`)
		case "million_group_open_http_svc/create_topic":
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"TopicId":"@TGS#_clinic@TOPIC#_cardio"}`)
		default:
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0}`)
		}
	}))
}

func extrasService(url string) *group.Service {
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(url))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := group.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	return svc
}

func ExampleService_UpdateCounters() {
	srv := extrasServer()
	defer srv.Close()
	svc := extrasService(srv.URL)
	// Increase is not idempotent: the client never resends it blindly.
	cs, err := svc.UpdateCounters(context.Background(), "@TGS#aLIVE", group.CounterIncrease, []group.Counter{{Key: "likes", Value: 1}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cs[0].Key, cs[0].Value)
	// Output: likes 101
}

func ExampleService_ReceiptDetail() {
	srv := extrasServer()
	defer srv.Close()
	svc := extrasService(srv.URL)
	// Who has not read message 42 of the ward group yet? All pages.
	for userID, err := range svc.ReceiptDetail(context.Background(), group.ReceiptDetailRequest{
		GroupID: "ward-3", MsgSeq: 42, Filter: group.UnreadMembers,
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(userID)
	}
	// Output:
	// patient_7
	// nurse_2
}

func ExampleService_CreateTopic() {
	srv := extrasServer()
	defer srv.Close()
	svc := extrasService(srv.URL)
	id, err := svc.CreateTopic(context.Background(), group.TopicRequest{
		GroupID: "@TGS#_clinic",
		TopicID: group.TopicID("@TGS#_clinic", "cardio"), // a custom id makes a retried call safe
		Name:    "Cardiology",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id)
	// Output: @TGS#_clinic@TOPIC#_cardio
}

package conversation_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/conversation"
)

// A stand-in for Tencent answering one page of a conversation list.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"",
		"SessionItem":[
		 {"Type":2,"GroupId":"@TGS#consult1","MsgTime":1700000100,"TopFlag":1},
		 {"Type":1,"To_Account":"patient_7","MsgTime":1700000000,"TopFlag":0}],
		"CompleteFlag":1,"TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0}`))
	}))
}

func ExampleService_List() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := conversation.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	for c, err := range svc.List(context.Background(), "doctor_1") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(c.ID(), "pinned:", c.Pinned)
	}
	// Output:
	// GROUP@TGS#consult1 pinned: true
	// C2Cpatient_7 pinned: false
}

func ExampleService_Delete() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := conversation.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	err = svc.Delete(context.Background(), conversation.DeleteRequest{
		UserID:       "patient_7",
		With:         conversation.Group("@TGS#consult1"),
		ClearHistory: true,
	})
	fmt.Println(err)
	// Output: <nil>
}

package message_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/timkit/tim/message"
)

func ExampleService_SetGroupExtensions() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"ExtensionList":[{"ErrorCode":0,"Extension":{"Key":"handled_by","Value":"nurse_2","Seq":1}}]}`)
	}))
	defer srv.Close()
	svc := exampleService(srv.URL)
	// Mark group message 42 (sent WithExtension) as handled.
	res, err := svc.SetGroupExtensions(context.Background(), message.GroupMsgRef{GroupID: "ward-3", MsgSeq: 42},
		[]message.Extension{{Key: "handled_by", Value: "nurse_2"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Println(r.Key, r.Value, r.Seq, r.Err())
	}
	// Output: handled_by nurse_2 1 <nil>
}

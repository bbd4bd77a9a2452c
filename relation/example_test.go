package relation_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/relation"
)

// A stand-in for Tencent with canned answers.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/friend_add"):
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"ResultItem":[
				{"To_Account":"patient_7","ResultCode":0,"ResultInfo":""},
				{"To_Account":"patient_8","ResultCode":30525,"ResultInfo":"Err_SNS_FriendAdd_In_Other_Side_BlackList"}]}`)
		case strings.HasSuffix(r.URL.Path, "/friend_get"):
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"CompleteFlag":1,"FriendNum":1,"UserDataItem":[
				{"To_Account":"patient_7","ValueItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"李雷"},{"Tag":"Tag_SNS_IM_Group","Value":["患者"]}]}]}`)
		default:
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0}`)
		}
	}))
}

func ExampleService_AddFriends() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	rel, err := relation.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	res, err := rel.AddFriends(context.Background(), "doctor_1", []relation.AddFriend{
		{UserID: "patient_7", AddSource: "AddSource_Type_Consult", Remark: "李雷", Group: "患者"},
		{UserID: "patient_8", AddSource: "AddSource_Type_Consult"},
	}, relation.AddOptions{Type: relation.AddBoth, Force: true})
	if err != nil {
		log.Fatal(err) // the whole call failed
	}
	for _, r := range res.Failed() {
		fmt.Println(r.UserID, r.ResultCode)
	}
	// Output:
	// patient_8 30525
}

func ExampleService_Friends() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	rel, err := relation.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	for f, err := range rel.Friends(context.Background(), "doctor_1") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.UserID, f.Items.Remark(), f.Items.Groups())
	}
	// Output:
	// patient_7 李雷 [患者]
}

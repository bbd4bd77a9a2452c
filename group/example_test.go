package group_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

func ExampleNameFormat_Fit() {
	name, err := group.FormatFullWidth.Fit("王医生", "李雷", group.DefaultLimits().Name)
	fmt.Println(name, err)

	// Too long for the legacy 30-byte limit: the longer name gives way first.
	name, _ = group.FormatASCII.Fit("Dr Alexandra Konstantinopoulou", "Li Lei", 30)
	fmt.Println(name, len(name))
	// Output:
	// 王医生（李雷） <nil>
	// Dr Alexandra Konsta…(Li Lei) 30
}

// A stand-in for Tencent: create_group answers with the custom id.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/create_group"):
			var req struct {
				GroupID string `json:"GroupId"`
			}
			_ = json.NewDecoder(r.Body).Decode(&req)
			fmt.Fprintf(w, `{"ActionStatus":"OK","ErrorCode":0,"GroupId":%q}`, req.GroupID)
		default:
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0}`)
		}
	}))
}

func ExampleService_CreateConsultation() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := group.NewService(client, group.WithNameFormat(group.FormatFullWidth))
	if err != nil {
		log.Fatal(err)
	}
	c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor:         group.Participant{UserID: "doctor_1", Name: "王医生"},
		Patient:        group.Participant{UserID: "patient_7", Name: "李雷"},
		GroupID:        "consult-20260101-0001", // makes a retried call safe
		ImportAccounts: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.GroupID, c.Name, c.Existed)
	// Output: consult-20260101-0001 王医生（李雷） false
}

func ExampleService_Create() {
	srv := exampleServer()
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := group.NewService(client)
	if err != nil {
		log.Fatal(err)
	}
	res, err := svc.Create(context.Background(), group.CreateRequest{
		Type:    group.Private, // the front end's Work group
		GroupID: "ward-3",
		Name:    "Ward 3",
		Owner:   "doctor_1",
		Members: []group.NewMember{{UserID: "nurse_2", Role: group.RoleAdmin}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.GroupID, res.Existed)
	// Output: ward-3 false
}

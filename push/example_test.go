package push_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/push"
)

func ExampleService_Send() {
	// A stand-in for Tencent.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"TaskId":"task_1"}`)
	}))
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	svc, err := push.NewService(client)
	if err != nil {
		log.Fatal(err)
	}

	p := &push.Push{
		Body:      message.Body{&message.Text{Text: "Clinic closed on Friday"}},
		Condition: &push.Condition{TagsOr: []string{"patients", "doctors"}},
		Lifetime:  24 * time.Hour,
		Random:    20260101, // or leave 0 and persist p.Random after Send
	}
	res, err := svc.Send(context.Background(), p)
	if err != nil {
		// Retrying with the same p reuses MsgRandom: Tencent treats it as
		// the same push task for 7 days.
		log.Fatal(err)
	}
	fmt.Println(res.TaskID, res.Random)
	// Output:
	// task_1 20260101
}

package robot_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/robot"
	"github.com/timkit/tim/timtest"
)

// An assistant's answer, produced word by word, streamed to a patient by a
// robot account; the fake records each call's chunk.
func ExampleService_Stream() {
	srv, err := timtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()
	if err := client.Account.Import(ctx, account.Account{UserID: "patient_7"}); err != nil {
		log.Fatal(err)
	}
	if err := client.Robot.Create(ctx, robot.Robot{UserID: "@RBT#triage", Nick: "Triage"}); err != nil {
		log.Fatal(err)
	}

	answer := "Please describe when the fever started."
	words := func(yield func(string) bool) {
		for _, w := range strings.SplitAfter(answer, " ") {
			if !yield(w) {
				return
			}
		}
	}
	res, err := client.Robot.Stream(ctx, "@RBT#triage", "patient_7", words)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(res.MsgKeys), "message,", res.Bytes, "bytes")
	for _, m := range srv.Messages("@RBT#triage", "patient_7") {
		fmt.Println(m.Text())
	}
	// Output:
	// 1 message, 39 bytes
	// Please describe when the fever started.
}

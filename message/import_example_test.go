package message_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

func ExampleService_ImportC2CAll() {
	fake, err := timtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	if err := fake.ImportAccounts("doctor_1", "patient_7"); err != nil {
		log.Fatal(err)
	}
	client, err := tim.New(fake.SDKAppID, fake.SecretKey, tim.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// Messages from the old system, oldest first.
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var old []*message.ImportC2CRequest
	for i, text := range []string{"Hello doctor", "Hello, how can I help?", "My knee hurts"} {
		from, to := "patient_7", "doctor_1"
		if i%2 == 1 {
			from, to = to, from
		}
		old = append(old, &message.ImportC2CRequest{From: from, To: to, Time: start.Add(time.Duration(i) * time.Minute),
			Body: message.Body{&message.Text{Text: text}}})
	}
	n, err := client.Message.ImportC2CAll(context.Background(), old, message.WithImportProgress(func(done, total int) {
		fmt.Printf("imported %d of %d\n", done, total)
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, len(fake.Messages("patient_7", "doctor_1")))
	// Output:
	// imported 1 of 3
	// imported 2 of 3
	// imported 3 of 3
	// 3 3
}

package official_test

import (
	"context"
	"fmt"
	"log"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/timtest"
)

// wardAccount is a client of a fresh fake holding the official account
// @TOA#_ward3 (owned by ward3) and the accounts users; stop ends both.
func wardAccount(users ...string) (c *tim.Client, id string, stop func()) {
	srv, err := timtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	c, err = tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	stop = func() { _ = c.Close(); srv.Close() }
	ctx := context.Background()
	if _, err := c.Account.ImportMany(ctx, append([]string{"ward3"}, users...)); err != nil {
		log.Fatal(err)
	}
	id, err = c.Official.Create(ctx, official.Account{ID: "@TOA#_ward3", Owner: "ward3", Name: "Ward 3 news"})
	if err != nil {
		log.Fatal(err)
	}
	return c, id, stop
}

// Every subscriber of a ward's news account, with the bed the app noted
// for each, read page by page (here on the fake).
func ExampleService_Subscribers() {
	c, id, stop := wardAccount("patient_7", "patient_8")
	defer stop()
	ctx := context.Background()
	if _, err := c.Official.AddSubscribers(ctx, id, "patient_7", "patient_8"); err != nil {
		log.Fatal(err)
	}
	if err := c.Official.ModifySubscriber(ctx, id, "patient_8", "bed 12"); err != nil {
		log.Fatal(err)
	}
	for sub, err := range c.Official.Subscribers(ctx, id, 1) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %q\n", sub.UserID, sub.CustomString)
	}
	// Output:
	// patient_7 ""
	// patient_8 "bed 12"
}

// The broadcasts of an account, as an operator reviews them before
// recalling one: pages come newest first, each page oldest first (one page
// here).
func ExampleService_History() {
	c, id, stop := wardAccount()
	defer stop()
	ctx := context.Background()
	for _, text := range []string{"Visiting hours 14-18", "Flu shots on Monday"} {
		if _, err := c.Official.Send(ctx, official.Broadcast{ID: id, Body: message.Body{&message.Text{Text: text}}}); err != nil {
			log.Fatal(err)
		}
	}
	for m, err := range c.Official.History(ctx, id, 20, false) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.Seq, m.Body[0].(*message.Text).Text)
	}
	// Output:
	// 1 Visiting hours 14-18
	// 2 Flu shots on Monday
}

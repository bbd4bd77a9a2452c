package tim_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/timtest"
)

// The front end's TIM.create → login → SDK_READY, on the server, against
// the in-process fake (use tim.WithRegion and real credentials in
// production).
func ExampleClient_Login() {
	srv, err := timtest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	event.On(c.Events(), func(_ context.Context, e *event.Ready) {
		fmt.Println("SDK_READY as", e.Identifier)
	})
	ctx := context.Background()
	if _, err := c.Login(ctx); err != nil {
		panic(err)
	}
	again, _ := c.Login(ctx)
	fmt.Println("repeat login:", again.RepeatLogin)
	// Output:
	// SDK_READY as administrator
	// repeat login: true
}

// Sending a text to a user who was never imported fails with a typed error
// before anything is delivered.
func ExampleAPIError() {
	srv, err := timtest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, _ := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	ctx := context.Background()
	_ = c.Account.Import(ctx, account.Account{UserID: "doctor_42"})

	_, err = c.Message.Send(ctx, message.NewText(message.ConvC2C, "nobody", "hi", message.WithSender("doctor_42")))
	var ae *tim.APIError
	if errors.As(err, &ae) {
		fmt.Println("code:", ae.Code, "account not found:", errors.Is(err, tim.ErrAccountNotFound))
	}
	// Output:
	// code: 90012 account not found: true
}

// A UserSig for a front end's login({userID, userSig}).
func ExampleClient_UserSig() {
	c, err := tim.New(1400000000, "secret-key-from-the-console")
	if err != nil {
		panic(err)
	}
	sig, err := c.UserSig("patient_7", 7*24*time.Hour)
	fmt.Println(err == nil, sig[:3])
	// Output: true eAE
}

package timtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

// A fake outside of a test: point a client at it and use it as Tencent.
func ExampleStart() {
	srv, err := timtest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	ctx := context.Background()
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	if _, err := c.Login(ctx); err != nil {
		panic(err)
	}
	if _, err := c.Account.ImportMany(ctx, []string{"doctor", "patient"}); err != nil {
		panic(err)
	}
	req := map[string]any{
		"From_Account": "doctor", "To_Account": "patient", "MsgRandom": 1234,
		"MsgBody": []any{map[string]any{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": "How are you feeling?"}}},
	}
	if err := c.Do(ctx, tim.Endpoint{Path: "openim/sendmsg"}, req, nil); err != nil {
		panic(err)
	}
	for _, m := range srv.MessagesTo("patient") {
		fmt.Printf("%s -> %s: %s\n", m.From, m.To, m.Text())
	}
	fmt.Println(srv.Conversations("patient")[0].Peer)
	// Output:
	// doctor -> patient: How are you feeling?
	// doctor
}

// A lost answer: the send was committed, the client saw an error. Resending
// the same MsgRandom (and body) inside Tencent's 120 s window is absorbed by
// the dedup and answers the original MsgKey.
func ExampleServer_DropNext() {
	srv, _ := timtest.Start()
	defer srv.Close()
	ctx := context.Background()
	c, _ := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	_ = srv.ImportAccounts("a", "b")

	srv.DropNext("openim/sendmsg", 1)
	req := map[string]any{"From_Account": "a", "To_Account": "b", "MsgSeq": 1, "MsgRandom": 99,
		"MsgBody": []any{map[string]any{"MsgType": "TIMTextElem", "MsgContent": map[string]any{"Text": "once"}}}}
	err := c.Do(ctx, tim.Endpoint{Path: "openim/sendmsg"}, req, nil)
	fmt.Println("first attempt failed:", err != nil)

	var resp struct {
		MsgKey string `json:"MsgKey"`
	}
	_ = c.Do(ctx, tim.Endpoint{Path: "openim/sendmsg"}, req, &resp)
	fmt.Println("stored:", len(srv.Messages("a", "b")), "key matches:", resp.MsgKey == srv.Messages("a", "b")[0].MsgKey)
	// Output:
	// first attempt failed: true
	// stored: 1 key matches: true
}

// Callbacks go to your webhook, signed with the token; a test can make a
// user log in on a device.
func ExampleServer_SimulateLogin() {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			Info struct {
				Action    string `json:"Action"`
				ToAccount string `json:"To_Account"`
			} `json:"Info"`
		}
		_ = json.Unmarshal(body, &ev)
		fmt.Println(r.URL.Query().Get("CallbackCommand"), ev.Info.ToAccount, ev.Info.Action, r.URL.Query().Get("OptPlatform"))
		_, _ = io.WriteString(w, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`)
	}))
	defer hook.Close()

	srv, _ := timtest.Start(timtest.WithCallback(hook.URL, "my-token"))
	defer srv.Close()
	_ = srv.ImportAccounts("patient")
	_ = srv.SimulateLogin("patient", timtest.PlatformIOS)
	_ = srv.SimulateLogout("patient", timtest.PlatformIOS)
	_ = srv.WaitCallbacks(context.Background())
	// Output:
	// State.StateChange patient Login IOS
	// State.StateChange patient Logout IOS
}

package event_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
)

// Receive Tencent's callbacks and react under the front end's event names.
func Example() {
	d, err := event.NewDispatcher()
	if err != nil {
		log.Fatal(err)
	}

	// MESSAGE_RECEIVED: C2C and group messages alike.
	event.On(d, func(_ context.Context, m *event.ReceivedMessage) {
		fmt.Printf("%s %s → %s: %q\n", m.ConversationType, m.From, m.GroupID, m.Body.Text())
	})
	// The typed callback is there too, with every field Tencent sent.
	event.On(d, func(_ context.Context, c *event.GroupAfterSendMsg) {
		fmt.Println("seq", c.MsgSeq, "sent by", c.OperatorAccount)
	})

	h, err := event.NewHandler(d, 1400000000, event.WithToken("my-callback-token"))
	if err != nil {
		log.Fatal(err) // e.g. WithToken("") from an unset environment variable
	}
	// http.Handle("/tim/callback", h) in a real server; here, one request:
	rt := fmt.Sprint(time.Now().Unix())
	q := url.Values{"SdkAppid": {"1400000000"}, "CallbackCommand": {"Group.CallbackAfterSendMsg"},
		"RequestTime": {rt}, "Sign": {event.Sign("my-callback-token", rt)}}
	body := `{"CallbackCommand":"Group.CallbackAfterSendMsg","GroupId":"@TGS#2J4SZEAEL","Type":"Private",
		"From_Account":"patient_1001","Operator_Account":"administrator","Random":7,"MsgSeq":123,"MsgTime":1490686222,
		"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hello doctor"}}],"EventTime":"1670574414123"}`
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/tim/callback?"+q.Encode(), strings.NewReader(body)))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// seq 123 sent by administrator
	// GROUP patient_1001 → @TGS#2J4SZEAEL: "hello doctor"
	// 200 {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}
}

// A decider answers "before" callbacks: allow, replace the body, reject or
// drop, within the handler's budget.
func ExampleDecide() {
	d, err := event.NewDispatcher()
	if err != nil {
		log.Fatal(err)
	}
	event.Decide(d, func(_ context.Context, m *event.C2CBeforeSendMsg) event.Decision {
		text := m.MsgBody.Text()
		switch {
		case strings.Contains(text, "spam"):
			return event.Drop()
		case strings.Contains(text, "phone number"):
			return event.AllowModified(message.Body{&message.Text{Text: "[contact details removed]"}})
		case m.ToAccount == "doctor_on_leave":
			dec, _ := event.RejectWithCode(120001, "the doctor is on leave")
			return dec
		}
		return event.Allow()
	})
	// WithoutSignature keeps the example short; behind a real URL turn
	// callback authentication on and pass WithToken.
	h, err := event.NewHandler(d, 1400000000, event.WithoutSignature(), event.WithBeforeBudget(1500*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}

	for _, text := range []string{"hi", "my phone number is…", "buy spam"} {
		body := `{"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"p","To_Account":"d",
			"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"` + text + `"}}]}`
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost,
			"/?SdkAppid=1400000000&CallbackCommand=C2C.CallbackBeforeSendMsg", strings.NewReader(body)))
		fmt.Println(rec.Body.String())
	}
	// Output:
	// {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}
	// {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"[contact details removed]"}}]}
	// {"ActionStatus":"OK","ErrorInfo":"","ErrorCode":2}
}

// Verify is usable on its own, e.g. behind another router.
func ExampleVerify() {
	q := url.Values{"RequestTime": {"1669872112"},
		"Sign": {"17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"}}
	fmt.Println(event.Verify("xxxxyyyy", q, time.Unix(1669872112, 0), 0))
	fmt.Println(event.Verify("xxxxyyyy", q, time.Unix(1669872112, 0).Add(5*time.Minute), 0))
	// Output:
	// <nil>
	// event: callback request time outside tolerance
}

// Parse is usable on its own: EventTime decodes from a string or a number.
func ExampleParse() {
	cb, err := event.Parse("Group.CallbackAfterMemberExit", []byte(`{"CallbackCommand":"Group.CallbackAfterMemberExit",
		"GroupId":"@TGS#2J4SZEAEL","ExitType":"Quit","ExitMemberList":[{"Member_Account":"nurse_9"}],"EventTime":"1670574414123"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	exit := cb.(*event.GroupAfterMemberExit)
	fmt.Println(exit.GroupID, exit.ExitType, exit.ExitMemberList[0].MemberAccount, exit.EventTime.UTC().Format(time.RFC3339))
	// Output: @TGS#2J4SZEAEL Quit nurse_9 2022-12-09T08:26:54Z
}

// Handlers can also follow the front end's string-keyed style.
func ExampleDispatcher_OnName() {
	d, err := event.NewDispatcher()
	if err != nil {
		log.Fatal(err)
	}
	d.OnName(event.MessageRevoked, func(_ context.Context, e event.Event) {
		r := e.(*event.RevokedMessage)
		fmt.Println("revoked", r.MsgKey)
	})
	h, err := event.NewHandler(d, 1400000000, event.WithoutSignature())
	if err != nil {
		log.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/?SdkAppid=1400000000&CallbackCommand=C2C.CallbackAfterMsgWithDraw",
		strings.NewReader(`{"From_Account":"p","To_Account":"d","MsgKey":"48374_2837546_1557481126"}`)))
	// Output: revoked 48374_2837546_1557481126
}

package message_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/timkit/tim"
	"github.com/timkit/tim/message"
)

// fakeTencent answers like Tencent for the few calls the examples make. In
// your own tests, use the timtest package instead.
func fakeTencent() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/v4/") {
		case "openim/sendmsg":
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"MsgTime":1700000000,"MsgKey":"1_2_1700000000","MsgId":"144115_1_2"}`)
		case "group_open_http_svc/send_group_msg":
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"MsgTime":1700000000,"MsgSeq":42}`)
		case "openim/batchsendmsg":
			var req struct {
				To []string `json:"To_Account"`
			}
			_ = json.Unmarshal(body, &req)
			errs := "[]"
			for _, to := range req.To {
				if to == "patient-not-imported" {
					errs = `[{"To_Account":"patient-not-imported","ErrorCode":70107}]`
				}
			}
			fmt.Fprintf(w, `{"ActionStatus":"OK","ErrorCode":0,"MsgKey":"k","ErrorList":%s}`, errs)
		case "group_open_http_svc/group_msg_get_simple":
			var req struct{ ReqMsgSeq int }
			_ = json.Unmarshal(body, &req)
			if req.ReqMsgSeq == 0 {
				fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"IsFinished":1,"RspMsgList":[
					{"From_Account":"doctor","MsgSeq":2,"MsgTimeStamp":1700000060,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Take it twice a day."}}]},
					{"From_Account":"patient","MsgSeq":1,"MsgTimeStamp":1700000000,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"How often?"}}]}]}`)
				return
			}
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0,"IsFinished":1,"RspMsgList":[]}`)
		default:
			fmt.Fprint(w, `{"ActionStatus":"OK","ErrorCode":0}`)
		}
	}))
}

func exampleService(url string) *message.Service {
	c, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(url))
	if err != nil {
		panic(err)
	}
	svc, err := message.NewService(c)
	if err != nil {
		panic(err)
	}
	return svc
}

// NewText mirrors the front end's createTextMessage({to, conversationType,
// payload, needReadReceipt, cloudCustomData}).
func ExampleNewText() {
	srv := fakeTencent()
	defer srv.Close()
	svc := exampleService(srv.URL)

	msg := message.NewText(message.ConvC2C, "patient42", "Your prescription is ready.",
		message.WithSender("doctor7"),
		message.WithReadReceipt(),
		message.WithCloudCustomData(`{"consultation":1234}`),
		message.WithOfflinePush(message.OfflinePushInfo{Title: "Dr. Li", Desc: "New message"}),
	)
	res, err := svc.Send(context.Background(), msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Keep MsgKey to recall or modify the message later.
	fmt.Println(res.MsgKey, res.MsgTime.UTC().Format(time.DateTime))
	// Output: 1_2_1700000000 2023-11-14 22:13:20
}

// A group message with a priority and @-mentions; its MsgSeq is the handle
// for recall and modify.
func ExampleService_Send_group() {
	srv := fakeTencent()
	defer srv.Close()
	svc := exampleService(srv.URL)

	msg := message.NewText(message.ConvGroup, "@TGS#consult-1234", "Please review the X-ray.",
		message.WithSender("doctor7"),
		message.WithPriority(message.PriorityHigh),
		message.WithMentions("radiologist3"),
	)
	res, err := svc.Send(context.Background(), msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("group MsgSeq:", res.MsgSeq)
	// Output: group MsgSeq: 42
}

// Invalid input is rejected before any network call, naming the field.
func ExampleMessage_Validate() {
	msg := message.NewText(message.ConvC2C, "patient42", "hello", message.WithLifetime(8*24*time.Hour))
	err := msg.Validate()
	fmt.Println(errors.Is(err, tim.ErrInvalidParameter))
	fmt.Println(err)
	// Output:
	// true
	// tim: invalid MsgLifeTime: 192h0m0s out of range 0..168h0m0s
}

// Resending the same *Message after an unclear failure cannot duplicate it:
// it carries the same MsgRandom/MsgSeq, which Tencent deduplicates.
func ExampleMessage_FixKeys() {
	msg := &message.Message{Conversation: message.ConvC2C, To: "patient42",
		Body: message.Body{&message.Text{Text: "Appointment confirmed."}}}
	msg.FixKeys() // now persist msg.Random and msg.Seq with your outbox row
	random, seq := msg.Random, msg.Seq

	// After a crash, rebuild the message with the persisted keys.
	again := message.NewText(message.ConvC2C, "patient42", "Appointment confirmed.", message.WithKeys(random, seq))
	fmt.Println(again.Random == random, again.Seq == seq)
	// Output: true true
}

// SendBatch reaches any number of users; per-recipient failures come back
// as a list.
func ExampleService_SendBatch() {
	srv := fakeTencent()
	defer srv.Close()
	svc := exampleService(srv.URL)

	msg := &message.Message{Body: message.Body{&message.Text{Text: "The clinic is closed tomorrow."}}}
	res, err := svc.SendBatch(context.Background(), msg, []string{"patient1", "patient2", "patient-not-imported"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sent:", res.Sent)
	for _, f := range res.Failed {
		fmt.Println("failed:", f.Account, errors.Is(f, tim.ErrAccountNotFound))
	}
	// Output:
	// sent: 2
	// failed: patient-not-imported true
}

// GroupHistory walks a group's messages from the latest down.
func ExampleService_GroupHistory() {
	srv := fakeTencent()
	defer srv.Close()
	svc := exampleService(srv.URL)

	for m, err := range svc.GroupHistory(context.Background(), message.GroupHistoryRequest{GroupID: "@TGS#consult-1234"}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d %s: %s\n", m.MsgSeq, m.From, m.Body.Text())
	}
	// Output:
	// 2 doctor: Take it twice a day.
	// 1 patient: How often?
}

// Body decodes MsgBody from callbacks and history tolerantly: unknown
// element types are kept as *Unknown and re-encoded as they came.
func ExampleBody_UnmarshalJSON() {
	raw := `[{"MsgType":"TIMTextElem","MsgContent":{"Text":"see attachment"}},
	         {"MsgType":"TIMFaceElem","MsgContent":{"Index":"6","Data":"smile"}},
	         {"MsgType":"TIMBrandNewElem","MsgContent":{"Anything":true}}]`
	var body message.Body
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range body {
		switch v := e.(type) {
		case *message.Text:
			fmt.Println("text:", v.Text)
		case *message.Face:
			fmt.Println("face:", v.Index)
		case *message.Unknown:
			fmt.Println("kept:", v.Type, string(v.Content))
		}
	}
	// Output:
	// text: see attachment
	// face: 6
	// kept: TIMBrandNewElem {"Anything":true}
}

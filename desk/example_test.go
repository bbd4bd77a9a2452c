package desk_test

import (
	"context"
	"fmt"
	"log"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/timtest"
)

// A patient asks the desk's chatbot for a doctor: the backend reads where
// the session stands, hands it to a named doctor, and reads it again.
func ExampleService_TransferToHuman() {
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

	st, err := client.Desk.SessionState(ctx, "consult-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("before:", st.State)

	got, err := client.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "consult-42", AgentIDs: []string{"dr.li@clinic"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("assigned:", got.AgentID, "queued:", got.Queued)

	st, err = client.Desk.SessionState(ctx, "consult-42")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after:", st.State, st.AgentID)
	// Output:
	// before: Chatbot
	// assigned: dr.li@clinic queued: false
	// after: WaitingForAgentAnswering dr.li@clinic
}

// Command benchserver answers REST calls with canned bodies, for the
// benchmarks that compare the SDK with a bare net/http client: run in a
// process of its own, its work is not counted against either client.
// It prints its base URL on one line and serves until stdin closes.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
)

// Answers by command path; anything else gets the bare success envelope.
var answers = map[string]string{
	"openim/sendmsg":                  `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgTime":1700000000,"MsgKey":"827092_1287657_1700000000","MsgId":"144115212910394598-1700000000-1287657"}`,
	"im_open_login_svc/account_check": `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"UserID":"user_10086","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"}]}`,
}

const okAnswer = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchserver:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, ok := answers[strings.TrimPrefix(r.URL.Path, "/v4/")]
		if !ok {
			body = okAnswer
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin)) // until the parent closes stdin
	_ = srv.Close()
}

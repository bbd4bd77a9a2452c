// Command consult is a small backend for a doctor–patient consultation
// app built on Tencent Cloud IM. It starts consultations (imports the
// doctor and the patient, creates a Work group named "Doctor(Patient)",
// issues the user sigs both front ends log in with), receives Tencent's
// callbacks on a webhook and logs them under the front end's event names
// (MESSAGE_RECEIVED, …), and renames every consultation group of a user
// whose display name changes.
//
//	go run ./examples/consult -demo            # drive its own endpoints, print, exit
//	go run ./examples/consult -addr :8080      # serve
//
// By default it runs against the built-in fake (timtest) in this process,
// which POSTs signed callbacks to the backend's own /tim/callback. With
// TIM_SDKAPPID and TIM_SECRET_KEY set (and optionally TIM_REGION,
// TIM_ADMIN, TIM_CALLBACK_TOKEN) it talks to Tencent instead, and the IM
// console's callback URL should point at http(s)://<this host>/tim/callback;
// see examples/internal/setup.
//
// Endpoints (JSON):
//
//	POST /consultations                     {"doctor":{"id","name"},"patient":{"id","name"}}
//	                                        → {"groupId","groupName","doctor":{"userSig",…},"patient":{…}}
//	POST /consultations/{groupID}/messages  {"from","text"} → {"msgSeq","msgTime"}
//	POST /consultations/{groupID}/triage    {"patient","symptoms"} → {"msgKeys","calls","bytes"}
//	                                        (the triage assistant, a robot, streams its answer to the patient)
//	GET  /users/{userID}/consultations      → [{"groupId","name"}]
//	PUT  /users/{userID}/profile            {"name"} or {"avatar"} → {"groups":[{"groupId","status","oldName","newName"}]}
//	POST /tim/callback                      Tencent's callbacks
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/timkit/tim/examples/consult/consultapp"
)

func main() {
	demo := flag.Bool("demo", false, "start the backend, drive its endpoints with an HTTP client, print what happens and exit")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address when serving")
	sigTTL := flag.Duration("sig-ttl", 24*time.Hour, "validity of the user sigs issued to front ends")
	flag.Parse()

	cfg, err := consultapp.ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *demo {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		err = consultapp.RunDemo(ctx, os.Stdout, cfg, consultapp.Options{})
	} else {
		var ln net.Listener
		if ln, err = net.Listen("tcp", *addr); err == nil {
			err = consultapp.Serve(ctx, ln, cfg, consultapp.Options{SigTTL: *sigTTL}, os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "consult: FAILED:", err)
		os.Exit(1)
	}
}

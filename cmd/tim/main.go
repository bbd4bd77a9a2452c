// Command tim is the command line for people who integrate Tencent Cloud
// IM: it makes and diagnoses UserSigs, calls any REST command with the
// admin sig filled in, sends a text, serves the fake (timtest) and fires
// signed test callbacks at a local webhook.
//
//	tim sig gen alice --ttl 24h
//	tim sig decode "$SIG"
//	tim sig verify "$SIG" --user alice
//	tim call im_open_login_svc/account_check '{"CheckItem":[{"UserID":"alice"}]}'
//	tim send --from alice --to bob "hello"
//	tim fake --callback http://127.0.0.1:8080/im/callback
//	tim callback send C2C.CallbackAfterSendMsg --to http://127.0.0.1:8080/im/callback --token T
//
// Credentials come from flags or the environment variables the examples
// use: TIM_SDKAPPID, TIM_SECRET_KEY (never printed), TIM_REGION,
// TIM_ADMIN, TIM_BASE_URL, TIM_CALLBACK_TOKEN. Exit codes: 0 success,
// 1 Tencent answered with an error, 2 bad usage or input, 3 network or
// other failure, 4 a check failed (a sig that does not verify, a callback
// reply of the wrong shape).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], newStdEnv())
	stop()
	os.Exit(code)
}

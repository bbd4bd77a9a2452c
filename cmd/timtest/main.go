// Command timtest serves an in-memory fake of the Tencent Cloud IM REST API
// (package timtest) on a local port, for trying the SDK, the examples or
// another client without Tencent's servers:
//
//	go run ./cmd/timtest -addr 127.0.0.1:8089 -callback-url http://127.0.0.1:8080/im/callback -callback-token secret
//
// It prints the base URL and the credentials to use, then serves until
// interrupted; -list prints the REST commands it answers (every command the
// SDK declares) and exits. Point a client at it with tim.WithBaseURL(url) (or
// TIM_BASE_URL in the examples).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/timkit/tim/timtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "timtest:", err)
		os.Exit(1)
	}
}

// run parses args, starts the server, prints where it listens and serves
// until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("timtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8089", "listen address (port 0 picks a free one)")
	appID := fs.Uint64("appid", timtest.DefaultSDKAppID, "SDKAppID the fake answers for")
	key := fs.String("key", timtest.DefaultSecretKey, "secret key admin usersigs are verified with")
	admins := fs.String("admin", timtest.DefaultAdmin, "comma-separated app administrators")
	cbURL := fs.String("callback-url", "", "URL to POST Tencent callbacks to (none when empty)")
	cbToken := fs.String("callback-token", "", "callback token: callbacks carry Sign and RequestTime")
	cbTimeout := fs.Duration("callback-timeout", timtest.DefaultCallbackTimeout, "callback budget")
	rate := fs.Int("rate", timtest.DefaultRate().N, "calls per second per API before 60007/10006/10023 (0 = unlimited)")
	pageSize := fs.Int("page-size", timtest.DefaultContactPageSize, "conversations per recentcontact/get_list page")
	verbose := fs.Bool("v", false, "log every request and callback to stderr (never the usersig or the token)")
	list := fs.Bool("list", false, "print the REST commands the fake answers, one per line, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	if *list {
		srv, err := timtest.Start(timtest.WithAddr("127.0.0.1:0"))
		if err != nil {
			return err
		}
		defer srv.Close()
		for _, p := range srv.APIs() {
			fmt.Fprintf(stdout, "v4/%s\n", p)
		}
		return nil
	}

	opts := []timtest.Option{
		timtest.WithAddr(*addr),
		timtest.WithSDKAppID(*appID),
		timtest.WithSecretKey(*key),
		timtest.WithAdmins(strings.Split(*admins, ",")...),
		timtest.WithCallbackTimeout(*cbTimeout),
		timtest.WithRateLimit(timtest.Rate{N: *rate, Per: time.Second}),
		timtest.WithContactPageSize(*pageSize),
	}
	if *cbURL != "" {
		opts = append(opts, timtest.WithCallback(*cbURL, *cbToken))
	}
	if *verbose {
		opts = append(opts, timtest.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	srv, err := timtest.Start(opts...)
	if err != nil {
		return err
	}
	defer srv.Close()

	fmt.Fprintf(stdout, "timtest: fake Tencent IM REST API at %s\n", srv.URL)
	fmt.Fprintf(stdout, "  TIM_BASE_URL=%s\n  TIM_SDKAPPID=%d\n", srv.URL, srv.SDKAppID)
	if *key == timtest.DefaultSecretKey {
		fmt.Fprintf(stdout, "  TIM_SECRET_KEY=%s (the fixed test key)\n", srv.SecretKey)
	} else {
		fmt.Fprintln(stdout, "  TIM_SECRET_KEY=<the -key you gave>")
	}
	fmt.Fprintf(stdout, "  admins: %s\n", *admins)
	fmt.Fprintf(stdout, "  answers %d REST commands (timtest -list)\n", len(srv.APIs()))
	if *cbURL != "" {
		fmt.Fprintf(stdout, "  callbacks to %s (signed: %t)\n", *cbURL, *cbToken != "")
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "timtest: stopped")
	return nil
}

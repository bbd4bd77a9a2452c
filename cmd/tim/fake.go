package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timkit/tim/timtest"
	"github.com/timkit/tim/usersig"
)

func newFakeCmd(e *env, c *creds) *cobra.Command {
	var addr, callbackURL, token string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve the in-memory fake of the REST API (timtest) and print how to call it",
		Long: `Serve timtest, the SDK's in-memory fake of Tencent Cloud IM's REST API, on a local port.
It prints its app id, its (fixed, test-only) secret key, an admin UserSig and a ready curl
line, then serves until interrupted. The app id and key come from --sdkappid and --key only,
never from TIM_SDKAPPID/TIM_SECRET_KEY (they may be a real app's); with your own --key the
admin sig is not printed. With --callback it POSTs Tencent's callbacks (signed
with --token, $TIM_CALLBACK_TOKEN, or a fresh random token it prints) to your webhook and
prints a line per delivery.

Point other commands at it with --base-url (or TIM_BASE_URL): they then use its credentials.`,
		Example: `  tim fake
  tim fake --addr 127.0.0.1:8089 --callback http://127.0.0.1:8080/im/callback
  TIM_BASE_URL=http://127.0.0.1:8089 tim send --to bob "hi"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// The fake takes its app id and key from the flags only: the
			// environment may hold a real app's key, and the admin sig
			// printed below must never be a real credential.
			flagsOnly := *c
			flagsOnly.appID, flagsOnly.key = "", ""
			r, err := flagsOnly.resolve(e, false)
			if err != nil {
				return err
			}
			appID, key := timtest.DefaultSDKAppID, timtest.DefaultSecretKey
			if c.appID != "" {
				id, err := strconv.ParseUint(strings.TrimSpace(c.appID), 10, 64)
				if err != nil || id == 0 || id > 1<<32-1 {
					return usageErr("--sdkappid must be a number in 1..4294967295, got %q", c.appID)
				}
				appID = id
			}
			ownKey := c.key != ""
			if ownKey {
				key = c.key
			}
			opts := []timtest.Option{timtest.WithAddr(addr), timtest.WithSDKAppID(appID), timtest.WithSecretKey(key),
				timtest.WithAdmins(r.admin)}
			tokenShown := ""
			if callbackURL != "" {
				if token == "" {
					token = strings.TrimSpace(e.getenv(envCallbackToken))
					tokenShown = "$" + envCallbackToken
				}
				if token == "" {
					var raw [16]byte
					_, _ = rand.Read(raw[:])
					token = hex.EncodeToString(raw[:])
					tokenShown = token + " (fresh; give it to your handler)"
				} else if tokenShown == "" {
					tokenShown = "the --token you gave"
				}
				opts = append(opts, timtest.WithCallback(callbackURL, token))
			}
			srv, err := timtest.Start(opts...)
			if err != nil {
				return usageErr("%v", err)
			}
			defer srv.Close()
			g, err := usersig.New(appID, key, usersig.WithClock(e.now))
			if err != nil {
				return usageErr("%v", err)
			}
			sig, err := g.Gen(r.admin, 180*24*time.Hour)
			if err != nil {
				return usageErr("%v", err)
			}
			w := e.stdout
			fmt.Fprintf(w, "tim fake: Tencent IM REST API fake at %s\n", srv.URL)
			fmt.Fprintf(w, "  TIM_BASE_URL=%s\n  TIM_SDKAPPID=%d\n", srv.URL, appID)
			if !ownKey {
				fmt.Fprintf(w, "  TIM_SECRET_KEY=%s (the fixed test key)\n", key)
			} else {
				fmt.Fprintln(w, "  TIM_SECRET_KEY=<the --key you gave>")
			}
			fmt.Fprintf(w, "  admin: %s\n", r.admin)
			if !ownKey {
				fmt.Fprintf(w, "  admin usersig (180d): %s\n", sig)
			}
			if callbackURL != "" {
				fmt.Fprintf(w, "  callbacks: %s, token %s\n", callbackURL, tokenShown)
			}
			q := url.Values{}
			q.Set("sdkappid", strconv.FormatUint(appID, 10))
			q.Set("identifier", r.admin)
			q.Set("random", "1")
			q.Set("contenttype", "json")
			if ownKey {
				// A sig made with a key the user chose may be a real
				// credential: show how to make it instead.
				fmt.Fprintf(w, "Try:\n  SIG=$(tim sig gen %s --sdkappid %d --key <your key>)\n", r.admin, appID)
				fmt.Fprintf(w, "  curl -s -X POST \"%s/v4/im_open_login_svc/account_import?%s&usersig=$SIG\" -d '{\"UserID\":\"alice\"}'\n",
					srv.URL, q.Encode())
			} else {
				q.Set("usersig", sig)
				fmt.Fprintf(w, "Try:\n  curl -s -X POST '%s/v4/im_open_login_svc/account_import?%s' -d '{\"UserID\":\"alice\"}'\n",
					srv.URL, q.Encode())
			}
			fmt.Fprintln(w, "Serving until interrupted (Ctrl-C).")

			ctx := cmd.Context()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			seen := 0
			for {
				select {
				case <-ctx.Done():
					fmt.Fprintln(w, "tim fake: stopped")
					return nil
				case <-tick.C:
				}
				if callbackURL == "" || quiet {
					continue
				}
				list := srv.Callbacks()
				if len(list) < seen { // the oldest records were dropped
					seen = len(list) - 1
				}
				for _, cb := range list[seen:] {
					status := strconv.Itoa(cb.StatusCode)
					if cb.Err != "" {
						status = "failed: " + cb.Err
					}
					fmt.Fprintf(w, "callback %s -> %s\n", cb.Command, status)
				}
				seen = len(list)
			}
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8089", "listen address (port 0 picks a free one)")
	cmd.Flags().StringVar(&callbackURL, "callback", "", "POST Tencent's callbacks to this webhook URL")
	cmd.Flags().StringVar(&token, "token", "", "callback token to sign with (default $"+envCallbackToken+", else a fresh one)")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "do not print a line per callback")
	return cmd
}

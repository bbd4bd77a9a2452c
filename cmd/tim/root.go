package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

// Exit codes.
const (
	exitOK       = 0
	exitAPI      = 1 // Tencent (or the fake) answered with an error
	exitUsage    = 2 // bad flags, arguments or input
	exitFailure  = 3 // network, file or other failure
	exitMismatch = 4 // a check failed: sig verify, callback reply shape
)

// Environment variables, the same as the examples'.
const (
	envSDKAppID      = "TIM_SDKAPPID"
	envSecretKey     = "TIM_SECRET_KEY"
	envRegion        = "TIM_REGION"
	envAdmin         = "TIM_ADMIN"
	envBaseURL       = "TIM_BASE_URL"
	envCallbackToken = "TIM_CALLBACK_TOKEN"
)

// env is what a run of the command sees of the world; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// terminal reports whether w is a terminal (progress bars, colours).
	terminal func(w io.Writer) bool
	now      func() time.Time
}

func newStdEnv() *env {
	return &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now,
		terminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		}}
}

// exitError carries an exit code and a message for stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, a...)}
}

func mismatch(format string, a ...any) error {
	return &exitError{exitMismatch, fmt.Errorf(format, a...)}
}

// exitCode maps an error to the command's exit code.
func exitCode(err error) int {
	var ee *exitError
	var ae *tim.APIError
	var ie *tim.InvalidInputError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ie):
		return exitUsage
	case errors.As(err, &ae):
		return exitAPI
	}
	return exitFailure
}

// creds are the connection settings shared by the commands that talk to
// a server.
type creds struct {
	verbose bool
	appID   string
	key     string
	region  string
	admin   string
	baseURL string
	timeout time.Duration
}

func (c *creds) flags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&c.appID, "sdkappid", "", "the app's SDKAppID (default $"+envSDKAppID+")")
	f.StringVar(&c.key, "key", "", "the app's secret key (default $"+envSecretKey+"; prefer the variable: flags show in ps)")
	f.StringVar(&c.region, "region", "", "data centre: "+regionNames()+" (default $"+envRegion+", else china)")
	f.StringVar(&c.admin, "admin", "", "app administrator (default $"+envAdmin+", else administrator)")
	f.StringVar(&c.baseURL, "base-url", "", "send REST calls here instead, e.g. a running 'tim fake' (default $"+envBaseURL+")")
	f.DurationVar(&c.timeout, "timeout", 30*time.Second, "give up after this long")
	f.BoolVarP(&c.verbose, "verbose", "v", false, "say on stderr which server and app a command talks to (never a secret)")
}

func regionNames() string {
	var names []string
	for _, r := range tim.Regions() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// resolved is creds with the environment applied.
type resolved struct {
	appID   uint64
	key     string
	region  tim.Region
	admin   string
	baseURL string
}

func pick(flag string, e *env, name string) string {
	if flag != "" {
		return strings.TrimSpace(flag)
	}
	return strings.TrimSpace(e.getenv(name))
}

// resolve applies the environment. needKey: the command signs (a sig, a
// REST call). With only a base URL (a timtest), the fake's default
// credentials are used, as the examples do.
func (c *creds) resolve(e *env, needKey bool) (*resolved, error) {
	r := &resolved{key: pick(c.key, e, envSecretKey), admin: pick(c.admin, e, envAdmin), baseURL: pick(c.baseURL, e, envBaseURL)}
	if s := pick(c.appID, e, envSDKAppID); s != "" {
		id, err := strconv.ParseUint(s, 10, 64)
		if err != nil || id == 0 || id > 1<<32-1 {
			return nil, usageErr("SDKAppID must be a number in 1..4294967295, got %q", s)
		}
		r.appID = id
	}
	if s := pick(c.region, e, envRegion); s != "" {
		reg, err := tim.ParseRegion(s)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		r.region = reg
	}
	if r.admin == "" {
		r.admin = tim.DefaultAdmin
	}
	if r.appID == 0 && r.key == "" && r.baseURL != "" {
		r.appID, r.key = timtest.DefaultSDKAppID, timtest.DefaultSecretKey
	}
	if needKey {
		switch {
		case r.appID == 0 && r.key == "":
			return nil, usageErr("no credentials: set %s and %s (or --sdkappid and --key), or point --base-url at a `tim fake`", envSDKAppID, envSecretKey)
		case r.appID == 0:
			return nil, usageErr("no SDKAppID: set %s or --sdkappid", envSDKAppID)
		case r.key == "":
			return nil, usageErr("no secret key: set %s or --key", envSecretKey)
		}
	}
	return r, nil
}

// client builds a tim.Client for a command; with --verbose it says on
// stderr where the command goes.
func (c *creds) client(e *env, r *resolved, what string) (*tim.Client, error) {
	if c.verbose {
		fmt.Fprintf(e.stderr, "tim: %s on %s as %s\n", what, r.describe(), r.admin)
	}
	cl, err := r.client()
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return cl, nil
}

// client builds a tim.Client from the settings.
func (r *resolved) client(extra ...tim.Option) (*tim.Client, error) {
	opts := []tim.Option{tim.WithAdmin(r.admin)}
	if r.region != "" {
		opts = append(opts, tim.WithRegion(r.region))
	}
	if r.baseURL != "" {
		opts = append(opts, tim.WithBaseURL(r.baseURL))
	}
	return tim.New(r.appID, r.key, append(opts, extra...)...)
}

// describe names the server without any secret.
func (r *resolved) describe() string {
	if r.baseURL != "" {
		return fmt.Sprintf("%s, app %d", r.baseURL, r.appID)
	}
	region := r.region
	if region == "" {
		region = tim.RegionChina
	}
	return fmt.Sprintf("Tencent Cloud IM %s (%s), app %d", region, region.Host(), r.appID)
}

// withTimeout bounds ctx by the --timeout flag.
func (c *creds) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, c.timeout)
}

func newRoot(e *env) *cobra.Command {
	c := &creds{}
	root := &cobra.Command{
		Use:   "tim",
		Short: "Tencent Cloud IM from the command line: UserSigs, REST calls, the fake, test callbacks",
		Long: `tim is the command line for people who integrate Tencent Cloud IM (Chat) on a server.

It makes and diagnoses UserSigs, calls any REST command with the admin UserSig filled in,
sends a text message, serves an in-memory fake of the REST API, and fires signed test
callbacks at your webhook.

Credentials come from flags or the environment, as in the SDK's examples:
  TIM_SDKAPPID, TIM_SECRET_KEY (never printed), TIM_REGION, TIM_ADMIN, TIM_BASE_URL,
  TIM_CALLBACK_TOKEN.

Exit codes: 0 success, 1 Tencent answered with an error, 2 bad usage or input,
3 network or other failure, 4 a check failed (a sig that does not verify, a callback
reply of the wrong shape).`,
		Example: `  export TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=...
  tim sig gen alice --ttl 24h
  tim call im_open_login_svc/account_check '{"CheckItem":[{"UserID":"alice"}]}'
  tim fake`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	c.flags(root)
	root.AddCommand(parent(newSigCmd(e, c)), newCallCmd(e, c), newSendCmd(e, c), newFakeCmd(e, c),
		parent(newCallbackCmd(e, c)), parent(newAccountCmd(e, c)), parent(newHistoryCmd(e, c)))
	return root
}

// parent makes a command that only groups subcommands refuse an unknown
// subcommand (cobra shows the help and succeeds otherwise) and show its
// help when called alone.
func parent(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErr("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return cmd.Help()
	}
	return cmd
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	root := newRoot(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if code == exitFailure && isUsage(err) {
		code = exitUsage
	}
	fmt.Fprintln(e.stderr, "tim:", err)
	if code == exitUsage && isUsage(err) {
		fmt.Fprintln(e.stderr, "Run 'tim --help' (or '<command> --help') for usage.")
	}
	return code
}

// isUsage recognises cobra's own errors about flags and arguments.
func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

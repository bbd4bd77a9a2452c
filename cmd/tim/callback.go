package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timkit/tim/cmd/tim/corpus"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/timtest"
)

// maxReply caps the webhook's answer read.
const maxReply = 1 << 20

func newCallbackCmd(e *env, c *creds) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "callback",
		Short: "Send Tencent's documented callbacks, signed, to your webhook",
		Long: `Fire a test callback at your webhook: a body from Tencent's documentation (the SDK's
conformance corpus, built into tim) or your own, signed the way Tencent signs callbacks, and
check the reply against the documented reply shape.`,
		Example: `  tim callback list
  tim callback send C2C.CallbackAfterSendMsg --to http://127.0.0.1:8080/im/callback --token "$TOKEN"`,
	}
	cmd.PersistentFlags().StringVar(&dir, "corpus", "", "read examples from this corpus folder (<Command>/<example>.json) instead of the built-in copy")
	load := func() ([]corpus.Example, error) {
		if dir == "" {
			return corpus.Embedded()
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, usageErr("--corpus: %v", err)
		}
		return corpus.Load(os.DirFS(dir), ".")
	}
	cmd.AddCommand(newCallbackListCmd(e, load), newCallbackSendCmd(e, c, load))
	return cmd
}

func newCallbackListCmd(e *env, load func() ([]corpus.Example, error)) *cobra.Command {
	return &cobra.Command{
		Use:     "list [CallbackCommand]",
		Short:   "List the documented callback examples tim can send",
		Example: "  tim callback list\n  tim callback list Group.CallbackAfterSendMsg",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			exs, err := load()
			if err != nil {
				return err
			}
			n := 0
			for _, ex := range exs {
				if len(args) == 1 && !strings.EqualFold(ex.Command, args[0]) {
					continue
				}
				n++
				kind := "body"
				if !ex.HasBody() {
					kind = "reply"
				}
				fmt.Fprintf(e.stdout, "%-40s %-28s %-5s %s\n", ex.Command, ex.Name, kind, ex.Title)
			}
			if n == 0 {
				return usageErr("no examples%s in the corpus", forCommand(args))
			}
			return nil
		},
		ValidArgsFunction: commandCompletion(load),
	}
}

func forCommand(args []string) string {
	if len(args) == 1 {
		return " for " + args[0]
	}
	return ""
}

// commandCompletion completes callback command names from the corpus.
func commandCompletion(load func() ([]corpus.Example, error)) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		exs, _ := load()
		var out []string
		for _, ex := range exs {
			if len(out) == 0 || out[len(out)-1] != ex.Command {
				out = append(out, ex.Command)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func newCallbackSendCmd(e *env, c *creds, load func() ([]corpus.Example, error)) *cobra.Command {
	var to, token, bodyFile, example, platform, clientIP string
	var unsigned bool
	cmd := &cobra.Command{
		Use:   "send <CallbackCommand> --to URL [--token T] [--body file]",
		Short: "POST a signed callback to your webhook and check the reply",
		Long: `POST one callback to --to as Tencent does: the query carries SdkAppid (--sdkappid or
$TIM_SDKAPPID, else the fake's), CallbackCommand, contenttype=json, ClientIP, OptPlatform and,
with a token (--token or $TIM_CALLBACK_TOKEN), RequestTime and Sign = hex SHA-256 of
token + RequestTime. The body is the documented example for the command (--example picks one
when there are several; 'tim callback list' shows them) or --body (a file, or - for stdin).

The reply is printed and checked: HTTP 200, a JSON object with ActionStatus "OK" and a
numeric ErrorCode, and only keys of the types Tencent documents for that command's reply.
A reply that does not match exits 4; a webhook that cannot be reached exits 3. The token
is never printed.`,
		Example: `  tim callback send C2C.CallbackAfterSendMsg --to http://127.0.0.1:8080/im/callback --token "$TOKEN"
  tim callback send Group.CallbackBeforeSendMsg --to http://localhost:8080/cb --example request-legacy
  tim callback send C2C.CallbackBeforeSendMsg --to http://localhost:8080/cb --body my.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			command := args[0]
			if to == "" {
				return usageErr("--to is required: the webhook URL")
			}
			u, err := url.Parse(to)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usageErr("--to %q is not an http(s) URL", to)
			}
			r, err := c.resolve(e, false)
			if err != nil {
				return err
			}
			appID := r.appID
			if appID == 0 {
				appID = timtest.DefaultSDKAppID
			}
			exs, err := load()
			if err != nil {
				return err
			}
			var mine, sendable []corpus.Example
			for _, ex := range exs {
				if ex.Command == command {
					mine = append(mine, ex)
					if ex.HasBody() {
						sendable = append(sendable, ex)
					}
				}
			}
			var body []byte
			var chosen *corpus.Example
			switch {
			case bodyFile != "":
				arg := bodyFile
				if arg != "-" {
					arg = "@" + arg
				}
				if body, err = readInput(e, arg); err != nil {
					return err
				}
				if !json.Valid(body) {
					return usageErr("--body is not JSON")
				}
			case len(sendable) == 0:
				return usageErr("no documented example body for %q in the corpus: give --body, or see 'tim callback list'", command)
			default:
				chosen = &sendable[0]
				if example != "" {
					chosen = nil
					for i := range sendable {
						if sendable[i].Name == example {
							chosen = &sendable[i]
						}
					}
					if chosen == nil {
						return usageErr("no example %q for %s; see 'tim callback list %s'", example, command, command)
					}
				}
				body = chosen.Body
			}
			if token == "" && !unsigned {
				token = strings.TrimSpace(e.getenv(envCallbackToken))
			}

			now := e.now().Unix()
			q := []string{"SdkAppid=" + strconv.FormatUint(appID, 10), "CallbackCommand=" + url.QueryEscape(command),
				"contenttype=json", "ClientIP=" + url.QueryEscape(clientIP), "OptPlatform=" + url.QueryEscape(platform)}
			shown := strings.Join(q, "&")
			if token != "" {
				rt := strconv.FormatInt(now, 10)
				q = append(q, "RequestTime="+rt, "Sign="+event.Sign(token, rt))
				shown += "&RequestTime=" + rt + "&Sign=<sha256(token+RequestTime)>"
			}
			target := to
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			full := target + sep + strings.Join(q, "&")
			src := "your body"
			if chosen != nil {
				src = fmt.Sprintf("example %q (%s)", chosen.Name, chosen.Source)
			}
			fmt.Fprintf(e.stdout, "POST %s%s%s\n  body: %s\n  signed: %t\n", target, sep, shown, src, token != "")

			ctx, cancel := c.withTimeout(cmd.Context())
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, full, bytes.NewReader(body))
			if err != nil {
				return usageErr("%v", stripURL(err))
			}
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("webhook %s: %w", u.Host, stripURL(err)) // the URL carries the Sign
			}
			defer res.Body.Close()
			reply, err := io.ReadAll(io.LimitReader(res.Body, maxReply))
			if err != nil {
				return fmt.Errorf("reading the reply: %w", stripURL(err))
			}
			fmt.Fprintf(e.stdout, "reply: HTTP %d\n", res.StatusCode)
			if len(reply) > 0 {
				_ = printJSON(e.stdout, reply, false)
			}
			if err := checkReply(res.StatusCode, reply, documentedReplies(mine)); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "reply OK: matches the documented reply shape")
			if d := decision(command, reply); d != "" {
				fmt.Fprintln(e.stdout, "decision:", d)
			}
			return nil
		},
		ValidArgsFunction: commandCompletion(load),
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "your webhook URL (required)")
	f.StringVar(&token, "token", "", "callback token to sign with (default $"+envCallbackToken+")")
	f.BoolVar(&unsigned, "unsigned", false, "send no Sign/RequestTime even if $"+envCallbackToken+" is set")
	f.StringVar(&bodyFile, "body", "", "send this JSON file (- for stdin) instead of the documented example")
	f.StringVar(&example, "example", "", "which documented example to send (default the first)")
	f.StringVar(&platform, "platform", "RESTAPI", "OptPlatform query parameter")
	f.StringVar(&clientIP, "client-ip", "127.0.0.1", "ClientIP query parameter")
	return cmd
}

// stripURL drops the URL (and its Sign) from a *url.Error.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// documentedReplies returns the documented replies of a command's examples.
func documentedReplies(exs []corpus.Example) []json.RawMessage {
	var out []json.RawMessage
	for _, ex := range exs {
		if len(ex.Reply) > 0 {
			out = append(out, ex.Reply)
		}
	}
	return out
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// envelopeKinds are the keys every reply has (Tencent's envelope).
var envelopeKinds = map[string]string{"ActionStatus": "string", "ErrorCode": "number", "ErrorInfo": "string"}

// checkReply holds a webhook's answer to the documented reply shape: HTTP
// 200, a JSON object with ActionStatus "OK" and a numeric ErrorCode, and
// only keys some documented reply of the command has, with their JSON
// types.
func checkReply(status int, reply []byte, documented []json.RawMessage) error {
	if status != http.StatusOK {
		return mismatch("reply does NOT match: HTTP %d, Tencent expects 200 (it treats anything else as a failed callback)", status)
	}
	var got map[string]any
	dec := json.NewDecoder(bytes.NewReader(reply))
	dec.UseNumber()
	if err := dec.Decode(&got); err != nil || got == nil {
		return mismatch("reply does NOT match: not a JSON object")
	}
	kinds := map[string]string{}
	for k, v := range envelopeKinds {
		kinds[k] = v
	}
	for _, d := range documented {
		var m map[string]any
		if json.Unmarshal(d, &m) == nil {
			for k, v := range m {
				kinds[k] = jsonKind(v)
			}
		}
	}
	var problems []string
	for _, k := range []string{"ActionStatus", "ErrorCode"} {
		if _, ok := got[k]; !ok {
			problems = append(problems, k+" is missing")
		}
	}
	if s, ok := got["ActionStatus"].(string); ok && s != "OK" {
		problems = append(problems, fmt.Sprintf("ActionStatus is %q, Tencent expects \"OK\" (decisions go in ErrorCode)", s))
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		want, ok := kinds[k]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s is not a key of the documented reply", k))
		case jsonKind(got[k]) != want:
			problems = append(problems, fmt.Sprintf("%s is a %s, the documented reply has a %s", k, jsonKind(got[k]), want))
		}
	}
	if len(problems) > 0 {
		return mismatch("reply does NOT match the documented shape: %s", strings.Join(problems, "; "))
	}
	return nil
}

// decision reads what a "before" callback's reply tells Tencent to do
// (ErrorCode 0 allow, 1 refuse, 2 drop silently for message sends, or an
// app code in 120001..130000 shown to the sender); "" for other commands.
// Source: the before-callback pages, e.g. 发单聊消息之前回调_intl_en.md.
func decision(command string, reply []byte) string {
	if !strings.Contains(command, ".CallbackBefore") && !strings.Contains(command, ".CallbackPrev") {
		return ""
	}
	var r struct {
		ErrorCode json.Number
	}
	if json.Unmarshal(reply, &r) != nil {
		return ""
	}
	code, err := r.ErrorCode.Int64()
	switch {
	case err != nil:
		return ""
	case code == 0:
		return "allow (ErrorCode 0)"
	case code == 1:
		return "refuse (ErrorCode 1)"
	case code == 2 && strings.HasSuffix(command, "SendMsg"):
		return "drop silently: the sender is told it was sent (ErrorCode 2)"
	case code >= 120001 && code <= 130000:
		return fmt.Sprintf("refuse with the app's own code %d, passed to the sender", code)
	}
	return fmt.Sprintf("ErrorCode %d (not a documented decision)", code)
}

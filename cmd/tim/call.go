package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/message"
)

// maxInput caps a request body read from a file or stdin.
const maxInput = 8 << 20

// readInput reads a JSON argument: a literal, @file, or - for stdin.
func readInput(e *env, arg string) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case arg == "-":
		b, err = io.ReadAll(io.LimitReader(e.stdin, maxInput+1))
	case strings.HasPrefix(arg, "@"):
		var f *os.File
		if f, err = os.Open(arg[1:]); err == nil {
			b, err = io.ReadAll(io.LimitReader(f, maxInput+1))
			f.Close()
		}
	default:
		b = []byte(arg)
	}
	if err != nil {
		return nil, err
	}
	if len(b) > maxInput {
		return nil, usageErr("request body is over %d bytes", maxInput)
	}
	return b, nil
}

func newCallCmd(e *env, c *creds) *cobra.Command {
	var compact bool
	cmd := &cobra.Command{
		Use:   "call <service/command> [json | @file | -]",
		Short: "Call any REST command with the admin UserSig filled in",
		Long: `Call any REST command (v4/<service>/<command>) as the app administrator: the SDK's request
path builds the URL with sdkappid, identifier, a fresh admin usersig and random, sends the
JSON body (a literal, @file, or - for stdin; {} when absent), and prints the answer as
indented JSON. Commands the SDK declares keep their retry rules; others are sent as unsafe
(resent only when they provably never arrived).

A failure prints the typed error (command, Tencent code, info, family) on stderr and exits 1
for an answer of Tencent, 3 for a network failure.`,
		Example: `  tim call im_open_login_svc/account_check '{"CheckItem":[{"UserID":"alice"}]}'
  tim call v4/group_open_http_svc/get_appid_group_list '{"Limit":10}'
  tim call openim/sendmsg @msg.json
  echo '{}' | tim call ConfigSvc/GetIPList -`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := strings.TrimPrefix(strings.TrimPrefix(args[0], "/"), "v4/")
			if !api.ValidPath(path) {
				return usageErr("%q is not <service>/<command>, e.g. openim/sendmsg", args[0])
			}
			body := []byte("{}")
			if len(args) == 2 {
				b, err := readInput(e, args[1])
				if err != nil {
					return err
				}
				body = bytes.TrimSpace(b)
			}
			if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
				return usageErr("the request body must be a JSON object")
			}
			r, err := c.resolve(e, true)
			if err != nil {
				return err
			}
			cl, err := c.client(e, r, cmd.CommandPath())
			if err != nil {
				return err
			}
			defer cl.Close()
			ep, ok := tim.Lookup(path)
			if !ok {
				ep = tim.Endpoint{Path: path}
			}
			ctx, cancel := c.withTimeout(cmd.Context())
			defer cancel()
			var resp json.RawMessage
			err = cl.Do(ctx, ep, json.RawMessage(body), &resp)
			if len(resp) > 0 {
				if perr := printJSON(e.stdout, resp, compact); perr != nil && err == nil {
					return perr
				}
			}
			return describeErr(err)
		},
	}
	cmd.Flags().BoolVar(&compact, "compact", false, "print the answer on one line")
	return cmd
}

// printJSON prints raw JSON indented (or compact).
func printJSON(w io.Writer, raw []byte, compact bool) error {
	var b bytes.Buffer
	var err error
	if compact {
		err = json.Compact(&b, raw)
	} else {
		err = json.Indent(&b, raw, "", "  ")
	}
	if err != nil {
		_, err = w.Write(append(raw, '\n'))
		return err
	}
	b.WriteByte('\n')
	_, err = w.Write(b.Bytes())
	return err
}

// describeErr adds what a person needs to an API error: the code, the
// info and the families it belongs to.
func describeErr(err error) error {
	var ae *tim.APIError
	if err == nil || !errors.As(err, &ae) {
		return err
	}
	var fams []string
	for _, f := range api.Families(err) {
		fams = append(fams, strings.TrimPrefix(f.Error(), "tim: "))
	}
	msg := fmt.Sprintf("%s failed: Tencent error %d", ae.Op, ae.Code)
	if ae.Code == 0 {
		msg = fmt.Sprintf("%s failed: HTTP %d", ae.Op, ae.HTTPStatus)
	}
	if ae.Info != "" {
		msg += ": " + ae.Info
	}
	if len(fams) > 0 {
		msg += " [" + strings.Join(fams, ", ") + "]"
	}
	return &exitError{exitAPI, &described{msg, err}}
}

// described is an error shown with its own text, keeping the original for
// errors.Is/As.
type described struct {
	msg string
	err error
}

func (d *described) Error() string { return d.msg }
func (d *described) Unwrap() error { return d.err }

func newSendCmd(e *env, c *creds) *cobra.Command {
	var from, group string
	var to []string
	cmd := &cobra.Command{
		Use:   "send [--from user] (--to user[,user…] | --group id) <text>",
		Short: "Send a text message to users (C2C) or a group",
		Long: `Send a text message as --from (default: the administrator) to a user with --to, or to a
group with --group. Prints the message's MsgTime, MsgKey (C2C) or MsgSeq (group), which
recall and modify need.

Several recipients (--to a,b,c or --to repeated) go through batchsendmsg (500 per call):
it prints how many were sent and the recipients that failed with Tencent's code, and exits 1
when any failed.`,
		Example: `  tim send --from doctor_1 --to patient_1 "How are you feeling today?"
  tim send --group @TGS#2C5SZEAEF "Welcome"
  tim send --to patient_1,patient_2,patient_3 "The clinic opens at 9 tomorrow"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(to) == 0) == (group == "") {
				return usageErr("give exactly one of --to (users) or --group")
			}
			r, err := c.resolve(e, true)
			if err != nil {
				return err
			}
			cl, err := c.client(e, r, cmd.CommandPath())
			if err != nil {
				return err
			}
			defer cl.Close()
			var opts []message.Option
			if from != "" {
				opts = append(opts, message.WithSender(from))
			}
			ctx, cancel := c.withTimeout(cmd.Context())
			defer cancel()
			if len(to) > 1 {
				return sendBatch(ctx, e, cl, message.NewText(message.ConvC2C, "", args[0], opts...), to)
			}
			m := message.NewText(message.ConvC2C, "", args[0], opts...)
			if group != "" {
				m = message.NewText(message.ConvGroup, group, args[0], opts...)
			} else {
				m.To = to[0]
			}
			res, err := cl.Message.Send(ctx, m)
			if err != nil {
				return describeErr(err)
			}
			out := map[string]any{"MsgTime": res.MsgTime.Unix()}
			if group != "" {
				out["MsgSeq"] = res.MsgSeq
			} else {
				out["MsgKey"], out["MsgId"] = res.MsgKey, res.MsgID
			}
			return writeJSON(e.stdout, out)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "sender (From_Account; default the administrator)")
	cmd.Flags().StringSliceVar(&to, "to", nil, "the user(s) to send to (C2C); several: a,b,c")
	cmd.Flags().StringVar(&group, "group", "", "the group to send to")
	return cmd
}

// sendBatch sends m to many users with batchsendmsg and reports the
// recipients that failed.
func sendBatch(ctx context.Context, e *env, cl *tim.Client, m *message.Message, to []string) error {
	p := newProgress(e, "sending", "recipients")
	var mu sync.Mutex // the SDK reports from its concurrent calls
	res, err := cl.Message.SendBatch(ctx, m, to, message.BatchProgress(func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		p.update(int64(done), int64(total))
	}))
	p.finish()
	if res == nil {
		return describeErr(err)
	}
	type failure struct {
		To   string `json:"To_Account"`
		Code int    `json:"ErrorCode"`
	}
	failed := make([]failure, 0, len(res.Failed))
	for _, f := range res.Failed {
		failed = append(failed, failure{f.Account, f.Code})
	}
	if werr := writeJSON(e.stdout, map[string]any{"Sent": res.Sent, "Failed": failed}); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return describeErr(err)
	}
	if len(failed) > 0 {
		return &exitError{exitAPI, fmt.Errorf("%d of %d recipients did not get the message", len(failed), len(to))}
	}
	return nil
}

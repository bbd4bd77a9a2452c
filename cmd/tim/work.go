package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timkit/tim/account"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
)

func newAccountCmd(e *env, c *creds) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account",
		Short:   "Import accounts in bulk",
		Example: "  tim account import alice bob carol\n  tim account import --file users.txt",
	}
	var file string
	imp := &cobra.Command{
		Use:   "import [userID...] [--file ids.txt | --file -]",
		Short: "Import accounts by UserID, 100 per call, with progress",
		Long: `Import accounts (multiaccount_import, 100 per call) given as arguments or one per line in
--file (- for stdin). Progress goes to stderr: a bar on a terminal, a line per 10% otherwise.
Prints the count and the UserIDs Tencent could not import; exits 1 if any failed.`,
		Example: "  tim account import alice bob\n  seq -f 'user_%g' 1 5000 | tim account import --file -",
		RunE: func(cmd *cobra.Command, args []string) error {
			ids := append([]string(nil), args...)
			if file != "" {
				arg := file
				if arg != "-" {
					arg = "@" + arg
				}
				b, err := readInput(e, arg)
				if err != nil {
					return err
				}
				sc := bufio.NewScanner(bytes.NewReader(b))
				for sc.Scan() {
					if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
						ids = append(ids, s)
					}
				}
			}
			if len(ids) == 0 {
				return usageErr("no UserIDs: give them as arguments or with --file")
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
			ctx, cancel := c.withTimeout(cmd.Context())
			defer cancel()
			p := newProgress(e, "importing accounts", "accounts")
			res, err := cl.Account.ImportMany(ctx, ids, account.WithProgress(func(done, total int) {
				p.update(int64(done), int64(total))
			}))
			p.finish()
			if err != nil {
				return describeErr(err)
			}
			out := map[string]any{"requested": len(ids), "failed": res.Failed}
			if res.Failed == nil {
				out["failed"] = []string{}
			}
			if err := writeJSON(e.stdout, out); err != nil {
				return err
			}
			if len(res.Failed) > 0 {
				return &exitError{exitAPI, fmt.Errorf("%d of %d accounts were not imported", len(res.Failed), len(ids))}
			}
			return nil
		},
	}
	imp.Flags().StringVar(&file, "file", "", "read UserIDs from this file, one per line (- for stdin)")
	cmd.AddCommand(imp)
	return cmd
}

// beijing is the zone of Tencent's hour buckets (UTC+8).
var beijing = time.FixedZone("CST", 8*3600)

// parseHour reads an hour: a bucket name YYYYMMDDHH (Beijing time, as
// Tencent names them) or an RFC 3339 time.
func parseHour(s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006010215", s, beijing); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageErr("--hour %q: want a bucket name YYYYMMDDHH (Beijing time) or an RFC 3339 time", s)
}

func newHistoryCmd(e *env, c *creds) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "history",
		Short:   "Download Tencent's message-history files",
		Example: "  tim history export --type c2c --hour 2026120415 --dir ./history",
	}
	var typ, hour, dir string
	exp := &cobra.Command{
		Use:   "export --type c2c|group --hour YYYYMMDDHH [--dir D]",
		Short: "Download one hour's message history, checking GzipMD5, with progress",
		Long: `Ask get_history for one hour's history files (made hourly; their URLs expire) and download them
into --dir as <C2C|Group>-<YYYYMMDDHH>-<n>.json.gz, each checked against the size and
GzipMD5 Tencent gives; a file that does not match is not kept. --hour is the bucket name in
Beijing time (YYYYMMDDHH) or any RFC 3339 time within the hour. Progress (bytes) goes to
stderr; the saved files are printed as JSON.`,
		Example: "  tim history export --type group --hour 2026120415 --dir ./history",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var ct message.ConversationType
			switch strings.ToLower(typ) {
			case "c2c":
				ct = message.ConvC2C
			case "group":
				ct = message.ConvGroup
			default:
				return usageErr("--type must be c2c or group")
			}
			if hour == "" {
				return usageErr("--hour is required")
			}
			h, err := parseHour(hour)
			if err != nil {
				return err
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
			ctx, cancel := c.withTimeout(cmd.Context())
			defer cancel()
			p := newProgress(e, "downloading history", "bytes")
			files, err := cl.Operation.ExportHistory(ctx, operation.HistoryRequest{ChatType: ct, Hour: h}, dir,
				operation.WithDownloadProgress(p.update))
			p.finish()
			type saved struct {
				Path    string `json:"path"`
				Bytes   int64  `json:"bytes"`
				GzipMD5 string `json:"gzip_md5"`
			}
			out := make([]saved, 0, len(files))
			for _, f := range files {
				out = append(out, saved{f.Path, f.Bytes, f.GzipMD5})
			}
			if len(out) > 0 || err == nil {
				if werr := writeJSON(e.stdout, out); werr != nil && err == nil {
					err = werr
				}
			}
			return describeErr(err)
		},
	}
	read := &cobra.Command{
		Use:   "read <file.json.gz | ->",
		Short: "Print the messages of a downloaded history file, one JSON line each",
		Long: `Read a history file (gzip-compressed or not) as 'tim history export' saved it and print one
JSON object per message: From_Account, To_Account or GroupId, MsgTimestamp, MsgSeq, MsgRandom
and MsgBody as Tencent wrote them. A record that is not a message is reported on stderr and
reading goes on; a file that is not a history file exits 2.`,
		Example: "  tim history read Group-2026120415-1.json.gz | jq -r .From_Account | sort | uniq -c",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = e.stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return usageErr("%v", err)
				}
				defer f.Close()
				in = f
			}
			out := bufio.NewWriter(e.stdout)
			defer out.Flush()
			bad := 0
			for rec, err := range operation.ReadHistory(in) {
				if err != nil {
					if rec.Raw == nil {
						out.Flush()
						return usageErr("%v", err)
					}
					bad++
					fmt.Fprintln(e.stderr, "tim:", err)
					continue
				}
				if _, err := out.Write(append(bytes.TrimSpace(rec.Raw), '\n')); err != nil {
					return err
				}
			}
			if bad > 0 {
				out.Flush()
				return usageErr("%d records are not messages", bad)
			}
			return nil
		},
	}
	cmd.AddCommand(read)
	exp.Flags().StringVar(&typ, "type", "c2c", "c2c or group")
	exp.Flags().StringVar(&hour, "hour", "", "the hour: YYYYMMDDHH in Beijing time, or RFC 3339")
	exp.Flags().StringVar(&dir, "dir", ".", "folder to write the files into")
	cmd.AddCommand(exp)
	return cmd
}

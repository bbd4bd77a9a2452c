package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/timkit/tim/usersig"
)

func newSigCmd(e *env, c *creds) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sig",
		Short: "Generate, decode and verify UserSigs",
		Long: `Generate a UserSig for a user, decode any UserSig without the key, or verify one with the
key and learn which error Tencent would answer and why.`,
		Example: `  tim sig gen alice --ttl 24h
  tim sig decode eAEtzM0KgjAAAG...
  tim sig verify eAEtzM0KgjAAAG... --user alice`,
	}
	cmd.AddCommand(newSigGenCmd(e, c), newSigDecodeCmd(e), newSigVerifyCmd(e, c))
	return cmd
}

// parseTTL reads a validity: a Go duration ("24h", "90m") or days ("180d").
func parseTTL(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(d, 10, 32)
		if err != nil || n == 0 {
			return 0, usageErr("--ttl %q: want a positive number of days (180d) or a duration (24h)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < time.Second {
		return 0, usageErr("--ttl %q: want a duration of at least 1s (24h, 90m) or days (180d)", s)
	}
	return v, nil
}

func newSigGenCmd(e *env, c *creds) *cobra.Command {
	var ttl, userbuf string
	cmd := &cobra.Command{
		Use:   "gen <userID>",
		Short: "Generate a UserSig for a user (prints only the sig)",
		Long: `Generate a UserSig for userID with the app's secret key, valid for --ttl (Tencent's samples
use 180 days; at least 24 hours is recommended). Only the sig is printed, so it can be captured:
SIG=$(tim sig gen alice). The admin's sig for REST calls is: tim sig gen administrator.`,
		Example: `  TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=... tim sig gen alice
  tim sig gen alice --ttl 24h
  tim sig gen trtc_user --userbuf room-1234`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := c.resolve(e, true)
			if err != nil {
				return err
			}
			d, err := parseTTL(ttl)
			if err != nil {
				return err
			}
			g, err := usersig.New(r.appID, r.key, usersig.WithClock(e.now))
			if err != nil {
				return usageErr("%v", err)
			}
			var buf []byte
			if cmd.Flags().Changed("userbuf") {
				buf = []byte(userbuf)
			}
			sig, err := g.GenWithUserBuf(args[0], d, buf)
			if err != nil {
				return usageErr("%v", err)
			}
			fmt.Fprintln(e.stdout, sig)
			return nil
		},
	}
	cmd.Flags().StringVar(&ttl, "ttl", "180d", "validity: days (180d) or a duration (24h, 90m)")
	cmd.Flags().StringVar(&userbuf, "userbuf", "", "bind this userbuf into the sig (TRTC room permissions)")
	return cmd
}

// sigArg reads the sig from the argument, or stdin for "-".
func sigArg(e *env, arg string) (string, error) {
	if arg != "-" {
		return strings.TrimSpace(arg), nil
	}
	b, err := io.ReadAll(io.LimitReader(e.stdin, usersig.MaxSigLen+1))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// sigView is what decode prints (no signature: it would let a reader
// rebuild the sig).
type sigView struct {
	Version     string  `json:"version"`
	Identifier  string  `json:"identifier"`
	SDKAppID    uint64  `json:"sdkappid"`
	Issued      string  `json:"issued"`
	IssuedUnix  int64   `json:"issued_unix"`
	Validity    string  `json:"validity"`
	ValiditySec int64   `json:"validity_seconds"`
	Expires     string  `json:"expires"`
	ExpiresUnix int64   `json:"expires_unix"`
	Expired     bool    `json:"expired"`
	UserBuf     *string `json:"userbuf,omitempty"`
	UserBufB64  string  `json:"userbuf_base64,omitempty"`
}

func viewOf(info *usersig.Info, now time.Time) sigView {
	v := sigView{Version: info.Version, Identifier: info.Identifier, SDKAppID: info.SDKAppID,
		Issued: info.IssuedAt.Format(time.RFC3339), IssuedUnix: info.IssuedAt.Unix(),
		Validity: humanDuration(info.Validity), ValiditySec: int64(info.Validity / time.Second),
		Expires: info.ExpiresAt.Format(time.RFC3339), ExpiresUnix: info.ExpiresAt.Unix(), Expired: info.Expired(now)}
	if info.HasUserBuf {
		v.UserBufB64 = base64.StdEncoding.EncodeToString(info.UserBuf)
		if utf8.Valid(info.UserBuf) {
			s := string(info.UserBuf)
			v.UserBuf = &s
		}
	}
	return v
}

// humanDuration writes whole days as "180d", else Go's form.
func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func printSig(w io.Writer, v sigView, now time.Time) {
	fmt.Fprintf(w, "version:     %s\n", v.Version)
	fmt.Fprintf(w, "identifier:  %q\n", v.Identifier)
	fmt.Fprintf(w, "sdkappid:    %d\n", v.SDKAppID)
	fmt.Fprintf(w, "issued:      %s (unix %d)\n", v.Issued, v.IssuedUnix)
	fmt.Fprintf(w, "validity:    %s (%d s)\n", v.Validity, v.ValiditySec)
	state := "valid for another " + humanLeft(time.Unix(v.ExpiresUnix, 0).Sub(now))
	if v.Expired {
		state = "EXPIRED " + humanLeft(now.Sub(time.Unix(v.ExpiresUnix, 0))) + " ago"
	}
	fmt.Fprintf(w, "expires:     %s (unix %d): %s\n", v.Expires, v.ExpiresUnix, state)
	switch {
	case v.UserBuf != nil:
		fmt.Fprintf(w, "userbuf:     %q (%d bytes)\n", *v.UserBuf, len(*v.UserBuf))
	case v.UserBufB64 != "":
		fmt.Fprintf(w, "userbuf:     base64 %s\n", v.UserBufB64)
	default:
		fmt.Fprintln(w, "userbuf:     none")
	}
}

// humanLeft rounds a duration for people: "3d4h", "5m10s".
func humanLeft(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Second)
	if d >= 24*time.Hour {
		days := d / (24 * time.Hour)
		return fmt.Sprintf("%dd%dh", days, (d-days*24*time.Hour)/time.Hour)
	}
	return d.String()
}

func newSigDecodeCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "decode <sig | ->",
		Short: "Show what a UserSig says about itself, without the key",
		Long: `Decode a UserSig without the secret key: identifier, app id, issue and expiry times, userbuf
and format version. Nothing is verified (use 'tim sig verify' with the key); the signature
itself is not printed. Read the sig from stdin with "-".`,
		Example: `  tim sig decode eAEtzM0KgjAAAG...
  pbpaste | tim sig decode -
  tim sig decode --json "$SIG" | jq .expires`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := sigArg(e, args[0])
			if err != nil {
				return err
			}
			info, err := usersig.Decode(sig)
			if err != nil {
				return usageErr("%v (Tencent answers such a sig with 70003: it is truncated, altered, or not a UserSig; "+
					"check it was copied whole and that * - _ were not changed by URL encoding)", err)
			}
			now := e.now()
			v := viewOf(info, now)
			if asJSON {
				return writeJSON(e.stdout, v)
			}
			printSig(e.stdout, v, now)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// diagnosis is Tencent's answer to a sig that failed a check, and why.
type diagnosis struct {
	code  int
	cause string
}

// diagnose turns a verification failure into the code Tencent's service
// would answer and the likely cause. Codes: Tencent's error-code page,
// https://www.tencentcloud.com/document/product/1047/34348 (see NOTES.md).
func diagnose(err error, info *usersig.Info, appID uint64, user string, now time.Time) diagnosis {
	switch {
	case errors.Is(err, usersig.ErrMalformed):
		return diagnosis{70003, "the sig cannot be parsed: it was truncated or altered when copied (URL encoding can change * - _), or it is not a UserSig"}
	case errors.Is(err, usersig.ErrSDKAppID):
		return diagnosis{70014, fmt.Sprintf("the sig is for app %d, not %d: a sig of another app (a test app and production?), or the wrong SDKAppID in your configuration. "+
			"If app %d is the right one, check its data centre too: calling an app in another region than the one it was created in answers 70016/70020",
			info.SDKAppID, appID, info.SDKAppID)}
	case errors.Is(err, usersig.ErrIdentifier):
		return diagnosis{70013, fmt.Sprintf("the sig is for identifier %q, the request says %q (the comparison is exact and case-sensitive): "+
			"the sig of another user, or the admin sig used with another identifier", info.Identifier, user)}
	case errors.Is(err, usersig.ErrExpired):
		return diagnosis{70001, fmt.Sprintf("the sig expired %s ago (at %s; it was valid for %s): generate a new one "+
			"(at least 24h is recommended) and check the clock of the machine that made it",
			humanLeft(now.Sub(info.ExpiresAt)), info.ExpiresAt.Format(time.RFC3339), humanDuration(info.Validity))}
	case errors.Is(err, usersig.ErrUserBuf):
		return diagnosis{70009, "the userbuf differs from the one expected (it is signed with the rest): pass --userbuf as it was when the sig was made, or none"}
	case errors.Is(err, usersig.ErrSignature):
		return diagnosis{70009, "the signature does not match this secret key: the sig was made with another app's key, with an older key " +
			"(the key was regenerated in the console), or the key was copied with a typo or whitespace; " +
			"an app whose key is not found in this data centre answers 70016 (wrong --region)"}
	}
	return diagnosis{0, err.Error()}
}

func newSigVerifyCmd(e *env, c *creds) *cobra.Command {
	var user, userbuf string
	cmd := &cobra.Command{
		Use:   "verify <sig | ->",
		Short: "Check a UserSig with the key; on failure name Tencent's error code and the likely cause",
		Long: `Verify a UserSig as Tencent does, with the app's SDKAppID and secret key (from the
environment or flags; the key is never printed): app id, identifier, expiry, userbuf, then
the signature. On failure it says which error code the real service would answer
(70001 expired, 70003 unparsable, 70009 wrong key, 70013 identifier mismatch,
70014 app id mismatch, 70016/70020 wrong data centre) and the likely cause, and exits 4.`,
		Example: `  tim sig verify "$SIG" --user alice
  TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=... tim sig verify - --user administrator < sig.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := c.resolve(e, true)
			if err != nil {
				return err
			}
			sig, err := sigArg(e, args[0])
			if err != nil {
				return err
			}
			info, _ := usersig.Decode(sig)
			if user == "" && info != nil {
				user = info.Identifier
			}
			var buf []byte
			if cmd.Flags().Changed("userbuf") {
				buf = []byte(userbuf)
			} else if info != nil && info.HasUserBuf {
				buf = info.UserBuf
			}
			now := e.now()
			err = usersig.Verify(sig, r.appID, r.key, user, buf, now)
			if err != nil {
				d := diagnose(err, info, r.appID, user, now)
				if info != nil {
					printSig(e.stdout, viewOf(info, now), now)
				}
				if d.code != 0 {
					return mismatch("sig does NOT verify: Tencent would answer %d: %s", d.code, d.cause)
				}
				return mismatch("sig does NOT verify: %s", d.cause)
			}
			printSig(e.stdout, viewOf(info, now), now)
			fmt.Fprintf(e.stdout, "OK: valid for %q of app %d until %s\n", user, r.appID, info.ExpiresAt.Format(time.RFC3339))
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the identifier the sig must be for (default: the one inside the sig)")
	cmd.Flags().StringVar(&userbuf, "userbuf", "", "the userbuf the sig must carry (default: the one inside it)")
	return cmd
}

// writeJSON prints v indented.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

package usersig

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"
)

// redacted stands for a secret in printed values.
const redacted = "[REDACTED]"

// Format prints an Info the same way under every verb: %v, %+v and %s give
// [Info.String], %q its quoted form, %#v a Go-syntax form. None of them
// shows the signature (it would rebuild a working sig) or the userbuf bytes.
func (i Info) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, i.GoString())
			return
		}
		_, _ = io.WriteString(f, i.String())
	case 's':
		_, _ = io.WriteString(f, i.String())
	case 'q':
		_, _ = io.WriteString(f, strconv.Quote(i.String()))
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(usersig.Info=%s)", verb, i.String())
	}
}

// GoString is the %#v form of an Info, with the signature replaced by
// "[REDACTED]" and the userbuf by its length.
func (i Info) GoString() string {
	b := make([]byte, 0, 256)
	b = append(b, "usersig.Info{Version:"...)
	b = strconv.AppendQuote(b, i.Version)
	b = append(b, ", Identifier:"...)
	b = strconv.AppendQuote(b, i.Identifier)
	b = append(b, ", SDKAppID:"...)
	b = strconv.AppendUint(b, i.SDKAppID, 10)
	b = append(b, ", IssuedAt:"...)
	b = strconv.AppendQuote(b, i.IssuedAt.UTC().Format(time.RFC3339))
	b = append(b, ", Validity:"...)
	b = strconv.AppendQuote(b, i.Validity.String())
	b = append(b, ", ExpiresAt:"...)
	b = strconv.AppendQuote(b, i.ExpiresAt.UTC().Format(time.RFC3339))
	b = append(b, ", HasUserBuf:"...)
	b = strconv.AppendBool(b, i.HasUserBuf)
	b = append(b, ", UserBuf:"...)
	if i.UserBuf == nil {
		b = append(b, "nil"...)
	} else {
		b = append(b, "/* "...)
		b = strconv.AppendInt(b, int64(len(i.UserBuf)), 10)
		b = append(b, " bytes */"...)
	}
	b = append(b, ", Signature:"...)
	b = strconv.AppendQuote(b, redacted)
	b = append(b, '}')
	return string(b)
}

// LogValue makes log/slog print an Info as [Info.String], without the
// signature, whatever the handler (the JSON handler would otherwise
// marshal every field).
func (i Info) LogValue() slog.Value { return slog.StringValue(i.String()) }

// Format prints a Generator as [Generator.String] under every verb
// (%v %+v %#v %s %q): its fields hold keyed HMAC states, never shown.
func (g *Generator) Format(f fmt.State, verb rune) { formatOpaque(f, verb, g.String()) }

// GoString is [Generator.String]: %#v shows no key material either.
func (g *Generator) GoString() string { return g.String() }

// LogValue makes log/slog print a Generator as [Generator.String].
func (g *Generator) LogValue() slog.Value { return slog.StringValue(g.String()) }

// String describes the Signer by its application and validity, never its
// cached sigs or the Generator's key.
func (s *Signer) String() string {
	if s == nil {
		return "usersig.Signer(nil)"
	}
	return "usersig.Signer(sdkappid=" + strconv.FormatUint(s.g.sdkAppID, 10) +
		" validity=" + s.validity.String() + " renew-before=" + s.renewBefore.String() + ")"
}

// Format prints a Signer as [Signer.String] under every verb (%v %+v %#v
// %s %q): the cached sigs are never shown.
func (s *Signer) Format(f fmt.State, verb rune) { formatOpaque(f, verb, s.String()) }

// GoString is [Signer.String].
func (s *Signer) GoString() string { return s.String() }

// LogValue makes log/slog print a Signer as [Signer.String].
func (s *Signer) LogValue() slog.Value { return slog.StringValue(s.String()) }

func formatOpaque(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

package transport

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// redactedError carries a failure whose text had secrets removed. It unwraps
// only to context errors, so no wrapped value can print a secret.
type redactedError struct {
	msg   string
	cause error // context.Canceled / DeadlineExceeded or nil
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }

// redact returns err with every secret replaced by "REDACTED", and any
// *url.Error rebuilt around the redacted URL. Errors whose text holds no
// secret are returned unchanged so errors.As keeps working on them.
func redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := redact(ue.Err, secrets...)
		u := ue.URL
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i] // the query carries the usersig, app id, admin, random
		}
		return &url.Error{Op: ue.Op, URL: redactString(u, secrets), Err: inner}
	}
	msg := err.Error()
	clean := redactString(msg, secrets)
	if clean == msg {
		return err
	}
	re := &redactedError{msg: clean}
	switch {
	case errors.Is(err, context.Canceled):
		re.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		re.cause = context.DeadlineExceeded
	}
	return re
}

func redactString(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	if i := strings.Index(s, "usersig="); i >= 0 {
		// Whatever follows usersig= up to the next separator goes too.
		j := i + len("usersig=")
		k := j
		for k < len(s) && s[k] != '&' && s[k] != ' ' && s[k] != '"' {
			k++
		}
		if s[j:k] != "REDACTED" {
			s = s[:j] + "REDACTED" + s[k:]
		}
	}
	return s
}

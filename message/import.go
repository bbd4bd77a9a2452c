package message

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// ImportOption tunes ImportGroup and ImportC2CAll.
type ImportOption func(*importConfig)

type importConfig struct {
	progress func(done, total int)
}

func importOptions(opts []ImportOption) importConfig {
	var c importConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

func (c importConfig) report(done, total int) {
	if c.progress != nil {
		c.progress(done, total)
	}
}

// WithImportProgress has an import call fn after each REST call it
// completes, with the number of messages imported so far and the total.
// fn runs on the importing goroutine before the next call is made (a slow
// fn slows the import); it is not called for a call that failed. A nil fn
// is ignored.
func WithImportProgress(fn func(done, total int)) ImportOption {
	return func(c *importConfig) { c.progress = fn }
}

// ImportC2CAll imports C2C messages one after another with ImportC2C (one
// call each: importmsg takes a single message), in the order given. Every
// request is checked before the first call: bad input is an
// *api.InvalidInputError whose field names the message ("msgs[3].To_Account")
// and nothing is sent. Then it stops at the first failed call and returns
// how many were imported, with an error naming the message. Each request's dedup keys are drawn and written
// back as ImportC2C does, so calling ImportC2CAll again with the same
// requests after a failure resends the imported ones as duplicates that
// Tencent absorbs (within its dedup window) and goes on from there.
// WithImportProgress reports how far it got after each message.
//
// REST: v4/openim/importmsg
func (s *Service) ImportC2CAll(ctx context.Context, msgs []*ImportC2CRequest, opts ...ImportOption) (int, error) {
	cfg := importOptions(opts)
	for i, m := range msgs {
		if _, _, err := m.check(); err != nil {
			var ie *api.InvalidInputError
			if errors.As(err, &ie) {
				return 0, wire.Invalid("msgs["+strconv.Itoa(i)+"]."+ie.Field, "%s", ie.Reason)
			}
			return 0, err
		}
	}
	for i, m := range msgs {
		if err := s.ImportC2C(ctx, m); err != nil {
			return i, fmt.Errorf("tim: importing message %d of %d: %w", i, len(msgs), err)
		}
		cfg.report(i+1, len(msgs))
	}
	return len(msgs), nil
}

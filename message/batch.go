package message

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
)

// Batch limits.
const (
	// MaxBatchRecipients is batchsendmsg's cap per call.
	MaxBatchRecipients = 500
	// DefaultBatchConcurrency is how many batch calls are in flight at once.
	DefaultBatchConcurrency = 4
)

// RecipientError is one recipient that did not get the message (or, for
// C2CUnread, one peer that could not be counted).
type RecipientError struct {
	// Account is the recipient's UserID.
	Account string
	// Code is Tencent's error code for this recipient (e.g. 70107: account
	// not imported), or the call's code when the whole call failed, or 0
	// when the call failed without one (network, context).
	Code int
	// Err is the error: an *APIError for a Tencent code (errors.Is works
	// with tim.ErrAccountNotFound etc.), else the call's error.
	Err error
	// Unknown is true when the call carrying this recipient got no answer
	// Tencent wrote (a timeout, a dropped connection, a 5xx without
	// Tencent's envelope): Tencent may have delivered the message. A
	// resend may deliver it twice (batchsendmsg documents no dedup window
	// to absorb one), so Retryable is false.
	Unknown bool
	// NotSent is true when the call carrying this recipient was never made
	// (the context ended first): a resend cannot duplicate.
	NotSent bool
}

// Error implements error.
func (e RecipientError) Error() string {
	return "tim: recipient " + strconv.Quote(e.Account) + ": " + e.Err.Error()
}

// Unwrap returns Err.
func (e RecipientError) Unwrap() error { return e.Err }

// Retryable reports whether a resend to this recipient is both safe (it
// provably did not get the message) and may succeed: the call was never
// made, or Tencent answered with a transient code for it or for the whole
// call (server busy, rate limited). An account that does not exist
// (70107) is not retryable until it is imported; a recipient whose
// outcome is Unknown is not retryable.
func (e RecipientError) Retryable() bool {
	if e.NotSent {
		return true
	}
	if e.Unknown {
		return false
	}
	var ae *api.Error
	return errors.As(e.Err, &ae) && ae.Retryable()
}

// Failures lists the recipients a batch did not reach.
type Failures []RecipientError

// Accounts returns the failed UserIDs, e.g. to import them and resend.
func (f Failures) Accounts() []string {
	out := make([]string, len(f))
	for i, e := range f {
		out[i] = e.Account
	}
	return out
}

// Retryable returns the UserIDs a resend should target: those whose
// RecipientError is Retryable (never sent, or refused by Tencent with a
// transient code). Recipients whose outcome is Unknown are left out.
func (f Failures) Retryable() []string {
	var out []string
	for _, e := range f {
		if e.Retryable() {
			out = append(out, e.Account)
		}
	}
	return out
}

// Unknown returns the UserIDs whose call got no answer: they may or may
// not have the message.
func (f Failures) Unknown() []string {
	var out []string
	for _, e := range f {
		if e.Unknown {
			out = append(out, e.Account)
		}
	}
	return out
}

func recipientError(op, account string, code int) RecipientError {
	return RecipientError{Account: account, Code: code, Err: &api.Error{Op: op, HTTPStatus: 200, Code: code}}
}

// BatchPart is the outcome of one batchsendmsg call.
type BatchPart struct {
	// To are the recipients of this call.
	To []string
	// Random is the MsgRandom of this call (carried, or to be carried by
	// a resend when the call was never made): its own, derived from the
	// message's keys and To (see SendBatch).
	Random uint32
	// MsgKey and MsgID identify the message of this call.
	MsgKey string
	MsgID  string
	// Err is the call's error, nil when Tencent answered OK (per-recipient
	// failures are in BatchResult.Failed).
	Err error
}

// BatchResult is what SendBatch returns.
type BatchResult struct {
	// Random and Seq are the message's dedup keys (uint32 keys, as on
	// Message). Every call carried Seq as its MsgSeq and a MsgRandom of its
	// own derived from Random (in Parts).
	Random uint32
	Seq    uint32
	// Calls is the number of batchsendmsg calls made.
	Calls int
	// Sent is how many recipients Tencent accepted.
	Sent int
	// Failed lists the recipients that did not get the message: those
	// Tencent's ErrorList named, those of a call that failed as a whole,
	// and those never sent because the context ended.
	Failed Failures
	// Parts holds each call's outcome, in recipient order.
	Parts []BatchPart
}

// BatchOption tunes SendBatch.
type BatchOption func(*batchConfig)

type batchConfig struct {
	concurrency int
	progress    func(done, total int)
}

// BatchProgress sets a function told how many recipients are done (sent
// or failed) out of the total after each call completes, and once with
// done 0 before the first call. Calls are serialised and done only grows;
// the last call has done == total. fn runs on SendBatch's goroutines and
// should return quickly.
func BatchProgress(fn func(done, total int)) BatchOption {
	return func(c *batchConfig) { c.progress = fn }
}

// BatchConcurrency sets how many calls are in flight at once (default 4,
// at least 1).
func BatchConcurrency(n int) BatchOption {
	return func(c *batchConfig) {
		if n >= 1 {
			c.concurrency = n
		}
	}
}

type batchResponse struct {
	envelope
	MsgKey    wire.FlexString `json:"MsgKey"`
	MsgID     wire.FlexString `json:"MsgId"`
	ErrorList []struct {
		To   wire.FlexString `json:"To_Account"`
		Code wire.FlexInt    `json:"ErrorCode"`
	} `json:"ErrorList"`
}

// SendBatch sends the C2C message m to any number of users: split into
// calls of 500 (Tencent's cap), a bounded number in flight, each call
// spending its recipient count from the client's 12,000-per-minute batch
// budget. m.To must be empty and m.Conversation ConvC2C or empty; duplicate
// recipients are sent once (the first occurrence counts).
//
// Partial success: Tencent answers a call where some recipients failed
// with "ActionStatus":"SomeError","ErrorCode":0, the MsgKey of the message
// the others got, and "ErrorList":[{"To_Account","ErrorCode"}]. Those
// recipients are in Failed with their codes; the others count as Sent.
//
// Resends: Tencent's batchsendmsg page says only that MsgSeq and MsgRandom
// are used to drop duplicates "within a second"; it documents no window a
// resend after a lost answer could rely on. So batchsendmsg is declared
// Unsafe: the SDK resends a call only when the request provably never
// reached Tencent or Tencent refused it unprocessed (a frequency-limit
// answer). A call that got no answer is not resent; its recipients are in
// Failed with Unknown set (they may have the message). To resend, target
// Failed.Retryable(): recipients Tencent refused with a transient code and
// those never sent. Every call still carries m's Seq and a MsgRandom of its
// own, derived from m's keys, the call's index and its recipients
// (BatchPart.Random), the same on a resend of the same unchanged *Message
// to the same list, so whatever dedup Tencent does applies.
//
// Per-recipient failures (e.g. 70107, account not imported) are listed in
// the result's Failed and are not an error. The error is non-nil when the
// input is invalid or when some call failed as a whole (its recipients are
// then in Failed too). Batch sends trigger no callbacks.
//
// REST: v4/openim/batchsendmsg
func (s *Service) SendBatch(ctx context.Context, m *Message, recipients []string, opts ...BatchOption) (*BatchResult, error) {
	cfg := batchConfig{concurrency: DefaultBatchConcurrency}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if m == nil {
		return nil, wire.Invalid("message", "is nil")
	}
	if m.Conversation != "" && m.Conversation != ConvC2C {
		return nil, wire.Invalid("ConversationType", "batch sends are C2C only, got %q", m.Conversation)
	}
	if m.To != "" {
		return nil, wire.Invalid("To_Account", "set the recipients with SendBatch's argument, not Message.To")
	}
	if len(recipients) == 0 {
		return nil, wire.Invalid("To_Account", "no recipients")
	}
	to := make([]string, 0, len(recipients))
	seen := make(map[string]struct{}, len(recipients))
	for i, id := range recipients {
		if err := checkUserIDAt("To_Account", i, "", id); err != nil {
			return nil, err
		}
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		to = append(to, id)
	}
	c2c := *m
	c2c.Conversation = ConvC2C
	if err := c2c.checkCommon(); err != nil {
		return nil, err
	}
	body, err := checkBody(c2c.Body)
	if err != nil {
		return nil, err
	}
	m.fixKeysFor(body)
	c2c.Random, c2c.Seq = m.Random, m.Seq

	n := (len(to) + MaxBatchRecipients - 1) / MaxBatchRecipients
	parts := make([]BatchPart, n)
	failed := make([]Failures, n)
	sent := make([]bool, n)
	sem := make(chan struct{}, cfg.concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	report := func(k int) {
		if cfg.progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done += k
		cfg.progress(done, len(to))
	}
	report(0)
	for i := range n {
		lo, hi := i*MaxBatchRecipients, min((i+1)*MaxBatchRecipients, len(to))
		chunk := to[lo:hi]
		random := chunkRandom(m.Random, m.Seq, i, chunk)
		parts[i].To, parts[i].Random = chunk, random
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			parts[i].Err = ctx.Err()
			report(len(chunk))
			continue
		}
		sent[i] = true
		wg.Go(func() {
			defer func() { <-sem }()
			cm := c2c
			cm.Random = random
			parts[i], failed[i] = s.batchCall(ctx, &cm, chunk, body)
			report(len(chunk))
		})
	}
	wg.Wait()

	res := &BatchResult{Random: m.Random, Seq: m.Seq, Parts: parts}
	var errs []error
	for i, p := range parts {
		if sent[i] {
			res.Calls++
		}
		if p.Err != nil {
			errs = append(errs, fmt.Errorf("recipients %d..%d: %w", i*MaxBatchRecipients, i*MaxBatchRecipients+len(p.To)-1, p.Err))
			unknown := sent[i] && !answered(p.Err)
			for _, id := range p.To {
				res.Failed = append(res.Failed, RecipientError{Account: id, Code: codeOf(p.Err), Err: p.Err, Unknown: unknown, NotSent: !sent[i]})
			}
			continue
		}
		res.Sent += len(p.To) - len(failed[i])
		res.Failed = append(res.Failed, failed[i]...)
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("tim: batch send: %d of %d calls failed: %w", len(errs), n, errors.Join(errs...))
	}
	return res, nil
}

// Unsafe: the page (批量发单聊消息_intl_en.md) says MsgSeq/MsgRandom drop
// duplicates "within a second" and documents no dedup window, so a call
// whose answer was lost is not resent (up to 500 recipients could get the
// message twice); SendBatch reports its recipients as Unknown. Each call
// spends one unit per recipient of the batch budget (Spending).
var epBatchSend = catalog.Declare(api.Endpoint{Path: "openim/batchsendmsg", Budget: api.BatchRecipientsKey})

func (s *Service) batchCall(ctx context.Context, m *Message, chunk []string, body json.RawMessage) (BatchPart, Failures) {
	part := BatchPart{To: chunk, Random: m.Random}
	req, err := appendC2C(make([]byte, 0, 256+len(body)+16*len(chunk)), m, "", chunk, body)
	if err != nil {
		part.Err = err
		return part, nil
	}
	var resp batchResponse
	if err := s.d.Do(ctx, epBatchSend.Spending(len(chunk)), json.RawMessage(req), &resp); err != nil {
		part.Err = err
		return part, nil
	}
	part.MsgKey, part.MsgID = string(resp.MsgKey), string(resp.MsgID)
	var f Failures
	for _, e := range resp.ErrorList {
		f = append(f, recipientError(epBatchSend.Path, string(e.To), int(e.Code)))
	}
	return part, f
}

// answered reports whether err is an answer Tencent wrote: an *api.Error
// with a Tencent code (the call was refused as a whole, nothing delivered).
// A bare HTTP failure (a gateway's 5xx), a timeout or a dropped connection
// leaves the outcome unknown.
func answered(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Code != 0
}

func codeOf(err error) int {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

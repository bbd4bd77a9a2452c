package message

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/dedupkey"
	"github.com/timkit/tim/internal/wire"
)

const (
	maxMsgKeyLength = 256 // a sanity bound, far above Tencent's "seq_random_time" keys
)

func checkMsgKeys(field string, keys []string) error {
	if len(keys) == 0 {
		return wire.Invalid(field, "no MsgKey given")
	}
	for i, k := range keys {
		if k == "" || len(k) > maxMsgKeyLength {
			return wire.Invalid(field+"["+strconv.Itoa(i)+"]", "is empty or longer than %d bytes", maxMsgKeyLength)
		}
	}
	return nil
}

// Removing what is already gone changes nothing: a resend is harmless.
var epDeleteC2C = catalog.Declare(api.Endpoint{Path: "openim/delete_c2c_msg_ramble", Safety: api.Idempotent})

// DeleteC2CMessages deletes one-to-one messages from owner's history of
// the conversation with peer, by MsgKey. The deletion is one-sided: peer
// still sees them. owner must be the sender or the recipient of each
// message.
//
// REST: v4/openim/delete_c2c_msg_ramble
func (s *Service) DeleteC2CMessages(ctx context.Context, owner, peer string, msgKeys ...string) error {
	if err := wire.CheckUserID("Operator_Account", owner); err != nil {
		return err
	}
	if err := wire.CheckUserID("Peer_Account", peer); err != nil {
		return err
	}
	if err := checkMsgKeys("MsgKeyList", msgKeys); err != nil {
		return err
	}
	req := struct {
		Operator   string   `json:"Operator_Account"`
		Peer       string   `json:"Peer_Account"`
		MsgKeyList []string `json:"MsgKeyList"`
	}{owner, peer, msgKeys}
	var resp envelope
	return s.d.Do(ctx, epDeleteC2C, &req, &resp)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epC2CReceipt = catalog.Declare(api.Endpoint{Path: "openim/c2c_msg_read_receipt", Safety: api.Idempotent})

// SendC2CReadReceipts sends read receipts for one-to-one messages that
// sender sent to reader (the messages must have asked for one:
// WithReadReceipt), as if reader had read them.
//
// REST: v4/openim/c2c_msg_read_receipt
func (s *Service) SendC2CReadReceipts(ctx context.Context, reader, sender string, msgKeys ...string) error {
	if err := wire.CheckUserID("Operator_Account", reader); err != nil {
		return err
	}
	if err := wire.CheckUserID("Peer_Account", sender); err != nil {
		return err
	}
	if err := checkMsgKeys("C2CMsgInfo", msgKeys); err != nil {
		return err
	}
	type info struct {
		From   string `json:"From_Account"`
		To     string `json:"To_Account"`
		MsgKey string `json:"MsgKey"`
	}
	req := struct {
		Operator string `json:"Operator_Account"`
		Peer     string `json:"Peer_Account"`
		Info     []info `json:"C2CMsgInfo"`
	}{Operator: reader, Peer: sender, Info: make([]info, len(msgKeys))}
	for i, k := range msgKeys {
		req.Info[i] = info{sender, reader, k}
	}
	var resp envelope
	return s.d.Do(ctx, epC2CReceipt, &req, &resp)
}

// Broadcast is a message to every live-streaming (AVChatRoom) group of the
// app at once.
type Broadcast struct {
	// From is the sender (From_Account); empty means the app admin.
	From string
	Body Body
	// CloudCustomData is stored with the message.
	CloudCustomData string
	// Random is the message's Random, drawn on the first send when zero
	// and kept here, so a resend of the same unchanged *Broadcast carries
	// it. A drawn Random is bound to From, Body and CloudCustomData: change
	// any of them (a template reused) and the next send draws a fresh one.
	// A Random you set is always sent as it is.
	Random uint32

	keys dedupkey.Binding
}

// BroadcastResult is what SendBroadcast returns.
type BroadcastResult struct {
	// MsgSeq identifies the broadcast message.
	MsgSeq uint64
	// Random is the Random that was sent.
	Random uint32
}

// No dedup key: a resend would broadcast the message twice.
var epBroadcast = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/send_broadcast_msg", Safety: api.Unsafe})

// SendBroadcast sends a message to every live-streaming group of the app
// (a Pro-plan feature enabled in the console). Tencent's page for this
// API documents no dedup rule, so a call whose answer is lost is not
// resent automatically (its endpoint is declared Unsafe).
//
// REST: v4/group_open_http_svc/send_broadcast_msg
func (s *Service) SendBroadcast(ctx context.Context, b *Broadcast) (*BroadcastResult, error) {
	if b == nil {
		return nil, wire.Invalid("message", "is nil")
	}
	if b.From != "" {
		if err := wire.CheckUserID("From_Account", b.From); err != nil {
			return nil, err
		}
	}
	body, err := checkBody(b.Body)
	if err != nil {
		return nil, err
	}
	b.keys.Fix(uint64(dedupkey.New().Str(b.From).Bytes(body).Str(b.CloudCustomData)), &b.Random, nil, nil)
	req := struct {
		From            string          `json:"From_Account,omitempty"`
		Random          uint32          `json:"Random"`
		MsgBody         json.RawMessage `json:"MsgBody"`
		CloudCustomData string          `json:"CloudCustomData,omitempty"`
	}{b.From, b.Random, body, b.CloudCustomData}
	var resp struct {
		envelope
		MsgSeq wire.FlexUint64 `json:"MsgSeq"`
	}
	if err := s.d.Do(ctx, epBroadcast, &req, &resp); err != nil {
		return nil, err
	}
	return &BroadcastResult{MsgSeq: uint64(resp.MsgSeq), Random: b.Random}, nil
}

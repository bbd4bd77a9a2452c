package operation

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// chatType is get_history's ChatType for c: "C2C" or "Group" (not
// message.ConvGroup's "GROUP"); any other value is invalid input.
func chatType(c message.ConversationType) (string, error) {
	switch c {
	case message.ConvC2C:
		return "C2C", nil
	case message.ConvGroup:
		return "Group", nil
	}
	return "", wire.Invalid("ChatType", "must be message.ConvC2C or message.ConvGroup, got %q", string(c))
}

// conversationOf reads a history file's ChatType ("C2C", "Group", in any
// case); other values are kept as they are.
func conversationOf(s string) message.ConversationType {
	switch {
	case strings.EqualFold(s, "C2C"):
		return message.ConvC2C
	case strings.EqualFold(s, "Group"):
		return message.ConvGroup
	}
	return message.ConversationType(s)
}

// hourLayout is how get_history names an hour bucket (MsgTime).
const hourLayout = "2006010215"

// ErrHistoryNotReady matches get_history's 1004: the hour's file is not
// generated yet (files are made hourly, usually within an hour after it
// ends) or the hour had no messages. The *APIError is wrapped too.
var ErrHistoryNotReady = errors.New("operation: message history file not ready or empty")

// HistoryRequest names one hour of one kind of messages.
type HistoryRequest struct {
	// ChatType is message.ConvC2C or message.ConvGroup (sent as "C2C" or
	// "Group").
	ChatType message.ConversationType
	// Hour is any time within the hour wanted (MsgTime). It is sent as
	// the hour's bucket name in Beijing time (UTC+8), the zone of
	// Tencent's hour buckets: 13:30 UTC asks for "YYYYMMDD21". To ask for
	// a bucket by its name, give that hour in UTC+8, e.g.
	// time.Date(2015, 12, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	// for "2015120100".
	Hour time.Time
}

func (r HistoryRequest) msgTime() (string, error) {
	if r.Hour.IsZero() {
		return "", wire.Invalid("MsgTime", "no hour given")
	}
	mt := r.Hour.In(beijing).Format(hourLayout)
	if len(mt) != len(hourLayout) {
		return "", wire.Invalid("MsgTime", "%v is outside the years 0000..9999", r.Hour)
	}
	return mt, nil
}

// HistoryFile is one downloadable message-history file: gzip-compressed
// JSON, kept by Tencent for 3 days; the URL itself expires earlier.
type HistoryFile struct {
	URL string
	// Expires is ExpireTime, when the URL stops working.
	Expires time.Time
	// FileSize and FileMD5 describe the uncompressed file.
	FileSize int64
	FileMD5  string
	// GzipSize and GzipMD5 describe the download.
	GzipSize int64
	GzipMD5  string
}

// A read: a resend changes nothing.
var epGetHistory = catalog.Declare(api.Endpoint{Path: "open_msg_svc/get_history", Safety: api.Idempotent})

// HistoryFiles returns the download addresses of one hour's message
// history. A file not made yet (or an hour without messages) is
// ErrHistoryNotReady. Read a downloaded file with ReadHistory.
//
// REST: v4/open_msg_svc/get_history
func (s *Service) HistoryFiles(ctx context.Context, r HistoryRequest) ([]HistoryFile, error) {
	ct, err := chatType(r.ChatType)
	if err != nil {
		return nil, err
	}
	mt, err := r.msgTime()
	if err != nil {
		return nil, err
	}
	req := struct {
		ChatType string `json:"ChatType"`
		MsgTime  string `json:"MsgTime"`
	}{ct, mt}
	var resp struct {
		envelope
		File []struct {
			URL        wire.FlexString `json:"URL"`
			ExpireTime wire.FlexString `json:"ExpireTime"`
			FileSize   wire.FlexInt    `json:"FileSize"`
			FileMD5    wire.FlexString `json:"FileMD5"`
			GzipSize   wire.FlexInt    `json:"GzipSize"`
			GzipMD5    wire.FlexString `json:"GzipMD5"`
		} `json:"File"`
	}
	if err := s.d.Do(ctx, epGetHistory, &req, &resp); err != nil {
		var ae *api.Error
		if errors.As(err, &ae) && ae.Code == 1004 {
			return nil, fmt.Errorf("%w: %w", ErrHistoryNotReady, err)
		}
		return nil, err
	}
	out := make([]HistoryFile, len(resp.File))
	for i, f := range resp.File {
		out[i] = HistoryFile{URL: string(f.URL), FileSize: int64(f.FileSize), FileMD5: string(f.FileMD5),
			GzipSize: int64(f.GzipSize), GzipMD5: string(f.GzipMD5)}
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", string(f.ExpireTime), beijing); err == nil {
			out[i].Expires = t
		}
	}
	return out, nil
}

// HistoryRecord is one message of a history file.
type HistoryRecord struct {
	// ChatType comes from the file's header: message.ConvC2C or
	// message.ConvGroup (a value Tencent does not document is kept as it
	// is).
	ChatType message.ConversationType
	// MsgTime is the file's hour (its header's "YYYYMMDDHH", read in
	// Beijing time); zero when the header has none or it is unreadable.
	MsgTime time.Time
	From    string // From_Account
	To      string // To_Account (C2C)
	GroupID string // GroupId (Group)
	// Timestamp is MsgTimestamp.
	Timestamp time.Time
	MsgSeq    uint64
	MsgRandom uint32
	Body      message.Body
	// Raw is the record as it appears in the file.
	Raw json.RawMessage
}

type historyRecordWire struct {
	From      wire.FlexString `json:"From_Account"`
	To        wire.FlexString `json:"To_Account"`
	GroupID   wire.FlexString `json:"GroupId"`
	Timestamp wire.FlexInt    `json:"MsgTimestamp"`
	MsgSeq    wire.FlexUint64 `json:"MsgSeq"`
	MsgRandom wire.FlexInt    `json:"MsgRandom"`
	MsgBody   message.Body    `json:"MsgBody"`
}

// ErrNotHistoryFile is returned by ReadHistory for input that is not a
// history file (a JSON object with a MsgList array).
var ErrNotHistoryFile = errors.New("operation: not a message history file")

// ReadHistory streams the messages of a history file downloaded from a
// HistoryFile URL, gzip-compressed or already decompressed, without
// loading the whole file: {"SdkAppId":…,"ChatType":…,"MsgTime":…,
// "MsgList":[…]}. A record that is JSON but not a message is yielded with
// an error (and its Raw) and reading goes on; broken JSON ends the reading
// with an error.
func ReadHistory(r io.Reader) iter.Seq2[HistoryRecord, error] {
	return func(yield func(HistoryRecord, error) bool) {
		br := bufio.NewReader(r)
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			zr, err := gzip.NewReader(br)
			if err != nil {
				yield(HistoryRecord{}, fmt.Errorf("operation: history file: %w", err))
				return
			}
			defer zr.Close()
			br = bufio.NewReader(zr)
		}
		dec := json.NewDecoder(br)
		dec.UseNumber()
		fail := func(err error) { yield(HistoryRecord{}, fmt.Errorf("%w: %v", ErrNotHistoryFile, err)) }
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			if err == nil {
				err = fmt.Errorf("starts with %v", tok)
			}
			fail(err)
			return
		}
		var hdr struct {
			ChatType message.ConversationType
			MsgTime  time.Time
		}
		sawList := false
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				fail(err)
				return
			}
			key, _ := tok.(string)
			switch key {
			case "ChatType", "MsgTime":
				var v wire.FlexString
				if err := dec.Decode(&v); err != nil {
					fail(err)
					return
				}
				if key == "ChatType" {
					hdr.ChatType = conversationOf(string(v))
				} else if t, err := time.ParseInLocation(hourLayout, string(v), beijing); err == nil {
					hdr.MsgTime = t
				}
			case "MsgList":
				if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
					if err == nil {
						err = fmt.Errorf("MsgList is not an array")
					}
					fail(err)
					return
				}
				sawList = true
				for n := 0; dec.More(); n++ {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						yield(HistoryRecord{}, fmt.Errorf("operation: history record %d: %w", n, err))
						return
					}
					var w historyRecordWire
					if err := json.Unmarshal(raw, &w); err != nil {
						if !yield(HistoryRecord{Raw: raw}, fmt.Errorf("operation: history record %d: %w", n, err)) {
							return
						}
						continue
					}
					rec := HistoryRecord{ChatType: hdr.ChatType, MsgTime: hdr.MsgTime, From: string(w.From), To: string(w.To),
						GroupID: string(w.GroupID), MsgSeq: uint64(w.MsgSeq), MsgRandom: uint32(w.MsgRandom), Body: w.MsgBody, Raw: raw}
					if w.Timestamp > 0 {
						rec.Timestamp = time.Unix(int64(w.Timestamp), 0)
					}
					if !yield(rec, nil) {
						return
					}
				}
				if _, err := dec.Token(); err != nil { // ']'
					fail(err)
					return
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					fail(err)
					return
				}
			}
		}
		if !sawList {
			fail(errors.New("no MsgList"))
		}
	}
}

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
	"time"

	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/message"
)

// ChatType selects which messages get_history returns.
type ChatType string

// Chat types.
const (
	ChatC2C   ChatType = "C2C"
	ChatGroup ChatType = "Group"
)

// ErrHistoryNotReady matches get_history's 1004: the hour's file is not
// generated yet (files are made hourly, usually within an hour after it
// ends) or the hour had no messages. The *APIError is wrapped too.
var ErrHistoryNotReady = errors.New("operation: message history file not ready or empty")

// HistoryRequest names one hour of one kind of messages.
type HistoryRequest struct {
	ChatType ChatType
	// Hour is any time within the hour wanted; it is formatted in Beijing
	// time (UTC+8), the zone of Tencent's hour buckets.
	Hour time.Time
	// MsgTime, when set, is sent as is instead of Hour ("YYYYMMDDHH").
	MsgTime string
}

func (r HistoryRequest) msgTime() (string, error) {
	if r.MsgTime != "" {
		if len(r.MsgTime) != 10 {
			return "", wire.Invalid("MsgTime", "%q is not YYYYMMDDHH", r.MsgTime)
		}
		if _, err := time.ParseInLocation("2006010215", r.MsgTime, beijing); err != nil {
			return "", wire.Invalid("MsgTime", "%q is not YYYYMMDDHH", r.MsgTime)
		}
		return r.MsgTime, nil
	}
	if r.Hour.IsZero() {
		return "", wire.Invalid("MsgTime", "no hour given")
	}
	return r.Hour.In(beijing).Format("2006010215"), nil
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

// HistoryFiles returns the download addresses of one hour's message
// history. A file not made yet (or an hour without messages) is
// ErrHistoryNotReady. Read a downloaded file with ReadHistory.
//
// REST: v4/open_msg_svc/get_history
func (s *Service) HistoryFiles(ctx context.Context, r HistoryRequest) ([]HistoryFile, error) {
	switch r.ChatType {
	case ChatC2C, ChatGroup:
	default:
		return nil, wire.Invalid("ChatType", "must be %q or %q, got %q", ChatC2C, ChatGroup, string(r.ChatType))
	}
	mt, err := r.msgTime()
	if err != nil {
		return nil, err
	}
	req := struct {
		ChatType ChatType `json:"ChatType"`
		MsgTime  string   `json:"MsgTime"`
	}{r.ChatType, mt}
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
	if err := s.d.Do(ctx, pathGetHistory, &req, &resp); err != nil {
		var ae *wire.APIError
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
	// ChatType and MsgTime come from the file's header.
	ChatType ChatType
	MsgTime  string
	From     string // From_Account
	To       string // To_Account (C2C)
	GroupID  string // GroupId (Group)
	// Timestamp is MsgTimestamp.
	Timestamp time.Time
	MsgSeq    uint64
	MsgRandom uint64
	Body      message.Body
	// Raw is the record as it appears in the file.
	Raw json.RawMessage
}

type historyRecordWire struct {
	From      wire.FlexString `json:"From_Account"`
	To        wire.FlexString `json:"To_Account"`
	GroupID   wire.FlexString `json:"GroupId"`
	Timestamp wire.FlexInt    `json:"MsgTimestamp"`
	MsgSeq    wire.FlexInt    `json:"MsgSeq"`
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
			ChatType ChatType
			MsgTime  string
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
					hdr.ChatType = ChatType(v)
				} else {
					hdr.MsgTime = string(v)
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
						GroupID: string(w.GroupID), MsgSeq: uint64(w.MsgSeq), MsgRandom: uint64(w.MsgRandom), Body: w.MsgBody, Raw: raw}
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

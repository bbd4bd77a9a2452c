package message

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/timkit/tim/internal/jsonenc"
	"github.com/timkit/tim/internal/jsonread"
	"github.com/timkit/tim/internal/wire"
)

// Type is the MsgType of a message element, e.g. "TIMTextElem".
type Type string

// Element types Tencent defines (reference §3.1).
const (
	TypeText     Type = "TIMTextElem"
	TypeLocation Type = "TIMLocationElem"
	TypeFace     Type = "TIMFaceElem"
	TypeCustom   Type = "TIMCustomElem"
	TypeSound    Type = "TIMSoundElem"
	TypeImage    Type = "TIMImageElem"
	TypeFile     Type = "TIMFileElem"
	TypeVideo    Type = "TIMVideoFileElem"
	TypeRelay    Type = "TIMRelayElem"
)

// Element is one element of a message body. The types of this package
// (*Text, *Custom, *Image, …, and *Unknown for anything else) implement it;
// the value marshals to the element's MsgContent object.
type Element interface {
	// MsgType returns the element's MsgType string.
	MsgType() Type
}

// Text is a TIMTextElem: plain text, also used as the offline-push text.
type Text struct {
	Text string `json:"Text"`
}

// Location is a TIMLocationElem. Its push text is "[Location]".
type Location struct {
	Desc      string  `json:"Desc"`
	Latitude  float64 `json:"Latitude"`
	Longitude float64 `json:"Longitude"`
}

// Face is a TIMFaceElem: an app-defined emoji index plus extra data.
type Face struct {
	Index int64  `json:"Index"`
	Data  string `json:"Data"`
}

// Custom is a TIMCustomElem. A message holds at most one. Data is not sent
// in the APNs payload; Desc is the push text (OfflinePushInfo.Desc wins over
// it), Ext becomes the APNs ext field and Sound the APNs sound.
type Custom struct {
	Data  string `json:"Data"`
	Desc  string `json:"Desc,omitempty"`
	Ext   string `json:"Ext,omitempty"`
	Sound string `json:"Sound,omitempty"`
}

// Sound is a TIMSoundElem (a voice clip already uploaded somewhere
// reachable).
type Sound struct {
	URL          string `json:"Url"`
	UUID         string `json:"UUID"`
	Size         int64  `json:"Size"`          // bytes
	Second       int64  `json:"Second"`        // duration
	DownloadFlag int    `json:"Download_Flag"` // 2: download from URL
}

// ImageFormat is TIMImageElem.ImageFormat.
type ImageFormat int

// Image formats.
const (
	ImageJPG   ImageFormat = 1
	ImageGIF   ImageFormat = 2
	ImagePNG   ImageFormat = 3
	ImageBMP   ImageFormat = 4
	ImageOther ImageFormat = 255
)

// ImageKind is ImageInfo.Type: which rendition of the picture.
type ImageKind int

// Image renditions.
const (
	ImageOriginal  ImageKind = 1
	ImageLarge     ImageKind = 2
	ImageThumbnail ImageKind = 3
)

// ImageInfo is one rendition of an image.
type ImageInfo struct {
	Type   ImageKind `json:"Type"`
	Size   int64     `json:"Size"`
	Width  int64     `json:"Width"`
	Height int64     `json:"Height"`
	URL    string    `json:"URL"`
}

// Image is a TIMImageElem.
type Image struct {
	UUID           string      `json:"UUID"`
	ImageFormat    ImageFormat `json:"ImageFormat"`
	ImageInfoArray []ImageInfo `json:"ImageInfoArray"`
}

// File is a TIMFileElem.
type File struct {
	URL          string `json:"Url"`
	UUID         string `json:"UUID"`
	FileSize     int64  `json:"FileSize"`
	FileName     string `json:"FileName"`
	DownloadFlag int    `json:"Download_Flag"`
}

// Video is a TIMVideoFileElem: the video and its thumbnail.
type Video struct {
	VideoURL          string `json:"VideoUrl"`
	VideoUUID         string `json:"VideoUUID"`
	VideoSize         int64  `json:"VideoSize"`
	VideoSecond       int64  `json:"VideoSecond"`
	VideoFormat       string `json:"VideoFormat"`
	VideoDownloadFlag int    `json:"VideoDownloadFlag"`
	ThumbURL          string `json:"ThumbUrl"`
	ThumbUUID         string `json:"ThumbUUID"`
	ThumbSize         int64  `json:"ThumbSize"`
	ThumbWidth        int64  `json:"ThumbWidth"`
	ThumbHeight       int64  `json:"ThumbHeight"`
	ThumbFormat       string `json:"ThumbFormat"`
	ThumbDownloadFlag int    `json:"ThumbDownloadFlag"`
}

// Relay is a TIMRelayElem: a merged forward of several messages. The
// reference lists the element without its field set (⚠ unverified); the
// fields here follow the front-end SDK's merger element. Fields this
// package does not model are dropped on decode; decode into *Unknown (via a
// Body holding an unknown type) if you need them verbatim.
type Relay struct {
	Title          string       `json:"Title"`
	MsgNum         int64        `json:"MsgNum"`
	CompatibleText string       `json:"CompatibleText,omitempty"`
	AbstractList   []string     `json:"AbstractList,omitempty"`
	MsgList        []RelayedMsg `json:"MsgList,omitempty"`
}

// RelayedMsg is one forwarded message inside a Relay. It encodes to and
// decodes from Tencent's JSON (MarshalJSON, UnmarshalJSON): MsgTimeStamp
// as Unix seconds, omitted when zero, like MsgSeq and the other empty
// fields.
type RelayedMsg struct {
	From    string // From_Account
	GroupID string // GroupId
	// MsgSeq is the forwarded message's sequence number.
	MsgSeq uint64
	// MsgRandom is the forwarded message's MsgRandom (a dedup key).
	MsgRandom uint32
	// MsgTimeStamp is the forwarded message's time (whole seconds on the
	// wire).
	MsgTimeStamp    time.Time
	CloudCustomData string
	MsgBody         Body
}

// relayedWire is RelayedMsg as encoded.
type relayedWire struct {
	From            string `json:"From_Account,omitempty"`
	GroupID         string `json:"GroupId,omitempty"`
	MsgSeq          uint64 `json:"MsgSeq,omitempty"`
	MsgRandom       uint32 `json:"MsgRandom,omitempty"`
	MsgTimeStamp    int64  `json:"MsgTimeStamp,omitempty"`
	CloudCustomData string `json:"CloudCustomData,omitempty"`
	MsgBody         Body   `json:"MsgBody"`
}

// relayedIn is RelayedMsg as decoded, tolerant of numbers sent as strings.
type relayedIn struct {
	From            wire.FlexString `json:"From_Account"`
	GroupID         wire.FlexString `json:"GroupId"`
	MsgSeq          wire.FlexUint64 `json:"MsgSeq"`
	MsgRandom       wire.FlexInt    `json:"MsgRandom"`
	MsgTimeStamp    wire.FlexInt    `json:"MsgTimeStamp"`
	CloudCustomData wire.FlexString `json:"CloudCustomData"`
	MsgBody         Body            `json:"MsgBody"`
}

func (w *relayedIn) msg() RelayedMsg {
	return RelayedMsg{
		From: string(w.From), GroupID: string(w.GroupID), MsgSeq: uint64(w.MsgSeq), MsgRandom: uint32(w.MsgRandom),
		MsgTimeStamp: wire.UnixTime(int64(w.MsgTimeStamp)), CloudCustomData: string(w.CloudCustomData), MsgBody: w.MsgBody,
	}
}

// MarshalJSON implements json.Marshaler: Tencent's keys, MsgTimeStamp in
// Unix seconds.
func (m RelayedMsg) MarshalJSON() ([]byte, error) {
	w := relayedWire{m.From, m.GroupID, m.MsgSeq, m.MsgRandom, 0, m.CloudCustomData, m.MsgBody}
	if !m.MsgTimeStamp.IsZero() {
		w.MsgTimeStamp = m.MsgTimeStamp.Unix()
	}
	return json.Marshal(&w)
}

// UnmarshalJSON implements json.Unmarshaler: Tencent's keys, numbers sent
// as numbers or strings, MsgTimeStamp in Unix seconds (0: the zero time).
func (m *RelayedMsg) UnmarshalJSON(b []byte) error {
	var w relayedIn
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = w.msg()
	return nil
}

// Unknown is an element whose MsgType this package does not know (or whose
// content could not be read as its type). It is kept and re-encoded as is:
// Content is the raw MsgContent JSON.
type Unknown struct {
	Type    Type
	Content json.RawMessage
}

// MsgType implements Element.
func (e *Text) MsgType() Type { return TypeText }

// MsgType implements Element.
func (e *Location) MsgType() Type { return TypeLocation }

// MsgType implements Element.
func (e *Face) MsgType() Type { return TypeFace }

// MsgType implements Element.
func (e *Custom) MsgType() Type { return TypeCustom }

// MsgType implements Element.
func (e *Sound) MsgType() Type { return TypeSound }

// MsgType implements Element.
func (e *Image) MsgType() Type { return TypeImage }

// MsgType implements Element.
func (e *File) MsgType() Type { return TypeFile }

// MsgType implements Element.
func (e *Video) MsgType() Type { return TypeVideo }

// MsgType implements Element.
func (e *Relay) MsgType() Type { return TypeRelay }

// MsgType implements Element.
func (e *Unknown) MsgType() Type {
	if e == nil {
		return ""
	}
	return e.Type
}

// MarshalJSON encodes the raw content ({} when empty).
func (e *Unknown) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	if c := bytes.TrimSpace(e.Content); len(c) == 0 || string(c) == "null" {
		return []byte("{}"), nil
	}
	return e.Content, nil
}

// Body is a message body: the MsgBody array. It encodes as
// [{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}, …].
//
// Decoding is tolerant, since the JSON comes from outside (callbacks,
// history): unknown element types become *Unknown, numbers sent as strings
// (and strings sent as numbers) are accepted, missing and extra fields
// never fail, a content that cannot be read as its type is kept as
// *Unknown, and a single element object where an array belongs is accepted.
// Only JSON that is not an array, object or null fails.
type Body []Element

// Text returns the text of the body's Text elements, concatenated: what a
// notification would show.
func (b Body) Text() string {
	n := 0
	var only string
	for _, e := range b {
		if t, ok := e.(*Text); ok && t != nil {
			n++
			only = t.Text
		}
	}
	if n <= 1 {
		return only
	}
	var sb strings.Builder
	for _, e := range b {
		if t, ok := e.(*Text); ok && t != nil {
			sb.WriteString(t.Text)
		}
	}
	return sb.String()
}

// MarshalJSON implements json.Marshaler.
func (b Body) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("[]"), nil
	}
	return b.appendJSON(make([]byte, 0, b.sizeHint()))
}

// sizeHint estimates the encoded size, so encoding rarely regrows.
func (b Body) sizeHint() int {
	n := 2
	for _, e := range b {
		if t, ok := e.(*Text); ok && t != nil {
			n += 56 + len(t.Text) + len(t.Text)/8
			continue
		}
		n += 160
	}
	return n
}

func (b Body) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, '[')
	for i, e := range b {
		if i > 0 {
			buf = append(buf, ',')
		}
		if e == nil {
			return nil, wire.Invalid("MsgBody["+strconv.Itoa(i)+"]", "nil element")
		}
		buf = append(buf, `{"MsgType":`...)
		buf = jsonenc.AppendString(buf, string(e.MsgType()))
		buf = append(buf, `,"MsgContent":`...)
		var err error
		buf, err = appendContent(buf, e)
		if err != nil {
			return nil, err
		}
		buf = append(buf, '}')
	}
	return append(buf, ']'), nil
}

// appendContent writes an element's MsgContent. Text, the common case, is
// written directly; the rest goes through encoding/json.
func appendContent(buf []byte, e Element) ([]byte, error) {
	switch v := e.(type) {
	case *Text:
		if v == nil {
			return nil, errNilElement
		}
		buf = append(buf, `{"Text":`...)
		buf = jsonenc.AppendString(buf, v.Text)
		return append(buf, '}'), nil
	case *Unknown:
		if v == nil {
			return nil, errNilElement
		}
		c := bytes.TrimSpace(v.Content)
		if len(c) == 0 || string(c) == "null" {
			return append(buf, "{}"...), nil
		}
		if !json.Valid(c) {
			return nil, wire.Invalid("MsgContent", "element %q holds invalid JSON", v.Type)
		}
		return append(buf, c...), nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, errNilElement
	}
	return append(buf, b...), nil
}

// elemWire is one {"MsgType","MsgContent"} item as read from the wire.
type elemWire struct {
	MsgType    wire.FlexString `json:"MsgType"`
	MsgContent json.RawMessage `json:"MsgContent"`
}

// UnmarshalJSON implements json.Unmarshaler; see Body for its tolerance.
func (b *Body) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		*b = nil
		return nil
	}
	if data[0] == '[' {
		// The common form, read in one pass.
		if out, ok := readBody(data); ok {
			*b = out
			return nil
		}
	}
	return b.unmarshalGeneral(data)
}

// unmarshalGeneral is UnmarshalJSON for every form readBody leaves (data
// trimmed, not null).
func (b *Body) unmarshalGeneral(data []byte) error {
	var raws []json.RawMessage
	switch data[0] {
	case '[':
		// Every item is an {MsgType, MsgContent} object.
		var items []elemWire
		if json.Unmarshal(data, &items) == nil {
			out := make(Body, len(items))
			for i, w := range items {
				out[i] = elementOf(w, false)
			}
			*b = out
			return nil
		}
		if err := json.Unmarshal(data, &raws); err != nil {
			return err
		}
	case '{':
		if !json.Valid(data) {
			return json.Unmarshal(data, new(map[string]any)) // the syntax error
		}
		raws = []json.RawMessage{data}
	default:
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		return &json.UnmarshalTypeError{Value: "non-array", Type: bodyType, Field: "MsgBody"}
	}
	out := make(Body, 0, len(raws))
	for _, raw := range raws {
		out = append(out, decodeElement(raw))
	}
	*b = out
	return nil
}

// readBody decodes the common form of a body, an array of objects whose
// MsgType is a string, in one pass (no validity pre-scan, no reflection):
// the result is the one json.Unmarshal into []elemWire and elementOf
// give. ok is false for anything else (invalid JSON, other item shapes,
// keys encoding/json would match by case folding, escaped keys), which
// then takes the general path.
func readBody(data []byte) (Body, bool) {
	r := jsonread.New(data)
	if !r.Consume('[') {
		return nil, false
	}
	out := make(Body, 0, 1)
	if r.Consume(']') {
		return out, r.AtEnd()
	}
	for {
		e, ok := readElement(&r)
		if !ok {
			return nil, false
		}
		out = append(out, e)
		if r.Consume(']') {
			return out, r.AtEnd()
		}
		if !r.Consume(',') {
			return nil, false
		}
	}
}

// readElement reads one {"MsgType":…,"MsgContent":…} item for readBody.
// As with encoding/json, a repeated key's last value wins and other keys
// are skipped.
func readElement(r *jsonread.Reader) (Element, bool) {
	if !r.Consume('{') {
		return nil, false
	}
	var w elemWire
	if !r.Consume('}') {
		for {
			key, ok := r.Key()
			if !ok {
				return nil, false
			}
			switch k := string(key); {
			case k == "MsgType":
				s, ok := r.String()
				if !ok {
					return nil, false
				}
				w.MsgType = wire.FlexString(s)
			case k == "MsgContent":
				if w.MsgContent, ok = r.Skip(); !ok {
					return nil, false
				}
			case strings.EqualFold(k, "MsgType") || strings.EqualFold(k, "MsgContent"):
				return nil, false // encoding/json would fold the case: its path
			default:
				if _, ok := r.Skip(); !ok {
					return nil, false
				}
			}
			if r.Consume('}') {
				break
			}
			if !r.Consume(',') {
				return nil, false
			}
		}
	}
	if Type(w.MsgType) == TypeText && len(w.MsgContent) > 0 && w.MsgContent[0] == '{' {
		if s, ok := readText(w.MsgContent); ok {
			return &Text{Text: s}, true
		}
	}
	// The content aliases data: elementOf clones what an *Unknown keeps.
	return elementOf(w, true), true
}

// readText reads a text element's content object, as decodeKnown would:
// the last "Text" string wins, other keys are skipped. ok is false for
// what decodeKnown handles otherwise (a Text that is not a string, a key
// matching "Text" only by case folding).
func readText(content []byte) (string, bool) {
	r := jsonread.New(content)
	var text string
	if !r.Consume('{') {
		return "", false
	}
	if r.Consume('}') {
		return "", r.AtEnd()
	}
	for {
		key, ok := r.Key()
		if !ok {
			return "", false
		}
		switch k := string(key); {
		case k == "Text":
			if text, ok = r.String(); !ok {
				return "", false
			}
		case strings.EqualFold(k, "Text"):
			return "", false
		default:
			if _, ok := r.Skip(); !ok {
				return "", false
			}
		}
		if r.Consume('}') {
			return text, r.AtEnd()
		}
		if !r.Consume(',') {
			return "", false
		}
	}
}

// decodeElement never fails: what it cannot read becomes *Unknown.
func decodeElement(raw json.RawMessage) Element {
	raw = bytes.TrimSpace(raw)
	var w elemWire
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &w) != nil {
		return &Unknown{Content: cloneRaw(raw)}
	}
	return elementOf(w, true)
}

// elementOf turns a decoded item into an element; clone copies the content
// kept by an *Unknown when it may alias the caller's buffer.
func elementOf(w elemWire, clone bool) Element {
	t := Type(w.MsgType)
	content := bytes.TrimSpace(w.MsgContent)
	if len(content) == 0 || string(content) == "null" {
		content = nil
	}
	if e := decodeKnown(t, content); e != nil {
		return e
	}
	if clone {
		content = cloneRaw(content)
	}
	return &Unknown{Type: t, Content: content}
}

func cloneRaw(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

// decodeKnown reads content as the element type t; nil when t is unknown
// or content is not an object of that shape.
func decodeKnown(t Type, content []byte) Element {
	if content == nil {
		content = []byte("{}")
	}
	if content[0] != '{' {
		return nil
	}
	switch t {
	case TypeText:
		if s, ok := plainText(content); ok {
			return &Text{Text: s}
		}
		var w struct {
			Text wire.FlexString `json:"Text"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Text{Text: string(w.Text)}
	case TypeLocation:
		var w struct {
			Desc      wire.FlexString `json:"Desc"`
			Latitude  wire.FlexFloat  `json:"Latitude"`
			Longitude wire.FlexFloat  `json:"Longitude"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Location{Desc: string(w.Desc), Latitude: float64(w.Latitude), Longitude: float64(w.Longitude)}
	case TypeFace:
		var w struct {
			Index wire.FlexInt    `json:"Index"`
			Data  wire.FlexString `json:"Data"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Face{Index: int64(w.Index), Data: string(w.Data)}
	case TypeCustom:
		var w struct {
			Data  wire.FlexString `json:"Data"`
			Desc  wire.FlexString `json:"Desc"`
			Ext   wire.FlexString `json:"Ext"`
			Sound wire.FlexString `json:"Sound"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Custom{Data: string(w.Data), Desc: string(w.Desc), Ext: string(w.Ext), Sound: string(w.Sound)}
	case TypeSound:
		var w struct {
			URL          wire.FlexString `json:"Url"`
			UUID         wire.FlexString `json:"UUID"`
			Size         wire.FlexInt    `json:"Size"`
			Second       wire.FlexInt    `json:"Second"`
			DownloadFlag wire.FlexInt    `json:"Download_Flag"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Sound{URL: string(w.URL), UUID: string(w.UUID), Size: int64(w.Size), Second: int64(w.Second), DownloadFlag: int(w.DownloadFlag)}
	case TypeImage:
		var w struct {
			UUID           wire.FlexString `json:"UUID"`
			ImageFormat    wire.FlexInt    `json:"ImageFormat"`
			ImageInfoArray []struct {
				Type   wire.FlexInt    `json:"Type"`
				Size   wire.FlexInt    `json:"Size"`
				Width  wire.FlexInt    `json:"Width"`
				Height wire.FlexInt    `json:"Height"`
				URL    wire.FlexString `json:"URL"`
			} `json:"ImageInfoArray"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		img := &Image{UUID: string(w.UUID), ImageFormat: ImageFormat(w.ImageFormat)}
		if w.ImageInfoArray != nil {
			img.ImageInfoArray = make([]ImageInfo, len(w.ImageInfoArray))
			for i, in := range w.ImageInfoArray {
				img.ImageInfoArray[i] = ImageInfo{Type: ImageKind(in.Type), Size: int64(in.Size), Width: int64(in.Width), Height: int64(in.Height), URL: string(in.URL)}
			}
		}
		return img
	case TypeFile:
		var w struct {
			URL          wire.FlexString `json:"Url"`
			UUID         wire.FlexString `json:"UUID"`
			FileSize     wire.FlexInt    `json:"FileSize"`
			FileName     wire.FlexString `json:"FileName"`
			DownloadFlag wire.FlexInt    `json:"Download_Flag"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &File{URL: string(w.URL), UUID: string(w.UUID), FileSize: int64(w.FileSize), FileName: string(w.FileName), DownloadFlag: int(w.DownloadFlag)}
	case TypeVideo:
		var w struct {
			VideoURL          wire.FlexString `json:"VideoUrl"`
			VideoUUID         wire.FlexString `json:"VideoUUID"`
			VideoSize         wire.FlexInt    `json:"VideoSize"`
			VideoSecond       wire.FlexInt    `json:"VideoSecond"`
			VideoFormat       wire.FlexString `json:"VideoFormat"`
			VideoDownloadFlag wire.FlexInt    `json:"VideoDownloadFlag"`
			ThumbURL          wire.FlexString `json:"ThumbUrl"`
			ThumbUUID         wire.FlexString `json:"ThumbUUID"`
			ThumbSize         wire.FlexInt    `json:"ThumbSize"`
			ThumbWidth        wire.FlexInt    `json:"ThumbWidth"`
			ThumbHeight       wire.FlexInt    `json:"ThumbHeight"`
			ThumbFormat       wire.FlexString `json:"ThumbFormat"`
			ThumbDownloadFlag wire.FlexInt    `json:"ThumbDownloadFlag"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		return &Video{
			VideoURL: string(w.VideoURL), VideoUUID: string(w.VideoUUID), VideoSize: int64(w.VideoSize),
			VideoSecond: int64(w.VideoSecond), VideoFormat: string(w.VideoFormat), VideoDownloadFlag: int(w.VideoDownloadFlag),
			ThumbURL: string(w.ThumbURL), ThumbUUID: string(w.ThumbUUID), ThumbSize: int64(w.ThumbSize),
			ThumbWidth: int64(w.ThumbWidth), ThumbHeight: int64(w.ThumbHeight), ThumbFormat: string(w.ThumbFormat),
			ThumbDownloadFlag: int(w.ThumbDownloadFlag),
		}
	case TypeRelay:
		var w struct {
			Title          wire.FlexString   `json:"Title"`
			MsgNum         wire.FlexInt      `json:"MsgNum"`
			CompatibleText wire.FlexString   `json:"CompatibleText"`
			AbstractList   []wire.FlexString `json:"AbstractList"`
			MsgList        []relayedIn       `json:"MsgList"`
		}
		if json.Unmarshal(content, &w) != nil {
			return nil
		}
		r := &Relay{Title: string(w.Title), MsgNum: int64(w.MsgNum), CompatibleText: string(w.CompatibleText)}
		for _, a := range w.AbstractList {
			r.AbstractList = append(r.AbstractList, string(a))
		}
		for i := range w.MsgList {
			r.MsgList = append(r.MsgList, w.MsgList[i].msg())
		}
		return r
	}
	return nil
}

var bodyType = reflect.TypeFor[Body]()

var errNilElement = wire.Invalid("MsgBody", "holds a nil element")

// plainText reads the common compact text content {"Text":"…"} whose
// string has no escapes, without a json.Unmarshal; ok is false for any
// other shape (whitespace, escapes, other keys), which then takes the
// general path.
func plainText(content []byte) (string, bool) {
	const head, tail = `{"Text":"`, `"}`
	if len(content) < len(head)+len(tail) || string(content[:len(head)]) != head ||
		string(content[len(content)-len(tail):]) != tail {
		return "", false
	}
	inner := content[len(head) : len(content)-len(tail)]
	if bytes.IndexByte(inner, '\\') >= 0 || bytes.IndexByte(inner, '"') >= 0 || !utf8.Valid(inner) {
		return "", false
	}
	for _, c := range inner {
		if c < 0x20 {
			return "", false // a raw control character is invalid JSON
		}
	}
	return string(inner), true
}

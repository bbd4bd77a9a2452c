package event

import (
	"reflect"
	"slices"
	"strconv"

	"github.com/timkit/tim/internal/jsonread"
)

// The one-pass path of Parse for the message callbacks (issue 17: the
// handler at ≤ 1.5× a bare json.Unmarshal). encoding/json scans a body
// twice (validity, then decode) and reaches every field through
// reflection; the message callbacks are the bulk of a busy app's
// callbacks, so their common form is read here by hand, in one pass.
//
// The fast path never decides a result on its own: it reads a subset of
// JSON (strings, integers within the field's range, MsgBody and EventTime
// through their own UnmarshalJSON, GroupAtInfo objects; keys in plain
// ASCII) and gives up on anything else — null, a string where a number
// belongs or the reverse, a key encoding/json would match by case folding, a repeated
// GroupAtInfo, invalid JSON. The callback is then zeroed and decoded by
// decodeInto exactly as before. Whatever it accepts, it decodes to the
// value decodeInto gives (TestFastParseMatchesGeneral and
// FuzzFastParseMatchesGeneral hold it to that).

// fastReader is implemented by the callbacks with a one-pass path.
type fastReader interface {
	// readFast decodes body into the zero callback and reports whether
	// it could; when not, it leaves the callback zero again.
	readFast(body []byte) bool
}

// fieldFunc reads the value of key when it is one of the type's fields
// (known), ok reporting whether the value was of a form the fast path
// reads.
type fieldFunc func(r *jsonread.Reader, key []byte) (known, ok bool)

// readFastInto runs the one-pass read of body into *c, whose JSON field
// names are names; on failure *c is zeroed.
func readFastInto[T any](c *T, body []byte, names []string, field fieldFunc) bool {
	r := jsonread.New(body)
	if readObject(&r, names, field) && r.AtEnd() {
		return true
	}
	var zero T
	*c = zero
	return false
}

// readObject reads an object whose fields field knows. A key that is not
// one of them is skipped, as encoding/json does, unless it equals one of
// names but for case (encoding/json would fold it onto that field): then
// the fast path gives up.
func readObject(r *jsonread.Reader, names []string, field fieldFunc) bool {
	if !r.Consume('{') {
		return false
	}
	if r.Consume('}') {
		return true
	}
	for {
		key, ok := r.Key()
		if !ok {
			return false
		}
		known, ok := field(r, key)
		switch {
		case known && !ok:
			return false
		case !known:
			if slices.ContainsFunc(names, func(n string) bool { return foldEqual(key, n) }) {
				return false
			}
			if _, ok := r.Skip(); !ok {
				return false
			}
		}
		if r.Consume('}') {
			return true
		}
		if !r.Consume(',') {
			return false
		}
	}
}

// foldEqual compares an ASCII key to a field name with ASCII case
// folding (what bytes.EqualFold does for ASCII).
func foldEqual(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		if lowerASCII(c) != lowerASCII(name[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonNames lists the JSON field names encoding/json decodes into the
// callback's jsonForm.
func jsonNames(cb Callback) []string {
	fs := jsonFields(reflect.TypeOf(cb.jsonForm()).Elem())
	names := make([]string, 0, len(fs.exact))
	for n := range fs.exact {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func readString[S ~string](r *jsonread.Reader, dst *S) bool {
	s, ok := r.String()
	*dst = S(s)
	return ok
}

func readInt(r *jsonread.Reader, dst *int) bool {
	n, ok := r.Int(strconv.IntSize)
	*dst = int(n)
	return ok
}

func readInt64(r *jsonread.Reader, dst *int64) bool {
	n, ok := r.Int(64)
	*dst = n
	return ok
}

func readUint64(r *jsonread.Reader, dst *uint64) bool {
	n, ok := r.Uint(64)
	*dst = n
	return ok
}

func readUint32(r *jsonread.Reader, dst *uint32) bool {
	n, ok := r.Uint(32)
	*dst = uint32(n) //nolint:gosec // Uint(32) checked the range
	return ok
}

// readUnmarshaler hands a value's bytes to the field's own UnmarshalJSON,
// as encoding/json does; null is left to encoding/json.
func readUnmarshaler(r *jsonread.Reader, dst interface{ UnmarshalJSON([]byte) error }) bool {
	b, ok := r.Skip()
	return ok && b[0] != 'n' && dst.UnmarshalJSON(b) == nil
}

// field reads Meta's fields.
func (m *Meta) field(r *jsonread.Reader, key []byte) (known, ok bool) {
	switch string(key) {
	case "CallbackCommand":
		return true, readString(r, &m.CallbackCommand)
	case "EventTime":
		return true, readUnmarshaler(r, &m.metaWire.EventTime)
	}
	return false, false
}

// field reads C2CMessage's fields.
func (m *C2CMessage) field(r *jsonread.Reader, key []byte) (known, ok bool) {
	switch string(key) {
	case "From_Account":
		return true, readString(r, &m.FromAccount)
	case "To_Account":
		return true, readString(r, &m.ToAccount)
	case "MsgSeq":
		return true, readUint64(r, &m.MsgSeq)
	case "MsgRandom":
		return true, readUint32(r, &m.MsgRandom)
	case "MsgTime":
		return true, readInt64(r, &m.msgTimeWire.MsgTime)
	case "MsgKey":
		return true, readString(r, &m.MsgKey)
	case "MsgId":
		return true, readString(r, &m.MsgID)
	case "OnlineOnlyFlag":
		return true, readInt(r, &m.OnlineOnlyFlag)
	case "MsgBody":
		return true, readUnmarshaler(r, &m.MsgBody)
	case "CloudCustomData":
		return true, readString(r, &m.CloudCustomData)
	}
	return false, false
}

// field reads GroupMessage's fields.
func (m *GroupMessage) field(r *jsonread.Reader, key []byte) (known, ok bool) {
	switch string(key) {
	case "GroupId":
		return true, readString(r, &m.GroupID)
	case "Type":
		return true, readString(r, &m.Type)
	case "From_Account":
		return true, readString(r, &m.FromAccount)
	case "Operator_Account":
		return true, readString(r, &m.OperatorAccount)
	case "Random":
		return true, readUint32(r, &m.Random)
	case "MsgId":
		return true, readString(r, &m.MsgID)
	case "OnlineOnlyFlag":
		return true, readInt(r, &m.OnlineOnlyFlag)
	case "MsgBody":
		return true, readUnmarshaler(r, &m.MsgBody)
	case "CloudCustomData":
		return true, readString(r, &m.CloudCustomData)
	case "TopicId":
		return true, readString(r, &m.TopicID)
	}
	return false, false
}

// readGroupAt reads GroupAtInfo once (a repeated key, which encoding/json
// merges into the first list's items, is left to it).
func readGroupAt(r *jsonread.Reader, dst *[]GroupAt) bool {
	if *dst != nil || !r.Consume('[') {
		return false
	}
	list := make([]GroupAt, 0, 1)
	if r.Consume(']') {
		*dst = list
		return true
	}
	for {
		var at GroupAt
		ok := readObject(r, groupAtNames, func(r *jsonread.Reader, key []byte) (bool, bool) {
			switch string(key) {
			case "GroupAtAllFlag":
				return true, readInt(r, &at.GroupAtAllFlag)
			case "GroupAt_Account":
				return true, readString(r, &at.GroupAtAccount)
			}
			return false, false
		})
		if !ok {
			return false
		}
		list = append(list, at)
		if r.Consume(']') {
			*dst = list
			return true
		}
		if !r.Consume(',') {
			return false
		}
	}
}

var groupAtNames = []string{"GroupAtAllFlag", "GroupAt_Account"}

var (
	c2cBeforeSendMsgNames   = jsonNames(new(C2CBeforeSendMsg))
	c2cAfterSendMsgNames    = jsonNames(new(C2CAfterSendMsg))
	groupBeforeSendMsgNames = jsonNames(new(GroupBeforeSendMsg))
	groupAfterSendMsgNames  = jsonNames(new(GroupAfterSendMsg))
)

// withMeta reads Meta's fields, then part's.
func withMeta(m *Meta, part fieldFunc) fieldFunc {
	return func(r *jsonread.Reader, key []byte) (bool, bool) {
		if known, ok := m.field(r, key); known {
			return true, ok
		}
		return part(r, key)
	}
}

func (c *C2CBeforeSendMsg) readFast(body []byte) bool {
	return readFastInto(c, body, c2cBeforeSendMsgNames, withMeta(&c.Meta, c.C2CMessage.field))
}

func (c *C2CAfterSendMsg) readFast(body []byte) bool {
	return readFastInto(c, body, c2cAfterSendMsgNames, withMeta(&c.Meta, c.field))
}

// field reads C2CAfterSendMsg's own fields and C2CMessage's.
func (c *C2CAfterSendMsg) field(r *jsonread.Reader, key []byte) (known, ok bool) {
	switch string(key) {
	case "SendMsgResult":
		return true, readInt(r, &c.SendMsgResult)
	case "ErrorInfo":
		return true, readString(r, &c.ErrorInfo)
	case "UnreadMsgNum":
		return true, readInt(r, &c.UnreadMsgNum)
	}
	return c.C2CMessage.field(r, key)
}

func (c *GroupBeforeSendMsg) readFast(body []byte) bool {
	return readFastInto(c, body, groupBeforeSendMsgNames, withMeta(&c.Meta, c.GroupMessage.field))
}

func (c *GroupAfterSendMsg) readFast(body []byte) bool {
	return readFastInto(c, body, groupAfterSendMsgNames, withMeta(&c.Meta, c.field))
}

// field reads GroupAfterSendMsg's own fields and GroupMessage's.
func (c *GroupAfterSendMsg) field(r *jsonread.Reader, key []byte) (known, ok bool) {
	switch string(key) {
	case "MsgSeq":
		return true, readUint64(r, &c.MsgSeq)
	case "MsgTime":
		return true, readInt64(r, &c.msgTimeWire.MsgTime)
	case "GroupAtInfo":
		return true, readGroupAt(r, &c.GroupAtInfo)
	}
	return c.GroupMessage.field(r, key)
}

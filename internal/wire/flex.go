package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FlexInt is an integer that Tencent sends sometimes as a JSON number and
// sometimes as a string ("1670574414123"). It decodes both, and null or ""
// as 0; it encodes as a number.
type FlexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s, err := numberText(b)
	if err != nil || s == "" {
		*f = 0
		return err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Accept decimals (also written as strings) by truncating.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return err
		}
		n = int64(fl)
	}
	*f = FlexInt(n)
	return nil
}

// FlexFloat is a number that Tencent sometimes sends as a string (a
// location's "29.5"). It decodes both, and null, "" or a blank string as
// 0 (spaces around a number in a string are ignored); it encodes as a
// number.
type FlexFloat float64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexFloat) UnmarshalJSON(b []byte) error {
	s, err := numberText(b)
	if s = strings.TrimSpace(s); err != nil || s == "" {
		*f = 0
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*f = FlexFloat(v)
	return nil
}

// numberText is the text of a number sent as a JSON number or a string:
// the number as written, or the string's content; "" for null.
func numberText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	if b[0] != '"' {
		return string(b), nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s, nil
}

// FlexString is a string that Tencent sometimes sends as a number or a
// boolean (e.g. a group id, a cursor, a message field). It decodes those
// as their JSON text, null as "", and fails on objects and arrays (so a
// caller decoding something richer, like a message element, can fall back
// to keeping it raw). It encodes as a string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	switch b[0] {
	case '"':
		if len(b) >= 2 && b[len(b)-1] == '"' {
			// No escapes: the common case, one allocation.
			if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) {
				*f = FlexString(inner)
				return nil
			}
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	case '{', '[':
		return fmt.Errorf("wire: %.20s… is not a string or a number", b)
	}
	if !json.Valid(b) {
		return fmt.Errorf("wire: %.20q is not a JSON scalar", b)
	}
	*f = FlexString(b)
	return nil
}

// FlexUint64 is an unsigned 64-bit integer (a cursor, a sequence) that
// Tencent sends as a JSON number or a string. It decodes both, and null or
// "" as 0, without going through float64 (which would lose precision above
// 2^53): fractions, exponents and negative values are errors. It encodes
// as a number.
type FlexUint64 uint64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexUint64) UnmarshalJSON(b []byte) error {
	s, err := numberText(b)
	if err != nil || s == "" {
		*f = 0
		return err
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("wire: %.24q is not an unsigned 64-bit integer: %w", s, err)
	}
	*f = FlexUint64(n)
	return nil
}

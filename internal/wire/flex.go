package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// FlexInt is an integer that Tencent sends sometimes as a JSON number and
// sometimes as a string ("1670574414123"). It decodes both, and null or ""
// as 0; it encodes as a number.
type FlexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*f = 0
			return nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			// Accept decimals written as strings by truncating.
			fl, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil {
				return err
			}
			n = int64(fl)
		}
		*f = FlexInt(n)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		fl, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil {
			return err
		}
		n = int64(fl)
	}
	*f = FlexInt(n)
	return nil
}

// FlexString is a string that Tencent sometimes sends as a number (e.g. a
// group id or a cursor). It decodes both and encodes as a string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		return fmt.Errorf("wire: %.20s… is not a string or a number", b)
	}
	*f = FlexString(b)
	return nil
}

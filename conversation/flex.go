package conversation

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// unquote returns the text of a JSON string literal without going through
// encoding/json when it has no escapes (the common case: ids and marks).
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		in := b[1 : len(b)-1]
		simple := true
		for _, c := range in {
			if c == '\\' || c == '"' || c < 0x20 {
				simple = false
				break
			}
		}
		if simple && utf8.Valid(in) {
			return string(in), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// idField is a string that may come as a JSON number (GroupId drift).
type idField string

func (f *idField) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return err
		}
		*f = idField(s)
	case b[0] == '{' || b[0] == '[':
		*f = "" // not a shape Tencent sends for an id: ignore it
	default:
		*f = idField(b)
	}
	return nil
}

// typeField decodes a conversation Type sent as 1/2, "1"/"2", or a name
// ("C2C", "G2C", "GROUP"). Anything else decodes as 0 (unknown) rather than
// failing the whole page.
type typeField int

func (t *typeField) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = 0
	if len(b) == 1 && (b[0] == '1' || b[0] == '2') {
		*t = typeField(b[0] - '0')
		return nil
	}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		var err error
		if s, err = unquote(b); err != nil {
			return nil
		}
	}
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "C2C":
		*t = wireC2C
		return nil
	case "G2C", "GROUP":
		*t = wireGroup
		return nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && (n == 1 || n == 2) {
		*t = typeField(n)
	}
	return nil
}

// accountField decodes To_Account sent as a string, a number, or an array
// (the first non-empty element is kept).
type accountField string

func (a *accountField) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*a = ""
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case '"':
		s, err := unquote(b)
		if err != nil {
			return err
		}
		*a = accountField(s)
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, raw := range list {
			var one accountField
			if err := one.UnmarshalJSON(raw); err != nil {
				return err
			}
			if one != "" {
				*a = one
				return nil
			}
		}
	case '{':
		// Not a shape Tencent has been seen to send: leave it empty.
	default:
		*a = accountField(b) // a number or a bare literal: keep its text
	}
	return nil
}

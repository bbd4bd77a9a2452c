package conversation

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// typeField decodes a conversation Type sent as 1/2, "1"/"2", or a name
// ("C2C", "G2C", "GROUP"). Anything else decodes as 0 (unknown) rather than
// failing the whole page.
type typeField int

func (t *typeField) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = 0
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
	}
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "C2C":
		*t = typeField(TypeC2C)
		return nil
	case "G2C", "GROUP":
		*t = typeField(TypeGroup)
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
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
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

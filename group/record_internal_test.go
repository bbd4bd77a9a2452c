package group

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncodeRecordShrinks(t *testing.T) {
	t.Parallel()
	r := Record{Doctor: Participant{"d1", strings.Repeat("医", 100)}, Patient: Participant{"p1", strings.Repeat("x", 300)}}
	for _, maxBytes := range []int{400, 240, 150, 90} {
		s, err := encodeRecord(r, 100, maxBytes)
		if err != nil {
			t.Fatalf("max %d: %v", maxBytes, err)
		}
		if len(s) > maxBytes || !utf8.ValidString(s) {
			t.Fatalf("max %d: %d bytes %q", maxBytes, len(s), s)
		}
		back, ok, err := decodeRecord(s)
		if !ok || err != nil || back.Doctor.UserID != "d1" || back.Patient.UserID != "p1" {
			t.Fatalf("max %d: round trip %v %v %+v", maxBytes, ok, err, back)
		}
		if !strings.HasSuffix(back.Patient.Name, Ellipsis) {
			t.Fatalf("max %d: shortened name lacks the ellipsis: %q", maxBytes, back.Patient.Name)
		}
	}
	if _, err := encodeRecord(r, 100, 60); err == nil {
		t.Fatal("a 60-byte record cannot hold two ids and names")
	}
	// JSON escaping counts too.
	q := Record{Doctor: Participant{"d", strings.Repeat(`"`, 80)}, Patient: Participant{"p", "P"}}
	s, err := encodeRecord(q, 100, 120)
	if err != nil || len(s) > 120 {
		t.Fatalf("escaped: %d %v", len(s), err)
	}
}

func TestDecodeRecord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       string
		ok, fail bool
	}{
		{"", false, false},
		{"Ward notices", false, false},
		{`{"doctor":{"id":"d"}}`, false, false},
		{`{"tim_consult":1,"doctor":{"id":"d","name":"D"},"patient":{"id":"p","name":"P"}}`, true, false},
		{` {"tim_consult":1,"doctor":{"id":"d","name":"D"},"patient":{"id":"p","name":"P"}} `, true, false},
		{`{"tim_consult":2,"doctor":{"id":"d","name":"D"},"patient":{"id":"p","name":"P"}}`, true, true},
		{`{"tim_consult":1,"doctor":{"id":"","name":"D"},"patient":{"id":"p","name":"P"}}`, true, true},
		{`{"tim_consult":1,"doctor":{"id":"d","name":" "},"patient":{"id":"p","name":"P"}}`, true, true},
		{`Notes {"tim_consult":1}`, true, true},
	} {
		_, ok, err := decodeRecord(tc.in)
		if ok != tc.ok || (err != nil) != tc.fail {
			t.Errorf("decodeRecord(%q) = ok %v err %v", tc.in, ok, err)
		}
	}
}

// FuzzDecodeRecord reads arbitrary Introduction / custom-field text (which
// group members can edit): no panic, and every accepted record survives a
// re-encode within the limits.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(`{"tim_consult":1,"doctor":{"id":"d","name":"王医生"},"patient":{"id":"p","name":"李雷"}}`)
	f.Add(`{"tim_consult":1,"doctor":{"id":"d","name":"\u0000\ud800"},"patient":{"id":"p","name":"x"}}`)
	f.Add(`{"tim_consult":"1"}`)
	f.Add(`"tim_consult"`)
	f.Fuzz(func(t *testing.T, s string) {
		r, ok, err := decodeRecord(s)
		if !ok || err != nil {
			return
		}
		enc, err := encodeRecord(r, DefaultLimits().Name, DefaultLimits().Introduction)
		if err != nil {
			return // e.g. ids too long to fit: reported, never written
		}
		if len(enc) > DefaultLimits().Introduction || !utf8.ValidString(enc) {
			t.Fatalf("encoded record of %d bytes: %q", len(enc), enc)
		}
		back, ok, err := decodeRecord(enc)
		if !ok || err != nil || back.Doctor.UserID != r.Doctor.UserID || back.Patient.UserID != r.Patient.UserID {
			t.Fatalf("round trip of %q: %v %v %+v", enc, ok, err, back)
		}
		if _, err := FormatASCII.Fit(back.Doctor.Name, back.Patient.Name, DefaultLimits().Name); err != nil {
			t.Fatalf("stored names %q / %q cannot be fitted: %v", back.Doctor.Name, back.Patient.Name, err)
		}
	})
}

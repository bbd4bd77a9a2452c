package group

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/timkit/tim/internal/ident"
	"github.com/timkit/tim/internal/wire"
)

// Placeholders of a NameFormat template.
const (
	DoctorPlaceholder  = "{doctor}"
	PatientPlaceholder = "{patient}"
)

// Ellipsis marks a shortened name.
const Ellipsis = "…"

// NameFormat builds consultation group names from a doctor's and a
// patient's display names, e.g. "{doctor}({patient})". Build one with
// ParseNameFormat; the zero NameFormat behaves as FormatASCII.
type NameFormat struct {
	src          string
	lit          [3]string // before the first name, between, after the second
	patientFirst bool
}

// Predefined formats.
var (
	// FormatASCII names groups "Doctor(Patient)".
	FormatASCII = MustParseNameFormat("{doctor}({patient})")
	// FormatFullWidth names groups with full-width brackets: "医生（患者）".
	FormatFullWidth = MustParseNameFormat("{doctor}（{patient}）")
)

// ParseNameFormat parses a template holding {doctor} and {patient} once
// each, in either order, around any literal text (valid UTF-8).
func ParseNameFormat(tmpl string) (NameFormat, error) {
	if !utf8.ValidString(tmpl) {
		return NameFormat{}, fmt.Errorf("group: name format %q is not valid UTF-8", tmpl)
	}
	if strings.Count(tmpl, DoctorPlaceholder) != 1 || strings.Count(tmpl, PatientPlaceholder) != 1 {
		return NameFormat{}, fmt.Errorf("group: name format %q must hold %s and %s exactly once each", tmpl, DoctorPlaceholder, PatientPlaceholder)
	}
	d, p := strings.Index(tmpl, DoctorPlaceholder), strings.Index(tmpl, PatientPlaceholder)
	f := NameFormat{src: tmpl, patientFirst: p < d}
	first, second := DoctorPlaceholder, PatientPlaceholder
	if f.patientFirst {
		first, second = second, first
	}
	before, rest, _ := strings.Cut(tmpl, first)
	between, after, _ := strings.Cut(rest, second)
	f.lit = [3]string{before, between, after}
	return f, nil
}

// MustParseNameFormat is ParseNameFormat that panics on a bad template,
// for package-level variables.
func MustParseNameFormat(tmpl string) NameFormat {
	f, err := ParseNameFormat(tmpl)
	if err != nil {
		panic(err)
	}
	return f
}

// String returns the template.
func (f NameFormat) String() string {
	if f.zero() {
		return FormatASCII.src
	}
	return f.src
}

func (f NameFormat) zero() bool { return f.src == "" }

// overhead is the byte length of the literal text.
func (f NameFormat) overhead() int { return len(f.lit[0]) + len(f.lit[1]) + len(f.lit[2]) }

func (f NameFormat) join(doctor, patient string) string {
	a, b := doctor, patient
	if f.patientFirst {
		a, b = b, a
	}
	return f.lit[0] + a + f.lit[1] + b + f.lit[2]
}

// Fit builds the group name for doctor and patient within limit UTF-8
// bytes. Names are cleaned first (invalid UTF-8 replaced, control
// characters turned into spaces, outer spaces trimmed). When the whole
// name is too long, the longer name is shortened first, at a character
// boundary, and marked with Ellipsis; if both are still too long they
// share the room evenly. Each name always keeps at least its first
// character, so neither disappears; when even that cannot fit, Fit
// returns an error.
func (f NameFormat) Fit(doctor, patient string, limit int) (string, error) {
	if f.zero() {
		f = FormatASCII
	}
	d, p := CleanName(doctor), CleanName(patient)
	if d == "" {
		return "", wire.Invalid("Name", "the doctor's name is empty")
	}
	if p == "" {
		return "", wire.Invalid("Name", "the patient's name is empty")
	}
	budget := limit - f.overhead()
	if need := minCost(d) + minCost(p); budget < need {
		return "", wire.Invalid("Name", "a limit of %d bytes cannot hold the format %q and both names (needs at least %d)", limit, f.String(), f.overhead()+need)
	}
	if len(d)+len(p) <= budget {
		return f.join(d, p), nil
	}
	// a is the longer name; it gives way first.
	a, b := &d, &p
	if len(*b) > len(*a) {
		a, b = b, a
	}
	bCap := len(*b)
	if half := budget / 2; bCap > half {
		bCap = max(half, minCost(*b))
	}
	bCap = min(bCap, budget-minCost(*a))
	*b = shorten(*b, bCap)
	*a = shorten(*a, budget-len(*b))
	return f.join(d, p), nil
}

// CleanName is the form in which a display name enters a group name:
// invalid UTF-8 replaced by U+FFFD, control characters (C0, C1, U+2028,
// U+2029) by spaces, bidirectional formatting characters (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) removed so that one name cannot
// reorder the rest of the group name, and surrounding white space trimmed.
func CleanName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case ident.IsBidi(r):
			return -1
		case unicode.IsControl(r) || ident.IsControl(r):
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// minCost is the fewest bytes s can be shown in: itself, or its first
// character (grapheme cluster: a ZWJ emoji sequence or a letter with its
// combining marks counts as one) and the ellipsis.
func minCost(s string) int {
	return min(len(s), firstCluster(s)+len(Ellipsis))
}

// shorten returns s if it fits in n bytes, else the longest prefix that
// fits with the ellipsis after it, cut between two grapheme clusters (never
// inside a ZWJ emoji sequence, a flag, or a letter and its combining marks)
// and without trailing spaces. n must be at least minCost(s).
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	keep := n - len(Ellipsis)
	for keep > 0 && !clusterBoundary(s, keep) {
		keep--
	}
	prefix := strings.TrimRightFunc(s[:keep], unicode.IsSpace)
	if prefix == "" {
		prefix = s[:firstCluster(s)]
	}
	return prefix + Ellipsis
}

// firstCluster is the byte length of s's first grapheme cluster.
func firstCluster(s string) int {
	if s == "" {
		return 0
	}
	_, i := utf8.DecodeRuneInString(s)
	for i < len(s) && !clusterBoundary(s, i) {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// clusterBoundary reports whether a grapheme cluster may end at byte i of
// s (0 < i < len(s)), following the rules of Unicode's UAX #29 that matter
// for names: no break inside a rune, before an extending character
// (combining marks, ZWJ, ZWNJ, variation selectors, emoji modifiers, tag
// characters), after a ZWJ, between the two regional indicators of a flag,
// or inside a Hangul syllable written in jamo.
func clusterBoundary(s string, i int) bool {
	if i <= 0 || i >= len(s) {
		return true
	}
	if !utf8.RuneStart(s[i]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	p, _ := utf8.DecodeLastRuneInString(s[:i])
	switch {
	case extends(r), p == 0x200d:
		return false
	case isRegionalIndicator(r) && isRegionalIndicator(p):
		// Flags pair up from the start of a run of indicators.
		n := 0
		for j := i; j > 0; {
			q, w := utf8.DecodeLastRuneInString(s[:j])
			if !isRegionalIndicator(q) {
				break
			}
			n++
			j -= w
		}
		return n%2 == 0
	case isHangulL(p) && (isHangulL(r) || isHangulV(r) || isHangulSyllable(r)):
		return false
	case (isHangulV(p) || isHangulLV(p)) && (isHangulV(r) || isHangulT(r)):
		return false
	case (isHangulT(p) || isHangulLVT(p)) && isHangulT(r):
		return false
	}
	return true
}

// extends reports the characters that never start a grapheme cluster.
func extends(r rune) bool {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc):
		return true
	case r == 0x200c || r == 0x200d: // ZWNJ, ZWJ
		return true
	case r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef: // variation selectors
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff: // emoji skin-tone modifiers
		return true
	case r >= 0xe0020 && r <= 0xe007f: // tag characters (subdivision flags)
		return true
	case r == 0xff9e || r == 0xff9f: // halfwidth katakana voiced marks
		return true
	}
	return false
}

func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

func isHangulL(r rune) bool { return (r >= 0x1100 && r <= 0x115f) || (r >= 0xa960 && r <= 0xa97c) }
func isHangulV(r rune) bool { return (r >= 0x1160 && r <= 0x11a7) || (r >= 0xd7b0 && r <= 0xd7c6) }
func isHangulT(r rune) bool { return (r >= 0x11a8 && r <= 0x11ff) || (r >= 0xd7cb && r <= 0xd7fb) }

func isHangulSyllable(r rune) bool { return r >= 0xac00 && r <= 0xd7a3 }

// isHangulLV reports precomposed syllables without a final consonant.
func isHangulLV(r rune) bool { return isHangulSyllable(r) && (r-0xac00)%28 == 0 }

func isHangulLVT(r rune) bool { return isHangulSyllable(r) && (r-0xac00)%28 != 0 }

// ConsultationName is the name the service gives a consultation group of
// doctor and patient: its NameFormat fitted to Limits.Name.
func (s *Service) ConsultationName(doctor, patient string) (string, error) {
	return s.format.Fit(doctor, patient, s.limits.Name)
}

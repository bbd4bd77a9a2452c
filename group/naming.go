package group

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

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
// invalid UTF-8 replaced by U+FFFD, control characters by spaces, and
// surrounding white space trimmed.
func CleanName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// minCost is the fewest bytes s can be shown in: itself, or its first
// character and the ellipsis.
func minCost(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return min(len(s), n+len(Ellipsis))
}

// shorten returns s if it fits in n bytes, else the longest prefix that
// fits with the ellipsis after it, cut at a character boundary and without
// trailing spaces. n must be at least minCost(s).
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	keep := n - len(Ellipsis)
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	prefix := strings.TrimRightFunc(s[:keep], unicode.IsSpace)
	if prefix == "" {
		_, w := utf8.DecodeRuneInString(s)
		prefix = s[:w]
	}
	return prefix + Ellipsis
}

// ConsultationName is the name the service gives a consultation group of
// doctor and patient: its NameFormat fitted to Limits.Name.
func (s *Service) ConsultationName(doctor, patient string) (string, error) {
	return s.format.Fit(doctor, patient, s.limits.Name)
}

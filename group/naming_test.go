package group_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

func TestFitTable(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("长", 40) // 120 bytes
	tests := []struct {
		name            string
		format          group.NameFormat
		doctor, patient string
		limit           int
		want            string
	}{
		{"fits", group.FormatASCII, "Dr Wang", "Li Lei", 100, "Dr Wang(Li Lei)"},
		{"full width", group.FormatFullWidth, "王医生", "李雷", 100, "王医生（李雷）"},
		{"exact fit", group.FormatASCII, "abcd", "efgh", 10, "abcd(efgh)"},
		{"longer shortened first", group.FormatASCII, "Doctor Alexander Longname", "Bo", 20, "Doctor Alexan…(Bo)"},
		{"patient longer", group.FormatASCII, "Bo", "Patient Maximilian Longname", 20, "Bo(Patient Maxim…)"},
		{"both shortened", group.FormatASCII, "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", 20, "aaaaaa…(bbbbbb…)"},
		{"cjk boundary", group.FormatFullWidth, long, "李雷", 30, "长长长长长…（李雷）"},
		{"cjk both", group.FormatFullWidth, long, long, 30, "长长长…（长长长…）"},
		{"trailing space not kept", group.FormatASCII, "Dr Ann Smithsonian", "X", 13, "Dr Ann…(X)"},
		{"cleaned", group.FormatASCII, "  Dr\tWang\n", "\xffLi", 100, "Dr Wang(\uFFFDLi)"},
		{"patient first", group.MustParseNameFormat("{patient} 与 {doctor}"), "王医生", "李雷", 100, "李雷 与 王医生"},
		{"minimum", group.FormatASCII, "Alice", "Bob", 9, "A…(Bob)"},
		{"single runes", group.FormatASCII, "长", "李", 8, "长(李)"},
		{"legacy 30", group.FormatFullWidth, "欧阳主任医师", "司马患者先生", 30, "欧阳主…（司马患…）"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.format.Fit(tc.doctor, tc.patient, tc.limit)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), tc.limit)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestFitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		doctor, patient string
		limit           int
	}{
		{"", "Bob", 100},
		{"Ann", " \t ", 100},
		{"Alice", "Bob", 8},
		{"长", "李", 7},
		{"a", "b", 0},
	} {
		_, err := group.FormatASCII.Fit(tc.doctor, tc.patient, tc.limit)
		require.ErrorIs(t, err, tim.ErrInvalidParameter, "%+v", tc)
	}
}

func TestParseNameFormat(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "{doctor}", "{patient}", "{doctor}{doctor}{patient}", "\xff{doctor}{patient}", "{Doctor}({patient})"} {
		_, err := group.ParseNameFormat(bad)
		assert.Error(t, err, bad)
	}
	f, err := group.ParseNameFormat("[{patient}] {doctor}")
	require.NoError(t, err)
	assert.Equal(t, "[{patient}] {doctor}", f.String())
	got, err := f.Fit("D", "P", 50)
	require.NoError(t, err)
	assert.Equal(t, "[P] D", got)
	assert.Equal(t, "{doctor}({patient})", group.NameFormat{}.String())
	got, err = group.NameFormat{}.Fit("D", "P", 50)
	require.NoError(t, err)
	assert.Equal(t, "D(P)", got)
	assert.Panics(t, func() { group.MustParseNameFormat("nope") })
}

func TestServiceConsultationName(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, group.WithNameFormat(group.FormatFullWidth), group.WithLimits(group.LegacyLimits()))
	got, err := svc.ConsultationName("欧阳主任医师", "司马患者先生")
	require.NoError(t, err)
	assert.Equal(t, "欧阳主…（司马患…）", got)
	assert.Equal(t, group.LegacyLimits(), svc.Limits())
}

// checkFit holds the properties every Fit result must have.
func checkFit(t *testing.T, f group.NameFormat, doctor, patient string, limit int) {
	t.Helper()
	got, err := f.Fit(doctor, patient, limit)
	d, p := group.CleanName(doctor), group.CleanName(patient)
	if err != nil {
		// Only impossible inputs may fail: an empty name or a limit below
		// the format plus one character (and the ellipsis) of each name.
		need := len(f.String()) - len(group.DoctorPlaceholder) - len(group.PatientPlaceholder)
		for _, n := range []string{d, p} {
			need += min(len(n), group.FirstCluster(n)+len(group.Ellipsis))
		}
		if d != "" && p != "" && limit >= need {
			t.Fatalf("Fit(%q, %q, %d) failed although it fits (need %d): %v", doctor, patient, limit, need, err)
		}
		return
	}
	if !utf8.ValidString(got) {
		t.Fatalf("Fit(%q, %q, %d) = %q: invalid UTF-8", doctor, patient, limit, got)
	}
	if len(got) > limit {
		t.Fatalf("Fit(%q, %q, %d) = %q: %d bytes", doctor, patient, limit, got, len(got))
	}
	for _, n := range []string{d, p} {
		first := n[:group.FirstCluster(n)]
		if !strings.Contains(got, first) {
			t.Fatalf("Fit(%q, %q, %d) = %q dropped the name %q (first character %q)", doctor, patient, limit, got, n, first)
		}
	}
	if len(f.String())-len(group.DoctorPlaceholder)-len(group.PatientPlaceholder)+len(d)+len(p) <= limit {
		want := strings.NewReplacer(group.DoctorPlaceholder, d, group.PatientPlaceholder, p).Replace(f.String())
		if got != want {
			t.Fatalf("Fit(%q, %q, %d) = %q, want the untouched %q", doctor, patient, limit, got, want)
		}
	}
}

// Property test over a deterministic spread of names and limits.
func TestFitProperties(t *testing.T) {
	t.Parallel()
	parts := []string{"a", "Dr ", "王", "医生", "🩺", "é", "\u0301", " ", "\xff", "\x00", "Ω", "ｆ"}
	formats := []group.NameFormat{group.FormatASCII, group.FormatFullWidth, group.MustParseNameFormat("{patient}·{doctor}"), group.MustParseNameFormat("咨询：{doctor} → {patient}")}
	seed := uint32(1)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	name := func() string {
		var b strings.Builder
		for range next(40) {
			b.WriteString(parts[next(len(parts))])
		}
		return b.String()
	}
	for range 20000 {
		checkFit(t, formats[next(len(formats))], name(), name(), next(130))
	}
}

func FuzzFit(f *testing.F) {
	f.Add("王医生", "李雷", 100, uint8(0))
	f.Add("Doctor Alexander Longname", "Bo", 20, uint8(1))
	f.Add("\xff\xfe", "🩺🩺🩺", 9, uint8(2))
	f.Add(strings.Repeat("长", 50), strings.Repeat("é", 80), 30, uint8(3))
	formats := []group.NameFormat{group.FormatASCII, group.FormatFullWidth, group.MustParseNameFormat("{patient}·{doctor}"), group.MustParseNameFormat("咨询：{doctor} → {patient}")}
	f.Fuzz(func(t *testing.T, doctor, patient string, limit int, fi uint8) {
		if limit > 1<<16 || limit < -1 {
			limit %= 1 << 16
		}
		checkFit(t, formats[int(fi)%len(formats)], doctor, patient, limit)
	})
}

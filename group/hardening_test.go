package group_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
)

// Issue 14 item 9: group names accepted NUL and other controls.
func TestGroupNameWithNULOrControlsIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, name := range []string{"a\x00b", "line\nbreak", "cr\r", "tab\t", "c1\u0085", "ls\u2028"} {
		calls := map[string]func(*group.Service) error{
			"create": func(s *group.Service) error {
				_, err := s.Create(ctx, group.CreateRequest{Type: group.Private, Name: name})
				return err
			},
			"update": func(s *group.Service) error {
				return s.Update(ctx, group.UpdateRequest{GroupID: "g", Name: &name})
			},
			"create topic": func(s *group.Service) error {
				_, err := s.CreateTopic(ctx, group.TopicRequest{GroupID: "@TGS#_c", Name: name})
				return err
			},
		}
		for what, call := range calls {
			svc, srv := newService(t)
			err := call(svc)
			require.ErrorIs(t, err, tim.ErrInvalidParameter, "%s %q", what, name)
			var ie *tim.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Contains(t, []string{"Name", "TopicName"}, ie.Field)
			assert.Contains(t, ie.Reason, "control character", "%s %q", what, name)
			assert.Empty(t, srv.Requests(), "no request may leave")
		}
	}
}

// Issue 14 item 9: CleanName let a bidi override into a consultation name.
func TestCleanNameStripsBidiOverrides(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Dr\u202e Evil":          "Dr Evil",
		"\u202aLeft\u202c":       "Left",
		"\u2066iso\u2069late":    "isolate",
		"mark\u200f\u200e\u061c": "mark",
		"ok\u2028line":           "ok line",
		"نور":                    "نور", // right-to-left text itself is kept
	} {
		assert.Equal(t, want, group.CleanName(in), "%q", in)
	}
	got, err := group.FormatASCII.Fit("Dr\u202eWho", "Pat", 100)
	require.NoError(t, err)
	assert.Equal(t, "DrWho(Pat)", got)
}

// Issue 14 item 9: shortening cut inside ZWJ emoji sequences and between
// a letter and its combining marks.
func TestFitNeverCutsInsideAGraphemeCluster(t *testing.T) {
	t.Parallel()
	family := "👨\u200d👩\u200d👧\u200d👦" // one character, 25 bytes
	flagCN := "🇨🇳"                     // two regional indicators, 8 bytes
	eAcute := "e\u0301"                // e + combining acute, 3 bytes
	skin := "👍🏽"                       // thumbs up + modifier, 8 bytes
	cases := []struct{ name, doctor string }{
		{"zwj family", strings.Repeat(family, 4)},
		{"flags", strings.Repeat(flagCN, 10)},
		{"combining marks", strings.Repeat(eAcute, 30)},
		{"skin tones", strings.Repeat(skin, 10)},
		{"mixed", "Dr " + family + eAcute + flagCN + skin + family},
	}
	clusters := []string{family, flagCN, eAcute, skin}
	for _, tc := range cases {
		for limit := 8; limit <= len(tc.doctor)+4; limit++ {
			got, err := group.FormatASCII.Fit(tc.doctor, "P", limit)
			if err != nil {
				continue // too small for the first character: refused, not cut
			}
			require.LessOrEqual(t, len(got), limit)
			require.True(t, utf8.ValidString(got))
			d := strings.TrimSuffix(strings.TrimSuffix(got, "(P)"), group.Ellipsis)
			// What is kept is a prefix made of whole clusters.
			rest := strings.TrimPrefix(strings.TrimPrefix(d, "Dr"), " ")
			for rest != "" {
				matched := false
				for _, c := range clusters {
					if strings.HasPrefix(rest, c) {
						rest, matched = rest[len(c):], true
						break
					}
				}
				require.True(t, matched, "%s limit %d: %q cut inside a character (left %q)", tc.name, limit, got, rest)
			}
		}
	}
	// The first character is never split either: the limit must hold it.
	_, err := group.FormatASCII.Fit(family+family, "P", 3+len("…")+5)
	assert.ErrorIs(t, err, tim.ErrInvalidParameter)
}

package wire_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
	"github.com/timkit/tim/usersig"
)

// userIDCases is the user-id policy, one row per symptom of issue 14
// item 9; want is a fragment of the reason, "" for accepted ids.
var userIDCases = []struct {
	name, id, want string
}{
	{"plain", "user_1-A", ""},
	{"unicode letters", "医生张三", ""},
	{"emoji", "u😀", ""},
	{"inner space", "dr smith", ""},
	{"outer spaces allowed", " bob ", ""},
	{"32 bytes", strings.Repeat("a", 32), ""},
	{"empty", "", "is empty"},
	{"33 bytes", strings.Repeat("a", 33), "is 33 bytes, limit is 32"},
	{"NUL is sent today", "u\x001", "control character U+0000 at byte 1"},
	{"LF is sent today", "u\n1", "control character U+000A"},
	{"CR is sent today", "u\r", "control character U+000D"},
	{"TAB", "u\t1", "control character U+0009"},
	{"DEL", "u\x7f", "control character U+007F"},
	{"C1 control", "u\u0085", "control character U+0085"},
	{"line separator", "u\u2028", "control character U+2028"},
	{"lone space is sent today", " ", "is blank"},
	{"spaces only", "   ", "is blank"},
	{"ideographic space only", "\u3000", "is blank"},
	{"invalid UTF-8 0xff collapses to U+FFFD remotely", "u\xff1", "not valid UTF-8 (byte 1 is 0xff)"},
	{"invalid UTF-8 0xfe collapses to U+FFFD remotely", "u\xfe1", "not valid UTF-8 (byte 1 is 0xfe)"},
	{"truncated sequence", "u\xe4\xb8", "not valid UTF-8"},
	{"RLO U+202E is sent today", "admin\u202egpj", "bidirectional formatting character U+202E"},
	{"LRE", "\u202aa", "U+202A"},
	{"PDF", "a\u202c", "U+202C"},
	{"LRI isolate", "a\u2066", "U+2066"},
	{"PDI isolate", "a\u2069", "U+2069"},
	{"RLM mark", "a\u200f", "U+200F"},
	{"ALM mark", "a\u061c", "U+061C"},
}

func TestCheckUserIDPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range userIDCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := wire.CheckUserID("To_Account", tc.id)
			assert.Equal(t, tc.want == "", wire.ValidUserID(tc.id))
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			var inv *api.InvalidInputError
			require.True(t, errors.As(err, &inv), "%v", err)
			assert.Equal(t, "To_Account", inv.Field)
			assert.Contains(t, inv.Reason, tc.want)
			assert.True(t, errors.Is(err, api.ErrInvalidParameter))

			err = wire.CheckUserIDs("To_Account", []string{"ok", tc.id})
			require.True(t, errors.As(err, &inv), "%v", err)
			assert.Equal(t, "To_Account[1]", inv.Field)
		})
	}
}

// The REST checks and usersig agree: an id accepted for import can log in,
// and an id usersig refuses is refused before any call.
func TestUserIDPolicyMatchesUserSig(t *testing.T) {
	t.Parallel()
	g, err := usersig.New(1400000000, "key")
	require.NoError(t, err)
	for _, tc := range userIDCases {
		_, genErr := g.Gen(tc.id, time.Hour)
		restErr := wire.CheckUserID("UserID", tc.id)
		assert.Equal(t, restErr == nil, genErr == nil, "%s: REST %v, usersig %v", tc.name, restErr, genErr)
		if genErr != nil {
			assert.ErrorIs(t, genErr, usersig.ErrInvalidIdentifier, tc.name)
		}
	}
}

// Two ids that differ only in invalid bytes can never both be used: both
// are refused, so they cannot collapse into one remote account.
func TestInvalidUTF8IDsNeverCollapseIntoOneAccount(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"u\xff1", "u\xfe1"} {
		assert.Error(t, wire.CheckUserID("From_Account", id))
		assert.Error(t, wire.CheckUserIDs("To_Account", []string{id}))
	}
}

func FuzzCheckUserID(f *testing.F) {
	for _, tc := range userIDCases {
		f.Add(tc.id)
	}
	g, err := usersig.New(1400000000, "key")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := wire.CheckUserID("UserID", id)
		if (err == nil) != wire.ValidUserID(id) {
			t.Fatalf("CheckUserID and ValidUserID disagree on %q", id)
		}
		if _, genErr := g.Gen(id, time.Hour); (genErr == nil) != (err == nil) {
			t.Fatalf("usersig and the REST check disagree on %q: %v / %v", id, genErr, err)
		}
	})
}

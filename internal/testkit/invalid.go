package testkit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
)

// AssertInvalid checks that err is the SDK's refusal of bad input: an
// *api.InvalidInputError naming field, matching api.ErrInvalidParameter.
func AssertInvalid(t testing.TB, err error, field string, msgAndArgs ...any) {
	t.Helper()
	var inv *api.InvalidInputError
	require.ErrorAs(t, err, &inv, msgAndArgs...)
	assert.Equal(t, field, inv.Field, msgAndArgs...)
	assert.ErrorIs(t, err, api.ErrInvalidParameter, msgAndArgs...)
}

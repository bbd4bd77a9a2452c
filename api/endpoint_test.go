package api

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		e     Endpoint
		field string // "" = valid
	}{
		{"bare path", Endpoint{Path: "openim/sendmsg"}, ""},
		{"deduped with window", Endpoint{Path: "openim/sendmsg", Safety: Deduped, DedupWindow: C2CDedupWindow}, ""},
		{"budget spent", Endpoint{Path: "openim/batchsendmsg", Budget: BatchRecipientsKey}.Spending(500), ""},
		{"no path", Endpoint{}, "Endpoint.Path"},
		{"leading slash", Endpoint{Path: "/openim/sendmsg"}, "Endpoint.Path"},
		{"v4 prefix", Endpoint{Path: "v4/openim/sendmsg"}, "Endpoint.Path"},
		{"query", Endpoint{Path: "openim/sendmsg?usersig=x"}, "Endpoint.Path"},
		{"deduped without window", Endpoint{Path: "openim/sendmsg", Safety: Deduped}, "Endpoint.DedupWindow"},
		{"unknown safety", Endpoint{Path: "a/b", Safety: 7}, "Endpoint.Safety"},
		{"units without budget", Endpoint{Path: "a/b", Units: 2}, "Endpoint.Budget"},
		{"negative units", Endpoint{Path: "a/b", Budget: "k", Units: -1}, "Endpoint.Units"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.e.Validate()
			if tc.field == "" {
				assert.NoError(t, err)
				return
			}
			var inv *InvalidInputError
			require.ErrorAs(t, err, &inv)
			assert.Equal(t, tc.field, inv.Field)
			assert.ErrorIs(t, err, ErrInvalidParameter)
		})
	}
}

func TestEndpointAccessors(t *testing.T) {
	t.Parallel()
	e := Endpoint{Path: "openim/batchsendmsg", Safety: Deduped, DedupWindow: time.Minute, Budget: BatchRecipientsKey}
	spent := e.Spending(42)
	assert.Equal(t, 42, spent.Units)
	assert.Zero(t, e.Units, "Spending copies: the declaration is untouched")
	assert.Equal(t, "openim/batchsendmsg", e.Limit())
	assert.Equal(t, "shared", Endpoint{Path: "a/b", RateKey: "shared"}.Limit())
	assert.Equal(t, Deduped, e.Resend())
	assert.Equal(t, Unsafe, Endpoint{Path: "a/b", Safety: Deduped}.Resend(), "no window, no bounded resend")
	assert.Equal(t, Unsafe, Endpoint{Path: "a/b"}.Resend(), "the zero value is Unsafe")
	assert.Equal(t, "openim/batchsendmsg (deduped 1m0s)", e.String())
	assert.Equal(t, "a/b (idempotent)", Endpoint{Path: "a/b", Safety: Idempotent}.String())
	assert.Equal(t, "Safety(9)", Safety(9).String())
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	var c Catalog
	a := c.Declare(Endpoint{Path: "a/b", Safety: Idempotent})
	c.Declare(Endpoint{Path: "a/c"})
	assert.Equal(t, "a/b", a.Path, "Declare returns what it records")
	list := c.Endpoints()
	require.Len(t, list, 2)
	list[0].Path = "changed"
	assert.Equal(t, "a/b", c.Endpoints()[0].Path, "Endpoints returns a copy")
}

func TestFamiliesAndCodeOf(t *testing.T) {
	t.Parallel()
	err := error(&Error{Op: "a/b", HTTPStatus: 200, Code: 70050})
	assert.Equal(t, []error{ErrRateLimited, ErrUserSigInvalid}, Families(err))
	assert.Empty(t, Families(errors.New("x")))
	assert.Equal(t, 70050, CodeOf(err))
	assert.Zero(t, CodeOf(errors.New("x")))
}

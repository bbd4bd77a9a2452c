package api_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/timkit/tim/api"
)

func TestFamilyName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{&api.Error{Code: 60007}, "rate_limited"},
		{&api.Error{HTTPStatus: 503}, "server_busy"},
		{fmt.Errorf("wrapped: %w", &api.Error{Code: 70107}), "account_not_found"},
		{&api.InvalidInputError{Field: "To"}, "invalid_parameter"},
		{api.ErrClosed, "closed"},
		{context.Canceled, "canceled"},
		{context.DeadlineExceeded, "deadline"},
		{errors.New("boom"), "other"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, api.FamilyName(c.err), "%v", c.err)
	}
}

func TestNopObserverReturnsTheContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, 1)
	var o api.Observer = api.NopObserver{}
	assert.Equal(t, ctx, o.CallStart(ctx, api.Call{}))
	assert.Equal(t, ctx, o.AttemptStart(ctx, api.Attempt{}))
	assert.Equal(t, ctx, o.CallbackStart(ctx, api.Callback{}))
}

package message_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/message"
)

// doerFunc is an api.Doer made of a function.
type doerFunc func(ctx context.Context, e api.Endpoint, req, resp any) error

func (f doerFunc) Do(ctx context.Context, e api.Endpoint, req, resp any) error {
	return f(ctx, e, req, resp)
}

func TestNewServiceRejectsBadInput(t *testing.T) {
	t.Parallel()
	var ok doerFunc = func(context.Context, api.Endpoint, any, any) error { return nil }
	tests := []struct {
		name  string
		d     api.Doer
		opts  []message.ServiceOption
		field string
	}{
		{"nil doer", nil, nil, "message.NewService"},
		{"nil option", ok, []message.ServiceOption{message.WithClock(time.Now), nil}, "opts[1]"},
		{"nil clock", ok, []message.ServiceOption{message.WithClock(nil)}, "WithClock"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := message.NewService(tc.d, tc.opts...)
			assert.Nil(t, svc)
			var ie *api.InvalidInputError
			require.True(t, errors.As(err, &ie), "want *api.InvalidInputError, got %T: %v", err, err)
			assert.Equal(t, tc.field, ie.Field)
		})
	}
	svc, err := message.NewService(ok, message.WithClock(time.Now))
	require.NoError(t, err)
	assert.NotNil(t, svc)
}

// Every declared endpoint is valid and declared once.
func TestEndpointsDeclared(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, e := range message.Endpoints() {
		require.NoError(t, e.Validate(), "%s", e.Path)
		assert.False(t, seen[e.Path], "%s declared twice", e.Path)
		seen[e.Path] = true
	}
	assert.True(t, seen["openim/sendmsg"])
	assert.True(t, seen["openim/get_c2c_unread_msg_num"])
}

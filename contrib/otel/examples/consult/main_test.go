package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/examples/consult/consultapp"
)

// The consult demo with the stdout exporter: spans for REST calls and
// callbacks, then the metrics; no secret in any of it.
func TestConsultDemoWithOpenTelemetry(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, consultapp.Config{}, true), out.String())
	got := out.String()
	assert.Contains(t, got, "Demo complete")
	assert.Contains(t, got, `"Name":"tim group_open_http_svc/create_group"`)
	assert.Contains(t, got, `"Name":"tim.callback Group.CallbackAfterSendMsg"`)
	assert.Contains(t, got, `{"metric":"tim.client.calls"`)
	assert.Contains(t, got, `{"metric":"tim.callbacks"`)
	for _, secret := range []string{"usersig=", "Sign="} {
		assert.NotContains(t, got, secret)
	}
	assert.False(t, strings.Contains(strings.ToLower(got), "secret-key"), "no key in the output")
}

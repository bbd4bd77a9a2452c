package timtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/timkit/tim"
	"github.com/timkit/tim/timtest"
)

// TestNoDeclaredCommandAnswers60009: the fake answers every command the SDK
// declares: whatever the body, never "unknown API".
func TestNoDeclaredCommandAnswers60009(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	for _, e := range tim.Endpoints() {
		err := c.Do(ctx, e, map[string]any{}, nil)
		assert.NotEqual(t, 60009, codeOf(err), "%s: %v", e.Path, err)
		assert.Contains(t, srv.APIs(), e.Path)
	}
	assert.Equal(t, 60009, codeOf(c.Do(ctx, tim.Endpoint{Path: "openim/no_such_command"}, map[string]any{}, nil)))
}

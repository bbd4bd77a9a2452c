package group_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
)

const pDeleteAttr = "group_open_http_svc/delete_group_attr"

// TestDeleteAttrsConformance sends the documented request and reads the
// documented answer.
func TestDeleteAttrsConformance(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pDeleteAttr) {
		svc, srv := newService(t)
		srv.Handle(pDeleteAttr, func(testkit.Request) any { return ex.Response })
		require.NoError(t, svc.DeleteAttrs(context.Background(), "@TGS#aC5SZEAEF", "attr_key", "attr_key1"))
		got := srv.Last(pDeleteAttr).Body
		assert.JSONEq(t, string(ex.Request), string(got), ex.Name)
		testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
	}
}

func TestDeleteAttrsValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx := context.Background()
	testkit.AssertInvalid(t, svc.DeleteAttrs(ctx, "@TGS#a"), "GroupAttr")
	testkit.AssertInvalid(t, svc.DeleteAttrs(ctx, "@TGS#a", "k", " "), "GroupAttr[1].key")
	testkit.AssertInvalid(t, svc.DeleteAttrs(ctx, "@TGS#a", strings.Repeat("k", 33)), "GroupAttr[0].key")
	keys := make([]string, 17)
	for i := range keys {
		keys[i] = string(rune('a' + i))
	}
	testkit.AssertInvalid(t, svc.DeleteAttrs(ctx, "@TGS#a", keys...), "GroupAttr")
	testkit.AssertInvalid(t, svc.DeleteAttrs(ctx, "", "k"), "GroupId")
	assert.Empty(t, srv.Requests())
}

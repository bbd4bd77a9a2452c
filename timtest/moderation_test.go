package timtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/timtest"
)

// TestAddKeywordsRefusals: add_cloud_audit_keywords answers bad requests
// with the page's 2003 and adds nothing from a request it refuses.
func TestAddKeywordsRefusals(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c := newClient(t, srv)
	ctx := ctxT(t)
	add := ep("im_msg_audit_mgr/add_cloud_audit_keywords")
	assert.Equal(t, 2003, codeOf(c.Do(ctx, add, map[string]any{"SdkAppId": 1, "UserKeywords": []any{map[string]any{"Content": "x"}}}, nil)))
	assert.Equal(t, 2003, codeOf(c.Do(ctx, add, map[string]any{"SdkAppId": 1, "LibID": "l", "UserKeywords": []any{
		map[string]any{"Content": "kept-out"}, map[string]any{"Content": ""}}}, nil)))
	var page struct{ TotalCount int }
	require.NoError(t, c.Do(ctx, ep("im_msg_audit_mgr/get_cloud_audit_keywords"), map[string]any{"SdkAppId": 1, "Offset": 0, "Limit": 10, "LibID": "l"}, &page))
	assert.Zero(t, page.TotalCount, "a refused request adds nothing")
}

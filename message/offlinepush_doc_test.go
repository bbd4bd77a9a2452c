package message_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// TestOfflinePushInfoReadsTencentsExample decodes the OfflinePushInfo of
// Tencent's "Common Parameters (OfflinePushInfo Description)" page (the
// source is in the file) and re-encodes it: every vendor field the page
// shows must reach its typed field and go back out under the same key.
// This is the check the five vendor classification fields lacked.
func TestOfflinePushInfoReadsTencentsExample(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/docs/offlinepush-77715.json")
	require.NoError(t, err)
	var doc struct {
		Source string          `json:"source"`
		Push   json.RawMessage `json:"OfflinePushInfo"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.Source)

	var p message.OfflinePushInfo
	require.NoError(t, json.Unmarshal(doc.Push, &p))
	require.NotNil(t, p.AndroidInfo)
	require.NotNil(t, p.ApnsInfo)
	assert.Equal(t, "MARKETING", p.AndroidInfo.OPPOCategory)
	assert.Equal(t, "MARKETING", p.AndroidInfo.VIVOCategory)
	assert.Equal(t, "MARKETING", p.AndroidInfo.HuaWeiCategory)
	assert.Equal(t, "LOW", p.AndroidInfo.HonorImportance)
	assert.Equal(t, "xiaomi_channel_id", p.AndroidInfo.XiaoMiChannelID)
	assert.Equal(t, 1, p.ApnsInfo.MutableContent)

	out, err := json.Marshal(p)
	require.NoError(t, err)
	// The page sends "MeiZuNoticeMsgType": 0; 0 is also what an absent
	// field means to Tencent, and the SDK omits zero vendor settings, so
	// the documented body is compared without it.
	var want map[string]any
	require.NoError(t, json.Unmarshal(doc.Push, &want))
	android := want["AndroidInfo"].(map[string]any)
	require.Contains(t, android, "MeiZuNoticeMsgType")
	delete(android, "MeiZuNoticeMsgType")
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	testkit.AssertSameKeys(t, wantJSON, out, "OfflinePushInfo")
}

package account_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/account"
)

// Issue 13 (conformance): query_online_status answers carry "State" in one
// of the page's examples and "Status" in the other; both are read.
func TestOnlineStatusIsReadFromStateOrStatus(t *testing.T) {
	t.Parallel()
	var got []account.OnlineStatus
	require.NoError(t, json.Unmarshal([]byte(`[{"To_Account":"id1","State":"Offline"},{"To_Account":"id2","Status":"Online"},
		{"To_Account":"id3","Status":"PushOnline","State":"Offline"}]`), &got))
	require.Len(t, got, 3)
	assert.Equal(t, account.StateOffline, got[0].Status)
	assert.Equal(t, account.StateOnline, got[1].Status)
	assert.Equal(t, account.StatePushOnline, got[2].Status, "Status wins")
}

func FuzzOnlineStatusDecode(f *testing.F) {
	f.Add([]byte(`{"To_Account":"id1","State":"Offline"}`))
	f.Add([]byte(`{"To_Account":"id2","Status":"Online","Detail":[{"Platform":"iPhone","Status":"PushOnline"}]}`))
	f.Add([]byte(`{"State":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o account.OnlineStatus
		if json.Unmarshal(b, &o) != nil {
			return
		}
		var raw struct {
			Status *string `json:"Status"`
			State  *string `json:"State"`
		}
		if json.Unmarshal(b, &raw) != nil {
			return
		}
		if raw.Status != nil && *raw.Status != "" {
			assert.Equal(t, *raw.Status, string(o.Status))
		} else if raw.State != nil {
			assert.Equal(t, *raw.State, string(o.Status))
		}
	})
}

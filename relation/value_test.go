package relation_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/relation"
)

func TestValueReadsTolerantly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw    string
		str    string
		strOK  bool
		n      int64
		nOK    bool
		list   []string
		isZero bool
	}{
		{`"abc"`, "abc", true, 0, false, []string{"abc"}, false},
		{`"42"`, "42", true, 42, true, []string{"42"}, false},
		{`42`, "42", true, 42, true, []string{"42"}, false},
		{`["a",1,null,{}]`, "", false, 0, false, []string{"a", "1"}, false},
		{`null`, "", false, 0, false, nil, true},
		{`{"k":1}`, "", false, 0, false, nil, false},
		{`""`, "", true, 0, true, nil, false},
	}
	for _, tc := range tests {
		var v relation.Value
		require.NoError(t, json.Unmarshal([]byte(tc.raw), &v))
		s, ok := v.Str()
		assert.Equal(t, tc.str, s, tc.raw)
		assert.Equal(t, tc.strOK, ok, tc.raw)
		n, ok := v.Int64()
		assert.Equal(t, tc.n, n, tc.raw)
		assert.Equal(t, tc.nOK, ok, tc.raw)
		assert.Equal(t, tc.list, v.List(), tc.raw)
		assert.Equal(t, tc.isZero, v.IsZero(), tc.raw)
	}
	b, err := json.Marshal(relation.Item{Tag: "t"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Tag":"t","Value":null}`, string(b))
	b, err = json.Marshal([]relation.Item{relation.SetGroups(), relation.SetRemark("r"), {Tag: "x", Value: relation.RawValue(json.RawMessage(`{"a":1}`))}})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"Tag":"Tag_SNS_IM_Group","Value":[]},{"Tag":"Tag_SNS_IM_Remark","Value":"r"},{"Tag":"x","Value":{"a":1}}]`, string(b))
	_, err = json.Marshal(relation.Item{Tag: "x", Value: relation.RawValue(json.RawMessage(`{`))})
	assert.Error(t, err)
}

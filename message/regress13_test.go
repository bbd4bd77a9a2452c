package message_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
)

// Issue 13 defect 8: deleting message extensions (OperateType 2) sends
// each key's Seq, as Tencent's delete examples do
// (设置单聊消息扩展_intl_en.md, 设置群消息扩展_intl_en.md).
func TestDeletingMessageExtensionsSendsSeq(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	answer := func(testkit.Request) any {
		return testkit.With(map[string]any{"ExtensionList": []any{map[string]any{"ErrorCode": 0,
			"Extension": map[string]any{"Key": "key1", "Value": "", "Seq": 2}}}})
	}
	srv.Handle(pathSetExt, answer)
	srv.Handle(pathGroupSetExt, answer)
	ctx := context.Background()

	type ext struct {
		Key   string
		Value *string
		Seq   *uint64
	}
	var body struct {
		OperateType   int
		ExtensionList []ext
	}
	res, err := svc.DeleteC2CExtensionsAt(ctx, c2cRef, message.Extension{Key: "key1", Value: "ignored", Seq: 1})
	require.NoError(t, err)
	require.Len(t, res, 1)
	srv.Last(pathSetExt).Decode(t, &body)
	assert.Equal(t, 2, body.OperateType)
	require.Len(t, body.ExtensionList, 1)
	require.NotNil(t, body.ExtensionList[0].Seq, "Seq is sent")
	assert.EqualValues(t, 1, *body.ExtensionList[0].Seq)
	assert.Nil(t, body.ExtensionList[0].Value, "a delete sends no Value")

	_, err = svc.DeleteGroupExtensionsAt(ctx, groupRef, message.Extension{Key: "key1", Seq: 1})
	require.NoError(t, err)
	body.ExtensionList = nil
	srv.Last(pathGroupSetExt).Decode(t, &body)
	assert.Equal(t, 2, body.OperateType)
	require.Len(t, body.ExtensionList, 1)
	require.NotNil(t, body.ExtensionList[0].Seq)
	assert.EqualValues(t, 1, *body.ExtensionList[0].Seq)
}

package message

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readBodyCases are bodies readBody takes (ok) or leaves to the general
// path; either way the result must be the general path's.
var readBodyCases = []struct {
	body string
	fast bool
}{
	{`[]`, true},
	{`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Doctor, my fever is 38.5"}}]`, true},
	{` [ { "MsgContent" : { "Text" : "a\"b\n中文\ud83d\ude00" , "x":[1,{}]} , "MsgType" : "TIMTextElem" } ] `, true},
	{`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"one","Text":"two"}}]`, true},
	{`[{"MsgType":"TIMTextElem","MsgContent":{}}, {"MsgType":"TIMTextElem"}, {"MsgType":"TIMTextElem","MsgContent":null}]`, true},
	{`[{"MsgType":"TIMTextElem","MsgContent":{"Text":12}}]`, true},       // decodeKnown's FlexString
	{`[{"MsgType":"TIMTextElem","MsgContent":{"text":"folded"}}]`, true}, // decodeKnown folds
	{`[{"MsgType":"TIMTextElem","MsgContent":"not an object"}]`, true},
	{`[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"d","Desc":1}},{"MsgType":"TIMFaceElem","MsgContent":{"Index":"3"}}]`, true},
	{`[{"MsgType":"TIMNewElem","MsgContent":{"k":[1,2,{"z":null}]}},{"MsgType":"","Extra":true}]`, true},
	{`[{"MsgType":"TIMRelayElem","MsgContent":{"Title":"t","MsgList":[{"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"in"}}]}]}}]`, true},
	{`[{"MsgType":"A","MsgType":"TIMTextElem","MsgContent":{"Text":"last wins"}}]`, true},
	{`[{"msgtype":"TIMTextElem","MsgContent":{"Text":"folded key"}}]`, false},
	{`[{"MsgType":1,"MsgContent":{}}]`, false},
	{`[{"M\u0073gType":"TIMTextElem"}]`, false},
	{`[1,"a",null,[]]`, false},
	{`[{"MsgType":"TIMTextElem"},]`, false},
	{`[{"MsgType":"TIMTextElem"}] x`, false},
}

// general is Body.UnmarshalJSON without readBody.
func general(data []byte) (Body, error) {
	var b Body
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil, nil
	}
	err := b.unmarshalGeneral(data)
	return b, err
}

func TestReadBodyMatchesGeneral(t *testing.T) {
	t.Parallel()
	for _, tc := range readBodyCases {
		got, ok := readBody([]byte(tc.body))
		require.Equal(t, tc.fast, ok, tc.body)
		want, err := general([]byte(tc.body))
		if !ok {
			continue
		}
		require.NoError(t, err, tc.body)
		assert.Equal(t, want, got, tc.body)
	}
}

// FuzzReadBodyMatchesGeneral holds the one-pass reader to the general
// path: whatever readBody accepts, the general path accepts and decodes to
// an equal Body.
func FuzzReadBodyMatchesGeneral(f *testing.F) {
	for _, tc := range readBodyCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := readBody(data)
		if !ok {
			return
		}
		want, err := general(data)
		if err != nil {
			t.Fatalf("readBody accepted %q, the general path: %v", data, err)
		}
		assert.Equal(t, want, got, "%q", data)
	})
}

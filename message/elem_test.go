package message_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/message"
)

func TestBodyUnmarshalTolerant(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want message.Body
	}{
		{"null", `null`, nil},
		{"empty", `[]`, message.Body{}},
		{"text", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]`, message.Body{&message.Text{Text: "hi"}}},
		{"text_number", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":42}}]`, message.Body{&message.Text{Text: "42"}}},
		{"text_bool", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":true}}]`, message.Body{&message.Text{Text: "true"}}},
		{"text_escaped", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":"a\"b\u00e9\n"}}]`, message.Body{&message.Text{Text: "a\"bé\n"}}},
		{"unreadable_array_kept", `[{"MsgType":"TIMCustomElem","MsgContent":{"Data":["x"]}}]`,
			message.Body{&message.Unknown{Type: "TIMCustomElem", Content: json.RawMessage(`{"Data":["x"]}`)}}},
		{"extra_fields", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi","New":1},"Other":true}]`, message.Body{&message.Text{Text: "hi"}}},
		{"missing_content", `[{"MsgType":"TIMTextElem"}]`, message.Body{&message.Text{}}},
		{"location_strings", `[{"MsgType":"TIMLocationElem","MsgContent":{"Desc":"x","Latitude":"29.5","Longitude":"116.25"}}]`,
			message.Body{&message.Location{Desc: "x", Latitude: 29.5, Longitude: 116.25}}},
		{"face_string_index", `[{"MsgType":"TIMFaceElem","MsgContent":{"Index":"6","Data":"d"}}]`, message.Body{&message.Face{Index: 6, Data: "d"}}},
		{"sound_strings", `[{"MsgType":"TIMSoundElem","MsgContent":{"Url":"u","UUID":"id","Size":"10","Second":"2","Download_Flag":"2"}}]`,
			message.Body{&message.Sound{URL: "u", UUID: "id", Size: 10, Second: 2, DownloadFlag: 2}}},
		{"image", `[{"MsgType":"TIMImageElem","MsgContent":{"UUID":"i","ImageFormat":"3","ImageInfoArray":[{"Type":1,"Size":"5","Width":2,"Height":3,"URL":"x"}]}}]`,
			message.Body{&message.Image{UUID: "i", ImageFormat: message.ImagePNG, ImageInfoArray: []message.ImageInfo{{Type: 1, Size: 5, Width: 2, Height: 3, URL: "x"}}}}},
		{"file", `[{"MsgType":"TIMFileElem","MsgContent":{"Url":"u","FileSize":"9","FileName":"f"}}]`, message.Body{&message.File{URL: "u", FileSize: 9, FileName: "f"}}},
		{"video", `[{"MsgType":"TIMVideoFileElem","MsgContent":{"VideoUrl":"v","VideoSecond":"3","ThumbWidth":10}}]`, message.Body{&message.Video{VideoURL: "v", VideoSecond: 3, ThumbWidth: 10}}},
		{"custom", `[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"d","Desc":"x"}}]`, message.Body{&message.Custom{Data: "d", Desc: "x"}}},
		{"relay_nested", `[{"MsgType":"TIMRelayElem","MsgContent":{"Title":"t","MsgNum":"1","MsgList":[{"From_Account":"a","MsgSeq":"1","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"in"}}]}]}}]`,
			message.Body{&message.Relay{Title: "t", MsgNum: 1, MsgList: []message.RelayedMsg{{From: "a", MsgSeq: 1, MsgBody: message.Body{&message.Text{Text: "in"}}}}}}},
		{"unknown_type", `[{"MsgType":"TIMStreamElem","MsgContent":{"Chunk":[1]}}]`,
			message.Body{&message.Unknown{Type: "TIMStreamElem", Content: json.RawMessage(`{"Chunk":[1]}`)}}},
		{"unreadable_content_kept", `[{"MsgType":"TIMTextElem","MsgContent":{"Text":{"rich":true}}}]`,
			message.Body{&message.Unknown{Type: "TIMTextElem", Content: json.RawMessage(`{"Text":{"rich":true}}`)}}},
		{"content_not_object", `[{"MsgType":"TIMFaceElem","MsgContent":"oops"}]`,
			message.Body{&message.Unknown{Type: "TIMFaceElem", Content: json.RawMessage(`"oops"`)}}},
		{"item_not_object", `[7]`, message.Body{&message.Unknown{Content: json.RawMessage(`7`)}}},
		{"single_object", `{"MsgType":"TIMTextElem","MsgContent":{"Text":"one"}}`, message.Body{&message.Text{Text: "one"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b message.Body
			require.NoError(t, json.Unmarshal([]byte(tc.in), &b))
			assert.Equal(t, tc.want, b)
		})
	}
}

func TestBodyUnmarshalRejectsNonBody(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`"text"`, `42`, `true`, `[`, `{"a":`} {
		var b message.Body
		assert.Error(t, json.Unmarshal([]byte(in), &b), in)
	}
}

func TestBodyRoundTripKeepsUnknown(t *testing.T) {
	t.Parallel()
	in := `[{"MsgType":"TIMTextElem","MsgContent":{"Text":"a"}},{"MsgType":"TIMFutureElem","MsgContent":{"X":{"Y":[1,"2"]}}}]`
	var b message.Body
	require.NoError(t, json.Unmarshal([]byte(in), &b))
	out, err := json.Marshal(b)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
}

func TestBodyMarshalMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	// The hand-written Text path must escape exactly like encoding/json.
	for _, s := range []string{"plain", "<>&", "\"\\/", "\n\r\t\b\f\x00\x1f", "\u2028\u2029", "日本語", "bad\xffutf8", "emoji 😀"} {
		got, err := json.Marshal(message.Body{&message.Text{Text: s}})
		require.NoError(t, err)
		type content struct {
			Text string `json:"Text"`
		}
		want, err := json.Marshal([]struct {
			MsgType    string  `json:"MsgType"`
			MsgContent content `json:"MsgContent"`
		}{{"TIMTextElem", content{s}}})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%q", s)
	}
}

func TestBodyText(t *testing.T) {
	t.Parallel()
	assert.Empty(t, message.Body(nil).Text())
	assert.Equal(t, "one", message.Body{&message.Text{Text: "one"}}.Text())
	assert.Equal(t, "a b", message.Body{&message.Text{Text: "a "}, &message.Face{}, &message.Text{Text: "b"}}.Text())
	assert.Empty(t, message.Body{&message.Custom{Data: "x"}}.Text())
}

func TestBodyMarshalNilElement(t *testing.T) {
	t.Parallel()
	for _, b := range []message.Body{{nil}, {(*message.Text)(nil)}, {(*message.Image)(nil)}, {(*message.Unknown)(nil)}} {
		_, err := json.Marshal(b)
		assert.Error(t, err)
	}
	out, err := json.Marshal(message.Body(nil))
	require.NoError(t, err)
	assert.Equal(t, "[]", string(out))
}

func FuzzBodyUnmarshal(f *testing.F) {
	for _, s := range []string{
		`[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]`,
		`[{"MsgType":"TIMLocationElem","MsgContent":{"Desc":"x","Latitude":"1.5","Longitude":2}}]`,
		`[{"MsgType":"TIMImageElem","MsgContent":{"UUID":"i","ImageFormat":3,"ImageInfoArray":[{"Type":1,"URL":"u"}]}}]`,
		`[{"MsgType":"TIMRelayElem","MsgContent":{"MsgList":[{"MsgBody":[{"MsgType":"TIMFaceElem","MsgContent":{"Index":"1"}}]}]}}]`,
		`[{"MsgType":"TIMVideoFileElem","MsgContent":{"VideoSize":"12"}},{"MsgType":"X"}]`,
		`{"MsgType":"TIMCustomElem","MsgContent":{"Data":1}}`,
		`[1,"a",null,[]]`, `null`, `"x"`, `[{"MsgType":{"a":1}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b message.Body
		if err := json.Unmarshal(data, &b); err != nil {
			return
		}
		// Whatever was accepted re-encodes, and the encoding is stable.
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("re-encoding %q: %v", data, err)
		}
		var b2 message.Body
		if err := json.Unmarshal(out, &b2); err != nil {
			t.Fatalf("decoding own output %s: %v", out, err)
		}
		out2, err := json.Marshal(b2)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(out2) {
			t.Fatalf("unstable encoding:\n%s\n%s", out, out2)
		}
		_ = b.Text()
		if strings.Contains(string(out), `"MsgContent":null`) {
			t.Fatalf("null content in %s", out)
		}
	})
}

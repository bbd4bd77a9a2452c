package event_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/message"
)

func readCallback(t testing.TB, cmd event.Command) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "callbacks", string(cmd)+".json"))
	require.NoError(t, err)
	return b
}

// Every known command has a golden body; each parses into its own type and
// re-encodes to the reviewed golden form.
func TestParseGoldenEveryCommand(t *testing.T) {
	t.Parallel()
	cmds := event.Commands()
	require.GreaterOrEqual(t, len(cmds), 53)
	for _, cmd := range cmds {
		t.Run(string(cmd), func(t *testing.T) {
			t.Parallel()
			body := readCallback(t, cmd)
			cb, err := event.Parse(string(cmd), body)
			require.NoError(t, err)
			assert.Equal(t, cmd, cb.Command())
			assert.Equal(t, event.CallbackReceived, cb.EventName())
			assert.JSONEq(t, string(body), string(cb.Raw()))
			_, unknown := cb.(*event.UnknownCallback)
			assert.False(t, unknown, "known command parsed as unknown")
			out, err := json.Marshal(cb)
			require.NoError(t, err)
			assertGolden(t, filepath.Join("testdata", "golden", string(cmd)+".json"), out)
		})
	}
}

var eventTimeRE = regexp.MustCompile(`"EventTime":\s*("?)(\d+)("?)`)

// EventTime arrives as a string in group callbacks and a number elsewhere:
// every command parses both forms to the same value.
func TestParseEventTimeBothForms(t *testing.T) {
	t.Parallel()
	for _, cmd := range event.Commands() {
		body := readCallback(t, cmd)
		m := eventTimeRE.FindSubmatch(body)
		if m == nil {
			continue
		}
		asString := eventTimeRE.ReplaceAll(body, []byte(`"EventTime": "$2"`))
		asNumber := eventTimeRE.ReplaceAll(body, []byte(`"EventTime": $2`))
		a, err := event.Parse(string(cmd), asString)
		require.NoError(t, err, cmd)
		b, err := event.Parse(string(cmd), asNumber)
		require.NoError(t, err, cmd)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		assert.JSONEq(t, string(ja), string(jb), cmd)
		assert.Equal(t, metaOf(b).EventTime, metaOf(a).EventTime, cmd)
		assert.Equal(t, m[2], []byte(strconv.FormatInt(metaOf(a).EventTime.UnixMilli(), 10)), cmd)
	}
}

// metaOf returns the Meta every callback type embeds.
func metaOf(cb event.Callback) *event.Meta {
	return reflect.ValueOf(cb).Elem().FieldByName("Meta").Addr().Interface().(*event.Meta)
}

func TestParseFullFields(t *testing.T) {
	t.Parallel()
	parse := func(t *testing.T, cmd event.Command) event.Callback {
		t.Helper()
		cb, err := event.Parse(string(cmd), readCallback(t, cmd))
		require.NoError(t, err)
		return cb
	}
	t.Run("StateChange", func(t *testing.T) {
		c := parse(t, event.CmdStateChange).(*event.StateChange)
		assert.Equal(t, event.ActionLogin, c.Info.Action)
		assert.Equal(t, event.ReasonRegister, c.Info.Reason)
		assert.Equal(t, "patient_1001", c.Info.ToAccount)
		require.Len(t, c.KickedDevice, 2)
		assert.Equal(t, event.Platform("IOS"), c.KickedDevice[1].Platform)
		assert.Equal(t, event.PlatformIOS, c.KickedDevice[1].Platform.Canonical())
		assert.Equal(t, time.UnixMilli(1629883332497), c.EventTime)
	})
	t.Run("C2CBeforeSendMsg", func(t *testing.T) {
		c := parse(t, event.CmdC2CBeforeSendMsg).(*event.C2CBeforeSendMsg)
		assert.Equal(t, "patient_1001", c.FromAccount)
		assert.Equal(t, "doctor_42", c.ToAccount)
		assert.Equal(t, uint64(48374), c.MsgSeq)
		assert.Equal(t, uint32(2837546), c.MsgRandom)
		assert.Equal(t, time.Unix(1557481126, 0), c.MsgTime)
		assert.Equal(t, "48374_2837546_1557481126", c.MsgKey)
		assert.Equal(t, "144115217363870632-1557481126-2837546", c.MsgID)
		require.Len(t, c.MsgBody, 2)
		assert.Equal(t, &message.Text{Text: "Doctor, my fever is 38.5"}, c.MsgBody[0])
		assert.Equal(t, message.TypeCustom, c.MsgBody[1].MsgType())
		assert.Equal(t, `{"consult":77}`, c.CloudCustomData)
	})
	t.Run("C2CAfterSendMsg", func(t *testing.T) {
		c := parse(t, event.CmdC2CAfterSendMsg).(*event.C2CAfterSendMsg)
		assert.Equal(t, 0, c.SendMsgResult)
		assert.Equal(t, "send msg succeed", c.ErrorInfo)
		assert.Equal(t, 7, c.UnreadMsgNum)
		assert.Equal(t, "Doctor, my fever is 38.5", c.MsgBody.Text())
	})
	t.Run("C2CAfterMsgReport", func(t *testing.T) {
		c := parse(t, event.CmdC2CAfterMsgReport).(*event.C2CAfterMsgReport)
		assert.Equal(t, "doctor_42", c.ReportAccount)
		assert.Equal(t, "patient_1001", c.PeerAccount)
		assert.Equal(t, time.Unix(1614754606, 0), c.LastReadTime)
		assert.Equal(t, 3, c.UnreadMsgNum)
	})
	t.Run("C2CAfterMsgWithDraw", func(t *testing.T) {
		c := parse(t, event.CmdC2CAfterMsgWithDraw).(*event.C2CAfterMsgWithDraw)
		assert.Equal(t, "48374_2837546_1557481126", c.MsgKey)
		assert.Equal(t, 6, c.UnreadMsgNum)
	})
	t.Run("GroupBeforeCreateGroup", func(t *testing.T) {
		c := parse(t, event.CmdGroupBeforeCreateGroup).(*event.GroupBeforeCreateGroup)
		assert.Equal(t, event.GroupType("Private"), c.Type)
		assert.Equal(t, "Dr. Li(Wang)", c.Name)
		assert.Equal(t, 12, c.CreateGroupNum)
		assert.Equal(t, []event.Member{{MemberAccount: "patient_1001"}, {MemberAccount: "nurse_7"}}, c.MemberList)
		assert.Equal(t, time.UnixMilli(1670574414123), c.EventTime)
	})
	t.Run("GroupAfterCreateGroup", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterCreateGroup).(*event.GroupAfterCreateGroup)
		assert.Equal(t, "@TGS#2J4SZEAEL", c.GroupID)
		assert.Equal(t, "administrator", c.OperatorAccount)
		assert.Equal(t, "doctor_42", c.OwnerAccount)
		assert.Equal(t, []event.KeyValue{{Key: "consult", Value: "77"}}, c.UserDefinedData)
	})
	t.Run("GroupBeforeSendMsg", func(t *testing.T) {
		c := parse(t, event.CmdGroupBeforeSendMsg).(*event.GroupBeforeSendMsg)
		assert.Equal(t, uint32(123456), c.Random)
		assert.Equal(t, "patient_1001", c.FromAccount)
	})
	t.Run("GroupAfterSendMsg", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterSendMsg).(*event.GroupAfterSendMsg)
		assert.Equal(t, uint64(123), c.MsgSeq)
		assert.Equal(t, time.Unix(1490686222, 0), c.MsgTime)
		assert.Equal(t, "administrator", c.OperatorAccount)
		assert.Equal(t, []event.GroupAt{{GroupAtAllFlag: 0, GroupAtAccount: "doctor_42"}}, c.GroupAtInfo)
	})
	t.Run("GroupAfterNewMemberJoin", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterNewMemberJoin).(*event.GroupAfterNewMemberJoin)
		assert.Equal(t, event.JoinInvited, c.JoinType)
		assert.Len(t, c.NewMemberList, 2)
	})
	t.Run("GroupAfterMemberExit", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterMemberExit).(*event.GroupAfterMemberExit)
		assert.Equal(t, event.ExitKicked, c.ExitType)
		assert.Equal(t, []event.Member{{MemberAccount: "nurse_9"}}, c.ExitMemberList)
	})
	t.Run("GroupAfterGroupDestroyed", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterGroupDestroyed).(*event.GroupAfterGroupDestroyed)
		assert.Equal(t, "doctor_42", c.OwnerAccount)
		assert.Len(t, c.MemberList, 2)
	})
	t.Run("GroupAfterGroupInfoChanged", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterGroupInfoChanged).(*event.GroupAfterGroupInfoChanged)
		require.NotNil(t, c.Name)
		assert.Equal(t, "Dr. Li(Wang Wei)", *c.Name)
		require.NotNil(t, c.Notification, "a field changed to empty is still reported")
		assert.Empty(t, *c.Notification)
		assert.Nil(t, c.Introduction)
		assert.Nil(t, c.FaceURL)
	})
	t.Run("GroupAfterRecallMsg", func(t *testing.T) {
		c := parse(t, event.CmdGroupAfterRecallMsg).(*event.GroupAfterRecallMsg)
		assert.Equal(t, []event.MsgSeqItem{{MsgSeq: 123}, {MsgSeq: 124}}, c.MsgSeqList)
	})
	t.Run("FriendAdd", func(t *testing.T) {
		c := parse(t, event.CmdFriendAdd).(*event.FriendAdd)
		require.Len(t, c.PairList, 2)
		assert.Equal(t, "patient_1001", c.PairList[1].InitiatorAccount)
		assert.Equal(t, "friend_add", c.ClientCmd)
	})
	t.Run("PortraitSet", func(t *testing.T) {
		c := parse(t, event.CmdPortraitSet).(*event.PortraitSet)
		assert.Equal(t, "doctor_42", c.FromAccount)
		require.Len(t, c.ProfileItem, 3)
		assert.Equal(t, "Dr. Li", c.ProfileItem[0].Value)
		assert.InDelta(t, 3.0, c.ProfileItem[2].Value, 0)
	})
}

// Real bodies drift: missing fields, unknown fields, numbers as strings,
// strings as numbers, single items for lists. None of it fails.
func TestParseTolerance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cmd   event.Command
		body  string
		check func(t *testing.T, cb event.Callback)
	}{
		{"empty object", event.CmdC2CAfterSendMsg, `{}`, func(t *testing.T, cb event.Callback) {
			c := cb.(*event.C2CAfterSendMsg)
			assert.Equal(t, event.CmdC2CAfterSendMsg, c.CallbackCommand, "command filled from the URL")
			assert.Nil(t, c.MsgBody)
		}},
		{"old C2C sample without MsgKey, EventTime, OnlineOnlyFlag", event.CmdC2CAfterSendMsg,
			`{"CallbackCommand":"C2C.CallbackAfterSendMsg","From_Account":"a","To_Account":"b","MsgSeq":1,"MsgRandom":2,"MsgTime":3,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"x"}}]}`,
			func(t *testing.T, cb event.Callback) {
				c := cb.(*event.C2CAfterSendMsg)
				assert.Empty(t, c.MsgKey)
				assert.Zero(t, c.EventTime)
				assert.Equal(t, "x", c.MsgBody.Text())
			}},
		{"unknown fields", event.CmdGroupAfterSendMsg,
			`{"GroupId":"g","NewFieldFrom2030":{"deep":[1,2,3]},"MsgSeq":5,"AnotherOne":"x"}`,
			func(t *testing.T, cb event.Callback) {
				assert.Equal(t, uint64(5), cb.(*event.GroupAfterSendMsg).MsgSeq)
			}},
		{"numbers as strings", event.CmdGroupAfterSendMsg,
			`{"GroupId":"g","MsgSeq":"77","Random":"4294967295","MsgTime":"1490686222","OnlineOnlyFlag":"1","EventTime":"1670574414123"}`,
			func(t *testing.T, cb event.Callback) {
				c := cb.(*event.GroupAfterSendMsg)
				assert.Equal(t, uint64(77), c.MsgSeq)
				assert.Equal(t, uint32(4294967295), c.Random)
				assert.Equal(t, time.Unix(1490686222, 0), c.MsgTime)
				assert.Equal(t, 1, c.OnlineOnlyFlag)
				assert.Equal(t, time.UnixMilli(1670574414123), c.EventTime)
			}},
		{"strings as numbers", event.CmdGroupAfterSendMsg, `{"GroupId":12345,"From_Account":1001,"MsgSeq":1}`,
			func(t *testing.T, cb event.Callback) {
				c := cb.(*event.GroupAfterSendMsg)
				assert.Equal(t, "12345", c.GroupID)
				assert.Equal(t, "1001", c.FromAccount)
			}},
		{"single item where a list belongs", event.CmdGroupAfterNewMemberJoin,
			`{"GroupId":"g","NewMemberList":{"Member_Account":"x"}}`,
			func(t *testing.T, cb event.Callback) {
				assert.Equal(t, []event.Member{{MemberAccount: "x"}}, cb.(*event.GroupAfterNewMemberJoin).NewMemberList)
			}},
		{"float-looking integer", event.CmdC2CAfterMsgReport, `{"LastReadTime":1614754606.0,"UnreadMsgNum":"-1"}`,
			func(t *testing.T, cb event.Callback) {
				c := cb.(*event.C2CAfterMsgReport)
				assert.Equal(t, time.Unix(1614754606, 0), c.LastReadTime)
				assert.Equal(t, -1, c.UnreadMsgNum)
			}},
		{"null fields", event.CmdStateChange, `{"Info":null,"KickedDevice":null,"EventTime":null}`,
			func(t *testing.T, cb event.Callback) {
				assert.Empty(t, cb.(*event.StateChange).Info.ToAccount)
			}},
		{"lowercase iOS platform", event.CmdStateChange, `{"Info":{"Action":"Login","To_Account":"u"},"KickedDevice":[{"Platform":"iOS"}]}`,
			func(t *testing.T, cb event.Callback) {
				assert.Equal(t, event.PlatformIOS, cb.(*event.StateChange).KickedDevice[0].Platform.Canonical())
			}},
		{"unknown message element kept", event.CmdC2CAfterSendMsg,
			`{"MsgBody":[{"MsgType":"TIMFutureElem","MsgContent":{"A":1}}]}`,
			func(t *testing.T, cb event.Callback) {
				b := cb.(*event.C2CAfterSendMsg).MsgBody
				require.Len(t, b, 1)
				assert.Equal(t, message.Type("TIMFutureElem"), b[0].MsgType())
			}},
		{"command from body", "", `{"CallbackCommand":"Group.CallbackAfterGroupFull","GroupId":"g"}`,
			func(t *testing.T, cb event.Callback) {
				assert.Equal(t, "g", cb.(*event.GroupAfterGroupFull).GroupID)
			}},
		{"unknown command", "Future.CallbackSomething", `{"CallbackCommand":"Future.CallbackSomething","X":1}`,
			func(t *testing.T, cb event.Callback) {
				u, ok := cb.(*event.UnknownCallback)
				require.True(t, ok)
				assert.Equal(t, event.Command("Future.CallbackSomething"), u.Command())
				assert.JSONEq(t, `{"CallbackCommand":"Future.CallbackSomething","X":1}`, string(u.Raw()))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cb, err := event.Parse(string(tt.cmd), []byte(tt.body))
			require.NoError(t, err)
			tt.check(t, cb)
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cmd, body string
		want            error
	}{
		{"empty", "C2C.CallbackAfterSendMsg", ``, event.ErrMalformedBody},
		{"null", "C2C.CallbackAfterSendMsg", `null`, event.ErrMalformedBody},
		{"array", "C2C.CallbackAfterSendMsg", `[{}]`, event.ErrMalformedBody},
		{"string", "C2C.CallbackAfterSendMsg", `"x"`, event.ErrMalformedBody},
		{"truncated", "C2C.CallbackAfterSendMsg", `{"From_Account":"a","MsgBody":[{"MsgTy`, event.ErrMalformedBody},
		{"trailing garbage", "C2C.CallbackAfterSendMsg", `{"From_Account":"a"} x`, event.ErrMalformedBody},
		{"MsgBody is a number", "C2C.CallbackAfterSendMsg", `{"MsgBody":5}`, event.ErrMalformedBody},
		{"Info is a string", "State.StateChange", `{"Info":"Login"}`, event.ErrMalformedBody},
		{"list of numbers for members", "Group.CallbackAfterNewMemberJoin", `{"NewMemberList":[1,2]}`, event.ErrMalformedBody},
		{"object for a number", "Group.CallbackAfterSendMsg", `{"MsgSeq":{"v":1}}`, event.ErrMalformedBody},
		{"word for a number", "Group.CallbackAfterSendMsg", `{"MsgSeq":"seven"}`, event.ErrMalformedBody},
		{"bad EventTime", "Group.CallbackAfterSendMsg", `{"EventTime":"yesterday"}`, event.ErrMalformedBody},
		{"command mismatch", "C2C.CallbackAfterSendMsg", `{"CallbackCommand":"C2C.CallbackBeforeSendMsg"}`, event.ErrCommandMismatch},
		{"no command anywhere", "", `{"From_Account":"a"}`, event.ErrNoCommand},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := event.Parse(tt.cmd, []byte(tt.body))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.True(t, errors.Is(err, event.ErrMalformedBody))
		})
	}
}

func TestPlatformCanonical(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]event.Platform{
		"IOS": event.PlatformIOS, "iOS": event.PlatformIOS, "ios": event.PlatformIOS, "Web": event.PlatformWeb,
		"RESTAPI": event.PlatformRESTAPI, "ipad": event.PlatformIPad, "Tizen": "Tizen", "": "",
	} {
		assert.Equal(t, want, event.Platform(in).Canonical(), in)
	}
}

func TestCommandsAreDistinctTypes(t *testing.T) {
	t.Parallel()
	seen := map[string]event.Command{}
	for _, cmd := range event.Commands() {
		if strings.HasPrefix(string(cmd), "OfficialAccount.") {
			continue // one type for the family, told apart by Command()
		}
		cb, err := event.Parse(string(cmd), []byte(`{}`))
		require.NoError(t, err)
		typ := strings.TrimPrefix(reflectTypeName(cb), "*event.")
		prev, dup := seen[typ]
		assert.False(t, dup, "%s and %s share %s", prev, cmd, typ)
		seen[typ] = cmd
	}
}

// EventTime, in Unix milliseconds, decodes from a number or a numeric
// string; 0, "", null and absence all mean the zero Time.
func TestParseEventTimeForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		`1670574414123`: 1670574414123, `"1670574414123"`: 1670574414123, `""`: 0, `null`: 0, `0`: 0,
		`"-5"`: -5, `1.6e12`: 1600000000000, `"1670574414123.0"`: 1670574414123,
		`9223372036854775807`: 9223372036854775807,
	} {
		cb, err := event.Parse(string(event.CmdStateChange), []byte(`{"EventTime":`+in+`}`))
		require.NoError(t, err, in)
		if want == 0 {
			assert.True(t, cb.(*event.StateChange).EventTime.IsZero(), in)
			continue
		}
		assert.Equal(t, time.UnixMilli(want), cb.(*event.StateChange).EventTime, in)
	}
	for _, in := range []string{`"soon"`, `true`, `{}`, `[]`} {
		_, err := event.Parse(string(event.CmdStateChange), []byte(`{"EventTime":`+in+`}`))
		assert.ErrorIs(t, err, event.ErrMalformedBody, in)
	}
	cb, err := event.Parse(string(event.CmdStateChange), []byte(`{}`))
	require.NoError(t, err)
	assert.True(t, cb.(*event.StateChange).EventTime.IsZero(), "absent")
}

// Every callback type decodes with json.Unmarshal to what Parse gives (the
// raw body and the origin aside), and re-encodes to the same JSON: code
// that stores or forwards callbacks as JSON keeps the instants.
func TestCallbackJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, cmd := range event.Commands() {
		t.Run(string(cmd), func(t *testing.T) {
			t.Parallel()
			parsed, err := event.Parse(string(cmd), readCallback(t, cmd))
			require.NoError(t, err)
			out, err := json.Marshal(parsed)
			require.NoError(t, err)
			decoded := reflect.New(reflect.TypeOf(parsed).Elem()).Interface().(event.Callback)
			require.NoError(t, json.Unmarshal(out, decoded))
			m := metaOf(parsed)
			*m = event.Meta{CallbackCommand: m.CallbackCommand, EventTime: m.EventTime} // drop raw and origin
			assert.Equal(t, parsed, decoded)
			again, err := json.Marshal(decoded)
			require.NoError(t, err)
			assert.JSONEq(t, string(out), string(again))
		})
	}
}

// The instants are time.Time both ways: seconds for MsgTime and
// LastReadTime, milliseconds for EventTime, 0 for the zero Time.
func TestCallbackTimesJSON(t *testing.T) {
	t.Parallel()
	eventTime := time.UnixMilli(1670574414123)
	sent := time.Unix(1557481126, 0)
	c2c := &event.C2CAfterSendMsg{
		Meta:       event.Meta{CallbackCommand: event.CmdC2CAfterSendMsg, EventTime: eventTime},
		C2CMessage: event.C2CMessage{FromAccount: "a", MsgSeq: 1 << 40, MsgTime: sent},
	}
	before := *c2c
	b, err := json.Marshal(c2c)
	require.NoError(t, err)
	assert.Equal(t, before, *c2c, "marshalling leaves the value alone")
	var wire map[string]any
	require.NoError(t, json.Unmarshal(b, &wire))
	assert.InDelta(t, 1670574414123, wire["EventTime"], 0)
	assert.InDelta(t, 1557481126, wire["MsgTime"], 0)
	assert.InDelta(t, float64(1<<40), wire["MsgSeq"], 0, "MsgSeq is 64-bit")

	group := &event.GroupAfterSendMsg{MsgSeq: 7, MsgTime: sent}
	b, err = json.Marshal(group)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"MsgTime":1557481126`)
	assert.NotContains(t, string(b), `"EventTime"`, "a zero EventTime is left out, as Tencent's older callbacks do")

	report := event.C2CAfterMsgReport{LastReadTime: sent}
	b, err = json.Marshal(report) // a value, not a pointer
	require.NoError(t, err)
	assert.Contains(t, string(b), `"LastReadTime":1557481126`)

	zero, err := json.Marshal(&event.C2CAfterSendMsg{})
	require.NoError(t, err)
	assert.Contains(t, string(zero), `"MsgTime":0`)

	var got event.C2CAfterMsgReport
	require.NoError(t, json.Unmarshal([]byte(`{"LastReadTime":0,"EventTime":"1670574414123"}`), &got))
	assert.True(t, got.LastReadTime.IsZero(), "0 is the zero Time")
	assert.Equal(t, eventTime, got.EventTime, "EventTime as a string")

	// Like encoding/json, UnmarshalJSON keeps what the JSON does not mention.
	kept := event.GroupAfterSendMsg{Meta: event.Meta{EventTime: eventTime}, MsgTime: sent}
	require.NoError(t, json.Unmarshal([]byte(`{"GroupId":"g"}`), &kept))
	assert.Equal(t, eventTime, kept.EventTime)
	assert.Equal(t, sent, kept.MsgTime)
	assert.Equal(t, "g", kept.GroupID)
	require.NoError(t, json.Unmarshal([]byte(`{"MsgTime":0}`), &kept))
	assert.True(t, kept.MsgTime.IsZero(), "a 0 in the JSON clears it")

	// A callback inside another value.
	var wrapped struct {
		CB  event.GroupAfterSendMsg
		Ptr *event.C2CAfterSendMsg
	}
	require.NoError(t, json.Unmarshal([]byte(`{"CB":{"MsgTime":1557481126,"EventTime":1670574414123},"Ptr":{"MsgTime":1557481126}}`), &wrapped))
	assert.Equal(t, sent, wrapped.CB.MsgTime)
	assert.Equal(t, eventTime, wrapped.CB.EventTime)
	require.NotNil(t, wrapped.Ptr)
	assert.Equal(t, sent, wrapped.Ptr.MsgTime)
}

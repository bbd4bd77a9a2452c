package event_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/internal/testkit"
)

// Regression tests for issue 13's callback defects 5, 6 and 7, each named
// after its symptom, on Tencent's documented bodies (the corpus).

func corpusBody(t testing.TB, cmd event.Command) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, string(cmd), "request.json"))
	require.NoError(t, err)
	var f corpusFile
	require.NoError(t, json.Unmarshal(b, &f))
	require.NotEmpty(t, f.Body)
	return f.Body
}

func parseCorpus[T event.Callback](t *testing.T, cmd event.Command) T {
	t.Helper()
	cb, err := event.Parse(string(cmd), corpusBody(t, cmd))
	require.NoError(t, err)
	v, ok := cb.(T)
	require.True(t, ok, "%T", cb)
	return v
}

// Defect 5.

func TestCreateTopicCallbackKeepsOwnerAndCustomData(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.GroupAfterCreateTopic](t, event.CmdGroupAfterCreateTopic)
	assert.Equal(t, "leckie", c.OwnerAccount)
	assert.Equal(t, []event.KeyValue{{Key: "UserDefined1", Value: "hello"}, {Key: "UserDefined2", Value: "world"}},
		c.UserDefinedData)
	assert.Equal(t, "@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_@TOPIC#cRTE3HIM62C5", c.TopicID)
	assert.Equal(t, "MyFirstTopic", c.Name)
}

func TestTopicDestroyedCallbackListsTheTopics(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.GroupAfterTopicDestroyed](t, event.CmdGroupAfterTopicDestroyed)
	assert.Equal(t, []string{"@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic", "@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic_1"},
		c.TopicIDList)
}

func TestTopicInfoChangedCallbackKeepsTheChanges(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.GroupAfterTopicInfoChanged](t, event.CmdGroupAfterTopicInfoChanged)
	require.NotNil(t, c.Name)
	require.NotNil(t, c.Introduction)
	require.NotNil(t, c.Notification)
	require.NotNil(t, c.FaceURL)
	assert.Equal(t, "TestTopic", *c.Name)
	assert.Equal(t, "TestIntroduction", *c.Introduction)
	assert.Equal(t, "NewNotification", *c.Notification)
	assert.Equal(t, "http://this.is.face.url", *c.FaceURL)

	// Only the changed fields are sent: the others stay nil.
	cb, err := event.Parse(string(event.CmdGroupAfterTopicInfoChanged),
		[]byte(`{"GroupId":"g","Type":"Community","Name":"n"}`))
	require.NoError(t, err)
	c = cb.(*event.GroupAfterTopicInfoChanged)
	assert.Equal(t, "n", *c.Name)
	assert.Nil(t, c.Introduction)
	assert.Nil(t, c.Notification)
	assert.Nil(t, c.FaceURL)
}

func TestSendMsgExceptionCallbackKeepsTheMessageAndError(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.GroupSendMsgException](t, event.CmdGroupSendMsgException)
	assert.Equal(t, uint32(123456), c.Random)
	assert.Equal(t, 1, c.OnlineOnlyFlag)
	assert.Equal(t, "red packet", c.MsgBody.Text())
	assert.Equal(t, "your cloud custom data", c.CloudCustomData)
	assert.Equal(t, 10023, c.ErrorCode)
	assert.Equal(t, "msg count exceeds limit,please retry later", c.ErrorInfo)
	assert.Equal(t, "jared", c.FromAccount)
	assert.Equal(t, "admin", c.OperatorAccount)
	assert.Equal(t, "@TGS#2J4SZEAEL", c.GroupID)
	assert.Equal(t, time.UnixMilli(1670574414123), c.EventTime)
}

func TestPrevFriendAddCallbackKeepsTheFriendItems(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.PrevFriendAdd](t, event.CmdPrevFriendAdd)
	assert.Equal(t, []event.FriendRequestItem{
		{ToAccount: "id1", Remark: "remark1", GroupName: "group1", AddSource: "AddSource_Type_Android", AddWording: "this is id1!"},
		{ToAccount: "id2", Remark: "remark2", GroupName: "group1", AddSource: "AddSource_Type_Android", AddWording: "this is id2!"},
	}, c.FriendItem)
	assert.Equal(t, event.AddTypeBoth, c.AddType)
}

func TestPrevFriendResponseCallbackKeepsTheResponseItems(t *testing.T) {
	t.Parallel()
	c := parseCorpus[*event.PrevFriendResponse](t, event.CmdPrevFriendResponse)
	assert.Equal(t, []event.FriendResponseItem{
		{ToAccount: "id1", Remark: "remark1", TagName: "group1", ResponseAction: event.ResponseAgreeAndAdd},
		{ToAccount: "id2", Remark: "remark2", TagName: "group2", ResponseAction: event.ResponseReject},
	}, c.ResponseFriendItem)
}

// Defect 6.

func TestPrevFriendAddReadsForceAddFlagsNotForceFlag(t *testing.T) {
	t.Parallel()
	cb, err := event.Parse(string(event.CmdPrevFriendAdd), []byte(`{"From_Account":"a","ForceAddFlags":1}`))
	require.NoError(t, err)
	assert.Equal(t, 1, cb.(*event.PrevFriendAdd).ForceAddFlags)
	cb, err = event.Parse(string(event.CmdPrevFriendAdd), []byte(`{"From_Account":"a","ForceFlag":1}`))
	require.NoError(t, err)
	assert.Equal(t, 0, cb.(*event.PrevFriendAdd).ForceAddFlags, "ForceFlag is FriendAdd's field, not this one's")
}

// Defect 7.

func TestInviteDecisionCanRefuseSomeMembers(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	event.Decide(d, func(_ context.Context, c *event.GroupBeforeInviteJoinGroup) event.Decision {
		return event.RefuseMembers(c.DestinationMembers[0].MemberAccount)
	})
	rec := postCallback(t, d, event.CmdGroupBeforeInviteJoinGroup, corpusBody(t, event.CmdGroupBeforeInviteJoinGroup))
	require.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"RefusedMembers_Account":["jared"]}`,
		rec.Body.String())

	// Only the invitation carries the list; elsewhere it is a plain allow.
	ans := answerFor(t, event.CmdGroupBeforeApplyJoinGroup, event.RefuseMembers("jared"))
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`, ans)
	assert.Equal(t, event.Allow(), event.RefuseMembers())
	assert.Equal(t, "allow+refused(1)", event.RefuseMembers("x").String())
}

func answerFor(t *testing.T, cmd event.Command, dec event.Decision) string {
	t.Helper()
	d := newDispatcher(t)
	cb, err := event.Parse(string(cmd), corpusBody(t, cmd))
	require.NoError(t, err)
	registerDecider(t, d, cb, dec)
	rec := postCallback(t, d, cmd, corpusBody(t, cmd))
	require.Equal(t, 200, rec.Code)
	return rec.Body.String()
}

func TestAppCanRefuseAFriendRequest(t *testing.T) {
	t.Parallel()
	refuse38001, err := event.RefuseFriends(38001, "patients cannot add each other", "id2")
	require.NoError(t, err)
	byCode, err := event.RejectWithCode(38500, "closed")
	require.NoError(t, err)
	for _, cmd := range []event.Command{event.CmdPrevFriendAdd, event.CmdPrevFriendResponse} {
		for _, tt := range []struct {
			name string
			dec  event.Decision
			want string
		}{
			{"allow lists every friend", event.Allow(),
				`[{"To_Account":"id1","ResultCode":0,"ResultInfo":""},{"To_Account":"id2","ResultCode":0,"ResultInfo":""}]`},
			{"refuse one", refuse38001,
				`[{"To_Account":"id2","ResultCode":38001,"ResultInfo":"patients cannot add each other"},{"To_Account":"id1","ResultCode":0,"ResultInfo":""}]`},
			{"reject refuses all", event.Reject("no"),
				`[{"To_Account":"id1","ResultCode":38000,"ResultInfo":"no"},{"To_Account":"id2","ResultCode":38000,"ResultInfo":"no"}]`},
			{"drop refuses all", event.Drop(),
				`[{"To_Account":"id1","ResultCode":38000,"ResultInfo":""},{"To_Account":"id2","ResultCode":38000,"ResultInfo":""}]`},
			{"reject with a friend code", byCode,
				`[{"To_Account":"id1","ResultCode":38500,"ResultInfo":"closed"},{"To_Account":"id2","ResultCode":38500,"ResultInfo":"closed"}]`},
		} {
			t.Run(string(cmd)+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				var got struct {
					ActionStatus string
					ErrorCode    int
					ResultItem   json.RawMessage
				}
				require.NoError(t, json.Unmarshal([]byte(answerFor(t, cmd, tt.dec)), &got))
				// ErrorCode stays 0: a non-zero one means "the app failed"
				// and Tencent then lets the request through.
				assert.Equal(t, "OK", got.ActionStatus)
				assert.Equal(t, 0, got.ErrorCode)
				assert.JSONEq(t, tt.want, string(got.ResultItem))
			})
		}
	}
}

// A fallback Reject (decider too slow) must refuse the friends too, not
// answer an error code Tencent ignores.
func TestFriendRequestFallbackRejectRefusesEveryFriend(t *testing.T) {
	t.Parallel()
	d := newDispatcher(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	event.Decide(d, func(ctx context.Context, _ *event.PrevFriendAdd) event.Decision {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return event.Allow()
	})
	h, err := event.NewHandler(d, testkit.AppID, event.WithoutSignature(),
		event.WithBeforeBudget(20*time.Millisecond), event.WithFallback(event.Reject("busy")))
	require.NoError(t, err)
	rec := postTo(h, event.CmdPrevFriendAdd, corpusBody(t, event.CmdPrevFriendAdd))
	require.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"ResultItem":[
		{"To_Account":"id1","ResultCode":38000,"ResultInfo":"busy"},
		{"To_Account":"id2","ResultCode":38000,"ResultInfo":"busy"}]}`, rec.Body.String())
}

func TestFriendDecisionInputIsChecked(t *testing.T) {
	t.Parallel()
	// Bad input is an error, and the decision still refuses (fail closed).
	dec, err := event.RefuseFriends(1, "x", "id1")
	assert.ErrorContains(t, err, "ResultCode")
	assert.Equal(t, []event.FriendResult{{ToAccount: "id1", ResultCode: 38000, ResultInfo: "x"}}, dec.FriendResults())
	dec, err = event.FriendResults(event.FriendResult{ToAccount: "", ResultCode: 38001},
		event.FriendResult{ToAccount: "b", ResultCode: 38002})
	assert.ErrorContains(t, err, "ResultItem[0].To_Account")
	assert.Equal(t, []event.FriendResult{{ToAccount: "b", ResultCode: 38002}}, dec.FriendResults())
	dec, err = event.FriendResults(event.FriendResult{ToAccount: "a", ResultCode: 20006})
	assert.ErrorContains(t, err, "ResultItem[0].ResultCode")
	assert.Equal(t, []event.FriendResult{{ToAccount: "a", ResultCode: 38000}}, dec.FriendResults())
	dec, err = event.FriendResults(event.FriendResult{ToAccount: "a", ResultCode: 39000})
	require.NoError(t, err)
	assert.Equal(t, []event.FriendResult{{ToAccount: "a", ResultCode: 39000}}, dec.FriendResults())
	assert.Equal(t, "allow+results(1)", dec.String())
}

// The group pass-through range [10100, 10200] reaches group callers; C2C
// keeps its own range.
func TestGroupRejectCodeReachesTheCaller(t *testing.T) {
	t.Parallel()
	dec, err := event.RejectWithCode(10150, "group closed at night")
	require.NoError(t, err)
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"group closed at night","ErrorCode":10150}`,
		answerFor(t, event.CmdGroupBeforeSendMsg, dec))
	assert.JSONEq(t, `{"ActionStatus":"OK","ErrorInfo":"group closed at night","ErrorCode":1}`,
		answerFor(t, event.CmdC2CBeforeSendMsg, dec))
}

// FuzzFriendAnswer: for any PrevFriendAdd body the handler accepts, a
// rejecting decider's answer refuses every requested friend, in range.
func FuzzFriendAnswer(f *testing.F) {
	f.Add(corpusBody(f, event.CmdPrevFriendAdd))
	f.Add([]byte(`{"FriendItem":[{"To_Account":"a"},{"To_Account":"a"}]}`))
	f.Add([]byte(`{"FriendItem":{"To_Account":1}}`))
	d := newDispatcher(f)
	event.Decide(d, func(context.Context, *event.PrevFriendAdd) event.Decision { return event.Reject("x") })
	h, err := event.NewHandler(d, testkit.AppID, event.WithoutSignature())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		cb, perr := event.Parse(string(event.CmdPrevFriendAdd), body)
		rec := postTo(h, event.CmdPrevFriendAdd, body)
		if perr != nil {
			return
		}
		if rec.Code != 200 {
			t.Fatalf("status %d for a body Parse accepts", rec.Code)
		}
		var got struct {
			ErrorCode  int
			ResultItem []event.FriendResult
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("answer is not JSON: %v", err)
		}
		items := cb.(*event.PrevFriendAdd).FriendItem
		if got.ErrorCode != 0 || len(got.ResultItem) != len(items) {
			t.Fatalf("answer %s for %d items", rec.Body.Bytes(), len(items))
		}
		for i, r := range got.ResultItem {
			if r.ToAccount != items[i].ToAccount || r.ResultCode < event.MinFriendRefuseCode ||
				r.ResultCode > event.MaxFriendRefuseCode {
				t.Fatalf("item %d: %+v", i, r)
			}
		}
	})
}

// Tencent's two sites spell the changed member differently; both reach
// Member.
func TestMemberFieldChangedReadsBothMemberSpellings(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"request.json", "request-cn.json"} {
		b, err := os.ReadFile(filepath.Join(conformanceDir, string(event.CmdGroupAfterMemberFieldChange), file))
		require.NoError(t, err)
		var f corpusFile
		require.NoError(t, json.Unmarshal(b, &f))
		cb, err := event.Parse("", f.Body)
		require.NoError(t, err)
		c := cb.(*event.GroupAfterMemberFieldChanged)
		assert.Equal(t, "123456", c.Member(), file)
		assert.Equal(t, "Admin", c.Role)
		require.NotNil(t, c.NameCard)
		assert.Equal(t, "jacky", *c.NameCard)
	}
}

// The alarm callbacks carry their figures.
func TestAlarmCallbacksCarryTheirFigures(t *testing.T) {
	t.Parallel()
	r := parseCorpus[*event.RequestOverLimit](t, event.CmdRequestOverLimit)
	assert.Equal(t, event.CmdRequestOverLimit, r.Command(), "the body's Command does not hide the callback's")
	assert.Equal(t, "openim", r.ServiceName)
	assert.Equal(t, "batchsendmsg", r.APICommand)
	assert.Equal(t, 510, r.Request)
	assert.Equal(t, 200, r.Limit)
	q := parseCorpus[*event.GroupOnDailyQuotaAlarm](t, event.CmdGroupOnDailyQuotaAlarm)
	assert.Equal(t, 7321, q.QuotaUsed)
	assert.Equal(t, 10000, q.Quota)
}

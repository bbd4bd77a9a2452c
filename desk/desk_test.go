package desk_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/timtest"
)

const pStream = "desk_http_svc/send_stream_msg"

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := desk.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "desk.NewService")
}

// TestConformance sends each documented request and reads its answer.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pStream) {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pStream, func(testkit.Request) any { return ex.Response })
			var r struct {
				SessionId, Chunk, MsgKey, CloudCustomData string //nolint:revive // the wire names
				Finish                                    int
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			key, err := c.Desk.SendStreamChunk(context.Background(), desk.StreamChunk{SessionID: r.SessionId, Chunk: r.Chunk,
				MsgKey: r.MsgKey, Finish: r.Finish == 1, CloudCustomData: r.CloudCustomData})
			require.NoError(t, err)
			var want struct{ MsgKey string }
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, cmp.Or(want.MsgKey, r.MsgKey), key)
			testkit.AssertSentExample(t, srv, pStream, ex)
		})
	}
}

// kitClient is a client of a scripted server, without retries or rate
// limit.
func kitClient(t *testing.T) (*testkit.Server, *tim.Client) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

// fakeClient is a client of a fresh fake.
func fakeClient(t *testing.T) (*timtest.Server, *tim.Client) {
	t.Helper()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

func TestValidation(t *testing.T) {
	t.Parallel()
	srv, c := kitClient(t)
	ctx := context.Background()
	_, err := c.Desk.SendStreamChunk(ctx, desk.StreamChunk{Chunk: "x"})
	testkit.AssertInvalid(t, err, "SessionId")
	_, err = c.Desk.SendStreamChunk(ctx, desk.StreamChunk{SessionID: "s"})
	testkit.AssertInvalid(t, err, "Chunk")
	_, err = c.Desk.Stream(ctx, "", func(func(string) bool) {})
	testkit.AssertInvalid(t, err, "SessionId")
	_, err = c.Desk.Stream(ctx, "s", nil)
	testkit.AssertInvalid(t, err, "chunks")
	assert.Empty(t, srv.Requests())
}

// TestStreamOnTheFake drives a whole answer into a session on the fake.
func TestStreamOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	words := strings.Fields("please describe when the pain started and how strong it is")
	res, err := c.Desk.Stream(context.Background(), "fd8a2e30", func(yield func(string) bool) {
		for _, w := range words {
			if !yield(w + " ") {
				return
			}
		}
	})
	require.NoError(t, err)
	require.Len(t, res.MsgKeys, 1)
	st := srv.Streams()
	require.Len(t, st, 1)
	assert.Equal(t, "fd8a2e30", st[0].SessionID)
	assert.True(t, st[0].Finished)
	assert.Equal(t, strings.Join(words, " ")+" ", st[0].Text())
}

func TestDefaultStreamLimits(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 12*1024, desk.DefaultStreamLimits.MaxBytes)
	assert.Equal(t, 15*time.Second, desk.DefaultStreamLimits.MaxIdle)
	assert.GreaterOrEqual(t, desk.DefaultStreamLimits.MinGap, 200*time.Millisecond)
}

// A long answer becomes several desk messages, each below 12 KB, every
// byte once.
func TestStreamSplitsLongAnswers(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	text := strings.Repeat("症状描述 ", 2000) // 26,000 bytes
	res, err := c.Desk.Stream(context.Background(), "s1", func(yield func(string) bool) { yield(text) })
	require.NoError(t, err)
	require.Len(t, res.MsgKeys, 3)
	var all strings.Builder
	for _, st := range srv.Streams() {
		assert.Less(t, len(st.Text()), 12*1024)
		all.WriteString(st.Text())
	}
	assert.Equal(t, text, all.String())
}

const pEnd = "desk_http_svc/end_session"

// TestConformanceEndSession sends each documented end_session request.
func TestConformanceEndSession(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pEnd) {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pEnd, func(testkit.Request) any { return ex.Response })
			var r struct{ SessionId string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, c.Desk.EndSession(context.Background(), r.SessionId))
			testkit.AssertSentExample(t, srv, pEnd, ex)
		})
	}
}

func TestEndSessionValidation(t *testing.T) {
	t.Parallel()
	srv, c := kitClient(t)
	testkit.AssertInvalid(t, c.Desk.EndSession(context.Background(), ""), "SessionId")
	assert.Empty(t, srv.Requests())
}

// TestEndSessionOnTheFake ends a session: a second end and a stream into
// it answer 141005, another session is untouched.
func TestEndSessionOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	_, err := c.Desk.SendStreamChunk(ctx, desk.StreamChunk{SessionID: "s1", Chunk: "hello", Finish: true})
	require.NoError(t, err)
	require.NoError(t, c.Desk.EndSession(ctx, "s1"))
	assert.True(t, srv.DeskSessionEnded("s1"))
	assert.False(t, srv.DeskSessionEnded("s2"))

	var ae *api.Error
	require.ErrorAs(t, c.Desk.EndSession(ctx, "s1"), &ae)
	assert.Equal(t, 141005, ae.Code)
	_, err = c.Desk.SendStreamChunk(ctx, desk.StreamChunk{SessionID: "s1", Chunk: "late"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 141005, ae.Code)
	_, err = c.Desk.SendStreamChunk(ctx, desk.StreamChunk{SessionID: "s2", Chunk: "still open"})
	assert.NoError(t, err)
}

const pQueue = "desk_http_svc/end_queuing"

// TestConformanceEndQueuing sends each documented end_queuing request.
func TestConformanceEndQueuing(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pQueue) {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pQueue, func(testkit.Request) any { return ex.Response })
			var r struct{ SessionID string }
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, c.Desk.EndQueuing(context.Background(), r.SessionID))
			testkit.AssertSentExample(t, srv, pQueue, ex)
		})
	}
}

// TestEndQueuingOnTheFake: bad input is refused before the call; a queued
// session ends once, then answers 141005.
func TestEndQueuingOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	testkit.AssertInvalid(t, c.Desk.EndQueuing(ctx, ""), "SessionID")
	assert.Empty(t, srv.Requests())
	require.NoError(t, c.Desk.EndQueuing(ctx, "q1"))
	assert.True(t, srv.DeskSessionEnded("q1"))
	var ae *api.Error
	require.ErrorAs(t, c.Desk.EndQueuing(ctx, "q1"), &ae)
	assert.Equal(t, 141005, ae.Code)
	require.ErrorAs(t, c.Desk.EndSession(ctx, "q1"), &ae)
	assert.Equal(t, 141005, ae.Code)
}

const pState = "desk_http_svc/get_session_state"

// TestConformanceSessionState sends each documented get_session_state
// request and reads the documented answer.
func TestConformanceSessionState(t *testing.T) {
	t.Parallel()
	exs := testkit.RESTExamples(t, "..", pState)
	require.Len(t, exs, 2)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pState, func(testkit.Request) any { return ex.Response })
			var r struct{ SessionId, ClientUserId, CustomerServiceId string } //nolint:revive // the wire names
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			var (
				st  *desk.SessionStatus
				err error
			)
			if r.SessionId != "" {
				st, err = c.Desk.SessionState(context.Background(), r.SessionId)
			} else {
				st, err = c.Desk.UserSessionState(context.Background(), r.ClientUserId, r.CustomerServiceId)
			}
			require.NoError(t, err)
			var want struct{ SessionId, CurrentState, AgentId string } //nolint:revive // the wire names
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, desk.SessionStatus{SessionID: want.SessionId, State: desk.SessionState(want.CurrentState), AgentID: want.AgentId}, *st)
			assert.Equal(t, desk.StateAgent, st.State)
			testkit.AssertSentExample(t, srv, pState, ex)
		})
	}
}

func TestSessionStateValidation(t *testing.T) {
	t.Parallel()
	srv, c := kitClient(t)
	ctx := context.Background()
	_, err := c.Desk.SessionState(ctx, "")
	testkit.AssertInvalid(t, err, "SessionId")
	_, err = c.Desk.UserSessionState(ctx, "", "@cs")
	testkit.AssertInvalid(t, err, "ClientUserId")
	_, err = c.Desk.UserSessionState(ctx, "user1", "")
	testkit.AssertInvalid(t, err, "CustomerServiceId")
	_, err = c.Desk.UserSessionState(ctx, "user1", strings.Repeat("x", 33))
	testkit.AssertInvalid(t, err, "CustomerServiceId")
	assert.Empty(t, srv.Requests())
}

// A lost answer to get_session_state (the connection closed without a
// response) is resent, the endpoint being idempotent, and the second
// answer is used.
func TestSessionStateResent(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	var n atomic.Int32
	srv.HandleRaw(pState, func(w http.ResponseWriter, _ testkit.Request) {
		if n.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		_, _ = w.Write([]byte(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","SessionId":"s1","CurrentState":"Queueing","AgentId":""}`))
	})
	st, err := c.Desk.SessionState(context.Background(), "s1")
	require.NoError(t, err)
	assert.Len(t, srv.Calls(pState), 2)
	assert.True(t, st.State.Queued())
	assert.Equal(t, desk.StateQueueing, st.State)
}

func TestSessionStateQueuedSpellings(t *testing.T) {
	t.Parallel()
	assert.True(t, desk.StateQueueing.Queued())
	assert.True(t, desk.SessionState("Queuing").Queued())
	for _, st := range []desk.SessionState{desk.StateNotInSession, desk.StateChatbot, desk.StateWaitingForAgentAnswering, desk.StateAgent, ""} {
		assert.False(t, st.Queued(), st)
	}
}

// TestSessionStateOnTheFake: a session the fake has not been told about is
// with the chatbot, a set state is answered by id and by user, an ended
// session answers 141005, a user without a session is NotInSession.
func TestSessionStateOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()

	st, err := c.Desk.SessionState(ctx, "s0")
	require.NoError(t, err)
	assert.Equal(t, desk.SessionStatus{SessionID: "s0", State: desk.StateChatbot}, *st)

	srv.SetDeskSession(timtest.DeskSession{SessionID: "s1", ClientUserID: "patient1", CustomerServiceID: "@cs_clinic",
		State: "Agent", AgentID: "doctor@clinic"})
	st, err = c.Desk.SessionState(ctx, "s1")
	require.NoError(t, err)
	assert.Equal(t, desk.SessionStatus{SessionID: "s1", State: desk.StateAgent, AgentID: "doctor@clinic"}, *st)
	st, err = c.Desk.UserSessionState(ctx, "patient1", "@cs_clinic")
	require.NoError(t, err)
	assert.Equal(t, desk.SessionStatus{SessionID: "s1", State: desk.StateAgent, AgentID: "doctor@clinic"}, *st)

	st, err = c.Desk.UserSessionState(ctx, "patient2", "@cs_clinic")
	require.NoError(t, err)
	assert.Equal(t, desk.SessionStatus{State: desk.StateNotInSession}, *st)

	require.NoError(t, c.Desk.EndSession(ctx, "s1"))
	var ae *api.Error
	_, err = c.Desk.SessionState(ctx, "s1")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 141005, ae.Code)
	st, err = c.Desk.UserSessionState(ctx, "patient1", "@cs_clinic")
	require.NoError(t, err)
	assert.Equal(t, desk.StateNotInSession, st.State)
}

const pTransfer = "desk_http_svc/transfer_to_human"

// TestConformanceTransfer sends the documented transfer_to_human request
// and reads the documented answer.
func TestConformanceTransfer(t *testing.T) {
	t.Parallel()
	exs := testkit.RESTExamples(t, "..", pTransfer)
	require.NotEmpty(t, exs)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pTransfer, func(testkit.Request) any { return ex.Response })
			var r struct {
				SessionId              string   //nolint:revive // the wire name
				AgentIdList            []string //nolint:revive // the wire name
				AgentGroupId           int      //nolint:revive // the wire name
				SendTipIfNoAgentOnline int
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			got, err := c.Desk.TransferToHuman(context.Background(), desk.Transfer{SessionID: r.SessionId, AgentIDs: r.AgentIdList,
				AgentGroupID: r.AgentGroupId, TipIfNoAgentOnline: r.SendTipIfNoAgentOnline == 1})
			require.NoError(t, err)
			var want struct {
				AgentId   string //nolint:revive // the wire name
				IsInQueue int
			}
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, desk.Transferred{AgentID: want.AgentId, Queued: want.IsInQueue == 1}, *got)
			testkit.AssertSentExample(t, srv, pTransfer, ex)
		})
	}
}

func TestTransferValidation(t *testing.T) {
	t.Parallel()
	srv, c := kitClient(t)
	ctx := context.Background()
	_, err := c.Desk.TransferToHuman(ctx, desk.Transfer{})
	testkit.AssertInvalid(t, err, "SessionId")
	_, err = c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s", AgentIDs: []string{"a@x", ""}})
	testkit.AssertInvalid(t, err, "AgentIdList[1]")
	_, err = c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s", AgentGroupID: -1})
	testkit.AssertInvalid(t, err, "AgentGroupId")
	assert.Empty(t, srv.Requests())
}

// TestTransferWire: the tip flag is sent as 1, optional fields left out
// when not given, and IsInQueue read.
func TestTransferWire(t *testing.T) {
	t.Parallel()
	srv, c := kitClient(t)
	srv.Handle(pTransfer, func(testkit.Request) any {
		return testkit.With(map[string]any{"AgentId": "", "IsInQueue": 1})
	})
	got, err := c.Desk.TransferToHuman(context.Background(), desk.Transfer{SessionID: "s1", TipIfNoAgentOnline: true})
	require.NoError(t, err)
	assert.Equal(t, desk.Transferred{Queued: true}, *got)
	assert.JSONEq(t, `{"SessionId":"s1","SendTipIfNoAgentOnline":1}`, string(srv.Last(pTransfer).Body))
}

// TestTransferOnTheFake: a transfer to named agents waits for the first
// to answer, one without agents queues the user (and end_queuing ends
// it), an ended session answers 141005.
func TestTransferOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()

	got, err := c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s1", AgentIDs: []string{"dr.li@clinic", "dr.wu@clinic"}})
	require.NoError(t, err)
	assert.Equal(t, desk.Transferred{AgentID: "dr.li@clinic"}, *got)
	st, err := c.Desk.SessionState(ctx, "s1")
	require.NoError(t, err)
	assert.Equal(t, desk.SessionStatus{SessionID: "s1", State: desk.StateWaitingForAgentAnswering, AgentID: "dr.li@clinic"}, *st)

	got, err = c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s2", AgentGroupID: 7})
	require.NoError(t, err)
	assert.Equal(t, desk.Transferred{Queued: true}, *got)
	st, err = c.Desk.SessionState(ctx, "s2")
	require.NoError(t, err)
	assert.True(t, st.State.Queued())
	require.NoError(t, c.Desk.EndQueuing(ctx, "s2"))
	assert.True(t, srv.DeskSessionEnded("s2"))

	var ae *api.Error
	_, err = c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s2"})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 141005, ae.Code)
}

const pRobot = "openim_console_http_svc/desk_update_robot"

// TestConformanceUpdateRobot sends each documented desk_update_robot
// request.
func TestConformanceUpdateRobot(t *testing.T) {
	t.Parallel()
	exs := testkit.RESTExamples(t, "..", pRobot)
	require.NotEmpty(t, exs)
	for _, ex := range exs {
		t.Run(ex.Name, func(t *testing.T) {
			srv, c := kitClient(t)
			srv.Handle(pRobot, func(testkit.Request) any { return ex.Response })
			var r struct{ RobotId, Nick string } //nolint:revive // the wire names
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, c.Desk.UpdateRobot(context.Background(), r.RobotId, r.Nick))
			testkit.AssertSentExample(t, srv, pRobot, ex)
		})
	}
}

// TestUpdateRobotOnTheFake: bad input is refused before the call (the
// nickname limit counts characters, not bytes); a good one is recorded and
// a resend sets the same name.
func TestUpdateRobotOnTheFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	ctx := context.Background()
	const id = "@RBT#DeskDefaultRobot"
	testkit.AssertInvalid(t, c.Desk.UpdateRobot(ctx, "", "x"), "RobotId")
	testkit.AssertInvalid(t, c.Desk.UpdateRobot(ctx, id, ""), "Nick")
	testkit.AssertInvalid(t, c.Desk.UpdateRobot(ctx, id, strings.Repeat("客", desk.MaxRobotNickChars+1)), "Nick")
	assert.Empty(t, srv.Requests())
	long := strings.Repeat("客", desk.MaxRobotNickChars) // 150 bytes, 50 characters
	require.NoError(t, c.Desk.UpdateRobot(ctx, id, long))
	assert.Equal(t, long, srv.DeskRobotNick(id))
	require.NoError(t, c.Desk.UpdateRobot(ctx, id, "test-robot"))
	require.NoError(t, c.Desk.UpdateRobot(ctx, id, "test-robot"))
	assert.Equal(t, "test-robot", srv.DeskRobotNick(id))
	assert.Empty(t, srv.DeskRobotNick("@RBT#other"))
}

// TestUpdateRobotFakeRefusesLongNick: the fake itself answers -7 to a
// nickname over the page's 50 characters sent past the SDK.
func TestUpdateRobotFakeRefusesLongNick(t *testing.T) {
	t.Parallel()
	srv, c := fakeClient(t)
	body := map[string]any{"RobotId": "@RBT#r", "Nick": strings.Repeat("a", 51)}
	var resp api.Envelope
	err := c.Do(context.Background(), api.Endpoint{Path: pRobot}, body, &resp)
	var ae *api.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, -7, ae.Code)
	assert.Empty(t, srv.DeskRobotNick("@RBT#r"))
}

package robot_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/robot"
	"github.com/timkit/tim/timtest"
)

const (
	pCreate = "openim_robot_http_svc/create_robot"
	pDelete = "openim_robot_http_svc/delete_robot"
	pAll    = "openim_robot_http_svc/get_all_robots"
	pStream = "openim_robot_http_svc/send_stream_msg"
)

func recorded(t *testing.T) (*robot.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c.Robot, srv
}

// faked returns a client on the fake with the accounts imported.
func faked(t testing.TB, opts ...tim.Option) (*tim.Client, *timtest.Server) {
	t.Helper()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, append([]tim.Option{tim.WithBaseURL(srv.URL)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	for _, id := range []string{"patient", "user01"} {
		require.NoError(t, c.Account.Import(ctx, account.Account{UserID: id}))
	}
	return c, srv
}

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := robot.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "robot.NewService")
}

// TestConformance holds the typed methods to Tencent's documented
// examples: the request sent is the documented one, the documented answer
// decodes into the result.
func TestConformance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	calls := map[string]func(t *testing.T, s *robot.Service, ex testkit.Example) any{
		pCreate: func(t *testing.T, s *robot.Service, ex testkit.Example) any {
			var r robot.Robot
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, s.Create(ctx, r))
			return nil
		},
		pDelete: func(t *testing.T, s *robot.Service, ex testkit.Example) any {
			var r struct{ Robot_Account string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			require.NoError(t, s.Delete(ctx, r.Robot_Account))
			return nil
		},
		pAll: func(t *testing.T, s *robot.Service, ex testkit.Example) any {
			ids, err := s.All(ctx)
			require.NoError(t, err)
			var want struct{ Robot_Account []string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, want.Robot_Account, ids)
			return nil
		},
		pStream: func(t *testing.T, s *robot.Service, ex testkit.Example) any {
			var r struct {
				From_Account, To_Account, Chunk, MsgKey string //nolint:revive // the wire names
				Finish                                  int
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			key, err := s.SendStreamChunk(ctx, robot.StreamChunk{From: r.From_Account, To: r.To_Account, Chunk: r.Chunk, MsgKey: r.MsgKey, Finish: r.Finish == 1})
			require.NoError(t, err)
			var want struct{ MsgKey string }
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, want.MsgKey, key)
			return nil
		},
	}
	for _, e := range robot.Endpoints() {
		call := calls[e.Path]
		require.NotNil(t, call, "no conformance call for %s", e.Path)
		for _, ex := range testkit.RESTExamples(t, "..", e.Path) {
			t.Run(e.Path+"/"+ex.Name, func(t *testing.T) {
				s, srv := recorded(t)
				srv.Handle(e.Path, func(testkit.Request) any { return ex.Response })
				call(t, s, ex)
				got := srv.Last(e.Path).Body
				assert.JSONEq(t, string(ex.Request), string(got))
				testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
			})
		}
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	s, srv := recorded(t)
	ctx := context.Background()
	testkit.AssertInvalid(t, s.Create(ctx, robot.Robot{UserID: "bot"}), "UserID")
	testkit.AssertInvalid(t, s.Create(ctx, robot.Robot{UserID: "@RBT#"}), "UserID")
	testkit.AssertInvalid(t, s.Create(ctx, robot.Robot{UserID: "@RBT#0123456789012345678901234567"}), "UserID")
	testkit.AssertInvalid(t, s.Create(ctx, robot.Robot{UserID: "@RBT#a", SelfSignature: string(make([]byte, 501))}), "SelfSignature")
	testkit.AssertInvalid(t, s.Delete(ctx, "user"), "Robot_Account")
	_, err := s.SendStreamChunk(ctx, robot.StreamChunk{From: "user", To: "u", Chunk: "x"})
	testkit.AssertInvalid(t, err, "From_Account")
	_, err = s.SendStreamChunk(ctx, robot.StreamChunk{From: "@RBT#a", To: "", Chunk: "x"})
	testkit.AssertInvalid(t, err, "To_Account")
	_, err = s.SendStreamChunk(ctx, robot.StreamChunk{From: "@RBT#a", To: "u", MsgKey: "k"})
	testkit.AssertInvalid(t, err, "Chunk")
	_, err = s.SendStreamChunk(ctx, robot.StreamChunk{From: "@RBT#a", To: "u", Finish: true})
	testkit.AssertInvalid(t, err, "Chunk")
	_, err = s.Stream(ctx, "@RBT#a", "u", nil)
	testkit.AssertInvalid(t, err, "chunks")
	_, err = s.WithStreamLimits(robot.StreamLimits{MinGap: 100e6, MaxIdle: 1e9, MaxBytes: 10, CloseTimeout: 1e9})
	testkit.AssertInvalid(t, err, "StreamLimits.MinGap")
	_, err = s.WithStreamLimits(robot.StreamLimits{MinGap: 300e6, MaxIdle: 16e9, MaxBytes: 10, CloseTimeout: 1e9})
	testkit.AssertInvalid(t, err, "StreamLimits.MaxIdle")
	_, err = s.WithStreamLimits(robot.StreamLimits{MinGap: 300e6, MaxIdle: 1e9, MaxBytes: 200 * 1024, CloseTimeout: 1e9})
	testkit.AssertInvalid(t, err, "StreamLimits.MaxBytes")
	_, err = s.WithStreamLimits(robot.StreamLimits{MinGap: 300e6, MaxIdle: 1e9, IdleMargin: 800e6, MaxBytes: 10, CloseTimeout: 1e9})
	testkit.AssertInvalid(t, err, "StreamLimits.IdleMargin")
	_, err = s.WithStreamLimits(robot.StreamLimits{MinGap: 300e6, MaxIdle: 1e9, MaxBytes: 10})
	testkit.AssertInvalid(t, err, "StreamLimits.CloseTimeout")
	ok, err := s.WithStreamLimits(robot.StreamLimits{MinGap: 300e6, MaxIdle: 1e9, IdleMargin: 100e6, MaxBytes: 10, CloseTimeout: 1e9})
	require.NoError(t, err)
	assert.NotNil(t, ok)
	assert.Empty(t, srv.Requests(), "invalid input reached the network")
}

// TestRobotsOnTheFake: create (twice), list, delete, the 20-robot limit.
func TestRobotsOnTheFake(t *testing.T) {
	t.Parallel()
	c, srv := faked(t)
	ctx := context.Background()
	require.NoError(t, c.Robot.Create(ctx, robot.Robot{UserID: "@RBT#triage", Nick: "Triage"}))
	require.NoError(t, c.Robot.Create(ctx, robot.Robot{UserID: "@RBT#triage", Nick: "Triage"}))
	require.NoError(t, c.Robot.Create(ctx, robot.Robot{UserID: "@RBT#second"}))
	ids, err := c.Robot.All(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"@RBT#triage", "@RBT#second"}, ids)
	require.NoError(t, c.Robot.Delete(ctx, "@RBT#second"))
	ids, err = c.Robot.All(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"@RBT#triage"}, ids)
	assert.Equal(t, ids, srv.Robots())
	for i := range robot.MaxRobots - 1 {
		require.NoError(t, c.Robot.Create(ctx, robot.Robot{UserID: "@RBT#n" + string(rune('a'+i))}))
	}
	err = c.Robot.Create(ctx, robot.Robot{UserID: "@RBT#over"})
	assert.Equal(t, 10008, api.CodeOf(err), "%v", err)
}

package tim_test

// The contract of every declared endpoint, held against a server that
// loses answers: an Unsafe call is never sent twice once it may have
// reached Tencent, through its typed method or through Client.Do, and the
// calls that may be resent are.

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/desk"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/moderation"
	"github.com/timkit/tim/official"
	"github.com/timkit/tim/push"
	"github.com/timkit/tim/robot"
)

// loseAnswers makes srv read every request to paths and hang up without an
// answer: the request arrived, whether it was processed is unknown.
func loseAnswers(srv *testkit.Server, paths ...string) {
	for _, p := range paths {
		srv.HandleRaw(p, func(w http.ResponseWriter, _ testkit.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
	}
}

func lossyClient(t *testing.T) (*tim.Client, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	var paths []string
	for _, e := range tim.Endpoints() {
		paths = append(paths, e.Path)
	}
	loseAnswers(srv, append(paths, "x/undeclared")...)
	c := newClient(t, srv, tim.WithRetry(tim.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	return c, srv
}

// typedCall calls the typed method of one command with valid input.
type typedCall func(ctx context.Context, c *tim.Client) error

// unsafeTyped has a typed call for every command whose declaration is
// Unsafe; TestUnsafeEndpointsAreNeverResent fails when one is missing.
var unsafeTyped = map[string]typedCall{
	"group_open_http_svc/create_group": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.Create(ctx, group.CreateRequest{Type: group.Private, Name: "Dr(P)", Owner: "doctor"})
		return err
	},
	"group_open_http_svc/import_group": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.Import(ctx, group.ImportRequest{Type: group.Private, Name: "old", Owner: "doctor"})
		return err
	},
	"million_group_open_http_svc/create_topic": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.CreateTopic(ctx, group.TopicRequest{GroupID: "@TGS#_community", Name: "ward"})
		return err
	},
	"group_open_http_svc/import_topic": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.ImportTopic(ctx, group.TopicRequest{GroupID: "@TGS#_community", Name: "ward"}, time.Unix(1600000000, 0))
		return err
	},
	"group_open_http_svc/update_group_counter": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.UpdateCounters(ctx, "g1", group.CounterIncrease, []group.Counter{{Key: "likes", Value: 1}})
		return err
	},
	"group_open_http_svc/send_group_system_notification": func(ctx context.Context, c *tim.Client) error {
		return c.Message.SendGroupNotification(ctx, message.GroupNotification{GroupID: "g1", Content: "ward round at 9"})
	},
	"group_open_http_svc/send_broadcast_msg": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Message.SendBroadcast(ctx, &message.Broadcast{Body: message.Body{&message.Text{Text: "hi"}}})
		return err
	},
	"group_open_http_svc/import_group_msg": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Message.ImportGroup(ctx, message.ImportGroupRequest{GroupID: "g1", Messages: []message.ImportGroupMsg{
			{From: "doctor", Time: time.Unix(1600000000, 0), Random: 7, Body: message.Body{&message.Text{Text: "old"}}},
		}})
		return err
	},
	"sns/group_add": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Relation.AddFriendGroups(ctx, "doctor", []string{"patients"}, nil)
		return err
	},
	// Tencent documents no dedup window for batchsendmsg (issue 14 item 11).
	"openim/batchsendmsg": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Message.SendBatch(ctx, message.NewText("", "", "hi", message.WithSender("doctor")), []string{"p1", "p2"})
		return err
	},
	"openim_robot_http_svc/send_stream_msg": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Robot.SendStreamChunk(ctx, robot.StreamChunk{From: "@RBT#triage", To: "patient", Chunk: "hello"})
		return err
	},
	"official_account_open_http_svc/create_official_account": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Official.Create(ctx, official.Account{Owner: "doctor", Name: "Ward news"})
		return err
	},
	"desk_http_svc/send_stream_msg": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Desk.SendStreamChunk(ctx, desk.StreamChunk{SessionID: "s1", Chunk: "hello"})
		return err
	},
	"desk_http_svc/transfer_to_human": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Desk.TransferToHuman(ctx, desk.Transfer{SessionID: "s1"})
		return err
	},
	"timpush/batch": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Push.SendToUsers(ctx, &push.UserPush{From: "doctor", To: []string{"p1"}, OfflinePush: &message.OfflinePushInfo{Title: "t"}})
		return err
	},
	"im_msg_audit_mgr/add_cloud_audit_keywords": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Moderation.AddCloudKeywords(ctx, 1400000000, "lib1", []moderation.Keyword{{Content: "spam"}})
		return err
	},
}

// safeVariants are typed calls that the method itself makes resendable:
// they must be resent under the same fault (which proves the fault
// injection exercises the retry path at all).
var safeVariants = map[string]typedCall{
	"create_group with a custom GroupId": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.Create(ctx, group.CreateRequest{Type: group.Private, GroupID: "consult_1", Name: "Dr(P)", Owner: "doctor"})
		return err
	},
	"import_group with a custom GroupId": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.Import(ctx, group.ImportRequest{Type: group.Private, GroupID: "old_1", Name: "old", Owner: "doctor"})
		return err
	},
	"create_topic with a custom TopicId": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.CreateTopic(ctx, group.TopicRequest{GroupID: "@TGS#_community", TopicID: "@TGS#_community@TOPIC#_ward", Name: "ward"})
		return err
	},
	"update_group_counter Set": func(ctx context.Context, c *tim.Client) error {
		_, err := c.Group.UpdateCounters(ctx, "g1", group.CounterSet, []group.Counter{{Key: "likes", Value: 1}})
		return err
	},
}

func TestUnsafeEndpointsAreNeverResent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	unsafe := 0
	for _, e := range tim.Endpoints() {
		if e.Resend() != tim.Unsafe {
			continue
		}
		unsafe++
		call, ok := unsafeTyped[e.Path]
		if !assert.True(t, ok, "%s is declared Unsafe: add its typed call to unsafeTyped", e.Path) {
			continue
		}
		t.Run(e.Path, func(t *testing.T) {
			t.Parallel()
			for _, via := range []struct {
				name string
				call typedCall
			}{
				{"typed method", call},
				{"Do with the declaration", func(ctx context.Context, c *tim.Client) error { return c.Do(ctx, e, map[string]int{"k": 1}, nil) }},
				{"Do with Lookup", func(ctx context.Context, c *tim.Client) error {
					d, ok := tim.Lookup(e.Path)
					require.True(t, ok)
					return c.Do(ctx, d, nil, nil)
				}},
				{"Do with a raw path", func(ctx context.Context, c *tim.Client) error {
					return c.Do(ctx, tim.Endpoint{Path: e.Path}, nil, nil)
				}},
			} {
				c, srv := lossyClient(t)
				err := via.call(ctx, c)
				assert.Error(t, err, via.name)
				assert.Len(t, srv.Calls(e.Path), 1, "%s via %s: sent more than once after a lost answer", e.Path, via.name)
			}
		})
	}
	assert.Len(t, unsafeTyped, unsafe, "unsafeTyped lists a command that is not declared Unsafe")
}

func TestRawPathIsNeverResent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The case that once double-incremented a counter: a raw Do of a
	// command with side effects, its first answer lost.
	for _, path := range []string{"group_open_http_svc/update_group_counter", "x/undeclared", "openim/sendmsg"} {
		c, srv := lossyClient(t)
		err := c.Do(ctx, tim.Endpoint{Path: path}, map[string]any{"GroupId": "g1", "Mode": "Increase",
			"GroupCounter": []map[string]any{{"Key": "likes", "Value": 1}}}, nil)
		require.Error(t, err, path)
		assert.Len(t, srv.Calls(path), 1, path)
	}
}

func TestResendableEndpointsAreResent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, e := range tim.Endpoints() {
		if e.Resend() == tim.Unsafe {
			continue
		}
		c, srv := lossyClient(t)
		err := c.Do(ctx, e, nil, nil)
		require.Error(t, err, e.Path)
		assert.Len(t, srv.Calls(e.Path), 3, "%v: a lost answer is resent up to MaxAttempts", e)
	}
	for name, call := range safeVariants {
		c, srv := lossyClient(t)
		require.Error(t, call(ctx, c), name)
		total := len(srv.Requests())
		assert.Equal(t, 3, total, "%s: resent after a lost answer", name)
	}
}

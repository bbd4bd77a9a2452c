package group_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const (
	pGetAttr    = "group_open_attr_http_svc/get_group_attr"
	pModifyAttr = "group_open_http_svc/modify_group_attr"
	pSetAttr    = "group_open_http_svc/set_group_attr"
	pClearAttr  = "group_open_http_svc/clear_group_attr"
	pGetCounter = "group_open_http_svc/get_group_counter"
	pUpdCounter = "group_open_http_svc/update_group_counter"
	pDelCounter = "group_open_http_svc/delete_group_counter"
)

func TestAttrsGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle(pGetAttr, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupAttrAry": []map[string]any{{"key": "stage", "value": "triage"}, {"key": "room", "value": "3"}}})
	})
	got, err := svc.Attrs(ctx, "@TGS#aC5SZEAEF")
	require.NoError(t, err)
	golden(t, srv, pGetAttr, "get_group_attr")
	assert.Equal(t, map[string]string{"stage": "triage", "room": "3"}, got)

	attrs := map[string]string{"stage": "consult", "room": "4", "doctor": "王医生"}
	require.NoError(t, svc.ModifyAttrs(ctx, "@TGS#aC5SZEAEF", attrs))
	golden(t, srv, pModifyAttr, "modify_group_attr")
	require.NoError(t, svc.SetAttrs(ctx, "@TGS#aC5SZEAEF", map[string]string{"stage": "closed"}))
	golden(t, srv, pSetAttr, "set_group_attr")
	require.NoError(t, svc.ClearAttrs(ctx, "@TGS#aC5SZEAEF"))
	golden(t, srv, pClearAttr, "clear_group_attr")

	srv.Handle(pClearAttr, func(testkit.Request) any { return testkit.Fail(10007, "group type does not support attributes") })
	require.ErrorIs(t, svc.ClearAttrs(ctx, "@TGS#_community"), tim.ErrPermission)
}

func TestCountersGolden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	srv.Handle(pGetCounter, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupCounter": []map[string]any{{"Key": "likes", "Value": 9007199254740993}, {"Key": "views", "Value": "-2"}}})
	})
	got, err := svc.Counters(ctx, "@TGS#_live", "likes", "views")
	require.NoError(t, err)
	golden(t, srv, pGetCounter, "get_group_counter")
	assert.Equal(t, []group.Counter{{"likes", 9007199254740993}, {"views", -2}}, got)
	_, err = svc.Counters(ctx, "@TGS#_live")
	require.NoError(t, err)
	golden(t, srv, pGetCounter, "get_group_counter_all")

	srv.Handle(pUpdCounter, func(r testkit.Request) any {
		return testkit.With(map[string]any{"GroupCounter": []map[string]any{{"Key": "likes", "Value": 11}}})
	})
	got, err = svc.UpdateCounters(ctx, "@TGS#_live", group.CounterIncrease, []group.Counter{{"likes", 2}})
	require.NoError(t, err)
	golden(t, srv, pUpdCounter, "update_group_counter")
	assert.Equal(t, []group.Counter{{"likes", 11}}, got)

	require.NoError(t, svc.DeleteCounters(ctx, "@TGS#_live", "likes"))
	golden(t, srv, pDelCounter, "delete_group_counter")
	require.NoError(t, svc.DeleteCounters(ctx, "@TGS#_live"))
	golden(t, srv, pDelCounter, "delete_group_counter_all")
}

func TestCountersSplitBy20(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t)
	var cs []group.Counter
	for i, k := range userIDs(45) {
		cs = append(cs, group.Counter{Key: k, Value: int64(i)})
	}
	_, err := svc.UpdateCounters(ctx, "@TGS#g", group.CounterSet, cs)
	require.NoError(t, err)
	assert.Equal(t, []int{20, 20, 5}, listSizes(t, srv, pUpdCounter, "GroupCounter"))
	_, err = svc.Counters(ctx, "@TGS#g", userIDs(21)...)
	require.NoError(t, err)
	assert.Equal(t, []int{20, 1}, listSizes(t, srv, pGetCounter, "GroupCounterKeys"))
	require.NoError(t, svc.DeleteCounters(ctx, "@TGS#g", userIDs(40)...))
	assert.Equal(t, []int{20, 20}, listSizes(t, srv, pDelCounter, "GroupCounterKeys"))
}

// Set is resent after a lost answer; Increase and Decrease are not, since
// a resend could count twice.
func TestCounterIncreaseNotResent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode  group.CounterMode
		calls int
	}{{group.CounterSet, 2}, {group.CounterIncrease, 1}, {group.CounterDecrease, 1}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			svc, srv := newRetryingService(t)
			n := 0
			srv.Handle(pUpdCounter, func(testkit.Request) any {
				if n++; n == 1 {
					return testkit.Fail(10002, "internal error") // transient: the update may have happened
				}
				return nil
			})
			_, err := svc.UpdateCounters(context.Background(), "@TGS#g", tc.mode, []group.Counter{{"likes", 1}})
			if tc.calls == 1 {
				require.ErrorIs(t, err, tim.ErrServerBusy)
			} else {
				require.NoError(t, err)
			}
			assert.Len(t, srv.Calls(pUpdCounter), tc.calls)
		})
	}
}

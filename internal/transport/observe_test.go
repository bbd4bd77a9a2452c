package transport

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
)

// recorder is an api.Observer that writes one line per hook, and checks
// that each End gets the context its Start returned.
type recorder struct {
	api.NopObserver
	mu    sync.Mutex
	lines []string
	bad   []string
}

type spanKey struct{}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

func (r *recorder) expect(ctx context.Context, want string) {
	if got, _ := ctx.Value(spanKey{}).(string); got != want {
		r.mu.Lock()
		r.bad = append(r.bad, fmt.Sprintf("context carries %q, want %q", got, want))
		r.mu.Unlock()
	}
}

func (r *recorder) CallStart(ctx context.Context, c api.Call) context.Context {
	r.add("call %s", c.Endpoint.Path)
	return context.WithValue(ctx, spanKey{}, "call")
}

func (r *recorder) CallEnd(ctx context.Context, c api.Call, res api.CallResult) {
	r.expect(ctx, "call")
	r.add("end attempts=%d status=%d code=%d family=%s err=%t", res.Attempts, res.HTTPStatus, res.Code, res.Family, res.Err != nil)
}

func (r *recorder) AttemptStart(ctx context.Context, a api.Attempt) context.Context {
	r.expect(ctx, "call")
	r.add("attempt %d standby=%t", a.Number, a.Standby)
	return context.WithValue(ctx, spanKey{}, "attempt")
}

func (r *recorder) AttemptEnd(ctx context.Context, a api.Attempt, res api.AttemptResult) {
	r.expect(ctx, "attempt")
	r.add("attempt-end %d status=%d code=%d err=%t", a.Number, res.HTTPStatus, res.Code, res.Err != nil)
}

func (r *recorder) Retry(ctx context.Context, rt api.Retry) {
	r.expect(ctx, "call")
	r.add("retry %d %s", rt.Attempt, rt.Reason)
}

func (r *recorder) LimiterWait(ctx context.Context, w api.LimiterWait) {
	r.expect(ctx, "call")
	r.add("limiter %s %d", w.Key, w.Units)
}

func (r *recorder) Renewal(ctx context.Context, rn api.Renewal) {
	r.expect(ctx, "call")
	r.add("renewal %s", rn.Identifier)
}

func (r *recorder) HostSwitch(ctx context.Context, h api.HostSwitch) {
	r.expect(ctx, "call")
	r.add("switch standby=%t err=%t", h.ToStandby, h.Err != nil)
}

func (r *recorder) got(t *testing.T) []string {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Empty(t, r.bad, "every hook gets the context of its Start")
	return append([]string(nil), r.lines...)
}

// hooksOn reports whether this build calls the observer: false under the
// tim_nohooks tag (hooks_off.go), where the observer tests expect silence.
func hooksOn() bool { return (&Transport{obs: api.NopObserver{}}).observer() != nil }

// assertObserved checks that the observer saw line, or, in a build without
// hooks, that it saw nothing at all.
func assertObserved(t *testing.T, got []string, line string) {
	t.Helper()
	if hooksOn() {
		assert.Contains(t, got, line)
	} else {
		assert.Empty(t, got, "tim_nohooks: the observer is never called")
	}
}

func TestObserverSequences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		ep    api.Endpoint
		setup func(t *testing.T, srv *testkit.Server, c *Config)
		err   bool
		want  []string
	}{
		{
			name: "success",
			ep:   idem("a/b"),
			want: []string{"call a/b", "limiter a/b 1", "attempt 1 standby=false", "attempt-end 1 status=200 code=0 err=false",
				"end attempts=1 status=200 code=0 family= err=false"},
		},
		{
			name: "retried call",
			ep:   idem("busy/once"),
			setup: func(_ *testing.T, srv *testkit.Server, _ *Config) {
				flaky(srv, "busy/once", 1, http.StatusBadGateway, "<html>bad gateway</html>")
			},
			want: []string{"call busy/once", "limiter busy/once 1", "attempt 1 standby=false", "attempt-end 1 status=502 code=0 err=true",
				"retry 2 server_busy", "limiter busy/once 1", "attempt 2 standby=false", "attempt-end 2 status=200 code=0 err=false",
				"end attempts=2 status=200 code=0 family= err=false"},
		},
		{
			name: "60007 answer",
			ep:   api.Endpoint{Path: "openim/batchsendmsg", Budget: api.BatchRecipientsKey, Units: 3},
			setup: func(_ *testing.T, srv *testkit.Server, c *Config) {
				srv.Handle("openim/batchsendmsg", func(testkit.Request) any { return testkit.Fail(60007, "too frequent") })
				c.Retry = &RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, RateLimitDelay: time.Millisecond}
			},
			err: true,
			want: []string{"call openim/batchsendmsg", "limiter " + api.BatchRecipientsKey + " 3", "limiter openim/batchsendmsg 1",
				"attempt 1 standby=false", "attempt-end 1 status=200 code=60007 err=true", "retry 2 rate_limited",
				"limiter openim/batchsendmsg 1", "attempt 2 standby=false", "attempt-end 2 status=200 code=60007 err=true",
				"end attempts=2 status=200 code=60007 family=rate_limited err=true"},
		},
		{
			name: "renewal",
			ep:   idem("im_open_login_svc/account_check"),
			setup: func(_ *testing.T, srv *testkit.Server, _ *Config) {
				srv.Handle("im_open_login_svc/account_check", func(r testkit.Request) any {
					if strings.HasSuffix(r.Query.Get("usersig"), "_0") {
						return testkit.Fail(70001, "expired")
					}
					return nil
				})
			},
			want: []string{"call im_open_login_svc/account_check", "limiter im_open_login_svc/account_check 1",
				"attempt 1 standby=false", "attempt-end 1 status=200 code=70001 err=true", "renewal administrator",
				"retry 2 usersig_renewed", "limiter im_open_login_svc/account_check 1", "attempt 2 standby=false",
				"attempt-end 2 status=200 code=0 err=false", "end attempts=2 status=200 code=0 family= err=false"},
		},
		{
			name: "standby switch",
			ep:   api.Endpoint{Path: "openim/sendmsg"},
			setup: func(t *testing.T, srv *testkit.Server, c *Config) {
				c.StandbyURL = c.BaseURL
				c.BaseURL = deadAddr(t)
			},
			want: []string{"call openim/sendmsg", "limiter openim/sendmsg 1", "attempt 1 standby=false",
				"attempt-end 1 status=0 code=0 err=true", "switch standby=true err=true", "attempt 1 standby=true",
				"attempt-end 1 status=200 code=0 err=false", "end attempts=1 status=200 code=0 family= err=false"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := testkit.NewServer(t)
			rec := &recorder{}
			tr, _ := newTransport(t, srv.URL, func(c *Config) {
				c.Observer = rec
				if tc.setup != nil {
					tc.setup(t, srv, c)
				}
			})
			defer tr.Close()
			ctx := context.WithValue(context.Background(), spanKey{}, "caller")
			err := tr.Do(ctx, tc.ep, nil, nil)
			if tc.err {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			want := tc.want
			if !hooksOn() {
				want = nil // tim_nohooks: no hook runs
			}
			assert.Equal(t, want, rec.got(t))
		})
	}
}

// TestNoObserverNoExtraAllocations: an unset observer costs no allocation
// beyond the NopObserver's (which itself adds none: the hook arguments are
// values).
func TestNoObserverNoExtraAllocations(t *testing.T) {
	rt := cannedRoundTripper(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)
	plain, _ := newTransport(t, "http://tim.invalid", func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	nop, _ := newTransport(t, "http://tim.invalid", func(c *Config) {
		c.HTTPClient = &http.Client{Transport: rt}
		c.Observer = api.NopObserver{}
	})
	ctx := context.Background()
	call := func(tr *Transport) func() {
		return func() {
			if err := tr.Do(ctx, idem("a/b"), nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	without := testing.AllocsPerRun(200, call(plain))
	with := testing.AllocsPerRun(200, call(nop))
	assert.LessOrEqual(t, without, with, "an unset observer costs nothing a set one does not")
	assert.InDelta(t, without, with, 0.5, "the hooks themselves allocate nothing")
}

// TestNoTimerContextUnderAnEarlierCallerDeadline: when the caller's
// deadline ends the attempt first anyway, the attempt makes no timer
// context of its own (issue 17: it is 5 allocations a call).
func TestNoTimerContextUnderAnEarlierCallerDeadline(t *testing.T) {
	rt := cannedRoundTripper(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`)
	tr, _ := newTransport(t, "http://tim.invalid", func(c *Config) { c.HTTPClient = &http.Client{Transport: rt} })
	short, cancel := context.WithTimeout(context.Background(), time.Minute/2)
	defer cancel()
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()
	call := func(ctx context.Context) func() {
		return func() {
			if err := tr.Do(ctx, idem("a/b"), nil, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	tr.cfg.Timeout = time.Minute
	own := testing.AllocsPerRun(200, call(long))
	callers := testing.AllocsPerRun(200, call(short))
	assert.GreaterOrEqual(t, own-callers, 4.0, "own timer context: %v allocs, caller's deadline: %v", own, callers)
}

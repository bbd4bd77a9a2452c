package otel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/timkit/tim/api"
	timotel "github.com/timkit/tim/contrib/otel"
)

// The SDK's call sequences, as the transport and the webhook handler make
// them (api/observe.go): CallStart, LimiterWait for each budget, then per
// attempt AttemptStart/AttemptEnd, a Retry (after a Renewal or a
// HostSwitch when they happen) before each resend, and CallEnd;
// CallbackStart at arrival and CallbackEnd after the answer.

const (
	primary = "console.tim.qq.com"
	standby = "console.tim.qq.com.standby.example:8443"
)

var (
	sendmsg = api.Endpoint{Path: "openim/sendmsg", Safety: api.Deduped, DedupWindow: api.C2CDedupWindow}
	t0      = time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
)

type harness struct {
	obs    *timotel.Observer
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	obs, err := timotel.New(timotel.WithTracerProvider(tp), timotel.WithMeterProvider(mp))
	require.NoError(t, err)
	return &harness{obs: obs, spans: spans, reader: reader}
}

// attempt is one round trip of a scripted call.
type attempt struct {
	host    string
	standby bool
	status  int
	code    int
	err     error
	// after the attempt, before the retry
	renewal    bool
	switchTo   string
	retry      api.RetryReason
	retryDelay time.Duration
}

// call drives o with the sequence of one call made of attempts.
func call(ctx context.Context, o api.Observer, ep api.Endpoint, wait time.Duration, attempts []attempt, final error) {
	c := api.Call{Endpoint: ep, Start: t0}
	ctx = o.CallStart(ctx, c)
	o.LimiterWait(ctx, api.LimiterWait{Key: ep.Limit(), Units: 1, Waited: wait})
	var last attempt
	for i, at := range attempts {
		a := api.Attempt{Endpoint: ep, Number: i + 1, Host: at.host, Standby: at.standby}
		actx := o.AttemptStart(ctx, a)
		o.AttemptEnd(actx, a, api.AttemptResult{HTTPStatus: at.status, Code: at.code, Err: at.err,
			Duration: 30 * time.Millisecond})
		if at.renewal {
			o.Renewal(ctx, api.Renewal{Endpoint: ep, Identifier: "administrator"})
		}
		if at.switchTo != "" {
			o.HostSwitch(ctx, api.HostSwitch{From: at.host, To: at.switchTo, ToStandby: true, Err: at.err})
		}
		if at.retry != "" {
			o.Retry(ctx, api.Retry{Endpoint: ep, Attempt: i + 2, Reason: at.retry, Delay: at.retryDelay, Err: at.err})
		}
		last = at
	}
	o.CallEnd(ctx, c, api.CallResult{Attempts: len(attempts), HTTPStatus: last.status, Code: last.code,
		Family: api.FamilyName(final), Err: final, Duration: 250 * time.Millisecond})
}

func rateLimited() error {
	return &api.Error{Op: "openim/sendmsg", HTTPStatus: 200, Code: 60007, Info: "request too frequently"}
}

// The scenarios of issue 16.
var (
	scenarioSuccess = func(ctx context.Context, o api.Observer) {
		call(ctx, o, sendmsg, 3*time.Millisecond, []attempt{{host: primary, status: 200}}, nil)
	}
	scenarioRetried = func(ctx context.Context, o api.Observer) {
		call(ctx, o, sendmsg, 0, []attempt{
			{host: primary, err: fmt.Errorf("tim: openim/sendmsg: %w", context.DeadlineExceeded),
				retry: api.RetryTransport, retryDelay: 100 * time.Millisecond},
			{host: primary, status: 200},
		}, nil)
	}
	scenario60007 = func(ctx context.Context, o api.Observer) {
		call(ctx, o, sendmsg, 0, []attempt{
			{host: primary, status: 200, code: 60007, err: rateLimited(), retry: api.RetryRateLimited,
				retryDelay: time.Second},
			{host: primary, status: 200, code: 60007, err: rateLimited()},
		}, rateLimited())
	}
	scenarioRenewal = func(ctx context.Context, o api.Observer) {
		expired := &api.Error{Op: "openim/sendmsg", HTTPStatus: 200, Code: 70001, Info: "usersig expired"}
		call(ctx, o, sendmsg, 0, []attempt{
			{host: primary, status: 200, code: 70001, err: expired, renewal: true, retry: api.RetryRenewal},
			{host: primary, status: 200},
		}, nil)
	}
	scenarioStandby = func(ctx context.Context, o api.Observer) {
		down := errors.New("dial tcp: connection refused")
		call(ctx, o, sendmsg, 0, []attempt{
			{host: primary, err: down, switchTo: standby, retry: api.RetryTransport},
			{host: standby, standby: true, status: 200},
		}, nil)
	}
	scenarioVerifiedCallback = func(ctx context.Context, o api.Observer) {
		cb := api.Callback{Command: "C2C.CallbackAfterSendMsg", Start: t0}
		ctx = o.CallbackStart(ctx, cb)
		o.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictAccepted, Status: http.StatusOK,
			Duration: 2 * time.Millisecond})
	}
	scenarioRefusedCallback = func(ctx context.Context, o api.Observer) {
		cb := api.Callback{Command: "C2C.CallbackAfterSendMsg", Start: t0}
		ctx = o.CallbackStart(ctx, cb)
		o.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictRefused, Status: http.StatusUnauthorized,
			Err: errors.New("event: bad signature"), Duration: time.Millisecond})
	}
	scenarioFallback = func(ctx context.Context, o api.Observer) {
		cb := api.Callback{Command: "C2C.CallbackBeforeSendMsg", Before: true, Start: t0}
		ctx = o.CallbackStart(ctx, cb)
		o.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictFailed, Status: http.StatusOK,
			Decision: "reject", Fallback: true, Duration: 1500 * time.Millisecond})
	}
)

func TestSuccessfulCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioSuccess(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 2)
	att, parent := spans[0], spans[1]
	assert.Equal(t, "tim openim/sendmsg", parent.Name())
	assert.Equal(t, trace.SpanKindInternal, parent.SpanKind())
	assert.Equal(t, "POST openim/sendmsg", att.Name())
	assert.Equal(t, trace.SpanKindClient, att.SpanKind())
	assert.Equal(t, parent.SpanContext().SpanID(), att.Parent().SpanID(), "the attempt is a child of the call")
	assert.Equal(t, codes.Unset, parent.Status().Code)
	assert.Equal(t, t0, parent.StartTime())
	assert.Equal(t, t0.Add(250*time.Millisecond), parent.EndTime(), "the span lasts the SDK's measured duration")

	assertAttrs(t, parent.Attributes(), map[string]any{"tim.endpoint": "openim/sendmsg", "tim.attempts": int64(1),
		"tim.outcome": "ok", "tim.family": "none", "http.response.status_code": int64(200)})
	assertAttrs(t, att.Attributes(), map[string]any{"http.request.method": "POST", "server.address": primary,
		"tim.attempt": int64(1), "tim.standby": false, "http.response.status_code": int64(200)})
	require.Len(t, parent.Events(), 1)
	assert.Equal(t, "tim.limiter.wait", parent.Events()[0].Name)

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.family=none,tim.outcome=ok": 1},
		m.sums(timotel.MetricCalls))
	assert.Equal(t, map[string]uint64{"tim.endpoint=openim/sendmsg,tim.outcome=ok": 1},
		m.counts(timotel.MetricCallDuration))
	assert.InDelta(t, 0.25, m.histSum(timotel.MetricCallDuration), 1e-9)
	assert.Equal(t, map[string]uint64{
		"http.response.status_code=200,tim.endpoint=openim/sendmsg,tim.outcome=ok,tim.standby=false": 1,
	}, m.counts(timotel.MetricAttemptDuration))
	assert.Equal(t, map[string]uint64{"tim.limiter.key=openim/sendmsg": 1}, m.counts(timotel.MetricLimiterWait))
	assert.InDelta(t, 0.003, m.histSum(timotel.MetricLimiterWait), 1e-9)
	assert.Equal(t, map[string]int64{"tim.limiter.key=openim/sendmsg": 1}, m.sums(timotel.MetricLimiterUnits))
	assert.Empty(t, m.sums(timotel.MetricRetries))
}

func TestRetriedCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioRetried(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 3)
	first, second, parent := spans[0], spans[1], spans[2]
	for _, s := range []sdktrace.ReadOnlySpan{first, second} {
		assert.Equal(t, parent.SpanContext().SpanID(), s.Parent().SpanID())
	}
	assert.Equal(t, codes.Error, first.Status().Code)
	assert.Equal(t, "deadline", first.Status().Description)
	assertAttrs(t, first.Attributes(), map[string]any{"tim.attempt": int64(1), "error.type": "deadline"})
	assertAttrs(t, second.Attributes(), map[string]any{"tim.attempt": int64(2), "http.response.status_code": int64(200)})
	assert.Equal(t, codes.Unset, parent.Status().Code, "the call succeeded")
	assertAttrs(t, parent.Attributes(), map[string]any{"tim.attempts": int64(2), "tim.outcome": "ok"})

	retry := eventNamed(t, parent, "tim.retry")
	assertAttrs(t, retry.Attributes, map[string]any{"tim.retry.reason": "transport", "tim.attempt": int64(2),
		"tim.retry.delay_ms": int64(100), "error.type": "deadline"})

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.retry.reason=transport": 1},
		m.sums(timotel.MetricRetries))
	assert.Equal(t, map[string]uint64{
		"http.response.status_code=0,tim.endpoint=openim/sendmsg,tim.outcome=error,tim.standby=false": 1,
		"http.response.status_code=200,tim.endpoint=openim/sendmsg,tim.outcome=ok,tim.standby=false":  1,
	}, m.counts(timotel.MetricAttemptDuration))
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.family=none,tim.outcome=ok": 1},
		m.sums(timotel.MetricCalls))
}

func TestRateLimitedCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenario60007(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 3)
	parent := spans[2]
	assert.Equal(t, codes.Error, parent.Status().Code)
	assert.Equal(t, "rate_limited (60007)", parent.Status().Description)
	assertAttrs(t, parent.Attributes(), map[string]any{"tim.code": int64(60007), "tim.family": "rate_limited",
		"error.type": "rate_limited", "tim.outcome": "error", "tim.attempts": int64(2)})
	for _, s := range spans[:2] {
		assertAttrs(t, s.Attributes(), map[string]any{"tim.code": int64(60007), "error.type": "rate_limited",
			"http.response.status_code": int64(200)})
	}

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.family=rate_limited,tim.outcome=error": 1},
		m.sums(timotel.MetricCalls))
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.retry.reason=rate_limited": 1},
		m.sums(timotel.MetricRetries))
}

func TestRenewedCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioRenewal(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 3)
	parent := spans[2]
	renewal := eventNamed(t, parent, "tim.usersig.renewal")
	assertAttrs(t, renewal.Attributes, map[string]any{"tim.identifier": "administrator"})
	retry := eventNamed(t, parent, "tim.retry")
	assertAttrs(t, retry.Attributes, map[string]any{"tim.retry.reason": "usersig_renewed", "error.type": "usersig_expired"})
	assertAttrs(t, spans[0].Attributes(), map[string]any{"tim.code": int64(70001), "error.type": "usersig_expired"})
	assert.Equal(t, codes.Unset, parent.Status().Code)

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg": 1}, m.sums(timotel.MetricRenewals))
	assert.Equal(t, map[string]int64{"tim.endpoint=openim/sendmsg,tim.retry.reason=usersig_renewed": 1},
		m.sums(timotel.MetricRetries))
}

func TestStandbySwitch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioStandby(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 3)
	first, second, parent := spans[0], spans[1], spans[2]
	assertAttrs(t, first.Attributes(), map[string]any{"server.address": primary, "tim.standby": false,
		"error.type": "other"})
	assertAttrs(t, second.Attributes(), map[string]any{"server.address": "console.tim.qq.com.standby.example",
		"server.port": int64(8443), "tim.standby": true})
	sw := eventNamed(t, parent, "tim.host.switch")
	assertAttrs(t, sw.Attributes, map[string]any{"tim.host.from": primary,
		"tim.host.to": "console.tim.qq.com.standby.example", "tim.standby": true})

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"server.address=console.tim.qq.com.standby.example,tim.standby=true": 1},
		m.sums(timotel.MetricHostSwitches))
	assert.Equal(t, map[string]uint64{
		"http.response.status_code=0,tim.endpoint=openim/sendmsg,tim.outcome=error,tim.standby=false": 1,
		"http.response.status_code=200,tim.endpoint=openim/sendmsg,tim.outcome=ok,tim.standby=true":   1,
	}, m.counts(timotel.MetricAttemptDuration))
}

func TestVerifiedCallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioVerifiedCallback(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "tim.callback C2C.CallbackAfterSendMsg", s.Name())
	assert.Equal(t, trace.SpanKindServer, s.SpanKind())
	assert.False(t, s.Parent().IsValid(), "linked to nothing Tencent sent")
	assert.Empty(t, s.Links())
	assert.Equal(t, codes.Unset, s.Status().Code)
	assertAttrs(t, s.Attributes(), map[string]any{"tim.callback.command": "C2C.CallbackAfterSendMsg",
		"tim.callback.before": false, "tim.callback.verdict": "accepted", "http.response.status_code": int64(200)})

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.callback.command=C2C.CallbackAfterSendMsg,tim.callback.verdict=accepted": 1},
		m.sums(timotel.MetricCallbacks))
	assert.Empty(t, m.counts(timotel.MetricDecisionTime), "after-callbacks have no decision")
}

func TestRefusedCallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioRefusedCallback(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "refused", spans[0].Status().Description)
	assertAttrs(t, spans[0].Attributes(), map[string]any{"tim.callback.verdict": "refused",
		"http.response.status_code": int64(401), "error.type": "other"})

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.callback.command=C2C.CallbackAfterSendMsg,tim.callback.verdict=refused": 1},
		m.sums(timotel.MetricCallbacks))
}

func TestBeforeCallbackFallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	scenarioFallback(context.Background(), h.obs)

	spans := h.spans.Ended()
	require.Len(t, spans, 1)
	assertAttrs(t, spans[0].Attributes(), map[string]any{"tim.callback.before": true,
		"tim.callback.decision": "reject", "tim.callback.fallback": true, "tim.callback.verdict": "failed"})
	assert.Equal(t, codes.Error, spans[0].Status().Code)

	m := collect(t, h.reader)
	assert.Equal(t, map[string]int64{"tim.callback.command=C2C.CallbackBeforeSendMsg": 1},
		m.sums(timotel.MetricFallbacks))
	assert.Equal(t, map[string]uint64{
		"tim.callback.command=C2C.CallbackBeforeSendMsg,tim.callback.decision=reject,tim.callback.fallback=true": 1,
	}, m.counts(timotel.MetricDecisionTime))
	assert.InDelta(t, 1.5, m.histSum(timotel.MetricDecisionTime), 1e-9)
}

// A command the SDK does not know is the sender's text: it is never a
// label or an attribute.
func TestUnknownCallbackCommandIsNotRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cb := api.Callback{Command: "Evil.Cmd&" + strings.Repeat("x", 100)}
	ctx := h.obs.CallbackStart(context.Background(), cb)
	h.obs.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictRefused, Status: 401})
	spans := h.spans.Ended()
	require.Len(t, spans, 1)
	assert.Equal(t, "tim.callback unknown", spans[0].Name())
	assert.Equal(t, map[string]int64{"tim.callback.command=unknown,tim.callback.verdict=refused": 1},
		collect(t, h.reader).sums(timotel.MetricCallbacks))
}

// Retry, renewal and limiter events reach the call's span even when the
// transport passes an attempt's context (whose span has ended).
func TestEventsReachTheCallFromAnAttemptContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := api.Call{Endpoint: sendmsg, Start: t0}
	ctx := h.obs.CallStart(context.Background(), c)
	a := api.Attempt{Endpoint: sendmsg, Number: 1, Host: primary}
	actx := h.obs.AttemptStart(ctx, a)
	h.obs.AttemptEnd(actx, a, api.AttemptResult{Err: context.DeadlineExceeded})
	h.obs.Retry(actx, api.Retry{Endpoint: sendmsg, Attempt: 2, Reason: api.RetryTransport})
	h.obs.CallEnd(ctx, c, api.CallResult{Attempts: 1, Err: context.DeadlineExceeded, Duration: time.Second})
	spans := h.spans.Ended()
	require.Len(t, spans, 2)
	eventNamed(t, spans[1], "tim.retry")
}

func TestNewWithGlobalProviders(t *testing.T) {
	t.Parallel()
	obs, err := timotel.New()
	require.NoError(t, err)
	scenarioSuccess(context.Background(), obs) // the global no-op providers: nothing to see, nothing breaks
}

// ---------------------------------------------------------------------------
// helpers

func assertAttrs(t *testing.T, got []attribute.KeyValue, want map[string]any) {
	t.Helper()
	m := make(map[string]any, len(got))
	for _, kv := range got {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	for k, v := range want {
		if assert.Contains(t, m, k) {
			assert.Equal(t, v, m[k], k)
		}
	}
}

func eventNamed(t *testing.T, s sdktrace.ReadOnlySpan, name string) sdktrace.Event {
	t.Helper()
	for _, e := range s.Events() {
		if e.Name == name {
			return e
		}
	}
	require.Failf(t, "no event", "span %s has no event %s: %v", s.Name(), name, s.Events())
	return sdktrace.Event{}
}

type metrics map[string]metricdata.Aggregation

func collect(t *testing.T, r *sdkmetric.ManualReader) metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	out := metrics{}
	for _, sm := range rm.ScopeMetrics {
		require.Equal(t, timotel.ScopeName, sm.Scope.Name)
		for _, m := range sm.Metrics {
			out[m.Name] = m.Data
		}
	}
	return out
}

func setKey(s attribute.Set) string {
	kvs := s.ToSlice()
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = string(kv.Key) + "=" + kv.Value.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (m metrics) sums(name string) map[string]int64 {
	out := map[string]int64{}
	if s, ok := m[name].(metricdata.Sum[int64]); ok {
		for _, p := range s.DataPoints {
			out[setKey(p.Attributes)] += p.Value
		}
	}
	return out
}

func (m metrics) counts(name string) map[string]uint64 {
	out := map[string]uint64{}
	if h, ok := m[name].(metricdata.Histogram[float64]); ok {
		for _, p := range h.DataPoints {
			out[setKey(p.Attributes)] += p.Count
		}
	}
	return out
}

func (m metrics) histSum(name string) float64 {
	var sum float64
	if h, ok := m[name].(metricdata.Histogram[float64]); ok {
		for _, p := range h.DataPoints {
			sum += p.Sum
		}
	}
	return sum
}

// Decision labels drop codes and counts; the span keeps them.
func TestDecisionLabelIsBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, d := range []string{"reject(120005)", "reject(120006)", "allow+refused(3)", "allow+refused(4)"} {
		cb := api.Callback{Command: "C2C.CallbackBeforeSendMsg", Before: true}
		ctx := h.obs.CallbackStart(context.Background(), cb)
		h.obs.CallbackEnd(ctx, cb, api.CallbackResult{Verdict: api.VerdictAccepted, Status: 200, Decision: d})
	}
	assert.Equal(t, map[string]uint64{
		"tim.callback.command=C2C.CallbackBeforeSendMsg,tim.callback.decision=allow+refused,tim.callback.fallback=false": 2,
		"tim.callback.command=C2C.CallbackBeforeSendMsg,tim.callback.decision=reject,tim.callback.fallback=false":        2,
	}, collect(t, h.reader).counts(timotel.MetricDecisionTime))
	spans := h.spans.Ended()
	require.Len(t, spans, 4)
	assertAttrs(t, spans[0].Attributes(), map[string]any{"tim.callback.decision": "reject(120005)"})
}

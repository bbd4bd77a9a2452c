package otel

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/event"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/timkit/tim/contrib/otel"

// Attribute keys. Semantic-convention names where OpenTelemetry defines
// one (HTTP client and error attributes), tim.* otherwise.
const (
	AttrHTTPStatus  = attribute.Key("http.response.status_code") // semconv
	AttrHTTPMethod  = attribute.Key("http.request.method")       // semconv
	AttrServerAddr  = attribute.Key("server.address")            // semconv
	AttrServerPort  = attribute.Key("server.port")               // semconv
	AttrErrorType   = attribute.Key("error.type")                // semconv
	AttrEndpoint    = attribute.Key("tim.endpoint")              // "<service>/<command>"
	AttrAttempt     = attribute.Key("tim.attempt")               // attempt number, from 1
	AttrAttempts    = attribute.Key("tim.attempts")              // round trips of a call
	AttrCode        = attribute.Key("tim.code")                  // Tencent's ErrorCode
	AttrFamily      = attribute.Key("tim.family")                // api.FamilyName, "none" on success
	AttrOutcome     = attribute.Key("tim.outcome")               // "ok" or "error"
	AttrStandby     = attribute.Key("tim.standby")               // the attempt went to the standby host
	AttrRetryReason = attribute.Key("tim.retry.reason")          // api.RetryReason
	AttrRetryDelay  = attribute.Key("tim.retry.delay_ms")        // the wait before the resend
	AttrLimiterKey  = attribute.Key("tim.limiter.key")           // the limiter budget
	AttrUnits       = attribute.Key("tim.limiter.units")         // units of the budget asked
	AttrIdentifier  = attribute.Key("tim.identifier")            // the admin account renewed
	AttrCommand     = attribute.Key("tim.callback.command")      // a known CallbackCommand or "unknown"
	AttrBefore      = attribute.Key("tim.callback.before")       // Tencent waits for a decision
	AttrVerdict     = attribute.Key("tim.callback.verdict")      // api.CallbackVerdict
	AttrDecision    = attribute.Key("tim.callback.decision")     // the before-callback's answer
	AttrFallback    = attribute.Key("tim.callback.fallback")     // the fallback answered
)

// Metric names.
const (
	MetricCalls           = "tim.client.calls"
	MetricCallDuration    = "tim.client.call.duration"
	MetricAttemptDuration = "tim.client.attempt.duration"
	MetricRetries         = "tim.client.retries"
	MetricLimiterWait     = "tim.client.limiter.wait"
	MetricLimiterUnits    = "tim.client.limiter.units"
	MetricRenewals        = "tim.client.usersig.renewals"
	MetricHostSwitches    = "tim.client.host.switches"
	MetricCallbacks       = "tim.callbacks"
	MetricCallbackTime    = "tim.callback.duration"
	MetricDecisionTime    = "tim.callback.decision.duration"
	MetricFallbacks       = "tim.callback.fallbacks"
)

// unknownCommand labels a callback whose command this SDK does not know:
// the query is the sender's to choose (a refused request included), so
// its text never becomes a label or an attribute.
const unknownCommand = "unknown"

// Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider sets the tracer provider (default: the global one,
// otel.GetTracerProvider, at New).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	}
}

// WithMeterProvider sets the meter provider (default: the global one,
// otel.GetMeterProvider, at New).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}
}

// Observer implements api.Observer on OpenTelemetry: a span per call
// with a child per attempt, a span per callback, and the metrics named by
// the Metric constants. Pass it to tim.WithObserver and
// event.WithObserver; one Observer may serve both, and many clients.
//
// Nothing secret is recorded: the SDK passes no usersig, key, token or
// URL query; this package records error families and codes, never an
// error's text, a message, or a callback command it does not know.
type Observer struct {
	tracer trace.Tracer

	calls        metric.Int64Counter
	callDur      metric.Float64Histogram
	attemptDur   metric.Float64Histogram
	retries      metric.Int64Counter
	limiterWait  metric.Float64Histogram
	limiterUnits metric.Int64Counter
	renewals     metric.Int64Counter
	switches     metric.Int64Counter
	callbacks    metric.Int64Counter
	callbackDur  metric.Float64Histogram
	decisionDur  metric.Float64Histogram
	fallbacks    metric.Int64Counter

	// opts caches the metric attribute sets: the label values are few
	// (endpoints, families, statuses, known commands), and building a set
	// costs allocations on every call.
	mu    sync.RWMutex
	opts  map[optKey]measurement
	names map[string]spanNames
}

// measurement is one cached attribute set as the option lists the
// instruments take (a list built per call would be an allocation).
type measurement struct {
	add []metric.AddOption
	rec []metric.RecordOption
}

// spanNames are an endpoint's span names.
type spanNames struct{ call, attempt string }

// optKey names one attribute set of one metric.
type optKey struct {
	kind    uint8
	a, b, c string
	n       int
	f       bool
}

const (
	kindCall uint8 = iota
	kindCallDur
	kindAttempt
	kindRetry
	kindLimiter
	kindRenewal
	kindSwitch
	kindCallback
	kindDecision
	kindFallback
)

// maxCachedSets bounds the cache; past it sets are built per use.
const maxCachedSets = 4096

// measure returns the cached options for k, building them with attrs on
// a miss.
func (o *Observer) measure(k optKey, attrs func(optKey) []attribute.KeyValue) measurement {
	o.mu.RLock()
	m, ok := o.opts[k]
	o.mu.RUnlock()
	if ok {
		return m
	}
	opt := metric.WithAttributeSet(attribute.NewSet(attrs(k)...))
	m = measurement{add: []metric.AddOption{opt}, rec: []metric.RecordOption{opt}}
	o.mu.Lock()
	if len(o.opts) < maxCachedSets {
		o.opts[k] = m
	}
	o.mu.Unlock()
	return m
}

// spanNames returns the span names of endpoint path.
func (o *Observer) spanNames(path string) spanNames {
	o.mu.RLock()
	n, ok := o.names[path]
	o.mu.RUnlock()
	if ok {
		return n
	}
	n = spanNames{call: "tim " + path, attempt: "POST " + path}
	o.mu.Lock()
	if len(o.names) < maxCachedSets {
		o.names[path] = n
	}
	o.mu.Unlock()
	return n
}

func callAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrEndpoint.String(k.a), AttrOutcome.String(k.b), AttrFamily.String(k.c)}
}

func callDurAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrEndpoint.String(k.a), AttrOutcome.String(k.b)}
}

func attemptAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrEndpoint.String(k.a), AttrOutcome.String(k.b), AttrHTTPStatus.Int(k.n),
		AttrStandby.Bool(k.f)}
}

func retryAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrEndpoint.String(k.a), AttrRetryReason.String(k.b)}
}

func limiterAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrLimiterKey.String(k.a)}
}

func endpointAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrEndpoint.String(k.a)}
}

func switchAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrStandby.Bool(k.f), AttrServerAddr.String(k.a)}
}

func callbackAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrCommand.String(k.a), AttrVerdict.String(k.b)}
}

func decisionAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrCommand.String(k.a), AttrDecision.String(k.b), AttrFallback.Bool(k.f)}
}

func commandAttrs(k optKey) []attribute.KeyValue {
	return []attribute.KeyValue{AttrCommand.String(k.a)}
}

var _ api.Observer = (*Observer)(nil)

// Duration buckets in seconds, from 1 ms to Tencent's callback budget and
// the SDK's longest waits.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5, 10, 30}

// New returns an Observer on the given (or the global) providers.
func New(opts ...Option) (*Observer, error) {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		o(&c)
	}
	o := &Observer{tracer: c.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(Version)),
		opts: map[optKey]measurement{}, names: map[string]spanNames{}}
	m := c.mp.Meter(ScopeName, metric.WithInstrumentationVersion(Version))
	seconds := metric.WithExplicitBucketBoundaries(durationBuckets...)
	var err error
	counter := func(name, desc, unit string) metric.Int64Counter {
		if err != nil {
			return nil
		}
		var ctr metric.Int64Counter
		ctr, err = m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit(unit))
		return ctr
	}
	histogram := func(name, desc string) metric.Float64Histogram {
		if err != nil {
			return nil
		}
		var h metric.Float64Histogram
		h, err = m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"), seconds)
		return h
	}
	o.calls = counter(MetricCalls, "REST calls by endpoint, outcome and error family.", "{call}")
	o.callDur = histogram(MetricCallDuration, "Whole REST calls, limiter waits and retries included.")
	o.attemptDur = histogram(MetricAttemptDuration, "Single HTTP round trips to Tencent.")
	o.retries = counter(MetricRetries, "Resends by endpoint and reason.", "{retry}")
	o.limiterWait = histogram(MetricLimiterWait, "Time spent waiting in the client-side limiter, by key.")
	o.limiterUnits = counter(MetricLimiterUnits, "Budget granted by the client-side limiter, by key.", "{unit}")
	o.renewals = counter(MetricRenewals, "Admin usersig renewals after Tencent answered that it expired.", "{renewal}")
	o.switches = counter(MetricHostSwitches, "Moves between the primary and the standby host.", "{switch}")
	o.callbacks = counter(MetricCallbacks, "Callbacks received, by command and verdict.", "{callback}")
	o.callbackDur = histogram(MetricCallbackTime, "Callback requests, arrival to answer.")
	o.decisionDur = histogram(MetricDecisionTime,
		"Before-callbacks, arrival to answer (Tencent waits 2 s), by command, decision and fallback.")
	o.fallbacks = counter(MetricFallbacks, "Before-callbacks answered with the fallback decision.", "{callback}")
	if err != nil {
		return nil, err
	}
	return o, nil
}

// callKey holds the call's span in a context, so that hooks called with
// an attempt's context (already ended) still reach the call.
type callKey struct{}

func callSpan(ctx context.Context) trace.Span {
	if s, ok := ctx.Value(callKey{}).(trace.Span); ok {
		return s
	}
	return trace.SpanFromContext(ctx)
}

// CallStart implements api.Observer: it starts the call's span.
func (o *Observer) CallStart(ctx context.Context, c api.Call) context.Context {
	ctx, span := o.tracer.Start(ctx, o.spanNames(c.Endpoint.Path).call, kindInternal, startAt(c.Start))
	if !span.IsRecording() {
		return ctx
	}
	span.SetAttributes(AttrEndpoint.String(c.Endpoint.Path))
	return context.WithValue(ctx, callKey{}, span)
}

// CallEnd implements api.Observer: it ends the call's span and counts the
// call.
func (o *Observer) CallEnd(ctx context.Context, c api.Call, r api.CallResult) {
	family := r.Family
	if family == "" {
		family = api.FamilyName(r.Err)
	}
	outcome := "ok"
	if r.Err != nil {
		outcome = "error"
	}
	if family == "" {
		family = "none"
	}
	if span := callSpan(ctx); span.IsRecording() {
		span.SetAttributes(AttrAttempts.Int(r.Attempts), AttrOutcome.String(outcome), AttrFamily.String(family))
		if r.HTTPStatus != 0 {
			span.SetAttributes(AttrHTTPStatus.Int(r.HTTPStatus))
		}
		if r.Code != 0 {
			span.SetAttributes(AttrCode.Int(r.Code))
		}
		if r.Err != nil {
			span.SetAttributes(AttrErrorType.String(family))
			span.SetStatus(codes.Error, errorDescription(family, r.Code))
		}
		span.End(endTime(c.Start, r.Duration))
	}
	o.calls.Add(ctx, 1, o.measure(optKey{kind: kindCall, a: c.Endpoint.Path, b: outcome, c: family}, callAttrs).add...)
	o.callDur.Record(ctx, r.Duration.Seconds(), o.measure(optKey{kind: kindCallDur, a: c.Endpoint.Path, b: outcome},
		callDurAttrs).rec...)
}

// AttemptStart implements api.Observer: it starts a child span of the
// call for the round trip.
func (o *Observer) AttemptStart(ctx context.Context, a api.Attempt) context.Context {
	ctx, span := o.tracer.Start(ctx, o.spanNames(a.Endpoint.Path).attempt, kindClient)
	if span.IsRecording() {
		host, port := splitHost(a.Host)
		span.SetAttributes(AttrHTTPMethod.String("POST"), AttrServerAddr.String(host),
			AttrEndpoint.String(a.Endpoint.Path), AttrAttempt.Int(a.Number), AttrStandby.Bool(a.Standby))
		if port != 0 {
			span.SetAttributes(AttrServerPort.Int(port))
		}
	}
	return ctx
}

// AttemptEnd implements api.Observer: it ends the attempt's span and
// records its duration.
func (o *Observer) AttemptEnd(ctx context.Context, a api.Attempt, r api.AttemptResult) {
	family := api.FamilyName(r.Err)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		if r.HTTPStatus != 0 {
			span.SetAttributes(AttrHTTPStatus.Int(r.HTTPStatus))
		}
		if r.Code != 0 {
			span.SetAttributes(AttrCode.Int(r.Code))
		}
		if r.Err != nil {
			span.SetAttributes(AttrErrorType.String(family))
			span.SetStatus(codes.Error, errorDescription(family, r.Code))
		}
		span.End()
	}
	outcome := "ok"
	if r.Err != nil {
		outcome = "error"
	}
	o.attemptDur.Record(ctx, r.Duration.Seconds(), o.measure(optKey{kind: kindAttempt, a: a.Endpoint.Path,
		b: outcome, n: r.HTTPStatus, f: a.Standby}, attemptAttrs).rec...)
}

// Retry implements api.Observer: an event on the call's span and a count
// by reason.
func (o *Observer) Retry(ctx context.Context, r api.Retry) {
	if span := callSpan(ctx); span.IsRecording() {
		attrs := []attribute.KeyValue{AttrRetryReason.String(string(r.Reason)), AttrAttempt.Int(r.Attempt), AttrRetryDelay.Int64(r.Delay.Milliseconds())}
		if r.Err != nil {
			attrs = append(attrs, AttrErrorType.String(api.FamilyName(r.Err)))
		}
		span.AddEvent("tim.retry", trace.WithAttributes(attrs...))
	}
	o.retries.Add(ctx, 1, o.measure(optKey{kind: kindRetry, a: r.Endpoint.Path, b: string(r.Reason)}, retryAttrs).add...)
}

// LimiterWait implements api.Observer: the wait's histogram, the units
// granted, and an event on the call's span.
func (o *Observer) LimiterWait(ctx context.Context, w api.LimiterWait) {
	if span := callSpan(ctx); span.IsRecording() {
		attrs := []attribute.KeyValue{AttrLimiterKey.String(w.Key), AttrUnits.Int(w.Units)}
		if w.Err != nil {
			attrs = append(attrs, AttrErrorType.String(api.FamilyName(w.Err)))
		}
		span.AddEvent("tim.limiter.wait", trace.WithAttributes(attrs...))
	}
	set := o.measure(optKey{kind: kindLimiter, a: w.Key}, limiterAttrs)
	o.limiterWait.Record(ctx, w.Waited.Seconds(), set.rec...)
	if w.Err == nil && w.Units > 0 {
		o.limiterUnits.Add(ctx, int64(w.Units), set.add...)
	}
}

// Renewal implements api.Observer.
func (o *Observer) Renewal(ctx context.Context, r api.Renewal) {
	if span := callSpan(ctx); span.IsRecording() {
		span.AddEvent("tim.usersig.renewal", trace.WithAttributes(AttrIdentifier.String(r.Identifier)))
	}
	o.renewals.Add(ctx, 1, o.measure(optKey{kind: kindRenewal, a: r.Endpoint.Path}, endpointAttrs).add...)
}

// HostSwitch implements api.Observer.
func (o *Observer) HostSwitch(ctx context.Context, h api.HostSwitch) {
	from, _ := splitHost(h.From)
	to, _ := splitHost(h.To)
	if span := callSpan(ctx); span.IsRecording() {
		attrs := []attribute.KeyValue{attribute.String("tim.host.from", from), attribute.String("tim.host.to", to),
			AttrStandby.Bool(h.ToStandby)}
		if h.Err != nil {
			attrs = append(attrs, AttrErrorType.String(api.FamilyName(h.Err)))
		}
		span.AddEvent("tim.host.switch", trace.WithAttributes(attrs...))
	}
	o.switches.Add(ctx, 1, o.measure(optKey{kind: kindSwitch, a: to, f: h.ToStandby}, switchAttrs).add...)
}

// callbackCommand is cb's command when this SDK knows it, else "unknown".
func callbackCommand(cmd string) string {
	if event.Command(cmd).Known() {
		return cmd
	}
	return unknownCommand
}

// CallbackStart implements api.Observer: it starts a server span for the
// request (not linked to any remote context: Tencent sends none).
func (o *Observer) CallbackStart(ctx context.Context, cb api.Callback) context.Context {
	cmd := callbackCommand(cb.Command)
	ctx, span := o.tracer.Start(ctx, "tim.callback "+cmd, kindServer, startAt(cb.Start))
	if span.IsRecording() {
		span.SetAttributes(AttrCommand.String(cmd), AttrBefore.Bool(cb.Before), AttrHTTPMethod.String("POST"))
	}
	return ctx
}

// CallbackEnd implements api.Observer: it ends the callback's span and
// counts the callback; a before-callback's latency and fallback too.
func (o *Observer) CallbackEnd(ctx context.Context, cb api.Callback, r api.CallbackResult) {
	cmd := callbackCommand(cb.Command)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(AttrVerdict.String(string(r.Verdict)), AttrHTTPStatus.Int(r.Status), AttrFallback.Bool(r.Fallback))
		if r.Decision != "" {
			span.SetAttributes(AttrDecision.String(r.Decision))
		}
		switch {
		case r.Err != nil:
			family := api.FamilyName(r.Err)
			span.SetAttributes(AttrErrorType.String(family))
			span.SetStatus(codes.Error, string(r.Verdict))
		case r.Status >= 500, r.Verdict == api.VerdictFailed:
			span.SetStatus(codes.Error, string(r.Verdict))
		}
		span.End(endTime(cb.Start, r.Duration))
	}
	set := o.measure(optKey{kind: kindCallback, a: cmd, b: string(r.Verdict)}, callbackAttrs)
	o.callbacks.Add(ctx, 1, set.add...)
	o.callbackDur.Record(ctx, r.Duration.Seconds(), set.rec...)
	if cb.Before {
		o.decisionDur.Record(ctx, r.Duration.Seconds(), o.measure(optKey{kind: kindDecision, a: cmd,
			b: decisionLabel(r.Decision), f: r.Fallback}, decisionAttrs).rec...)
		if r.Fallback {
			o.fallbacks.Add(ctx, 1, o.measure(optKey{kind: kindFallback, a: cmd}, commandAttrs).add...)
		}
	}
}

// Span options built once (each would cost an allocation per call).
var (
	kindInternal = trace.WithSpanKind(trace.SpanKindInternal)
	kindClient   = trace.WithSpanKind(trace.SpanKindClient)
	kindServer   = trace.WithSpanKind(trace.SpanKindServer)
	noStart      = trace.WithTimestamp(time.Time{}) // the zero time: the SDK uses now
)

// startAt starts a span at t (now when t is zero), so that with endTime
// the span lasts the SDK's measured duration.
func startAt(t time.Time) trace.SpanStartOption {
	if t.IsZero() {
		return noStart
	}
	return trace.WithTimestamp(t)
}

// decisionLabel is a decision's description without its details in
// parentheses ("reject(120005)" → "reject", "allow+refused(3)" →
// "allow+refused"), so that codes and counts do not multiply the metric's
// series; spans keep the full text.
func decisionLabel(d string) string {
	if !strings.ContainsRune(d, '(') && len(d) <= maxDecisionLabel {
		return d
	}
	var b strings.Builder
	depth := 0
	for _, r := range d {
		switch {
		case r == '(':
			depth++
		case r == ')':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if len(out) > maxDecisionLabel {
		out = out[:maxDecisionLabel]
	}
	return out
}

// maxDecisionLabel caps a decision label's length.
const maxDecisionLabel = 48

// errorDescription is a span status description: the family and code,
// never the error's text (Tencent's ErrorInfo may echo request data).
func errorDescription(family string, code int) string {
	if code != 0 {
		return family + " (" + strconv.Itoa(code) + ")"
	}
	return family
}

// endTime is start+d when both are known, so spans match the SDK's
// measured durations; else now.
func endTime(start time.Time, d time.Duration) trace.SpanEndOption {
	if start.IsZero() || d <= 0 {
		return trace.WithTimestamp(time.Now())
	}
	return trace.WithTimestamp(start.Add(d))
}

// splitHost splits "host:port" (port 0 when absent or not a number).
func splitHost(hostport string) (string, int) {
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport, 0
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return h, 0
	}
	return h, n
}

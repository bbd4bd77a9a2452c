// Package otel reports what the tim SDK does to OpenTelemetry: a span per
// REST call with a child span per HTTP attempt, a span per callback the
// webhook handler receives, and metrics for calls, attempts, retries,
// limiter waits and budget, usersig renewals, host switches, callbacks and
// before-callback decisions.
//
// It is its own module, so the core SDK depends on no OpenTelemetry
// package. Build an Observer with New and hand it to both sides:
//
//	obs, err := otel.New(otel.WithTracerProvider(tp), otel.WithMeterProvider(mp))
//	client, err := tim.New(appID, key, tim.WithObserver(obs))
//	hook, err := event.NewHandler(d, appID, event.WithToken(token), event.WithObserver(obs))
//
// Attribute names follow OpenTelemetry's semantic conventions where one
// exists (http.response.status_code, http.request.method, server.address,
// server.port, error.type) and use tim.* otherwise; see the Attr and
// Metric constants. No usersig, secret key, callback token, URL query,
// error text or message content is recorded, and a callback command the
// SDK does not know is recorded as "unknown".
package otel

// Version is this module's instrumentation version.
const Version = "0.1.0"

// Package event delivers the SDK's events to your code under the names the
// front-end SDK uses (SDK_READY, SDK_NOT_READY, MESSAGE_RECEIVED, …).
//
// One [Dispatcher] serves two sources: the client's own lifecycle (a
// *tim.Client emits [Ready] and [NotReady] on the dispatcher it was built
// with) and Tencent's callback webhooks, received by the handler in this
// package and turned into typed events. Subscribe with the generic [On]:
//
//	d := event.NewDispatcher()
//	event.On(d, func(ctx context.Context, e *event.Ready) { log.Println("ready") })
//
// Handlers run synchronously, in registration order, on the goroutine that
// emits; a panicking handler is recovered and logged, and the others still run.
package event

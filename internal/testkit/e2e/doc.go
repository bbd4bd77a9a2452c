// Package e2e is the shared harness of this module's end-to-end tests:
// a client → timtest fake → signed callback → event handler → typed events
// chain with nothing mocked in between, plus helpers that wait for the
// fake's callbacks and collect the dispatched events.
//
// It is test-only, like its parent testkit: it imports the root package
// tim (the one arrow that runs back up, allowed because no library package
// imports it), so only external test packages (package xxx_test) may use
// it; package tim's own tests must not.
package e2e

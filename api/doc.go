// Package api holds what every part of the SDK shares about a call to
// Tencent Cloud IM's REST API, as public types so their fields and methods
// are documented where they are defined:
//
//   - [Endpoint]: the declaration of one REST command (its path, whether a
//     resend is safe, the limiter budgets it spends), written once beside
//     the method that calls it and read by the transport, the coverage test,
//     the README table and the fake's route check;
//   - [Doer]: what an area package needs from a client to make a call;
//   - [Error], [InvalidInputError] and the sentinel families
//     ([ErrRateLimited], [ErrAccountNotFound], …), the errors every call
//     returns;
//   - [Envelope]: the status part of every response;
//   - [ErrCursorStuck]: the one paging failure every iterator reports.
//
// The root package tim re-exports these under its own names (tim.APIError,
// tim.Endpoint, …); this package has no dependency beyond the standard
// library, so importing it costs nothing.
package api

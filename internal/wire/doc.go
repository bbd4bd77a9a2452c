// Package wire holds the SDK's internal wire helpers: tolerant scalar
// types for fields whose JSON type drifts between Tencent's APIs and
// documentation versions, the UserID checks, batching into per-call
// chunks, and the constructor of input errors. The public types (the API
// error, the envelope, endpoint declarations) live in package api.
package wire

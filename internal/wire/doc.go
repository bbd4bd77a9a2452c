// Package wire holds the types every package of the SDK shares on the wire:
// the response envelope, the API error and its sentinel families, and
// tolerant scalar types for fields whose JSON type drifts between Tencent's
// APIs and documentation versions. The root package re-exports what users
// need with type aliases.
package wire

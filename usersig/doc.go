// Package usersig generates, verifies and decodes Tencent Cloud IM UserSigs
// (the TLSSigAPIv2 format), byte for byte as Tencent's reference library
// writes them, and caches them for servers.
//
// A UserSig proves to Tencent that an identifier was vouched for by whoever
// holds the application's secret key. The REST API needs one for the admin
// identifier on every call; front ends need one per user to log in, and must
// get it from a server because they cannot hold the key.
//
// # Use
//
// Make a [Generator] once per application with [New] and call
// [Generator.Gen] for each user that logs in. For the administrator sig that
// signs REST calls, wrap the Generator in a [Signer]: it caches one sig per
// identifier, renews it well before it expires, and answers from the cache
// without locks or allocation. [Verify] and [Generator.Verify] check a sig as
// Tencent does (sdkappid, identifier, expiry, userbuf, then the HMAC, in
// constant time), and [Decode] shows what a sig says about itself without the
// key, for debugging Tencent's 70001/70003/70009/70013/70014 errors.
//
// # Format
//
// A sig is a compact JSON document (TLS.ver, TLS.identifier, TLS.sdkappid,
// TLS.expire, TLS.time, optionally TLS.userbuf, and TLS.sig, the HMAC-SHA256
// of the fields under the secret key) compressed with zlib at level 0 and
// base64-encoded with * - _ in place of + / =. Verification accepts sigs of
// every official encoder: any zlib level, any key order, spacing and string
// escaping, and the standard base64 alphabet too.
//
// # Errors
//
// Every error about a sig or an input wraps one sentinel, matched with
// [errors.Is]: [ErrMalformed],
// [ErrSDKAppID], [ErrIdentifier], [ErrExpired], [ErrUserBuf] and
// [ErrSignature] for sigs; [ErrInvalidIdentifier], [ErrInvalidValidity],
// [ErrEmptyKey], [ErrInvalidSDKAppID] and [ErrInvalidUserBuf] for the inputs
// of [New], [Generator.Gen] and [NewSigner]. Messages say which check failed
// and show values that are not secret; they never contain the key or a sig.
package usersig

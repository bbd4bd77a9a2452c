// Package account manages Tencent Cloud IM accounts, the section
// "Account management" of Tencent's REST documentation: importing users
// before they can log in or be messaged, checking and deleting them,
// kicking their devices, and reading whether they are online.
//
// A tim.Client carries a ready Service as client.Account; other packages
// (group's consultation flow) build their own with NewService over the
// same request path.
package account

//go:build !tim_nohooks

package transport

import "github.com/timkit/tim/api"

// observer returns the configured api.Observer (nil when unset). Every
// hook call reads it through here so that a build tagged tim_nohooks
// (hooks_off.go) compiles the hooks out; in the normal build this inlines
// to the field read and the code is the same as without it.
func (t *Transport) observer() api.Observer { return t.obs }

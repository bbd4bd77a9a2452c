//go:build !tim_nohooks

package event

import "github.com/timkit/tim/api"

// observer returns the handler's api.Observer (nil when unset). Both hook
// calls read it through here so that a build tagged tim_nohooks
// (hooks_off.go) compiles them out; in the normal build this inlines to the
// field read and the code is the same as without it.
func (h *Webhook) observer() api.Observer { return h.obs }

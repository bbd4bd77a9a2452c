//go:build tim_nohooks

package transport

import "github.com/timkit/tim/api"

// observer is always nil in a build tagged tim_nohooks: every `o != nil`
// branch around a hook is then dead and compiled out, and Config.Observer
// is never called. The tag exists only to measure what the unset hooks cost
// (scripts/hookcost.sh); do not ship with it.
func (t *Transport) observer() api.Observer { return nil }

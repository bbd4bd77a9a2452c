//go:build tim_nohooks

package event

import "github.com/timkit/tim/api"

// observer is always nil in a build tagged tim_nohooks: the hook branches
// are dead and compiled out, and WithObserver's observer is never called.
// The tag exists only to measure what the unset hooks cost
// (scripts/hookcost.sh); do not ship with it.
func (h *Webhook) observer() api.Observer { return nil }

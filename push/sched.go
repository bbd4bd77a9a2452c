package push

import (
	"context"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// SchedKind is the kind of a scheduled push task (Type), as the Push
// service's scheduled-task pages spell it.
type SchedKind string

// The kinds of https://cloud.tencent.com/document/product/269/130279.
const (
	// SchedAll is an all-member push ("All").
	SchedAll SchedKind = "All"
	// SchedTag is a tag push ("Tag").
	SchedTag SchedKind = "Tag"
	// SchedUser is a push to listed users ("User").
	SchedUser SchedKind = "User"
)

func (k SchedKind) valid() bool { return k == SchedAll || k == SchedTag || k == SchedUser }

// Deleting a deleted task leaves it deleted: a resend changes nothing (it
// may be refused for a task the lost first call did delete).
var epDeleteSched = catalog.Declare(api.Endpoint{Path: "timpush/delete_sched_task", Safety: api.Idempotent})

// DeleteScheduled deletes the scheduled push task taskID of kind of the app
// sdkAppID (the body carries the app ID: pass the client's). Only a task
// still pending can be deleted: Tencent answers 90107 ("task dispatching")
// for one being dispatched or done, and 90104 for invalid parameters. It
// allows 5 calls a second.
//
// REST: v4/timpush/delete_sched_task
func (s *Service) DeleteScheduled(ctx context.Context, sdkAppID, taskID uint64, kind SchedKind) error {
	switch {
	case sdkAppID == 0:
		return wire.Invalid("Sdkappid", "is zero")
	case taskID == 0:
		return wire.Invalid("TaskID", "is zero")
	case !kind.valid():
		return wire.Invalid("Type", "%q is not All, Tag or User", kind)
	}
	req := struct {
		SDKAppID uint64    `json:"Sdkappid"`
		TaskID   uint64    `json:"TaskID"`
		Type     SchedKind `json:"Type"`
	}{sdkAppID, taskID, kind}
	var resp envelope
	return s.d.Do(ctx, epDeleteSched, &req, &resp)
}

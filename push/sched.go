package push

import (
	"context"
	"encoding/json"
	"time"

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

// SchedTimeLayout is how the scheduled-task pages write a time
// ("2025-06-01 10:00:00", UTC).
const SchedTimeLayout = time.DateTime

// SchedPending is the state of a task not yet dispatched, the one state the
// pages show ("pending") and the only one DeleteScheduled accepts.
const SchedPending = "pending"

// SchedTask is a scheduled push task as get_sched_task answers it
// (TaskInfo).
type SchedTask struct {
	// TaskID is the task (TaskID).
	TaskID uint64
	// SDKAppID is the app (Sdkappid).
	SDKAppID uint64
	// Kind is All, Tag or User (Type).
	Kind SchedKind
	// CreatedAt and ScheduledAt are CreateAt and SchedAt read as UTC; zero
	// when Tencent's text does not parse (CreateAtText, SchedAtText keep it).
	CreatedAt, ScheduledAt    time.Time
	CreateAtText, SchedAtText string
	// Content is the push as scheduled (From_Account, MsgRandom,
	// OfflinePushInfo, …; its shape follows Kind), kept as Tencent sent it.
	Content json.RawMessage
	// Title and Desc are the push's title and description.
	Title, Desc string
	// Status is the task's state, e.g. SchedPending.
	Status string
	// DispatchSuccess, DispatchErr and PushTaskID describe the dispatch (0,
	// "" and "" while pending in the page's example; the page's field table
	// was not readable past TaskID, see NOTES.md).
	DispatchSuccess int
	DispatchErr     string
	PushTaskID      string
}

// Reading a task changes nothing.
var epGetSched = catalog.Declare(api.Endpoint{Path: "timpush/get_sched_task", Safety: api.Idempotent})

// Scheduled reads the scheduled push task taskID of the app sdkAppID (the
// body carries the app ID: pass the client's). Tencent allows 5 calls a
// second.
//
// REST: v4/timpush/get_sched_task
func (s *Service) Scheduled(ctx context.Context, sdkAppID, taskID uint64) (*SchedTask, error) {
	switch {
	case sdkAppID == 0:
		return nil, wire.Invalid("Sdkappid", "is zero")
	case taskID == 0:
		return nil, wire.Invalid("TaskID", "is zero")
	}
	req := struct {
		SDKAppID uint64 `json:"Sdkappid"`
		TaskID   uint64 `json:"TaskID"`
	}{sdkAppID, taskID}
	var resp struct {
		envelope
		TaskInfo struct {
			TaskID          wire.FlexUint64 `json:"TaskID"`
			SDKAppID        wire.FlexUint64 `json:"Sdkappid"`
			CreateAt        string          `json:"CreateAt"`
			Type            SchedKind       `json:"Type"`
			SchedAt         string          `json:"SchedAt"`
			Content         json.RawMessage `json:"Content"`
			Title           string          `json:"Title"`
			Desc            string          `json:"Desc"`
			Status          string          `json:"Status"`
			DispatchSuccess int             `json:"DispatchSuccess"`
			DispatchErr     string          `json:"DispatchErr"`
			PushTaskID      wire.FlexString `json:"PushTaskID"`
		} `json:"TaskInfo"`
	}
	if err := s.d.Do(ctx, epGetSched, &req, &resp); err != nil {
		return nil, err
	}
	ti := resp.TaskInfo
	return &SchedTask{
		TaskID: uint64(ti.TaskID), SDKAppID: uint64(ti.SDKAppID), Kind: ti.Type,
		CreatedAt: schedTime(ti.CreateAt), ScheduledAt: schedTime(ti.SchedAt),
		CreateAtText: ti.CreateAt, SchedAtText: ti.SchedAt,
		Content: ti.Content, Title: ti.Title, Desc: ti.Desc, Status: ti.Status,
		DispatchSuccess: ti.DispatchSuccess, DispatchErr: ti.DispatchErr, PushTaskID: string(ti.PushTaskID),
	}, nil
}

// schedTime reads a scheduled-task time as UTC; zero when it does not parse.
func schedTime(s string) time.Time {
	t, err := time.ParseInLocation(SchedTimeLayout, s, time.UTC)
	if err != nil {
		return time.Time{}
	}
	return t
}

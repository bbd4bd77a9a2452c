package group

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/timkit/tim/account"

	"github.com/timkit/tim/internal/wire"
)

// DefaultRecordKey is the group custom field that holds the consultation
// record with WithRecordInAppDefinedData("").
const DefaultRecordKey = "tim_consult"

// recordMarker is the JSON key that identifies a consultation record.
const recordMarker = `"tim_consult"`

// ErrBadRecord reports a group whose consultation record is present but
// unreadable (e.g. a member edited the Introduction). Such groups are
// reported as failed and never modified.
var ErrBadRecord = errors.New("group: consultation record unreadable")

// Participant is the doctor or the patient of a consultation group.
type Participant struct {
	UserID string `json:"id"`
	// Name is the display name used in the group name.
	Name string `json:"name"`
}

// Record is what a consultation group carries about its participants.
type Record struct {
	Doctor  Participant
	Patient Participant
}

type recordWire struct {
	V       int         `json:"tim_consult"`
	Doctor  Participant `json:"doctor"`
	Patient Participant `json:"patient"`
}

// encodeRecord renders r as compact JSON in at most maxBytes bytes. Names are
// stored cleaned and capped at nameLimit bytes (shortened as Fit shortens
// them), so the name computed from a stored record equals the one
// computed at creation; if the JSON is still too long the longer name is
// shortened further.
func encodeRecord(r Record, nameLimit, maxBytes int) (string, error) {
	d, p := CleanName(r.Doctor.Name), CleanName(r.Patient.Name)
	d, p = capName(d, nameLimit), capName(p, nameLimit)
	for {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(recordWire{V: 1, Doctor: Participant{r.Doctor.UserID, d}, Patient: Participant{r.Patient.UserID, p}}); err != nil {
			return "", err
		}
		out := strings.TrimSuffix(buf.String(), "\n")
		over := len(out) - maxBytes
		if over <= 0 {
			return out, nil
		}
		a := &d
		if len(p) > len(d) {
			a = &p
		}
		if len(*a) <= minCost(*a) {
			return "", wire.Invalid("consultation record", "does not fit in %d bytes", maxBytes)
		}
		*a = shorten(*a, max(minCost(*a), len(*a)-over))
	}
}

func capName(s string, limit int) string {
	if limit <= 0 || len(s) <= limit || limit < minCost(s) {
		return s
	}
	return shorten(s, limit)
}

// decodeRecord reads a record. ok is false when s is not a record at all.
func decodeRecord(s string) (r Record, ok bool, err error) {
	if !strings.Contains(s, recordMarker) {
		return Record{}, false, nil
	}
	var w recordWire
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), &w); err != nil {
		return Record{}, true, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	switch {
	case w.V != 1:
		return Record{}, true, fmt.Errorf("%w: version %d", ErrBadRecord, w.V)
	case w.Doctor.UserID == "" || w.Patient.UserID == "":
		return Record{}, true, fmt.Errorf("%w: participant id missing", ErrBadRecord)
	case CleanName(w.Doctor.Name) == "" || CleanName(w.Patient.Name) == "":
		return Record{}, true, fmt.Errorf("%w: participant name missing", ErrBadRecord)
	}
	return Record{Doctor: w.Doctor, Patient: w.Patient}, true, nil
}

// recordOf finds the record of a group, in the configured place first.
func (s *Service) recordOf(in *Info) (Record, bool, error) {
	if s.recordKey != "" {
		if v, ok := in.AppData(s.recordKey); ok && v != "" {
			return decodeRecord(v)
		}
	}
	return decodeRecord(in.Introduction)
}

func (s *Service) recordMax() int {
	if s.recordKey != "" {
		return MaxAppDataValueBytes
	}
	return s.limits.Introduction
}

// AccountImporter makes sure accounts exist before they join a group.
// *tim.Client's Account service can be adapted with AccountImporterFunc.
type AccountImporter interface {
	ImportAccounts(ctx context.Context, userIDs []string) error
}

// AccountImporterFunc adapts a function to AccountImporter.
type AccountImporterFunc func(ctx context.Context, userIDs []string) error

// ImportAccounts calls f.
func (f AccountImporterFunc) ImportAccounts(ctx context.Context, userIDs []string) error {
	return f(ctx, userIDs)
}

// accountImporter imports with the account package's ImportMany
// (multiaccount_import: UserIDs only, so existing profiles are left
// untouched).
type accountImporter struct{ a *account.Service }

func (i accountImporter) ImportAccounts(ctx context.Context, userIDs []string) error {
	res, err := i.a.ImportMany(ctx, userIDs)
	if err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("group: importing accounts failed for %v", res.Failed)
	}
	return nil
}

// ConsultationRequest describes a doctor–patient consultation group.
type ConsultationRequest struct {
	Doctor  Participant
	Patient Participant
	// GroupID is an optional custom id; with one, retries are safe and a
	// repeated call reports Existed instead of creating a second group.
	GroupID string
	// FaceURL is the group avatar (optional).
	FaceURL string
	// ImportAccounts imports both accounts first (create_group needs them).
	ImportAccounts bool
}

// Consultation reports a created consultation group.
type Consultation struct {
	GroupID string
	// Name is the group name the service computed.
	Name string
	// Existed reports that GroupID was already there (see CreateResult).
	Existed bool
}

func (s *Service) checkParticipants(r *ConsultationRequest) error {
	if err := wire.CheckUserID("Doctor.UserID", r.Doctor.UserID); err != nil {
		return err
	}
	if err := wire.CheckUserID("Patient.UserID", r.Patient.UserID); err != nil {
		return err
	}
	if r.Doctor.UserID == r.Patient.UserID {
		return wire.Invalid("Patient.UserID", "is the doctor's UserID")
	}
	if CleanName(r.Doctor.Name) == "" {
		return wire.Invalid("Doctor.Name", "the doctor's name is empty")
	}
	if CleanName(r.Patient.Name) == "" {
		return wire.Invalid("Patient.Name", "the patient's name is empty")
	}
	return nil
}

// CreateConsultation creates a Work (Private) group for a doctor and a
// patient in one call: the doctor owns it, the patient is its member, it
// is named by the service's NameFormat within Limits.Name, carries the
// avatar if given, and records both participants (see the package
// documentation) so that UpdateParticipant can keep its name true.
//
// With ImportAccounts the accounts are imported first.
//
// REST: v4/group_open_http_svc/create_group, v4/im_open_login_svc/multiaccount_import
func (s *Service) CreateConsultation(ctx context.Context, req ConsultationRequest) (*Consultation, error) {
	if err := s.checkParticipants(&req); err != nil {
		return nil, err
	}
	if req.GroupID != "" {
		if err := CheckGroupID(req.GroupID, Private); err != nil {
			return nil, err
		}
	}
	if err := checkText("FaceUrl", req.FaceURL, s.limits.FaceURL); err != nil {
		return nil, err
	}
	rec := Record{Doctor: req.Doctor, Patient: req.Patient}
	encoded, err := encodeRecord(rec, s.limits.Name, s.recordMax())
	if err != nil {
		return nil, err
	}
	stored, _, err := decodeRecord(encoded)
	if err != nil {
		return nil, err
	}
	name, err := s.ConsultationName(stored.Doctor.Name, stored.Patient.Name)
	if err != nil {
		return nil, err
	}
	if req.ImportAccounts {
		if err := s.importer.ImportAccounts(ctx, []string{req.Doctor.UserID, req.Patient.UserID}); err != nil {
			return nil, fmt.Errorf("group: importing consultation accounts: %w", err)
		}
	}
	cr := CreateRequest{
		Type: Private, GroupID: req.GroupID, Name: name, Owner: req.Doctor.UserID, FaceURL: req.FaceURL,
		Members: []NewMember{{UserID: req.Patient.UserID}},
	}
	if s.recordKey != "" {
		cr.AppDefinedData = []KV{{Key: s.recordKey, Value: encoded}}
	} else {
		cr.Introduction = encoded
	}
	res, err := s.Create(ctx, cr)
	if err != nil {
		if res != nil {
			return &Consultation{GroupID: res.GroupID, Name: name, Existed: res.Existed}, err
		}
		return nil, err
	}
	return &Consultation{GroupID: res.GroupID, Name: name, Existed: res.Existed}, nil
}

// ParticipantUpdate is a change to apply to every consultation group of a
// user.
type ParticipantUpdate struct {
	// Name is the user's new display name: each group name is recomputed
	// from the two recorded participants.
	Name *string
	// FaceURL is a new avatar for the user's consultation groups.
	FaceURL *string
}

// SyncStatus is the outcome for one group of UpdateParticipant.
type SyncStatus int

// Sync outcomes.
const (
	// Unchanged: the group already showed the right name (and avatar); no
	// request was made.
	Unchanged SyncStatus = iota
	// Renamed: the group name changed (and the record, avatar if asked).
	Renamed
	// Updated: the name stayed, but the record or the avatar changed.
	Updated
	// Failed: reading or modifying the group failed; see Err.
	Failed
)

// String returns the status name.
func (s SyncStatus) String() string {
	switch s {
	case Unchanged:
		return "unchanged"
	case Renamed:
		return "renamed"
	case Updated:
		return "updated"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("SyncStatus(%d)", int(s))
}

// SyncResult is the outcome for one consultation group.
type SyncResult struct {
	GroupID string
	Status  SyncStatus
	// OldName and NewName are the group name before and after (equal
	// unless Renamed).
	OldName, NewName string
	Err              error
}

// RenameParticipant renames every consultation group of userID after the
// user's display name changed to name. See UpdateParticipant.
//
// REST: v4/group_open_http_svc/get_joined_group_list, v4/group_open_http_svc/get_group_info, v4/group_open_http_svc/modify_group_base_info
func (s *Service) RenameParticipant(ctx context.Context, userID, name string) ([]SyncResult, error) {
	return s.UpdateParticipant(ctx, userID, ParticipantUpdate{Name: &name})
}

// SetConsultationAvatar sets faceURL as the avatar of every consultation
// group of userID. See UpdateParticipant.
//
// REST: v4/group_open_http_svc/get_joined_group_list, v4/group_open_http_svc/get_group_info, v4/group_open_http_svc/modify_group_base_info
func (s *Service) SetConsultationAvatar(ctx context.Context, userID, faceURL string) ([]SyncResult, error) {
	return s.UpdateParticipant(ctx, userID, ParticipantUpdate{FaceURL: &faceURL})
}

// UpdateParticipant keeps the consultation groups of userID true after the
// user's display name or avatar changed. It lists every group the user is
// in (all pages, Work groups including those nobody has spoken in yet),
// reads the groups' records, and for each group that records the user as
// doctor or patient recomputes the name from the two recorded
// participants. Only groups whose name, record or avatar differ are
// modified, in one modify_group_base_info call each. Groups without a
// record are not consultation groups and are left out of the results.
//
// The error is for failures before any group is modified (bad input,
// listing the groups); per-group failures are results with Status Failed.
// A group whose profile could not be read at all is reported Failed too,
// since it may be a consultation group.
//
// REST: v4/group_open_http_svc/get_joined_group_list, v4/group_open_http_svc/get_group_info, v4/group_open_http_svc/modify_group_base_info
func (s *Service) UpdateParticipant(ctx context.Context, userID string, u ParticipantUpdate) ([]SyncResult, error) {
	if err := wire.CheckUserID("Member_Account", userID); err != nil {
		return nil, err
	}
	if u.Name == nil && u.FaceURL == nil {
		return nil, wire.Invalid("ParticipantUpdate", "nothing to change")
	}
	var newName string
	if u.Name != nil {
		if newName = CleanName(*u.Name); newName == "" {
			return nil, wire.Invalid("Name", "the new display name is empty")
		}
	}
	if u.FaceURL != nil {
		if err := checkText("FaceUrl", *u.FaceURL, s.limits.FaceURL); err != nil {
			return nil, err
		}
	}
	var ids []string
	for g, err := range s.Joined(ctx, userID, JoinedOptions{Type: Private, WithNoActiveGroups: true, PageSize: s.joinedPage}) {
		if err != nil {
			return nil, fmt.Errorf("group: listing %s's groups: %w", userID, err)
		}
		ids = append(ids, g.GroupID)
	}
	ids = dedupe(ids)
	filter := &ResponseFilter{GroupBaseInfo: []string{"Type", "Name", "Introduction", "FaceUrl"}}
	if s.recordKey != "" {
		filter.GroupAppDefinedData = []string{s.recordKey}
	}

	type job struct {
		idx int
		req UpdateRequest
	}
	var results []SyncResult
	var jobs []job
	for lo := 0; lo < len(ids); lo += MaxGroupInfoPerCall {
		batch := ids[lo:min(lo+MaxGroupInfoPerCall, len(ids))]
		infos, err := s.Get(ctx, batch, filter)
		if err != nil {
			for _, id := range batch {
				results = append(results, SyncResult{GroupID: id, Status: Failed, Err: err})
			}
			continue
		}
		for i := range infos {
			in := &infos[i]
			r, j, ok := s.plan(in, userID, u, newName)
			if !ok {
				continue
			}
			if j != nil {
				jobs = append(jobs, job{idx: len(results), req: *j})
			}
			results = append(results, r)
		}
	}

	sem := make(chan struct{}, s.concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		r := &results[j.idx]
		if err := ctx.Err(); err != nil {
			r.Status, r.Err, r.NewName = Failed, err, r.OldName
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.Update(ctx, j.req); err != nil {
				r.Status, r.Err, r.NewName = Failed, err, r.OldName
			}
		}()
	}
	wg.Wait()
	return results, nil
}

// plan decides what to do with one group: ok is false for groups that are
// not the user's consultation groups; a nil job means no request.
func (s *Service) plan(in *Info, userID string, u ParticipantUpdate, newName string) (SyncResult, *UpdateRequest, bool) {
	res := SyncResult{GroupID: in.GroupID, OldName: in.Name, NewName: in.Name}
	if in.ErrorCode != 0 {
		res.Status, res.Err = Failed, in.Err()
		return res, nil, true
	}
	rec, isRecord, err := s.recordOf(in)
	if !isRecord {
		return res, nil, false
	}
	if err != nil {
		res.Status, res.Err = Failed, fmt.Errorf("group %s: %w", in.GroupID, err)
		return res, nil, true
	}
	if rec.Doctor.UserID != userID && rec.Patient.UserID != userID {
		return res, nil, false
	}
	if u.Name != nil {
		if rec.Doctor.UserID == userID {
			rec.Doctor.Name = newName
		}
		if rec.Patient.UserID == userID {
			rec.Patient.Name = newName
		}
	}
	encoded, err := encodeRecord(rec, s.limits.Name, s.recordMax())
	if err != nil {
		res.Status, res.Err = Failed, err
		return res, nil, true
	}
	stored, _, err := decodeRecord(encoded)
	if err != nil {
		res.Status, res.Err = Failed, err
		return res, nil, true
	}
	name, err := s.ConsultationName(stored.Doctor.Name, stored.Patient.Name)
	if err != nil {
		res.Status, res.Err = Failed, err
		return res, nil, true
	}
	req := UpdateRequest{GroupID: in.GroupID}
	// The record is rewritten when it changes, or when it is stored in a
	// form this service would not write (another place, other limits).
	current := in.Introduction
	if s.recordKey != "" {
		current, _ = in.AppData(s.recordKey)
	}
	if current != encoded {
		if s.recordKey != "" {
			req.AppDefinedData = []KV{{Key: s.recordKey, Value: encoded}}
		} else {
			req.Introduction = &encoded
		}
	}
	if name != in.Name {
		req.Name = &name
	}
	if u.FaceURL != nil && *u.FaceURL != in.FaceURL {
		req.FaceURL = u.FaceURL
	}
	switch {
	case req.Name != nil:
		res.Status, res.NewName = Renamed, name
	case req.Introduction != nil || req.AppDefinedData != nil || req.FaceURL != nil:
		res.Status = Updated
	default:
		return res, nil, true
	}
	return res, &req, true
}

package group_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit"
)

const pImport = "im_open_login_svc/multiaccount_import"

// fakeGroups is an in-memory stand-in for the group APIs the consultation
// flow uses: create_group, get_joined_group_list, get_group_info and
// modify_group_base_info.
type fakeGroups struct {
	t  *testing.T
	mu sync.Mutex
	// groups by id; joined lists the ids of each user's groups in order.
	groups     map[string]*fakeGroup
	joined     map[string][]string
	failModify map[string]bool
	next       int
}

type fakeGroup struct {
	Name, Introduction, FaceURL string
	AppData                     map[string]string
}

func newFake(t *testing.T, srv *testkit.Server) *fakeGroups {
	f := &fakeGroups{t: t, groups: map[string]*fakeGroup{}, joined: map[string][]string{}, failModify: map[string]bool{}}
	srv.Handle(pCreate, f.create)
	srv.Handle(pJoined, f.listJoined)
	srv.Handle(pGetInfo, f.getInfo)
	srv.Handle(pModifyBase, f.modify)
	return f
}

func (f *fakeGroups) add(id string, g *fakeGroup, members ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g.AppData == nil {
		g.AppData = map[string]string{}
	}
	f.groups[id] = g
	for _, m := range members {
		f.joined[m] = append(f.joined[m], id)
	}
}

func (f *fakeGroups) get(id string) fakeGroup {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.groups[id]
}

func (f *fakeGroups) create(r testkit.Request) any {
	var req struct {
		Owner          string `json:"Owner_Account"`
		Type           string
		GroupID        string `json:"GroupId"`
		Name           string
		Introduction   string
		FaceURL        string `json:"FaceUrl"`
		AppDefinedData []group.KV
		MemberList     []struct {
			MemberAccount string `json:"Member_Account"`
		}
	}
	r.Decode(f.t, &req)
	f.mu.Lock()
	id := req.GroupID
	if id == "" {
		id = fmt.Sprintf("@TGS#c%02d", f.next)
		f.next++
	}
	f.mu.Unlock()
	g := &fakeGroup{Name: req.Name, Introduction: req.Introduction, FaceURL: req.FaceURL, AppData: map[string]string{}}
	for _, kv := range req.AppDefinedData {
		g.AppData[kv.Key] = kv.Value
	}
	members := []string{req.Owner}
	for _, m := range req.MemberList {
		members = append(members, m.MemberAccount)
	}
	f.add(id, g, members...)
	return testkit.With(map[string]any{"GroupId": id})
}

func (f *fakeGroups) listJoined(r testkit.Request) any {
	var req struct {
		MemberAccount      string `json:"Member_Account"`
		Limit, Offset      int
		GroupType          string
		WithNoActiveGroups int
	}
	r.Decode(f.t, &req)
	assert.Equal(f.t, "Private", req.GroupType)
	assert.Equal(f.t, 1, req.WithNoActiveGroups, "new consultation groups are inactive: they must be listed")
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := f.joined[req.MemberAccount]
	var list []map[string]any
	for _, id := range ids[min(req.Offset, len(ids)):min(req.Offset+req.Limit, len(ids))] {
		list = append(list, map[string]any{"GroupId": id})
	}
	return testkit.With(map[string]any{"TotalCount": len(ids), "GroupIdList": list})
}

func (f *fakeGroups) getInfo(r testkit.Request) any {
	var req struct {
		GroupIDList    []string `json:"GroupIdList"`
		ResponseFilter struct {
			AppDefinedDataFilterGroup []string `json:"AppDefinedDataFilter_Group"`
		}
	}
	r.Decode(f.t, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, id := range req.GroupIDList {
		g, ok := f.groups[id]
		if !ok {
			out = append(out, map[string]any{"GroupId": id, "ErrorCode": 10010, "ErrorInfo": "group not found"})
			continue
		}
		var app []map[string]any
		for _, k := range req.ResponseFilter.AppDefinedDataFilterGroup {
			if v, ok := g.AppData[k]; ok {
				app = append(app, map[string]any{"Key": k, "Value": v})
			}
		}
		out = append(out, map[string]any{"GroupId": id, "ErrorCode": 0, "Type": "Private", "Name": g.Name,
			"Introduction": g.Introduction, "FaceUrl": g.FaceURL, "AppDefinedData": app})
	}
	return testkit.With(map[string]any{"GroupInfo": out})
}

func (f *fakeGroups) modify(r testkit.Request) any {
	var req struct {
		GroupID        string  `json:"GroupId"`
		Name           *string `json:"Name"`
		Introduction   *string `json:"Introduction"`
		FaceURL        *string `json:"FaceUrl"`
		AppDefinedData []group.KV
	}
	r.Decode(f.t, &req)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failModify[req.GroupID] {
		return testkit.Fail(10007, "no permission")
	}
	g := f.groups[req.GroupID]
	if req.Name != nil {
		g.Name = *req.Name
	}
	if req.Introduction != nil {
		g.Introduction = *req.Introduction
	}
	if req.FaceURL != nil {
		g.FaceURL = *req.FaceURL
	}
	for _, kv := range req.AppDefinedData {
		g.AppData[kv.Key] = kv.Value
	}
	return nil
}

func modifyFor(t *testing.T, srv *testkit.Server, groupID string) []testkit.Request {
	t.Helper()
	var out []testkit.Request
	for _, c := range srv.Calls(pModifyBase) {
		var req struct {
			GroupID string `json:"GroupId"`
		}
		c.Decode(t, &req)
		if req.GroupID == groupID {
			out = append(out, c)
		}
	}
	return out
}

func TestCreateConsultationGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, group.WithNameFormat(group.FormatFullWidth))
	f := newFake(t, srv)
	c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor:  group.Participant{UserID: "doctor_1", Name: "王医生"},
		Patient: group.Participant{UserID: "patient_7", Name: " 李雷\n"},
		GroupID: "consult-0001", FaceURL: "https://img.example.com/doctor_1.png", ImportAccounts: true,
	})
	require.NoError(t, err)
	assert.Equal(t, &group.Consultation{GroupID: "consult-0001", Name: "王医生（李雷）"}, c)
	golden(t, srv, pImport, "multiaccount_import")
	golden(t, srv, pCreate, "create_consultation")
	g := f.get("consult-0001")
	assert.Equal(t, "王医生（李雷）", g.Name)
	assert.Equal(t, `{"tim_consult":1,"doctor":{"id":"doctor_1","name":"王医生"},"patient":{"id":"patient_7","name":"李雷"}}`, g.Introduction)
	f.mu.Lock()
	assert.Equal(t, []string{"consult-0001"}, f.joined["patient_7"])
	f.mu.Unlock()
}

func TestCreateConsultationAppData(t *testing.T) {
	t.Parallel()
	var imported []string
	imp := group.AccountImporterFunc(func(ctx context.Context, ids []string) error {
		imported = append(imported, ids...)
		return nil
	})
	svc, srv := newService(t, group.WithRecordInAppDefinedData(""), group.WithAccountImporter(imp))
	f := newFake(t, srv)
	c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor: group.Participant{UserID: "d1", Name: "Dr Ann"}, Patient: group.Participant{UserID: "p1", Name: "Bo"}, ImportAccounts: true,
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"d1", "p1"}, imported)
	assert.Empty(t, srv.Calls(pImport))
	golden(t, srv, pCreate, "create_consultation_appdata")
	g := f.get(c.GroupID)
	assert.Empty(t, g.Introduction)
	assert.Contains(t, g.AppData[group.DefaultRecordKey], `"doctor":{"id":"d1","name":"Dr Ann"}`)

	res, err := svc.RenameParticipant(context.Background(), "p1", "Bob")
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, group.Renamed, res[0].Status)
	assert.Equal(t, "Dr Ann(Bob)", f.get(c.GroupID).Name)
	golden(t, srv, pGetInfo, "get_group_info_consult_appdata")
	golden(t, srv, pModifyBase, "modify_consult_appdata")
}

func TestCreateConsultationImportFails(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pImport, func(r testkit.Request) any { return testkit.With(map[string]any{"FailAccounts": []string{"p1"}}) })
	_, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor: group.Participant{UserID: "d1", Name: "D"}, Patient: group.Participant{UserID: "p1", Name: "P"}, ImportAccounts: true,
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p1")
	assert.Empty(t, srv.Calls(pCreate))
}

// A failed import call, through the default importer (account.ImportMany)
// or one given with WithAccountImporter, stops the creation and keeps the
// cause.
func TestCreateConsultationImportCallFails(t *testing.T) {
	t.Parallel()
	boom := errors.New("directory down")
	for _, tc := range []struct {
		name string
		opts []group.Option
		want error
	}{
		{"default importer", nil, tim.ErrServerBusy},
		{"custom importer", []group.Option{group.WithAccountImporter(group.AccountImporterFunc(func(context.Context, []string) error { return boom }))}, boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, srv := newService(t, tc.opts...)
			srv.Handle(pImport, func(testkit.Request) any { return testkit.Fail(10002, "busy") })
			c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
				Doctor: group.Participant{UserID: "d1", Name: "D"}, Patient: group.Participant{UserID: "p1", Name: "P"}, ImportAccounts: true,
			})
			assert.Nil(t, c)
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "importing consultation accounts")
			assert.Empty(t, srv.Calls(pCreate))
		})
	}
}

// Long names under the legacy 30-byte limit: the group name and the
// stored record agree, and a recomputation changes nothing.
func TestConsultationLongNamesStable(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t, group.WithLimits(group.Limits{Name: 30}), group.WithNameFormat(group.FormatFullWidth))
	f := newFake(t, srv)
	c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor:  group.Participant{UserID: "d1", Name: "欧阳娜娜主任医师教授博士生导师"},
		Patient: group.Participant{UserID: "p1", Name: "Maximilian Alexander von Habsburg-Lothringen"},
	})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(c.Name), 30)
	assert.True(t, utf8.ValidString(c.Name))
	assert.Equal(t, "欧阳娜…（Maximilia…）", c.Name)
	res, err := svc.SetConsultationAvatar(context.Background(), "d1", "https://f/1.png")
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, group.Updated, res[0].Status, "only the avatar changes")
	assert.Equal(t, c.Name, f.get(c.GroupID).Name)
	golden(t, srv, pModifyBase, "modify_consult_avatar")
	res, err = svc.SetConsultationAvatar(context.Background(), "d1", "https://f/1.png")
	require.NoError(t, err)
	assert.Equal(t, group.Unchanged, res[0].Status)
	assert.Len(t, srv.Calls(pModifyBase), 1)
}

// The rename flow across 25 groups and 3 joined-group pages: 20
// consultation groups the doctor owns, one where the doctor is the
// patient, one plain group, one consultation of two other people, one
// damaged record and one group the admin may not modify.
func TestRenameParticipantAcrossPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, srv := newService(t, group.WithJoinedPageSize(10), group.WithSyncConcurrency(3))
	f := newFake(t, srv)
	for i := range 20 {
		pname := fmt.Sprintf("患者%02d", i)
		if i%5 == 0 {
			pname = strings.Repeat("长", 30) + fmt.Sprint(i) // forces shortening
		}
		_, err := svc.CreateConsultation(ctx, group.ConsultationRequest{
			Doctor:  group.Participant{UserID: "doc", Name: "Dr Zhang"},
			Patient: group.Participant{UserID: fmt.Sprintf("p%02d", i), Name: pname},
		})
		require.NoError(t, err)
	}
	f.add("@TGS#plain", &fakeGroup{Name: "Ward 3", Introduction: "Ward notices"}, "doc")
	f.add("@TGS#others", &fakeGroup{Name: "X(Y)", Introduction: `{"tim_consult":1,"doctor":{"id":"doc2","name":"X"},"patient":{"id":"p99","name":"Y"}}`}, "doc")
	f.add("@TGS#damaged", &fakeGroup{Name: "Dr Zhang(Q)", Introduction: `{"tim_consult":1,"doctor":{"id":"doc"`}, "doc")
	_, err := svc.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor: group.Participant{UserID: "doc3", Name: "Dr Li"}, Patient: group.Participant{UserID: "doc", Name: "Dr Zhang"}, GroupID: "as-patient",
	})
	require.NoError(t, err)
	_, err = svc.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor: group.Participant{UserID: "doc", Name: "Dr Zhang"}, Patient: group.Participant{UserID: "p77", Name: "Wu"}, GroupID: "locked",
	})
	require.NoError(t, err)
	f.mu.Lock()
	f.failModify["locked"] = true
	f.mu.Unlock()
	f.mu.Lock()
	require.Len(t, f.joined["doc"], 25)
	f.mu.Unlock()

	res, err := svc.RenameParticipant(ctx, "doc", "张主任")
	require.NoError(t, err)
	assert.Len(t, srv.Calls(pJoined), 3, "25 groups in pages of 10")
	assert.Len(t, srv.Calls(pGetInfo), 1)
	golden(t, srv, pGetInfo, "get_group_info_consult")

	byID := map[string]group.SyncResult{}
	for _, r := range res {
		byID[r.GroupID] = r
	}
	require.Len(t, res, 23, "the plain group and the others' consultation are not reported")
	assert.NotContains(t, byID, "@TGS#plain")
	assert.NotContains(t, byID, "@TGS#others")
	for i := range 20 {
		id := fmt.Sprintf("@TGS#c%02d", i)
		r := byID[id]
		assert.Equal(t, group.Renamed, r.Status, id)
		assert.True(t, strings.HasPrefix(r.OldName, "Dr Zhang("), r.OldName)
		assert.True(t, strings.HasPrefix(r.NewName, "张主任("), r.NewName)
		assert.Equal(t, r.NewName, f.get(id).Name)
		assert.LessOrEqual(t, len(r.NewName), group.DefaultLimits().Name)
		assert.NoError(t, r.Err)
	}
	assert.Equal(t, "张主任(患者01)", f.get("@TGS#c01").Name)
	assert.Equal(t, "张主任("+strings.Repeat("长", 28)+"…)", f.get("@TGS#c05").Name)
	assert.Equal(t, group.Renamed, byID["as-patient"].Status)
	assert.Equal(t, "Dr Li(张主任)", f.get("as-patient").Name)
	assert.Equal(t, group.Failed, byID["@TGS#damaged"].Status)
	require.ErrorIs(t, byID["@TGS#damaged"].Err, group.ErrBadRecord)
	assert.Equal(t, "Dr Zhang(Q)", f.get("@TGS#damaged").Name, "a damaged record is never acted on")
	assert.Equal(t, group.Failed, byID["locked"].Status)
	require.ErrorIs(t, byID["locked"].Err, tim.ErrPermission)
	assert.Equal(t, "Dr Zhang(Wu)", byID["locked"].NewName, "a failed rename reports the name the group still has")

	// One modify per changed group, carrying the new name and record.
	assert.Len(t, srv.Calls(pModifyBase), 22)
	calls := modifyFor(t, srv, "@TGS#c01")
	require.Len(t, calls, 1)
	testkit.AssertGolden(t, "testdata/golden/modify_consult_rename.json", calls[0].Body)
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(f.get("as-patient").Introduction), &rec))
	assert.Equal(t, map[string]any{"id": "doc", "name": "张主任"}, rec["patient"])

	// Again with the same name: nothing left to change but the locked group.
	before := len(srv.Calls(pModifyBase))
	res, err = svc.RenameParticipant(ctx, "doc", "张主任")
	require.NoError(t, err)
	var statuses []string
	for _, r := range res {
		statuses = append(statuses, r.Status.String())
	}
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	assert.Equal(t, []string{"failed", "unchanged"}, statuses)
	assert.Len(t, srv.Calls(pModifyBase), before+1, "only the locked group is tried again")
}

// A member who renamed the group by hand gets the true name back.
func TestRenameRestoresEditedName(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	f := newFake(t, srv)
	c, err := svc.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor: group.Participant{UserID: "d", Name: "Doc"}, Patient: group.Participant{UserID: "p", Name: "Pat"},
	})
	require.NoError(t, err)
	f.mu.Lock()
	f.groups[c.GroupID].Name = "whatever"
	f.mu.Unlock()
	res, err := svc.RenameParticipant(context.Background(), "p", "Pat")
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, group.SyncResult{GroupID: c.GroupID, Status: group.Renamed, OldName: "whatever", NewName: "Doc(Pat)"}, res[0])
	var req map[string]any
	srv.Last(pModifyBase).Decode(t, &req)
	assert.NotContains(t, req, "Introduction", "the record was already right")
}

// Records written in the Introduction are found and moved by a service
// that records in AppDefinedData.
func TestRecordMigratesToAppData(t *testing.T) {
	t.Parallel()
	old, srv := newService(t)
	f := newFake(t, srv)
	c, err := old.CreateConsultation(context.Background(), group.ConsultationRequest{
		Doctor: group.Participant{UserID: "d", Name: "Doc"}, Patient: group.Participant{UserID: "p", Name: "Pat"},
	})
	require.NoError(t, err)
	c2, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry())
	require.NoError(t, err)
	svc, err := group.NewService(c2, group.WithRecordInAppDefinedData("consult"))
	require.NoError(t, err)
	res, err := svc.RenameParticipant(context.Background(), "d", "Doctor")
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, group.Renamed, res[0].Status)
	g := f.get(c.GroupID)
	assert.Equal(t, "Doctor(Pat)", g.Name)
	assert.Contains(t, g.AppData["consult"], `"name":"Doctor"`)
}

func TestUpdateParticipantListingFails(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pJoined, func(r testkit.Request) any { return testkit.Fail(70107, "not imported") })
	_, err := svc.RenameParticipant(context.Background(), "ghost", "G")
	require.ErrorIs(t, err, tim.ErrAccountNotFound)
	assert.Empty(t, srv.Calls(pModifyBase))
}

func TestUpdateParticipantGetInfoFails(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pJoined, func(r testkit.Request) any {
		return testkit.With(map[string]any{"TotalCount": 2, "GroupIdList": []map[string]any{{"GroupId": "a"}, {"GroupId": "b"}}})
	})
	srv.Handle(pGetInfo, func(r testkit.Request) any { return testkit.Fail(10002, "busy") })
	res, err := svc.RenameParticipant(context.Background(), "d", "D")
	require.NoError(t, err)
	require.Len(t, res, 2)
	for _, r := range res {
		assert.Equal(t, group.Failed, r.Status)
		require.ErrorIs(t, r.Err, tim.ErrServerBusy)
	}
}

package group_test

// End-to-end tests: client → timtest fake → signed callback → event
// handler → typed events, with nothing mocked in between.

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/internal/testkit/e2e"
	"github.com/timkit/tim/timtest"
)

// The consultation story from creation to dismissal, each step seen in the
// fake's state and as the front end's events.
func TestE2EConsultationLifecycle(t *testing.T) {
	t.Parallel()
	e := e2e.New(t, e2e.WithClient(tim.WithGroupOptions(group.WithJoinedPageSize(2))))
	ctx := e2e.Context(t)
	svc := e.Client.Group
	created := e2e.Record[*event.NewGroup](e.Dispatcher)
	joined := e2e.Record[*event.MembersJoined](e.Dispatcher)
	left := e2e.Record[*event.MembersLeft](e.Dispatcher)
	profiles := e2e.Record[*event.GroupProfile](e.Dispatcher)
	dismissed := e2e.Record[*event.DismissedGroup](e.Dispatcher)

	// Three consultations for one doctor; the accounts are imported on the way.
	doctor := group.Participant{UserID: "d1", Name: "王医生"}
	patients := []group.Participant{{UserID: "p1", Name: "李雷"}, {UserID: "p2", Name: "韩梅梅"}, {UserID: "p3", Name: "Lucy"}}
	var cons []*group.Consultation
	for _, p := range patients {
		c, err := svc.CreateConsultation(ctx, group.ConsultationRequest{Doctor: doctor, Patient: p, ImportAccounts: true})
		require.NoError(t, err)
		assert.Equal(t, doctor.Name+"("+p.Name+")", c.Name)
		cons = append(cons, c)
	}
	// A group of the doctor's that is not a consultation.
	require.NoError(t, e.Fake.ImportAccounts("nurse"))
	ward, err := svc.Create(ctx, group.CreateRequest{Type: group.Private, Name: "Ward 3", Owner: "d1"})
	require.NoError(t, err)
	e.Settle(t)

	// Callbacks are ordered per group only: find the first group's.
	byID := map[string]*event.NewGroup{}
	for _, ev := range created.Take() {
		byID[ev.GroupID] = ev
	}
	require.Len(t, byID, 4)
	first := byID[cons[0].GroupID]
	require.NotNil(t, first)
	assert.Equal(t, "王医生(李雷)", first.Name)
	assert.Equal(t, event.GroupType("Private"), first.Type)
	assert.Equal(t, "d1", first.Owner)
	assert.ElementsMatch(t, []string{"d1", "p1"}, first.Members)
	g, ok := e.Fake.Group(cons[0].GroupID)
	require.True(t, ok)
	assert.Equal(t, timtest.TypePrivate, g.Type)
	assert.JSONEq(t, `{"tim_consult":1,"doctor":{"id":"d1","name":"王医生"},"patient":{"id":"p1","name":"李雷"}}`, g.Introduction)

	// A nurse joins the first one.
	res, err := svc.AddMembers(ctx, cons[0].GroupID, []string{"nurse", "p1"}, group.AddOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []group.MemberResult{{UserID: "nurse", Result: group.Added}, {UserID: "p1", Result: group.AlreadyMember}}, res)
	e.Settle(t)
	js := joined.Take()
	require.Len(t, js, 1)
	assert.Equal(t, cons[0].GroupID, js[0].GroupID)
	assert.Equal(t, event.JoinInvited, js[0].JoinType)
	assert.Equal(t, []string{"nurse"}, js[0].Members)

	var members []string
	for m, err := range svc.Members(ctx, cons[0].GroupID, group.MemberListOptions{PageSize: 2}) {
		require.NoError(t, err)
		members = append(members, m.UserID+":"+string(m.Role))
	}
	assert.ElementsMatch(t, []string{"d1:Owner", "p1:Member", "nurse:Member"}, members)

	// The doctor changes display name: every consultation is renamed (the
	// joined list is paged by 2), the ward is left alone.
	results, err := svc.RenameParticipant(ctx, "d1", "王伟医生")
	require.NoError(t, err)
	require.Len(t, results, 3)
	sort.Slice(results, func(i, j int) bool { return results[i].OldName < results[j].OldName })
	for _, r := range results {
		require.NoError(t, r.Err)
		assert.Equal(t, group.Renamed, r.Status, r.GroupID)
	}
	e.Settle(t)
	ps := profiles.Take()
	require.Len(t, ps, 3)
	names := map[string]string{}
	for _, p := range ps {
		require.NotNil(t, p.Name)
		names[p.GroupID] = *p.Name
		assert.Nil(t, p.FaceURL, "only the changed fields")
	}
	for i, c := range cons {
		want := "王伟医生(" + patients[i].Name + ")"
		assert.Equal(t, want, names[c.GroupID])
		g, _ := e.Fake.Group(c.GroupID)
		assert.Equal(t, want, g.Name)
	}
	w, _ := e.Fake.Group(ward.GroupID)
	assert.Equal(t, "Ward 3", w.Name)

	// Renaming again changes nothing and modifies nothing.
	modifies := len(e.Fake.Requests("group_open_http_svc/modify_group_base_info"))
	results, err = svc.RenameParticipant(ctx, "d1", "王伟医生")
	require.NoError(t, err)
	for _, r := range results {
		assert.Equal(t, group.Unchanged, r.Status)
	}
	assert.Len(t, e.Fake.Requests("group_open_http_svc/modify_group_base_info"), modifies)

	// A patient's new avatar becomes the group avatar.
	results, err = svc.SetConsultationAvatar(ctx, "p1", "https://example.com/p1.png")
	require.NoError(t, err)
	require.Len(t, results, 1)
	assert.Equal(t, group.Updated, results[0].Status)
	e.Settle(t)
	ps = profiles.Take()
	require.Len(t, ps, 1)
	require.NotNil(t, ps[0].FaceURL)
	assert.Equal(t, "https://example.com/p1.png", *ps[0].FaceURL)

	// updateGroupProfile: a notice.
	notice := "Follow-up on Monday"
	require.NoError(t, svc.Update(ctx, group.UpdateRequest{GroupID: cons[0].GroupID, Notification: &notice}))
	e.Settle(t)
	ps = profiles.Take()
	require.Len(t, ps, 1)
	require.NotNil(t, ps[0].Notification)
	assert.Equal(t, notice, *ps[0].Notification)
	assert.Nil(t, ps[0].Name)

	// The patient's groups.
	var mine []string
	for g, err := range svc.Joined(ctx, "p1", group.JoinedOptions{WithNoActiveGroups: true, BaseInfo: []string{"Name"}}) {
		require.NoError(t, err)
		mine = append(mine, g.GroupID+" "+g.Name)
	}
	assert.Equal(t, []string{cons[0].GroupID + " 王伟医生(李雷)"}, mine)

	// The nurse leaves, the second consultation ends.
	require.NoError(t, svc.DeleteMembers(ctx, cons[0].GroupID, []string{"nurse"}, group.DeleteOptions{Reason: "shift over"}))
	require.NoError(t, svc.Destroy(ctx, cons[1].GroupID))
	e.Settle(t)
	ls := left.Take()
	require.Len(t, ls, 1)
	assert.Equal(t, event.ExitKicked, ls[0].ExitType)
	assert.Equal(t, []string{"nurse"}, ls[0].Members)
	ds := dismissed.Take()
	require.Len(t, ds, 1)
	assert.Equal(t, cons[1].GroupID, ds[0].GroupID)
	assert.Equal(t, "王伟医生(韩梅梅)", ds[0].Name)

	infos, err := svc.Get(ctx, []string{cons[0].GroupID, cons[1].GroupID}, nil)
	require.NoError(t, err)
	require.Len(t, infos, 2)
	assert.NoError(t, infos[0].Err())
	assert.Equal(t, 2, infos[0].MemberNum)
	assert.ErrorIs(t, infos[1].Err(), tim.ErrGroupNotFound)

	// The destroyed group drops out of the doctor's renames.
	results, err = svc.RenameParticipant(ctx, "d1", "Dr. Wang")
	require.NoError(t, err)
	assert.Len(t, results, 2)
	e.Settle(t)
}

// With a custom GroupId a create whose answer is lost is retried, the
// retry meets 10025 and reports Existed: one group, one GROUP_CREATED.
func TestE2ECreateWithCustomIDSurvivesALostAnswer(t *testing.T) {
	t.Parallel()
	e := e2e.New(t)
	ctx := e2e.Context(t)
	created := e2e.Record[*event.NewGroup](e.Dispatcher)
	require.NoError(t, e.Fake.ImportAccounts("d1", "p1"))

	e.Fake.DropNext("group_open_http_svc/create_group", 1)
	c, err := e.Client.Group.CreateConsultation(ctx, group.ConsultationRequest{
		Doctor: group.Participant{UserID: "d1", Name: "Dr. A"}, Patient: group.Participant{UserID: "p1", Name: "B"}, GroupID: "consult_d1_p1",
	})
	require.NoError(t, err)
	assert.Equal(t, "consult_d1_p1", c.GroupID)
	assert.True(t, c.Existed, "the resend found the group the lost attempt created")
	e.Settle(t)
	assert.Len(t, e.Fake.Groups(), 1)
	assert.Len(t, created.Take(), 1)
	g, _ := e.Fake.Group("consult_d1_p1")
	assert.Len(t, g.Members, 2)

	// Someone else's id is an error, not Existed.
	require.NoError(t, e.Fake.ImportAccounts("d2"))
	_, err = e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Private, GroupID: "consult_d1_p1", Name: "x", Owner: "d2"})
	assert.ErrorIs(t, err, group.ErrGroupIDTaken)
}

// More initial members than create_group takes: the rest are added
// afterwards, seen as GROUP_CREATED plus GROUP_MEMBER_JOINED.
func TestE2ECreateWithManyMembers(t *testing.T) {
	t.Parallel()
	e := e2e.New(t)
	ctx := e2e.Context(t)
	created := e2e.Record[*event.NewGroup](e.Dispatcher)
	joined := e2e.Record[*event.MembersJoined](e.Dispatcher)
	var users []string
	var members []group.NewMember
	for i := range 150 {
		u := fmt.Sprintf("u%03d", i)
		users = append(users, u)
		members = append(members, group.NewMember{UserID: u})
	}
	require.NoError(t, e.Fake.ImportAccounts(append(users, "owner")...))

	res, err := e.Client.Group.Create(ctx, group.CreateRequest{Type: group.Public, Name: "Clinic news", Owner: "owner", Members: members})
	require.NoError(t, err)
	e.Settle(t)
	g, ok := e.Fake.Group(res.GroupID)
	require.True(t, ok)
	assert.Len(t, g.Members, 151)

	seen := map[string]bool{}
	for _, c := range created.Take() {
		for _, m := range c.Members {
			seen[m] = true
		}
	}
	for _, j := range joined.Take() {
		for _, m := range j.Members {
			seen[m] = true
		}
	}
	for _, u := range users {
		assert.True(t, seen[u], "%s reported by an event", u)
	}
}

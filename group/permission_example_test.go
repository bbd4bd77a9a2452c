package group_test

import (
	"context"
	"fmt"
	"log"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/group"
	"github.com/timkit/tim/timtest"
)

// Doctors may post in the cardiology topic of a clinic's community: their
// permission group gets the send bit there.
func ExampleService_AddTopicPermissions() {
	srv, err := timtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	clinic, err := c.Group.Create(ctx, group.CreateRequest{Type: group.Community, GroupID: "@TGS#_clinic", Name: "Clinic", SupportTopic: true})
	if err != nil {
		log.Fatal(err)
	}
	cardio, err := c.Group.CreateTopic(ctx, group.TopicRequest{GroupID: clinic.GroupID, TopicID: group.TopicID(clinic.GroupID, "cardio"), Name: "Cardiology"})
	if err != nil {
		log.Fatal(err)
	}
	// A community owner's client created the permission group.
	if err := srv.AddPermissionGroup(clinic.GroupID, "@PMG#_doctors", "Doctors", 0); err != nil {
		log.Fatal(err)
	}

	res, err := c.Group.AddTopicPermissions(ctx, clinic.GroupID, "@PMG#_doctors", []group.TopicGrant{
		{TopicID: cardio, Permission: group.TopicCanSend | group.TopicCanAtAll},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res {
		fmt.Println(r.TopicID, r.Err())
	}
	perms, err := c.Group.TopicPermissions(ctx, clinic.GroupID, "@PMG#_doctors", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(perms[0].Permission.Has(group.TopicCanSend), perms[0].Permission.Has(group.TopicCanMute))
	// Output:
	// @TGS#_clinic@TOPIC#_cardio <nil>
	// true false
}

package usersig_test

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/timkit/tim/usersig"
)

// The SDKAppID and secret key come from the IM console; these are examples.
const (
	sdkAppID  = 1400000000
	secretKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
)

func ExampleNew() {
	g, err := usersig.New(sdkAppID, secretKey)
	if err != nil {
		log.Fatal(err)
	}
	// Issue a sig for a user who logs in from a front end.
	sig, err := g.Gen("patient_42", 7*24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Verify(sig, "patient_42"))

	// Invalid input is rejected with a message that names the limit.
	_, err = usersig.New(0, secretKey)
	fmt.Println(err)
	_, err = g.Gen("an-identifier-longer-than-32-bytes", time.Hour)
	fmt.Println(err, errors.Is(err, usersig.ErrInvalidIdentifier))
	// Output:
	// <nil>
	// usersig: sdkappid 0 is out of range, must be 1..4294967295
	// usersig: identifier is 34 bytes, limit is 32 true
}

func ExampleGenerator_Gen() {
	// A fixed clock makes the sig deterministic (tests, golden files).
	issued := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	g, err := usersig.New(sdkAppID, secretKey, usersig.WithClock(func() time.Time { return issued }))
	if err != nil {
		log.Fatal(err)
	}
	sig, err := g.Gen("user_10086", 24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sig)
	// Output:
	// eAEArABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoidXNlcl8xMDA4NiIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6ODY0MDAsIlRMUy50aW1lIjoxNzM1Njg5NjAwLCJUTFMuc2lnIjoiSUJGQjZBNWg2cGNhS0FNaFNHQi9VK2V5M1JmaDllMEV1ZTU4TzdTS0d0RT0ifQoBAAD--3mbMI4_
}

func ExampleDecode() {
	// A sig Tencent rejected (say with 70001 or 70013): see what it says,
	// without the key.
	const sig = "eAEArABT-3siVExTLnZlciI6IjIuMCIsIlRMUy5pZGVudGlmaWVyIjoieGlhb2p1biIsIlRMUy5zZGthcHBpZCI6MTQwMDAwMDAwMCwiVExTLmV4cGlyZSI6MTU1NTIwMDAsIlRMUy50aW1lIjoxNzAwMDAwMDAwLCJUTFMuc2lnIjoiTHZBN2QvSXc3Z1NzbnNrdlZ6QkRQT0NDRGJ1TkN3NEdId1RDMGJpcCtCND0ifQoBAAD--9-DMfw_"
	info, err := usersig.Decode(sig)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Identifier, info.SDKAppID)
	fmt.Println(info.IssuedAt, info.Validity)
	fmt.Println(info.ExpiresAt, info.Expired(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)))
	fmt.Println(info)

	_, err = usersig.Decode("not a usersig")
	fmt.Println(errors.Is(err, usersig.ErrMalformed))
	// Output:
	// xiaojun 1400000000
	// 2023-11-14 22:13:20 +0000 UTC 4320h0m0s
	// 2024-05-12 22:13:20 +0000 UTC true
	// usersig v2.0 identifier="xiaojun" sdkappid=1400000000 issued=2023-11-14T22:13:20Z expires=2024-05-12T22:13:20Z
	// true
}

func ExampleVerify() {
	g, err := usersig.New(sdkAppID, secretKey)
	if err != nil {
		log.Fatal(err)
	}
	sig, err := g.Gen("doctor_7", time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	// A fake server checks sigs as Tencent does.
	err = usersig.Verify(sig, sdkAppID, secretKey, "doctor_8", nil, time.Now())
	fmt.Println(errors.Is(err, usersig.ErrIdentifier))
	err = usersig.Verify(sig, sdkAppID, secretKey, "doctor_7", nil, time.Now().Add(2*time.Hour))
	fmt.Println(errors.Is(err, usersig.ErrExpired))
	// Output:
	// true
	// true
}

func ExampleSigner() {
	g, err := usersig.New(sdkAppID, secretKey)
	if err != nil {
		log.Fatal(err)
	}
	// One Signer per application: a 7-day admin sig, renewed when less
	// than a day is left.
	admin, err := usersig.NewSigner(g, 7*24*time.Hour, usersig.WithRenewBefore(24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	// Every REST request asks for the sig; only the first one generates it.
	a, err := admin.Sig("administrator")
	if err != nil {
		log.Fatal(err)
	}
	b, _ := admin.Sig("administrator")
	fmt.Println(a == b)

	// Tencent answered 70001 (expired) or 70009 (the key was rotated):
	// forget the sig; the next request gets a fresh one.
	admin.Invalidate("administrator")
	_, err = admin.Sig("administrator")
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

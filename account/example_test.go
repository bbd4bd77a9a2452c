package account_test

import (
	"context"
	"fmt"
	"log"

	"github.com/timkit/tim"
	"github.com/timkit/tim/account"
	"github.com/timkit/tim/timtest"
)

func ExampleWithProgress() {
	fake, err := timtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer fake.Close()
	client, err := tim.New(fake.SDKAppID, fake.SecretKey, tim.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ids := make([]string, 250)
	for i := range ids {
		ids[i] = fmt.Sprintf("patient_%d", i)
	}
	res, err := client.Account.ImportMany(context.Background(), ids, account.WithProgress(func(done, total int) {
		fmt.Printf("%d/%d\n", done, total)
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("failed:", len(res.Failed))
	// Output:
	// 100/250
	// 200/250
	// 250/250
	// failed: 0
}

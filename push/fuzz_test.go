package push_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/push"
)

// bodyDoer answers every call by decoding one canned body into the response.
type bodyDoer []byte

func (b bodyDoer) Do(_ context.Context, _ api.Endpoint, req, resp any) error {
	if _, err := json.Marshal(req); err != nil {
		return err
	}
	return json.Unmarshal(b, resp)
}

// FuzzAnswers feeds arbitrary answers to every decoder of the package: they
// must never panic, and what decodes comes out typed.
func FuzzAnswers(f *testing.F) {
	for _, seed := range []string{
		`{"ActionStatus":"OK","ErrorCode":0,"TaskId":"123_456"}`,
		`{"AttrNames":{"0":"sex","1":2,"x":"y","-1":null}}`,
		`{"UserAttrs":[{"To_Account":"a","Attrs":{"city":"深圳","n":3}},{"To_Account":5,"Attrs":null}]}`,
		`{"UserTags":[{"To_Account":"a","Tags":["x",1,null]},{"Tags":"x"}]}`,
		`{"TaskId":12345}`,
		`null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		svc, err := push.NewService(bodyDoer(body))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if names, err := svc.AttrNames(ctx); err == nil && names == nil {
			t.Fatal("a decoded answer gives a non-nil map")
		}
		_, _ = svc.UserAttrs(ctx, []string{"a"})
		_, _ = svc.UserTags(ctx, []string{"a"})
		_, _ = svc.Send(ctx, &push.Push{Body: message.Body{&message.Text{Text: "x"}}})
	})
}

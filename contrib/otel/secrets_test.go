package otel_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/timkit/tim/api"
)

// Secrets the SDK never passes to an Observer; here they are planted in
// the error texts and the callback command anyway, to prove this package
// records neither (it records families and codes, not texts).
const (
	secretKey   = "sk-5ecre7-key-0123456789abcdef"
	secretSig   = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzU4pKMvPSgWpT8gtS8-1PzHGAAA"
	secretToken = "cb-token-9f8e7d6c5b4a"
	messageText = "my blood test results are attached"
)

func leakyErr() error {
	return fmt.Errorf("tim: openim/sendmsg: %w (usersig=%s&key=%s, text %q)", &api.Error{Op: "openim/sendmsg",
		HTTPStatus: 200, Code: 70001, Info: "usersig " + secretSig + " expired"}, secretSig, secretKey, messageText)
}

func TestNoSecretInSpansOrMetrics(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for _, run := range []func(context.Context, api.Observer){scenarioSuccess, scenarioRetried, scenario60007,
		scenarioRenewal, scenarioStandby, scenarioVerifiedCallback, scenarioRefusedCallback, scenarioFallback} {
		run(ctx, h.obs)
	}
	// Every hook with a leaking error.
	call(ctx, h.obs, sendmsg, time.Millisecond, []attempt{
		{host: primary, status: 200, code: 70001, err: leakyErr(), renewal: true, switchTo: standby,
			retry: api.RetryRenewal},
		{host: standby, standby: true, status: 500, err: leakyErr()},
	}, leakyErr())
	cctx := h.obs.CallStart(ctx, api.Call{Endpoint: sendmsg})
	h.obs.LimiterWait(cctx, api.LimiterWait{Key: "openim/sendmsg", Units: 1, Err: leakyErr()})
	h.obs.CallEnd(cctx, api.Call{Endpoint: sendmsg}, api.CallResult{Err: leakyErr()})
	for _, cmd := range []string{"C2C.CallbackBeforeSendMsg", "X.Y?token=" + secretToken, secretToken} {
		cb := api.Callback{Command: cmd, Before: true}
		cbctx := h.obs.CallbackStart(ctx, cb)
		h.obs.CallbackEnd(cbctx, cb, api.CallbackResult{Verdict: api.VerdictFailed, Status: 200, Decision: "allow",
			Fallback: true, Err: errors.Join(leakyErr(), errors.New("token "+secretToken))})
	}

	var texts []string
	add := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			texts = append(texts, string(kv.Key)+"="+kv.Value.String())
		}
	}
	spans := h.spans.Ended()
	require.NotEmpty(t, spans)
	for _, s := range spans {
		texts = append(texts, s.Name(), s.Status().Description)
		add(s.Attributes())
		for _, e := range s.Events() {
			texts = append(texts, e.Name)
			add(e.Attributes)
		}
		for _, l := range s.Links() {
			add(l.Attributes)
		}
		add(s.Resource().Attributes())
	}
	m := collect(t, h.reader)
	require.NotEmpty(t, m)
	for name, data := range m {
		texts = append(texts, name)
		switch d := data.(type) {
		case metricdata.Sum[int64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		case metricdata.Histogram[float64]:
			for _, p := range d.DataPoints {
				add(p.Attributes.ToSlice())
			}
		default:
			t.Fatalf("metric %s: unexpected data %T", name, data)
		}
	}
	all := strings.Join(texts, "\n")
	require.Contains(t, all, "usersig_expired", "the scan saw the leaking calls")
	for _, secret := range []string{secretKey, secretSig, secretToken, messageText, "usersig="} {
		assert.False(t, strings.Contains(all, secret), "%q is recorded", secret)
	}
}

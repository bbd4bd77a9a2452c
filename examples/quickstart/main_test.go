package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
	"github.com/timkit/tim/timtest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// The default run: the in-process fake, signed callbacks, every step.
func TestRunAgainstTheBuiltInFake(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(testCtx(t), &out, setup.Config{}), out.String())

	got := out.String()
	for _, want := range []string{
		"the built-in fake (timtest)",
		"(signed: true)",
		"← SDK_READY: logged in as \"administrator\"",
		"imported qs_doctor_wang (Dr. Wang)",
		"qs_patient_li: 256-character UserSig",
		"← MESSAGE_RECEIVED qs_doctor_wang → qs_patient_li: \"" + c2cText + "\"",
		"C2Cqs_doctor_wang",
		"named \"Dr. Wang(Li Lei)\"",
		"← GROUP_CREATED",
		"← MESSAGE_RECEIVED in @TGS#",
		"from qs_patient_li: \"" + groupText + "\"",
		"← GROUP_PROFILE_UPDATED",
		"GROUP@TGS#",
		"Quickstart complete.",
	} {
		assert.Contains(t, got, want)
	}
	assert.Contains(t, got, "13. List the patient's conversations again")
}

// A remote server (here a timtest the test owns, standing in for Tencent):
// the same code path with another configuration. Callbacks are not routed
// to the quickstart, so the waits are skipped; the state proves the steps.
func TestRunAgainstARemoteServer(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	var out bytes.Buffer
	cfg := setup.Config{SDKAppID: srv.SDKAppID, SecretKey: srv.SecretKey, BaseURL: srv.URL}
	require.NoError(t, run(testCtx(t), &out, cfg), out.String())

	assert.Contains(t, out.String(), "the server at "+srv.URL)
	assert.Contains(t, out.String(), "(skipped: no callbacks reach this process)")
	msgs := srv.MessagesTo(patientID)
	require.Len(t, msgs, 1)
	assert.Equal(t, c2cText, msgs[0].Text())
	groups := srv.Groups()
	require.Len(t, groups, 1)
	assert.Equal(t, "Dr. Wang(Li Lei) · follow-up", groups[0].Name)
	require.Len(t, srv.GroupMessages(groups[0].GroupID), 1)
	assert.Equal(t, groupText, srv.GroupMessages(groups[0].GroupID)[0].Text())
}

// Wrong credentials fail at Login with a clear message and no secret.
func TestRunFailsClearlyOnWrongCredentials(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	const wrongKey = "0000000000000000000000000000000000000000000000000000000000000000"
	var out bytes.Buffer
	err := run(testCtx(t), &out, setup.Config{SDKAppID: srv.SDKAppID, SecretKey: wrongKey, BaseURL: srv.URL})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "step 3, Login")
	assert.NotContains(t, err.Error(), wrongKey)
	assert.NotContains(t, out.String(), wrongKey)
	assert.NotContains(t, out.String(), "Quickstart complete.")
}

// A callback that never comes fails the step instead of hanging.
func TestRunFailsWhenACallbackNeverArrives(t *testing.T) {
	t.Parallel()
	in := newInbox(300 * time.Millisecond)
	in.ch <- &event.NewGroup{GroupID: "g1"} // another event: kept, not matched
	_, err := waitFor(testCtx(t), in, func(*event.ReceivedMessage) bool { return true })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no MESSAGE_RECEIVED event within 300ms")

	g, err := waitFor(testCtx(t), in, func(g *event.NewGroup) bool { return g.GroupID == "g1" })
	require.NoError(t, err)
	assert.Equal(t, "g1", g.GroupID)
}

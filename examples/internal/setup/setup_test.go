package setup_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/examples/internal/setup"
	"github.com/timkit/tim/timtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    setup.Config
		wantErr string
	}{
		{name: "nothing set: the built-in fake", env: nil, want: setup.Config{}},
		{
			name: "Tencent, every variable",
			env: map[string]string{
				"TIM_SDKAPPID": " 1400123456 ", "TIM_SECRET_KEY": "k", "TIM_REGION": "SGP",
				"TIM_ADMIN": "ops", "TIM_CALLBACK_TOKEN": "tok", "TIM_CALLBACK_ADDR": ":8080",
			},
			want: setup.Config{SDKAppID: 1400123456, SecretKey: "k", Region: tim.RegionSingapore,
				Admin: "ops", CallbackToken: "tok", CallbackAddr: ":8080"},
		},
		{
			name: "a standalone timtest",
			env:  map[string]string{"TIM_BASE_URL": "http://127.0.0.1:8089"},
			want: setup.Config{BaseURL: "http://127.0.0.1:8089"},
		},
		{name: "key without app id", env: map[string]string{"TIM_SECRET_KEY": "k"}, wantErr: "set both TIM_SDKAPPID and TIM_SECRET_KEY"},
		{name: "app id without key", env: map[string]string{"TIM_SDKAPPID": "1400000001"}, wantErr: "set both"},
		{name: "app id not a number", env: map[string]string{"TIM_SDKAPPID": "abc", "TIM_SECRET_KEY": "k"}, wantErr: "TIM_SDKAPPID must be a positive integer"},
		{name: "app id zero", env: map[string]string{"TIM_SDKAPPID": "0", "TIM_SECRET_KEY": "k"}, wantErr: "positive integer"},
		{name: "unknown region", env: map[string]string{"TIM_REGION": "mars"}, wantErr: "TIM_REGION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := setup.FromEnv(env(tt.env))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSecretKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	_, err := setup.FromEnv(env(map[string]string{"TIM_SDKAPPID": "x", "TIM_SECRET_KEY": "s3cr3t"}))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
}

func TestOpenTheBuiltInFake(t *testing.T) {
	t.Parallel()
	b, err := setup.Open(setup.Config{Admin: "ops"}, "http://127.0.0.1:1/cb")
	require.NoError(t, err)
	t.Cleanup(b.Close)

	require.NotNil(t, b.Fake)
	assert.True(t, b.Callbacks)
	assert.Len(t, b.CallbackToken, 32, "a random token signs the fake's callbacks")
	assert.Equal(t, "ops", b.Admin)
	assert.Contains(t, b.Describe(), b.Fake.URL)
	assert.NotContains(t, b.Describe(), b.SecretKey)

	c, err := b.NewClient()
	require.NoError(t, err)
	res, err := c.Login(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "ops", res.Identifier)
	assert.NoError(t, b.Settle(context.Background()))
	assert.Len(t, b.HandlerOptions(), 1)
}

func TestOpenARemoteServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       setup.Config
		describe  string
		callbacks bool
	}{
		{"Tencent", setup.Config{SDKAppID: 1400000001, SecretKey: "k", Region: tim.RegionTokyo}, "Tencent Cloud IM (tokyo, adminapijpn.im.qcloud.com), app 1400000001", false},
		{"Tencent default region", setup.Config{SDKAppID: 1400000001, SecretKey: "k", CallbackAddr: ":9"}, "Tencent Cloud IM (china, console.tim.qq.com)", true},
		{"standalone timtest", setup.Config{BaseURL: "http://127.0.0.1:8089"}, "the server at http://127.0.0.1:8089, app 1400000000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := setup.Open(tt.cfg, "http://127.0.0.1:1/cb")
			require.NoError(t, err)
			defer b.Close()
			assert.Nil(t, b.Fake)
			assert.Contains(t, b.Describe(), tt.describe)
			assert.Equal(t, tt.callbacks, b.Callbacks)
			assert.Empty(t, b.CallbackToken)
			// No token: unsigned callbacks are accepted (explicitly, no panic).
			d, err := event.NewDispatcher()
			require.NoError(t, err)
			h, err := event.NewHandler(d, b.SDKAppID, b.HandlerOptions()...)
			require.NoError(t, err)
			rec := httptest.NewRecorder()
			q := fmt.Sprintf("/?SdkAppid=%d&CallbackCommand=State.StateChange&contenttype=json", b.SDKAppID)
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, q, strings.NewReader(`{"CallbackCommand":"State.StateChange"}`)))
			assert.Equal(t, http.StatusOK, rec.Code, "no token: unsigned callbacks accepted")
			assert.Equal(t, tim.DefaultAdmin, b.Admin)
			_, err = b.NewClient()
			require.NoError(t, err)
			assert.NoError(t, b.Settle(context.Background()))
		})
	}
}

// A standalone timtest at TIM_BASE_URL is used with its default
// credentials.
func TestStandaloneTimtestDefaults(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	b, err := setup.Open(setup.Config{BaseURL: srv.URL}, "")
	require.NoError(t, err)
	c, err := b.NewClient()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = c.Login(ctx)
	require.NoError(t, err)
}

func TestListenAndURL(t *testing.T) {
	t.Parallel()
	ln, err := setup.Listen(setup.Config{})
	require.NoError(t, err)
	defer ln.Close()
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/cb$`, setup.URL(ln, "/cb"))

	wild, err := setup.Listen(setup.Config{CallbackAddr: ":0"})
	require.NoError(t, err)
	defer wild.Close()
	_, port, _ := net.SplitHostPort(wild.Addr().String())
	assert.Equal(t, "http://127.0.0.1:"+port+"/x", setup.URL(wild, "/x"))

	_, err = setup.Listen(setup.Config{CallbackAddr: "256.0.0.1:1"})
	assert.Error(t, err)
}

func TestPrinter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := setup.NewPrinter(&buf)
	p.Line("Title %d", 1)
	p.Step("first %s", "step")
	p.Info("detail")
	p.Step("second")
	assert.Equal(t, "Title 1\n 1. first step\n    detail\n 2. second\n", buf.String())
}

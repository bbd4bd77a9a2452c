// Package setup turns the environment into what the examples run against:
// an in-process timtest fake by default, Tencent Cloud IM when TIM_SDKAPPID
// and TIM_SECRET_KEY are set. Only the configuration differs; the examples'
// code paths are the same either way.
//
//	TIM_SDKAPPID        the app's SDKAppID (with TIM_SECRET_KEY: use Tencent)
//	TIM_SECRET_KEY      the app's secret key (never printed)
//	TIM_REGION          data centre: china (default), singapore/sgp, seoul/kr, …
//	TIM_ADMIN           the app administrator (default "administrator")
//	TIM_CALLBACK_TOKEN  the console's callback-authentication token
//	TIM_CALLBACK_ADDR   where the webhook listens (the console's callback URL
//	                    must reach it); without it, callbacks are only
//	                    expected from the in-process fake
//	TIM_BASE_URL        send REST calls here instead (e.g. a running
//	                    cmd/timtest; its default credentials are used when
//	                    TIM_SDKAPPID/TIM_SECRET_KEY are not set)
package setup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"
	"github.com/timkit/tim/timtest"
)

// Environment variables the examples read.
const (
	EnvSDKAppID      = "TIM_SDKAPPID"
	EnvSecretKey     = "TIM_SECRET_KEY"
	EnvRegion        = "TIM_REGION"
	EnvAdmin         = "TIM_ADMIN"
	EnvCallbackToken = "TIM_CALLBACK_TOKEN"
	EnvCallbackAddr  = "TIM_CALLBACK_ADDR"
	EnvBaseURL       = "TIM_BASE_URL"
)

// Config is an example's configuration. The zero Config runs against an
// in-process timtest fake.
type Config struct {
	// SDKAppID and SecretKey are the app's credentials; zero/empty means
	// the in-process fake (or the default credentials of a timtest at
	// BaseURL).
	SDKAppID  uint64
	SecretKey string
	// Region is the data centre ("" = the client's default, China).
	Region tim.Region
	// Admin is the administrator identifier ("" = "administrator").
	Admin string
	// CallbackToken signs callbacks. Against the fake a random one is used
	// when empty, so the demo exercises signature checking.
	CallbackToken string
	// CallbackAddr is where the webhook listens ("" = a free local port).
	CallbackAddr string
	// BaseURL overrides the REST host (a standalone timtest, a proxy).
	BaseURL string
}

// FromEnv reads the configuration with getenv (os.Getenv in main).
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := Config{
		SecretKey:     get(EnvSecretKey),
		Admin:         get(EnvAdmin),
		CallbackToken: get(EnvCallbackToken),
		CallbackAddr:  get(EnvCallbackAddr),
		BaseURL:       get(EnvBaseURL),
	}
	if s := get(EnvSDKAppID); s != "" {
		id, err := strconv.ParseUint(s, 10, 64)
		if err != nil || id == 0 {
			return Config{}, fmt.Errorf("setup: %s must be a positive integer, got %q", EnvSDKAppID, s)
		}
		cfg.SDKAppID = id
	}
	if (cfg.SDKAppID == 0) != (cfg.SecretKey == "") {
		return Config{}, fmt.Errorf("setup: set both %s and %s to use Tencent, or neither to use the built-in fake", EnvSDKAppID, EnvSecretKey)
	}
	if s := get(EnvRegion); s != "" {
		r, err := tim.ParseRegion(s)
		if err != nil {
			return Config{}, fmt.Errorf("setup: %s: %w", EnvRegion, err)
		}
		cfg.Region = r
	}
	return cfg, nil
}

// Remote reports whether the examples talk to a server outside this
// process (Tencent, or a timtest at BaseURL).
func (c Config) Remote() bool { return c.SDKAppID != 0 || c.BaseURL != "" }

// Backend is the IM service an example runs against.
type Backend struct {
	// SDKAppID, SecretKey and Admin are what the client is built with.
	SDKAppID  uint64
	SecretKey string
	Admin     string
	// CallbackToken is the token the webhook checks ("" = unsigned).
	CallbackToken string
	// Fake is the in-process fake, nil against Tencent.
	Fake *timtest.Server
	// Callbacks reports whether callbacks are expected to reach the
	// example's webhook: always with the in-process fake, against a
	// remote server only when TIM_CALLBACK_ADDR says where they arrive.
	Callbacks bool

	cfg Config
}

// Open prepares the backend. webhookURL is the URL of the example's
// callback endpoint: the in-process fake POSTs Tencent's callbacks there,
// signed with the token. fakeOpts tune the fake (ignored for Tencent).
func Open(cfg Config, webhookURL string, fakeOpts ...timtest.Option) (*Backend, error) {
	b := &Backend{cfg: cfg, SDKAppID: cfg.SDKAppID, SecretKey: cfg.SecretKey,
		Admin: cfg.Admin, CallbackToken: cfg.CallbackToken}
	if b.Admin == "" {
		b.Admin = tim.DefaultAdmin
	}
	if cfg.Remote() {
		if b.SDKAppID == 0 { // a standalone timtest with its defaults
			b.SDKAppID, b.SecretKey = timtest.DefaultSDKAppID, timtest.DefaultSecretKey
		}
		b.Callbacks = cfg.CallbackAddr != ""
		return b, nil
	}
	if b.CallbackToken == "" {
		var raw [16]byte
		_, _ = rand.Read(raw[:])
		b.CallbackToken = hex.EncodeToString(raw[:])
	}
	opts := []timtest.Option{timtest.WithAdmins(b.Admin)}
	if webhookURL != "" {
		opts = append(opts, timtest.WithCallback(webhookURL, b.CallbackToken))
	}
	fake, err := timtest.Start(append(opts, fakeOpts...)...)
	if err != nil {
		return nil, fmt.Errorf("setup: starting the fake: %w", err)
	}
	b.Fake, b.SDKAppID, b.SecretKey = fake, fake.SDKAppID, fake.SecretKey
	b.Callbacks = webhookURL != ""
	return b, nil
}

// Close stops the in-process fake, if any.
func (b *Backend) Close() {
	if b.Fake != nil {
		b.Fake.Close()
	}
}

// ClientOptions are the options that point a tim.Client at the backend;
// append the example's own.
func (b *Backend) ClientOptions(extra ...tim.Option) []tim.Option {
	var opts []tim.Option
	switch {
	case b.Fake != nil:
		opts = append(opts, tim.WithBaseURL(b.Fake.URL))
	case b.cfg.BaseURL != "":
		opts = append(opts, tim.WithBaseURL(b.cfg.BaseURL))
	}
	if b.cfg.Region != "" {
		opts = append(opts, tim.WithRegion(b.cfg.Region))
	}
	opts = append(opts, tim.WithAdmin(b.Admin))
	return append(opts, extra...)
}

// NewClient builds the client: tim.New with the backend's credentials.
func (b *Backend) NewClient(extra ...tim.Option) (*tim.Client, error) {
	return tim.New(b.SDKAppID, b.SecretKey, b.ClientOptions(extra...)...)
}

// HandlerOptions are the webhook's options: signature checking with the
// callback token when there is one; without one (authentication off in the
// console) unsigned callbacks are accepted, explicitly.
func (b *Backend) HandlerOptions(extra ...event.HandlerOption) []event.HandlerOption {
	var opts []event.HandlerOption
	if b.CallbackToken != "" {
		opts = append(opts, event.WithToken(b.CallbackToken))
	} else {
		opts = append(opts, event.WithoutSignature())
	}
	return append(opts, extra...)
}

// Settle waits until the fake has delivered every queued callback, so
// output that follows a step comes after its webhook lines. Against a
// remote server it returns at once.
func (b *Backend) Settle(ctx context.Context) error {
	if b.Fake == nil {
		return nil
	}
	return b.Fake.WaitCallbacks(ctx)
}

// Describe says what the backend is, without any secret.
func (b *Backend) Describe() string {
	switch {
	case b.Fake != nil:
		return fmt.Sprintf("the built-in fake (timtest) at %s, app %d", b.Fake.URL, b.SDKAppID)
	case b.cfg.BaseURL != "":
		return fmt.Sprintf("the server at %s, app %d", b.cfg.BaseURL, b.SDKAppID)
	}
	region := b.cfg.Region
	if region == "" {
		region = tim.RegionChina
	}
	return fmt.Sprintf("Tencent Cloud IM (%s, %s), app %d", region, region.Host(), b.SDKAppID)
}

// Listen opens the webhook's listener: on CallbackAddr when set, else on a
// free port of the loopback interface.
func Listen(cfg Config) (net.Listener, error) {
	addr := cfg.CallbackAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("setup: listening for callbacks on %s: %w", addr, err)
	}
	return ln, nil
}

// URL is the http URL of a listener plus path. A wildcard address is
// replaced by the loopback one, so the in-process fake can reach it.
func URL(ln net.Listener, path string) string {
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return "http://" + ln.Addr().String() + path
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path
}

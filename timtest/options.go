package timtest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Defaults of a new Server.
const (
	// DefaultSDKAppID is the app id a Server answers for unless WithSDKAppID says otherwise.
	DefaultSDKAppID uint64 = 1400000000
	// DefaultSecretKey is the fixed test key of a Server (not a real key).
	DefaultSecretKey = "7d2b6e1f4a9c3e8b5f0a1d6c2e9b4f7a3c8e1b5d9f2a6c0e4b8d3f7a1c5e9b2d"
	// DefaultAdmin is the app administrator every Server knows.
	DefaultAdmin = "administrator"
	// DefaultContactPageSize is how many conversations one
	// recentcontact/get_list page holds.
	DefaultContactPageSize = 100
	// DefaultCallbackTimeout is Tencent's fixed callback budget.
	DefaultCallbackTimeout = 2 * time.Second
)

// Rate is a frequency budget: at most N calls in any window of length Per.
// N = 0 means unlimited.
type Rate struct {
	N   int
	Per time.Duration
}

// DefaultRate returns Tencent's default per-API frequency: 200 calls a second.
func DefaultRate() Rate { return Rate{N: 200, Per: time.Second} }

// BatchRecipientsRate returns batchsendmsg's extra budget: 12,000 recipients a minute.
func BatchRecipientsRate() Rate { return Rate{N: 12000, Per: time.Minute} }

// batchRecipientsKey names the recipient budget of batchsendmsg.
const batchRecipientsKey = "openim/batchsendmsg#recipients"

type config struct {
	appID           uint64
	key             string
	admins          []string
	now             func() time.Time
	callbackURL     string
	callbackToken   string
	callbackTimeout time.Duration
	commands        map[string]bool // nil: every command
	rate            Rate
	rates           map[string]Rate
	pageSize        int
	addr            string
	logger          *slog.Logger
}

func defaultConfig() config {
	return config{
		appID:           DefaultSDKAppID,
		key:             DefaultSecretKey,
		admins:          []string{DefaultAdmin},
		now:             time.Now,
		callbackTimeout: DefaultCallbackTimeout,
		rate:            DefaultRate(),
		rates:           map[string]Rate{batchRecipientsKey: BatchRecipientsRate()},
		pageSize:        DefaultContactPageSize,
	}
}

// Option configures a Server.
type Option func(*config) error

// WithSDKAppID sets the app id the server answers for (default 1400000000).
// Calls naming another sdkappid in the URL get 70020.
func WithSDKAppID(id uint64) Option {
	return func(c *config) error {
		if id == 0 || id > 1<<32-1 {
			return fmt.Errorf("timtest: WithSDKAppID: %d out of range 1..4294967295", id)
		}
		c.appID = id
		return nil
	}
}

// WithSecretKey sets the app's secret key (default DefaultSecretKey).
func WithSecretKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("timtest: WithSecretKey: empty key")
		}
		c.key = key
		return nil
	}
}

// WithAdmins sets the app administrators (default "administrator"); REST
// calls must name one of them as identifier, else 60010. Admins count as
// imported accounts.
func WithAdmins(ids ...string) Option {
	return func(c *config) error {
		if len(ids) == 0 || len(ids) > 10 {
			return fmt.Errorf("timtest: WithAdmins: %d admins, Tencent allows 1..10", len(ids))
		}
		for _, id := range ids {
			if id == "" || len(id) > 32 {
				return fmt.Errorf("timtest: WithAdmins: %q is not a UserID of 1..32 bytes", id)
			}
		}
		c.admins = append([]string(nil), ids...)
		return nil
	}
}

// WithClock sets the server clock (default time.Now): usersig expiry,
// MsgTime, EventTime, RequestTime, dedup windows and mute deadlines follow
// it (a callback receiver that checks RequestTime against its own clock
// needs the same one). Rate limits and latency use the wall clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("timtest: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithCallback makes the server POST Tencent's callbacks to callbackURL,
// signed with token (Sign = hex SHA-256 of token+RequestTime); an empty
// token sends no Sign/RequestTime, like a console without authentication.
func WithCallback(callbackURL, token string) Option {
	return func(c *config) error {
		u, err := url.Parse(callbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("timtest: WithCallback: %q is not an http(s) URL", callbackURL)
		}
		c.callbackURL, c.callbackToken = callbackURL, token
		return nil
	}
}

// WithCallbackTimeout changes the callback budget (default 2 s, Tencent's
// fixed value); tests of the timeout path use a shorter one.
func WithCallbackTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("timtest: WithCallbackTimeout: %v must be positive", d)
		}
		c.callbackTimeout = d
		return nil
	}
}

// WithCallbackCommands enables only the listed callbacks (e.g.
// "C2C.CallbackAfterSendMsg"), like the switches of the IM console. By
// default every callback the fake knows is sent.
func WithCallbackCommands(commands ...string) Option {
	return func(c *config) error {
		c.commands = make(map[string]bool, len(commands))
		for _, cmd := range commands {
			if !strings.Contains(cmd, ".") {
				return fmt.Errorf("timtest: WithCallbackCommands: %q is not a callback command", cmd)
			}
			c.commands[cmd] = true
		}
		return nil
	}
}

// WithRateLimit sets the default per-API frequency limit (default
// DefaultRate, 200/s); Rate{} turns rate limiting off.
func WithRateLimit(r Rate) Option {
	return func(c *config) error {
		if r.N < 0 || (r.N > 0 && r.Per <= 0) {
			return fmt.Errorf("timtest: WithRateLimit: invalid rate %+v", r)
		}
		c.rate = r
		return nil
	}
}

// WithAPIRateLimit sets the frequency limit of one API path
// ("openim/sendmsg"); Rate{} turns it off for that API.
func WithAPIRateLimit(path string, r Rate) Option {
	return func(c *config) error {
		if r.N < 0 || (r.N > 0 && r.Per <= 0) {
			return fmt.Errorf("timtest: WithAPIRateLimit: invalid rate %+v", r)
		}
		c.rates[strings.Trim(path, "/")] = r
		return nil
	}
}

// WithContactPageSize sets how many conversations a recentcontact/get_list
// page holds (default 100), so tests can page through a few.
func WithContactPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("timtest: WithContactPageSize: %d must be positive", n)
		}
		c.pageSize = n
		return nil
	}
}

// WithAddr makes the server listen on addr ("127.0.0.1:8080") instead of a
// random local port; for the standalone command.
func WithAddr(addr string) Option {
	return func(c *config) error {
		c.addr = addr
		return nil
	}
}

// WithLogger logs one record per request (path, code, latency) and per
// callback; never the usersig or the token. Silent by default.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("timtest: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

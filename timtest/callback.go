package timtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Callback is one callback the server sent (or tried to send).
type Callback struct {
	// Command is the CallbackCommand, e.g. "C2C.CallbackAfterSendMsg".
	Command string
	// Query is the query string the callback carried (SdkAppid,
	// CallbackCommand, contenttype, ClientIP, OptPlatform, Sign, RequestTime).
	Query url.Values
	// Body is the JSON body.
	Body json.RawMessage
	// At is the server-clock time it was sent.
	At time.Time
	// Before is true for the synchronous "before" callbacks.
	Before bool
	// StatusCode is the receiver's HTTP status (0 when no answer came).
	StatusCode int
	// Response is the receiver's answer body.
	Response json.RawMessage
	// Err describes a transport failure or timeout ("" when answered).
	Err string
}

// Decode unmarshals the body into v.
func (c Callback) Decode(v any) error { return json.Unmarshal(c.Body, v) }

type cbJob struct {
	command, optPlatform, clientIP string
	body                           []byte
}

type cbQueue struct{ jobs []*cbJob }

// callbacks sends the server's callbacks: "after" ones asynchronously, in
// order per ordering key (a conversation, a group, a user's state), and
// "before" ones synchronously.
type callbacks struct {
	s      *Server
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	queues    map[string]*cbQueue
	pending   int
	idle      chan struct{}
	delivered []Callback
}

func newCallbacks(s *Server) *callbacks {
	ctx, cancel := context.WithCancel(context.Background())
	return &callbacks{
		s:      s,
		client: &http.Client{Timeout: s.cfg.callbackTimeout},
		ctx:    ctx,
		cancel: cancel,
		queues: map[string]*cbQueue{},
	}
}

func (c *callbacks) enabled(command string) bool {
	cfg := &c.s.cfg
	return cfg.callbackURL != "" && (cfg.commands == nil || cfg.commands[command])
}

// after queues an "after" callback behind the others of the same key.
func (c *callbacks) after(key, command, optPlatform, ip string, body any) {
	if !c.enabled(command) {
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.pending++
	q := c.queues[key]
	if q == nil {
		q = &cbQueue{}
		c.queues[key] = q
		c.wg.Add(1)
		go c.run(key, q)
	}
	q.jobs = append(q.jobs, &cbJob{command: command, optPlatform: optPlatform, clientIP: ip, body: b})
}

func (c *callbacks) run(key string, q *cbQueue) {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(q.jobs) == 0 || c.closed {
			c.pending -= len(q.jobs)
			q.jobs = nil
			delete(c.queues, key)
			c.signalIdle()
			c.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs = q.jobs[1:]
		c.mu.Unlock()

		c.deliver(job, false)

		c.mu.Lock()
		c.pending--
		c.signalIdle()
		c.mu.Unlock()
	}
}

// signalIdle wakes WaitCallbacks when nothing is pending; c.mu is held.
func (c *callbacks) signalIdle() {
	if c.pending == 0 && c.idle != nil {
		close(c.idle)
		c.idle = nil
	}
}

func (c *callbacks) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.client.CloseIdleConnections()
	c.mu.Lock()
	c.pending = 0
	c.signalIdle()
	c.mu.Unlock()
}

// beforeAnswer is what a "before" callback may answer.
type beforeAnswer struct {
	ActionStatus    string          `json:"ActionStatus"`
	ErrorCode       int             `json:"ErrorCode"`
	ErrorInfo       string          `json:"ErrorInfo"`
	MsgBody         json.RawMessage `json:"MsgBody"`
	CloudCustomData *string         `json:"CloudCustomData"`
}

// before sends a "before" callback and waits for the decision. ok is false
// when the callback is off or failed (no answer, timeout, non-200,
// unparsable): then the operation proceeds as if none were configured.
func (c *callbacks) before(command, optPlatform, ip string, body any) (ans beforeAnswer, ok bool) {
	if !c.enabled(command) {
		return ans, false
	}
	b, err := json.Marshal(body)
	if err != nil {
		return ans, false
	}
	rec := c.deliver(&cbJob{command: command, optPlatform: optPlatform, clientIP: ip, body: b}, true)
	if rec.StatusCode != http.StatusOK || json.Unmarshal(rec.Response, &ans) != nil {
		return ans, false
	}
	return ans, true
}

// Sign computes a callback signature: hex SHA-256 of token+requestTime.
func Sign(token string, requestTime int64) string {
	sum := sha256.Sum256([]byte(token + strconv.FormatInt(requestTime, 10)))
	return hex.EncodeToString(sum[:])
}

// deliver POSTs one callback and records the outcome.
func (c *callbacks) deliver(job *cbJob, before bool) Callback {
	s := c.s
	now := s.Now()
	q := url.Values{}
	var sb strings.Builder
	add := func(k, v string) {
		q.Set(k, v)
		if sb.Len() > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(url.QueryEscape(k))
		sb.WriteByte('=')
		sb.WriteString(url.QueryEscape(v))
	}
	add("SdkAppid", strconv.FormatUint(s.SDKAppID, 10))
	add("CallbackCommand", job.command)
	add("contenttype", "json")
	add("ClientIP", job.clientIP)
	add("OptPlatform", job.optPlatform)
	if tok := s.cfg.callbackToken; tok != "" {
		add("Sign", Sign(tok, now.Unix()))
		add("RequestTime", strconv.FormatInt(now.Unix(), 10))
	}
	target := s.cfg.callbackURL
	if strings.Contains(target, "?") {
		target += "&" + sb.String()
	} else {
		target += "?" + sb.String()
	}
	rec := Callback{Command: job.command, Query: q, Body: job.body, At: now, Before: before}

	ctx, cancel := context.WithTimeout(c.ctx, s.cfg.callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(job.body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		var res *http.Response
		res, err = c.client.Do(req)
		if err == nil {
			rec.StatusCode = res.StatusCode
			rec.Response, err = io.ReadAll(io.LimitReader(res.Body, 1<<20))
			res.Body.Close()
		}
	}
	if err != nil {
		rec.Err = err.Error()
		if u, ok := err.(*url.Error); ok {
			rec.Err = u.Err.Error() // the URL carries the Sign
		}
	}
	s.log.Debug("timtest: callback", "command", job.command, "status", rec.StatusCode, "err", rec.Err)
	c.mu.Lock()
	c.delivered = appendCapped(c.delivered, rec)
	c.mu.Unlock()
	return rec
}

// WaitCallbacks blocks until every queued "after" callback has been sent
// (answered, failed or timed out), or ctx ends.
func (s *Server) WaitCallbacks(ctx context.Context) error {
	c := s.cb
	for {
		c.mu.Lock()
		if c.pending == 0 {
			c.mu.Unlock()
			return nil
		}
		if c.idle == nil {
			c.idle = make(chan struct{})
		}
		ch := c.idle
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Callbacks returns every callback sent so far, in the order they were
// sent, optionally only those of the given commands.
func (s *Server) Callbacks(commands ...string) []Callback {
	c := s.cb
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Callback, 0, len(c.delivered))
	for _, cb := range c.delivered {
		if len(commands) == 0 || contains(commands, cb.Command) {
			out = append(out, cb)
		}
	}
	return out
}

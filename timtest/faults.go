package timtest

import (
	"math/rand/v2"
	"strings"
	"time"
)

// AllAPIs, as the path of a fault, applies it to every API.
const AllAPIs = "*"

// fault is the misbehaviour configured for one API path.
type fault struct {
	failN      int // answer the next failN calls with code/info
	code       int
	info       string
	httpN      int // answer the next httpN calls with httpStatus
	httpStatus int
	dropN      int     // commit then drop the next dropN answers
	dropRatio  float64 // commit then drop this fraction of answers
	latency    time.Duration
}

// applied is what one call gets out of the configured faults.
type applied struct {
	code       int
	info       string
	httpStatus int
	drop       bool
	latency    time.Duration
}

func (s *Server) faultLocked(path string) *fault {
	path = strings.Trim(path, "/")
	if path == "" {
		path = AllAPIs
	}
	f := s.faults[path]
	if f == nil {
		f = &fault{}
		s.faults[path] = f
	}
	return f
}

// FailNext makes the next n calls of the API path ("openim/sendmsg", or
// AllAPIs) fail with Tencent error code, without touching any state. The
// answer is HTTP 200 with the FAIL envelope, as Tencent answers.
func (s *Server) FailNext(path string, n, code int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faultLocked(path)
	f.failN, f.code, f.info = n, code, "timtest: injected failure"
}

// FailNextHTTP makes the next n calls of the API answer with the HTTP
// status (e.g. 502, a gateway fault) without touching any state.
func (s *Server) FailNextHTTP(path string, n, status int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.faultLocked(path)
	f.httpN, f.httpStatus = n, status
}

// DropNext makes the next n calls of the API commit (the change is applied,
// the message stored, callbacks queued) and then close the connection
// without answering, as when a response is lost on the way back.
func (s *Server) DropNext(path string, n int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faultLocked(path).dropN = n
}

// DropRatio makes a random fraction (0..1) of the API's calls commit and
// then drop the answer, until changed; for soak tests.
func (s *Server) DropRatio(path string, ratio float64) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faultLocked(path).dropRatio = min(max(ratio, 0), 1)
}

// SetLatency delays every answer of the API by d (0 removes the delay). A
// client that gives up first sees a timeout; the call is then not run.
func (s *Server) SetLatency(path string, d time.Duration) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faultLocked(path).latency = max(d, 0)
}

// ClearFaults removes every injected failure, drop and latency.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = map[string]*fault{}
}

// takeFault consumes what applies to one call of path: the API's own
// faults first, then those for AllAPIs.
func (s *Server) takeFault(path string) applied {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var a applied
	for _, key := range []string{path, AllAPIs} {
		f := s.faults[key]
		if f == nil {
			continue
		}
		a.latency = max(a.latency, f.latency)
		switch {
		case a.code != 0 || a.httpStatus != 0:
		case f.failN > 0:
			f.failN--
			a.code, a.info = f.code, f.info
		case f.httpN > 0:
			f.httpN--
			a.httpStatus = f.httpStatus
		}
		if !a.drop {
			switch {
			case f.dropN > 0:
				f.dropN--
				a.drop = true
			case f.dropRatio > 0 && rand.Float64() < f.dropRatio:
				a.drop = true
			}
		}
	}
	return a
}

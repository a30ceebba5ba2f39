package slackfake

import (
	"net/url"
	"sync"
	"time"
)

// Call is one entry of the call log: a Web API call, a response_url post, an
// upload, or a delivery to the app (Socket Mode envelope or HTTP request).
type Call struct {
	Time     time.Time // wall clock when it was answered
	Method   string    // e.g. "chat.postMessage", "response_url", "upload", "deliver:slash_commands"
	Team     string    // the workspace a Web API call's bot token acts in ("" for other calls and a refused token)
	Channel  string
	Args     url.Values // request parameters without the token
	Metadata *Metadata  // chat.postMessage / chat.update metadata
	OK       bool
	Error    string // Slack's error code, "ratelimited", "fault_500", ...
	Status   int    // HTTP status answered
	Latency  time.Duration

	// body is a response_url post's body; Args ({"body": ...}) is made from it only when the log is read,
	// so a click does not copy its answer into a string nobody may look at.
	body []byte
}

// withArgs fills in Args from body for a reader of the log.
func (c Call) withArgs() Call {
	if c.body != nil && c.Args == nil {
		c.Args = url.Values{"body": {string(c.body)}}
	}
	c.body = nil
	return c
}

// callLog is a bounded, append-only log. When full it drops the oldest half
// at once, so appending stays amortised O(1). It has its own lock, so that
// logging a call never waits for the workspace's.
type callLog struct {
	mu      sync.Mutex
	max     int
	calls   []Call
	limited map[string]int
	total   int
}

func (l *callLog) add(c Call) {
	l.total++
	if c.Status == 429 {
		if l.limited == nil {
			l.limited = map[string]int{}
		}
		l.limited[c.Method]++
	}
	if l.max > 0 && len(l.calls) >= l.max {
		keep := l.max / 2
		n := copy(l.calls, l.calls[len(l.calls)-keep:])
		clear(l.calls[n:])
		l.calls = l.calls[:n]
	}
	l.calls = append(l.calls, c)
}

func (s *Server) record(c Call) {
	if c.Time.IsZero() {
		c.Time = s.opts.WallNow()
	}
	if c.Args != nil {
		c.Args.Del("token")
	}
	s.log.mu.Lock()
	s.log.add(c)
	s.log.mu.Unlock()
}

// Calls returns the call log, oldest first (bounded by Options.CallLogSize).
func (s *Server) Calls() []Call {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	out := make([]Call, len(s.log.calls))
	for i, c := range s.log.calls {
		out[i] = c.withArgs()
	}
	return out
}

// CallsTo returns the logged calls of one method, oldest first.
func (s *Server) CallsTo(method string) []Call {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	var out []Call
	for _, c := range s.log.calls {
		if c.Method == method {
			out = append(out, c.withArgs())
		}
	}
	return out
}

// RateLimited counts the 429 answers sent, for one method or, with "", all.
func (s *Server) RateLimited(method string) int {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	if method != "" {
		return s.log.limited[method]
	}
	n := 0
	for _, v := range s.log.limited {
		n += v
	}
	return n
}

// ResetCalls empties the call log and the 429 counters.
func (s *Server) ResetCalls() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.calls = nil
	s.log.limited = nil
}

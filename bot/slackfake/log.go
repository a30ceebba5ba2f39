package slackfake

import (
	"net/url"
	"time"
)

// Call is one entry of the call log: a Web API call, a response_url post, an
// upload, or a delivery to the app (Socket Mode envelope or HTTP request).
type Call struct {
	Time     time.Time // wall clock when it was answered
	Method   string    // e.g. "chat.postMessage", "response_url", "upload", "deliver:slash_commands"
	Channel  string
	Args     url.Values // request parameters without the token
	Metadata *Metadata  // chat.postMessage / chat.update metadata
	OK       bool
	Error    string // Slack's error code, "ratelimited", "fault_500", ...
	Status   int    // HTTP status answered
	Latency  time.Duration
}

// callLog is a bounded, append-only log. When full it drops the oldest half
// at once, so appending stays amortised O(1).
type callLog struct {
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
	s.mu.Lock()
	s.log.add(c)
	s.mu.Unlock()
}

// Calls returns the call log, oldest first (bounded by Options.CallLogSize).
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.log.calls...)
}

// CallsTo returns the logged calls of one method, oldest first.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.log.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// RateLimited counts the 429 answers sent, for one method or, with "", all.
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.calls = nil
	s.log.limited = nil
}

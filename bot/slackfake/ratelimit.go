package slackfake

import (
	"math"
	"strings"
	"sync"
	"time"
)

// Slack's published rate-limit tiers, in calls per minute per workspace.
const (
	Tier1 = 1
	Tier2 = 20
	Tier3 = 50
	Tier4 = 100
)

// SlackTiers maps the methods the fake serves to Slack's tier for them.
// chat.postMessage has Slack's special limit instead: see SetChannelRate.
var SlackTiers = map[string]int{
	"auth.test":                    Tier4,
	"chat.update":                  Tier3,
	"chat.postEphemeral":           Tier4,
	"chat.delete":                  Tier3,
	"conversations.list":           Tier2,
	"conversations.open":           Tier3,
	"conversations.history":        Tier3,
	"conversations.members":        Tier4,
	"conversations.info":           Tier3,
	"users.info":                   Tier4,
	"users.lookupByEmail":          Tier3,
	"users.list":                   Tier2,
	"views.open":                   Tier4,
	"views.update":                 Tier4,
	"views.push":                   Tier4,
	"views.publish":                Tier4,
	"files.getUploadURLExternal":   Tier4,
	"files.completeUploadExternal": Tier4,
	"files.delete":                 Tier3,
	"apps.connections.open":        Tier1,
}

// limiter holds the limits: per method and workspace either a token bucket or a per-minute quota (as Slack counts
// its tiers, each workspace on its own), and a token bucket per channel for chat.postMessage. All limits are off
// until set; a limit set applies to every workspace, each counted apart.
type limiter struct {
	mu           sync.Mutex
	now          func() time.Time
	methods      map[string]*bucket // the limit set per method (its state unused)
	quotas       map[string]*quota  // the quota set per method (its state unused)
	teamMethods  map[string]*bucket // per team and method (teamKey): the buckets counting
	teamQuotas   map[string]*quota  // per team and method (teamKey): the quotas counting
	channelRate  float64            // tokens per second; 0 = off
	channelBurst int
	channels     map[string]*bucket
}

type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

// quota allows at most n calls in any minute: Slack's "rate limit windows are
// per minute", read as strictly as it can be (a sliding minute rather than a
// clock minute), so that a client the fake accepts is accepted by Slack too.
type quota struct {
	n    int
	sent []time.Time // accepted calls of the last minute, oldest first
}

// take counts a call at now; when the minute's quota is spent it returns how
// long until the oldest call of the window leaves it.
func (q *quota) take(now time.Time) (bool, time.Duration) {
	i := 0
	for i < len(q.sent) && !q.sent[i].Add(time.Minute).After(now) {
		i++
	}
	q.sent = q.sent[i:]
	if len(q.sent) >= q.n {
		return false, q.sent[len(q.sent)-q.n].Add(time.Minute).Sub(now)
	}
	q.sent = append(q.sent, now)
	return true, 0
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, methods: map[string]*bucket{}, quotas: map[string]*quota{}, channels: map[string]*bucket{},
		teamMethods: map[string]*bucket{}, teamQuotas: map[string]*quota{}}
}

// teamKey is where a workspace's count for a method is kept.
func teamKey(team, method string) string { return team + " " + method }

// resetLocked forgets every workspace's count for a method whose limit changed.
func (l *limiter) resetLocked(method string) {
	for k := range l.teamMethods {
		if strings.HasSuffix(k, " "+method) {
			delete(l.teamMethods, k)
		}
	}
	for k := range l.teamQuotas {
		if strings.HasSuffix(k, " "+method) {
			delete(l.teamQuotas, k)
		}
	}
}

// take spends a token; when none is left it returns how long until one is.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// SetRateLimit limits a Web API method to perMinute calls per minute for the
// workspace as a token bucket, with bursts of up to burst calls (as Slack's
// workspace limit on chat.postMessage behaves); perMinute <= 0 removes the limit.
// Calls over the limit are answered with HTTP 429 and Retry-After.
func (s *Server) SetRateLimit(method string, perMinute int, burst int) {
	l := s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resetLocked(method)
	delete(l.quotas, method)
	if perMinute <= 0 {
		delete(l.methods, method)
		return
	}
	if burst < 1 {
		burst = 1
	}
	l.methods[method] = &bucket{rate: float64(perMinute) / 60, burst: float64(burst), tokens: float64(burst)}
}

// SetQuota limits a Web API method to perMinute calls in any minute for the
// workspace, as Slack counts its tiers: the minute's calls may come at once,
// and the next one is answered HTTP 429 with Retry-After until the oldest of
// them is a minute old. perMinute <= 0 removes the limit.
func (s *Server) SetQuota(method string, perMinute int) {
	l := s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resetLocked(method)
	delete(l.methods, method)
	if perMinute <= 0 {
		delete(l.quotas, method)
		return
	}
	l.quotas[method] = &quota{n: perMinute}
}

// SetChannelRate limits chat.postMessage per channel to perSecond messages a
// second with bursts of up to burst; perSecond <= 0 removes the limit.
func (s *Server) SetChannelRate(perSecond float64, burst int) {
	l := s.limits
	l.mu.Lock()
	defer l.mu.Unlock()
	if burst < 1 {
		burst = 1
	}
	l.channelRate, l.channelBurst = perSecond, burst
	l.channels = map[string]*bucket{}
}

// UseSlackLimits turns on Slack's tiers for every method (SlackTiers, as
// per-minute quotas: SetQuota) and about one message a second per channel with
// bursts of 3.
func (s *Server) UseSlackLimits() {
	for m, perMin := range SlackTiers {
		s.SetQuota(m, perMin)
	}
	s.SetChannelRate(1, 3)
}

// allow checks a workspace's method limits and the channel's and returns the Retry-After seconds when refused.
func (l *limiter) allow(team, method, channel string) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if set, ok := l.methods[method]; ok {
		k := teamKey(team, method)
		b, ok := l.teamMethods[k]
		if !ok {
			b = &bucket{rate: set.rate, burst: set.burst, tokens: set.burst}
			l.teamMethods[k] = b
		}
		if ok, wait := b.take(now); !ok {
			return false, retryAfter(wait)
		}
	}
	if set, ok := l.quotas[method]; ok {
		k := teamKey(team, method)
		q, ok := l.teamQuotas[k]
		if !ok {
			q = &quota{n: set.n}
			l.teamQuotas[k] = q
		}
		if ok, wait := q.take(now); !ok {
			return false, retryAfter(wait)
		}
	}
	if method == "chat.postMessage" && l.channelRate > 0 && channel != "" {
		b, ok := l.channels[channel]
		if !ok {
			b = &bucket{rate: l.channelRate, burst: float64(l.channelBurst), tokens: float64(l.channelBurst)}
			l.channels[channel] = b
		}
		if ok, wait := b.take(now); !ok {
			return false, retryAfter(wait)
		}
	}
	return true, 0
}

// retryAfter rounds up to whole seconds, as Slack's header carries.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

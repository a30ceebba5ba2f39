package slackfake

import "sync"

// Fault is a kind of failure the fake can inject into a Web API method.
type Fault int

const (
	// Fault500 answers HTTP 500 with an HTML body, as Slack's edge does; nothing is done.
	Fault500 Fault = iota + 1
	// Fault503 answers HTTP 503 (service unavailable); nothing is done.
	Fault503
	// FaultTimeout holds the request, doing nothing, until the client gives up
	// (its context or timeout: the call is then not performed), the test calls
	// ReleaseHeld (the call is then performed and answered, late) or the fake
	// closes. Held tells how many requests it holds.
	FaultTimeout
	// FaultLostResponse performs the call (a message is stored) and then closes
	// the connection without answering.
	FaultLostResponse
	// FaultError answers HTTP 200 with {"ok":false,"error":code}; set with FailNextError.
	FaultError
)

func (f Fault) String() string {
	switch f {
	case Fault500:
		return "fault_500"
	case Fault503:
		return "fault_503"
	case FaultTimeout:
		return "fault_timeout"
	case FaultLostResponse:
		return "fault_lost_response"
	case FaultError:
		return "fault_error"
	}
	return "fault_unknown"
}

type injected struct {
	kind Fault
	code string
}

type faults struct {
	mu      sync.Mutex
	queued  map[string][]injected // by method, or by method and channel (faultKey)
	held    int                   // requests FaultTimeout holds now
	release chan struct{}         // closed by ReleaseHeld
	// revoked is, per team ID, the error every call with that team's bot token answers while it is revoked;
	// absent while it is valid.
	revoked map[string]string
}

func newFaults() *faults {
	return &faults{queued: map[string][]injected{}, release: make(chan struct{})}
}

// faultKey is where a fault for method, aimed at calls about one conversation or user, queues.
func faultKey(method, about string) string { return method + " " + about }

// FailNext makes the next n calls of a Web API method fail with kind.
// Faults queue up in the order they were set.
func (s *Server) FailNext(method string, n int, kind Fault) {
	s.faults.add(method, n, injected{kind: kind})
}

// FailNextError makes the next n calls of a method answer {"ok":false,"error":code},
// e.g. "channel_not_found" or "internal_error", without doing anything.
func (s *Server) FailNextError(method string, n int, code string) {
	s.faults.add(method, n, injected{kind: FaultError, code: code})
}

// FailNextIn makes the next n calls of a Web API method about one conversation
// or user fail with kind: the calls whose channel (or channel_id) argument is
// about, or, for calls without one, whose user (or user_id) argument is. A
// post to a user's DM by user ID has the user ID as its channel. Calls about
// others go through. These faults come before those set with FailNext.
func (s *Server) FailNextIn(method, about string, n int, kind Fault) {
	s.faults.add(faultKey(method, about), n, injected{kind: kind})
}

// Held returns how many requests a FaultTimeout holds now.
func (s *Server) Held() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.held
}

// ReleaseHeld lets every request a FaultTimeout holds go on: each is performed
// and answered, as by a Slack that was slow rather than gone.
func (s *Server) ReleaseHeld() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	close(s.faults.release)
	s.faults.release = make(chan struct{})
}

// hold waits, counted in Held, until the client gives up (false), the test
// releases the request (true) or the fake closes (false).
func (f *faults) hold(gone, closed <-chan struct{}) bool {
	f.mu.Lock()
	f.held++
	release := f.release
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.held--
		f.mu.Unlock()
	}()
	select {
	case <-release:
		return true
	case <-gone:
	case <-closed:
	}
	return false
}

// ClearFaults removes all queued faults.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.queued)
}

func (f *faults) add(method string, n int, in injected) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.queued[method] = append(f.queued[method], in)
	}
}

// next pops the next fault for a call of method about a conversation or user,
// if any: one aimed at it first, then one for every call of the method.
func (f *faults) next(method, about string) (injected, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if about != "" {
		if in, ok := f.popLocked(faultKey(method, about)); ok {
			return in, true
		}
	}
	return f.popLocked(method)
}

func (f *faults) popLocked(key string) (injected, bool) {
	q := f.queued[key]
	if len(q) == 0 {
		return injected{}, false
	}
	in := q[0]
	if len(q) == 1 {
		delete(f.queued, key)
	} else {
		f.queued[key] = q[1:]
	}
	return in, true
}

// RevokeBotToken makes Slack refuse the bot token from now on, the way it refuses a token that is no longer
// valid: every Web API call with it answers HTTP 200 {"ok":false,"error":code} and does nothing, auth.test
// included. Slack's codes for this: "token_revoked" (the app was uninstalled, or an admin or the app revoked the
// token), "token_expired" (a rotating token past its expiry), "invalid_auth" (a token Slack does not know), and
// "account_inactive" (the bot user or the workspace was deactivated). An empty code means "token_revoked".
// RestoreBotToken accepts the token again.
func (s *Server) RevokeBotToken(code string) { s.RevokeTeamBotToken(s.opts.TeamID, code) }

// RestoreBotToken accepts the bot token again after RevokeBotToken.
func (s *Server) RestoreBotToken() { s.RestoreTeamBotToken(s.opts.TeamID) }

// RevokeTeamBotToken is RevokeBotToken for one workspace's bot token(s): the other workspaces go on as before.
func (s *Server) RevokeTeamBotToken(teamID, code string) {
	if code == "" {
		code = "token_revoked"
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.revoked[teamID] = code
}

// RestoreTeamBotToken accepts a workspace's bot token(s) again after RevokeTeamBotToken.
func (s *Server) RestoreTeamBotToken(teamID string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	delete(s.faults.revoked, teamID)
}

// botTokenRevoked returns the error a call with a team's bot token answers, or "" while the token is valid.
func (f *faults) botTokenRevoked(teamID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.revoked[teamID]
}

package slackfake

import "strings"

// Team is one workspace of the fake. One app is installed in all of them (one app-level token, one Socket Mode
// connection, as with a distributed Slack app); each team has its own bot user, bot token, people, channels,
// direct messages, App Homes and rate limits.
type Team struct {
	// ID is the team ID ("T…"); Name the workspace name; Domain its subdomain, sent in slash commands.
	ID     string
	Name   string
	Domain string
	// BotToken is the bot token the fake accepts for this team (default "xoxb-" + lower-case ID).
	BotToken string
	// BotUserID and BotID are the app's bot user in this team (generated when empty).
	BotUserID string
	BotID     string
}

// team is a workspace as the fake keeps it.
type team struct {
	Team
	botName string
}

// defaultTeam is the team that Options describe: the one of every call, user and channel that names no team.
func (s *Server) defaultTeam() *team { return s.teams[s.opts.TeamID] }

// AddTeam adds a workspace (or returns the existing one's settings) with its bot user, and accepts its bot token.
// It returns the team as stored, with the generated fields filled in.
func (s *Server) AddTeam(t Team) Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addTeamLocked(t).Team
}

func (s *Server) addTeamLocked(t Team) *team {
	if t.ID == "" {
		t.ID = s.newIDLocked("T")
	}
	if old, ok := s.teams[t.ID]; ok {
		return old
	}
	if t.Name == "" {
		t.Name = t.ID
	}
	if t.Domain == "" {
		t.Domain = strings.ToLower(t.ID)
	}
	if t.BotToken == "" {
		t.BotToken = "xoxb-" + strings.ToLower(t.ID)
	}
	if t.BotUserID == "" {
		t.BotUserID = s.newIDLocked("U")
	}
	if t.BotID == "" {
		t.BotID = s.newIDLocked("B")
	}
	tm := &team{Team: t, botName: s.opts.BotName}
	s.teams[t.ID] = tm
	s.teamOrder = append(s.teamOrder, t.ID)
	s.addBotTokenLocked(t.BotToken, t.ID)
	s.addUserLocked(User{ID: t.BotUserID, Team: t.ID, Name: s.opts.BotName, RealName: s.opts.BotName, IsBot: true,
		BotID: t.BotID})
	return tm
}

// addBotToken accepts token as a bot token of the team from now on (as an OAuth install issues one).
func (s *Server) addBotToken(token, teamID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBotTokenLocked(token, teamID)
}

func (s *Server) addBotTokenLocked(token, teamID string) { s.botTokens[token] = teamID }

// Teams lists the workspaces, the default one first.
func (s *Server) Teams() []Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Team, 0, len(s.teamOrder))
	for _, id := range s.teamOrder {
		out = append(out, s.teams[id].Team)
	}
	return out
}

// teamByTokenLocked is the team a bot token acts in, or nil for a token the fake does not know.
func (s *Server) teamByTokenLocked(token string) *team {
	id, ok := s.botTokens[token]
	if !ok {
		return nil
	}
	return s.teams[id]
}

// teamOfLocked is the team of an ID as given by a user or channel: the default team for "".
func (s *Server) teamOfLocked(id string) *team {
	if t, ok := s.teams[id]; ok {
		return t
	}
	return s.defaultTeam()
}

// userTeamLocked is the team a user belongs to (the default team for an unknown user).
func (s *Server) userTeamLocked(userID string) *team {
	if u, ok := s.users[userID]; ok {
		return s.teamOfLocked(u.Team)
	}
	return s.defaultTeam()
}

// TeamToken returns the bot token a team was added with; ok is false for a team the fake does not know.
func (s *Server) TeamToken(teamID string) (token string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.teams[teamID]
	if !ok {
		return "", false
	}
	return t.BotToken, true
}

package slackfake

// User is a member of the fake workspace.
type User struct {
	ID string
	// Team is the ID of the user's workspace; empty means the default one.
	Team        string
	Name        string // the handle, e.g. "anna.devries"
	RealName    string
	DisplayName string
	Email       string
	TZ          string // IANA zone, default Europe/Amsterdam
	IsBot       bool
	BotID       string // for bot users
	// IsAdmin, IsOwner and IsPrimaryOwner are the workspace roles users.info reports, each as set here (in Slack
	// an owner is an admin too; a test may set one flag alone to see that the bot reads each).
	IsAdmin        bool
	IsOwner        bool
	IsPrimaryOwner bool
	Deleted        bool
}

// AddUser adds or replaces a user. An empty ID gets a generated one, which is returned.
func (s *Server) AddUser(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUserLocked(u)
}

func (s *Server) addUserLocked(u User) string {
	if u.ID == "" {
		u.ID = s.newIDLocked("U")
	}
	if u.TZ == "" {
		u.TZ = "Europe/Amsterdam"
	}
	if _, ok := s.teams[u.Team]; !ok && u.Team != "" {
		s.addTeamLocked(Team{ID: u.Team})
	}
	u.Team = s.teamOfLocked(u.Team).ID
	if u.Name == "" {
		u.Name = u.ID
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	if _, ok := s.users[u.ID]; !ok {
		s.userOrder = append(s.userOrder, u.ID)
	}
	uc := u
	s.users[u.ID] = &uc
	return u.ID
}

// Users lists the users of every workspace in the order they were added (the default team's bot first).
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.userOrder))
	for _, id := range s.userOrder {
		out = append(out, *s.users[id])
	}
	return out
}

// User returns one user.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// wireUser is users.info's "user" object.
func (u *User) wire() map[string]any {
	teamID := u.Team
	return map[string]any{
		"id":               u.ID,
		"team_id":          teamID,
		"name":             u.Name,
		"real_name":        u.RealName,
		"deleted":          u.Deleted,
		"tz":               u.TZ,
		"tz_label":         u.TZ,
		"is_bot":           u.IsBot,
		"is_admin":         u.IsAdmin,
		"is_owner":         u.IsOwner,
		"is_primary_owner": u.IsPrimaryOwner,
		"is_app_user":      false,
		"profile": map[string]any{
			"real_name":    u.RealName,
			"display_name": u.DisplayName,
			"email":        u.Email,
			"bot_id":       u.BotID,
			"team":         teamID,
		},
	}
}

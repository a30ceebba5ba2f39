package slackfake

import (
	"context"
	"slices"
	"time"
)

// Channel describes a channel to create with AddChannel.
type Channel struct {
	ID       string // empty: generated ("C…")
	Team     string // the workspace's ID; empty: the default one
	Name     string // without "#"
	Private  bool
	Archived bool
	Topic    string
	Members  []string // user IDs; add the bot's user ID for the bot to be able to post
}

// Conversation is a snapshot of a channel or direct message (IM).
type Conversation struct {
	ID       string
	Team     string // the workspace's ID
	Name     string // empty for IMs
	IsIM     bool
	User     string // the other party of an IM
	Private  bool
	Archived bool
	Topic    string
	Members  []string
}

type conversation struct {
	id          string
	team        string // the workspace's ID
	name        string
	im          bool
	user        string
	private     bool
	archived    bool
	topic       string
	created     int64
	members     map[string]bool
	memberOrder []string
	msgs        []*Message // ascending ts; deleted ones stay with deleted set
	byTS        map[string]*Message
}

// AddChannel creates a channel (or replaces its settings) and returns its ID.
// Membership is set without events; use Join for a member_joined_channel event.
func (s *Server) AddChannel(c Channel) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.newIDLocked("C")
	}
	if _, ok := s.teams[c.Team]; !ok && c.Team != "" {
		s.addTeamLocked(Team{ID: c.Team})
	}
	cv, ok := s.convs[c.ID]
	if !ok {
		cv = &conversation{id: c.ID, team: s.teamOfLocked(c.Team).ID, members: map[string]bool{},
			byTS: map[string]*Message{}, created: s.opts.Now().Unix()}
		s.convs[c.ID] = cv
		s.convOrder = append(s.convOrder, c.ID)
	}
	cv.name, cv.private, cv.archived, cv.topic = c.Name, c.Private, c.Archived, c.Topic
	for _, m := range c.Members {
		cv.addMember(m)
	}
	return c.ID
}

func (c *conversation) addMember(userID string) bool {
	if c.members[userID] {
		return false
	}
	c.members[userID] = true
	c.memberOrder = append(c.memberOrder, userID)
	return true
}

func (c *conversation) removeMember(userID string) bool {
	if !c.members[userID] {
		return false
	}
	delete(c.members, userID)
	c.memberOrder = slices.DeleteFunc(c.memberOrder, func(id string) bool { return id == userID })
	return true
}

// Archive archives a channel: posting to it then fails with is_archived.
func (s *Server) Archive(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.convs[channelID]; ok {
		c.archived = true
	}
}

// Join adds a user to a channel. When the app is connected (Socket Mode or
// HTTP mode), the bot receives a member_joined_channel event, as with Slack;
// the returned error is that delivery's.
func (s *Server) Join(channelID, userID string) error {
	s.mu.Lock()
	c, ok := s.convs[channelID]
	added := ok && c.addMember(userID)
	var channelType, teamID string
	if ok {
		channelType, teamID = c.channelType(), c.team
	}
	s.mu.Unlock()
	if !added || !s.connected() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.AckTimeout+time.Second)
	defer cancel()
	_, err := s.Event(ctx, map[string]any{
		"type": "member_joined_channel", "user": userID, "channel": channelID,
		"channel_type": channelType, "team": teamID,
	})
	return err
}

// Leave removes a user from a channel, with a member_left_channel event when connected.
func (s *Server) Leave(channelID, userID string) error {
	s.mu.Lock()
	c, ok := s.convs[channelID]
	removed := ok && c.removeMember(userID)
	var channelType, teamID string
	if ok {
		channelType, teamID = c.channelType(), c.team
	}
	s.mu.Unlock()
	if !removed || !s.connected() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.AckTimeout+time.Second)
	defer cancel()
	_, err := s.Event(ctx, map[string]any{
		"type": "member_left_channel", "user": userID, "channel": channelID,
		"channel_type": channelType, "team": teamID,
	})
	return err
}

func (c *conversation) channelType() string {
	switch {
	case c.im:
		return "im"
	case c.private:
		return "G"
	default:
		return "C"
	}
}

// IMWith returns the ID of the direct message between the bot and a user,
// creating it when needed, as conversations.open does.
func (s *Server) IMWith(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imLocked(userID).id
}

func (s *Server) imLocked(userID string) *conversation {
	if id, ok := s.ims[userID]; ok {
		return s.convs[id]
	}
	t := s.userTeamLocked(userID)
	c := &conversation{id: s.newIDLocked("D"), team: t.ID, im: true, user: userID, members: map[string]bool{},
		byTS: map[string]*Message{}, created: s.opts.Now().Unix()}
	c.addMember(userID)
	c.addMember(t.BotUserID)
	s.convs[c.id] = c
	s.convOrder = append(s.convOrder, c.id)
	s.ims[userID] = c.id
	return c
}

// Conversations lists channels and IMs in creation order.
func (s *Server) Conversations() []Conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Conversation, 0, len(s.convOrder))
	for _, id := range s.convOrder {
		out = append(out, s.convs[id].snapshot())
	}
	return out
}

// Conversation returns one channel or IM.
func (s *Server) Conversation(id string) (Conversation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[id]
	if !ok {
		return Conversation{}, false
	}
	return c.snapshot(), true
}

func (c *conversation) snapshot() Conversation {
	return Conversation{ID: c.id, Team: c.team, Name: c.name, IsIM: c.im, User: c.user, Private: c.private,
		Archived: c.archived, Topic: c.topic, Members: slices.Clone(c.memberOrder)}
}

// wire is conversations.info's "channel" object.
func (c *conversation) wire(botUserID string) map[string]any {
	w := map[string]any{
		"id":          c.id,
		"created":     c.created,
		"is_archived": c.archived,
		"is_im":       c.im,
		"is_member":   c.members[botUserID],
		"is_private":  c.private || c.im,
	}
	if c.im {
		w["user"] = c.user
		w["is_open"] = true
		return w
	}
	w["name"] = c.name
	w["name_normalized"] = c.name
	w["is_channel"] = !c.private
	w["is_group"] = c.private
	w["num_members"] = len(c.members)
	w["topic"] = map[string]any{"value": c.topic}
	w["purpose"] = map[string]any{"value": ""}
	return w
}

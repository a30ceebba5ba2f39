package slackfake

import (
	"strconv"
	"strings"
	"time"
)

// The directory methods: finding a channel by its name (conversations.list) and a person by e-mail address
// (users.lookupByEmail), for cohort files that name them so, and listing the workspace's people (users.list), for
// telling people from bots many at a time. They are listed with the other methods in webapi.go
// (methods) and ratelimit.go (SlackTiers).

// conversationsList answers conversations.list like Slack does for a bot token: public channels, and the private
// channels, IMs and group DMs the bot is in, of the types asked for (default public_channel), in creation order,
// paged by limit (default 100, at most 1000) and cursor.
func (s *Server) conversationsList(r *apiRequest) (map[string]any, *apiError) {
	types := map[string]bool{}
	for _, t := range strings.Split(r.params.Get("types"), ",") {
		switch t = strings.TrimSpace(t); t {
		case "":
		case "public_channel", "private_channel", "im", "mpim":
			types[t] = true
		default:
			return nil, fail("invalid_types")
		}
	}
	if len(types) == 0 {
		types["public_channel"] = true
	}
	limit := 100
	if v := r.params.Get("limit"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 0 {
			return nil, fail("invalid_limit")
		}
		if l > 0 {
			limit = min(l, 1000)
		}
	}
	excludeArchived := r.params.Get("exclude_archived") == "true" || r.params.Get("exclude_archived") == "1"

	s.mu.Lock()
	defer s.mu.Unlock()
	var listed []*conversation
	for _, id := range s.convOrder {
		c := s.convs[id]
		if c.team != r.team.ID {
			continue
		}
		member := c.members[r.team.BotUserID]
		var ok bool
		switch {
		case c.im:
			ok = types["im"] && member
		case c.private:
			// A bot token sees only the private channels it was invited to.
			ok = types["private_channel"] && member
		default:
			ok = types["public_channel"]
		}
		if ok && !(excludeArchived && c.archived) {
			listed = append(listed, c)
		}
	}
	start := 0
	if cur := r.params.Get("cursor"); cur != "" {
		v, ok := decodeCursor(cur, "conversations")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n > len(listed) {
			return nil, fail("invalid_cursor")
		}
		start = n
	}
	end := min(start+limit, len(listed))
	next := ""
	if end < len(listed) {
		next = encodeCursor("conversations", strconv.Itoa(end))
	}
	channels := make([]map[string]any, 0, end-start)
	for _, c := range listed[start:end] {
		channels = append(channels, c.wire(r.team.BotUserID))
	}
	return map[string]any{"channels": channels, "response_metadata": map[string]any{"next_cursor": next}}, nil
}

// usersLookupByEmail answers users.lookupByEmail: the active user whose profile has that e-mail address (compared
// without regard to case, as Slack does), or users_not_found.
func (s *Server) usersLookupByEmail(r *apiRequest) (map[string]any, *apiError) {
	email := strings.TrimSpace(r.params.Get("email"))
	if email == "" {
		return nil, fail("invalid_arguments")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.userOrder {
		u := s.users[id]
		if !u.Deleted && u.Team == r.team.ID && u.Email != "" && strings.EqualFold(u.Email, email) {
			return map[string]any{"user": u.wire()}, nil
		}
	}
	return nil, fail("users_not_found")
}

// usersList answers users.list like Slack does: every user of the workspace, deleted ones and bots included, in a
// stable order, page by page (limit up to 1,000, default all of them; a next_cursor while more are left).
func (s *Server) usersList(r *apiRequest) (map[string]any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	order := s.userOrder
	if len(s.teams) > 1 {
		order = make([]string, 0, len(s.userOrder))
		for _, id := range s.userOrder {
			if s.users[id].Team == r.team.ID {
				order = append(order, id)
			}
		}
	}
	limit := len(order)
	if v := r.params.Get("limit"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 0 {
			return nil, fail("invalid_limit")
		}
		if l > 0 {
			limit = min(l, 1000)
		}
	}
	start := 0
	if cur := r.params.Get("cursor"); cur != "" {
		v, ok := decodeCursor(cur, "users")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 || n > len(order) {
			return nil, fail("invalid_cursor")
		}
		start = n
	}
	end := min(start+limit, len(order))
	next := ""
	if end < len(order) {
		next = encodeCursor("users", strconv.Itoa(end))
	}
	members := make([]map[string]any, 0, end-start)
	for _, id := range order[start:end] {
		members = append(members, s.users[id].wire())
	}
	return map[string]any{"members": members, "cache_ts": time.Now().Unix(),
		"response_metadata": map[string]any{"next_cursor": next}}, nil
}

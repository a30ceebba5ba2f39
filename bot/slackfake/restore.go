package slackfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// The fake keeps its workspace in memory. The sandbox (bot/sandbox) saves what it showed and loads it back on
// start with the functions below, so that a restarted sandbox looks like Slack does after a restart of the bot:
// the same conversation IDs, the same messages with their ts, metadata and files, the same App Home views.

// AddIM creates the direct message between the bot and a user with the given conversation ID ("D…"), as if it
// had been opened before; if the user already has one, its ID is returned unchanged.
func (s *Server) AddIM(userID, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing, ok := s.ims[userID]; ok {
		return existing
	}
	if _, taken := s.convs[id]; taken || id == "" {
		return s.imLocked(userID).id
	}
	s.bumpIDLocked(id)
	t := s.userTeamLocked(userID)
	c := &conversation{id: id, team: t.ID, im: true, user: userID, members: map[string]bool{},
		byTS: map[string]*Message{}, created: s.opts.Now().Unix()}
	c.addMember(userID)
	c.addMember(t.BotUserID)
	s.convs[id] = c
	s.convOrder = append(s.convOrder, id)
	s.ims[userID] = id
	return id
}

// RestoreMessage puts a saved message back into its conversation exactly as it was (ts, author, text, blocks,
// metadata, files, edited), without any event or call log entry. Messages of a conversation must be restored
// oldest first; later messages get a newer ts than every restored one.
func (s *Server) RestoreMessage(m Message) error {
	us, ok := parseTS(m.TS)
	if !ok {
		return fmt.Errorf("slackfake: restore message: bad ts %q", m.TS)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[m.Conversation]
	if !ok {
		return fmt.Errorf("slackfake: restore message: unknown conversation %q", m.Conversation)
	}
	if _, dup := c.byTS[m.TS]; dup {
		return nil
	}
	if n := len(c.msgs); n > 0 && c.msgs[n-1].us >= us {
		return fmt.Errorf("slackfake: restore message %s: not newer than %s", m.TS, c.msgs[n-1].TS)
	}
	r := m.clone()
	r.Ephemeral, r.ForUser, r.deleted = false, "", false
	c.appendLocked(&r)
	if us > s.lastTS {
		s.lastTS = us
	}
	return nil
}

// RestoreHome publishes a saved App Home view (the view object as the app sent it) for a user under its old ID.
func (s *Server) RestoreHome(userID, viewID string, viewJSON json.RawMessage) error {
	var raw map[string]any
	if err := json.Unmarshal(viewJSON, &raw); err != nil {
		return fmt.Errorf("slackfake: restore home of %s: %w", userID, err)
	}
	if raw["type"] != "home" {
		return fmt.Errorf("slackfake: restore home of %s: view type is %v", userID, raw["type"])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[userID]; !ok {
		return fmt.Errorf("slackfake: restore home: unknown user %q", userID)
	}
	if old, ok := s.homes[userID]; ok {
		delete(s.views, old)
	}
	s.bumpIDLocked(viewID)
	v := &view{id: viewID, user: userID}
	v.set(raw)
	v.hash = s.newHashLocked()
	v.rootID = viewID
	s.views[viewID] = v
	s.homes[userID] = viewID
	return nil
}

// RestoreFile puts a saved uploaded file back, bytes included, so that the messages carrying it show it again.
func (s *Server) RestoreFile(f File, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bumpIDLocked(f.ID)
	rf := &file{File: f, data: append([]byte(nil), data...)}
	rf.Uploaded = true
	rf.Channels = append([]string(nil), f.Channels...)
	// The old URL named the previous run's port.
	rf.URL = s.base + "files/" + f.ID + "/" + url.PathEscape(f.Name)
	s.files[f.ID] = rf
}

// bumpIDLocked keeps generated IDs clear of a restored one made by newIDLocked (a prefix letter and eight
// base-36 digits), so that a restarted fake never hands out an ID it handed out before.
func (s *Server) bumpIDLocked(id string) {
	if len(id) != 9 {
		return
	}
	n, err := strconv.ParseUint(id[1:], 36, 64)
	if err == nil && n >= s.ids {
		s.ids = n
	}
}

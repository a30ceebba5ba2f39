package slackfake

import (
	"encoding/json"
	"slices"
	"sort"
)

// Metadata is a message's metadata, as posted with chat.postMessage.
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// Message is a message in a conversation, or an ephemeral message shown to one user.
type Message struct {
	Conversation string
	TS           string
	ThreadTS     string
	User         string // who posted it: a user ID, or the bot's user ID
	BotID        string // set when the bot posted it
	Text         string
	Blocks       json.RawMessage // the Block Kit blocks as posted, nil when none
	Metadata     *Metadata
	Files        []string // file IDs
	Edited       bool
	Ephemeral    bool
	ForUser      string // ephemeral: the only user who sees it

	us      int64
	deleted bool
	// acts indexes the actions of Blocks for Click; it is rebuilt when it belongs to other blocks.
	acts *actionIndex
}

// Messages returns a conversation's messages, oldest first, thread replies included.
func (s *Server) Messages(conversationID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conversationID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.msgs))
	for _, m := range c.msgs {
		if !m.deleted {
			out = append(out, m.clone())
		}
	}
	return out
}

// Message returns one message by conversation and ts.
func (s *Server) Message(conversationID, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[conversationID]
	if !ok {
		return Message{}, false
	}
	m, ok := c.byTS[ts]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// Ephemerals returns the ephemeral messages shown to a user, oldest first.
func (s *Server) Ephemerals(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.ephemerals[userID]))
	for _, m := range s.ephemerals[userID] {
		if !m.deleted {
			out = append(out, m.clone())
		}
	}
	return out
}

func (m *Message) clone() Message {
	c := *m
	c.Files = slices.Clone(m.Files)
	return c
}

// appendLocked stores a new message; its ts is always the newest, so the
// slice stays sorted without searching.
func (c *conversation) appendLocked(m *Message) {
	m.us, _ = parseTS(m.TS)
	c.msgs = append(c.msgs, m)
	c.byTS[m.TS] = m
}

func (c *conversation) deleteLocked(ts string) {
	if m, ok := c.byTS[ts]; ok {
		m.deleted = true
		delete(c.byTS, ts)
	}
}

// indexAfter returns the index of the first message with ts > us (or >= when inclusive).
func (c *conversation) indexAfter(us int64, inclusive bool) int {
	return sort.Search(len(c.msgs), func(i int) bool {
		if inclusive {
			return c.msgs[i].us >= us
		}
		return c.msgs[i].us > us
	})
}

// wireMessage is a message as Slack's Web API returns it.
type wireMessage struct {
	Type     string          `json:"type"`
	Subtype  string          `json:"subtype,omitempty"`
	User     string          `json:"user,omitempty"`
	BotID    string          `json:"bot_id,omitempty"`
	AppID    string          `json:"app_id,omitempty"`
	Team     string          `json:"team,omitempty"`
	Text     string          `json:"text"`
	TS       string          `json:"ts"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	Metadata *Metadata       `json:"metadata,omitempty"`
	Files    []wireFile      `json:"files,omitempty"`
	Edited   *wireEdited     `json:"edited,omitempty"`
}

type wireEdited struct {
	User string `json:"user"`
	TS   string `json:"ts"`
}

// wireLocked renders m; metadata only when asked for, as with include_all_metadata.
func (s *Server) wireLocked(m *Message, withMetadata bool) wireMessage {
	w := wireMessage{Type: "message", User: m.User, BotID: m.BotID, Text: m.Text, TS: m.TS,
		ThreadTS: m.ThreadTS, Blocks: m.Blocks, Team: s.opts.TeamID}
	if c, ok := s.convs[m.Conversation]; ok {
		w.Team = c.team
	}
	if m.BotID != "" {
		w.AppID = s.opts.AppID
	}
	if withMetadata {
		w.Metadata = m.Metadata
	}
	for _, id := range m.Files {
		if f, ok := s.files[id]; ok {
			w.Files = append(w.Files, s.wireFile(f))
		}
	}
	if m.Edited {
		w.Edited = &wireEdited{User: m.User, TS: m.TS}
	}
	return w
}

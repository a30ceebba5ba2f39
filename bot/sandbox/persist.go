package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log/slog"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
)

// SnapshotStore keeps a copy of what the fake workspace showed; *store.DB implements it.
type SnapshotStore interface {
	SaveSandboxConversation(ctx context.Context, c store.SandboxConversation) error
	SandboxConversations(ctx context.Context) ([]store.SandboxConversation, error)
	SaveSandboxHome(ctx context.Context, h store.SandboxHome) error
	SandboxHomes(ctx context.Context) ([]store.SandboxHome, error)
	SaveSandboxFile(ctx context.Context, f store.SandboxFile) error
	SandboxFiles(ctx context.Context) ([]store.SandboxFile, error)
}

// savedMessage is one message as kept in sandbox_conversations.
type savedMessage struct {
	TS       string              `json:"ts"`
	ThreadTS string              `json:"thread_ts,omitempty"`
	User     string              `json:"user"`
	BotID    string              `json:"bot_id,omitempty"`
	Text     string              `json:"text"`
	Blocks   json.RawMessage     `json:"blocks,omitempty"`
	Metadata *slackfake.Metadata `json:"metadata,omitempty"`
	Files    []string            `json:"files,omitempty"`
	Edited   bool                `json:"edited,omitempty"`
}

// snapshotter saves the parts of the fake workspace that changed since the last save.
type snapshotter struct {
	fake *slackfake.Server
	db   SnapshotStore
	log  *slog.Logger

	convSums  map[string]uint64 // conversation ID -> checksum of what was saved
	homeHash  map[string]string // user ID -> hash of the saved home view
	fileSaved map[string]string // file ID -> message ts saved with it
}

func newSnapshotter(fake *slackfake.Server, db SnapshotStore, log *slog.Logger) *snapshotter {
	return &snapshotter{fake: fake, db: db, log: log, convSums: map[string]uint64{}, homeHash: map[string]string{},
		fileSaved: map[string]string{}}
}

// restore loads the saved files, messages and App Home views back into the fake.
func (s *snapshotter) restore(ctx context.Context) error {
	files, err := s.db.SandboxFiles(ctx)
	if err != nil {
		return fmt.Errorf("restore sandbox: %w", err)
	}
	for _, f := range files {
		s.fake.RestoreFile(slackfake.File{ID: f.ID, Name: f.Name, Title: f.Title, Size: len(f.Data), Shared: true,
			Channels: f.Channels, Message: f.MessageTS}, f.Data)
		s.fileSaved[f.ID] = f.MessageTS
	}
	convs, err := s.db.SandboxConversations(ctx)
	if err != nil {
		return fmt.Errorf("restore sandbox: %w", err)
	}
	for _, c := range convs {
		if _, ok := s.fake.Conversation(c.ID); !ok {
			// A conversation of a user who is no longer in the demo; nothing shows it.
			continue
		}
		var msgs []savedMessage
		if err := json.Unmarshal(c.Messages, &msgs); err != nil {
			return fmt.Errorf("restore sandbox conversation %s: %w", c.ID, err)
		}
		for _, m := range msgs {
			if err := s.fake.RestoreMessage(slackfake.Message{Conversation: c.ID, TS: m.TS, ThreadTS: m.ThreadTS,
				User: m.User, BotID: m.BotID, Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata, Files: m.Files,
				Edited: m.Edited}); err != nil {
				return fmt.Errorf("restore sandbox: %w", err)
			}
		}
		s.convSums[c.ID] = checksum(c.Messages)
	}
	homes, err := s.db.SandboxHomes(ctx)
	if err != nil {
		return fmt.Errorf("restore sandbox: %w", err)
	}
	for _, h := range homes {
		if err := s.fake.RestoreHome(h.UserID, h.ViewID, h.View); err != nil {
			s.log.Warn("sandbox home not restored", slog.String("user", h.UserID), slog.Any("error", err))
			continue
		}
		if v, ok := s.fake.Home(h.UserID); ok {
			s.homeHash[h.UserID] = v.Hash
		}
	}
	return nil
}

// save writes what changed: conversations whose messages differ from the saved copy, App Home views published
// since, and files not saved yet.
func (s *snapshotter) save(ctx context.Context) error {
	for _, f := range s.fake.Files() {
		if !f.Uploaded {
			continue
		}
		if ts, ok := s.fileSaved[f.ID]; ok && ts == f.Message {
			continue
		}
		data := s.fake.FileBytes(f.ID)
		if data == nil {
			continue
		}
		if err := s.db.SaveSandboxFile(ctx, store.SandboxFile{ID: f.ID, Name: f.Name, Title: f.Title,
			Channels: f.Channels, MessageTS: f.Message, Data: data}); err != nil {
			return err
		}
		s.fileSaved[f.ID] = f.Message
	}
	for _, c := range s.fake.Conversations() {
		msgs := s.fake.Messages(c.ID)
		if len(msgs) == 0 {
			continue
		}
		saved := make([]savedMessage, 0, len(msgs))
		for _, m := range msgs {
			saved = append(saved, savedMessage{TS: m.TS, ThreadTS: m.ThreadTS, User: m.User, BotID: m.BotID,
				Text: m.Text, Blocks: m.Blocks, Metadata: m.Metadata, Files: m.Files, Edited: m.Edited})
		}
		raw, err := json.Marshal(saved)
		if err != nil {
			return fmt.Errorf("save sandbox conversation %s: %w", c.ID, err)
		}
		sum := checksum(raw)
		if s.convSums[c.ID] == sum {
			continue
		}
		if err := s.db.SaveSandboxConversation(ctx, store.SandboxConversation{ID: c.ID, Messages: raw}); err != nil {
			return err
		}
		s.convSums[c.ID] = sum
	}
	for _, u := range s.fake.Users() {
		v, ok := s.fake.Home(u.ID)
		if !ok || s.homeHash[u.ID] == v.Hash {
			continue
		}
		raw, err := appView(v.JSON)
		if err != nil {
			return fmt.Errorf("save sandbox home of %s: %w", u.ID, err)
		}
		if err := s.db.SaveSandboxHome(ctx, store.SandboxHome{UserID: u.ID, ViewID: v.ID, View: raw}); err != nil {
			return err
		}
		s.homeHash[u.ID] = v.Hash
	}
	return nil
}

// appView strips what Slack adds to a view object (id, state, hash, ...) and keeps what the app published.
func appView(whole json.RawMessage) (json.RawMessage, error) {
	var v map[string]any
	if err := json.Unmarshal(whole, &v); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, k := range []string{"type", "blocks", "callback_id", "private_metadata", "external_id"} {
		if val, ok := v[k]; ok && val != nil {
			out[k] = val
		}
	}
	return json.Marshal(out)
}

func checksum(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

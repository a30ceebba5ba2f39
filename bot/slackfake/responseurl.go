package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// Slack's response_url limits: five uses within thirty minutes.
const (
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
)

type responseURL struct {
	user      string
	channel   string
	messageTS string // the message a block action came from, "" for commands
	ephemeral bool
	uses      int
	expires   time.Time
}

// responseMessage is what an app posts to a response_url, or returns as a
// slash command's immediate answer.
type responseMessage struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

func (s *Server) newResponseURLLocked(user, channel, messageTS string, ephemeral bool) string {
	id := s.newIDLocked("R")
	s.responses[id] = &responseURL{user: user, channel: channel, messageTS: messageTS, ephemeral: ephemeral,
		expires: s.opts.WallNow().Add(responseURLTTL)}
	return s.base + "response/" + id
}

func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	start := s.opts.WallNow()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	status, code, errs := http.StatusOK, "", []string(nil)
	var msg responseMessage
	if err != nil || json.Unmarshal(body, &msg) != nil {
		status, code = http.StatusBadRequest, "invalid_payload"
	}
	var changed string
	if code == "" {
		// The blocks are checked and compacted before taking the lock, which every click needs too; what they
		// are worth is decided under it, after the URL's own checks, as before.
		blocks, bcode, berrs := prepareResponseBlocks(msg)
		s.mu.Lock()
		target, ok := s.responses[r.PathValue("id")]
		switch {
		case !ok:
			status, code = http.StatusNotFound, "expired_url"
		case target.uses >= responseURLUses:
			status, code = http.StatusNotFound, "used_url"
		case s.opts.WallNow().After(target.expires):
			status, code = http.StatusNotFound, "expired_url"
		case bcode != "":
			target.uses++
			code, errs = bcode, berrs
		default:
			target.uses++
			changed, code = s.applyResponseLocked(target, msg, blocks)
		}
		s.mu.Unlock()
	}
	if len(errs) > 0 {
		s.reportInvalid("response_url", errs)
	}
	s.record(Call{Method: "response_url", Channel: changed, body: body,
		OK: code == "", Error: code, Status: status, Latency: s.opts.WallNow().Sub(start)})
	s.changed(changed)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch {
	case code == "":
		_, _ = io.WriteString(w, "{\"ok\":true}\n")
	default:
		out := map[string]any{"ok": false, "error": code}
		if len(errs) > 0 {
			out["errors"] = errs
		}
		_ = json.NewEncoder(w).Encode(out)
	}
}

// prepareResponseBlocks checks and compacts the blocks of a response_url message (or a command's answer);
// code is Slack's error for blocks it refuses, with errs its reasons.
func prepareResponseBlocks(msg responseMessage) (blocks messageBlocks, code string, errs []string) {
	if len(msg.Blocks) == 0 || string(msg.Blocks) == "null" {
		return messageBlocks{}, "", nil
	}
	blocks, errs, err := prepareMessageBlocks(msg.Blocks)
	if len(errs) > 0 || err != nil {
		return messageBlocks{}, "invalid_blocks", errs
	}
	return blocks, "", nil
}

// applyResponseLocked does what Slack does with a response_url message, whose blocks prepareResponseBlocks
// accepted: delete or replace the original, post in the channel, or show it to the user only.
func (s *Server) applyResponseLocked(t *responseURL, msg responseMessage, blocks messageBlocks) (changed, code string) {
	orig := s.originalLocked(t)
	switch {
	case msg.DeleteOriginal:
		if orig == nil {
			return "", "message_not_found"
		}
		if c, ok := s.convs[orig.Conversation]; ok && !orig.Ephemeral {
			c.deleteLocked(orig.TS)
		}
		orig.deleted = true
		return orig.Conversation, ""
	case msg.ReplaceOriginal:
		if orig == nil {
			return "", "message_not_found"
		}
		if msg.Text == "" && blocks.raw == nil {
			return "", "no_text"
		}
		orig.Text, orig.Blocks, orig.acts, orig.Edited = msg.Text, blocks.raw, blocks.acts, true
		return orig.Conversation, ""
	}
	if msg.Text == "" && blocks.raw == nil {
		return "", "no_text"
	}
	if msg.ResponseType == "in_channel" {
		c, ok := s.convs[t.channel]
		if !ok {
			return "", "channel_not_found"
		}
		bot := s.teamOfLocked(c.team)
		m := &Message{Conversation: c.id, TS: s.newTSLocked(), ThreadTS: msg.ThreadTS, User: bot.BotUserID,
			BotID: bot.BotID, Text: msg.Text, Blocks: blocks.raw, acts: blocks.acts}
		c.appendLocked(m)
		return c.id, ""
	}
	s.addEphemeralLocked(s.userTeamLocked(t.user), t.channel, t.user, msg.Text, blocks, msg.ThreadTS)
	return t.channel, ""
}

// originalLocked finds the message a response_url belongs to.
func (s *Server) originalLocked(t *responseURL) *Message {
	if t.messageTS == "" {
		return nil
	}
	if t.ephemeral {
		for _, m := range s.ephemerals[t.user] {
			if m.TS == t.messageTS && !m.deleted {
				return m
			}
		}
		return nil
	}
	if c, ok := s.convs[t.channel]; ok {
		return c.byTS[t.messageTS]
	}
	return nil
}

package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
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
		s.mu.Lock()
		target, ok := s.responses[r.PathValue("id")]
		switch {
		case !ok:
			status, code = http.StatusNotFound, "expired_url"
		case target.uses >= responseURLUses:
			status, code = http.StatusNotFound, "used_url"
		case s.opts.WallNow().After(target.expires):
			status, code = http.StatusNotFound, "expired_url"
		default:
			target.uses++
			changed, code, errs = s.applyResponseLocked(target, msg)
		}
		s.mu.Unlock()
	}
	if len(errs) > 0 {
		s.reportInvalid("response_url", errs)
	}
	s.record(Call{Method: "response_url", Channel: changed, Args: url.Values{"body": {string(body)}},
		OK: code == "", Error: code, Status: status, Latency: s.opts.WallNow().Sub(start)})
	s.changed(changed)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	out := map[string]any{"ok": code == ""}
	if code != "" {
		out["error"] = code
	}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	_ = json.NewEncoder(w).Encode(out)
}

// applyResponseLocked does what Slack does with a response_url message:
// delete or replace the original, post in the channel, or show it to the user only.
func (s *Server) applyResponseLocked(t *responseURL, msg responseMessage) (changed, code string, errs []string) {
	var blocks json.RawMessage
	if len(msg.Blocks) > 0 && string(msg.Blocks) != "null" {
		if errs := ValidateMessageBlocks(msg.Blocks); len(errs) > 0 {
			return "", "invalid_blocks", errs
		}
		compact, err := compactJSON(string(msg.Blocks))
		if err != nil {
			return "", "invalid_blocks", nil
		}
		if string(compact) != "[]" {
			blocks = compact
		}
	}
	orig := s.originalLocked(t)
	switch {
	case msg.DeleteOriginal:
		if orig == nil {
			return "", "message_not_found", nil
		}
		if c, ok := s.convs[orig.Conversation]; ok && !orig.Ephemeral {
			c.deleteLocked(orig.TS)
		}
		orig.deleted = true
		return orig.Conversation, "", nil
	case msg.ReplaceOriginal:
		if orig == nil {
			return "", "message_not_found", nil
		}
		if msg.Text == "" && blocks == nil {
			return "", "no_text", nil
		}
		orig.Text, orig.Blocks, orig.Edited = msg.Text, blocks, true
		return orig.Conversation, "", nil
	}
	if msg.Text == "" && blocks == nil {
		return "", "no_text", nil
	}
	if msg.ResponseType == "in_channel" {
		c, ok := s.convs[t.channel]
		if !ok {
			return "", "channel_not_found", nil
		}
		m := &Message{Conversation: c.id, TS: s.newTSLocked(), ThreadTS: msg.ThreadTS, User: s.opts.BotUserID,
			BotID: s.opts.BotID, Text: msg.Text, Blocks: blocks}
		c.appendLocked(m)
		return c.id, "", nil
	}
	s.addEphemeralLocked(t.channel, t.user, msg.Text, blocks, msg.ThreadTS)
	return t.channel, "", nil
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

package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTP endpoints Slack posts to in HTTP mode; the manifest's request URLs point at them.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
	PathEvents       = "/slack/events"
)

// DefaultMaxBody is the largest request body HTTP mode accepts; Slack's payloads are far smaller.
const DefaultMaxBody = 1 << 20

// HTTPOptions configures the HTTP-mode adapter.
type HTTPOptions struct {
	SigningSecret string
	Inbound       *Inbound
	Log           *slog.Logger
	Now           func() time.Time // the clock the signature window is checked against; time.Now by default
	MaxBody       int64            // DefaultMaxBody when 0
}

// HTTP serves Slack's HTTP mode (SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN): /slack/commands, /slack/interactions
// and /slack/events (including url_verification). Every request must carry a valid v0 signature within the
// 5-minute window (401 otherwise), fit in the body limit (413) and have the content type Slack uses (415). It is
// a thin adapter over the same Inbound as Socket Mode: decode, dispatch, answer with the ack payload.
type HTTP struct {
	opts HTTPOptions
	mux  *http.ServeMux
}

// NewHTTP returns the HTTP-mode handler.
func NewHTTP(opts HTTPOptions) *HTTP {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	h := &HTTP{opts: opts, mux: http.NewServeMux()}
	h.mux.HandleFunc(PathCommands, h.verified("application/x-www-form-urlencoded", h.commands))
	h.mux.HandleFunc(PathInteractions, h.verified("application/x-www-form-urlencoded", h.interactions))
	h.mux.HandleFunc(PathEvents, h.verified("application/json", h.events))
	return h
}

// ServeHTTP implements http.Handler.
func (h *HTTP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// verified wraps an endpoint with the method, content-type, size and signature checks; next gets the body.
func (h *HTTP) verified(contentType string, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != contentType {
			h.refuse(w, r, http.StatusUnsupportedMediaType, "unsupported content type")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				h.refuse(w, r, http.StatusRequestEntityTooLarge, "request body too large")
				return
			}
			h.refuse(w, r, http.StatusBadRequest, "cannot read body")
			return
		}
		if err := VerifySignature(r.Header, body, h.opts.SigningSecret, h.opts.Now()); err != nil {
			h.refuse(w, r, http.StatusUnauthorized, err.Error())
			return
		}
		next(w, r, body)
	}
}

func (h *HTTP) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	h.opts.Log.WarnContext(r.Context(), "slack request refused", slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("reason", reason))
	http.Error(w, reason, status)
}

func (h *HTTP) commands(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, "bad form")
		return
	}
	cmd := slack.SlashCommand{
		Token: form.Get("token"), TeamID: form.Get("team_id"), TeamDomain: form.Get("team_domain"),
		EnterpriseID: form.Get("enterprise_id"), EnterpriseName: form.Get("enterprise_name"),
		ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"),
		Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
		IsEnterpriseInstall: form.Get("is_enterprise_install") == "true",
	}
	if cmd.Command == "" {
		h.refuse(w, r, http.StatusBadRequest, "no command")
		return
	}
	payload, after := h.opts.Inbound.Command(r.Context(), cmd)
	h.answer(w, payload)
	go after()
}

func (h *HTTP) interactions(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		h.refuse(w, r, http.StatusBadRequest, "no payload")
		return
	}
	cb, err := h.opts.Inbound.DecodeInteraction([]byte(form.Get("payload")))
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, "bad payload")
		return
	}
	payload, after := h.opts.Inbound.Interaction(r.Context(), cb, false)
	h.answer(w, payload)
	go after()
}

func (h *HTTP) events(w http.ResponseWriter, r *http.Request, body []byte) {
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		EventID   string `json:"event_id"`
		Event     struct {
			Type string `json:"type"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		h.refuse(w, r, http.StatusBadRequest, "bad json")
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		h.answer(w, map[string]string{"challenge": outer.Challenge})
		return
	case slackevents.CallbackEvent:
	default:
		// app_rate_limited and anything new: nothing to do but acknowledge.
		h.opts.Log.InfoContext(r.Context(), "slack outer event ignored", slog.String("type", outer.Type))
		w.WriteHeader(http.StatusOK)
		return
	}
	if retry := r.Header.Get("X-Slack-Retry-Num"); retry != "" {
		h.opts.Log.InfoContext(r.Context(), "slack event retry", slog.String("event_id", outer.EventID),
			slog.String("retry_num", retry), slog.String("retry_reason", r.Header.Get("X-Slack-Retry-Reason")))
	}
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		// slack-go does not know this event type; no handler can want it. Acknowledge so Slack stops sending it.
		h.opts.Log.InfoContext(r.Context(), "slack event ignored", slog.String("event_type", outer.Event.Type), slog.Any("error", err))
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := h.opts.Inbound.Event(r.Context(), ev, outer.EventID); err != nil {
		// Slack retries a delivery that did not get a 200.
		http.Error(w, "event not handled", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// answer writes an ack: the payload as JSON, or an empty 200.
func (h *HTTP) answer(w http.ResponseWriter, payload any) {
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(payload); err != nil {
		h.opts.Log.Error("slack ack encode failed", slog.Any("error", err))
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(buf.Bytes())
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

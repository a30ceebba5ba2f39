package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/gesprekbot/gesprekbot/handlers"
)

// SocketMode connects the bot to Slack over a Socket Mode websocket (SLACK_APP_TOKEN + SLACK_BOT_TOKEN): a thin
// adapter that decodes envelopes, hands them to the Dispatcher and acks each with the handler's result.
// slack-go's client keeps the connection: hello, pings, and reconnecting when Slack asks or the link drops.
type SocketMode struct {
	client *socketmode.Client
	d      *Dispatcher
	log    *slog.Logger
}

// NewSocketMode returns the adapter for client (made with socketmode.New on a slack.Client that has the app
// token, slack.OptionAppLevelToken).
func NewSocketMode(client *socketmode.Client, d *Dispatcher, log *slog.Logger) *SocketMode {
	return &SocketMode{client: client, d: d, log: log}
}

// Run connects and serves envelopes until ctx ends (then it returns nil) or the connection cannot be made
// (for instance an invalid app token).
func (s *SocketMode) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- s.client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				return nil
			}
			return fmt.Errorf("socket mode: %w", err)
		case evt := <-s.client.Events:
			s.handle(ctx, evt)
		}
	}
}

func (s *SocketMode) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		s.log.InfoContext(ctx, "slack socket mode connecting")
	case socketmode.EventTypeConnected:
		s.log.InfoContext(ctx, "slack socket mode connected")
	case socketmode.EventTypeHello:
		if evt.Request != nil {
			s.log.DebugContext(ctx, "slack socket mode hello", slog.Int("connections", evt.Request.NumConnections))
		}
	case socketmode.EventTypeDisconnect:
		s.log.InfoContext(ctx, "slack socket mode disconnect requested")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		s.log.WarnContext(ctx, "slack socket mode connection trouble", slog.String("type", string(evt.Type)), slog.Any("error", evt.Data))
	case socketmode.EventTypeInvalidAuth:
		s.log.ErrorContext(ctx, "slack socket mode invalid auth: check SLACK_APP_TOKEN")
	case socketmode.EventTypeErrorBadMessage:
		s.badMessage(ctx, evt)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		// Each envelope on its own goroutine: one slow handler must not hold up the others' acks.
		go s.serve(ctx, evt)
	}
}

func (s *SocketMode) serve(ctx context.Context, evt socketmode.Event) {
	req := *evt.Request
	var payload any
	var responseURL string
	after := func() {}
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		payload, after = s.d.Command(ctx, data)
		responseURL = data.ResponseURL
	case slack.InteractionCallback:
		payload, after = s.d.Interaction(ctx, data, req.RetryAttempt > 0)
	case slackevents.EventsAPIEvent:
		if err := s.d.Event(ctx, data, eventID(data)); err != nil {
			// No ack: Slack delivers the event again with retry_attempt + 1.
			return
		}
	default:
		s.log.WarnContext(ctx, "slack socket mode envelope not understood", slog.String("type", req.Type))
	}
	if err := s.ack(ctx, req.EnvelopeID, payload); err != nil && payload != nil {
		// An ack payload over Socket Mode's 20 KB limit is refused before sending: ack empty and send the
		// command's reply through its response_url instead.
		s.ack(ctx, req.EnvelopeID, nil)
		if p, ok := payload.(handlers.Payload); ok && responseURL != "" {
			s.d.respond(ctx, responseURL, p)
		}
	}
	after()
}

func (s *SocketMode) ack(ctx context.Context, envelopeID string, payload any) error {
	res := socketmode.Response{EnvelopeID: envelopeID}
	if payload != nil {
		res.Payload = payload
	}
	err := s.client.SendCtx(ctx, res)
	if err != nil {
		s.log.WarnContext(ctx, "slack socket mode ack failed", slog.String("envelope_id", envelopeID), slog.Any("error", err))
	}
	return err
}

// badMessage acks an envelope slack-go could not parse (an event type it does not know, say), so Slack does not
// keep retrying it; the bot has no handler for it anyway.
func (s *SocketMode) badMessage(ctx context.Context, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		s.log.WarnContext(ctx, "slack socket mode bad message", slog.Any("error", bad.Cause))
		return
	}
	s.log.InfoContext(ctx, "slack socket mode envelope ignored", slog.String("type", env.Type), slog.Any("error", bad.Cause))
	s.ack(ctx, env.EnvelopeID, nil)
}

// eventID returns the event_id of an Events API callback, or "".
func eventID(ev slackevents.EventsAPIEvent) string {
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		return cb.EventID
	}
	return ""
}

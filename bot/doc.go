// Package bot is the Slack edge of gesprekbot: everything that crosses the wire to or from Slack.
//
// Inbound, two thin adapters feed one Inbound, which runs the handlers registered in a handlers.Registry:
//
//   - SocketMode (SLACK_APP_TOKEN + SLACK_BOT_TOKEN) keeps the websocket itself: it opens the connection with
//     apps.connections.open (slack-go's Web API client), reads the envelopes, watches Slack's pings, reconnects
//     with a jittered backoff, and acks each envelope with its handler's result. It does not use slack-go's
//     socketmode package, whose one decoding goroutine was half the bot's CPU at 1,000 clicks a second.
//   - HTTP (SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN) serves /slack/commands, /slack/interactions and /slack/events
//     (url_verification included), after checking the v0 signature within a 5-minute window (401), the body
//     size (413) and the content type (415).
//
// Both hand the Inbound slack-go's transport-neutral types (slack.SlashCommand, slack.InteractionCallback,
// slackevents.EventsAPIEvent). The Inbound runs the handler synchronously within AckTimeout (the handler has
// committed the user's answer when it returns), returns the ack payload, and after the ack sends follow-up replies
// (response_url, or an ephemeral) and runs work that continues. Events are deduplicated by event_id in Postgres
// (EventLog, *store.DB); a Socket Mode redelivery of an interaction by its trigger_id. An unknown command, action,
// view or event gets a clear Dutch reply (where Slack lets one be shown) and writes nothing.
//
// Outbound, Poster is the one path to Slack's Web API: chat.postMessage (with delivery-key metadata), chat.update,
// chat.postEphemeral, chat.delete, conversations.open, views.publish/open/push/update, the file upload flow and
// response_url posts. It paces per channel and per workspace method tier, waits out 429 Retry-After, retries 5xx
// and timeouts with capped exponential backoff and jitter, and returns *PermanentError for errors that retrying
// cannot fix, after logging them and writing a "slack_post_failed" audit row. FindDelivery looks a delivery key up
// in a conversation's history, for the effectively-once check after a lost response. The Poster is also what the
// handlers' Slack interfaces and the delivery dispatcher (scheduler.Sender, through Poster.Deliveries) take: one
// pacing and one retry policy for every call the bot makes.
//
// The Slack-compatible fake used by the tests, the sandbox and the benchmark is in bot/slackfake.
package bot

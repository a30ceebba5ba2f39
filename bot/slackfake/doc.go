// Package slackfake is a Slack-compatible fake workspace for tests, the
// sandbox and the benchmark. It speaks Slack's real wire protocols, so the bot
// talks to it through the same slack-go client and Socket Mode code it uses
// against Slack; only the API URL differs.
//
// What it fakes:
//
//   - Web API at APIURL() (use slack.OptionAPIURL): auth.test,
//     chat.postMessage (text, blocks, metadata, thread_ts, a user ID as channel
//     opens the IM), chat.update, chat.postEphemeral, chat.delete (the bot's
//     own messages only: cant_delete_message),
//     conversations.open/history/members/info, users.info,
//     views.open/update/push/publish, files.getUploadURLExternal + upload URL +
//     files.completeUploadExternal, files.delete, apps.connections.open. Form and JSON
//     bodies, bearer or "token" auth (not_authed, invalid_auth,
//     not_allowed_token_type), unknown_method, Slack's JSON answers and errors
//     (channel_not_found, is_archived, not_in_channel, user_not_found,
//     message_not_found, expired_trigger_id, hash_conflict, ...).
//     conversations.history is newest first with limit, cursor, oldest,
//     latest and inclusive, and returns message metadata only with
//     include_all_metadata.
//   - Several workspaces (Options.Teams, AddTeam): the app installed in each, with one app-level token and one
//     Socket Mode connection for all of them, as with a distributed app. Each team has its own bot user and bot
//     token, people (User.Team), channels (Channel.Team), IMs, App Homes and rate limits (counted per team; the
//     per-channel limit stays per channel); a bot token acts in its own team only (another team's channel is
//     channel_not_found, its people user_not_found), and RevokeTeamBotToken refuses one team's token. Commands,
//     interactions and events carry the team of whoever acted. Without Teams there is one team, the default.
//   - Block Kit limits on every message, view and response_url message
//     (ValidateMessageBlocks, ValidateView): Slack's invalid_blocks answer with
//     "errors" carrying json-pointers. StrictT(t) also fails the test.
//   - Socket Mode: hello, websocket pings, envelopes (slash_commands,
//     interactive, events_api) with retry_attempt/retry_reason, acks with their
//     payload and latency, several connections served round robin, Disconnect
//     (a "disconnect" message) and DropConnections for the reconnect paths.
//   - HTTP mode (UseHTTP): commands, interactions and events posted to
//     /slack/commands, /slack/interactions and /slack/events, signed with v0
//     signatures; SendHTTP sends missing, bad, stale or tampered signatures;
//     VerifyURL runs url_verification; Redeliver adds X-Slack-Retry-Num.
//   - response_url: ephemeral, in_channel, replace_original and
//     delete_original, five uses in thirty minutes.
//   - Rate limits (SetRateLimit per method as a token bucket, SetQuota per
//     method per minute as Slack counts its tiers, SetChannelRate for
//     chat.postMessage per channel, UseSlackLimits for Slack's tiers) answered
//     with 429 and Retry-After; faults (FailNext: 500, 503, timeout, response
//     lost after the call took effect; FailNextError: any Slack error code).
//   - A call log (Calls, CallsTo, RateLimited).
//
// The Go API drives the workspace as its users would:
//
//	fake := slackfake.New(slackfake.Options{})
//	defer fake.Close()
//	fake.StrictT(t)
//	anna := fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
//	ch := fake.AddChannel(slackfake.Channel{Name: "cohort-1", Members: []string{anna, fake.BotUserID()}})
//	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(fake.AppToken()))
//	// ... start the bot with api in Socket Mode, then:
//	fake.WaitConnected(ctx, 1)
//	resp, err := fake.Command(ctx, anna, ch, "/gesprekbot", "help")
//	msgs := fake.Messages(ch)
//	resp, err = fake.Click(ctx, anna, ch, msgs[0].TS, "gelezen", "")
//	resp, err = fake.SubmitView(ctx, anna, "", map[string]map[string]string{"score": {"score": "4"}})
//
// Commands and clicks go over Socket Mode while a connection is open, else
// over HTTP mode when UseHTTP was called, else they fail with ErrNotConnected.
// Message timestamps follow Options.Now; rate limits and trigger expiry
// (3 seconds, like Slack) follow Options.WallNow. All state is guarded by
// mutexes and safe for concurrent use.
package slackfake

package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// DeliveryEventType is the Slack message metadata event_type of every message posted for a planned delivery; its
// event_payload carries {"key": the delivery key}, so a delivery can be found in a conversation's history.
const DeliveryEventType = "gesprekbot_delivery"

// Auditor writes an audit row; *store.DB implements it.
type Auditor interface {
	Audit(ctx context.Context, e store.AuditEntry) error
}

// PosterOptions configures a Poster. Zero values take Slack's published limits.
type PosterOptions struct {
	Log   *slog.Logger
	Audit Auditor          // receives a "slack_post_failed" row for every permanent failure
	Now   func() time.Time // the clock pacing runs on; time.Now by default

	ChannelRate Rate // chat.postMessage per channel: 1/s, bursts of 3
	PostRate    Rate // chat.postMessage per workspace: 600/min, bursts of 20
	// Tiers is the rate of each of Slack's Web API tiers; every method has a bucket of its own at its tier's rate,
	// as Slack counts them ("per method per app per workspace"). PublishedTiers by default.
	Tiers map[int]Rate

	MaxAttempts    int           // tries for a 5xx or a timeout before giving up: 5
	MaxRateLimited int           // 429s in a row before giving up: 20
	BaseBackoff    time.Duration // first backoff: 500ms, doubling, with full jitter
	MaxBackoff     time.Duration // backoff cap: 30s
	AttemptTimeout time.Duration // one call's timeout: DefaultAttemptTimeout
	HTTPClient     *http.Client  // for response_url posts: NewHTTPClient(AttemptTimeout) by default
	// Observer, when set, is told how every attempt of a Web API call ended, and every retry (metrics).
	Observer CallObserver

	// Tokens, when set, gives the bot token of each workspace the app is installed in: a call for a request or
	// delivery of another workspace than DefaultTeam (store.TeamFrom) goes out with that workspace's token. Without
	// it, or for DefaultTeam or an unknown ("") team, the client NewPoster was given is used: one workspace, as
	// with SLACK_BOT_TOKEN alone.
	Tokens TokenSource
	// DefaultTeam is the team ID of the client NewPoster was given (auth.test's team_id). Every pacing bucket's
	// key starts with the team of the call (store.TeamFrom, this one when there is none), so that each workspace
	// is paced at its own limits.
	DefaultTeam string
	// Shared, when set, is the slot book the replicas of the deployment share (the database): every replica on it
	// paces its calls within the one budget. Without it the Poster paces this process alone, in memory. Its
	// clock is the database's, unless Now is set (a test's clock, which the replicas then share).
	Shared SharedBook
	// APIURL is the Web API base URL of the clients built for other workspaces; slack-go's default when empty.
	APIURL string
}

// TokenSource gives a workspace's bot token; *store.DB implements it. An error wrapping store.ErrWorkspaceGone
// (uninstalled, revoked) or store.ErrNoWorkspace (never installed) is taken as Slack's refusal of the token:
// nothing is sent there, and the dispatcher pauses that workspace.
type TokenSource interface {
	BotToken(ctx context.Context, teamID string) (string, error)
}

// DefaultAttemptTimeout bounds one attempt of a call to Slack: a Web API call, a response_url reply, a file upload.
const DefaultAttemptTimeout = 10 * time.Second

// methodTiers says which of Slack's rate-limit tiers each method the bot calls is in, as each method's page at
// https://api.slack.com/methods lists it; chat.postMessage has limits of its own (ChannelRate, PostRate). A method
// not listed is paced as tier 3.
var methodTiers = map[string]int{
	"auth.test":                    4, // "special": hundreds a minute
	"chat.update":                  3,
	"chat.delete":                  3,
	"chat.postEphemeral":           4,
	"conversations.open":           3,
	"conversations.history":        3,
	"conversations.info":           3,
	"conversations.list":           2,
	"conversations.members":        4,
	"users.info":                   4,
	"users.list":                   2,
	"users.lookupByEmail":          3,
	"views.open":                   4,
	"views.update":                 4,
	"views.push":                   4,
	"views.publish":                4,
	"files.getUploadURLExternal":   4,
	"files.completeUploadExternal": 4,
	"files.delete":                 3,
}

// PublishedTiers returns the rates of Slack's Web API tiers as https://api.slack.com/docs/rate-limits publishes
// them: 1+, 20+, 50+ and 100+ calls a minute, per method per workspace, counted in per-minute windows ("Rate limit
// windows are per minute"; tier 3 welcomes sporadic bursts, tier 4 generous ones). So each is a quota that a
// fan-out may spend at once rather than a trickle: 50 conversations.members calls go out together, the 101st
// within a minute waits. The window is a second longer than Slack's so that a call reaching Slack a little
// sooner after the one a quota back than it left here is not counted in that one's minute.
func PublishedTiers() map[int]Rate {
	const window = time.Minute + time.Second
	return map[int]Rate{1: Quota(1, window), 2: Quota(20, window), 3: Quota(50, window), 4: Quota(100, window)}
}

// Poster is the one outbound path to Slack: every post, update, ephemeral, DM, App Home publish, modal and file
// upload goes through it. It paces calls per channel and per workspace tier, waits out 429 Retry-After, retries
// 5xx and timeouts with capped exponential backoff and jitter, and turns permanent errors into *PermanentError
// (logged, audited, never retried). Safe for concurrent use.
type Poster struct {
	api   *slack.Client // the default workspace's
	opts  PosterOptions
	pacer *pacer

	mu      sync.Mutex
	dms     map[string]string      // dmKey (team and user ID) -> IM channel ID
	clients map[string]*teamClient // team ID -> the client of its current token
}

// teamClient is the client of one workspace other than the default, built with the token it was built for.
type teamClient struct {
	token string
	api   *slack.Client
}

// NewPoster returns a Poster that calls Slack through api.
func NewPoster(api *slack.Client, opts PosterOptions) *Poster {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	dbClock := opts.Now == nil
	if dbClock {
		opts.Now = time.Now
	}
	if opts.ChannelRate.PerSecond <= 0 {
		opts.ChannelRate = Rate{PerSecond: 1, Burst: 3}
	}
	if opts.PostRate.PerSecond <= 0 {
		opts.PostRate = PerMinute(600, 20)
	}
	tiers := PublishedTiers()
	for n, r := range opts.Tiers {
		if r.valid() {
			tiers[n] = r
		}
	}
	opts.Tiers = tiers
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 5
	}
	if opts.MaxRateLimited <= 0 {
		opts.MaxRateLimited = 20
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = DefaultAttemptTimeout
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = NewHTTPClient(opts.AttemptTimeout)
	}
	var book slotBook
	if opts.Shared != nil {
		book = newPgBook(opts.Shared, dbClock, opts.Log)
	}
	return &Poster{api: api, opts: opts, pacer: newPacer(opts.Now, book), dms: map[string]string{},
		clients: map[string]*teamClient{}}
}

// clientKey is the context key of the client a call was resolved to (withClient).
type clientKey struct{}

// withClient resolves the client of the request's workspace (store.TeamFrom) and puts it in ctx, for slack to
// take. A workspace whose token the source says is gone or unknown is refused like a revoked token: a
// *scheduler.PermanentError of the whole workspace.
func (p *Poster) withClient(ctx context.Context) (context.Context, error) {
	if _, ok := ctx.Value(clientKey{}).(*slack.Client); ok {
		return ctx, nil
	}
	team := store.TeamFrom(ctx)
	if p.opts.Tokens == nil || team == "" || team == p.opts.DefaultTeam {
		return context.WithValue(ctx, clientKey{}, p.api), nil
	}
	token, err := p.opts.Tokens.BotToken(ctx, team)
	switch {
	case errors.Is(err, store.ErrWorkspaceGone):
		return ctx, &scheduler.PermanentError{Method: "token", Reason: "token_revoked", Details: []string{"team " + team}}
	case errors.Is(err, store.ErrNoWorkspace):
		return ctx, &scheduler.PermanentError{Method: "token", Reason: "invalid_auth", Details: []string{"team " + team}}
	case err != nil:
		return ctx, fmt.Errorf("bot token of team %s: %w", team, err)
	}
	p.mu.Lock()
	c := p.clients[team]
	if c == nil || c.token != token {
		// Built lazily, rebuilt when the workspace was installed again with a new token.
		opts := []slack.Option{slack.OptionHTTPClient(p.opts.HTTPClient)}
		if p.opts.APIURL != "" {
			opts = append(opts, slack.OptionAPIURL(p.opts.APIURL))
		}
		c = &teamClient{token: token, api: slack.New(token, opts...)}
		p.clients[team] = c
	}
	p.mu.Unlock()
	return context.WithValue(ctx, clientKey{}, c.api), nil
}

// slack is the client withClient put in ctx; the default workspace's when there is none.
func (p *Poster) slack(ctx context.Context) *slack.Client {
	if c, ok := ctx.Value(clientKey{}).(*slack.Client); ok {
		return c
	}
	return p.api
}

// dmKey is where the IM of a user of the request's workspace is cached: a user ID is only known in its own.
func dmKey(ctx context.Context, userID string) string { return store.TeamFrom(ctx) + "/" + userID }

// Message is an outbound message.
type Message struct {
	Channel     string // a channel ID, or a user ID for the user's DM with the bot
	Text        string // notification and fallback text
	Blocks      []slack.Block
	ThreadTS    string
	DeliveryKey string // the planned delivery's permanent key; carried in metadata for the effectively-once check

	// For the audit row of a permanent failure.
	CohortID *int64
	UserID   string // the person the message is for or about
}

// Posted says where a message landed.
type Posted struct {
	Channel string
	TS      string
	// Found is true when the message was not posted by this call because the delivery key was already in the
	// conversation (an earlier attempt whose response was lost).
	Found bool
}

// Post posts text and blocks in a channel, or in a user's DM with the bot when channel is a user ID, and returns
// the conversation it landed in and its ts: the shape the handlers' Slack interfaces ask for.
func (p *Poster) Post(ctx context.Context, channel, text string, blocks []slack.Block) (string, string, error) {
	return p.PostKeyed(ctx, channel, text, blocks, "")
}

// PostKeyed posts like Post with key in the message's metadata (as a delivery's), so that FindDelivery finds it
// again: a step that may be repeated after a crash looks before it posts.
func (p *Poster) PostKeyed(ctx context.Context, channel, text string, blocks []slack.Block, key string) (string, string, error) {
	m := Message{Channel: channel, Text: text, Blocks: blocks, DeliveryKey: key}
	if isUserID(channel) {
		m.UserID = channel // the audit row of a failure names the person
	}
	posted, err := p.Send(ctx, m)
	return posted.Channel, posted.TS, err
}

// Send posts m with chat.postMessage. A user ID as channel posts in that user's DM with the bot. With a
// DeliveryKey, the message carries it in metadata, and before any retry the conversation's history is searched
// for it so that a post whose response was lost is not posted twice.
func (p *Poster) Send(ctx context.Context, m Message) (Posted, error) {
	channel := m.Channel
	// A DM goes to the user's ID, which Slack turns into the IM: conversations.open (tier 3, 50 a minute) before
	// every first DM would hold a fan-out to 1,000 participants up for twenty minutes. The IM's ID, which history
	// lookups need, comes back with the post, or is opened only when a retry has to look.
	dmUser := ""
	if isUserID(channel) && m.DeliveryKey != "" {
		if dm, ok := p.knownDM(ctx, channel); ok {
			channel = dm
		} else {
			dmUser = channel
		}
	}
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if m.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(m.ThreadTS))
	}
	if m.DeliveryKey != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType:    DeliveryEventType,
			EventPayload: map[string]any{"key": m.DeliveryKey},
		}))
	}
	started := p.opts.Now()
	var out Posted
	paces := []pace{{"method:chat.postMessage", p.opts.PostRate}, {"channel:" + channel, p.opts.ChannelRate}}
	err := p.call(ctx, "chat.postMessage", channel, m.DeliveryKey, paces, func(ctx context.Context, afterFailure bool) (bool, error) {
		// A 5xx or a timeout may come after Slack accepted the post; a 429 never does.
		if afterFailure && m.DeliveryKey != "" {
			if channel == dmUser {
				dm, err := p.OpenDM(ctx, dmUser)
				if err != nil {
					return false, err
				}
				channel = dm
			}
			ts, found, err := p.FindDelivery(ctx, channel, m.DeliveryKey, started.Add(-time.Minute))
			if err != nil {
				return false, err
			}
			if found {
				out = Posted{Channel: channel, TS: ts, Found: true}
				return true, nil
			}
		}
		ch, ts, err := p.slack(ctx).PostMessageContext(ctx, channel, opts...)
		if err == nil {
			out = Posted{Channel: ch, TS: ts}
			if dmUser != "" && ch != "" {
				p.rememberDM(ctx, dmUser, ch)
			}
		}
		return false, err
	})
	if err != nil {
		return Posted{}, p.failed(ctx, "chat.postMessage", channel, m, err)
	}
	return out, nil
}

// Update replaces the text and blocks of the message at ts with chat.update.
func (p *Poster) Update(ctx context.Context, channel, ts string, m Message) error {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	err := p.call(ctx, "chat.update", channel, m.DeliveryKey, p.limits("chat.update"), func(ctx context.Context, _ bool) (bool, error) {
		_, _, _, err := p.slack(ctx).UpdateMessageContext(ctx, channel, ts, opts...)
		return false, err
	})
	return p.failed(ctx, "chat.update", channel, m, err)
}

// Edit replaces the text and blocks of the bot's message at ts in channel (chat.update); a message that is gone
// is no error. Failures are returned, not audited: the caller (an erasure redrawing a board) retries them.
func (p *Poster) Edit(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	err := p.call(ctx, "chat.update", channel, "", p.limits("chat.update"), func(ctx context.Context, _ bool) (bool, error) {
		_, _, _, err := p.slack(ctx).UpdateMessageContext(ctx, channel, ts, opts...)
		return false, err
	})
	if PermanentReason(err) == "message_not_found" {
		return nil
	}
	return err
}

// PostEphemeral shows m to one user in a channel.
func (p *Poster) PostEphemeral(ctx context.Context, channel, userID string, m Message) error {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	err := p.call(ctx, "chat.postEphemeral", channel, "", p.limits("chat.postEphemeral"), func(ctx context.Context, _ bool) (bool, error) {
		_, err := p.slack(ctx).PostEphemeralContext(ctx, channel, userID, opts...)
		return false, err
	})
	if m.UserID == "" {
		m.UserID = userID
	}
	return p.failed(ctx, "chat.postEphemeral", channel, m, err)
}

// Delete removes the bot's message at ts.
func (p *Poster) Delete(ctx context.Context, channel, ts string) error {
	err := p.call(ctx, "chat.delete", channel, "", p.limits("chat.delete"), func(ctx context.Context, _ bool) (bool, error) {
		_, _, err := p.slack(ctx).DeleteMessageContext(ctx, channel, ts)
		return false, err
	})
	return p.failed(ctx, "chat.delete", channel, Message{}, err)
}

// OpenDM returns the ID of the bot's direct-message conversation with a user, opening it if needed.
func (p *Poster) OpenDM(ctx context.Context, userID string) (string, error) {
	id, ok := p.knownDM(ctx, userID)
	if ok {
		return id, nil
	}
	err := p.call(ctx, "conversations.open", userID, "", p.limits("conversations.open"), func(ctx context.Context, _ bool) (bool, error) {
		ch, _, _, err := p.slack(ctx).OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}})
		if err == nil {
			id = ch.ID
		}
		return false, err
	})
	if err != nil {
		return "", p.failed(ctx, "conversations.open", userID, Message{UserID: userID}, err)
	}
	p.rememberDM(ctx, userID, id)
	return id, nil
}

// knownDM returns the IM channel ID of a user's DM with the bot, if this Poster has seen it.
func (p *Poster) knownDM(ctx context.Context, userID string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id, ok := p.dms[dmKey(ctx, userID)]
	return id, ok
}

func (p *Poster) rememberDM(ctx context.Context, userID, channelID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dms[dmKey(ctx, userID)] = channelID
}

// PublishHome publishes a user's App Home tab.
func (p *Poster) PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error {
	err := p.call(ctx, "views.publish", userID, "", p.limits("views.publish"), func(ctx context.Context, _ bool) (bool, error) {
		_, err := p.slack(ctx).PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return false, err
	})
	return p.failed(ctx, "views.publish", userID, Message{UserID: userID}, err)
}

// OpenView opens a modal for the trigger_id of a command or click. Trigger ids expire after 3 seconds, so a
// timed-out attempt is not retried.
func (p *Poster) OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	var resp *slack.ViewResponse
	err := p.once(ctx, "views.open", func(ctx context.Context) error {
		var err error
		resp, err = p.slack(ctx).OpenViewContext(ctx, triggerID, view)
		return err
	})
	if err != nil {
		return nil, p.failed(ctx, "views.open", "", Message{}, err)
	}
	return resp, nil
}

// PushView pushes a modal on top of the open one.
func (p *Poster) PushView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	var resp *slack.ViewResponse
	err := p.once(ctx, "views.push", func(ctx context.Context) error {
		var err error
		resp, err = p.slack(ctx).PushViewContext(ctx, triggerID, view)
		return err
	})
	if err != nil {
		return nil, p.failed(ctx, "views.push", "", Message{}, err)
	}
	return resp, nil
}

// UpdateView replaces an open modal; hash (may be "") guards against overwriting a newer version.
func (p *Poster) UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	var resp *slack.ViewResponse
	err := p.call(ctx, "views.update", "", "", p.limits("views.update"), func(ctx context.Context, _ bool) (bool, error) {
		var err error
		resp, err = p.slack(ctx).UpdateViewContext(ctx, view, "", hash, viewID)
		return false, err
	})
	if err != nil {
		return nil, p.failed(ctx, "views.update", "", Message{}, err)
	}
	return resp, nil
}

// UploadFile uploads data as a file shared in channel (the files.getUploadURLExternal → upload →
// files.completeUploadExternal flow) and returns the file's ID.
func (p *Poster) UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error) {
	var id string
	err := p.call(ctx, "files.completeUploadExternal", channel, "", p.limits("files.getUploadURLExternal", "files.completeUploadExternal"), func(ctx context.Context, _ bool) (bool, error) {
		f, err := p.slack(ctx).UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(data), FileSize: len(data), Filename: filename, Title: title, Channel: channel,
		})
		if err == nil {
			id = f.ID
		}
		return false, err
	})
	if err != nil {
		return "", p.failed(ctx, "files.completeUploadExternal", channel, Message{}, err)
	}
	return id, nil
}

// Respond posts a reply to an interaction's response_url.
func (p *Poster) Respond(ctx context.Context, responseURL string, payload handlers.Payload) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("respond: %w", err)
	}
	// Slack limits a response_url to five uses, not by the workspace's Web API tiers: pacing replies on a tier would
	// queue them (and their goroutines) without end under a burst of clicks.
	err = p.call(ctx, "response_url", "", "", nil, func(ctx context.Context, _ bool) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return false, err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		resp, err := p.opts.HTTPClient.Do(req)
		if err != nil {
			return false, err
		}
		defer resp.Body.Close()
		var r slack.SlackResponse
		if resp.StatusCode != http.StatusOK {
			return false, slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
		}
		// Slack answers a response_url with {"ok":true} or plain "ok"; only a JSON error counts as one.
		if json.NewDecoder(resp.Body).Decode(&r) == nil {
			return false, r.Err()
		}
		return false, nil
	})
	return p.failed(ctx, "response_url", "", Message{}, err)
}

// Members returns the user IDs of a channel's members (conversations.members, page by page).
func (p *Poster) Members(ctx context.Context, channel string) ([]string, error) {
	var out []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 1000}
	for page := 0; page < 100; page++ {
		var ids []string
		var next string
		err := p.call(ctx, "conversations.members", channel, "", p.limits("conversations.members"), func(ctx context.Context, _ bool) (bool, error) {
			var err error
			ids, next, err = p.slack(ctx).GetUsersInConversationContext(ctx, params)
			return false, err
		})
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", channel, err)
		}
		out = append(out, ids...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	return out, nil
}

// DeleteOwn deletes the bot's message at ts in channel. A message that is gone already counts as deleted; one the
// bot did not post (Slack answers cant_delete_message) is left, with deleted false and no error. Failures are
// returned, not audited: the caller (an erasure) retries them.
func (p *Poster) DeleteOwn(ctx context.Context, channel, ts string) (deleted bool, err error) {
	err = p.call(ctx, "chat.delete", channel, "", p.limits("chat.delete"), func(ctx context.Context, _ bool) (bool, error) {
		_, _, err := p.slack(ctx).DeleteMessageContext(ctx, channel, ts)
		return false, err
	})
	switch PermanentReason(err) {
	case "message_not_found":
		return true, nil
	case "cant_delete_message":
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// DeleteFile deletes a file the bot uploaded; one that is gone already is no error. Failures are returned, not
// audited, as with DeleteOwn.
func (p *Poster) DeleteFile(ctx context.Context, fileID string) error {
	err := p.call(ctx, "files.delete", "", "", p.limits("files.delete"), func(ctx context.Context, _ bool) (bool, error) {
		return false, p.slack(ctx).DeleteFileContext(ctx, fileID)
	})
	if PermanentReason(err) == "file_not_found" || PermanentReason(err) == "file_deleted" {
		return nil
	}
	return err
}

// BotMessages lists the messages a bot posted in a conversation (in the bot's DM with a person: the bot's own),
// newest first, with the files each carries and the delivery key in its metadata, reading the whole history
// (conversations.history, im:history).
func (p *Poster) BotMessages(ctx context.Context, channel string) ([]handlers.SentMessage, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 200, IncludeAllMetadata: true}
	var out []handlers.SentMessage
	for page := 0; page < 500; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := p.call(ctx, "conversations.history", channel, "", p.limits("conversations.history"), func(ctx context.Context, _ bool) (bool, error) {
			var err error
			resp, err = p.slack(ctx).GetConversationHistoryContext(ctx, params)
			return false, err
		})
		if err != nil {
			return nil, fmt.Errorf("bot messages: %w", err)
		}
		for _, msg := range resp.Messages {
			if msg.BotID == "" {
				continue
			}
			m := handlers.SentMessage{TS: msg.Timestamp}
			if msg.Metadata.EventType == DeliveryEventType {
				m.Key = fmt.Sprint(msg.Metadata.EventPayload["key"])
			}
			for _, f := range msg.Files {
				m.Files = append(m.Files, f.ID)
			}
			out = append(out, m)
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return out, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return out, nil
}

// UserInfo returns a user's Slack profile (users.info).
func (p *Poster) UserInfo(ctx context.Context, userID string) (*slack.User, error) {
	var u *slack.User
	err := p.call(ctx, "users.info", "", "", p.limits("users.info"), func(ctx context.Context, _ bool) (bool, error) {
		var err error
		u, err = p.slack(ctx).GetUserInfoContext(ctx, userID)
		return false, err
	})
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", userID, err)
	}
	return u, nil
}

// EachUser calls fn with every page of the workspace's users (users.list, 1,000 a page: one tier-2 call answers
// for a thousand people where users.info would take a tier-4 call each).
func (p *Poster) EachUser(ctx context.Context, fn func(users []slack.User)) error {
	ctx, err := p.withClient(ctx)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	page := p.slack(ctx).GetUsersPaginated(slack.GetUsersOptionLimit(1000), slack.GetUsersOptionIncludeLocale(false))
	for range 1000 {
		var next slack.UserPagination
		err := p.call(ctx, "users.list", "", "", p.limits("users.list"), func(ctx context.Context, _ bool) (bool, error) {
			var err error
			next, err = page.Next(ctx)
			return false, err
		})
		if err != nil {
			return fmt.Errorf("users: %w", err)
		}
		fn(next.Users)
		if next.Cursor == "" {
			return nil
		}
		page = next
	}
	return errors.New("users: more than 1,000 pages")
}

// FindDelivery looks for the message carrying a delivery key in a conversation's history, newer than oldest.
func (p *Poster) FindDelivery(ctx context.Context, channel, key string, oldest time.Time) (ts string, found bool, err error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Limit:              200,
		IncludeAllMetadata: true,
	}
	if !oldest.IsZero() {
		params.Oldest = fmt.Sprintf("%d.000000", oldest.Unix())
	}
	for page := 0; page < 20; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := p.call(ctx, "conversations.history", channel, "", p.limits("conversations.history"), func(ctx context.Context, _ bool) (bool, error) {
			var err error
			resp, err = p.slack(ctx).GetConversationHistoryContext(ctx, params)
			return false, err
		})
		if err != nil {
			return "", false, fmt.Errorf("find delivery: %w", err)
		}
		for _, msg := range resp.Messages {
			if msg.Metadata.EventType == DeliveryEventType && fmt.Sprint(msg.Metadata.EventPayload["key"]) == key {
				return msg.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// limits returns the buckets a call of these methods is paced on: each method's own, at its tier's rate.
func (p *Poster) limits(methods ...string) []pace {
	paces := make([]pace, 0, len(methods))
	for _, m := range methods {
		n := methodTiers[m]
		if n == 0 {
			n = 3
		}
		paces = append(paces, pace{"method:" + m, p.opts.Tiers[n]})
	}
	return paces
}

// teamPaces puts the workspace the call is for in front of every key: each workspace has its own budget at Slack.
func (p *Poster) teamPaces(ctx context.Context, paces []pace) []pace {
	team := store.TeamFrom(ctx)
	if team == "" {
		team = p.opts.DefaultTeam
	}
	out := make([]pace, len(paces))
	for i, pc := range paces {
		out[i] = pace{key: team + "/" + pc.key, rate: pc.rate}
	}
	return out
}

// call runs fn paced on paces, retrying as the error says: a 429 waits its Retry-After (on every key, so nothing
// else of the kind goes before it has passed), a 5xx or timeout backs off, anything else is permanent. fn gets
// afterFailure=true when the previous attempt failed with a 5xx or timeout (the work may have been done), and
// returns done=true when it found the work already done.
func (p *Poster) call(ctx context.Context, method, channel, key string, paces []pace, fn func(ctx context.Context, afterFailure bool) (done bool, err error)) error {
	ctx, err := p.withClient(ctx)
	if err != nil {
		return err
	}
	paces = p.teamPaces(ctx, paces)
	transient, limited := 0, 0
	afterFailure := false
	for attempt := 1; ; attempt++ {
		if err := p.pacer.wait(ctx, paces); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		actx, cancel := context.WithTimeout(ctx, p.opts.AttemptTimeout)
		done, err := fn(actx, afterFailure)
		cancel()
		if err == nil || done {
			p.observeCall(method, nil, 0)
			return nil
		}
		class := classify(ctx, err)
		p.observeCall(method, err, class)
		afterFailure = class == classTransient
		switch class {
		case classCancelled:
			return fmt.Errorf("%s: %w", method, ctx.Err())
		case classPermanent:
			return permanentFrom(method, channel, err)
		case classRateLimited:
			limited++
			var rl *slack.RateLimitedError
			errors.As(err, &rl)
			wait := max(rl.RetryAfter, time.Second)
			p.pacer.block(ctx, paces, wait)
			p.opts.Log.WarnContext(ctx, "slack rate limited", slog.String("method", method), slog.String("channel", channel),
				slog.Duration("retry_after", wait), slog.Int("in_a_row", limited))
			if limited >= p.opts.MaxRateLimited {
				return fmt.Errorf("%s: rate limited %d times: %w", method, limited, err)
			}
			p.observeRetry(method, err, class)
		case classTransient:
			transient++
			if transient >= p.opts.MaxAttempts {
				return fmt.Errorf("%s: gave up after %d attempts: %w", method, transient, err)
			}
			p.observeRetry(method, err, class)
			d := p.backoff(transient)
			p.opts.Log.WarnContext(ctx, "slack call failed, retrying", slog.String("method", method), slog.String("channel", channel),
				slog.String("delivery_key", key), slog.Int("attempt", attempt), slog.Duration("backoff", d), slog.Any("error", err))
			if err := sleepFor(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", method, err)
			}
		}
	}
}

// once runs fn a single time on its tier (for calls whose trigger_id expires before a retry could help), still
// turning the error into a PermanentError where it is one.
func (p *Poster) once(ctx context.Context, method string, fn func(ctx context.Context) error) error {
	ctx, err := p.withClient(ctx)
	if err != nil {
		return err
	}
	if err := p.pacer.wait(ctx, p.teamPaces(ctx, p.limits(method))); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	actx, cancel := context.WithTimeout(ctx, p.opts.AttemptTimeout)
	defer cancel()
	err = fn(actx)
	if err == nil {
		p.observeCall(method, nil, 0)
		return nil
	}
	class := classify(ctx, err)
	p.observeCall(method, err, class)
	if class == classPermanent {
		return permanentFrom(method, "", err)
	}
	return fmt.Errorf("%s: %w", method, err)
}

// backoff returns the n-th backoff: full jitter over a capped exponential.
func (p *Poster) backoff(n int) time.Duration {
	ceil := p.opts.BaseBackoff << min(n-1, 20)
	if ceil > p.opts.MaxBackoff || ceil <= 0 {
		ceil = p.opts.MaxBackoff
	}
	return ceil/2 + rand.N(ceil/2+1)
}

// failed records a permanent failure of one call where the operator sees it (log and audit row) and returns err
// unchanged.
// Message text is never recorded: it may hold a participant's scores.
func (p *Poster) failed(ctx context.Context, method, channel string, m Message, err error) error {
	var pe *scheduler.PermanentError
	if !errors.As(err, &pe) || pe.Workspace() {
		// A refusal of the whole workspace (revoked token, missing scope) is not this message's failure: the caller
		// says so once (the dispatcher pauses, logs and audits it), not once per message.
		return err
	}
	p.opts.Log.ErrorContext(ctx, "slack call failed permanently", slog.String("method", method), slog.String("channel", channel),
		slog.String("reason", pe.Reason), slog.String("delivery_key", m.DeliveryKey), slog.Any("details", pe.Details))
	if p.opts.Audit != nil {
		detail := map[string]any{"method": method, "channel": channel, "reason": pe.Reason}
		if m.DeliveryKey != "" {
			detail["delivery_key"] = m.DeliveryKey
		}
		if len(pe.Details) > 0 {
			detail["details"] = pe.Details
		}
		// The audit row must be written even when the caller's context is ending.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if aerr := p.opts.Audit.Audit(actx, store.AuditEntry{
			CohortID: m.CohortID, Actor: "bot", UserID: m.UserID, Action: "slack_post_failed", Detail: detail,
		}); aerr != nil {
			p.opts.Log.ErrorContext(ctx, "audit slack failure", slog.Any("error", aerr))
		}
	}
	return err
}

// isUserID reports whether id is a Slack user ID rather than a conversation ID.
func isUserID(id string) bool {
	return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W")
}

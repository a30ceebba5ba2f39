package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/scheduler"
)

// DirectoryOptions configures a Directory. Zero values take the defaults named.
type DirectoryOptions struct {
	// ListTTL is how long one listing of the workspace's channels answers ChannelID: 30s. The lookups of one
	// dispatcher tick share a listing; a name that was not in it is looked for in a new one after ListTTL.
	ListTTL time.Duration
	Now     func() time.Time // time.Now
}

// Directory finds channels by name (conversations.list) and people by e-mail address (users.lookupByEmail) in
// Slack, for cohort files that name them so; it implements scheduler.Directory. Its calls go through the Poster,
// so they are paced on Slack's tiers with everything else, wait out 429 Retry-After and retry 5xx. Scopes:
// channels:read, groups:read, users:read.email. Safe for concurrent use.
type Directory struct {
	p    *Poster
	opts DirectoryOptions

	mu       sync.Mutex // one listing at a time; lookups wait for it
	listedAt time.Time
	channels map[string]listedChannel // by lower-case name
}

// listedChannel is what ChannelID needs of a listed channel.
type listedChannel struct {
	id     string
	member bool
}

// NewDirectory returns a Directory that calls Slack through p.
func NewDirectory(p *Poster, opts DirectoryOptions) *Directory {
	if opts.ListTTL <= 0 {
		opts.ListTTL = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Directory{p: p, opts: opts}
}

// ChannelID returns the ID of the channel with this name ("#" and case do not matter): a public channel, or a
// private one the bot is in (Slack lists no others to a bot). A channel that is not found, or that the bot is not
// in and so cannot post in, is a *scheduler.NotInSlackError saying what to do.
func (d *Directory) ChannelID(ctx context.Context, name string) (string, error) {
	name = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(name), "#"))
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.channels == nil || d.opts.Now().Sub(d.listedAt) >= d.opts.ListTTL {
		chs, err := d.list(ctx)
		if err != nil {
			return "", fmt.Errorf("channel #%s: %w", name, err)
		}
		d.channels, d.listedAt = chs, d.opts.Now()
	}
	c, ok := d.channels[name]
	switch {
	case !ok:
		return "", &scheduler.NotInSlackError{Ref: "#" + name, Reason: "no such channel in Slack: does it exist, and " +
			"was the bot invited? The bot sees a private channel only once it is in it."}
	case !c.member:
		return "", &scheduler.NotInSlackError{Ref: "#" + name, Reason: "the bot is not in this channel yet: invite it, " +
			"so that it can post the training's messages there."}
	}
	return c.id, nil
}

// list reads every channel the bot can see that is not archived, page by page.
func (d *Directory) list(ctx context.Context) (map[string]listedChannel, error) {
	out := map[string]listedChannel{}
	// Slack caps a page below 1000; large pages keep a big workspace within the tier's 20 calls a minute.
	params := slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"},
		ExcludeArchived: true, Limit: 999}
	for {
		var page []slack.Channel
		var next string
		err := d.p.call(ctx, "conversations.list", "", "", d.p.limits("conversations.list"),
			func(ctx context.Context, _ bool) (bool, error) {
				var err error
				page, next, err = d.p.slack(ctx).GetConversationsContext(ctx, &params)
				return false, err
			})
		if err != nil {
			return nil, fmt.Errorf("list channels: %w", err)
		}
		for _, c := range page {
			out[strings.ToLower(c.Name)] = listedChannel{id: c.ID, member: c.IsMember}
		}
		if next == "" {
			return out, nil
		}
		params.Cursor = next
	}
}

// UserIDByEmail returns the user ID of the active person whose Slack profile has this e-mail address. Nobody with
// it, or only a deactivated account or a bot, is a *scheduler.NotInSlackError.
func (d *Directory) UserIDByEmail(ctx context.Context, email string) (string, error) {
	email = strings.TrimSpace(email)
	var u *slack.User
	err := d.p.call(ctx, "users.lookupByEmail", "", "", d.p.limits("users.lookupByEmail"),
		func(ctx context.Context, _ bool) (bool, error) {
			var err error
			u, err = d.p.slack(ctx).GetUserByEmailContext(ctx, email)
			return false, err
		})
	switch {
	case PermanentReason(err) == "users_not_found":
		return "", &scheduler.NotInSlackError{Ref: email, Reason: "nobody in Slack has this e-mail address."}
	case err != nil:
		return "", fmt.Errorf("user by e-mail: %w", err)
	case u.Deleted || u.IsBot:
		return "", &scheduler.NotInSlackError{Ref: email, Reason: "the Slack account with this e-mail address is not active (any more)."}
	}
	return u.ID, nil
}

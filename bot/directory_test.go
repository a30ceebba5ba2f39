package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
)

// directoryWorld is a Directory on a fake workspace, on a clock the test moves.
type directoryWorld struct {
	fake *slackfake.Server
	dir  *bot.Directory

	mu  sync.Mutex
	now time.Time
}

func newDirectoryWorld(t *testing.T) *directoryWorld {
	t.Helper()
	w := &directoryWorld{now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	w.fake = slackfake.New(slackfake.Options{})
	t.Cleanup(w.fake.Close)
	api := slack.New(w.fake.BotToken(), slack.OptionAPIURL(w.fake.APIURL()))
	fast := bot.Rate{PerSecond: 5000, Burst: 1000}
	p := bot.NewPoster(api, bot.PosterOptions{Log: bottest.QuietLog(), Tiers: map[int]bot.Rate{1: fast, 2: fast, 3: fast, 4: fast},
		BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	w.dir = bot.NewDirectory(p, bot.DirectoryOptions{ListTTL: time.Minute, Now: w.clock})
	return w
}

func (w *directoryWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *directoryWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func TestDirectoryChannelID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newDirectoryWorld(t)
	botUser := w.fake.BotUserID()
	public := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-utrecht", Members: []string{botUser}})
	private := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-zwolle", Private: true, Members: []string{botUser}})
	w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-geheim", Private: true})
	w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-oud", Archived: true, Members: []string{botUser}})
	w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-assen"})

	tests := []struct {
		name, channel string
		want          string // the ID, or the start of the message of a not-found error
	}{
		{"Public", "het-gesprek-utrecht", public},
		{"HashAndCase", "#Het-Gesprek-Utrecht", public},
		{"PrivateWithTheBot", "#het-gesprek-zwolle", private},
		{"PrivateWithoutTheBot", "#het-gesprek-geheim", "#het-gesprek-geheim: no such channel"},
		{"Archived", "het-gesprek-oud", "#het-gesprek-oud: no such channel"},
		{"BotNotInvited", "het-gesprek-assen", "#het-gesprek-assen: the bot is not in this channel"},
		{"Unknown", "#bestaat-niet", "#bestaat-niet: no such channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := w.dir.ChannelID(ctx, tt.channel)
			if strings.HasPrefix(tt.want, "C") {
				if err != nil || id != tt.want {
					t.Errorf("ChannelID(%q) = %q, %v; want %s", tt.channel, id, err, tt.want)
				}
				return
			}
			var nf *scheduler.NotInSlackError
			if content.ErrorCode(err) != content.ENOTFOUND || !errors.As(err, &nf) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ChannelID(%q) = %q, %v; want ENOTFOUND %q", tt.channel, id, err, tt.want)
			}
		})
	}
	// All of the above were answered from one listing.
	if n := len(w.fake.CallsTo("conversations.list")); n != 1 {
		t.Errorf("%d listings, want 1 within ListTTL", n)
	}

	t.Run("NewChannelFoundAfterListTTL", func(t *testing.T) {
		id := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-emmen", Members: []string{botUser}})
		if _, err := w.dir.ChannelID(ctx, "het-gesprek-emmen"); content.ErrorCode(err) != content.ENOTFOUND {
			t.Errorf("within ListTTL: %v, want the cached listing's ENOTFOUND", err)
		}
		w.advance(time.Minute)
		if got, err := w.dir.ChannelID(ctx, "het-gesprek-emmen"); err != nil || got != id {
			t.Errorf("after ListTTL: %q, %v; want %s", got, err, id)
		}
	})

	t.Run("Pages", func(t *testing.T) {
		var last string
		for i := range 1200 {
			last = w.fake.AddChannel(slackfake.Channel{Name: fmt.Sprintf("kanaal-%04d", i), Members: []string{botUser}})
		}
		w.advance(time.Minute)
		w.fake.ResetCalls()
		if got, err := w.dir.ChannelID(ctx, "kanaal-1199"); err != nil || got != last {
			t.Errorf("channel on the second page: %q, %v; want %s", got, err, last)
		}
		calls := w.fake.CallsTo("conversations.list")
		if len(calls) != 2 {
			t.Fatalf("%d calls for 1200 channels, want 2 pages", len(calls))
		}
		if a := calls[0].Args; a.Get("types") != "public_channel,private_channel" || a.Get("exclude_archived") != "true" {
			t.Errorf("listed with %v, want public and private channels, archived excluded", a)
		}
	})

	t.Run("WaitsOutRateLimit", func(t *testing.T) {
		w.fake.SetRateLimit("conversations.list", 60, 1)
		defer w.fake.SetRateLimit("conversations.list", 0, 0)
		w.fake.ResetCalls()
		w.advance(time.Minute)
		w.fake.AddChannel(slackfake.Channel{ID: "C0RATE", Name: "na-de-pauze", Members: []string{botUser}})
		// Two pages: the second comes a token short and is answered with 429 and Retry-After first.
		start := time.Now()
		got, err := w.dir.ChannelID(ctx, "na-de-pauze")
		if err != nil || got != "C0RATE" {
			t.Fatalf("ChannelID under a rate limit = %q, %v; want C0RATE", got, err)
		}
		if w.fake.RateLimited("conversations.list") == 0 || time.Since(start) < 500*time.Millisecond {
			t.Errorf("%d rate-limited calls in %s, want a 429 waited out", w.fake.RateLimited("conversations.list"), time.Since(start))
		}
	})

	t.Run("SlackDown", func(t *testing.T) {
		w.advance(time.Minute)
		w.fake.FailNextError("conversations.list", 1, "missing_scope")
		_, err := w.dir.ChannelID(ctx, "het-gesprek-utrecht")
		if err == nil || content.ErrorCode(err) == content.ENOTFOUND || bot.PermanentReason(err) != "missing_scope" {
			t.Errorf("ChannelID with a missing scope = %v, want the Slack error, not 'not found'", err)
		}
		// A failed listing is not remembered: the next lookup lists again.
		if got, err := w.dir.ChannelID(ctx, "het-gesprek-utrecht"); err != nil || got != public {
			t.Errorf("after the failure: %q, %v", got, err)
		}
	})
}

func TestDirectoryUserIDByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newDirectoryWorld(t)
	trainer := w.fake.AddUser(slackfake.User{Name: "marieke", Email: "m.devries@utrecht.nl"})
	w.fake.AddUser(slackfake.User{Name: "oud", Email: "oud@utrecht.nl", Deleted: true})
	w.fake.AddUser(slackfake.User{Name: "agenda", Email: "agenda@utrecht.nl", IsBot: true, BotID: "B0AGENDA"})

	tests := []struct {
		name, email string
		want        string // the user ID, or the start of the message of a not-found error
	}{
		{"Found", "m.devries@utrecht.nl", trainer},
		{"CaseDoesNotMatter", "M.deVries@Utrecht.nl", trainer},
		{"Nobody", "niemand@utrecht.nl", "niemand@utrecht.nl: nobody in Slack"},
		{"Deactivated", "oud@utrecht.nl", "oud@utrecht.nl: nobody in Slack"},
		{"Bot", "agenda@utrecht.nl", "agenda@utrecht.nl: the Slack account with this e-mail address is not active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := w.dir.UserIDByEmail(ctx, tt.email)
			if strings.HasPrefix(tt.want, "U") {
				if err != nil || id != tt.want {
					t.Errorf("UserIDByEmail(%q) = %q, %v; want %s", tt.email, id, err, tt.want)
				}
				return
			}
			var nf *scheduler.NotInSlackError
			if content.ErrorCode(err) != content.ENOTFOUND || !errors.As(err, &nf) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("UserIDByEmail(%q) = %q, %v; want ENOTFOUND %q", tt.email, id, err, tt.want)
			}
		})
	}
	t.Run("SlackDownIsRetried", func(t *testing.T) {
		w.fake.FailNext("users.lookupByEmail", 1, slackfake.Fault503)
		if id, err := w.dir.UserIDByEmail(ctx, "m.devries@utrecht.nl"); err != nil || id != trainer {
			t.Errorf("after a 503: %q, %v; want %s", id, err, trainer)
		}
	})
}

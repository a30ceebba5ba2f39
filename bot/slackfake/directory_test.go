package slackfake_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

func TestConversationsList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorkspace(t, slackfake.Options{})
	bot := w.fake.BotUserID()
	private := w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-zwolle", Private: true, Members: []string{bot}})
	w.fake.AddChannel(slackfake.Channel{Name: "geheim", Private: true, Members: []string{w.anna}})
	archived := w.fake.AddChannel(slackfake.Channel{Name: "oud-cohort", Archived: true})
	outside := w.fake.AddChannel(slackfake.Channel{Name: "algemeen"})
	w.fake.IMWith(w.anna)

	names := func(chs []slack.Channel) []string {
		var out []string
		for _, c := range chs {
			out = append(out, c.Name)
		}
		return out
	}
	tests := []struct {
		name   string
		params slack.GetConversationsParameters
		want   []string
	}{
		{"DefaultPublicOnly", slack.GetConversationsParameters{}, []string{"cohort-noord", "oud-cohort", "algemeen"}},
		{"PrivateOnlyWhereTheBotIs", slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}},
			[]string{"cohort-noord", "het-gesprek-zwolle", "oud-cohort", "algemeen"}},
		{"ExcludeArchived", slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true},
			[]string{"cohort-noord", "het-gesprek-zwolle", "algemeen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chs, next, err := w.api.GetConversationsContext(ctx, &tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if next != "" {
				t.Errorf("next cursor %q on a single page", next)
			}
			if got := names(chs); !slices.Equal(got, tt.want) {
				t.Errorf("channels = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("Shape", func(t *testing.T) {
		chs, _, err := w.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"private_channel", "public_channel"}})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]slack.Channel{}
		for _, c := range chs {
			byID[c.ID] = c
		}
		if c := byID[private]; !c.IsPrivate || !c.IsGroup || c.IsChannel || !c.IsMember {
			t.Errorf("private channel = %+v, want private, a member", c.GroupConversation.Conversation)
		}
		if c := byID[outside]; c.IsPrivate || !c.IsChannel || c.IsMember || c.NumMembers != 0 {
			t.Errorf("channel the bot is not in = %+v", c.GroupConversation.Conversation)
		}
		if c := byID[archived]; !c.IsArchived {
			t.Errorf("archived channel = %+v, want archived", c.GroupConversation.Conversation)
		}
	})

	t.Run("Pages", func(t *testing.T) {
		for i := range 7 {
			w.fake.AddChannel(slackfake.Channel{Name: fmt.Sprintf("extra-%d", i)})
		}
		var all []string
		params := slack.GetConversationsParameters{Limit: 3, ExcludeArchived: true}
		pages := 0
		for {
			chs, next, err := w.api.GetConversationsContext(ctx, &params)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(chs) > 3 {
				t.Errorf("page of %d channels with limit 3", len(chs))
			}
			all = append(all, names(chs)...)
			if next == "" {
				break
			}
			params.Cursor = next
		}
		if len(all) != 9 || pages != 3 || all[0] != "cohort-noord" || all[8] != "extra-6" {
			t.Errorf("%d pages: %v, want 9 channels on 3 pages", pages, all)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, tt := range []struct {
			params slack.GetConversationsParameters
			want   string
		}{
			{slack.GetConversationsParameters{Types: []string{"public_channel", "shared"}}, "invalid_types"},
			{slack.GetConversationsParameters{Cursor: "bm9wZQ=="}, "invalid_cursor"},
		} {
			if _, _, err := w.api.GetConversationsContext(ctx, &tt.params); slackErr(err) != tt.want {
				t.Errorf("%+v: error %v, want %s", tt.params, err, tt.want)
			}
		}
	})
}

func TestUsersLookupByEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorkspace(t, slackfake.Options{})
	w.fake.AddUser(slackfake.User{Name: "oud", Email: "oud@example.nl", Deleted: true})

	u, err := w.api.GetUserByEmailContext(ctx, "Anna@Example.NL")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != w.anna || u.Profile.Email != "anna@example.nl" || u.RealName != "Anna de Vries" {
		t.Errorf("user = %s %q %q, want anna", u.ID, u.Profile.Email, u.RealName)
	}
	for _, email := range []string{"niemand@example.nl", "oud@example.nl"} {
		if _, err := w.api.GetUserByEmailContext(ctx, email); slackErr(err) != "users_not_found" {
			t.Errorf("lookup %s: %v, want users_not_found", email, err)
		}
	}
	if n := len(w.fake.CallsTo("users.lookupByEmail")); n != 3 {
		t.Errorf("%d calls logged, want 3", n)
	}
}

func TestDirectoryRateLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorkspace(t, slackfake.Options{})
	if slackfake.SlackTiers["conversations.list"] != slackfake.Tier2 || slackfake.SlackTiers["users.lookupByEmail"] != slackfake.Tier3 {
		t.Errorf("tiers = %d, %d, want Slack's 2 and 3", slackfake.SlackTiers["conversations.list"], slackfake.SlackTiers["users.lookupByEmail"])
	}
	w.fake.SetRateLimit("conversations.list", 20, 1)
	if _, _, err := w.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{}); err != nil {
		t.Fatal(err)
	}
	_, _, err := w.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{})
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter < time.Second {
		t.Errorf("second list: %v, want RateLimitedError with Retry-After", err)
	}
}

// TestUsersList: users.list pages through every user, bots and deleted people included, with is_bot as users.info
// gives it, and refuses a cursor it did not hand out.
func TestUsersList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorkspace(t, slackfake.Options{})
	other := w.fake.AddUser(slackfake.User{Name: "agenda", IsBot: true, BotID: "B0AGENDA"})
	gone := w.fake.AddUser(slackfake.User{Name: "oud", Deleted: true})

	var ids []string
	bots := map[string]bool{}
	pages := 0
	p := w.api.GetUsersPaginated(slack.GetUsersOptionLimit(2))
	for {
		var err error
		p, err = p.Next(ctx)
		if p.Done(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range p.Users {
			ids = append(ids, u.ID)
			bots[u.ID] = u.IsBot
		}
	}
	want := []string{w.fake.BotUserID(), w.anna, w.trainer, other, gone}
	if !slices.Equal(ids, want) {
		t.Errorf("users %v, want %v", ids, want)
	}
	if pages != 3 {
		t.Errorf("%d pages of 2 for %d users, want 3", pages, len(want))
	}
	if !bots[w.fake.BotUserID()] || !bots[other] || bots[w.anna] || bots[gone] {
		t.Errorf("is_bot %v, want the two bots only", bots)
	}
	all, err := w.api.GetUsersContext(ctx)
	if err != nil || len(all) != len(want) {
		t.Errorf("all users at once: %d, %v; want %d", len(all), err, len(want))
	}
	if _, err := w.api.GetUsersPaginated(slack.GetUsersOptionCursor("bm9wZQ==")).Next(ctx); slackErr(err) != "invalid_cursor" {
		t.Errorf("a made-up cursor: %v, want invalid_cursor", err)
	}
}

package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
	"github.com/gesprekbot/gesprekbot/store/storetest"
)

// replicaPosters returns n Posters on one fake workspace and one database, as n replicas of a deployment build
// them: each its own Slack client and pacer, sharing the database's slot book (on the database's clock).
func replicaPosters(t *testing.T, fake *slackfake.Server, n int, opts bot.PosterOptions) ([]*bot.Poster, *store.DB) {
	t.Helper()
	db := storetest.New(t)
	var out []*bot.Poster
	for range n {
		o := opts
		o.Log, o.Audit, o.Shared, o.DefaultTeam = bottest.QuietLog(), db, db, "T0FAKE"
		out = append(out, bot.NewPoster(slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL())), o))
	}
	return out, db
}

// TestReplicasShareAChannelsBudget: three replicas posting to one channel at once together stay within the
// channel's rate, as one would: the fake, which holds the channel to Slack's limit, answers no 429.
func TestReplicasShareAChannelsBudget(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	// The fake allows 5 a second with bursts of 3; the replicas pace at 5 a second with bursts of 1, the two
	// tokens between being the room for the network's jitter that a deployment keeps too.
	fake.SetChannelRate(5, 3)
	channel := fake.AddChannel(slackfake.Channel{Name: "cohort-1", Members: []string{fake.BotUserID()}})
	posters, _ := replicaPosters(t, fake, 3, bot.PosterOptions{ChannelRate: bot.Rate{PerSecond: 5, Burst: 1},
		MaxRateLimited: 1})
	const each = 5
	var wg sync.WaitGroup
	for _, p := range posters {
		for range each {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if _, err := p.Send(ctx, bot.Message{Channel: channel, Text: "bericht"}); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if n := fake.RateLimited(""); n != 0 {
		t.Errorf("the fake answered %d posts 429: the replicas together went over the channel's rate", n)
		calls := fake.CallsTo("chat.postMessage")
		for _, c := range calls {
			t.Logf("post answered %v after the first: HTTP %d", c.Time.Sub(calls[0].Time), c.Status)
		}
	}
	if n := len(fake.Messages(channel)); n != 3*each {
		t.Errorf("%d messages in the channel, want %d", n, 3*each)
	}
}

// TestReplicasShareRetryAfter: a 429 one replica is answered keeps the others back too, until its Retry-After has
// passed.
func TestReplicasShareRetryAfter(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	fake.SetRateLimit("chat.postMessage", 60, 1)
	var chans []string
	for _, name := range []string{"cohort-1", "cohort-2", "cohort-3"} {
		chans = append(chans, fake.AddChannel(slackfake.Channel{Name: name, Members: []string{fake.BotUserID()}}))
	}
	// The replicas' pacing would let them post far faster than the fake: only the 429 holds them back.
	posters, db := replicaPosters(t, fake, 2, bot.PosterOptions{PostRate: bot.PerMinute(6000, 100)})
	a, b := posters[0], posters[1]
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := a.Send(ctx, bot.Message{Channel: chans[0], Text: "eerste"}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := a.Send(ctx, bot.Message{Channel: chans[1], Text: "tweede"})
		done <- err
	}()
	// B posts once A has seen its 429 and written it in the book they share (the fake's count comes sooner).
	for blocked := 0; blocked == 0; {
		select {
		case err := <-done:
			t.Fatalf("the second post went without a 429 (%v): the test has no 429 to share", err)
		case <-ctx.Done():
			t.Fatal("no 429 in the shared book within 30 s")
		case <-time.After(5 * time.Millisecond):
		}
		if err := db.GetContext(ctx, &blocked, `SELECT count(*) FROM pace_buckets WHERE not_before IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Send(ctx, bot.Message{Channel: chans[2], Text: "van de ander"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var limited, other time.Time
	for _, c := range fake.CallsTo("chat.postMessage") {
		if c.Status == 429 && limited.IsZero() {
			limited = c.Time
		}
		if c.Channel == chans[2] && other.IsZero() {
			other = c.Time
		}
	}
	// Retry-After is at least one second, and the fake stamps the 429 before the replica even sees it.
	if gap := other.Sub(limited); gap < time.Second {
		t.Errorf("the other replica posted %v after the first one's 429, before its Retry-After had passed", gap)
	}
}

// TestPosterKeysStartWithTheTeam: the shared buckets are the workspace's, so that each workspace is paced at its
// own limits.
func TestPosterKeysStartWithTheTeam(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	channel := fake.AddChannel(slackfake.Channel{Name: "cohort-1", Members: []string{fake.BotUserID()}})
	db := storetest.New(t)
	p := bot.NewPoster(slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL())),
		bot.PosterOptions{Log: bottest.QuietLog(), Shared: db, DefaultTeam: "T0FAKE"})
	if _, err := p.Send(context.Background(), bot.Message{Channel: channel, Text: "bericht"}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := db.SelectContext(context.Background(), &keys, `SELECT key FROM pace_buckets ORDER BY key`); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("buckets %q, want the channel's and chat.postMessage's", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "T0FAKE/") {
			t.Errorf("bucket %q is not the workspace's", k)
		}
	}
}

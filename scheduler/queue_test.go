package scheduler_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// goroutinesIn counts the goroutines whose stack passes through fn.
func goroutinesIn(fn string) int {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 2)
	n := 0
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if strings.Contains(g, fn) {
			n++
		}
	}
	return n
}

// TestDispatchFanOutQueuesRows expands a planned row to 60 participants while the tick's 2 workers wait on Slack:
// the other rows wait in the tick's queue, not each on a goroutine of its own, so a fan-out to 10,000 people does
// not hold 10,000 goroutine stacks (issue 19: the bot's RSS at a national roll-out). Not parallel: it counts the
// process's goroutines, and only this test's tick may run meanwhile.
func TestDispatchFanOutQueuesRows(t *testing.T) {
	const workers, people = 2, 60
	e := newEnv(t, people, local(2026, 12, 6, 10, 0))
	plan := e.apply(fanOutRules()[:1])
	gate := &counting{Sender: newFakeSender(e.fake.APIURL(), e.fake.BotToken(), 3), posts: make(chan struct{})}
	d := e.dispatcherWith(gate, "queue", scheduler.DispatchOptions{Workers: workers})
	done := make(chan scheduler.Result, 1)
	go func() {
		res, err := d.Tick(context.Background())
		if err != nil {
			t.Errorf("tick: %v", err)
		}
		done <- res
	}()
	// Both workers at the gate: the expansion is done and every participant's row is waiting.
	waitFor(t, func() bool { return goroutinesIn("(*counting).Post") == workers })
	if n := goroutinesIn("scheduler.(*tickRun)"); n > workers+1 {
		t.Errorf("%d goroutines in the tick for %d workers and %d rows waiting: the rows should wait in a queue", n, workers, people)
	}
	drained := make(chan struct{})
	defer close(drained)
	go func() {
		for {
			select {
			case <-gate.posts:
			case <-drained:
				return
			}
		}
	}()
	if res := <-done; res.Sent != people || res.Expanded != 1 {
		t.Fatalf("tick %+v: want one row expanded and sent to each of %d participants", res, people)
	}
	e.expectOnceAround(plan)
}

// teamsOfPosts wraps a Sender and records the workspace (store.TeamFrom) of every post, in the order they start.
type teamsOfPosts struct {
	scheduler.Sender
	mu    sync.Mutex
	teams []string
}

func (s *teamsOfPosts) Post(ctx context.Context, to, text string, blocks []slack.Block, key string) (string, string, bool, error) {
	s.mu.Lock()
	s.teams = append(s.teams, store.TeamFrom(ctx))
	s.mu.Unlock()
	return s.Sender.Post(ctx, to, text, blocks, key)
}

// fakeTokens gives the poster each workspace's bot token as the fake issued it.
type fakeTokens struct{ fake *slackfake.Server }

func (f fakeTokens) BotToken(_ context.Context, teamID string) (string, error) {
	token, ok := f.fake.TeamToken(teamID)
	if !ok {
		return "", store.ErrNoWorkspace
	}
	return token, nil
}

// TestDispatchWorkspacesTakeTurns fans out to a cohort in each of two workspaces with one worker: the rows of the
// two workspaces take turns, since Slack paces each workspace on its own. In one queue in arrival order every row of
// the first cohort's workspace went first, so at a national roll-out the tick's workers all waited on one
// workspace's budget while the other 19 stood idle (issue 19: 20 workspaces fanned out one after the other).
func TestDispatchWorkspacesTakeTurns(t *testing.T) {
	t.Parallel()
	const people = 12
	e := newEnv(t, people, local(2026, 12, 6, 10, 0))
	rules := fanOutRules()[:1]
	first := e.cohort
	first.TeamID = e.fake.TeamID()
	plan := e.apply(rules)

	other := e.fake.AddTeam(slackfake.Team{ID: "T0SECOND", Name: "Gemeente Twee"})
	trainer := e.fake.AddUser(slackfake.User{ID: "U0TRAINER2", Team: other.ID, Name: "trainer2"})
	members := []string{other.BotUserID, trainer}
	for i := range people {
		members = append(members, e.fake.AddUser(slackfake.User{ID: fmt.Sprintf("U0Q%04d", i), Team: other.ID,
			Name: fmt.Sprintf("deelnemer-twee%d", i)}))
	}
	second := *first
	second.ID, second.Name, second.TeamID, second.Trainers = 0, "Testgroep twee", other.ID, []string{trainer}
	second.Channel = e.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-twee", Team: other.ID, Members: members})
	e.cohort = &second
	e.apply(rules)
	e.cohort = first

	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()))
	poster := bot.NewPoster(api, bottest.FastPacing(bot.PosterOptions{MaxAttempts: 3, BaseBackoff: time.Millisecond,
		MaxBackoff: 5 * time.Millisecond, AttemptTimeout: 5 * time.Second, Tokens: fakeTokens{e.fake},
		DefaultTeam: e.fake.TeamID(), APIURL: e.fake.APIURL()}))
	rec := &teamsOfPosts{Sender: bot.NewSender(poster)}
	d := e.dispatcherWith(rec, "turns", scheduler.DispatchOptions{Workers: 1, Team: e.fake.TeamID()})
	if res := e.tick(d); res.Sent != 2*people || res.Expanded != 2 {
		t.Fatalf("tick %+v: want two rows expanded and sent to %d participants each", res, people)
	}
	e.expectOnceAround(plan) // the first workspace's people, each once
	count := map[string]int{}
	for _, team := range rec.teams {
		count[team]++
	}
	if count[e.fake.TeamID()] != people || count[other.ID] != people {
		t.Errorf("posts per workspace %v, want %d in each", count, people)
	}
	run, longest := 0, 0
	for i, team := range rec.teams {
		if i > 0 && team == rec.teams[i-1] {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	// The first workspace's first row may go before the second cohort is expanded; after that they alternate.
	if longest > 2 {
		t.Errorf("posts by workspace %v: %d in a row of one workspace, want the workspaces to take turns", rec.teams, longest)
	}
}

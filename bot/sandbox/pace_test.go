package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
)

// The sandbox's workspace is the fake in the bot's own process, which limits nothing: the bot does not pace its
// posts there as Slack would have it (a second between two posts to one channel), so a move of the clock that sends
// a fortnight's messages is over at once. The channel's budget in the pace book shows it: six posts move it by
// about nothing, where Slack's pace would move it by six seconds.
func TestSandboxPostsUnpaced(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	e := newEnv(t, db)
	ctx := context.Background()
	tat := func() time.Time {
		t.Helper()
		var at time.Time
		if err := db.GetContext(ctx, &at, `SELECT tat FROM pace_buckets WHERE key LIKE '%/channel:' || $1`,
			sandbox.DemoChannelID); err != nil {
			t.Fatalf("the channel's budget: %v", err)
		}
		return at
	}
	var first time.Time
	for i := range 6 {
		if _, _, err := e.app.Poster.Post(ctx, sandbox.DemoChannelID, "Bericht", nil); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = tat()
		}
	}
	if moved := tat().Sub(first); moved > time.Second {
		t.Errorf("five more posts to one channel moved its budget by %s: the sandbox paces as Slack would", moved)
	}
}

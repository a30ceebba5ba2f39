package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// Wait, called at shutdown, covers a handler that is still running before its ack, not only the work after acks:
// Main closes the database only after it returns.
func TestInboundWaitCoversRunningHandler(t *testing.T) {
	t.Parallel()
	reg := handlers.NewRegistry(testPhrases(), bottest.QuietLog())
	started, release := make(chan struct{}), make(chan struct{})
	finished := make(chan struct{})
	reg.Command("/vasthouden", func(ctx context.Context, cmd slack.SlashCommand) (handlers.Response, error) {
		close(started)
		<-release
		close(finished)
		return handlers.Response{}, nil
	})
	d := bot.NewInbound(bot.InboundOptions{Registry: reg, Log: bottest.QuietLog(), AckTimeout: time.Minute})
	go d.Command(context.Background(), slack.SlashCommand{Command: "/vasthouden", UserID: "U1", ChannelID: "C1"})
	<-started

	// While the handler runs, Wait does not return of itself; here it gives up when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := d.Wait(ctx); err == nil {
		t.Fatal("Wait returned while the handler was still running")
	}
	close(release)
	if err := d.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-finished:
	default:
		t.Fatal("Wait returned before the handler finished")
	}
}

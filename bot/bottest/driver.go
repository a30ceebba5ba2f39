package bottest

import (
	"context"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// Driver is the side of the people in Slack: it types a slash command, clicks a button, submits a modal or opens
// the App Home on the fake as a user would, fails the test when the bot does not acknowledge in time or answers
// with Block Kit Slack would refuse, and returns once the bot's work after its ack (Inbound) is done. World embeds
// it; the bot package's transport tests embed it over their bare Inbound.
type Driver struct {
	Fake    *slackfake.Server
	Inbound *bot.Inbound
}

// Wait waits until the work the bot started after its acks (follow-up replies, Later work) has finished.
func (w *Driver) Wait(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := w.Inbound.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// answered fails t when the fake could not deliver, the bot did not ack, or the ack held invalid Block Kit; then
// it waits for the work after the ack.
func (w *Driver) answered(t testing.TB, what string, resp slackfake.Response, err error) slackfake.Response {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !resp.Acked {
		t.Fatalf("%s: not acknowledged (status %d)", what, resp.Status)
	}
	if len(resp.Invalid) > 0 {
		t.Fatalf("%s: invalid blocks %v", what, resp.Invalid)
	}
	w.Wait(t)
	return resp
}

// Command types the slash command cmd with text as user in channel, and returns the ack once the work after it
// is done.
func (w *Driver) Command(t testing.TB, user, channel, cmd, text string) slackfake.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	resp, err := w.Fake.Command(ctx, user, channel, cmd, text)
	return w.answered(t, cmd+" "+text, resp, err)
}

// Click presses the button actionID (with value, when the message has several) as user on the message at ts in
// channel, and returns the ack once the work after it is done.
func (w *Driver) Click(t testing.TB, user, channel, ts, actionID, value string) slackfake.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	resp, err := w.Fake.Click(ctx, user, channel, ts, actionID, value)
	return w.answered(t, "click "+actionID, resp, err)
}

// ClickHome presses the button actionID (with value) on user's App Home, and returns the ack once the work after
// it is done.
func (w *Driver) ClickHome(t testing.TB, user, actionID, value string) slackfake.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	resp, err := w.Fake.ClickHome(ctx, user, actionID, value)
	return w.answered(t, "click "+actionID+" on the Home", resp, err)
}

// Submit submits user's modal viewID (the top one when empty) with values (block ID -> action ID -> value), and
// returns the answer once the work after it is done.
func (w *Driver) Submit(t testing.TB, user, viewID string, values map[string]map[string]string) slackfake.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	resp, err := w.Fake.SubmitView(ctx, user, viewID, values)
	return w.answered(t, "submit view", resp, err)
}

// OpenHome opens user's App Home tab and returns the view the bot published, once the work after the event is
// done.
func (w *Driver) OpenHome(t testing.TB, user string) slackfake.View {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if _, err := w.Fake.OpenHome(ctx, user); err != nil {
		t.Fatalf("open home: %v", err)
	}
	w.Wait(t)
	v, ok := w.Fake.Home(user)
	if !ok {
		t.Fatalf("no App Home published for %s", user)
	}
	return v
}

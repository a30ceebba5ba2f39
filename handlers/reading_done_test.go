package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// clickWorld is a cohort in a real database with the progress buttons registered.
type clickWorld struct {
	db  *store.DB
	c   *content.Cohort
	d   *handlers.Deliveries
	reg *handlers.Registry
}

func newClickWorld(t *testing.T) *clickWorld {
	t.Helper()
	c := fixedCohort("johanna")
	db, d := seededRenderer(t, c)
	db.Now = func() time.Time { return time.Date(2026, 12, 3, 14, 3, 0, 0, deliveryTZ) }
	reg := handlers.NewRegistry(d.Course.Phrases, bottest.QuietLog())
	handlers.RegisterProgressButtons(reg, &handlers.ProgressButtons{Course: d.Course, Store: db})
	// The fan-out of the course's first message records the channel's people as participants.
	for _, u := range []string{"U0ANNA", "U0BART"} {
		if _, err := db.RecordJoin(context.Background(), c.ID, u, nil); err != nil {
			t.Fatal(err)
		}
	}
	return &clickWorld{db: db, c: c, d: d, reg: reg}
}

// channelClick is a click by user on a button of the preparation message in the cohort's channel.
func (w *clickWorld) channelClick(user, actionID, blockID, value string) slack.InteractionCallback {
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user},
		ResponseURL: "https://hooks.slack.test/actions/1"}
	cb.Channel.ID, cb.Channel.Name = w.c.Channel, "het-gesprek-utrecht"
	cb.Container = slack.Container{Type: "message", ChannelID: w.c.Channel, MessageTs: "1765000000.000100"}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: actionID, BlockID: blockID, Value: value}}
	return cb
}

// dmClick is a click by user on a button of a message the bot sent them by DM, with the message as Slack sends
// it along (its blocks through JSON, as they travel).
func (w *clickWorld) dmClick(t *testing.T, user, text string, blocks []slack.Block, actionID, value string) slack.InteractionCallback {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var sent slack.Blocks
	if err := json.Unmarshal(raw, &sent); err != nil {
		t.Fatal(err)
	}
	blockID := ""
	for _, b := range blocks {
		if strings.Contains(mustJSON(t, b), `"action_id":"`+actionID+`"`) {
			blockID = b.ID()
		}
	}
	cb := slack.InteractionCallback{Type: slack.InteractionTypeBlockActions, User: slack.User{ID: user},
		ResponseURL: "https://hooks.slack.test/actions/2"}
	cb.Channel.ID, cb.Channel.Name = "D0"+user, "directmessage"
	cb.Container = slack.Container{Type: "message", ChannelID: "D0" + user, MessageTs: "1765000000.000200"}
	cb.Message.Text, cb.Message.Blocks = text, sent
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: actionID, BlockID: blockID, Value: value}}
	return cb
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (w *clickWorld) click(t *testing.T, cb slack.InteractionCallback) *handlers.Reply {
	t.Helper()
	ack := w.reg.HandleInteraction(context.Background(), cb)
	if !ack.Known {
		t.Fatal("action not registered")
	}
	if ack.Followup == nil {
		t.Fatal("no reply to the click")
	}
	return ack.Followup
}

func (w *clickWorld) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReadingDoneInChannel(t *testing.T) {
	t.Parallel()
	w := newClickWorld(t)
	blockID := handlers.ProgressBlockID(store.ProgressReading, w.c.ID, "m1_jungmann")

	first := w.click(t, w.channelClick("U0ANNA", "reading_done:0", blockID, "1/m1_jungmann"))
	if want := "Genoteerd: je hebt _‘Ik zie , ik zie wat jij niet ziet’_ gelezen."; first.Text != want || first.ReplaceOriginal || first.InChannel {
		t.Errorf("first click: %+v, want only to the clicker %q", first, want)
	}
	w.db.Now = func() time.Time { return time.Date(2026, 12, 3, 14, 4, 0, 0, deliveryTZ) }
	second := w.click(t, w.channelClick("U0ANNA", "reading_done:0", blockID, "1/m1_jungmann"))
	if want := "Dat had ik al genoteerd: je hebt _‘Ik zie , ik zie wat jij niet ziet’_ gelezen (gemeld op donderdag 3 december om 14:03)."; second.Text != want || second.ReplaceOriginal {
		t.Errorf("second click: %+v, want %q", second, want)
	}
	if n := w.count(t, `SELECT count(*) FROM progress WHERE user_id = 'U0ANNA'`); n != 1 {
		t.Errorf("%d progress rows after a double click, want 1", n)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'reading_done' AND actor = 'U0ANNA'`); n != 1 {
		t.Errorf("%d audit rows after a double click, want 1", n)
	}

	// Someone else's click is their own.
	w.click(t, w.channelClick("U0BART", "reading_done:1", "", "1/m1_gesprek_iv"))
	ps, err := w.db.UserProgress(context.Background(), w.c.ID, "U0BART")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Item != "m1_gesprek_iv" || ps[0].Module != 1 {
		t.Errorf("progress of U0BART = %+v, want m1_gesprek_iv found through the channel", ps)
	}
}

func TestReadingDoneRefusals(t *testing.T) {
	t.Parallel()
	w := newClickWorld(t)
	blockID := handlers.ProgressBlockID(store.ProgressReading, w.c.ID, "m1_jungmann")
	tests := []struct {
		name string
		cb   slack.InteractionCallback
		want string
	}{
		{"Trainer", w.channelClick("U0TRAINER1", "reading_done:0", blockID, "1/m1_jungmann"), "Deze knop is voor deelnemers"},
		{"UnknownReading", w.channelClick("U0ANNA", "reading_done:0", blockID, "1/m1_verdwenen"), "Deze leestekst ken ik niet meer"},
		{"BadValue", w.channelClick("U0ANNA", "reading_done:0", blockID, "een"), "Deze leestekst ken ik niet meer"},
		{"UnknownHomework", w.channelClick("U0ANNA", "homework_done", "", "7"), "Dit huiswerk ken ik niet meer"},
		{"NotACohortChannel", func() slack.InteractionCallback {
			cb := w.channelClick("U0ANNA", "reading_done:0", "", "1/m1_jungmann")
			cb.Channel.ID, cb.Container.ChannelID = "C0ELDERS", "C0ELDERS"
			return cb
		}(), "Ik weet niet bij welke training"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply := w.click(t, tt.cb)
			if !strings.HasPrefix(reply.Text, tt.want) || reply.ReplaceOriginal {
				t.Errorf("reply = %+v, want an ephemeral starting %q", reply, tt.want)
			}
		})
	}
	if n := w.count(t, `SELECT count(*) FROM progress`); n != 0 {
		t.Errorf("%d progress rows after refused clicks, want 0", n)
	}
}

func TestReadingDoneInDM(t *testing.T) {
	t.Parallel()
	w := newClickWorld(t)
	ctx := context.Background()
	text, blocks, err := w.d.Render(ctx, w.c, plannedDelivery(w.c, "preparation_checklist", 1), "U0BART")
	if err != nil {
		t.Fatal(err)
	}
	reply := w.click(t, w.dmClick(t, "U0BART", text, blocks, "reading_done:1", "1/m1_gesprek_iv"))
	if !reply.ReplaceOriginal {
		t.Fatalf("reply = %+v, want the DM replaced", reply)
	}
	checkBlockKit(t, reply.Blocks)
	golden(t, "reading_done_dm.json", reply.Payload())

	// The checklist rendered again (a catch-up, a re-sent message) shows the same state.
	_, again, err := w.d.Render(ctx, w.c, plannedDelivery(w.c, "preparation_checklist", 1), "U0BART")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, again), mustJSON(t, reply.Blocks); got != want {
		t.Errorf("re-rendered checklist differs from the updated message:\n%s\n%s", got, want)
	}
}

func TestHomeworkDone(t *testing.T) {
	t.Parallel()
	w := newClickWorld(t)
	ctx := context.Background()
	text, blocks, err := w.d.Render(ctx, w.c, plannedDelivery(w.c, "homework", 2), "U0ANNA")
	if err != nil {
		t.Fatal(err)
	}
	cb := w.dmClick(t, "U0ANNA", text, blocks, "homework_done", "2")
	reply := w.click(t, cb)
	if !reply.ReplaceOriginal {
		t.Fatalf("reply = %+v, want the DM replaced", reply)
	}
	checkBlockKit(t, reply.Blocks)
	golden(t, "homework_done_dm.json", reply.Payload())

	// A second click from the same (stale) message records nothing new.
	w.db.Now = func() time.Time { return time.Date(2026, 12, 4, 8, 0, 0, 0, deliveryTZ) }
	blockID := handlers.ProgressBlockID(store.ProgressHomework, w.c.ID, store.HomeworkItem(2))
	inChannel := w.click(t, w.channelClick("U0ANNA", "homework_done", blockID, "2"))
	if want := "Dat had ik al genoteerd: je huiswerk van module 2 is klaar (gemeld op "; !strings.HasPrefix(inChannel.Text, want) ||
		!strings.HasSuffix(inChannel.Text, ").") || inChannel.ReplaceOriginal {
		t.Errorf("second click in the channel: %+v, want only to the clicker %q…", inChannel, want)
	}
	again := w.click(t, cb)
	if mustJSON(t, again.Blocks) != mustJSON(t, reply.Blocks) {
		t.Errorf("second click shows another state:\n%s", mustJSON(t, again.Blocks))
	}
	if n := w.count(t, `SELECT count(*) FROM progress WHERE kind = 'homework'`); n != 1 {
		t.Errorf("%d homework rows after a double click, want 1", n)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'homework_done'`); n != 1 {
		t.Errorf("%d audit rows after a double click, want 1", n)
	}

	// The reminder goes only to those who are not done.
	if _, _, err := w.d.Render(ctx, w.c, plannedDelivery(w.c, "homework_reminder", 2), "U0ANNA"); !errors.Is(err, scheduler.ErrSkip) {
		t.Errorf("reminder to someone done: err = %v, want ErrSkip", err)
	}
	if _, blocks, err := w.d.Render(ctx, w.c, plannedDelivery(w.c, "homework_reminder", 2), "U0BART"); err != nil || len(blocks) == 0 {
		t.Errorf("reminder to someone not done: %d blocks, err = %v", len(blocks), err)
	}
}

package bench

import (
	"fmt"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// TestDeliveriesLook checks the fan-out's watch: it counts each delivery key once however many times and wherever
// it was posted, reads a conversation again only when told it changed, and returns every copy for the duplicate
// and wrong-conversation checks.
func TestDeliveriesLook(t *testing.T) {
	d := newDeliveries()
	fake := slackfake.New(slackfake.Options{OnChange: d.changed})
	defer fake.Close()
	d.fake = fake
	a := fake.AddChannel(slackfake.Channel{Name: "a", Members: []string{fake.BotUserID()}})
	c := fake.AddChannel(slackfake.Channel{Name: "c", Members: []string{fake.BotUserID()}})
	ts := 1_700_000_000
	post := func(conv, key string) {
		t.Helper()
		ts++
		m := slackfake.Message{Conversation: conv, TS: fmt.Sprintf("%d.000100", ts), User: fake.BotUserID(), Text: key}
		if key != "" {
			m.Metadata = &slackfake.Metadata{EventType: bot.DeliveryEventType, EventPayload: map[string]any{"key": key}}
		}
		if err := fake.RestoreMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	post(a, "k1")
	post(a, "k2")
	post(a, "") // no delivery
	if n := d.look(); n != 0 {
		t.Fatalf("%d keys before any change was told, want 0: only changed conversations are read", n)
	}
	d.changed(a)
	if n := d.look(); n != 2 {
		t.Fatalf("%d keys, want 2", n)
	}
	post(a, "k1") // a duplicate in the same conversation
	post(c, "k2") // and one in another
	post(c, "k3")
	d.changed(a)
	d.changed(c)
	if n := d.look(); n != 3 {
		t.Fatalf("%d keys after duplicates and a new one, want 3", n)
	}
	if n := d.look(); n != 3 {
		t.Fatalf("%d keys on a look with nothing changed, want 3 still", n)
	}
	all := d.all()
	if len(all["k1"]) != 2 || len(all["k2"]) != 2 || len(all["k3"]) != 1 || len(all) != 3 {
		t.Errorf("messages by key %v: want k1 twice, k2 twice, k3 once", all)
	}
}

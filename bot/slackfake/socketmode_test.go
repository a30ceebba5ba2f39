package slackfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
)

// scoreModal is the modal the test bot opens on "/gesprekbot meter".
func scoreModal() slack.ModalViewRequest {
	opts := []*slack.OptionBlockObject{
		slack.NewOptionBlockObject("1", slack.NewTextBlockObject("plain_text", "1 - nog niet", false, false), nil),
		slack.NewOptionBlockObject("4", slack.NewTextBlockObject("plain_text", "4 - goed", false, false), nil),
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      "meter_submit",
		PrivateMetadata: "cohort=1",
		Title:           slack.NewTextBlockObject("plain_text", "Competentiemeter", false, false),
		Submit:          slack.NewTextBlockObject("plain_text", "Opslaan", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("score", slack.NewTextBlockObject("plain_text", "Score", false, false), nil,
				slack.NewOptionsSelectBlockElement("static_select", nil, "score_select", opts...)),
			slack.NewInputBlock("datum", slack.NewTextBlockObject("plain_text", "Datum", false, false), nil,
				slack.NewDatePickerBlockElement("datum_pick")),
			slack.NewInputBlock("toelichting", slack.NewTextBlockObject("plain_text", "Toelichting", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "toelichting_text")),
		}},
	}
}

// testBot is a minimal app on slack-go's Socket Mode client.
type testBot struct {
	api    *slack.Client
	client *socketmode.Client

	mu          sync.Mutex
	submissions []slack.InteractionCallback
	clicks      []slack.InteractionCallback
	events      []socketmode.Request
	openErr     error
	connected   int
}

func startBot(t *testing.T, w *workspace) *testBot {
	t.Helper()
	b := &testBot{api: w.api}
	b.client = socketmode.New(w.api, socketmode.OptionPingInterval(2*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.client.RunContext(ctx)
	}()
	go b.loop(ctx)
	t.Cleanup(func() {
		cancel()
		<-done
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := w.fake.WaitConnected(wctx, 1); err != nil {
		t.Fatalf("bot did not connect: %v", err)
	}
	return b
}

func (b *testBot) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-b.client.Events:
			b.handle(ctx, evt)
		}
	}
}

func (b *testBot) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		b.mu.Lock()
		b.connected++
		b.mu.Unlock()
	case socketmode.EventTypeSlashCommand:
		cmd := evt.Data.(slack.SlashCommand)
		if cmd.Text == "meter" {
			_, err := b.api.OpenViewContext(ctx, cmd.TriggerID, scoreModal())
			b.mu.Lock()
			b.openErr = err
			b.mu.Unlock()
			b.client.Ack(*evt.Request)
			return
		}
		b.client.Ack(*evt.Request, map[string]any{"response_type": "ephemeral", "text": "Hallo " + cmd.UserName + ", je typte " + cmd.Text})
	case socketmode.EventTypeInteractive:
		cb := evt.Data.(slack.InteractionCallback)
		b.mu.Lock()
		defer b.mu.Unlock()
		switch cb.Type {
		case slack.InteractionTypeViewSubmission:
			b.submissions = append(b.submissions, cb)
			if cb.View.State.Values["toelichting"]["toelichting_text"].Value == "" {
				b.client.Ack(*evt.Request, slack.NewErrorsViewSubmissionResponse(map[string]string{"toelichting": "Vul een toelichting in"}))
				return
			}
			b.client.Ack(*evt.Request)
		default:
			b.clicks = append(b.clicks, cb)
			b.client.Ack(*evt.Request)
		}
	case socketmode.EventTypeEventsAPI:
		b.mu.Lock()
		b.events = append(b.events, *evt.Request)
		b.mu.Unlock()
		b.client.Ack(*evt.Request)
	}
}

func TestSocketModeCommand(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	w.fake.StrictT(t)
	startBot(t, w)
	ctx := context.Background()

	resp, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help")
	if err != nil {
		t.Fatalf("command: %v", err)
	}
	if !resp.Acked || resp.Transport != "socket" || resp.AckLatency <= 0 || resp.AckLatency > 3*time.Second {
		t.Errorf("response = %+v", resp)
	}
	var ack struct{ Text string }
	if err := json.Unmarshal(resp.Payload, &ack); err != nil || ack.Text != "Hallo anna, je typte help" {
		t.Errorf("ack payload = %s", resp.Payload)
	}
	eph := w.fake.Ephemerals(w.anna)
	if len(eph) != 1 || eph[0].Text != "Hallo anna, je typte help" || eph[0].Conversation != w.channel {
		t.Errorf("the ack's answer was not shown to the user: %+v", eph)
	}
	if len(w.fake.Messages(w.channel)) != 0 {
		t.Error("an ephemeral answer was posted in the channel")
	}
}

func TestSocketModeModalAndClick(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	w.fake.StrictT(t)
	bot := startBot(t, w)
	ctx := context.Background()

	if _, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "meter"); err != nil {
		t.Fatal(err)
	}
	bot.mu.Lock()
	openErr := bot.openErr
	bot.mu.Unlock()
	if openErr != nil {
		t.Fatalf("views.open with the command's trigger_id: %v", openErr)
	}
	modal, ok := w.fake.TopModal(w.anna)
	if !ok || modal.Title != "Competentiemeter" || modal.CallbackID != "meter_submit" {
		t.Fatalf("modal = %+v", modal)
	}

	t.Run("SubmitWithErrors", func(t *testing.T) {
		resp, err := w.fake.SubmitView(ctx, w.anna, "", map[string]map[string]string{
			"score": {"score_select": "4"}, "datum": {"datum_pick": "2025-03-14"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.ResponseAction != "errors" || resp.Errors["toelichting"] == "" {
			t.Errorf("response = %+v", resp)
		}
		if _, ok := w.fake.TopModal(w.anna); !ok {
			t.Error("modal closed despite errors")
		}
	})

	t.Run("SubmitOK", func(t *testing.T) {
		resp, err := w.fake.SubmitView(ctx, w.anna, modal.ID, map[string]map[string]string{
			"score": {"score_select": "4"}, "datum": {"datum_pick": "2025-03-14"},
			"toelichting": {"toelichting_text": "Ik vraag beter door"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.ResponseAction != "" {
			t.Errorf("response action %q", resp.ResponseAction)
		}
		if _, ok := w.fake.TopModal(w.anna); ok {
			t.Error("modal still open after a plain ack")
		}
		bot.mu.Lock()
		last := bot.submissions[len(bot.submissions)-1]
		bot.mu.Unlock()
		v := last.View.State.Values
		if v["score"]["score_select"].SelectedOption.Value != "4" || v["datum"]["datum_pick"].SelectedDate != "2025-03-14" ||
			v["toelichting"]["toelichting_text"].Value != "Ik vraag beter door" || last.View.PrivateMetadata != "cohort=1" ||
			last.View.CallbackID != "meter_submit" || last.User.ID != w.anna {
			t.Errorf("submission = %+v", last.View.State)
		}
	})

	t.Run("UnknownInput", func(t *testing.T) {
		_, err := w.fake.SubmitView(ctx, w.anna, "", map[string]map[string]string{"x": {"y": "z"}})
		if err == nil {
			t.Error("submit without an open modal succeeded")
		}
	})

	t.Run("ExpiredTrigger", func(t *testing.T) {
		resp, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help")
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.api.OpenViewContext(ctx, resp.TriggerID, scoreModal())
		if err != nil {
			t.Fatalf("fresh trigger: %v", err)
		}
		_, err = w.api.OpenViewContext(ctx, resp.TriggerID, scoreModal())
		if slackErr(err) != "exchanged_trigger_id" {
			t.Errorf("reused trigger: %v", err)
		}
		_, err = w.api.OpenViewContext(ctx, "123.456.nope", scoreModal())
		if slackErr(err) != "invalid_trigger_id" {
			t.Errorf("unknown trigger: %v", err)
		}
	})

	t.Run("ClickButtonAndResponseURL", func(t *testing.T) {
		_, ts, err := w.api.PostMessageContext(ctx, w.channel, slack.MsgOptionBlocks(
			slack.NewActionBlock("lezen",
				slack.NewButtonBlockElement("gelezen", "reading-1", slack.NewTextBlockObject("plain_text", "Gelezen", false, false)),
				slack.NewButtonBlockElement("later", "reading-1", slack.NewTextBlockObject("plain_text", "Later", false, false))),
		), slack.MsgOptionText("Lees hoofdstuk 2", false))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := w.fake.Click(ctx, w.anna, w.channel, ts, "gelezen", "")
		if err != nil || !resp.Acked {
			t.Fatalf("click: %v %+v", err, resp)
		}
		bot.mu.Lock()
		cb := bot.clicks[len(bot.clicks)-1]
		bot.mu.Unlock()
		if len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].Value != "reading-1" ||
			cb.ActionCallback.BlockActions[0].ActionID != "gelezen" || cb.Container.MessageTs != ts ||
			cb.Channel.ID != w.channel || cb.ResponseURL == "" || cb.Message.Timestamp != ts {
			t.Errorf("block_actions = %+v", cb)
		}
		// The app answers through response_url by replacing the message.
		_, _, _, err = w.api.SendMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cb.ResponseURL),
			slack.MsgOptionText("Gelezen ✔", false))
		if err != nil {
			t.Fatalf("response_url: %v", err)
		}
		m, _ := w.fake.Message(w.channel, ts)
		if m.Text != "Gelezen ✔" || m.Blocks != nil {
			t.Errorf("replaced message = %+v", m)
		}
		_, err = w.fake.Click(ctx, w.anna, w.channel, ts, "gelezen", "")
		if err == nil {
			t.Error("clicked a button that the replacement removed")
		}
	})
}

func TestSocketModeEventsRetryAndReconnect(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{PingInterval: 500 * time.Millisecond})
	bot := startBot(t, w)
	ctx := context.Background()

	resp, err := w.fake.OpenHome(ctx, w.anna)
	if err != nil || !resp.Acked || resp.EventID == "" {
		t.Fatalf("app_home_opened: %v %+v", err, resp)
	}
	again, err := w.fake.Redeliver(ctx, resp, "timeout")
	if err != nil || !again.Acked {
		t.Fatalf("redeliver: %v", err)
	}
	bot.mu.Lock()
	events := append([]socketmode.Request(nil), bot.events...)
	bot.mu.Unlock()
	if len(events) != 2 || events[1].RetryAttempt != 1 || events[1].RetryReason != "timeout" || events[0].RetryAttempt != 0 {
		t.Fatalf("deliveries = %+v", events)
	}
	var first, second slackevents.EventsAPICallbackEvent
	_ = json.Unmarshal(events[0].Payload, &first)
	_ = json.Unmarshal(events[1].Payload, &second)
	if first.EventID != resp.EventID || second.EventID != first.EventID {
		t.Errorf("event ids %q, %q, want %q twice", first.EventID, second.EventID, resp.EventID)
	}
	if !strings.Contains(string(*first.InnerEvent), `"app_home_opened"`) {
		t.Errorf("inner event = %s", *first.InnerEvent)
	}

	t.Run("DisconnectRefresh", func(t *testing.T) {
		w.fake.Disconnect("refresh_requested", 2*time.Second)
		deadline := time.Now().Add(5 * time.Second)
		for {
			bot.mu.Lock()
			n := bot.connected
			bot.mu.Unlock()
			if n >= 2 && w.fake.Connections() == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no reconnect after disconnect (connected events %d, connections %d)", n, w.fake.Connections())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help"); err != nil {
			t.Errorf("command after reconnect: %v", err)
		}
	})

	t.Run("Dropped", func(t *testing.T) {
		bot.mu.Lock()
		before := bot.connected
		bot.mu.Unlock()
		w.fake.DropConnections()
		deadline := time.Now().Add(10 * time.Second)
		for {
			bot.mu.Lock()
			n := bot.connected
			bot.mu.Unlock()
			if n > before && w.fake.Connections() == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no reconnect after a dropped connection")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := w.fake.Event(ctx, map[string]any{"type": "member_joined_channel", "user": w.anna, "channel": w.channel}); err != nil {
			t.Errorf("event after reconnect: %v", err)
		}
	})

	t.Run("Join", func(t *testing.T) {
		newbie := w.fake.AddUser(slackfake.User{Name: "nieuw"})
		if err := w.fake.Join(w.channel, newbie); err != nil {
			t.Fatal(err)
		}
		bot.mu.Lock()
		last := bot.events[len(bot.events)-1]
		bot.mu.Unlock()
		if !strings.Contains(string(last.Payload), `"member_joined_channel"`) || !strings.Contains(string(last.Payload), newbie) {
			t.Errorf("last event = %s", last.Payload)
		}
	})
}

func TestNoApp(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{})
	_, err := w.fake.Command(context.Background(), w.anna, w.channel, "/gesprekbot", "help")
	if !errors.Is(err, slackfake.ErrNotConnected) {
		t.Errorf("err = %v, want ErrNotConnected", err)
	}
}

func TestAckTimeout(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, slackfake.Options{AckTimeout: 300 * time.Millisecond})
	// A client that connects but never acks.
	client := socketmode.New(w.api)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = client.RunContext(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-client.Events:
			}
		}
	}()
	defer func() { cancel(); <-done }()
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := w.fake.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
	resp, err := w.fake.Command(ctx, w.anna, w.channel, "/gesprekbot", "help")
	if !errors.Is(err, slackfake.ErrAckTimeout) || resp.Acked {
		t.Errorf("err = %v, acked %v; want ErrAckTimeout", err, resp.Acked)
	}
}

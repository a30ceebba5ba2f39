package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

func testPhrases() content.Phrases {
	return content.Phrases{
		ErrorGeneric:    "Er ging iets mis. Probeer het later nog eens.",
		TryAgain:        "Dat lukt nu even niet, probeer het zo opnieuw.",
		UnknownCommand:  "Dit commando ken ik niet: {commando}.",
		UnknownAction:   "Deze knop werkt niet meer.",
		UnknownView:     "Dit formulier werkt niet meer.",
		HelpParticipant: "*Wat doet de bot?*\nJe krijgt leesstof en herinneringen.\n`/competentiemeter` opent je competentiemeter.",
		HelpTrainer:     "*Voor trainers*\n`/casus reveal` zet de volgende stap van de casus klaar.",
		NoticeTitle:     "Melding",
		NoticeClose:     "Dicht",
	}
}

func newRegistry(t *testing.T) (*handlers.Registry, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	return handlers.NewRegistry(testPhrases(), slog.New(slog.NewTextHandler(&logs, nil))), &logs
}

func TestRegistryPanicsOnDuplicate(t *testing.T) {
	t.Parallel()
	cmd := func(context.Context, slack.SlashCommand) (handlers.Response, error) { return handlers.Response{}, nil }
	act := func(context.Context, slack.InteractionCallback, *slack.BlockAction) (handlers.Response, error) {
		return handlers.Response{}, nil
	}
	view := func(context.Context, slack.InteractionCallback) (handlers.ViewResponse, error) {
		return handlers.ViewResponse{}, nil
	}
	ev := func(context.Context, slackevents.EventsAPIEvent) error { return nil }
	tests := []struct {
		name     string
		register func(r *handlers.Registry)
	}{
		{"Command", func(r *handlers.Registry) { r.Command("/casus", cmd); r.Command("/CASUS", cmd) }},
		{"CommandWithWord", func(r *handlers.Registry) { r.Command("/casus reveal", cmd); r.Command("/casus  reveal", cmd) }},
		{"Action", func(r *handlers.Registry) { r.Action("meter_score", act); r.Action("meter_score", act) }},
		{"ActionWithSuffix", func(r *handlers.Registry) { r.Action("meter_score:3", act) }},
		{"View", func(r *handlers.Registry) {
			r.ViewSubmission("cohort_setup", view)
			r.ViewSubmission("cohort_setup", view)
		}},
		{"Event", func(r *handlers.Registry) { r.Event("app_home_opened", ev); r.Event("app_home_opened", ev) }},
		{"EmptyCommand", func(r *handlers.Registry) { r.Command("", cmd) }},
		{"CommandWithoutSlash", func(r *handlers.Registry) { r.Command("casus", cmd) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRegistry(t)
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tt.register(r)
		})
	}
}

func TestRegistryCommand(t *testing.T) {
	t.Parallel()
	r, logs := newRegistry(t)
	var got []string
	r.Command("/casus", func(_ context.Context, c slack.SlashCommand) (handlers.Response, error) {
		got = append(got, "casus:"+c.Text)
		return handlers.Ephemeral("casus"), nil
	})
	r.Command("/casus reveal", func(_ context.Context, c slack.SlashCommand) (handlers.Response, error) {
		got = append(got, "reveal:"+c.Text)
		return handlers.Response{Reply: &handlers.Reply{Text: "onthuld", InChannel: true}}, nil
	})
	r.Command("/training", func(context.Context, slack.SlashCommand) (handlers.Response, error) {
		return handlers.Response{}, content.Errorf(content.EFORBIDDEN, "Alleen trainers mogen dit.")
	})
	r.Command("/competentiemeter", func(context.Context, slack.SlashCommand) (handlers.Response, error) {
		return handlers.Response{}, fmt.Errorf("load meter: %w", errors.New("pq: connection refused secret-internal"))
	})
	r.Command("/gesprekbot", func(context.Context, slack.SlashCommand) (handlers.Response, error) {
		return handlers.Response{}, fmt.Errorf("load: %w", content.Errorf(content.EUNAVAILABLE, "db down"))
	})

	tests := []struct {
		name, command, text string
		known               bool
		wantType, wantText  string
		wantCalls           []string
	}{
		{"Bare", "/casus", "", true, "ephemeral", "casus", []string{"casus:"}},
		{"FirstWord", "/casus", "Reveal richard", true, "in_channel", "onthuld", []string{"reveal:Reveal richard"}},
		{"OtherWordToBare", "/casus", "status", true, "ephemeral", "casus", []string{"casus:status"}},
		{"Unknown", "/onbekend", "iets", false, "ephemeral", "Dit commando ken ik niet: /onbekend iets.", nil},
		{"ContentError", "/training", "", true, "ephemeral", "Alleen trainers mogen dit.", nil},
		{"InternalError", "/competentiemeter", "", true, "ephemeral", "Er ging iets mis. Probeer het later nog eens.", nil},
		{"Unavailable", "/gesprekbot", "", true, "ephemeral", "Dat lukt nu even niet, probeer het zo opnieuw.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			cmd := slack.SlashCommand{Command: tt.command, Text: tt.text, UserID: "U1"}
			if r.HandlesCommand(cmd) != tt.known {
				t.Fatalf("HandlesCommand = %v, want %v", !tt.known, tt.known)
			}
			ack := r.HandleCommand(context.Background(), cmd)
			if ack.Known != tt.known {
				t.Errorf("Known = %v, want %v", ack.Known, tt.known)
			}
			p, ok := ack.Payload.(handlers.Payload)
			if !ok {
				t.Fatalf("payload %T, want handlers.Payload", ack.Payload)
			}
			if p.ResponseType != tt.wantType || p.Text != tt.wantText {
				t.Errorf("payload = %+v, want %s %q", p, tt.wantType, tt.wantText)
			}
			if strings.Join(got, "|") != strings.Join(tt.wantCalls, "|") {
				t.Errorf("calls = %v, want %v", got, tt.wantCalls)
			}
		})
	}
	if !strings.Contains(logs.String(), "secret-internal") {
		t.Error("internal error was not logged")
	}
}

func blockAction(actionID string) slack.InteractionCallback {
	return slack.InteractionCallback{
		Type:           slack.InteractionTypeBlockActions,
		ActionCallback: slack.ActionCallbacks{BlockActions: []*slack.BlockAction{{ActionID: actionID, Value: "v"}}},
	}
}

func TestRegistryInteraction(t *testing.T) {
	t.Parallel()
	r, _ := newRegistry(t)
	var gotAction string
	r.Action("meter_score", func(_ context.Context, _ slack.InteractionCallback, a *slack.BlockAction) (handlers.Response, error) {
		gotAction = a.ActionID
		return handlers.Response{Reply: &handlers.Reply{Text: "bewaard", ReplaceOriginal: true}}, nil
	})
	r.ViewSubmission("cohort_setup", func(_ context.Context, cb slack.InteractionCallback) (handlers.ViewResponse, error) {
		if cb.View.PrivateMetadata == "bad" {
			return handlers.ViewErrors(map[string]string{"naam": "Vul een naam in."}), nil
		}
		if cb.View.PrivateMetadata == "fail" {
			return handlers.ViewResponse{}, content.Errorf(content.EINVALID, "Die datum ligt in het verleden.")
		}
		return handlers.ViewResponse{}, nil
	})
	view := func(callbackID, meta string) slack.InteractionCallback {
		cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission}
		cb.View.CallbackID = callbackID
		cb.View.PrivateMetadata = meta
		return cb
	}
	tests := []struct {
		name        string
		cb          slack.InteractionCallback
		known       bool
		wantPayload string // JSON of the ack payload, "" for none
		wantFollow  string
	}{
		{"ActionWithSuffix", blockAction("meter_score:3"), true, "", "bewaard"},
		{"UnknownAction", blockAction("oude_knop"), false, "", testPhrases().UnknownAction},
		{"ViewOK", view("cohort_setup", ""), true, "", ""},
		{"ViewErrors", view("cohort_setup", "bad"), true, `{"response_action":"errors","errors":{"naam":"Vul een naam in."}}`, ""},
		{"ViewContentError", view("cohort_setup", "fail"), true, "Die datum ligt in het verleden.", ""},
		{"UnknownView", view("oud_formulier", ""), false, testPhrases().UnknownView, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r.HandlesInteraction(tt.cb) != tt.known {
				t.Fatalf("HandlesInteraction = %v, want %v", !tt.known, tt.known)
			}
			ack := r.HandleInteraction(context.Background(), tt.cb)
			if ack.Known != tt.known {
				t.Errorf("Known = %v, want %v", ack.Known, tt.known)
			}
			var payload string
			if ack.Payload != nil {
				b, err := json.Marshal(ack.Payload)
				if err != nil {
					t.Fatal(err)
				}
				payload = string(b)
			}
			if (tt.wantPayload == "") != (payload == "") || !strings.Contains(payload, tt.wantPayload) {
				t.Errorf("payload = %s, want it to contain %q", payload, tt.wantPayload)
			}
			var follow string
			if ack.Followup != nil {
				follow = ack.Followup.Text
			}
			if follow != tt.wantFollow {
				t.Errorf("followup = %q, want %q", follow, tt.wantFollow)
			}
		})
	}
	if gotAction != "meter_score:3" {
		t.Errorf("handler got action %q, want the full action_id", gotAction)
	}
}

// TestNoticeViewPhrases: the notice modal's title and close button are phrases (a CONTENT_DIR changes them), both
// where the registry answers a form it does not know and where the bot's inbound side asks the registry for one.
func TestNoticeViewPhrases(t *testing.T) {
	t.Parallel()
	r, _ := newRegistry(t)
	cb := slack.InteractionCallback{Type: slack.InteractionTypeViewSubmission}
	cb.View.CallbackID = "oud_formulier"
	ack := r.HandleInteraction(context.Background(), cb)
	resp, ok := ack.Payload.(*slack.ViewSubmissionResponse)
	if !ok || resp.View == nil {
		t.Fatalf("payload = %#v, want a view submission response with a view", ack.Payload)
	}
	for _, v := range []*slack.ModalViewRequest{resp.View, r.NoticeView("tekst")} {
		if v.Title == nil || v.Title.Text != "Melding" || v.Close == nil || v.Close.Text != "Dicht" {
			t.Errorf("notice title %+v, close %+v: want the phrases Melding and Dicht", v.Title, v.Close)
		}
	}
}

func TestRegistryEvent(t *testing.T) {
	t.Parallel()
	r, _ := newRegistry(t)
	calls := 0
	r.Event("app_home_opened", func(context.Context, slackevents.EventsAPIEvent) error { calls++; return nil })
	r.Event("member_joined_channel", func(context.Context, slackevents.EventsAPIEvent) error { return io.ErrUnexpectedEOF })
	tests := []struct {
		name, typ        string
		handled, wantErr bool
	}{
		{"Known", "app_home_opened", true, false},
		{"Failing", "member_joined_channel", true, true},
		{"Unknown", "reaction_added", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := slackevents.EventsAPIEvent{InnerEvent: slackevents.EventsAPIInnerEvent{Type: tt.typ}}
			handled, err := r.HandleEvent(context.Background(), ev)
			if handled != tt.handled || (err != nil) != tt.wantErr || r.HandlesEvent(tt.typ) != tt.handled {
				t.Errorf("handled=%v err=%v, want %v wantErr=%v", handled, err, tt.handled, tt.wantErr)
			}
		})
	}
	if calls != 1 {
		t.Errorf("calls = %d, want 1", calls)
	}
}

func TestTextSections(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("woord ", 700) + "\n\n" + strings.Repeat("zin ", 400)
	tests := []struct {
		name  string
		text  string
		count int
	}{
		{"Short", "Hallo", 1},
		{"Empty", "  ", 0},
		{"SplitAtParagraph", long, 2},
		{"NoSpaces", strings.Repeat("x", 6500), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := handlers.TextSections(tt.text)
			if len(blocks) != tt.count {
				t.Fatalf("got %d sections, want %d", len(blocks), tt.count)
			}
			total := 0
			for _, b := range blocks {
				n := len([]rune(b.(*slack.SectionBlock).Text.Text))
				if n > 3000 || n == 0 {
					t.Errorf("section of %d characters", n)
				}
				total += n
			}
			if tt.name == "NoSpaces" && total != 6500 {
				t.Errorf("lost characters: %d", total)
			}
		})
	}
}

package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/handlers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares v as indented JSON with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n%s", name, got)
	}
}

type trainers map[string]bool

func (tr trainers) IsTrainer(_ context.Context, userID string) (bool, error) {
	if userID == "UBROKEN" {
		return false, errors.New("database gone")
	}
	return tr[userID], nil
}

func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, user, text, golden string
	}{
		{"Participant", "UPART", "help", "help_participant.json"},
		{"Trainer", "UTRAIN", "help", "help_trainer.json"},
		{"Bare", "UPART", "", "help_participant.json"},
		{"LookupFails", "UBROKEN", "HELP", "help_participant.json"},
		{"UnknownSubcommand", "UTRAIN", "exporteer alles", "help_unknown_trainer.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newRegistry(t)
			handlers.RegisterHelp(r, trainers{"UTRAIN": true}, bottest.QuietLog())
			ack := r.HandleCommand(context.Background(), slack.SlashCommand{Command: "/gesprekbot", Text: tt.text, UserID: tt.user})
			if !ack.Known {
				t.Fatal("help not registered")
			}
			golden(t, tt.golden, ack.Payload)
		})
	}
}

package handlers

import (
	"context"
	"log/slog"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// Slash commands of the bot. The manifest (slack-app-manifest.yaml) declares the same ones.
const (
	CommandGesprekbot       = "/gesprekbot"
	CommandTraining         = "/training"
	CommandCasus            = "/casus"
	CommandCompetentiemeter = "/competentiemeter"
)

// TrainerLookup tells whether a Slack user is a trainer of any cohort; trainers see their own commands in the help.
// *Gate implements it.
type TrainerLookup interface {
	IsTrainer(ctx context.Context, userID string) (bool, error)
}

// Help answers `/gesprekbot help` (and a bare `/gesprekbot`): what the bot does and which commands the caller may
// use; trainers also see theirs.
type Help struct {
	phrases  content.Phrases
	trainers TrainerLookup
	log      *slog.Logger
}

// RegisterHelp registers `/gesprekbot help` and the bare `/gesprekbot` (which also catches unknown subcommands:
// it says it does not know them and shows the help).
func RegisterHelp(r *Registry, trainers TrainerLookup, log *slog.Logger) *Help {
	h := &Help{phrases: r.Phrases(), trainers: trainers, log: log}
	r.Command(CommandGesprekbot+" help", h.Command)
	r.Command(CommandGesprekbot, h.Command)
	r.DeclareTrainerPart("command", CommandGesprekbot+" help")
	r.DeclareTrainerPart("command", CommandGesprekbot)
	return h
}

// Command handles the slash command.
func (h *Help) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	trainer, err := h.trainers.IsTrainer(ctx, cmd.UserID)
	if err != nil {
		// The participant help is still right for most callers; a failed lookup must not hide all help.
		h.log.WarnContext(ctx, "trainer lookup failed", slog.String("user_id", cmd.UserID), slog.Any("error", err))
		trainer = false
	}
	intro := ""
	if sub := firstWord(cmd.Text); sub != "" && !strings.EqualFold(sub, "help") {
		intro = content.Fill(h.phrases.UnknownCommand, map[string]string{"commando": CommandGesprekbot + " " + sub})
	}
	return Response{Reply: HelpReply(h.phrases, trainer, intro)}, nil
}

// HelpReply builds the help message: an optional intro line, the participant help, and for trainers the trainer
// help below a divider.
func HelpReply(p content.Phrases, trainer bool, intro string) *Reply {
	var blocks []slack.Block
	text := p.HelpParticipant
	if intro != "" {
		blocks = append(blocks, TextSections(intro)...)
		text = intro + "\n\n" + text
	}
	blocks = append(blocks, TextSections(p.HelpParticipant)...)
	if trainer {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, TextSections(p.HelpTrainer)...)
		text += "\n\n" + p.HelpTrainer
	}
	return &Reply{Text: text, Blocks: blocks}
}

package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Privacy commands and the buttons of the erasure's confirmation.
const (
	// SubcommandMijnGegevens sends the caller a JSON file with everything the bot stored about them.
	SubcommandMijnGegevens = "mijn-gegevens"
	// SubcommandVergeetMij erases everything about the caller, after a confirmation.
	SubcommandVergeetMij = "vergeet-mij"

	ActionPrivacyErase  = "privacy_erase"  // "Ja, wis mijn gegevens": value the caller's user ID
	ActionPrivacyCancel = "privacy_cancel" // "Annuleren"
)

// PrivacyStore is what export and erasure need from the database; *store.DB implements it.
type PrivacyStore interface {
	ExportPersonalData(ctx context.Context, userID string) (store.PersonalData, error)
	// CheckErasable refuses a trainer of a running cohort, with the reason.
	CheckErasable(ctx context.Context, userID string) error
	// ErasePerson erases everything about userID in one transaction; conversations are their DMs with the bot,
	// whose saved sandbox copies go too.
	ErasePerson(ctx context.Context, userID string, conversations []string) (store.ErasureResult, error)
}

// PrivacySlack is what export and erasure send to Slack; cmd wires it to the bot's Poster.
type PrivacySlack interface {
	// OpenDM returns the ID of the bot's DM conversation with a user.
	OpenDM(ctx context.Context, userID string) (string, error)
	// UploadFile shares a file in a conversation and returns its id.
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
}

// HomeRefresher redraws a user's App Home tab; *Home implements it.
type HomeRefresher interface {
	Refresh(ctx context.Context, userID string) error
}

// PrivacyDeps are what RegisterPrivacy needs. Home is optional: when set, the App Home is redrawn after an
// erasure, so that it no longer shows what was erased.
type PrivacyDeps struct {
	Store PrivacyStore
	Slack PrivacySlack
	Home  HomeRefresher
	Log   *slog.Logger
}

// Privacy answers `/gesprekbot mijn-gegevens` (a JSON export of everything stored about the caller, sent to their
// DM as a file) and `/gesprekbot vergeet-mij` (erasure of all of it, after the caller confirmed with a button).
type Privacy struct {
	deps    PrivacyDeps
	phrases content.Phrases
}

// RegisterPrivacy registers the two subcommands of /gesprekbot and the confirmation's buttons.
func RegisterPrivacy(r *Registry, deps PrivacyDeps) *Privacy {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	p := &Privacy{deps: deps, phrases: r.Phrases()}
	r.Command(CommandGesprekbot+" "+SubcommandMijnGegevens, p.Export)
	r.Command(CommandGesprekbot+" "+SubcommandVergeetMij, p.Forget)
	r.Action(ActionPrivacyErase, p.Erase)
	r.Action(ActionPrivacyCancel, p.Cancel)
	return p
}

// personalExport is the file the caller receives: a short explanation in Dutch above the data.
type personalExport struct {
	Uitleg string `json:"uitleg"`
	store.PersonalData
}

// Export handles `/gesprekbot mijn-gegevens`: it answers at once, then reads the caller's data and uploads it to
// their DM as a JSON file. Only the caller's own data is in it (store.ExportPersonalData).
func (p *Privacy) Export(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	userID := cmd.UserID
	return Response{
		Reply: &Reply{Text: p.phrases.PrivacyExportComing},
		Later: func(ctx context.Context) (*Reply, error) {
			data, err := p.deps.Store.ExportPersonalData(ctx, userID)
			if err != nil {
				return nil, fmt.Errorf("export personal data: %w", err)
			}
			b, err := json.MarshalIndent(personalExport{Uitleg: p.phrases.PrivacyExportExplained, PersonalData: data}, "", "  ")
			if err != nil {
				return nil, fmt.Errorf("export personal data: %w", err)
			}
			dm, err := p.deps.Slack.OpenDM(ctx, userID)
			if err != nil {
				return nil, fmt.Errorf("export personal data: %w", err)
			}
			name := "gesprekbot-mijn-gegevens-" + data.ExportedAt.Format("2006-01-02") + ".json"
			if _, err := p.deps.Slack.UploadFile(ctx, dm, name, p.phrases.PrivacyExportTitle, b); err != nil {
				return nil, fmt.Errorf("export personal data: %w", err)
			}
			return &Reply{Text: p.phrases.DataExported + " " + p.phrases.PrivacyExportWhere}, nil
		},
	}, nil
}

// Forget handles `/gesprekbot vergeet-mij`: it explains what erasure means and asks for confirmation with two
// buttons, only to the caller. Nothing is erased yet. A trainer of a running cohort is told why it cannot be done.
func (p *Privacy) Forget(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	if err := p.deps.Store.CheckErasable(ctx, cmd.UserID); err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	return Response{Reply: ForgetConfirmReply(p.phrases, cmd.UserID)}, nil
}

// ForgetConfirmReply is the question before an erasure: what will be erased, and the buttons to go ahead or not.
func ForgetConfirmReply(phrases content.Phrases, userID string) *Reply {
	erase := button(ActionPrivacyErase, userID, phrases.PrivacyEraseButton, false)
	erase.Style = slack.StyleDanger
	cancel := button(ActionPrivacyCancel, "cancel", phrases.PrivacyCancelButton, false)
	return &Reply{Text: phrases.PrivacyConfirmTitle, Blocks: []slack.Block{
		slack.NewSectionBlock(mrkdwn(phrases.PrivacyConfirmTitle+"\n"+phrases.PrivacyConfirm), nil, nil),
		slack.NewActionBlock("privacy_confirm", erase, cancel),
		slack.NewContextBlock("", mrkdwn(phrases.PrivacyConfirmHint)),
	}}
}

// Erase handles "Ja, wis mijn gegevens": everything about the one who clicked is erased in one transaction, and the
// question is replaced by the result. The button only erases the data of whom it was shown to.
func (p *Privacy) Erase(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	userID := cb.User.ID
	if action.Value != userID {
		return Ephemeral(p.phrases.PrivacyNotYours), nil
	}
	var conversations []string
	if dm, err := p.deps.Slack.OpenDM(ctx, userID); err == nil {
		conversations = append(conversations, dm)
	} else {
		// Only the sandbox keeps copies of a DM; the erasure itself does not depend on it.
		p.deps.Log.WarnContext(ctx, "privacy: dm not found for erasure", slog.Any("error", err))
	}
	started := time.Now()
	res, err := p.deps.Store.ErasePerson(ctx, userID, conversations)
	if err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	// Counts only: who it was is exactly what must not be logged.
	p.deps.Log.InfoContext(ctx, "person erased", slog.Int64("rows", res.Total()),
		slog.Duration("took", time.Since(started)))
	out := Response{Reply: &Reply{Text: p.phrases.DataErased, ReplaceOriginal: true, Blocks: []slack.Block{
		slack.NewSectionBlock(mrkdwn(p.phrases.DataErased+"\n"+p.phrases.PrivacyErasedMore), nil, nil),
	}}}
	if p.deps.Home != nil {
		out.Later = func(ctx context.Context) (*Reply, error) {
			return nil, p.deps.Home.Refresh(ctx, userID)
		}
	}
	return out, nil
}

// Cancel handles "Annuleren": nothing is erased, and the question is replaced by a note saying so.
func (p *Privacy) Cancel(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	return Response{Reply: &Reply{Text: p.phrases.PrivacyCancelled, ReplaceOriginal: true}}, nil
}

package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
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
	ExportPersonalData(ctx context.Context, userID, otherPerson string) (store.PersonalData, error)
	// CheckErasable refuses a trainer of a running cohort, with the reason.
	CheckErasable(ctx context.Context, userID string) error
	// ErasePerson erases everything about userID; conversations are their DMs with the bot, whose saved sandbox
	// copies go too. It can be repeated.
	ErasePerson(ctx context.Context, userID string, conversations []string) (store.ErasureResult, error)
	// The erasure requests: one per person, leased to the process that runs it (store/erasure.go).
	RequestErasure(ctx context.Context, userID, responseURL, owner string, leaseUntil time.Time) (store.ErasureRequest, error)
	ErasureRunning(ctx context.Context, userID string) (bool, error)
	ClaimErasures(ctx context.Context, owner string, now, leaseUntil time.Time, limit int) ([]store.ErasureRequest, error)
	AdvanceErasure(ctx context.Context, r store.ErasureRequest, owner string, leaseUntil time.Time) error
	RenewErasure(ctx context.Context, userID, owner string, leaseUntil time.Time) error
	FinishErasure(ctx context.Context, userID, owner string) error
	// The evaluation board, to redraw a posted board without the erased person (store/posted_copy.go).
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	EvaluationBoard(ctx context.Context, cohortID int64) ([]store.BoardEntry, error)
	BoardPeople(ctx context.Context, channel, postTS string) ([]string, error)
	ForgetBoardPart(ctx context.Context, channel, ts string) error
	RecordPostedCopies(ctx context.Context, copies []store.PostedCopy) error
}

// SentMessage is one of the bot's messages in a conversation: its ts, the files it carries, and the key in its
// metadata when it was posted with one (PostKeyed, or a planned delivery).
type SentMessage struct {
	TS    string
	Files []string
	Key   string
}

// erasureKeyPrefix starts the key of the message that tells a person their erasure is done. A later erasure
// leaves such messages: they hold nothing but what was erased, and the person may want to read it back.
const erasureKeyPrefix = "erasure/"

// PrivacySlack is what export and erasure send to Slack; cmd wires it to the bot's Poster.
type PrivacySlack interface {
	// OpenDM returns the ID of the bot's DM conversation with a user.
	OpenDM(ctx context.Context, userID string) (string, error)
	// UploadFile shares a file in a conversation and returns its id.
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
	// BotMessages lists the bot's messages in a conversation, with their files.
	BotMessages(ctx context.Context, channel string) ([]SentMessage, error)
	// DeleteOwn deletes the bot's message; deleted is false for a message that is not the bot's.
	DeleteOwn(ctx context.Context, channel, ts string) (deleted bool, err error)
	// DeleteFile deletes a file the bot uploaded; one that is gone already is no error.
	DeleteFile(ctx context.Context, fileID string) error
	// PostKeyed posts a message carrying key in its metadata, and FindDelivery finds it again by that key.
	PostKeyed(ctx context.Context, channel, text string, blocks []slack.Block, key string) (string, string, error)
	FindDelivery(ctx context.Context, channel, key string, oldest time.Time) (ts string, found bool, err error)
	// Respond posts to an interaction's response_url.
	Respond(ctx context.Context, responseURL string, payload Payload) error
	// Edit replaces a message of the bot (chat.update), and Post posts one: a board redrawn without someone.
	Edit(ctx context.Context, channel, ts, text string, blocks []slack.Block) error
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
}

// HomeRefresher redraws a user's App Home tab; *Home implements it.
type HomeRefresher interface {
	Refresh(ctx context.Context, userID string) error
}

// PrivacyDeps are what RegisterPrivacy needs. Home is optional: when set, the App Home is redrawn after an
// erasure, so that it no longer shows what was erased.
type PrivacyDeps struct {
	// Course draws an evaluation board again without an erased person; without it such a board is deleted.
	Course *content.Course
	Store  PrivacyStore
	Slack  PrivacySlack
	Home   HomeRefresher
	Log    *slog.Logger
	Now    func() time.Time // the clock of the erasure requests' leases; time.Now

	Owner        string        // who holds the leases of erasures this process runs: hostname, pid and a random part
	Lease        time.Duration // how long an erasure is held between steps before another process may take it: 2m
	EraseTimeout time.Duration // an erasure's own deadline, after the ack: 15m
}

// Limits of an erasure.
const (
	// erasureRenewEvery is how many Slack deletions go between renewals of the lease.
	erasureRenewEvery = 20
	// erasureMaxAttempts is how often an erasure's Slack steps are tried before it is finished without them (a
	// person whose account is gone has no DM to clean up or to tell). The database step is never skipped.
	erasureMaxAttempts = 10
	// erasureResumeEvery is how often Run looks for erasures whose process stopped.
	erasureResumeEvery = time.Minute
)

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
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		deps.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if deps.Lease <= 0 {
		deps.Lease = 2 * time.Minute
	}
	if deps.EraseTimeout <= 0 {
		deps.EraseTimeout = 15 * time.Minute
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
			data, err := p.deps.Store.ExportPersonalData(ctx, userID, p.phrases.PrivacyOtherPerson)
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
// buttons, only to the caller. Nothing is erased yet. A trainer of a running cohort is told why it cannot be done;
// someone whose erasure is running already is told so.
func (p *Privacy) Forget(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	if err := p.deps.Store.CheckErasable(ctx, cmd.UserID); err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	running, err := p.deps.Store.ErasureRunning(ctx, cmd.UserID)
	if err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	if running {
		return Ephemeral(p.phrases.PrivacyEraseBusy), nil
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

// Erase handles "Ja, wis mijn gegevens": the erasure of the one who clicked is recorded (one per person at a time)
// and the question is replaced by "bezig met wissen…" at once; the erasure itself runs after the ack, with its own
// deadline (runErasure). The button only erases the data of whom it was shown to.
func (p *Privacy) Erase(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	userID := cb.User.ID
	if action.Value != userID {
		return Ephemeral(p.phrases.PrivacyNotYours), nil
	}
	if err := p.deps.Store.CheckErasable(ctx, userID); err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	req, err := p.deps.Store.RequestErasure(ctx, userID, cb.ResponseURL, p.deps.Owner, p.deps.Now().Add(p.deps.Lease))
	if errors.Is(err, store.ErrErasureRunning) {
		return Response{Reply: &Reply{Text: p.phrases.PrivacyEraseBusy, ReplaceOriginal: true}}, nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("vergeet-mij: %w", err)
	}
	return Response{
		Reply: &Reply{Text: p.phrases.PrivacyErasing, ReplaceOriginal: true},
		Later: func(ctx context.Context) (*Reply, error) {
			// Its own deadline: deleting a long DM runs at Slack's pace for chat.delete (50 a minute), past the
			// dispatcher's bound on work after an ack. Should the process stop first, the request's lease runs
			// out and Run takes it up again where it was.
			ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.deps.EraseTimeout)
			defer cancel()
			if err := p.runErasure(ectx, req); err != nil {
				p.deps.Log.ErrorContext(ctx, "erasure failed; it is tried again when its lease runs out", slog.Any("error", err))
			}
			return nil, nil
		},
	}, nil
}

// Run takes up erasures whose process stopped before they were done (their lease ran out), at once and then every
// minute, until ctx ends. The person was promised their erasure: a crash after the ack must not drop it.
func (p *Privacy) Run(ctx context.Context) error {
	t := time.NewTicker(erasureResumeEvery)
	defer t.Stop()
	for {
		if _, err := p.ResumeErasures(ctx); err != nil && ctx.Err() == nil {
			p.deps.Log.WarnContext(ctx, "resume erasures", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// ResumeErasures takes over the erasures whose lease ran out and runs each to its end; it returns how many it
// finished.
func (p *Privacy) ResumeErasures(ctx context.Context) (int, error) {
	now := p.deps.Now()
	reqs, err := p.deps.Store.ClaimErasures(ctx, p.deps.Owner, now, now.Add(p.deps.Lease), 10)
	if err != nil {
		return 0, fmt.Errorf("resume erasures: %w", err)
	}
	done := 0
	for _, r := range reqs {
		// In the workspace the person asked in: the bot's messages there go with that workspace's token.
		ectx, cancel := context.WithTimeout(store.WithTeam(ctx, r.TeamID), p.deps.EraseTimeout)
		err := p.runErasure(ectx, r)
		cancel()
		if err != nil {
			p.deps.Log.ErrorContext(ctx, "resumed erasure failed; it is tried again when its lease runs out",
				slog.Int("attempts", r.Attempts), slog.Any("error", err))
			continue
		}
		done++
	}
	return done, nil
}

// runErasure takes an erasure request from the stage it reached to its end: the database (ErasePerson), then the
// bot's messages and files in the person's DM (and the database once more, for anything written meanwhile), then
// a new message in the DM saying what was erased and what stays. Each stage is recorded before the next begins,
// so a request taken over after a crash goes on where it was. Only counts are logged: who it was is exactly what
// must not be.
func (p *Privacy) runErasure(ctx context.Context, req store.ErasureRequest) error {
	started := time.Now()
	userID := req.UserID
	if req.Erased == nil {
		req.Erased = store.ErasedCounts{}
	}
	advance := func(stage string) error {
		req.Stage = stage
		if err := p.deps.Store.AdvanceErasure(ctx, req, p.deps.Owner, p.deps.Now().Add(p.deps.Lease)); err != nil {
			return fmt.Errorf("erasure: %w", err)
		}
		return nil
	}
	openDM := func() error {
		if req.DMChannel != "" {
			return nil
		}
		dm, err := p.deps.Slack.OpenDM(ctx, userID)
		if err != nil {
			return fmt.Errorf("erasure: open dm: %w", err)
		}
		req.DMChannel = dm
		return nil
	}
	giveUpOnSlack := req.Attempts > erasureMaxAttempts

	if req.Stage == store.ErasureStageDatabase {
		if err := openDM(); err != nil {
			// The rows go first, whatever Slack says: the DM is looked for again in the next stage.
			p.deps.Log.WarnContext(ctx, "erasure: dm not found yet", slog.Any("error", err))
		}
		res, err := p.deps.Store.ErasePerson(ctx, userID, conversationsOf(req.DMChannel))
		if err != nil {
			return fmt.Errorf("erasure: %w", err)
		}
		req.MessageTS = res.Messages
		req.Copies = res.Copies
		addErased(req.Erased, res)
		if err := advance(store.ErasureStageSlack); err != nil {
			return err
		}
	}

	if req.Stage == store.ErasureStageSlack {
		err := openDM()
		if err == nil {
			err = p.cleanDM(ctx, &req)
		}
		// Their work in other people's conversations goes whatever became of the DM.
		if cerr := p.cleanCopies(ctx, &req); err == nil {
			err = cerr
		}
		switch {
		case err != nil && !giveUpOnSlack:
			return err
		case err != nil:
			p.deps.Log.ErrorContext(ctx, "erasure: the bot's messages could not be deleted; finishing without",
				slog.Int("attempts", req.Attempts), slog.Any("error", err))
		}
		// Anything written for the person while Slack was being cleaned up (a click on an old button, a file
		// copy the sandbox saved) goes too.
		res, err := p.deps.Store.ErasePerson(ctx, userID, conversationsOf(req.DMChannel))
		if err != nil {
			return fmt.Errorf("erasure: second pass: %w", err)
		}
		addErased(req.Erased, res)
		// A copy posted meanwhile (a trainer's /training huiswerk at that moment) is deleted now; should this fail,
		// the copies are kept with the request and the stage is repeated.
		if len(res.Copies) > 0 {
			req.Copies = res.Copies
			if err := p.deps.Store.AdvanceErasure(ctx, req, p.deps.Owner, p.deps.Now().Add(p.deps.Lease)); err != nil {
				return fmt.Errorf("erasure: %w", err)
			}
			if err := p.cleanCopies(ctx, &req); err != nil && !giveUpOnSlack {
				return err
			}
		}
		if err := advance(store.ErasureStageTell); err != nil {
			return err
		}
	}

	if req.Stage == store.ErasureStageTell {
		if err := p.tell(ctx, req); err != nil {
			if !giveUpOnSlack {
				return err
			}
			p.deps.Log.ErrorContext(ctx, "erasure: could not tell the person; finishing without", slog.Any("error", err))
		}
		if err := p.deps.Store.FinishErasure(ctx, userID, p.deps.Owner); err != nil {
			return fmt.Errorf("erasure: %w", err)
		}
	}
	var rows int64
	for k, n := range req.Erased {
		if k != erasedSlackMessages && k != erasedSlackCopies {
			rows += n
		}
	}
	p.deps.Log.InfoContext(ctx, "person erased", slog.Int64("rows", rows),
		slog.Int64("slack_messages", req.Erased[erasedSlackMessages]), slog.Int64("slack_copies", req.Erased[erasedSlackCopies]),
		slog.Int("attempts", req.Attempts),
		slog.Duration("took", time.Since(started)))
	if p.deps.Home != nil {
		if err := p.deps.Home.Refresh(ctx, userID); err != nil {
			p.deps.Log.WarnContext(ctx, "erasure: app home not redrawn", slog.Any("error", err))
		}
	}
	return nil
}

// erasedSlackMessages is the key of ErasedCounts for the bot's messages and files deleted in Slack in the person's
// DM; erasedSlackCopies for the copies of their work deleted (or a board redrawn) in other people's conversations.
const (
	erasedSlackMessages = "slack_messages"
	erasedSlackCopies   = "slack_copies"
)

// addErased adds what ErasePerson removed to the counts: deleted rows by table, anonymised ones (where the person
// was replaced by store.ErasedActor) by table with "anonymised_" before it.
func addErased(counts store.ErasedCounts, res store.ErasureResult) {
	counts.Add(res.Deleted)
	for table, n := range res.Anonymised {
		counts["anonymised_"+table] += n
	}
}

// cleanDM deletes the bot's messages in the person's DM, and the files they carry: every one that Slack's history
// lists, and those the database had recorded (in case the history cannot be read). Messages the person wrote stay;
// Slack does not let the bot delete them anyway.
func (p *Privacy) cleanDM(ctx context.Context, req *store.ErasureRequest) error {
	listed, err := p.deps.Slack.BotMessages(ctx, req.DMChannel)
	if err != nil {
		// The recorded messages still go; the history is read again should this stage be repeated.
		p.deps.Log.WarnContext(ctx, "erasure: dm history not readable", slog.Any("error", err))
	}
	seen := map[string]bool{}
	var msgs []SentMessage
	for _, m := range listed {
		seen[m.TS] = true
		if !strings.HasPrefix(m.Key, erasureKeyPrefix) {
			msgs = append(msgs, m)
		}
	}
	for _, ts := range req.MessageTS {
		if !seen[ts] {
			msgs = append(msgs, SentMessage{TS: ts})
		}
	}
	for i, m := range msgs {
		if i > 0 && i%erasureRenewEvery == 0 {
			if err := p.deps.Store.RenewErasure(ctx, req.UserID, p.deps.Owner, p.deps.Now().Add(p.deps.Lease)); err != nil {
				return fmt.Errorf("erasure: %w", err)
			}
		}
		for _, f := range m.Files {
			if err := p.deps.Slack.DeleteFile(ctx, f); err != nil {
				return fmt.Errorf("erasure: delete file: %w", err)
			}
			req.Erased[erasedSlackMessages]++
		}
		deleted, err := p.deps.Slack.DeleteOwn(ctx, req.DMChannel, m.TS)
		if err != nil {
			return fmt.Errorf("erasure: delete message: %w", err)
		}
		if deleted {
			req.Erased[erasedSlackMessages]++
		}
	}
	return listedErr(err)
}

// cleanCopies deletes the copies of the person's work that the bot posted in other people's conversations: their
// homework in trainers' DMs (the messages, and the file with everyone's), the feedback they gave in the
// gespreksvoerder's DM. A board in the channel is drawn again without them (cleanBoard). Every step can be repeated:
// a message or file that is gone counts as deleted, and a board drawn again comes out the same.
func (p *Privacy) cleanCopies(ctx context.Context, req *store.ErasureRequest) error {
	type post struct{ channel, ts string }
	boards := map[post][]store.PostedCopy{}
	var order []post
	done := map[string]bool{}
	for i, c := range req.Copies {
		if i > 0 && i%erasureRenewEvery == 0 {
			if err := p.deps.Store.RenewErasure(ctx, req.UserID, p.deps.Owner, p.deps.Now().Add(p.deps.Lease)); err != nil {
				return fmt.Errorf("erasure: %w", err)
			}
		}
		switch {
		case c.Kind == store.CopyBoard:
			k := post{c.Channel, c.PostTS}
			if _, ok := boards[k]; !ok {
				order = append(order, k)
			}
			boards[k] = append(boards[k], c)
		case c.FileID != "":
			if done["f"+c.FileID] {
				continue
			}
			if err := p.deps.Slack.DeleteFile(ctx, c.FileID); err != nil {
				return fmt.Errorf("erasure: delete copy: %w", err)
			}
			done["f"+c.FileID] = true
			req.Erased[erasedSlackCopies]++
		default:
			if done[c.Channel+"/"+c.TS] {
				continue
			}
			deleted, err := p.deps.Slack.DeleteOwn(ctx, c.Channel, c.TS)
			if err != nil {
				return fmt.Errorf("erasure: delete copy: %w", err)
			}
			done[c.Channel+"/"+c.TS] = true
			if deleted {
				req.Erased[erasedSlackCopies]++
			}
		}
	}
	for _, k := range order {
		if err := p.cleanBoard(ctx, k.channel, k.ts, boards[k]); err != nil {
			return err
		}
		if !done["b"+k.channel+"/"+k.ts] {
			done["b"+k.channel+"/"+k.ts] = true
			req.Erased[erasedSlackCopies]++
		}
	}
	return nil
}

// cleanBoard draws the evaluation board posted at postTS again without the erased person, in place (chat.update):
// the board stays where the trainer posted it, among the group's messages about it, and nobody is notified of a new
// post; and an update repeated after a crash changes nothing, where a repost could post it twice. It shows those
// who were on it when it was posted and still are (their notes as they are now); with nobody left its messages are
// deleted. parts are the board's messages as recorded for the erased person (every part names everyone on it).
func (p *Privacy) cleanBoard(ctx context.Context, channel, postTS string, parts []store.PostedCopy) error {
	slices.SortFunc(parts, func(a, b store.PostedCopy) int { return a.Part - b.Part })
	parts = slices.CompactFunc(parts, func(a, b store.PostedCopy) bool { return a.Part == b.Part })
	var msgs []Message
	var cohort *content.Cohort
	var entries []store.BoardEntry
	if p.deps.Course != nil {
		c, err := p.deps.Store.CohortByID(ctx, parts[0].CohortID)
		if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
			return fmt.Errorf("erasure: board: %w", err)
		}
		if c != nil {
			cohort = c
			people, err := p.deps.Store.BoardPeople(ctx, channel, postTS)
			if err != nil {
				return fmt.Errorf("erasure: board: %w", err)
			}
			all, err := p.deps.Store.EvaluationBoard(ctx, c.ID)
			if err != nil {
				return fmt.Errorf("erasure: board: %w", err)
			}
			for _, en := range all {
				if slices.Contains(people, en.UserID) {
					entries = append(entries, en)
				}
			}
			if len(entries) > 0 {
				msgs = BoardMessages(p.deps.Course, c, entries)
			}
		}
	}
	for i, part := range parts {
		if i < len(msgs) {
			if err := p.deps.Slack.Edit(ctx, part.Channel, part.TS, msgs[i].Text, msgs[i].Blocks); err != nil {
				return fmt.Errorf("erasure: redraw board: %w", err)
			}
			continue
		}
		if _, err := p.deps.Slack.DeleteOwn(ctx, part.Channel, part.TS); err != nil {
			return fmt.Errorf("erasure: delete board: %w", err)
		}
		if err := p.deps.Store.ForgetBoardPart(ctx, part.Channel, part.TS); err != nil {
			return fmt.Errorf("erasure: %w", err)
		}
	}
	// The others' notes grew since the board was posted and no longer fit its messages: the rest is posted after
	// it, rather than cut.
	for i := len(parts); i < len(msgs); i++ {
		ch, ts, err := p.deps.Slack.Post(ctx, channel, msgs[i].Text, msgs[i].Blocks)
		if err != nil {
			return fmt.Errorf("erasure: redraw board: %w", err)
		}
		var copies []store.PostedCopy
		for _, en := range entries {
			copies = append(copies, store.PostedCopy{CohortID: cohort.ID, AboutUser: en.UserID, Kind: store.CopyBoard,
				Channel: ch, TS: ts, PostTS: postTS, Part: i})
		}
		if err := p.deps.Store.RecordPostedCopies(ctx, copies); err != nil {
			return fmt.Errorf("erasure: %w", err)
		}
	}
	return nil
}

// listedErr turns a history that could not be read into the stage's error once the recorded messages are gone:
// the stage is repeated, and then reads it again.
func listedErr(err error) error {
	if err != nil {
		return fmt.Errorf("erasure: list dm: %w", err)
	}
	return nil
}

// tell posts the last message of an erasure in the person's DM, once: a request taken up again looks for it by its
// key first. Then the confirmation's "bezig met wissen…" says it is done, while its response_url still works.
func (p *Privacy) tell(ctx context.Context, req store.ErasureRequest) error {
	if req.DMChannel == "" {
		return fmt.Errorf("erasure: tell: no dm")
	}
	key := erasureKeyPrefix + strconv.FormatInt(req.RequestedAt.UnixNano(), 36)
	found := false
	if req.Attempts > 1 {
		var err error
		if _, found, err = p.deps.Slack.FindDelivery(ctx, req.DMChannel, key, req.RequestedAt.Add(-time.Minute)); err != nil {
			return fmt.Errorf("erasure: tell: %w", err)
		}
	}
	if !found {
		msg := ErasedMessage(p.phrases, req.Erased)
		if _, _, err := p.deps.Slack.PostKeyed(ctx, req.DMChannel, msg.Text, msg.Blocks, key); err != nil {
			return fmt.Errorf("erasure: tell: %w", err)
		}
	}
	if req.ResponseURL != "" {
		done := &Reply{Text: p.phrases.PrivacyEraseDone, ReplaceOriginal: true}
		if err := p.deps.Slack.Respond(ctx, req.ResponseURL, done.Payload()); err != nil {
			// Slack keeps a response_url for 30 minutes; the message in the DM is what counts.
			p.deps.Log.InfoContext(ctx, "erasure: confirmation not updated", slog.Any("error", err))
		}
	}
	return nil
}

// ErasedMessage is what a person reads when their erasure is done: what was erased, by kind, and what stays.
func ErasedMessage(phrases content.Phrases, erased store.ErasedCounts) Message {
	var parts []string
	add := func(n int64, phrase string) {
		if n > 0 {
			parts = append(parts, "• "+phrase)
		}
	}
	add(erased["participants"]+erased["cohort_trainers"], phrases.PrivacyErasedGroups)
	add(erased["progress"], phrases.PrivacyErasedProgress)
	add(erased["meter_measurements"]+erased["meter_answers"], phrases.PrivacyErasedMeter)
	add(erased["meter_plans"], phrases.PrivacyErasedPlan)
	add(erased["written_work"], phrases.PrivacyErasedWork)
	add(erased["feedback"], phrases.PrivacyErasedFeedback)
	add(erased["evaluations"], phrases.PrivacyErasedEvaluation)
	add(erased["followup_answers"], phrases.PrivacyErasedFollowUp)
	add(erased["case_cards"], phrases.PrivacyErasedCards)
	add(erased["deliveries"], phrases.PrivacyErasedPlanned)
	add(erased["audit_log"], phrases.PrivacyErasedLog)
	add(erased["anonymised_case_reveals"]+erased["anonymised_case_cards"], phrases.PrivacyErasedTrainer)
	if n := erased[erasedSlackMessages]; n > 0 {
		parts = append(parts, "• "+content.Fill(phrases.PrivacyErasedMessages, content.Vars{"aantal": n}))
	}
	add(erased[erasedSlackCopies], phrases.PrivacyErasedCopies)
	body := phrases.PrivacyErasedNothing
	if len(parts) > 0 {
		body = phrases.PrivacyErasedList + "\n" + strings.Join(parts, "\n")
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn("*"+phrases.DataErased+"*\n\n"+body), nil, nil)}
	blocks = append(blocks, sections(phrases.PrivacyErasedMore)...)
	return Message{Text: phrases.DataErased, Blocks: blocks}
}

// conversationsOf is the DM as ErasePerson's list of conversations: none when it is not known.
func conversationsOf(dm string) []string {
	if dm == "" {
		return nil
	}
	return []string{dm}
}

// Cancel handles "Annuleren": nothing is erased, and the question is replaced by a note saying so.
func (p *Privacy) Cancel(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	return Response{Reply: &Reply{Text: p.phrases.PrivacyCancelled, ReplaceOriginal: true}}, nil
}

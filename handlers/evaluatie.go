package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// The closing evaluation's slash command, buttons and modals, and the follow-up's.
const (
	CommandEvaluatie = "/evaluatie"
	// EvaluatieBord is the trainer's subcommand that posts the group's board to the channel.
	EvaluatieBord = "bord"

	ActionEvaluationOpen = "evaluation_open" // "Evaluatie invullen": value "<cohort id>"
	CallbackEvaluation   = "evaluation"      // the evaluation modal; private_metadata "<cohort id>"

	ActionFollowUpAnswer = "followup_answer" // "Gelukt", "Ermee bezig", "Nog niet": value "<cohort id>/<answer>"
	ActionFollowUpNote   = "followup_note"   // "Notitie toevoegen": value "<cohort id>"
	CallbackFollowUpNote = "followup_note"   // the note modal; private_metadata "<cohort id>"
)

// Block and action ids of the evaluation modal's inputs: one block per place ("evaluation_bloem"), and the board
// choice.
const (
	evaluationPlaceBlock = "evaluation_" // + the place's id
	evaluationNotesInput = "notes"
	evaluationBoardBlock = "evaluation_board"
	evaluationBoardInput = "on_board"
	evaluationBoardValue = "on_board"
	followUpNoteBlock    = "followup_note"
	followUpNoteInput    = "note"
	// maxNotesText bounds each place's notes: Slack's limit on a plain_text_input.
	maxNotesText = 3000
)

// EvaluationStore is what the closing evaluation and the follow-up read and write; *store.DB implements it.
type EvaluationStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	MeterCohortsOf(ctx context.Context, userID string) ([]int64, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
	SaveEvaluation(ctx context.Context, e store.EvaluationEdit) (store.Evaluation, error)
	EvaluationOf(ctx context.Context, cohortID int64, userID string) (store.Evaluation, error)
	EvaluationBoard(ctx context.Context, cohortID int64) ([]store.BoardEntry, error)
	RecordPostedCopies(ctx context.Context, copies []store.PostedCopy) error
	EvaluationTally(ctx context.Context, cohortID int64) (store.EvaluationTally, error)
	AnswerFollowUp(ctx context.Context, e store.FollowUpEdit) (store.FollowUpAnswer, error)
	FollowUpOf(ctx context.Context, cohortID int64, userID string) (store.FollowUpAnswer, error)
	// FollowUpCounts decides what trainers may see of the follow-up, and records it as seen.
	FollowUpCounts(ctx context.Context, cohortID int64) (store.FollowUpFigures, error)
	Deliveries(ctx context.Context, cohortID int64) ([]content.Delivery, error)
	Audit(ctx context.Context, e store.AuditEntry) error
}

// EvaluationSlack is what the evaluation sends to Slack besides its replies; *bot.Poster implements it.
type EvaluationSlack interface {
	// Post posts a message in a channel, or in a user's DM with the bot when channel is a user ID.
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
}

// EvaluationDeps are what RegisterEvaluation needs. Course, Store and Slack are required.
type EvaluationDeps struct {
	Course *content.Course
	Store  EvaluationStore
	Slack  EvaluationSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	// Gate decides who is a trainer or a participant of a cohort; nil: a gate over Store without Slack.
	Gate *Gate
}

// Evaluation runs the closing evaluation of module 4 ("Evalueren: bloemen, vriezer, prullenmand en zaad") and the
// follow-up six weeks later. A participant writes notes for the four places in a modal (/evaluatie, or the button
// of the message at the start of module 4) and chooses whether they go on the group's board; a trainer posts the
// board to the channel (/evaluatie bord) and sees, with /evaluatie, how many wrote notes and the follow-up's
// counts, never one person's answer.
type Evaluation struct {
	deps    EvaluationDeps
	phrases content.Phrases
}

// RegisterEvaluation registers /evaluatie (for trainers with a part of their own), /evaluatie bord (trainers
// only), the evaluation's button and modal, and the follow-up's buttons and note modal.
func RegisterEvaluation(r *Registry, deps EvaluationDeps) *Evaluation {
	if deps.Course == nil || deps.Store == nil || deps.Slack == nil {
		panic("handlers: RegisterEvaluation needs the course, a store and a Slack client")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	deps.Gate = defaultGate(deps.Gate, deps.Store)
	e := &Evaluation{deps: deps, phrases: r.Phrases()}
	r.Command(CommandEvaluatie, e.Command)
	r.DeclareTrainerPart("command", CommandEvaluatie)
	r.TrainerCommand(CommandEvaluatie+" "+EvaluatieBord, e.Board)
	r.Action(ActionEvaluationOpen, e.Open)
	r.ViewSubmission(CallbackEvaluation, e.Save)
	r.Action(ActionFollowUpAnswer, e.Answer)
	r.Action(ActionFollowUpNote, e.OpenNote)
	r.ViewSubmission(CallbackFollowUpNote, e.SaveNote)
	return e
}

// Command handles /evaluatie: a participant gets the evaluation modal, with what they wrote before; a trainer sees
// how far the group is and the follow-up's counts. Typed in a DM it finds the caller's newest training.
func (e *Evaluation) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	if strings.TrimSpace(cmd.Text) != "" {
		return Ephemeral(e.phrases.EvaluationUsage), nil
	}
	c, err := e.commandCohort(ctx, cmd)
	if err != nil {
		return Response{}, fmt.Errorf("evaluatie: %w", err)
	}
	who, err := e.deps.Gate.Member(ctx, c, cmd.UserID)
	if err != nil {
		return Response{}, fmt.Errorf("evaluatie: %w", err)
	}
	switch who {
	case Trainer:
		return e.trainerView(ctx, c)
	case Left:
		return Response{}, e.leftError(c)
	case Stranger:
		return Response{}, content.Errorf(content.ENOTFOUND, "%s", e.phrases.EvaluationNoCohort)
	}
	if err := e.openModal(ctx, c, cmd.UserID, cmd.TriggerID); err != nil {
		return Response{}, fmt.Errorf("evaluatie: %w", err)
	}
	return Response{}, nil
}

// commandCohort finds the cohort /evaluatie is about: the channel's, else the caller's newest as a participant,
// else the one they train.
func (e *Evaluation) commandCohort(ctx context.Context, cmd slack.SlashCommand) (*content.Cohort, error) {
	if cmd.ChannelID != "" && !strings.HasPrefix(cmd.ChannelID, "D") {
		c, err := e.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
		if err == nil {
			return c, nil
		}
		if content.ErrorCode(err) != content.ENOTFOUND {
			return nil, err
		}
	}
	ids, err := e.deps.Store.MeterCohortsOf(ctx, cmd.UserID)
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		return e.deps.Store.CohortByID(ctx, ids[0])
	}
	trained, err := e.deps.Gate.TrainedCohorts(ctx, cmd.UserID)
	if err != nil {
		return nil, err
	}
	switch {
	case len(trained) == 1:
		return trained[0], nil
	case len(trained) > 1:
		return nil, content.Errorf(content.EINVALID, "%s", e.phrases.EvaluationTrainerWhich)
	}
	left, err := leftCohort(ctx, e.deps.Store, cmd.UserID)
	if err != nil {
		return nil, err
	}
	if left != nil {
		return nil, e.leftError(left)
	}
	return nil, content.Errorf(content.ENOTFOUND, "%s", e.phrases.EvaluationNoCohort)
}

// leftError is the answer to someone who left cohort c's channel.
func (e *Evaluation) leftError(c *content.Cohort) error {
	return content.Errorf(content.EFORBIDDEN, "%s", content.Fill(e.phrases.GateLeft, content.Vars{"cohort": c.Name}))
}

// buttonCohort reads the cohort id of a button or modal and lets only a participant of it through: someone who
// left is told so, a trainer is sent to /evaluatie, anyone else gets the stranger's refusal. Nothing is written
// for a refusal.
func (e *Evaluation) buttonCohort(ctx context.Context, value, userID string) (*content.Cohort, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return nil, content.Errorf(content.EINVALID, "%s", e.phrases.FollowUpOldButton)
	}
	c, err := e.deps.Store.CohortByID(ctx, id)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return nil, content.Errorf(content.EFORBIDDEN, "%s", e.phrases.GateStranger)
	}
	if err != nil {
		return nil, err
	}
	who, err := e.deps.Gate.Member(ctx, c, userID)
	if err != nil {
		return nil, err
	}
	switch who {
	case Trainer:
		return nil, content.Errorf(content.EFORBIDDEN, "%s", e.phrases.EvaluationTrainerSelf)
	case Left:
		return nil, e.leftError(c)
	case Stranger:
		return nil, content.Errorf(content.EFORBIDDEN, "%s", e.phrases.GateStranger)
	}
	return c, nil
}

// Open handles "Evaluatie invullen" (value: the cohort id): the evaluation modal, with what was written before.
func (e *Evaluation) Open(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, err := e.buttonCohort(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("open evaluation: %w", err)
	}
	if err := e.openModal(ctx, c, cb.User.ID, cb.TriggerID); err != nil {
		return Response{}, fmt.Errorf("open evaluation: %w", err)
	}
	return Response{}, nil
}

func (e *Evaluation) openModal(ctx context.Context, c *content.Cohort, userID, triggerID string) error {
	ev, err := e.deps.Store.EvaluationOf(ctx, c.ID, userID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return err
	}
	_, err = e.deps.Slack.OpenView(ctx, triggerID, EvaluationModal(e.deps.Course, c.ID, ev))
	return err
}

// EvaluationModal is the closing evaluation's modal: per place the manual's question and a field where each line
// is one note (one thought per geeltje, as the manual asks), filled with what was saved before, and the choice to
// put the notes on the group's board. The cohort id travels in private_metadata.
func EvaluationModal(course *content.Course, cohortID int64, ev store.Evaluation) slack.ModalViewRequest {
	p := course.Phrases
	var blocks []slack.Block
	if intro := firstParagraph(course.Evaluation.Intro); intro != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(intro)))
	}
	for _, it := range course.Evaluation.Items {
		blocks = append(blocks, sections("*"+it.Title+"*\n"+strings.TrimSpace(it.Question))...)
		in := slack.NewPlainTextInputBlockElement(plain(p.EvaluationNotePlaceholder), evaluationNotesInput)
		in.Multiline = true
		in.MaxLength = maxNotesText
		in.InitialValue = strings.Join(ev.Notes[it.ID], "\n")
		b := slack.NewInputBlock(evaluationPlaceBlock+it.ID, plain(it.Title), plain(p.EvaluationNoteHint), in)
		b.Optional = true
		blocks = append(blocks, b)
	}
	choice := slack.NewOptionBlockObject(evaluationBoardValue, plain(p.EvaluationBoardChoice), nil)
	boxes := slack.NewCheckboxGroupsBlockElement(evaluationBoardInput, choice)
	if ev.OnBoard {
		boxes.InitialOptions = []*slack.OptionBlockObject{choice}
	}
	board := slack.NewInputBlock(evaluationBoardBlock, plain(p.EvaluationBoardLabel), plain(p.EvaluationBoardHint), boxes)
	board.Optional = true
	blocks = append(blocks, board)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackEvaluation,
		Title:           plain(p.EvaluationModalTitle),
		Submit:          plain(p.EvaluationSaveButton),
		Close:           plain(p.ButtonAnnuleer),
		PrivateMetadata: strconv.FormatInt(cohortID, 10),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// firstParagraph returns s up to its first blank line.
func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Save handles the evaluation modal's submission: every place's notes (one per line; an emptied place loses its
// notes) and the board choice are saved before the ack; the DM then confirms it with a button to add more.
func (e *Evaluation) Save(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	c, err := e.buttonCohort(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return ViewResponse{}, fmt.Errorf("save evaluation: %w", err)
	}
	edit := store.EvaluationEdit{CohortID: c.ID, UserID: cb.User.ID, Notes: store.EvaluationNotes{}}
	var values map[string]map[string]slack.BlockAction
	if cb.View.State != nil {
		values = cb.View.State.Values
	}
	for _, it := range e.deps.Course.Evaluation.Items {
		edit.Notes[it.ID] = strings.Split(values[evaluationPlaceBlock+it.ID][evaluationNotesInput].Value, "\n")
	}
	onBoard := slices.ContainsFunc(values[evaluationBoardBlock][evaluationBoardInput].SelectedOptions,
		func(o slack.OptionBlockObject) bool { return o.Value == evaluationBoardValue })
	edit.OnBoard = &onBoard
	if _, err := e.deps.Store.SaveEvaluation(ctx, edit); err != nil {
		return ViewResponse{}, fmt.Errorf("save evaluation: %w", err)
	}
	userID, cohortID := cb.User.ID, c.ID
	return ViewResponse{Later: func(ctx context.Context) error {
		msg := EvaluationSavedMessage(e.phrases, cohortID)
		_, _, err := e.deps.Slack.Post(ctx, userID, msg.Text, msg.Blocks)
		return err
	}}, nil
}

// EvaluationSavedMessage is the DM after the evaluation was saved, with the button to add to it.
func EvaluationSavedMessage(p content.Phrases, cohortID int64) Message {
	blocks := sections(p.EvaluationSaved)
	blocks = append(blocks, evaluationButton(p, cohortID))
	return Message{Text: p.EvaluationSaved, Blocks: blocks}
}

// evaluationButton is the actions block with "Evaluatie invullen" for a cohort.
func evaluationButton(p content.Phrases, cohortID int64) slack.Block {
	id := strconv.FormatInt(cohortID, 10)
	return slack.NewActionBlock("evaluation/c"+id, button(ActionEvaluationOpen, id, p.EvaluationButton, true))
}

// trainerView is /evaluatie for a trainer: how many participants wrote notes and chose the board, and what they
// may see of the follow-up.
func (e *Evaluation) trainerView(ctx context.Context, c *content.Cohort) (Response, error) {
	tally, err := e.deps.Store.EvaluationTally(ctx, c.ID)
	if err != nil {
		return Response{}, fmt.Errorf("evaluatie trainer: %w", err)
	}
	lines := []string{
		content.Fill(e.phrases.EvaluationTrainerHeading, content.Vars{"cohort": c.Name}),
		content.Fill(e.phrases.EvaluationTrainerCounts, content.Vars{"aantal": strconv.Itoa(tally.Written),
			"totaal": strconv.Itoa(tally.Participants), "bord": strconv.Itoa(tally.OnBoard)}),
		e.phrases.EvaluationTrainerHint,
	}
	follow, err := e.followUpView(ctx, c)
	if err != nil {
		return Response{}, fmt.Errorf("evaluatie trainer: %w", err)
	}
	blocks := sections(strings.Join(lines, "\n"))
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, sections(follow)...)
	return Response{Reply: &Reply{Text: lines[0], Blocks: blocks}}, nil
}

// followUpView is what a trainer sees of the follow-up: nothing before it went out; then the counts the store
// allows (store.FollowUpCounts), or why they are withheld.
func (e *Evaluation) followUpView(ctx context.Context, c *content.Cohort) (string, error) {
	head := content.Fill(e.phrases.FollowUpTrainerHeading, content.Vars{"cohort": c.Name})
	ds, err := e.deps.Store.Deliveries(ctx, c.ID)
	if err != nil {
		return "", err
	}
	sent := slices.ContainsFunc(ds, func(d content.Delivery) bool {
		return d.Kind == content.KindFollowUp && d.Status == store.StatusSent
	})
	if !sent {
		return head + "\n" + e.phrases.FollowUpTrainerNotSent, nil
	}
	f, err := e.deps.Store.FollowUpCounts(ctx, c.ID)
	if err != nil {
		return "", err
	}
	if f.Snapshot == nil {
		return head + "\n" + content.Fill(e.phrases.FollowUpTrainerWithheld, content.Vars{"minimum": strconv.Itoa(store.MinGroup)}), nil
	}
	loc, err := c.Location()
	if err != nil {
		return "", err
	}
	s := f.Snapshot
	text := head + "\n" + content.Fill(e.phrases.FollowUpTrainerCounts, content.Vars{
		"gelukt":   strconv.Itoa(s.Counts[content.FollowUpGelukt]),
		"bezig":    strconv.Itoa(s.Counts[content.FollowUpBezig]),
		"nog_niet": strconv.Itoa(s.Counts[content.FollowUpNogNiet]),
		"aantal":   strconv.Itoa(s.Members),
		"totaal":   strconv.Itoa(f.Participants),
		"datum":    DutchDateTime(s.TakenAt, loc),
	})
	if !f.Current {
		text += "\n" + e.phrases.FollowUpTrainerStale
	}
	return text, nil
}

// audit writes an audit row. The change it records is done already, so a failure is logged, not shown.
func (e *Evaluation) audit(ctx context.Context, a store.AuditEntry) {
	if err := e.deps.Store.Audit(ctx, a); err != nil {
		e.deps.Log.ErrorContext(ctx, "audit failed", slog.String("action", a.Action), slog.Any("error", err))
	}
}

// isNoAnswer reports whether err is the store's refusal of a note before an answer.
func isNoAnswer(err error) bool { return errors.Is(err, store.ErrFollowUpNoAnswer) }

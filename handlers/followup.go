package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// FollowUpMessage is the DM six weeks after module 4: the participant's zaad and ontwikkelpunten as they wrote
// them, "Hoe staat het ermee?", the buttons Gelukt, Ermee bezig and Nog niet, and one to add a note.
func FollowUpMessage(course *content.Course, c *content.Cohort, notes store.EvaluationNotes, ontwikkelpunten string) (Message, error) {
	p := course.Phrases
	text := content.Fill(p.FollowUpMessage, content.Vars{"cohort": c.Name})
	blocks := sections(text)
	blocks = append(blocks, sections(p.FollowUpZaad+"\n"+noteList(notes[content.EvaluationZaad], p.FollowUpNothingWritten))...)
	blocks = append(blocks, sections(p.FollowUpOntwikkelpunten+"\n"+ownText(ontwikkelpunten, p.FollowUpNothingWritten))...)
	blocks = append(blocks, slack.NewDividerBlock())
	id := strconv.FormatInt(c.ID, 10)
	var buttons []slack.BlockElement
	for _, a := range content.FollowUpAnswers {
		label, _ := p.FollowUpLabel(a)
		buttons = append(buttons, button(ActionFollowUpAnswer+":"+a, id+"/"+a, label, false))
	}
	buttons = append(buttons, button(ActionFollowUpNote, id, p.FollowUpNoteButton, false))
	blocks = append(blocks, slack.NewActionBlock("followup/c"+id, buttons...))
	// The message opens with the question; the notification asks it too.
	return checkLimits(Message{Text: p.FollowUpQuestion, Blocks: blocks})
}

// Answer handles Gelukt, Ermee bezig and Nog niet (value "<cohort id>/<answer>"): the answer is stored (a second
// click on the same changes nothing, another answer replaces it) and confirmed to the participant alone.
func (e *Evaluation) Answer(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	id, answer, _ := strings.Cut(action.Value, "/")
	label, ok := e.phrases.FollowUpLabel(answer)
	if !ok {
		return Response{}, content.Errorf(content.EINVALID, "%s", e.phrases.FollowUpOldButton)
	}
	c, err := e.buttonCohort(ctx, id, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("follow-up answer: %w", err)
	}
	if _, err := e.deps.Store.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: c.ID, UserID: cb.User.ID, Answer: answer}); err != nil {
		return Response{}, fmt.Errorf("follow-up answer: %w", err)
	}
	return Ephemeral(content.Fill(e.phrases.FollowUpAnswered, content.Vars{"antwoord": label})), nil
}

// OpenNote handles "Notitie toevoegen" (value: the cohort id): the note modal, with the note saved before. The
// note goes with an answer, so before one is chosen the participant is asked to choose first.
func (e *Evaluation) OpenNote(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, err := e.buttonCohort(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("follow-up note: %w", err)
	}
	a, err := e.deps.Store.FollowUpOf(ctx, c.ID, cb.User.ID)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return Ephemeral(e.phrases.FollowUpNoteFirst), nil
	}
	if err != nil {
		return Response{}, fmt.Errorf("follow-up note: %w", err)
	}
	if _, err := e.deps.Slack.OpenView(ctx, cb.TriggerID, FollowUpNoteModal(e.phrases, c.ID, a.Note)); err != nil {
		return Response{}, fmt.Errorf("follow-up note: %w", err)
	}
	return Response{}, nil
}

// FollowUpNoteModal is the modal for the follow-up's own note, filled with the note saved before; it says that
// only the participant sees it. The cohort id travels in private_metadata.
func FollowUpNoteModal(p content.Phrases, cohortID int64, note string) slack.ModalViewRequest {
	in := slack.NewPlainTextInputBlockElement(nil, followUpNoteInput)
	in.Multiline = true
	in.MaxLength = maxNotesText
	in.InitialValue = note
	b := slack.NewInputBlock(followUpNoteBlock, plain(p.FollowUpNoteLabel), plain(p.FollowUpNoteHint), in)
	b.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackFollowUpNote,
		Title:           plain(p.FollowUpNoteTitle),
		Submit:          plain(p.ButtonBewaar),
		Close:           plain(p.ButtonAnnuleer),
		PrivateMetadata: strconv.FormatInt(cohortID, 10),
		Blocks:          slack.Blocks{BlockSet: []slack.Block{b}},
	}
}

// SaveNote handles the note modal's submission: the note (empty clears it) is saved before the ack, and confirmed
// in the DM.
func (e *Evaluation) SaveNote(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	c, err := e.buttonCohort(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return ViewResponse{}, fmt.Errorf("save follow-up note: %w", err)
	}
	var note string
	if cb.View.State != nil {
		note = strings.TrimSpace(cb.View.State.Values[followUpNoteBlock][followUpNoteInput].Value)
	}
	_, err = e.deps.Store.AnswerFollowUp(ctx, store.FollowUpEdit{CohortID: c.ID, UserID: cb.User.ID, Note: &note})
	if isNoAnswer(err) {
		return ViewErrors(map[string]string{followUpNoteBlock: e.phrases.FollowUpNoteFirst}), nil
	}
	if err != nil {
		return ViewResponse{}, fmt.Errorf("save follow-up note: %w", err)
	}
	userID := cb.User.ID
	return ViewResponse{Later: func(ctx context.Context) error {
		_, _, err := e.deps.Slack.Post(ctx, userID, e.phrases.FollowUpNoteSaved, sections(e.phrases.FollowUpNoteSaved))
		return err
	}}, nil
}

package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Feedback on the role plays: the command, buttons and modal ids.
const (
	CommandFeedback = "/feedback"
	// ActionFeedbackOpen is the button in the channel post of a role-play stage; value "<cohort id>/<module>".
	ActionFeedbackOpen = "feedback_open"
	// ActionFeedbackRead shows the gespreksvoerder the feedback about them; value "<cohort id>/<module>".
	ActionFeedbackRead = "feedback_read"
	// ActionFeedbackShare shares it with the trainers, or withdraws that; value "<cohort id>/<module>/<1|0>".
	ActionFeedbackShare = "feedback_share"
	// CallbackFeedback is the Feedbackformulier modal.
	CallbackFeedback = "feedback"
)

// Block and action ids of the feedback modal.
const (
	feedbackWhoBlock  = "feedback/who"
	feedbackWhoAction = "feedback_who"
)

// FeedbackStore is what the feedback forms need from the database; *store.DB implements it.
type FeedbackStore interface {
	GateStore
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	MeterCohortsOf(ctx context.Context, userID string) ([]int64, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
	GiveFeedback(ctx context.Context, f store.Feedback) (store.Feedback, bool, error)
	GivenFeedback(ctx context.Context, cohortID int64, module int, giver, receiver string) (store.Feedback, error)
	ReceivedFeedback(ctx context.Context, cohortID int64, module int, receiver string) ([]store.Feedback, error)
	ShareFeedback(ctx context.Context, cohortID int64, module int, receiver string, share bool) (int, error)
	FeedbackOverview(ctx context.Context, cohortID int64, module int) ([]store.FeedbackReceiverSummary, error)
	RecordPostedCopies(ctx context.Context, copies []store.PostedCopy) error
}

// FeedbackSlack is what the feedback forms send to Slack; *bot.Poster implements it.
type FeedbackSlack interface {
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
}

// FeedbackDeps are what RegisterFeedback needs. Course, Store and Slack are required.
type FeedbackDeps struct {
	Course *content.Course
	Store  FeedbackStore
	Slack  FeedbackSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	Gate   *Gate            // nil: a gate over Store without Slack
	// Refresh, when set, redraws the gespreksvoerder's App Home after they got feedback.
	Refresh func(ctx context.Context, userID string) error
}

// FeedbackForms runs the Feedbackformulier of modules 2 and 3: an observer fills it in about a gespreksvoerder
// (`/feedback @naam`, or the button under the role play in the channel); the gespreksvoerder alone reads it,
// grouped per point with who gave it, and may share it with the trainers; the trainers see that feedback was given
// (`/feedback`), and its content only when shared.
type FeedbackForms struct {
	deps    FeedbackDeps
	phrases content.Phrases
}

// RegisterFeedback registers /feedback, its buttons and its modal.
func RegisterFeedback(r *Registry, deps FeedbackDeps) *FeedbackForms {
	if deps.Course == nil || deps.Store == nil || deps.Slack == nil {
		panic("handlers: RegisterFeedback needs the course, a store and a Slack client")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	deps.Gate = defaultGate(deps.Gate, deps.Store)
	f := &FeedbackForms{deps: deps, phrases: r.Phrases()}
	r.Command(CommandFeedback, f.Command)
	r.DeclareTrainerPart("command", CommandFeedback)
	r.Action(ActionFeedbackOpen, f.OpenFromPost)
	r.Action(ActionFeedbackRead, f.Read)
	r.Action(ActionFeedbackShare, f.Share)
	r.ViewSubmission(CallbackFeedback, f.Submit)
	return f
}

// FeedbackButton is the block with "Feedback geven" under the channel post of a role-play stage of module n, when
// module n has a Feedbackformulier; nil otherwise.
func FeedbackButton(course *content.Course, cohortID int64, n int) slack.Block {
	if _, ok := course.FeedbackForm(n); !ok {
		return nil
	}
	ref := feedbackRef(cohortID, n)
	return slack.NewActionBlock("feedback/"+ref, button(ActionFeedbackOpen, ref, course.Phrases.FeedbackButton, false))
}

func feedbackRef(cohortID int64, n int) string {
	return strconv.FormatInt(cohortID, 10) + "/" + strconv.Itoa(n)
}

// parseFeedbackRef reads "<cohort>/<module>[/<rest>]".
func parseFeedbackRef(s string) (cohortID int64, module int, rest string, ok bool) {
	parts := strings.SplitN(s, "/", 3)
	if len(parts) < 2 {
		return 0, 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	n, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || id <= 0 {
		return 0, 0, "", false
	}
	if len(parts) == 3 {
		rest = parts[2]
	}
	return id, n, rest, true
}

// currentForm returns the module whose Feedbackformulier is in use in c at now: the latest module with a form
// that has started; false before the first.
func (f *FeedbackForms) currentForm(c *content.Cohort, now time.Time) (int, bool) {
	n := 0
	for _, cm := range c.Modules {
		if _, ok := f.deps.Course.FeedbackForm(cm.Number); ok && !now.Before(cm.Start) {
			n = cm.Number
		}
	}
	return n, n > 0
}

// formModules returns the modules of c that have a Feedbackformulier.
func (f *FeedbackForms) formModules(c *content.Cohort) []int {
	var out []int
	for _, cm := range c.Modules {
		if _, ok := f.deps.Course.FeedbackForm(cm.Number); ok {
			out = append(out, cm.Number)
		}
	}
	return out
}

var mentionPattern = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(\|[^>]*)?>$`)

// Command handles /feedback. A trainer of the training gets the overview: per module, who got feedback from how
// many, and what they shared. A participant gives feedback with `/feedback @gespreksvoerder`: the form opens.
func (f *FeedbackForms) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	trained, err := f.trainedCohort(ctx, cmd)
	if err != nil {
		return Response{}, fmt.Errorf("feedback: %w", err)
	}
	if trained != nil {
		text, err := f.overview(ctx, trained)
		if err != nil {
			return Response{}, fmt.Errorf("feedback overview: %w", err)
		}
		return Response{Reply: &Reply{Text: firstLine(text), Blocks: TextSections(text)}}, nil
	}
	fields := strings.Fields(cmd.Text)
	if len(fields) != 1 {
		return Ephemeral(f.phrases.FeedbackUsage), nil
	}
	m := mentionPattern.FindStringSubmatch(fields[0])
	if m == nil {
		return Ephemeral(f.phrases.FeedbackUsage), nil
	}
	receiver := m[1]
	c, err := f.participantCohort(ctx, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return Response{}, fmt.Errorf("feedback: %w", err)
	}
	n, ok := f.currentForm(c, f.deps.Now())
	if !ok {
		return Ephemeral(f.phrases.FeedbackNoForm), nil
	}
	if err := f.checkReceiver(ctx, c, cmd.UserID, receiver); err != nil {
		return Response{}, err
	}
	if err := f.openForm(ctx, c, n, cmd.UserID, receiver, cmd.TriggerID); err != nil {
		return Response{}, err
	}
	return Response{}, nil
}

// trainedCohort returns the cohort the command is about when the caller trains it: the channel's, or else the
// newest they train; nil when they train none (or not the channel's).
func (f *FeedbackForms) trainedCohort(ctx context.Context, cmd slack.SlashCommand) (*content.Cohort, error) {
	if cmd.ChannelID != "" && !strings.HasPrefix(cmd.ChannelID, "D") {
		c, err := f.deps.Store.CohortByChannel(ctx, cmd.ChannelID)
		if err == nil {
			ok, err := f.deps.Gate.Trains(ctx, c, cmd.UserID)
			if err != nil || !ok {
				return nil, err
			}
			return c, nil
		}
		if content.ErrorCode(err) != content.ENOTFOUND {
			return nil, err
		}
	}
	cs, err := f.deps.Gate.TrainedCohorts(ctx, cmd.UserID)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return cs[len(cs)-1], nil
}

// participantCohort is the cohort a participant's /feedback is about: the channel's, or the newest they are in.
func (f *FeedbackForms) participantCohort(ctx context.Context, userID, channel string) (*content.Cohort, error) {
	var c *content.Cohort
	if channel != "" && !strings.HasPrefix(channel, "D") {
		found, err := f.deps.Store.CohortByChannel(ctx, channel)
		if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
			return nil, err
		}
		c = found
	}
	if c == nil {
		ids, err := f.deps.Store.MeterCohortsOf(ctx, userID)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			left, err := leftCohort(ctx, f.deps.Store, userID)
			if err != nil {
				return nil, err
			}
			if left != nil {
				return nil, content.Errorf(content.EFORBIDDEN, "%s", content.Fill(f.phrases.GateLeft, content.Vars{"cohort": left.Name}))
			}
			return nil, content.Errorf(content.ENOTFOUND, "%s", f.phrases.FeedbackNoCohort)
		}
		if c, err = f.deps.Store.CohortByID(ctx, ids[0]); err != nil {
			return nil, err
		}
	}
	if err := f.checkParticipant(ctx, c, userID, channel == c.Channel); err != nil {
		return nil, err
	}
	return c, nil
}

// checkParticipant lets only a participant of c give or read feedback; typed says the request was typed in c's own
// channel, which shows the caller is in it.
func (f *FeedbackForms) checkParticipant(ctx context.Context, c *content.Cohort, userID string, typed bool) error {
	who, err := f.deps.Gate.Member(ctx, c, userID)
	if err != nil {
		return err
	}
	switch {
	case who == Trainer:
		return content.Errorf(content.EFORBIDDEN, "%s", f.phrases.FeedbackNoCohort)
	case who == Left:
		return content.Errorf(content.EFORBIDDEN, "%s", content.Fill(f.phrases.GateLeft, content.Vars{"cohort": c.Name}))
	case who == Stranger && !typed:
		return content.Errorf(content.EFORBIDDEN, "%s", f.phrases.GateStranger)
	}
	return nil
}

// checkReceiver refuses feedback to oneself and to someone who is not a participant of c.
func (f *FeedbackForms) checkReceiver(ctx context.Context, c *content.Cohort, giver, receiver string) error {
	if receiver == giver {
		return content.Errorf(content.EINVALID, "%s", f.phrases.FeedbackSelf)
	}
	who, err := f.deps.Gate.Member(ctx, c, receiver)
	if err != nil {
		return err
	}
	if who != Participant {
		return content.Errorf(content.EINVALID, "%s", content.Fill(f.phrases.FeedbackNotParticipant, content.Vars{"naam": mention(receiver)}))
	}
	return nil
}

// openForm opens giver's form about receiver (empty: chosen in the form) in module n of c, with what giver filled
// in about them before.
func (f *FeedbackForms) openForm(ctx context.Context, c *content.Cohort, n int, giver, receiver, triggerID string) error {
	form, ok := f.deps.Course.FeedbackForm(n)
	if !ok {
		return content.Errorf(content.EINVALID, "%s", f.phrases.FeedbackNoForm)
	}
	var before store.Feedback
	if receiver != "" {
		var err error
		before, err = f.deps.Store.GivenFeedback(ctx, c.ID, n, giver, receiver)
		if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
			return fmt.Errorf("open feedback: %w", err)
		}
	}
	if _, err := f.deps.Slack.OpenView(ctx, triggerID, FeedbackModal(f.deps.Course, c.ID, form, receiver, before.Points)); err != nil {
		return fmt.Errorf("open feedback: %w", err)
	}
	return nil
}

// FeedbackModal is the Feedbackformulier of a module: who it is for (a user picker when receiver is empty), and
// per point the manual's text with its tick list, the scale to choose from (optional: "voor zover mogelijk") and a
// comment, filled with before. The cohort, module and receiver travel in private_metadata.
func FeedbackModal(course *content.Course, cohortID int64, form *content.FeedbackForm, receiver string, before store.FeedbackPoints) slack.ModalViewRequest {
	p := course.Phrases
	var blocks []slack.Block
	if receiver == "" {
		who := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(p.FeedbackWhoLabel), feedbackWhoAction)
		blocks = append(blocks, slack.NewInputBlock(feedbackWhoBlock, plain(p.FeedbackWhoLabel), nil, who))
		blocks = append(blocks, sections("*"+form.Title+"*")...)
	} else {
		blocks = append(blocks, sections("*"+form.Title+"*\n"+content.Fill(p.FeedbackIntro, content.Vars{"naam": mention(receiver)}))...)
	}
	if intro := strings.TrimSpace(form.Intro); intro != "" {
		blocks = append(blocks, sections(intro)...)
	}
	for _, pt := range form.Points {
		scale, _ := course.Feedback.Scale(pt.Scale)
		var hint *slack.TextBlockObject
		if len(pt.Items) > 0 {
			lines := []string{}
			if pt.ItemsIntro != "" {
				lines = append(lines, pt.ItemsIntro)
			}
			for _, it := range pt.Items {
				lines = append(lines, "• "+it)
			}
			hint = plain(strings.Join(lines, "\n"))
		}
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		if scale != nil {
			for _, sp := range scale.Points {
				o := slack.NewOptionBlockObject(strconv.Itoa(sp.Value), plain(sp.Label), nil)
				opts = append(opts, o)
				if before[pt.ID].Score == sp.Value {
					initial = o
				}
			}
		}
		radio := slack.NewRadioButtonsBlockElement(feedbackScoreAction(pt.ID), opts...)
		if initial != nil {
			radio.InitialOption = initial
		}
		score := slack.NewInputBlock(feedbackScoreBlock(pt.ID), plain(pt.Text), hint, radio)
		score.Optional = true
		comment := slack.NewPlainTextInputBlockElement(plain(p.FeedbackCommentPlaceholder), feedbackCommentAction(pt.ID))
		comment.Multiline = true
		comment.MaxLength = reportField
		comment.InitialValue = before[pt.ID].Comment
		cb := slack.NewInputBlock(feedbackCommentBlock(pt.ID), plain(p.FeedbackCommentLabel), nil, comment)
		cb.Optional = true
		blocks = append(blocks, slack.NewDividerBlock(), score, cb)
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackFeedback,
		Title:           plain(content.FillPlain(p.FeedbackModalTitle, content.Vars{"module": strconv.Itoa(form.Module)})),
		Submit:          plain(p.FeedbackSendButton),
		Close:           plain(p.ReportCloseButton),
		PrivateMetadata: feedbackRef(cohortID, form.Module) + "/" + receiver,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func feedbackScoreBlock(point string) string    { return "fb/" + point + "/score" }
func feedbackScoreAction(point string) string   { return "feedback_score:" + point }
func feedbackCommentBlock(point string) string  { return "fb/" + point + "/comment" }
func feedbackCommentAction(point string) string { return "feedback_comment:" + point }

// feedbackState reads a submitted form's points.
func feedbackState(form *content.FeedbackForm, state *slack.ViewState) store.FeedbackPoints {
	out := store.FeedbackPoints{}
	if state == nil {
		return out
	}
	for _, pt := range form.Points {
		var pf store.PointFeedback
		if a, ok := state.Values[feedbackScoreBlock(pt.ID)][feedbackScoreAction(pt.ID)]; ok {
			pf.Score, _ = strconv.Atoi(a.SelectedOption.Value)
		}
		if a, ok := state.Values[feedbackCommentBlock(pt.ID)][feedbackCommentAction(pt.ID)]; ok {
			pf.Comment = strings.TrimSpace(a.Value)
		}
		if pf.Score > 0 || pf.Comment != "" {
			out[pt.ID] = pf
		}
	}
	return out
}

// cohortOf reads the cohort and module a button or modal carries and lets only a participant of that cohort on.
func (f *FeedbackForms) cohortOf(ctx context.Context, ref, userID string) (*content.Cohort, int, string, error) {
	id, n, rest, ok := parseFeedbackRef(ref)
	if !ok {
		return nil, 0, "", content.Errorf(content.EINVALID, "%s", f.phrases.FeedbackNoForm)
	}
	c, err := f.deps.Store.CohortByID(ctx, id)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return nil, 0, "", content.Errorf(content.EFORBIDDEN, "%s", f.phrases.GateStranger)
	}
	if err != nil {
		return nil, 0, "", err
	}
	if err := f.checkParticipant(ctx, c, userID, false); err != nil {
		return nil, 0, "", err
	}
	if _, ok := f.deps.Course.FeedbackForm(n); !ok {
		return nil, 0, "", content.Errorf(content.EINVALID, "%s", f.phrases.FeedbackNoForm)
	}
	return c, n, rest, nil
}

// OpenFromPost handles "Feedback geven" under the role play in the channel: the form opens, with the
// gespreksvoerder to choose.
func (f *FeedbackForms) OpenFromPost(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, n, _, err := f.cohortOf(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("open feedback: %w", err)
	}
	return Response{}, f.openForm(ctx, c, n, cb.User.ID, "", cb.TriggerID)
}

// Submit handles the form sent: stored (a second time replaces the first) before the ack; the observer is thanked
// in their DM and the gespreksvoerder, the first time this observer gave it, told privately with a button to read.
func (f *FeedbackForms) Submit(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	c, n, receiver, err := f.cohortOf(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return ViewResponse{}, fmt.Errorf("give feedback: %w", err)
	}
	form, _ := f.deps.Course.FeedbackForm(n)
	chosen := receiver == ""
	if chosen && cb.View.State != nil {
		receiver = cb.View.State.Values[feedbackWhoBlock][feedbackWhoAction].SelectedUser
	}
	if receiver == "" {
		return ViewErrors(map[string]string{feedbackWhoBlock: f.phrases.FeedbackUsage}), nil
	}
	if err := f.checkReceiver(ctx, c, cb.User.ID, receiver); err != nil {
		if !chosen {
			return ViewResponse{}, err
		}
		return ViewErrors(map[string]string{feedbackWhoBlock: content.ErrorMessage(err)}), nil
	}
	points := feedbackState(form, cb.View.State)
	_, isNew, err := f.deps.Store.GiveFeedback(ctx, store.Feedback{CohortID: c.ID, Module: n, Giver: cb.User.ID,
		Receiver: receiver, Points: points})
	if errors.Is(err, store.ErrFeedbackEmpty) {
		return ViewErrors(map[string]string{feedbackScoreBlock(form.Points[0].ID): f.phrases.FeedbackEmpty}), nil
	}
	if err != nil {
		return ViewResponse{}, fmt.Errorf("give feedback: %w", err)
	}
	giver := cb.User.ID
	return ViewResponse{Later: func(ctx context.Context) error {
		thanks := content.Fill(f.phrases.FeedbackSent, content.Vars{"naam": mention(receiver)})
		if !isNew {
			thanks = f.phrases.FeedbackUpdated
		}
		if _, _, err := f.deps.Slack.Post(ctx, giver, thanks, sections(thanks)); err != nil {
			return fmt.Errorf("give feedback: thanks: %w", err)
		}
		if !isNew {
			return nil
		}
		note := content.Fill(f.phrases.FeedbackReceivedNew, content.Vars{"naam": mention(giver), "module": strconv.Itoa(n)})
		blocks := append(sections(note), slack.NewActionBlock("feedback_read/"+feedbackRef(c.ID, n),
			button(ActionFeedbackRead, feedbackRef(c.ID, n), f.phrases.FeedbackReadButton, true)))
		ch, ts, err := f.deps.Slack.Post(ctx, receiver, note, blocks)
		if err != nil {
			return fmt.Errorf("give feedback: tell the gespreksvoerder: %w", err)
		}
		// It names the giver: their erasure deletes it.
		if err := f.deps.Store.RecordPostedCopies(ctx, []store.PostedCopy{{CohortID: c.ID, AboutUser: giver,
			Kind: store.CopyFeedback, Channel: ch, TS: ts}}); err != nil {
			return fmt.Errorf("give feedback: %w", err)
		}
		if f.deps.Refresh != nil {
			return f.deps.Refresh(ctx, receiver)
		}
		return nil
	}}, nil
}

// Read handles "Lees je feedback": the feedback about the one who clicked, in their DM, grouped per point with who
// gave it, and the button to share it with the trainers (or stop sharing).
func (f *FeedbackForms) Read(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, n, _, err := f.cohortOf(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("read feedback: %w", err)
	}
	fbs, err := f.deps.Store.ReceivedFeedback(ctx, c.ID, n, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("read feedback: %w", err)
	}
	msgs := FeedbackReceivedMessages(f.deps.Course, c.ID, n, fbs, true)
	userID := cb.User.ID
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		for _, m := range msgs {
			ch, ts, err := f.deps.Slack.Post(ctx, userID, m.Text, m.Blocks)
			if err != nil {
				return nil, fmt.Errorf("read feedback: %w", err)
			}
			// The read-out holds every giver's words: the erasure of any of them deletes it (the gespreksvoerder
			// reads the rest again with "Lees je feedback").
			var copies []store.PostedCopy
			for _, fb := range fbs {
				copies = append(copies, store.PostedCopy{CohortID: c.ID, AboutUser: fb.Giver, Kind: store.CopyFeedback, Channel: ch, TS: ts})
			}
			if err := f.deps.Store.RecordPostedCopies(ctx, copies); err != nil {
				return nil, fmt.Errorf("read feedback: %w", err)
			}
		}
		return nil, nil
	}}, nil
}

// FeedbackReceivedMessages shows the feedback fbs of module n grouped per point of the form: per point the manual's
// text, then each observer's choice and comment with their name, or that nobody filled it in. With buttons, the
// last message has "Deel met trainer" (and "Niet meer delen" while some of it is shared). Long feedback goes on in
// the next message.
func FeedbackReceivedMessages(course *content.Course, cohortID int64, n int, fbs []store.Feedback, buttons bool) []Message {
	p := course.Phrases
	form, ok := course.FeedbackForm(n)
	if !ok {
		return nil
	}
	head := content.Fill(p.FeedbackReceivedHeading, content.Vars{"module": strconv.Itoa(n)})
	if len(fbs) == 0 {
		text := head + "\n" + content.Fill(p.FeedbackReceivedNone, content.Vars{"module": strconv.Itoa(n)})
		return []Message{{Text: firstLine(text), Blocks: sections(text)}}
	}
	pieces := feedbackPieces(course, form, fbs)
	var msgs []Message
	cur := []slack.Block{slack.NewSectionBlock(mrkdwn(head), nil, nil)}
	size := 0
	for _, pc := range pieces {
		for _, part := range content.Chunks(pc, content.MaxSectionText) {
			for _, s := range splitText(part, content.MaxSectionText) {
				if len(cur) >= reportMessageBlocks-1 || size+len(s) > reportMessageChars {
					msgs = append(msgs, Message{Text: firstLine(head), Blocks: cur})
					cur, size = nil, 0
				}
				cur = append(cur, slack.NewSectionBlock(mrkdwn(s), nil, nil))
				size += len(s)
			}
		}
	}
	if buttons {
		ref := feedbackRef(cohortID, n)
		els := []slack.BlockElement{button(ActionFeedbackShare, ref+"/1", p.FeedbackShareButton, false)}
		for _, fb := range fbs {
			if fb.SharedAt != nil {
				els = append(els, button(ActionFeedbackShare, ref+"/0", p.FeedbackUnshareButton, false))
				break
			}
		}
		cur = append(cur, slack.NewActionBlock("feedback_share/"+ref, els...))
	}
	msgs = append(msgs, Message{Text: firstLine(head), Blocks: cur})
	return msgs
}

// feedbackPieces is the feedback fbs per point of form, one text per point: the point, then a line per observer.
func feedbackPieces(course *content.Course, form *content.FeedbackForm, fbs []store.Feedback) []string {
	p := course.Phrases
	var out []string
	for _, pt := range form.Points {
		scale, _ := course.Feedback.Scale(pt.Scale)
		lines := []string{"*" + pt.Text + "*"}
		for _, fb := range fbs {
			pf, ok := fb.Points[pt.ID]
			if !ok {
				continue
			}
			if pf.Score > 0 && scale != nil {
				if label, ok := scale.Label(pf.Score); ok {
					lines = append(lines, "• "+content.Fill(p.FeedbackReceivedScore, content.Vars{"naam": mention(fb.Giver), "oordeel": label}))
				}
			}
			if pf.Comment != "" {
				lines = append(lines, "• "+content.Fill(p.FeedbackReceivedComment, content.Vars{"naam": mention(fb.Giver), "toelichting": pf.Comment}))
			}
		}
		if len(lines) == 1 {
			lines = append(lines, "_"+p.FeedbackReceivedOpen+"_")
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return out
}

// Share handles "Deel met trainer" and "Niet meer delen": the feedback about the one who clicked, as it is now,
// is shared with the trainers, or no longer.
func (f *FeedbackForms) Share(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, n, rest, err := f.cohortOf(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("share feedback: %w", err)
	}
	share := rest != "0"
	if _, err := f.deps.Store.ShareFeedback(ctx, c.ID, n, cb.User.ID, share); err != nil {
		return Response{}, fmt.Errorf("share feedback: %w", err)
	}
	text := content.Fill(f.phrases.FeedbackShared, content.Vars{"module": strconv.Itoa(n)})
	if !share {
		text = content.Fill(f.phrases.FeedbackUnshared, content.Vars{"module": strconv.Itoa(n)})
	}
	return Ephemeral(text), nil
}

// overview is what the trainers of c see of the feedback: per module with a form, per gespreksvoerder how many
// observers gave feedback, and the content only of what the gespreksvoerder shared.
func (f *FeedbackForms) overview(ctx context.Context, c *content.Cohort) (string, error) {
	p := f.phrases
	var parts []string
	for _, n := range f.formModules(c) {
		sums, err := f.deps.Store.FeedbackOverview(ctx, c.ID, n)
		if err != nil {
			return "", err
		}
		lines := []string{content.Fill(p.FeedbackTrainerHeading, content.Vars{"module": strconv.Itoa(n), "cohort": c.Name})}
		if len(sums) == 0 {
			lines = append(lines, content.Fill(p.FeedbackTrainerNone, content.Vars{"module": strconv.Itoa(n)}))
		}
		form, _ := f.deps.Course.FeedbackForm(n)
		for _, s := range sums {
			line := content.Fill(p.FeedbackTrainerLine, content.Vars{"naam": mention(s.Receiver), "aantal": strconv.Itoa(s.Forms)})
			if s.Forms == 1 {
				line = content.Fill(p.FeedbackTrainerLine1, content.Vars{"naam": mention(s.Receiver)})
			}
			lines = append(lines, "• "+line)
			if len(s.Shared) == 0 {
				continue
			}
			lines = append(lines, content.Fill(p.FeedbackTrainerShared, content.Vars{"naam": mention(s.Receiver)}))
			lines = append(lines, feedbackPieces(f.deps.Course, form, s.Shared)...)
		}
		if len(sums) > 0 {
			lines = append(lines, "_"+p.FeedbackTrainerNotShared+"_")
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n\n"), nil
}

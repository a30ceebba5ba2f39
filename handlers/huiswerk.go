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
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// Written homework: the command, buttons and modal ids.
const (
	CommandHuiswerk = "/huiswerk"
	// ActionReportOpen opens the modal of one written task; value "<cohort id>/<task id>".
	ActionReportOpen = "report_open"
	// ActionReportTyped is sent while a participant types in a section's field ("report_typed:<section>:<n>").
	ActionReportTyped = "report_typed"
	// CallbackReport is the written-work modal: submitted (handed in) or closed (kept as a draft).
	CallbackReport = "report"
	// TrainingHuiswerk is `/training huiswerk [module]`.
	TrainingHuiswerk = "huiswerk"
)

// reportField is what one text field of the modal holds at most: Slack's limit on a plain_text_input. A section
// longer than that is shown in several fields; reportFieldRoom is how full the last one may be before the modal
// offers another, so that a participant never runs into the limit halfway a sentence.
const (
	reportField     = 3000
	reportFieldRoom = 2000
)

// HuiswerkStore is what written homework needs from the database; *store.DB implements it.
type HuiswerkStore interface {
	GateStore
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	MeterCohortsOf(ctx context.Context, userID string) ([]int64, error)
	SaveWrittenWork(ctx context.Context, e store.WorkEdit) (store.WrittenWork, error)
	WrittenWorkOf(ctx context.Context, cohortID int64, userID, taskID string) (store.WrittenWork, error)
	UserWrittenWork(ctx context.Context, cohortID int64, userID string) ([]store.WrittenWork, error)
	HandedInWork(ctx context.Context, cohortID int64, module int) ([]store.WrittenWork, error)
	Participants(ctx context.Context, cohortID int64) ([]string, error)
	LeftParticipants(ctx context.Context, cohortID int64) ([]string, error)
	ParticipationsOf(ctx context.Context, userID string) ([]content.Participation, error)
	RecordPostedCopies(ctx context.Context, copies []store.PostedCopy) error
}

// HuiswerkSlack is what written homework sends to Slack; *bot.Poster implements it.
type HuiswerkSlack interface {
	Post(ctx context.Context, channel, text string, blocks []slack.Block) (channelID, ts string, err error)
	OpenDM(ctx context.Context, userID string) (string, error)
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	UploadFile(ctx context.Context, channel, filename, title string, data []byte) (string, error)
	UserInfo(ctx context.Context, userID string) (*slack.User, error)
}

// HuiswerkDeps are what RegisterHuiswerk needs. Course, Store and Slack are required.
type HuiswerkDeps struct {
	Course *content.Course
	Store  HuiswerkStore
	Slack  HuiswerkSlack
	Log    *slog.Logger
	Now    func() time.Time // nil: time.Now
	Gate   *Gate            // nil: a gate over Store without Slack
	// Refresh, when set, redraws a participant's App Home after their work changed state (handed in).
	Refresh func(ctx context.Context, userID string) error
}

// Huiswerk lets participants write and hand in the homework that asks for written work (content.Report): the
// modal saves what they type as a draft while they type, handing it in marks the module's homework done, and it can
// be changed until the next module starts, then only read. Trainers read what was handed in with
// `/training huiswerk [module]`; nobody else sees it.
type Huiswerk struct {
	deps    HuiswerkDeps
	phrases content.Phrases
}

// RegisterHuiswerk registers /huiswerk, `/training huiswerk`, the modal's buttons, typing, submission and close.
func RegisterHuiswerk(r *Registry, deps HuiswerkDeps) *Huiswerk {
	if deps.Course == nil || deps.Store == nil || deps.Slack == nil {
		panic("handlers: RegisterHuiswerk needs the course, a store and a Slack client")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	deps.Gate = defaultGate(deps.Gate, deps.Store)
	h := &Huiswerk{deps: deps, phrases: r.Phrases()}
	r.Command(CommandHuiswerk, h.Command)
	r.TrainerCommand(CommandTraining+" "+TrainingHuiswerk, h.Trainer)
	r.Action(ActionReportOpen, h.Open)
	r.Action(ActionReportTyped, h.Typed)
	r.ViewSubmission(CallbackReport, h.Submit)
	r.ViewClosed(CallbackReport, h.Closed)
	return h
}

// ReportOpenValue is the value of a button that opens task's modal in cohort cohortID.
func ReportOpenValue(cohortID int64, task string) string {
	return strconv.FormatInt(cohortID, 10) + "/" + task
}

func parseReportRef(s string) (cohortID int64, task string, ok bool) {
	id, task, found := strings.Cut(s, "/")
	n, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || n <= 0 || task == "" {
		return 0, "", false
	}
	return n, task, true
}

// ReportButtons is the block with a "Huiswerk schrijven" button for each written task of module n, for the
// homework messages of that module; nil when the module asks for no written work.
func ReportButtons(course *content.Course, cohortID int64, n int) slack.Block {
	if course == nil {
		return nil
	}
	var els []slack.BlockElement
	for _, r := range course.ReportsOf(n) {
		els = append(els, button(ActionReportOpen, ReportOpenValue(cohortID, r.Task), course.Phrases.ReportButton, false))
	}
	if len(els) == 0 {
		return nil
	}
	return slack.NewActionBlock(fmt.Sprintf("report/c%d/m%d", cohortID, n), els...)
}

// reportClosed returns when the work of module n of c becomes read-only (the next module's start); ok false when
// nothing closes it.
func reportClosed(c *content.Cohort, n int) (time.Time, bool) {
	if next, ok := c.Module(n + 1); ok {
		return next.Start, true
	}
	return time.Time{}, false
}

// reportTask returns the format of task and the module's task itself, with the cohort's case names in it.
func (h *Huiswerk) reportTask(c *content.Cohort, taskID string) (*content.Report, content.Task, bool) {
	r, ok := h.deps.Course.Report(taskID)
	if !ok {
		return nil, content.Task{}, false
	}
	mod, err := h.deps.Course.ModuleFor(r.Module, c.Cases)
	if err != nil {
		return nil, content.Task{}, false
	}
	for _, t := range mod.Huiswerk {
		if t.ID == taskID {
			return r, t, true
		}
	}
	return nil, content.Task{}, false
}

// ReportModal is the modal of participant's written work w for format r (task t) in cohort c at now: the task,
// the format's intro, a text field per section filled with what was saved (several for a long section), typed
// text saved as it is typed (dispatch_action), "Inleveren" as its submit. Once the next module has started the
// sections are shown as text and the modal has no submit.
func ReportModal(course *content.Course, c *content.Cohort, r *content.Report, t content.Task, w store.WrittenWork, now time.Time) slack.ModalViewRequest {
	p := course.Phrases
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC
	}
	blocks := sections("*" + t.Title + "*\n" + strings.TrimSpace(t.Text))
	if intro := strings.TrimSpace(r.Intro); intro != "" {
		vars := content.Vars{}
		if cv, err := course.CaseVars(c.Cases); err == nil {
			for k, v := range cv {
				vars[k] = v
			}
		}
		blocks = append(blocks, sections(content.Fill(intro, vars))...)
	}
	closes, hasClose := reportClosed(c, r.Module)
	readOnly := hasClose && !now.Before(closes)
	var notes []string
	switch {
	case readOnly:
		notes = append(notes, content.Fill(p.ReportReadOnly, content.Vars{"module": strconv.Itoa(r.Module + 1), "datum": DutchDateTime(closes, loc)}))
	case hasClose:
		notes = append(notes, p.ReportOwnFormat, content.Fill(p.ReportDraftNote, content.Vars{"datum": DutchDateTime(closes, loc)}))
	default:
		notes = append(notes, p.ReportOwnFormat, p.ReportDraftNoteOpen)
	}
	if w.HandedInAt != nil && !readOnly {
		notes = append(notes, content.Fill(p.ReportHandedIn, content.Vars{"datum": DutchDateTime(*w.HandedInAt, loc)}))
	}
	for _, n := range notes {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(n)))
	}
	for _, s := range r.Sections {
		text := w.Sections[s.ID]
		if readOnly {
			body := p.ReportSectionEmpty
			if strings.TrimSpace(text) != "" {
				body = escape(text)
			}
			blocks = append(blocks, sections("*"+escape(s.Title)+"*\n"+body)...)
			continue
		}
		parts := fieldParts(text, reportField)
		if len(parts) == 0 || utf8.RuneCountInString(parts[len(parts)-1]) > reportFieldRoom {
			parts = append(parts, "")
		}
		for k, part := range parts {
			el := slack.NewPlainTextInputBlockElement(plain(p.ReportPlaceholder), reportActionID(s.ID, k))
			el.Multiline = true
			el.MaxLength = reportField
			el.InitialValue = part
			el.DispatchActionConfig = &slack.DispatchActionConfig{TriggerActionsOn: []string{"on_character_entered"}}
			label := s.Title
			var hint *slack.TextBlockObject
			if k == 0 && strings.TrimSpace(s.Guidance) != "" {
				hint = plain(s.Guidance)
			}
			if k > 0 {
				label = content.FillPlain(p.ReportSectionContinued, content.Vars{"titel": s.Title})
			}
			in := slack.NewInputBlock(reportBlockID(s.ID, k), plain(label), hint, el)
			in.Optional = true
			in.DispatchAction = true
			blocks = append(blocks, in)
		}
	}
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackReport,
		Title:           plain(content.FillPlain(p.ReportModalTitle, content.Vars{"module": strconv.Itoa(r.Module)})),
		Close:           plain(p.ReportCloseButton),
		PrivateMetadata: ReportOpenValue(c.ID, r.Task),
		NotifyOnClose:   !readOnly,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
	if !readOnly {
		v.Submit = plain(p.ReportHandInButton)
	}
	return v
}

func reportBlockID(section string, k int) string { return "report/" + section + "/" + strconv.Itoa(k) }

func reportActionID(section string, k int) string {
	return ActionReportTyped + ":" + section + ":" + strconv.Itoa(k)
}

// fieldParts splits s into pieces of at most limit runes for the modal's fields, losslessly: each cut is after
// the last white space within the limit (kept with the piece before it), so that the pieces joined are s.
func fieldParts(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		cut := runePrefix(s, limit)
		i := strings.LastIndexFunc(cut, unicode.IsSpace)
		if i <= 0 {
			i = len(cut)
		} else {
			_, size := utf8.DecodeRuneInString(cut[i:])
			i += size
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// joinParts joins a section's fields as typed: as they were split (fieldParts) when a piece ends in white space,
// otherwise on a new line, so that two fields never run into one word.
func joinParts(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			prev := b.String()
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(p)
			if !unicode.IsSpace(last) && !unicode.IsSpace(first) {
				b.WriteString("\n")
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// reportState reads the sections of format r from a modal's state: every field of a section, in order, joined.
// Sections with no field in the state are left out, so that saving them keeps what is stored.
func reportState(r *content.Report, state *slack.ViewState) store.Sections {
	if state == nil {
		return store.Sections{}
	}
	type part struct {
		k    int
		text string
	}
	bySection := map[string][]part{}
	for bid, acts := range state.Values {
		rest, ok := strings.CutPrefix(bid, "report/")
		if !ok {
			continue
		}
		id, kText, ok := strings.Cut(rest, "/")
		k, err := strconv.Atoi(kText)
		if !ok || err != nil {
			continue
		}
		if _, known := r.Section(id); !known {
			continue
		}
		a, ok := acts[reportActionID(id, k)]
		if !ok {
			continue
		}
		bySection[id] = append(bySection[id], part{k, a.Value})
	}
	out := store.Sections{}
	for id, parts := range bySection {
		slices.SortFunc(parts, func(a, b part) int { return a.k - b.k })
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		out[id] = joinParts(texts)
	}
	return out
}

// fieldsShown counts the fields of each section in a modal's state.
func fieldsShown(state *slack.ViewState) map[string]int {
	out := map[string]int{}
	if state == nil {
		return out
	}
	for bid := range state.Values {
		if rest, ok := strings.CutPrefix(bid, "report/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			out[id]++
		}
	}
	return out
}

// participantCohort is the cohort a participant's /huiswerk is about: the channel's, or the newest they are in.
// A trainer of it, someone who left it, or someone in none gets the answer for them as an error.
func (h *Huiswerk) participantCohort(ctx context.Context, userID, channel string) (*content.Cohort, error) {
	var c *content.Cohort
	if channel != "" && !strings.HasPrefix(channel, "D") {
		found, err := h.deps.Store.CohortByChannel(ctx, channel)
		if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
			return nil, err
		}
		c = found
	}
	if c == nil {
		ids, err := h.deps.Store.MeterCohortsOf(ctx, userID)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			left, err := leftCohort(ctx, h.deps.Store, userID)
			if err != nil {
				return nil, err
			}
			if left != nil {
				return nil, content.Errorf(content.EFORBIDDEN, "%s", content.Fill(h.phrases.GateLeft, content.Vars{"cohort": left.Name}))
			}
			trained, err := h.deps.Gate.TrainedCohorts(ctx, userID)
			if err != nil {
				return nil, err
			}
			if len(trained) > 0 {
				return nil, content.Errorf(content.EFORBIDDEN, "%s", h.phrases.ReportTrainerSelf)
			}
			return nil, content.Errorf(content.ENOTFOUND, "%s", h.phrases.ReportNoCohort)
		}
		if c, err = h.deps.Store.CohortByID(ctx, ids[0]); err != nil {
			return nil, err
		}
	}
	if err := h.checkParticipant(ctx, c, userID, channel == c.Channel); err != nil {
		return nil, err
	}
	return c, nil
}

// checkParticipant lets only a participant of c write: a trainer is told how to read the work instead, someone
// who left the channel that the group is closed to them, and a stranger (a forged or foreign button) is refused.
// typed says the request was typed in c's own channel, which shows the caller is in it.
func (h *Huiswerk) checkParticipant(ctx context.Context, c *content.Cohort, userID string, typed bool) error {
	who, err := h.deps.Gate.Member(ctx, c, userID)
	if err != nil {
		return err
	}
	switch {
	case who == Trainer:
		return content.Errorf(content.EFORBIDDEN, "%s", h.phrases.ReportTrainerSelf)
	case who == Left:
		return content.Errorf(content.EFORBIDDEN, "%s", content.Fill(h.phrases.GateLeft, content.Vars{"cohort": c.Name}))
	case who == Stranger && !typed:
		return content.Errorf(content.EFORBIDDEN, "%s", h.phrases.GateStranger)
	}
	return nil
}

// available returns the written tasks of c a participant can see at now: those of modules that have started,
// in course order.
func (h *Huiswerk) available(c *content.Cohort, now time.Time) []content.Report {
	var out []content.Report
	for _, cm := range c.Modules {
		if now.Before(cm.Start) {
			continue
		}
		out = append(out, h.deps.Course.ReportsOf(cm.Number)...)
	}
	return out
}

// Command handles /huiswerk: with one written task open it opens that task's modal; otherwise it lists the
// participant's written tasks, each with its state and a button to write or read it.
func (h *Huiswerk) Command(ctx context.Context, cmd slack.SlashCommand) (Response, error) {
	c, err := h.participantCohort(ctx, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return Response{}, fmt.Errorf("huiswerk: %w", err)
	}
	now := h.deps.Now()
	reports := h.available(c, now)
	if len(reports) == 0 {
		return Ephemeral(h.phrases.ReportNothingOpen), nil
	}
	var open []content.Report
	for _, r := range reports {
		if closes, ok := reportClosed(c, r.Module); !ok || now.Before(closes) {
			open = append(open, r)
		}
	}
	if len(open) == 1 {
		if err := h.openModal(ctx, c, cmd.UserID, open[0].Task, cmd.TriggerID); err != nil {
			return Response{}, err
		}
		return Response{}, nil
	}
	work, err := h.deps.Store.UserWrittenWork(ctx, c.ID, cmd.UserID)
	if err != nil {
		return Response{}, fmt.Errorf("huiswerk: %w", err)
	}
	blocks := ReportListBlocks(h.deps.Course, c, reports, work, now)
	return Response{Reply: &Reply{Text: firstLine(h.phrases.ReportHomeHeading), Blocks: blocks}}, nil
}

// ReportListBlocks lists written tasks with the participant's state of each (not started, draft, handed in) and a
// button to write it, or to read it once the next module started: the /huiswerk list and the App Home's part.
func ReportListBlocks(course *content.Course, c *content.Cohort, reports []content.Report, work []store.WrittenWork, now time.Time) []slack.Block {
	p := course.Phrases
	loc, err := c.Location()
	if err != nil {
		loc = time.UTC
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(p.ReportHomeHeading), nil, nil)}
	for _, r := range reports {
		title := r.Task
		if t, ok := moduleTask(course, r.Module, r.Task); ok {
			title = t.Title
		}
		vars := content.Vars{"titel": title, "module": strconv.Itoa(r.Module)}
		line := content.Fill(p.ReportHomeNotStarted, vars)
		for _, w := range work {
			if w.TaskID != r.Task {
				continue
			}
			line = content.Fill(p.ReportHomeDraft, vars)
			if w.HandedInAt != nil {
				vars["datum"] = DutchDateTime(*w.HandedInAt, loc)
				line = content.Fill(p.ReportHomeHandedIn, vars)
			}
		}
		label := p.ReportButton
		if closes, ok := reportClosed(c, r.Module); ok && !now.Before(closes) {
			label = p.ReportViewButton
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(line), nil,
			slack.NewAccessory(button(ActionReportOpen, ReportOpenValue(c.ID, r.Task), label, false)),
			slack.SectionBlockOptionBlockID("report/"+r.Task)))
	}
	return blocks
}

func moduleTask(course *content.Course, n int, id string) (content.Task, bool) {
	m, ok := course.Module(n)
	if !ok {
		return content.Task{}, false
	}
	for _, t := range m.Huiswerk {
		if t.ID == id {
			return t, true
		}
	}
	return content.Task{}, false
}

// openModal opens userID's modal of taskID in c, with what they wrote so far.
func (h *Huiswerk) openModal(ctx context.Context, c *content.Cohort, userID, taskID, triggerID string) error {
	r, t, ok := h.reportTask(c, taskID)
	if !ok {
		return content.Errorf(content.EINVALID, "%s", h.phrases.ReportOldButton)
	}
	w, err := h.deps.Store.WrittenWorkOf(ctx, c.ID, userID, taskID)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return fmt.Errorf("open written work: %w", err)
	}
	if _, err := h.deps.Slack.OpenView(ctx, triggerID, ReportModal(h.deps.Course, c, r, t, w, h.deps.Now())); err != nil {
		return fmt.Errorf("open written work: %w", err)
	}
	return nil
}

// cohortOf reads the cohort and task a button or modal carries and lets only a participant of that cohort on.
func (h *Huiswerk) cohortOf(ctx context.Context, ref, userID string) (*content.Cohort, *content.Report, error) {
	id, task, ok := parseReportRef(ref)
	if !ok {
		return nil, nil, content.Errorf(content.EINVALID, "%s", h.phrases.ReportOldButton)
	}
	c, err := h.deps.Store.CohortByID(ctx, id)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return nil, nil, content.Errorf(content.EFORBIDDEN, "%s", h.phrases.GateStranger)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := h.checkParticipant(ctx, c, userID, false); err != nil {
		return nil, nil, err
	}
	r, _, ok := h.reportTask(c, task)
	if !ok {
		return nil, nil, content.Errorf(content.EINVALID, "%s", h.phrases.ReportOldButton)
	}
	return c, r, nil
}

// Open handles "Huiswerk schrijven" (and "Bekijk je huiswerk"): it opens the task's modal.
func (h *Huiswerk) Open(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	c, r, err := h.cohortOf(ctx, action.Value, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("open written work: %w", err)
	}
	return Response{}, h.openModal(ctx, c, cb.User.ID, r.Task, cb.TriggerID)
}

// Typed handles what Slack sends while a participant types in the modal: every section in the modal's state is
// saved as a draft (or as the handed-in work, changed) before the ack. A field that fills up gets another under
// it (views.update keeps what was typed: the block ids stay). After the next module started nothing is saved and
// the modal turns read-only.
func (h *Huiswerk) Typed(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) (Response, error) {
	c, r, err := h.cohortOf(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("written work typed: %w", err)
	}
	secs := reportState(r, cb.View.State)
	w, err := h.deps.Store.SaveWrittenWork(ctx, store.WorkEdit{CohortID: c.ID, UserID: cb.User.ID, TaskID: r.Task,
		Module: r.Module, Sections: secs})
	closed := errors.Is(err, store.ErrWorkClosed)
	if err != nil && !closed {
		return Response{}, fmt.Errorf("written work typed: %w", err)
	}
	if closed {
		if w, err = h.deps.Store.WrittenWorkOf(ctx, c.ID, cb.User.ID, r.Task); err != nil && content.ErrorCode(err) != content.ENOTFOUND {
			return Response{}, fmt.Errorf("written work typed: %w", err)
		}
	}
	_, t, _ := h.reportTask(c, r.Task)
	modal := ReportModal(h.deps.Course, c, r, t, w, h.deps.Now())
	if !closed && !moreFields(modal, fieldsShown(cb.View.State)) {
		return Response{}, nil
	}
	viewID, hash := cb.View.ID, cb.View.Hash
	return Response{Later: func(ctx context.Context) (*Reply, error) {
		if _, err := h.deps.Slack.UpdateView(ctx, viewID, hash, modal); err != nil {
			h.deps.Log.WarnContext(ctx, "written work modal not redrawn", slog.Any("error", err))
		}
		return nil, nil
	}}, nil
}

// moreFields reports whether modal v has more fields for some section than the modal shown has: a field filled
// up and the participant needs the next one. Fewer never redraws: a field emptied while typing stays, with
// whatever the fields after it hold.
func moreFields(v slack.ModalViewRequest, shown map[string]int) bool {
	counts := map[string]int{}
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		if rest, ok := strings.CutPrefix(in.BlockID, "report/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			counts[id]++
		}
	}
	for id, n := range counts {
		if n > shown[id] {
			return true
		}
	}
	return false
}

// Submit handles "Inleveren": the sections are saved and the work handed in (the module's homework done), before
// the ack. Empty work keeps the modal open with the reason; after the next module started the participant is told
// it is read-only now. A confirmation follows in the DM.
func (h *Huiswerk) Submit(ctx context.Context, cb slack.InteractionCallback) (ViewResponse, error) {
	c, r, err := h.cohortOf(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return ViewResponse{}, fmt.Errorf("hand in written work: %w", err)
	}
	before, err := h.deps.Store.WrittenWorkOf(ctx, c.ID, cb.User.ID, r.Task)
	if err != nil && content.ErrorCode(err) != content.ENOTFOUND {
		return ViewResponse{}, fmt.Errorf("hand in written work: %w", err)
	}
	_, err = h.deps.Store.SaveWrittenWork(ctx, store.WorkEdit{CohortID: c.ID, UserID: cb.User.ID, TaskID: r.Task,
		Module: r.Module, Sections: reportState(r, cb.View.State), HandIn: true})
	var closed *store.WorkClosedError
	switch {
	case errors.Is(err, store.ErrWorkEmpty):
		return ViewErrors(map[string]string{reportBlockID(r.Sections[0].ID, 0): h.phrases.ReportEmpty}), nil
	case errors.As(err, &closed):
		loc, _ := c.Location()
		if loc == nil {
			loc = time.UTC
		}
		return ViewResponse{}, content.Errorf(content.ECONFLICT, "%s", content.Fill(h.phrases.ReportReadOnly,
			content.Vars{"module": strconv.Itoa(r.Module + 1), "datum": DutchDateTime(closed.Since, loc)}))
	case err != nil:
		return ViewResponse{}, fmt.Errorf("hand in written work: %w", err)
	}
	title := r.Task
	if t, ok := moduleTask(h.deps.Course, r.Module, r.Task); ok {
		title = t.Title
	}
	text := content.Fill(h.phrases.ReportHandedInAck, content.Vars{"titel": title})
	if before.HandedInAt != nil {
		text = h.phrases.ReportSavedAfterHandIn
	}
	userID := cb.User.ID
	return ViewResponse{Later: func(ctx context.Context) error {
		if _, _, err := h.deps.Slack.Post(ctx, userID, text, sections(text)); err != nil {
			return fmt.Errorf("hand in written work: confirm: %w", err)
		}
		if h.deps.Refresh != nil {
			return h.deps.Refresh(ctx, userID)
		}
		return nil
	}}, nil
}

// Closed handles the modal closed without handing in: what it holds is kept as the draft (the typing saved most
// of it already; this saves the last of it). After the next module started nothing is saved.
func (h *Huiswerk) Closed(ctx context.Context, cb slack.InteractionCallback) error {
	c, r, err := h.cohortOf(ctx, cb.View.PrivateMetadata, cb.User.ID)
	if err != nil {
		return fmt.Errorf("close written work: %w", err)
	}
	secs := reportState(r, cb.View.State)
	if len(secs) == 0 {
		return nil
	}
	if _, err := h.deps.Store.SaveWrittenWork(ctx, store.WorkEdit{CohortID: c.ID, UserID: cb.User.ID, TaskID: r.Task,
		Module: r.Module, Sections: secs}); err != nil && !errors.Is(err, store.ErrWorkClosed) {
		return fmt.Errorf("close written work: %w", err)
	}
	return nil
}

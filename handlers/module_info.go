package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
)

// ActionModuleInfo opens a module's whole introduction in a modal: value "<cohort id>/<module>". The preparation
// message opens with the gist of the inleiding and this button; the App Home has it too.
const ActionModuleInfo = "module_info"

// maxModalTitle is Slack's limit on a modal's title.
const maxModalTitle = content.MaxModalTitle

// ModuleInfoStore is what the module info reads; *store.DB implements it.
type ModuleInfoStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
}

// ModuleInfoSlack opens the modal; cmd wires it to the bot's Poster.
type ModuleInfoSlack interface {
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
}

// ModuleInfoDeps are what RegisterModuleInfo needs.
type ModuleInfoDeps struct {
	Course *content.Course
	Store  ModuleInfoStore
	Slack  ModuleInfoSlack
	Log    *slog.Logger
	// Gate says whether the one who clicked takes part in the cohort, and whether they train it.
	Gate *Gate
}

// ModuleInfo shows a module as the manual introduces it: the inleiding, the leeruitkomsten and the programma, with
// the cohort's own case names; to the cohort's trainers also what the manual says to the trainer about the module
// (the note on the homework, the material, the background reading, and the notes on the case stages of the
// module). The course is public material: anyone may read the participants' part; only the trainer part is kept
// to the trainers, since it would give away how the role plays are run.
type ModuleInfo struct {
	deps ModuleInfoDeps
}

// RegisterModuleInfo registers the module info button.
func RegisterModuleInfo(r *Registry, deps ModuleInfoDeps) *ModuleInfo {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Gate = defaultGate(deps.Gate, deps.Store); deps.Gate == nil {
		panic("handlers: RegisterModuleInfo needs a gate")
	}
	m := &ModuleInfo{deps: deps}
	r.Action(ActionModuleInfo, m.Open)
	r.DeclareTrainerPart("action", ActionModuleInfo)
	return m
}

// ModuleInfoButton is the button that opens module n's introduction for cohort cohortID, with the given label
// (Phrases.ModuleInfoButton, or ModuleInfoTrainerButton on a trainer's App Home).
func ModuleInfoButton(cohortID int64, n int, label string) *slack.ButtonBlockElement {
	return button(ActionModuleInfo, strconv.FormatInt(cohortID, 10)+"/"+strconv.Itoa(n), label, false)
}

// Open handles a click on the module info button: it opens the modal for the one who clicked.
func (m *ModuleInfo) Open(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	unknown := content.Errorf(content.EINVALID, "%s", m.deps.Course.Phrases.ModuleInfoUnknown)
	id, n, ok := parseModuleInfoValue(action.Value)
	if !ok {
		return Response{}, unknown
	}
	c, err := m.deps.Store.CohortByID(ctx, id)
	if content.ErrorCode(err) == content.ENOTFOUND {
		return Response{}, unknown
	}
	if err != nil {
		return Response{}, fmt.Errorf("module info: %w", err)
	}
	v, err := NewModuleView(m.deps.Course, c, n)
	if err != nil {
		return Response{}, unknown
	}
	who, err := m.deps.Gate.Member(ctx, c, cb.User.ID)
	if err != nil {
		return Response{}, fmt.Errorf("module info: %w", err)
	}
	if who == Stranger {
		// A button carries a cohort id, which a forged payload can change: another group's case names and
		// trainer material are not for someone outside it.
		return Response{}, content.Errorf(content.EFORBIDDEN, "%s", m.deps.Course.Phrases.GateStranger)
	}
	view, err := ModuleInfoModal(v, who == Trainer)
	if err != nil {
		return Response{}, fmt.Errorf("module info: %w", err)
	}
	if _, err := m.deps.Slack.OpenView(ctx, cb.TriggerID, view); err != nil {
		return Response{}, fmt.Errorf("module info: %w", err)
	}
	return Response{}, nil
}

func parseModuleInfoValue(v string) (cohortID int64, module int, ok bool) {
	a, b, found := strings.Cut(v, "/")
	if !found {
		return 0, 0, false
	}
	id, err1 := strconv.ParseInt(a, 10, 64)
	n, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || id <= 0 || n <= 0 {
		return 0, 0, false
	}
	return id, n, true
}

// ModuleInfoModal is the modal with module v's inleiding, leeruitkomsten, programma and further reading; with
// trainer, also the trainer's part. It stays within Slack's limits for a view.
func ModuleInfoModal(v ModuleView, trainer bool) (slack.ModalViewRequest, error) {
	if v.Module == nil {
		return slack.ModalViewRequest{}, fmt.Errorf("module info: no module")
	}
	p, mod := v.Phrases, v.Module
	num := strconv.Itoa(v.Number)
	blocks := sections(content.Fill(p.ModuleInfoHeading, content.Vars{"module": num, "titel": mod.Title}) + "\n_" + mod.Kop + "_")
	blocks = append(blocks, sections(p.ModuleInfoInleiding+"\n"+mod.Inleiding)...)
	var lu []string
	for i, s := range mod.Leeruitkomsten {
		lu = append(lu, strconv.Itoa(i+1)+". "+s)
	}
	blocks = append(blocks, sections(p.ModuleInfoLeeruitkomsten+"\n"+strings.Join(lu, "\n"))...)
	blocks = append(blocks, sections(p.ModuleInfoProgramma+"\n"+mod.Programma)...)
	if len(mod.MeerLezen) > 0 {
		blocks = append(blocks, sections(p.ModuleInfoMeerLezen+"\n"+readingLines(mod.MeerLezen, p))...)
	}
	if trainer {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, sections(p.ModuleInfoTrainer)...)
		if s := strings.TrimSpace(mod.HuiswerkToelichting); s != "" {
			blocks = append(blocks, sections(p.ModuleInfoToelichting+"\n"+s)...)
		}
		if len(mod.Materiaal) > 0 {
			blocks = append(blocks, sections(p.ModuleInfoMateriaal+"\n• "+strings.Join(mod.Materiaal, "\n• "))...)
		}
		if len(mod.Achtergrondliteratuur) > 0 {
			blocks = append(blocks, sections(p.ModuleInfoLiteratuur+"\n"+readingLines(mod.Achtergrondliteratuur, p))...)
		}
		notes, err := stageNotes(v)
		if err != nil {
			return slack.ModalViewRequest{}, err
		}
		if notes != "" {
			blocks = append(blocks, sections(p.ModuleInfoCasussen+"\n"+notes)...)
		}
	}
	if len(blocks) > content.MaxViewBlocks {
		return slack.ModalViewRequest{}, fmt.Errorf("module info: %d blocks, Slack allows %d in a view", len(blocks), content.MaxViewBlocks)
	}
	return slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plain(clip(content.FillPlain(p.ModuleInfoTitle, content.Vars{"module": num}), maxModalTitle)),
		Close:  plain(p.ModuleInfoClose),
		Blocks: slack.Blocks{BlockSet: blocks},
	}, nil
}

// readingLines lists readings as bullets, each with its link.
func readingLines(rs []content.Reading, p content.Phrases) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = "• " + strings.ReplaceAll(readingText(r, p), "\n", " ")
	}
	return strings.Join(lines, "\n")
}

// stageNotes returns the trainer notes of the stages of module v.Number, for each of the cohort's cases in the
// name variant it plays, under the case and stage titles, in course order. A note the cases share word for word
// (the manual gives the same instructions for each case) is shown once, under the titles of all of them.
func stageNotes(v ModuleView) (string, error) {
	type note struct {
		titles []string // "Casus 1: Johanna – Het vierde Gesprek: een ondersteuningsplan"
		text   string
		order  string // the first case's title, for course order
	}
	var notes []*note
	byText := map[string]*note{}
	for _, variant := range v.Cohort.Cases {
		cs, ok := v.Course.Case(content.CaseForVariant(variant))
		if !ok {
			continue
		}
		stages, err := cs.Stages(variant)
		if err != nil {
			return "", fmt.Errorf("module info: %w", err)
		}
		title, err := cs.TitleFor(variant)
		if err != nil {
			return "", fmt.Errorf("module info: %w", err)
		}
		for _, s := range stages {
			text := strings.TrimSpace(s.TrainerNote)
			if s.Module != v.Number || text == "" {
				continue
			}
			if n, ok := byText[text]; ok {
				n.titles = append(n.titles, title+" – "+s.Title)
				if title < n.order {
					n.order = title
				}
				continue
			}
			n := &note{titles: []string{title + " – " + s.Title}, text: text, order: title}
			byText[text] = n
			notes = append(notes, n)
		}
	}
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].order < notes[j].order })
	parts := make([]string, len(notes))
	for i, n := range notes {
		sort.Strings(n.titles)
		parts[i] = "_" + strings.Join(n.titles, "_\n_") + "_\n" + n.text
	}
	return strings.Join(parts, "\n\n"), nil
}

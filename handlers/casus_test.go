package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
	"github.com/gesprekbot/gesprekbot/store"
)

// casusWorld is a cohort in the Slack fake with a real database, the bot connected over Socket Mode.
type casusWorld struct {
	bot      *bottest.World
	fake     *slackfake.Server
	db       *store.DB
	course   *content.Course
	casus    *handlers.Casus
	clock    *bottest.Clock
	channel  string
	cohortID int64
	trainer  string
	anna     string
	bram     string
}

// later moves the clock past the window in which a reveal counts as a repeat.
func (w *casusWorld) later() { w.clock.Add(time.Minute) }

func newCasusWorld(t testing.TB, lvb string) *casusWorld {
	t.Helper()
	course, db, b := newBot(t, time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC))
	w := &casusWorld{bot: b, fake: b.Fake, db: db, course: course, clock: b.Clock, casus: b.App.Casus}
	w.trainer = w.fake.AddUser(slackfake.User{Name: "tess", RealName: "Tess Trainer"})
	w.anna = w.fake.AddUser(slackfake.User{Name: "anna", RealName: "Anna de Vries"})
	w.bram = w.fake.AddUser(slackfake.User{Name: "bram", RealName: "Bram Bakker"})
	w.channel = w.fake.AddChannel(slackfake.Channel{Name: "het-gesprek-zwolle",
		Members: []string{w.trainer, w.anna, w.bram, w.fake.BotUserID()}})

	w.cohortID = saveDecemberCohort(t, db, "Zwolle voorjaar 2027", w.channel, w.trainer, []string{"richard", lvb})
	return w
}

// command types /casus text as user in channel and waits until the work after the ack is done.
func (w *casusWorld) command(t *testing.T, user, channel, text string) slackfake.Response {
	t.Helper()
	return w.bot.Command(t, user, channel, "/casus", text)
}

// seen returns everything a message shows: its text and the text in its blocks.
func seen(m slackfake.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	var blocks []map[string]any
	if len(m.Blocks) > 0 {
		json.Unmarshal(m.Blocks, &blocks)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				b.WriteString("\n" + s)
			}
			for k, x := range v {
				if k != "text" {
					walk(x)
				} else if _, ok := x.(string); !ok {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, bl := range blocks {
		walk(bl)
	}
	return b.String()
}

func seenAll(ms []slackfake.Message) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, seen(m))
	}
	return strings.Join(parts, "\n---\n")
}

// lastEphemeral returns what the user was last shown privately.
func (w *casusWorld) lastEphemeral(t *testing.T, user string) string {
	t.Helper()
	eph := w.fake.Ephemerals(user)
	if len(eph) == 0 {
		t.Fatalf("%s was shown nothing", user)
	}
	return seen(eph[len(eph)-1])
}

func (w *casusWorld) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.db.GetContext(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE action = $1`, action); err != nil {
		t.Fatal(err)
	}
	return n
}

// stageTexts returns the rendered stages of a case variant by id.
func stageTexts(t *testing.T, course *content.Course, variant string) map[string]content.Stage {
	t.Helper()
	cs, ok := course.Case(variant)
	if !ok {
		t.Fatalf("no case for %s", variant)
	}
	stages, err := cs.Stages(variant)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]content.Stage{}
	for _, s := range stages {
		out[s.ID] = s
	}
	return out
}

// firstSentence is a piece of a stage's text that identifies it.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".\n"); i > 20 {
		s = s[:i]
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func TestCasusRevealSequence(t *testing.T) {
	t.Parallel()
	others := map[string][]string{"johan": {"Johanna"}, "johanna": {"Johan "}, "emma": {"Tom"}, "tom": {"Emma"}}
	names := map[string]string{"johan": "Johan", "johanna": "Johanna", "emma": "Emma", "tom": "Tom"}
	line := []string{"aanmelding", "gedrag", "rol", "ondersteuningsplan"}
	for _, lvb := range []string{"johan", "johanna", "emma", "tom"} {
		t.Run(lvb, func(t *testing.T) {
			w := newCasusWorld(t, lvb)
			lvbStages := stageTexts(t, w.course, lvb)
			richard := stageTexts(t, w.course, "richard")
			for i, id := range line {
				before := len(w.fake.Messages(w.channel))
				w.command(t, w.trainer, w.channel, "reveal")
				msgs := w.fake.Messages(w.channel)
				if len(msgs) != before+2 {
					t.Fatalf("reveal %d: %d new channel messages, want 2 (one per case)", i+1, len(msgs)-before)
				}
				// The LVB case is Casus 1 or 2 and comes before Richard (Casus 3).
				got, gotRichard := seen(msgs[before]), seen(msgs[before+1])
				if !strings.Contains(got, "Casus") || !strings.Contains(got, names[lvb]) {
					t.Errorf("reveal %d: first message is not %s's case:\n%s", i+1, names[lvb], got)
				}
				for _, o := range others[lvb] {
					if strings.Contains(got, o) {
						t.Errorf("reveal %d: %s's stage mentions %q:\n%s", i+1, names[lvb], o, got)
					}
				}
				st, rs := lvbStages[id], richard[id]
				if st.Audience == content.StageChannel {
					if want := firstSentence(st.Text); !strings.Contains(got, want) {
						t.Errorf("reveal %d: want stage %s (%q) in:\n%s", i+1, id, want, got)
					}
					if want := firstSentence(rs.Text); !strings.Contains(gotRichard, want) {
						t.Errorf("reveal %d: want Richard's stage %s (%q) in:\n%s", i+1, id, want, gotRichard)
					}
				}
				if st.Assignment != "" && !strings.Contains(got, firstSentence(strings.TrimPrefix(strings.TrimSpace(st.Assignment), "*"))) {
					t.Errorf("reveal %d: the assignment of %s is missing", i+1, id)
				}
				// Nothing of a later stage, of a role card or of the actor background reaches the channel.
				all := seenAll(msgs)
				for _, later := range line[i+1:] {
					if s := lvbStages[later]; s.Audience == content.StageChannel && strings.Contains(all, firstSentence(s.Text)) {
						t.Errorf("reveal %d: stage %s shown early", i+1, later)
					}
				}
				for _, private := range []string{lvbStages["rol"].Text, lvbStages["acteur"].Text, richard["rol"].Text, richard["acteur"].Text} {
					if strings.Contains(all, firstSentence(private)) {
						t.Errorf("reveal %d: a private text reached the channel: %q", i+1, firstSentence(private))
					}
				}
				w.later()
			}
			// Each stage once: four reveals, eight messages; a fifth says there is nothing left.
			w.command(t, w.trainer, w.channel, "reveal")
			if n := len(w.fake.Messages(w.channel)); n != 8 {
				t.Errorf("%d channel messages after everything was revealed, want 8", n)
			}
			if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "alle stappen al gedeeld") {
				t.Errorf("fifth reveal told the trainer %q", got)
			}
			if n := w.auditCount(t, handlers.AuditCaseRevealed); n != 8 {
				t.Errorf("%d case_revealed audit rows, want 8", n)
			}
		})
	}
}

func TestCasusDoubleReveal(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "emma")
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := w.fake.Command(ctx, w.trainer, w.channel, "/casus", "reveal"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w.bot.Wait(t)
	if n := len(w.fake.Messages(w.channel)); n != 2 {
		t.Fatalf("two identical commands posted %d messages, want 2 (one per case)", n)
	}
	// A retry a few seconds later is still the same command.
	w.clock.Add(3 * time.Second)
	w.command(t, w.trainer, w.channel, "onthul")
	if n := len(w.fake.Messages(w.channel)); n != 2 {
		t.Fatalf("a retry after 3 seconds posted again: %d messages", n)
	}
	if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "zojuist al gedeeld") {
		t.Errorf("the trainer was told %q", got)
	}
	// Later, /casus onthul (the Dutch synonym) moves on.
	w.later()
	w.command(t, w.trainer, w.channel, "onthul")
	msgs := w.fake.Messages(w.channel)
	if len(msgs) != 4 || !strings.Contains(seen(msgs[2]), "Gedrag dat Emma laat zien") {
		t.Errorf("onthul: %d messages, the third:\n%s", len(msgs), seen(msgs[len(msgs)-1]))
	}
}

func TestCasusRefusesNonTrainer(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "johanna")
	var audits int
	if err := w.db.GetContext(context.Background(), &audits, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"reveal", "onthul johanna", "status", "rol <@" + w.bram + "|bram> moeder", "acteur"} {
		w.command(t, w.anna, w.channel, text)
		got := w.lastEphemeral(t, w.anna)
		if !strings.Contains(got, "alleen een trainer") || !strings.Contains(got, "/casus") {
			t.Errorf("%s: anna was told %q", text, got)
		}
	}
	if n := len(w.fake.Messages(w.channel)); n != 0 {
		t.Errorf("a participant's command posted %d messages", n)
	}
	if n := len(w.fake.Messages(w.fake.IMWith(w.bram))) + len(w.fake.Messages(w.fake.IMWith(w.anna))); n != 0 {
		t.Errorf("a participant's command sent %d DMs", n)
	}
	var after int
	if err := w.db.GetContext(context.Background(), &after, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	if after != audits {
		t.Errorf("the refusals wrote %d audit rows, want none: a refusal writes nothing", after-audits)
	}
	if locked, _ := w.db.CasesLocked(context.Background(), w.cohortID); locked {
		t.Error("a refused reveal locked the cases")
	}
}

func TestCasusRoleCard(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "johanna")
	johanna := stageTexts(t, w.course, "johanna")
	card := firstSentence(johanna["rol"].Text)

	w.command(t, w.trainer, w.channel, "rol <@"+w.anna+"|anna> Moeder")
	annaDM := w.fake.Messages(w.fake.IMWith(w.anna))
	if len(annaDM) != 1 || !strings.Contains(seen(annaDM[0]), card) || !strings.Contains(seen(annaDM[0]), "*moeder*") {
		t.Fatalf("anna's DM = %s", seenAll(annaDM))
	}
	if strings.Contains(seen(annaDM[0]), "Johan ") || !strings.Contains(seen(annaDM[0]), "dochter") {
		t.Errorf("the role card has the wrong name variant:\n%s", seen(annaDM[0]))
	}
	if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "<@"+w.anna+">") {
		t.Errorf("the trainer was told %q", got)
	}
	// Only anna: not the channel, not bram, not the trainer.
	for _, conv := range []string{w.channel, w.fake.IMWith(w.bram), w.fake.IMWith(w.trainer)} {
		if strings.Contains(seenAll(w.fake.Messages(conv)), card) {
			t.Errorf("the role card reached %s", conv)
		}
	}
	for _, u := range []string{w.bram, w.trainer} {
		if strings.Contains(seenAll(w.fake.Ephemerals(u)), card) {
			t.Errorf("the role card was shown to %s", u)
		}
	}

	// A mention without a name, Richard's role.
	w.command(t, w.trainer, w.channel, "rol richard <@"+w.bram+"> begeleider")
	if got := seenAll(w.fake.Messages(w.fake.IMWith(w.bram))); !strings.Contains(got, "*begeleider*") {
		t.Errorf("bram's DM = %s", got)
	}

	tests := []struct{ name, text, want string }{
		{"UnknownRole", "rol <@" + w.bram + "|bram> oma", "Je kunt kiezen uit: moeder en begeleider"},
		{"NoMention", "rol moeder", "Zo stuur je een rolkaart"},
		{"RoleOfOtherCase", "rol <@" + w.bram + "|bram> moeder richard", "Je kunt kiezen uit: begeleider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.command(t, w.trainer, w.channel, tt.text)
			if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, tt.want) {
				t.Errorf("told %q, want %q", got, tt.want)
			}
		})
	}
	cards, err := w.db.CaseCards(context.Background(), w.cohortID)
	if err != nil || len(cards) != 2 || cards[0].UserID != w.anna || cards[0].Role != "moeder" || cards[0].SentBy != w.trainer {
		t.Errorf("recorded cards = %+v, %v", cards, err)
	}

	// The actor background goes to the trainer who asks, and to nobody else.
	w.command(t, w.trainer, w.channel, "acteur johanna")
	actor := firstSentence(johanna["acteur"].Text)
	if got := seenAll(w.fake.Messages(w.fake.IMWith(w.trainer))); !strings.Contains(got, actor) {
		t.Errorf("trainer's DM = %s", got)
	}
	if strings.Contains(seenAll(w.fake.Messages(w.channel)), actor) || strings.Contains(seenAll(w.fake.Messages(w.fake.IMWith(w.anna))), actor) {
		t.Error("the actor background reached a participant")
	}
	if n := w.auditCount(t, handlers.AuditCaseActorSent); n != 1 {
		t.Errorf("%d actor cards audited, want 1", n)
	}
}

func TestCasusLateJoiner(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "tom")
	tom := stageTexts(t, w.course, "tom")
	richard := stageTexts(t, w.course, "richard")
	w.command(t, w.trainer, w.channel, "reveal")
	w.later()
	w.command(t, w.trainer, w.channel, "reveal")

	late := w.fake.AddUser(slackfake.User{Name: "lotte", RealName: "Lotte Laat"})
	if err := w.fake.Join(w.channel, late); err != nil {
		t.Fatal(err)
	}
	w.command(t, late, w.channel, "")
	got := w.lastEphemeral(t, late)
	for _, s := range []content.Stage{tom["aanmelding"], tom["gedrag"], richard["aanmelding"], richard["gedrag"]} {
		if !strings.Contains(got, firstSentence(s.Text)) {
			t.Errorf("the late joiner does not see %q", firstSentence(s.Text))
		}
	}
	for _, s := range []content.Stage{tom["ondersteuningsplan"], tom["acteur"], tom["rol"]} {
		if strings.Contains(got, firstSentence(s.Text)) {
			t.Errorf("the late joiner sees %q, which was not shared", firstSentence(s.Text))
		}
	}

	// With the whole line shared it no longer fits one message: it comes by DM, in parts, all of it. The last stage
	// is made long here, so that this holds whatever the course's own texts weigh.
	for i := range w.course.Cases {
		for j := range w.course.Cases[i].StageTemplates {
			if st := &w.course.Cases[i].StageTemplates[j]; st.ID == "ondersteuningsplan" {
				st.Text += "\n\n" + strings.Repeat("Een lange alinea, alleen voor deze test. ", 100)
			}
		}
	}
	for range 2 {
		w.later()
		w.command(t, w.trainer, w.channel, "reveal")
	}
	w.command(t, late, w.channel, "")
	if got := w.lastEphemeral(t, late); !strings.Contains(got, "privéberichten") {
		t.Errorf("told %q", got)
	}
	dm := w.fake.Messages(w.fake.IMWith(late))
	if len(dm) < 2 {
		t.Fatalf("%d DMs, want the read-back in several", len(dm))
	}
	all := seenAll(dm)
	for _, s := range []content.Stage{tom["aanmelding"], tom["gedrag"], tom["ondersteuningsplan"], richard["ondersteuningsplan"]} {
		if !strings.Contains(all, firstSentence(s.Text)) {
			t.Errorf("the read-back misses %q", firstSentence(s.Text))
		}
	}
	if strings.Contains(all, firstSentence(tom["rol"].Text)) || strings.Contains(all, firstSentence(tom["acteur"].Text)) {
		t.Error("the read-back shows a private text")
	}
	if strings.Contains(all, "Emma") {
		t.Error("the read-back uses the other name variant")
	}

	// Someone who is in no group is told so.
	stranger := w.fake.AddUser(slackfake.User{Name: "sam"})
	w.command(t, stranger, w.fake.IMWith(stranger), "")
	if got := w.lastEphemeral(t, stranger); !strings.Contains(got, "nog niet vinden") {
		t.Errorf("stranger told %q", got)
	}
}

func TestCasusHelpAndStatus(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "johan")
	w.command(t, w.trainer, w.channel, "vertel alles")
	got := w.lastEphemeral(t, w.trainer)
	if !strings.Contains(got, "/casus vertel") || !strings.Contains(got, "/casus reveal") || !strings.Contains(got, "/casus status") {
		t.Errorf("unknown subcommand: %q", got)
	}
	w.command(t, w.anna, w.channel, "help")
	if got := w.lastEphemeral(t, w.anna); strings.Contains(got, "/casus status") || !strings.Contains(got, "`/casus`") {
		t.Errorf("participant help: %q", got)
	}

	w.command(t, w.trainer, w.channel, "reveal johan")
	if n := len(w.fake.Messages(w.channel)); n != 1 {
		t.Fatalf("reveal of one case posted %d messages", n)
	}
	w.command(t, w.trainer, w.channel, "reveal emma")
	if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "hoort niet bij deze training") {
		t.Errorf("reveal of a case not in the cohort: %q", got)
	}
	w.command(t, w.trainer, w.channel, "status")
	got = w.lastEphemeral(t, w.trainer)
	for _, want := range []string{"Casus 1: Johan", "gedeeld op 7-12-2026 12:00 door <@" + w.trainer + ">",
		"*Volgende stap:* Gedrag dat Johan laat zien (module 2)", "Casus 3: Richard",
		"_Voor de trainer:_ Na de oefening deelt de trainer de achtergrondinformatie uit over het gedrag van Johan",
		"*Volgende stap:* Achtergrond van de burger"} {
		if !strings.Contains(got, want) {
			t.Errorf("status misses %q:\n%s", want, got)
		}
	}
	// A trainer who had their data erased is no broken mention: the stage stays, without their name.
	if _, err := w.db.ExecContext(context.Background(), `UPDATE case_reveals SET revealed_by = $1`, store.ErasedActor); err != nil {
		t.Fatal(err)
	}
	w.command(t, w.trainer, w.channel, "status")
	if got := w.lastEphemeral(t, w.trainer); !strings.Contains(got, "door iemand wiens gegevens zijn gewist") ||
		strings.Contains(got, "<@"+store.ErasedActor) {
		t.Errorf("status after the revealing trainer's erasure:\n%s", got)
	}
	if locked, _ := w.db.CasesLocked(context.Background(), w.cohortID); !locked {
		t.Error("after a reveal the cases are not locked")
	}
	if err := w.db.CheckCaseChange(context.Background(), "Zwolle voorjaar 2027", []string{"richard", "johanna"}); content.ErrorCode(err) != content.ECONFLICT {
		t.Errorf("changing the variant after a reveal: %v", err)
	}
}

func TestCasusAutoReveal(t *testing.T) {
	t.Parallel()
	w := newCasusWorld(t, "emma")
	ctx := context.Background()
	// The trainer shared module 1's stage of Emma only.
	w.command(t, w.trainer, w.channel, "reveal emma")
	w.later()

	got, err := w.casus.AutoReveal(ctx, w.cohortID, 1)
	if err != nil {
		t.Fatal(err)
	}
	// After module 1: Richard catches up on module 1 and both get module 2's stage; nothing of module 3.
	var ids []string
	for _, r := range got {
		ids = append(ids, r.CaseID+"/"+r.StageID)
	}
	if strings.Join(ids, " ") != "emma/gedrag richard/aanmelding richard/gedrag" {
		t.Errorf("auto reveal posted %v", ids)
	}
	if n := len(w.fake.Messages(w.channel)); n != 4 {
		t.Errorf("%d channel messages, want 4", n)
	}
	note := seenAll(w.fake.Messages(w.fake.IMWith(w.trainer)))
	if !strings.Contains(note, "automatisch") || !strings.Contains(note, "Gedrag dat Emma laat zien") {
		t.Errorf("the trainer was told %q", note)
	}
	// Run again (a second replica, a retry): nothing more.
	if again, err := w.casus.AutoReveal(ctx, w.cohortID, 1); err != nil || len(again) != 0 {
		t.Errorf("second run posted %v, %v", again, err)
	}
	if n := len(w.fake.Messages(w.channel)); n != 4 {
		t.Errorf("%d channel messages after a second run, want 4", n)
	}
}

func TestCaseStageMessages(t *testing.T) {
	t.Parallel()
	course := defaultCourseCasus(t)
	tests := []struct {
		golden, variant, stage string
		build                  func(content.Phrases, string, content.Stage) (string, []slack.Block)
	}{
		{"casus_stage_johanna_aanmelding.json", "johanna", "aanmelding", handlers.CaseStageMessage},
		{"casus_stage_tom_rol.json", "tom", "rol", handlers.CaseStageMessage},
		{"casus_rolkaart_tom.json", "tom", "rol", handlers.RoleCardMessage},
		{"casus_acteur_richard.json", "richard", "acteur", handlers.ActorMessage},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			cs, _ := course.Case(tt.variant)
			st, ok, err := cs.Stage(tt.variant, tt.stage)
			if err != nil || !ok {
				t.Fatalf("stage: %v %v", ok, err)
			}
			title, _ := cs.TitleFor(tt.variant)
			text, blocks := tt.build(course.Phrases, title, st)
			if text == "" {
				t.Error("no notification text")
			}
			b, _ := json.Marshal(blocks)
			if errs := slackfake.ValidateMessageBlocks(b); len(errs) > 0 {
				t.Errorf("invalid blocks: %v", errs)
			}
			golden(t, tt.golden, map[string]any{"text": text, "blocks": blocks})
		})
	}
}

func defaultCourseCasus(t *testing.T) *content.Course {
	t.Helper()
	c, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

package content_test

import (
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gesprekbot/gesprekbot/content"
)

func course(t *testing.T) *content.Course {
	t.Helper()
	c, err := content.Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

func TestDefaultCounts(t *testing.T) {
	t.Parallel()
	c := course(t)
	titles := []string{"Context en kader", "Het Gesprek I", "Het Gesprek II", "Integraal werken"}
	if len(c.Modules) != 4 {
		t.Fatalf("%d modules, want 4", len(c.Modules))
	}
	for i, m := range c.Modules {
		if m.Number != i+1 || m.Title != titles[i] {
			t.Errorf("module %d: %d %q, want %d %q", i, m.Number, m.Title, i+1, titles[i])
		}
		if len(m.Leeruitkomsten) == 0 || len(m.Huiswerk) == 0 || len(m.Voorbereiding.Lezen) == 0 {
			t.Errorf("module %d lacks leeruitkomsten, huiswerk or lezen", m.Number)
		}
	}
	if m, _ := c.Module(1); m.Vragen == nil || len(m.Vragen.Questions) != 10 {
		t.Errorf("module 1 should have the ten questions on the route")
	}

	wantCases := []string{"richard", "johan", "emma"}
	var got []string
	for _, cs := range c.Cases {
		got = append(got, cs.ID)
		var stages []string
		for _, s := range cs.StageTemplates {
			stages = append(stages, s.ID)
		}
		for _, want := range []string{"aanmelding", "gedrag", "rol", "acteur"} {
			if !slices.Contains(stages, want) {
				t.Errorf("case %s lacks stage %s", cs.ID, want)
			}
		}
	}
	if !slices.Equal(got, wantCases) {
		t.Errorf("cases %v, want %v", got, wantCases)
	}

	wantAreas := []int{6, 5, 6, 4}
	if len(c.Meter.Areas) != 4 {
		t.Fatalf("%d areas, want 4", len(c.Meter.Areas))
	}
	for i, a := range c.Meter.Areas {
		if len(a.Statements) != wantAreas[i] {
			t.Errorf("area %s: %d statements, want %d", a.Title, len(a.Statements), wantAreas[i])
		}
	}
	if n := len(c.Meter.Statements()); n != 21 {
		t.Errorf("%d statements, want 21", n)
	}
	if len(c.Meter.Scale) != 5 || c.Meter.Scale[0].Value != 1 || c.Meter.Scale[4].Value != 5 {
		t.Errorf("scale %v, want 1..5", c.Meter.Scale)
	}
	if len(c.Meter.Stap3.Tips) != 6 || len(c.Meter.Stap4.Tips) != 8 {
		t.Errorf("stap 3 has %d tips (want 6), stap 4 %d (want 8)", len(c.Meter.Stap3.Tips), len(c.Meter.Stap4.Tips))
	}
	var eval []string
	for _, it := range c.Evaluation.Items {
		eval = append(eval, it.ID)
	}
	slices.Sort(eval)
	if !slices.Equal(eval, []string{"bloem", "prullenmand", "vriezer", "zaad"}) {
		t.Errorf("evaluation items %v", eval)
	}
	if !strings.Contains(c.About.Attribution, "mits bronvermelding") {
		t.Errorf("attribution lacks \"mits bronvermelding\": %q", c.About.Attribution)
	}
	for _, kind := range content.RuleKinds {
		found := false
		for _, r := range c.Rules {
			found = found || r.Kind == kind
		}
		if !found {
			t.Errorf("no default rule of kind %s", kind)
		}
	}
}

func TestStatementsVerbatim(t *testing.T) {
	t.Parallel()
	c := course(t)
	// Copied from the manual, with only the line wraps joined.
	want := map[string]string{
		"g1": "Ik gebruik in het voeren van het Gesprek bewust verschillende gesprekstechnieken om aan te sluiten bij de burger.",
		"g5": "Ik pas tijdens het gesprek bewust bandschepvaardigheden toe, zoals begrip tonen, jezelf laten zien, inspireren etc.",
		"l2": "Tijdens het Gesprek breng ik de mogelijkheden, wensen en verwachtingen van de burger met betrekking tot de levensgebieden in kaart.",
		"c2": "Ik (h)erken de ervaringsdeskundigheid van de burger en zijn mantelzorg/netwerk tijdens het Gesprek.",
		"c6": "Ik stem af met andere professionals, vrijwilligers, mantelzorgers en instellingen.",
		"o4": "Ik verbind individuele en gezamenlijke aanpakken bij het zoeken naar en vinden van oplossingen.",
	}
	got := map[string]string{}
	for _, s := range c.Meter.Statements() {
		got[s.ID] = s.Text
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("statement %s:\n got %q\nwant %q", id, got[id], w)
		}
	}
}

// rendered returns all stage texts of a case variant joined.
func rendered(t *testing.T, c *content.Course, caseID, variant string) string {
	t.Helper()
	cs, ok := c.Case(caseID)
	if !ok {
		t.Fatalf("no case %s", caseID)
	}
	stages, err := cs.Stages(variant)
	if err != nil {
		t.Fatalf("Stages(%s): %v", variant, err)
	}
	var b strings.Builder
	for _, s := range stages {
		b.WriteString(s.Title + "\n\n" + s.Text + "\n\n" + s.Assignment + "\n\n")
	}
	return b.String()
}

func TestCaseSentencesVerbatim(t *testing.T) {
	t.Parallel()
	c := course(t)
	tests := []struct {
		caseID, variant string
		sentences       []string
	}{
		{"johan", "johan", []string{
			"Johan kijkt bij alles wat hij zegt naar moeder voor goedkeuring.",
			"Johan vertoont zenuwachtig gedrag: friemelen, verschuiven op zijn stoel, om zich heen of achterom kijken.",
			"Johan kijkt gespreksvoerder niet direct aan, kijkt langs hem / haar heen of kijkt naar beneden.",
			"Moeder is begaan met haar zoon, laat Johan spreken, heeft de neiging om aan te vullen.",
			"Voor J. zijn dat zijn vrienden, al ziet J. ze niet buiten het werk.",
			"De enige echte interesse van Johan is ordenen en opruimen.",
		}},
		{"emma", "emma", []string{
			"Emma vertoont wat bokkig gedrag. Ze vindt het onzin dat ze een speciaal gesprek moet hebben",
			"Vader is begaan met zijn dochter. Hij wil dat Emma goed terechtkomt. Zij delen de interesse voor eten.",
			"Op haar 8ste stortte zij dan ook in, omdat ze zo op haar tenen moest lopen.",
			"Als oma komt, helpt Emma haar met het eten snijden.",
		}},
		{"richard", "", []string{
			"Door het medicijngebruik is Richard snel moe en slaperig waardoor hij vaak weinig energie heeft.",
			"Hij / zij vindt het belangrijk dat er niet te veel veranderingen tegelijk plaatsvinden voor Richard",
			"Richard is goed in snoeien en onkruid wieden, hij is heel precies.",
		}},
		{"johan", "johanna", []string{
			"Johanna kijkt bij alles wat zij zegt naar moeder voor goedkeuring.",
			"Johanna kijkt gespreksvoerder niet direct aan, kijkt langs hem / haar heen of kijkt naar beneden.",
			"Moeder is begaan met haar dochter, laat Johanna spreken",
			"Met moeder kan J. ‘lezen en schrijven’. Moeder heeft geleerd hoe belangrijk routine voor J. is",
			"Voor J. zijn dat haar vrienden",
			"Over drie maanden is zij werkeloos.",
		}},
		{"emma", "tom", []string{
			"Tom vertoont wat bokkig gedrag. Hij vindt het onzin dat hij een speciaal gesprek moet hebben",
			"Vader is begaan met zijn zoon. Hij wil dat Tom goed terechtkomt. Zij delen de interesse voor eten.",
			"Sinds zijn zoon interesse voor helpen in de keuken op school ontwikkelde, ziet hij hoe beperkt Tom echt is.",
			"MEE heeft de ouders van Tom begeleid bij de opvoeding van hun zoon",
			"Als oma komt, helpt Tom haar met het eten snijden.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.caseID+"/"+tt.variant, func(t *testing.T) {
			text := rendered(t, c, tt.caseID, tt.variant)
			for _, s := range tt.sentences {
				if !strings.Contains(text, s) {
					t.Errorf("missing: %q", s)
				}
			}
		})
	}
}

var sentenceEnd = regexp.MustCompile(`[.?!:]\s+|\n+`)

// TestVariantPronouns renders every variant and looks, sentence by sentence, for a pronoun of the wrong gender.
// The sentences listed in allowed are those where that word belongs to someone else (the mother, the father, the
// gespreksvoerder, oma) or is the verb "zijn".
func TestVariantPronouns(t *testing.T) {
	t.Parallel()
	c := course(t)
	male := regexp.MustCompile(`\b(hij|Hij|hem|Hem|zijn|Zijn|zoon)\b`)
	female := regexp.MustCompile(`\b(zij|Zij|ze|Ze|haar|Haar|dochter)\b`)
	tests := []struct {
		caseID, variant, name string
		wrong                 *regexp.Regexp
		allowed               []string // substrings of sentences where the word does not refer to the client
	}{
		{"johan", "johanna", "Johanna", male, []string{
			"langs hem / haar heen", "Voor J\u00a0zijn dat haar vrienden",
			"wat zij al aan antwoorden van", // "hebben" not a pronoun; guarded below by the name check
		}},
		{"emma", "emma", "Emma", male, []string{
			"Vader is begaan", "Hij wil dat Emma goed", "ziet hij hoe beperkt", "heeft hem veel moeite", "Hij werd eerst vaak razend",
			"Stiekem vond hij", "kwam hij zelf tot de conclusie", "nam hij haar enthousiast mee naar zijn werk",
			"Hierover is hij verdrietig", "Hij ziet goed in dat zijn dochter", "Hij wil in dit gesprek", "zijn dochter",
			"het idee dat", "buitenbeentje te zijn",
		}},
		{"johan", "johan", "Johan", female, []string{
			"langs hem / haar heen", "Moeder is begaan met haar zoon", "Zij is evenzeer in paniek", "Haar zorg is",
			"Ze wil liever niet", "Ze sust haar zoon", "de moed is bij haar", "denkt ze", "Ze kan dus wat ongedurig",
			"samen doen ze de afwas", "Daarna gaan ze een blokje om", "kijken zij naar", "Zij heeft geleerd",
			"met haar grapjes", "al ziet J\u00a0ze niet", "wat zij al aan antwoorden", "Zij maken een voorstelling",
			"zodat zij een goede samenvatting", "Ze komen tot een ondersteuningsplan", "spelen zij dit gesprek",
		}},
		{"emma", "tom", "Tom", female, []string{
			"Zij delen de interesse", "omdat ze daar goede afspraken", "Van MEE hebben ze geleerd",
			"omdat ze altijd wel geld", "helpt Tom haar met het eten", "wat zij al aan antwoorden", "Zij maken een voorstelling",
			"zodat zij een goede samenvatting", "Ze komen tot een ondersteuningsplan", "spelen zij dit gesprek",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.variant, func(t *testing.T) {
			text := rendered(t, c, tt.caseID, tt.variant)
			// "J." abbreviates the client's name; it does not end a sentence.
			text = strings.ReplaceAll(text, "J. ", "J\u00a0")
			for _, s := range sentenceEnd.Split(text, -1) {
				if !tt.wrong.MatchString(s) || slices.ContainsFunc(tt.allowed, func(a string) bool { return strings.Contains(s, a) }) {
					continue
				}
				t.Errorf("%s: wrong pronoun %q in: %q", tt.variant, tt.wrong.FindString(s), s)
			}
			other := map[string]string{"Johanna": "Johan ", "Johan": "Johanna", "Emma": "Tom", "Tom": "Emma"}[tt.name]
			if strings.Contains(text, other) {
				t.Errorf("%s: the other name %q appears", tt.variant, other)
			}
		})
	}
}

// brokenFS is the default content with some files replaced.
func brokenFS(t *testing.T, edits map[string]func(string) string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.DefaultFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.DefaultFS(), p)
		if err != nil {
			return err
		}
		s := string(b)
		if f, ok := edits[p]; ok {
			if s2 := f(s); s2 == s {
				t.Fatalf("edit of %s changed nothing", p)
			} else {
				s = s2
			}
		}
		m[p] = &fstest.MapFile{Data: []byte(s)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func replace(old, new string) func(string) string {
	return func(s string) string { return strings.Replace(s, old, new, 1) }
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edits map[string]func(string) string
		file  string
		field string
		msg   string
	}{
		{"MissingField", map[string]func(string) string{"modules/3.yaml": replace("title: Het Gesprek II\n", "")},
			"modules/3.yaml", "title", "required"},
		{"DuplicateID", map[string]func(string) string{"meter.yaml": replace("- id: g2\n", "- id: g1\n")},
			"meter.yaml", "areas[0].statements[1].id", `duplicate id "g1"`},
		{"LongLabel", map[string]func(string) string{"phrases.yaml": replace("button_klaar: Klaar", "button_klaar: "+strings.Repeat("Klaar ", 14))},
			"phrases.yaml", "button_klaar", "at most 75"},
		{"DanglingStageModule", map[string]func(string) string{"cases/johan.yaml": replace("    module: 3\n", "    module: 7\n")},
			"cases/johan.yaml", "stages[3].module", "module 7 does not exist"},
		{"DanglingRuleKind", map[string]func(string) string{"rules.yaml": replace("kind: homework_reminder", "kind: homework_remind")},
			"rules.yaml", "rules[8].kind", `unknown kind "homework_remind"`},
		{"BadLink", map[string]func(string) string{"modules/4.yaml": replace("link: https://www.movisie.nl/artikel", "link: www.movisie.nl/artikel")},
			"modules/4.yaml", "voorbereiding.lezen[1].link", "not a valid URL"},
		{"UnknownField", map[string]func(string) string{"modules/1.yaml": replace("  lezen:\n", "  lezn:\n")},
			"modules/1.yaml", "lezn", "unknown field"},
		{"UnknownPlaceholder", map[string]func(string) string{"phrases.yaml": replace("om {tijd}.\\nLocatie: {plaats}\\nTot zo!", "om {tijd}.\\nLocatie: {plek}\\nTot zo!")},
			"phrases.yaml", "reminder_hour", "unknown placeholder {plek}"},
		{"MissingPhrase", map[string]func(string) string{"phrases.yaml": replace("home_trainer_failed: \"⚠ Berichten die niet aankwamen: {aantal}\"\n", "")},
			"phrases.yaml", "home_trainer_failed", "required"},
		{"UnknownMeterPlaceholder", map[string]func(string) string{"phrases.yaml": replace("\"{aantal} van {totaal} beantwoord\"", "\"{aantal} van {stellingen} beantwoord\"")},
			"phrases.yaml", "meter_answered", "unknown placeholder {stellingen}; this text may use {aantal} {totaal}"},
		{"UnknownModulePlaceholder", map[string]func(string) string{"modules/1.yaml": replace("- Wat zijn de doelen van het Gesprek?", "- Wat zijn de doelen van het Gesprek met {casus}?")},
			"modules/1.yaml", "vragen.questions[0]", "unknown placeholder {casus}; a module text may use {casussen} {lvb}"},
		{"PlaceholderInTaskTitle", map[string]func(string) string{"modules/2.yaml": replace("title: Aanpak van het tweede gesprek\n", "title: Aanpak van het tweede gesprek met {lvb}\n")},
			"modules/2.yaml", "huiswerk[0].title", "placeholder {lvb} in a title or reading is shown as written"},
		{"UnknownMarker", map[string]func(string) string{"cases/emma.yaml": replace("{Ze} vindt het onzin", "{Zie} vindt het onzin")},
			"cases/emma.yaml", "stages[2].text", "unknown marker {Zie}"},
		{"BadTime", map[string]func(string) string{"rules.yaml": replace(`at: "16:00"`, `at: "4 uur"`)},
			"rules.yaml", "rules[5].at", "HH:MM"},
		// A record of an adapted sentence must stay true: its "to" is in the text.
		{"AdaptedStale", map[string]func(string) string{"modules/2.yaml": replace("text: Zoek informatie over de doelgroep", "text: Zoek gegevens over de doelgroep")},
			"modules/2.yaml", "voorbereiding.tasks[0].adapted[0].to", "is not in text"},
		{"AdaptedUnknownField", map[string]func(string) string{"cases/johan.yaml": replace("      - field: trainer_note\n", "      - field: trainernote\n")},
			"cases/johan.yaml", "stages[0].adapted[7].field", `unknown field "trainernote"`},
		{"KortNotFromInleiding", map[string]func(string) string{"modules/4.yaml": replace("kort: De gespreksvoerders werken", "kort: Onze gespreksvoerders werken")},
			"modules/4.yaml", "kort", "is not in the inleiding"},
		{"LongModalTitle", map[string]func(string) string{"phrases.yaml": replace(`module_info_title: "Module {module}"`, `module_info_title: "Inleiding en materiaal bij module {module}"`)},
			"phrases.yaml", "module_info_title", "at most 24"},
		{"PersonGender", map[string]func(string) string{"cases/richard.yaml": replace("{names: [Hans], gender: m}", "{names: [Hans], gender: x}")},
			"cases/richard.yaml", "persons[2].gender", `gender "x"`},
		{"BadCalendar", map[string]func(string) string{"rules.yaml": replace("calendar: earlier", "calendar: eerder")},
			"rules.yaml", "rules[3].calendar", `calendar "eerder", want one of later, earlier, none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := content.Load(brokenFS(t, tt.edits))
			var es content.Errors
			if !errors.As(err, &es) {
				t.Fatalf("Load: %v, want content.Errors", err)
			}
			var match *content.FieldError
			for i := range es {
				if es[i].File == tt.file && es[i].Field == tt.field && strings.Contains(es[i].Msg, tt.msg) {
					match = &es[i]
				}
			}
			if match == nil {
				t.Fatalf("no error %s %s %q among:\n%v", tt.file, tt.field, tt.msg, err)
			}
			if match.Line <= 0 {
				t.Errorf("error has no line: %v", match)
			}
			// Only the broken thing is reported.
			if len(es) > 1 {
				t.Errorf("%d errors, want the one broken thing:\n%v", len(es), err)
			}
		})
	}
}

func TestLoadErrorsAllAtOnce(t *testing.T) {
	t.Parallel()
	_, err := content.Load(brokenFS(t, map[string]func(string) string{
		"modules/3.yaml": replace("title: Het Gesprek II\n", ""),
		"meter.yaml":     replace("- id: g2\n", "- id: g1\n"),
		"rules.yaml":     replace("kind: homework_reminder", "kind: homework_remind"),
	}))
	var es content.Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "modules/3.yaml:") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestCaseForVariant(t *testing.T) {
	t.Parallel()
	c := course(t)
	for _, cs := range c.Cases {
		for _, v := range cs.Variants {
			if got := content.CaseForVariant(v.ID); got != cs.ID {
				t.Errorf("CaseForVariant(%q) = %q, want %q", v.ID, got, cs.ID)
			}
		}
	}
	if _, err := c.Cases[0].Stages("nobody"); err == nil {
		t.Error("Stages(unknown variant): want an error")
	}
}

package content

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestChunks(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Dit is een zin. ", 10) // 160 chars, ten sentences
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"Empty", "  \n", 50, nil},
		{"Fits", "Eén alinea.\n\nTwee.", 50, []string{"Eén alinea.\n\nTwee."}},
		{"ParagraphBoundary", "Eerste alinea hier.\n\nTweede alinea daar.", 25,
			[]string{"Eerste alinea hier.", "Tweede alinea daar."}},
		{"PacksParagraphs", "Een.\n\nTwee.\n\nDrie is langer dan de rest.", 12,
			[]string{"Een.\n\nTwee.", "Drie is langer dan de rest."}},
		{"LinesBeforeSentences", "• punt een\n• punt twee\n• punt drie", 22,
			[]string{"• punt een\n• punt twee", "• punt drie"}},
		{"Sentences", strings.TrimSpace(long), 40, []string{
			"Dit is een zin. Dit is een zin.", "Dit is een zin. Dit is een zin.", "Dit is een zin. Dit is een zin.",
			"Dit is een zin. Dit is een zin.", "Dit is een zin. Dit is een zin."}},
		{"QuestionAndQuote", "Wie komt er? ‘Ik kom.’ Dan wij!", 14, []string{"Wie komt er?", "‘Ik kom.’", "Dan wij!"}},
		{"NeverMidSentence", "Een heel lange zin die niet past. Kort.", 10,
			[]string{"Een heel lange zin die niet past.", "Kort."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Chunks(tt.text, tt.max)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Chunks(%q, %d)\n got %q\nwant %q", tt.text, tt.max, got, tt.want)
			}
		})
	}
}

func TestChunksDefaultContentFits(t *testing.T) {
	t.Parallel()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range c.Cases {
		for _, v := range cs.Variants {
			stages, err := cs.Stages(v.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stages {
				parts := Chunks(s.Text, MaxSectionText)
				if strings.Join(parts, "") == "" {
					t.Errorf("%s/%s: no chunks", v.ID, s.ID)
				}
				for _, p := range parts {
					if n := utf8.RuneCountInString(p); n > MaxSectionText {
						t.Errorf("%s/%s: chunk of %d characters", v.ID, s.ID, n)
					}
					if !strings.HasSuffix(strings.TrimSpace(p), ".") && !strings.HasSuffix(strings.TrimSpace(p), "?") &&
						!strings.HasSuffix(strings.TrimSpace(p), ")") && !strings.HasSuffix(strings.TrimSpace(p), "!") {
						t.Errorf("%s/%s: chunk ends mid-sentence: …%q", v.ID, s.ID, p[max(0, len(p)-40):])
					}
				}
			}
		}
	}
}

func TestFill(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, template string
		vars           Vars
		want, plain    string // plain: what FillPlain gives, when it differs
	}{
		{"All", "Module {module} om {tijd} in {plaats}.", Vars{"module": 2, "tijd": "13:30", "plaats": "Utrecht"},
			"Module 2 om 13:30 in Utrecht.", ""},
		{"Repeated", "{naam}, {naam}!", Vars{"naam": "Sanne"}, "Sanne, Sanne!", ""},
		{"MissingStays", "Om {tijd} in {plaats}.", Vars{"tijd": "9:00"}, "Om 9:00 in {plaats}.", ""},
		{"NotAPlaceholder", "Een { losse } accolade en {1x}.", Vars{" losse ": "x", "1x": "y"}, "Een { losse } accolade en {1x}.", ""},
		{"Unclosed", "Tot {straks", Vars{"straks": "x"}, "Tot {straks", ""},
		{"ValueNotExpanded", "{a}", Vars{"a": "{b}", "b": "nee"}, "{b}", ""},
		// What a person typed cannot become a mention or a link: Slack's control characters are escaped.
		{"TextEscaped", "*{cohort}* in {plaats}", Vars{"cohort": "Zorg & Welzijn", "plaats": "<!channel> <https://x.example|Inloggen> <@U0SOMEONE>"},
			"*Zorg &amp; Welzijn* in &lt;!channel&gt; &lt;https://x.example|Inloggen&gt; &lt;@U0SOMEONE&gt;",
			"*Zorg & Welzijn* in <!channel> <https://x.example|Inloggen> <@U0SOMEONE>"},
		{"MarkupAsIs", "Hoi {naam} in {kanaal}", Vars{"naam": Markup("<@U123>"), "kanaal": Markup("<#C1>")}, "Hoi <@U123> in <#C1>", ""},
		{"TemplateUntouched", "<{link}|{label}> & meer", Vars{"link": Markup("https://x.example/a?b=1&c=2"), "label": "A & B"},
			"<https://x.example/a?b=1&c=2|A &amp; B> & meer", "<https://x.example/a?b=1&c=2|A & B> & meer"},
		{"Numbers", "{a}/{b}", Vars{"a": int64(7), "b": -1}, "7/-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fill(tt.template, tt.vars); got != tt.want {
				t.Errorf("Fill(%q) = %q, want %q", tt.template, got, tt.want)
			}
			plain := tt.plain
			if plain == "" {
				plain = tt.want
			}
			if got := FillPlain(tt.template, tt.vars); got != plain {
				t.Errorf("FillPlain(%q) = %q, want %q", tt.template, got, plain)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                  "",
		"Stadskantoor":      "Stadskantoor",
		"a & b":             "a &amp; b",
		"<!channel>":        "&lt;!channel&gt;",
		"&amp;":             "&amp;amp;", // a person who types an entity sees it as typed
		"<https://x|y> & z": "&lt;https://x|y&gt; &amp; z",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	got := placeholders("Hoi {naam}, {module} {naam} { x } {tijd_1}")
	if strings.Join(got, ",") != "naam,module,tijd_1" {
		t.Errorf("placeholders = %v", got)
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"*Vet* en _cursief_ tekst", "Vet en cursief tekst"},
		{"Lees <https://movisie.nl/a|het artikel>.", "Lees het artikel (https://movisie.nl/a)."},
		{"<https://movisie.nl/a>", "https://movisie.nl/a"},
		{"snake_case_name blijft", "snake_case_name blijft"},
		{"5 * 3 = 15", "5 * 3 = 15"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

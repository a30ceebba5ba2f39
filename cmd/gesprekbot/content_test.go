package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runContent(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = contentCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestContentCmd(t *testing.T) {
	t.Parallel()
	exported := filepath.Join(t.TempDir(), "course")
	if code, _, stderr := runContent("export", exported); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	broken := filepath.Join(t.TempDir(), "broken")
	if code, _, stderr := runContent("export", broken); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	p := filepath.Join(broken, "modules", "2.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("link: http://www.rivm.nl/"), []byte("link: www.rivm.nl/"), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}

	// A trainer's edit that makes a pronoun point at two people: the father and Tom are both "hij".
	ambiguous := filepath.Join(t.TempDir(), "ambiguous")
	if code, _, stderr := runContent("export", ambiguous); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	p = filepath.Join(ambiguous, "cases", "emma.yaml")
	if b, err = os.ReadFile(p); err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("{kind}. Hij wil dat {naam} goed terechtkomt."), []byte("{kind}. Hij wil dat {ze} goed terechtkomt."), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    []string // each must appear in stdout
		stderr    []string // each must appear in stderr
		notStdout []string
	}{
		{name: "CheckBuiltIn", args: []string{"check"}, code: 0, stdout: []string{"built-in content: ok"}},
		{name: "CheckExported", args: []string{"check", exported}, code: 0, stdout: []string{"ok"}},
		{name: "CheckBroken", args: []string{"check", broken}, code: 1,
			stderr: []string{"modules/2.yaml:", "achtergrondliteratuur[0].link: not a valid URL"}},
		{name: "CheckMissingDir", args: []string{"check", filepath.Join(exported, "nope")}, code: 1},
		{name: "ExportNonEmpty", args: []string{"export", exported}, code: 1},
		{name: "ShowOverview", args: []string{"show"}, code: 0,
			stdout: []string{"Module 1 – Context en kader", "Gespreksvaardigheden: 6 stellingen", "mits bronvermelding"}},
		{name: "ShowModule1", args: []string{"show", "module", "1"}, code: 0,
			stdout:    []string{"Wie en hoe wordt er geëvalueerd?", "10. Wie en hoe", "http://www.vng.nl/files/vng/publicaties/2013/kanteling-het-gesprek-iv_20130417.pdf"},
			notStdout: []string{"*", "■", "Train-de-trainer - Het Gesprek in 2015"}},
		// With no cohort the module texts name the cases as the manual does.
		{name: "ShowModule2ManualNames", args: []string{"show", "module", "2"}, code: 0,
			stdout:    []string{"Johan of Richard? Waar moet je rekening mee houden?", "vertrouwensband met Emma / Johan?", "Kort (opent de voorbereiding):"},
			notStdout: []string{"{"}},
		{name: "ShowCaseJohanna", args: []string{"show", "case", "johan", "--variant", "johanna"}, code: 0,
			stdout: []string{"CASUS 1: JOHANNA", "Over drie maanden is zij werkeloos.", "Moeder is begaan met haar dochter, laat Johanna spreken",
				"Voor de trainer (nooit in het kanaal):"},
			notStdout: []string{"Johan ", "{"}},
		{name: "ShowCaseTomByName", args: []string{"show", "case", "tom"}, code: 0,
			stdout: []string{"CASUS 2: TOM", "Tom vertoont wat bokkig gedrag. Hij vindt het onzin"}},
		{name: "ShowMeter", args: []string{"show", "meter"}, code: 0,
			stdout: []string{"21. Ik verbind individuele en gezamenlijke aanpakken", "1 = Nog niet"}},
		{name: "ShowAdapted", args: []string{"show", "adapted"}, code: 0,
			stdout: []string{"Module 2 · voorbereiding m2_doelgroep · text", "Handleiding: Geef de opdracht om te zoeken",
				"Nu: Zoek informatie over de doelgroep", "Nu: (weggelaten)", "zinnen aangepast.",
				"Huiswerkformat m2_verslag · doel · guidance", "Handleiding: Hoe verwoordt u het doel van het gesprek"}},
		{name: "CheckAmbiguousPronoun", args: []string{"check", ambiguous}, code: 1,
			stderr: []string{"cases/emma.yaml:", "stages[3].text: ambiguous pronoun in variant tom: {ze} could mean whoever ‘hij’ is as well as Tom"}},
		{name: "ShowUnknownModule", args: []string{"show", "module", "5"}, code: 2},
		{name: "ShowUnknownVariant", args: []string{"show", "case", "emma", "--variant", "johanna"}, code: 2},
		{name: "NoArgs", args: nil, code: 2},
		{name: "Unknown", args: []string{"frobnicate"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runContent(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q", s)
				}
			}
			for _, s := range tt.notStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout contains %q", s)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

package content_test

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/content"
)

func TestAmbiguousPronouns(t *testing.T) {
	t.Parallel()
	persons := []content.Person{
		{Names: []string{"vader"}, Gender: content.GenderMale},
		{Names: []string{"moeder", "moeders"}, Gender: content.GenderFemale},
		{Names: []string{"broer"}, Gender: content.GenderMale},
		{Names: []string{"zus"}, Gender: content.GenderFemale},
		{Names: []string{"maatschappelijk werkster"}, Gender: content.GenderFemale},
	}
	both := []content.Variant{{ID: "tom", Name: "Tom", Gender: content.GenderMale}, {ID: "emma", Name: "Emma", Gender: content.GenderFemale}}
	tests := []struct {
		name     string
		text     string
		variants []string // the variants it is ambiguous in
		others   []string // who else, for the first of them
	}{
		{"PlainPronounOfTheFather", "Vader is begaan met zijn {kind}. Hij wil dat {ze} goed terecht komt.", []string{"tom"}, []string{"‘hij’"}},
		{"NamedBeforeTheMarker", "Met moeder kan {hij} ‘lezen en schrijven’.", []string{"emma"}, []string{"moeder"}},
		{"TwoWordName", "De maatschappelijk werkster heeft {hem} geholpen.", []string{"emma"}, []string{"maatschappelijk werkster"}},
		{"OtherNameForm", "Van moeders kant helpt oma {hem}.", []string{"emma"}, []string{"moeder"}},
		{"PlainHaar", "Als oma komt helpt {ze} haar met het eten snijden.", []string{"emma"}, []string{"‘haar’"}},
		{"NamedAfterTheMarker", "{Ze} fietst wel zelfstandig naar vader en moeder.", nil, nil},
		{"Relation", "Tot {zijn} 14e woonde {ze} bij {zijn} vader en moeder.", nil, nil},
		{"RelationWithAdjective", "Iedereen werd boos: {zijn} ouders, {zijn} oudere broer en {zijn} zus.", nil, nil},
		{"RelationCoordinated", "Soms komt {zijn} broer of zus langs en dan is {ze} blij.", nil, nil},
		{"NameNotMarker", "Moeder is begaan met haar {kind} en laat {naam} spreken.", nil, nil},
		{"KindIsNoPronoun", "Hij ziet goed in dat zijn {kind} zichzelf overschat.", nil, nil},
		{"PluralZeIsNoRival", "Van MEE hebben ze geleerd om {naam} tijd te geven en {hem} positief te benaderen.", nil, nil},
		{"VerbZijnIsNoRival", "Het is fijn om er te zijn voor {hem}.", nil, nil},
		{"NextSentence", "Vader kookt. {Hij} helpt.", nil, nil},
		{"Initial", "Moeder belt J. {Hij} neemt niet op.", []string{"emma"}, []string{"moeder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := content.Case{ID: "x", Variants: both, Persons: persons,
				StageTemplates: []content.StageTemplate{{ID: "s", Title: "Titel", Text: "Eerste regel.\n" + tt.text}}}
			var got []string
			var first content.PronounProblem
			for _, p := range c.AmbiguousPronouns() {
				if len(got) == 0 {
					first = p
				}
				got = append(got, p.Variant.ID)
			}
			if !slices.Equal(got, tt.variants) {
				t.Fatalf("ambiguous in %v, want %v (%+v)", got, tt.variants, c.AmbiguousPronouns())
			}
			if len(got) == 0 {
				return
			}
			if !slices.Equal(first.Others, tt.others) || first.Field != "stages[0].text" || first.Line != 1 {
				t.Errorf("problem %+v, want others %v in stages[0].text line 1", first, tt.others)
			}
		})
	}
}

// TestShippedCasesUnambiguous keeps the shipped cases free of pronouns that could point at two people, and makes
// sure each case tells the check who else is in its story.
func TestShippedCasesUnambiguous(t *testing.T) {
	t.Parallel()
	c := course(t)
	for _, cs := range c.Cases {
		if len(cs.Persons) == 0 {
			t.Errorf("case %s lists no persons: the pronoun check cannot see who else is in the story", cs.ID)
		}
		for _, p := range cs.AmbiguousPronouns() {
			t.Errorf("case %s, %s, variant %s: %s could mean %v: %q", cs.ID, p.Field, p.Variant.ID, p.Markers, p.Others, p.Sentence)
		}
	}
	// The examples of the issue, in every variant.
	for _, variant := range []string{"tom", "johanna", "emma", "johan"} {
		text := rendered(t, c, content.CaseForVariant(variant), variant)
		for _, bad := range []string{"Hij wil dat hij", "ziet hij hoe beperkt hij", "Tom’s", "Toms", "Met moeder kan zij", "Zij heeft geleerd hoe belangrijk"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s still reads %q", variant, bad)
			}
		}
	}
}

// TestLoadFlagsAmbiguousPronoun is the check as a trainer meets it: an edit that brings back "Hij wil dat hij goed
// terechtkomt" is refused with the file, the field, the sentence's own line and who else the pronoun could mean.
func TestLoadFlagsAmbiguousPronoun(t *testing.T) {
	t.Parallel()
	const good = "Hij wil dat {naam} goed terechtkomt."
	raw, err := fsReadFile("cases/emma.yaml")
	if err != nil {
		t.Fatal(err)
	}
	wantLine := 0
	for i, l := range strings.Split(raw, "\n") {
		if strings.Contains(l, good) {
			wantLine = i + 1 // the text; its adaptation record comes after it
			break
		}
	}
	_, err = content.Load(brokenFS(t, map[string]func(string) string{
		"cases/emma.yaml": func(s string) string {
			// The adaptation record keeps the good sentence; break only the text.
			return strings.Replace(s, "Vader is begaan met zijn {kind}. "+good, "Vader is begaan met zijn {kind}. Hij wil dat {ze} goed terechtkomt.", 1)
		},
	}))
	var es content.Errors
	if !errors.As(err, &es) {
		t.Fatalf("Load: %v, want content.Errors", err)
	}
	var found bool
	for _, e := range es {
		if e.File != "cases/emma.yaml" || e.Field != "stages[3].text" || !strings.Contains(e.Msg, "ambiguous pronoun in variant tom") {
			continue
		}
		found = true
		if e.Line != wantLine {
			t.Errorf("line %d, want %d (the sentence's line)", e.Line, wantLine)
		}
		for _, want := range []string{"{ze}", "‘hij’", "Tom", `"Hij wil dat {ze} goed terechtkomt."`} {
			if !strings.Contains(e.Msg, want) {
				t.Errorf("message lacks %q: %s", want, e.Msg)
			}
		}
	}
	if !found {
		t.Fatalf("no ambiguous pronoun reported among:\n%v", err)
	}
	// In the female variant the same sentence is fine: "Hij" is the father, "ze" Emma.
	for _, e := range es {
		if strings.Contains(e.Msg, "variant emma") {
			t.Errorf("flagged for Emma too: %v", e)
		}
	}
}

func fsReadFile(name string) (string, error) {
	b, err := fs.ReadFile(content.DefaultFS(), name)
	return string(b), err
}

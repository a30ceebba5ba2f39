package content

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Genders of a case variant.
const (
	GenderMale   = "m"
	GenderFemale = "v"
)

// genderMarkers maps each gender marker (lower case) to its male and female form. A case text writes the marker
// in braces; a capital first letter ({Hij}) capitalises the result.
var genderMarkers = map[string][2]string{
	"hij":  {"hij", "zij"},
	"zij":  {"hij", "zij"},
	"ze":   {"hij", "ze"},
	"zijn": {"zijn", "haar"},
	"hem":  {"hem", "haar"},
	"kind": {"zoon", "dochter"},
}

// variantCases maps each variant id of the default course to its case id; CaseForVariant uses it so that callers
// without a loaded Course can still resolve a variant.
var variantCases = map[string]string{
	"johan": "johan", "johanna": "johan",
	"emma": "emma", "tom": "emma",
	"richard": "richard",
}

// CaseForVariant returns the case id a variant belongs to: "johanna" -> "johan", "tom" -> "emma",
// "richard" -> "richard". An unknown variant comes back unchanged.
func CaseForVariant(variant string) string {
	if c, ok := variantCases[variant]; ok {
		return c
	}
	return variant
}

// Stages returns the case's stages rendered for the variant ("" = the first variant): its name and the pronouns
// and possessives that go with its gender.
func (c *Case) Stages(variant string) ([]Stage, error) {
	v, err := c.pick(variant)
	if err != nil {
		return nil, err
	}
	out := make([]Stage, 0, len(c.StageTemplates))
	for _, t := range c.StageTemplates {
		s := Stage{ID: t.ID, Module: t.Module, Audience: t.Audience, Role: t.Role}
		for _, f := range []struct {
			dst *string
			src string
		}{{&s.Title, t.Title}, {&s.Text, t.Text}, {&s.Assignment, t.Assignment}, {&s.TrainerNote, t.TrainerNote}} {
			r, err := renderVariant(f.src, v)
			if err != nil {
				return nil, fmt.Errorf("render case %s stage %s: %w", c.ID, t.ID, err)
			}
			*f.dst = r
		}
		out = append(out, s)
	}
	return out, nil
}

// Stage returns one stage rendered for the variant.
func (c *Case) Stage(variant, id string) (Stage, bool, error) {
	stages, err := c.Stages(variant)
	if err != nil {
		return Stage{}, false, err
	}
	for _, s := range stages {
		if s.ID == id {
			return s, true, nil
		}
	}
	return Stage{}, false, nil
}

// TitleFor returns the case title rendered for the variant ("" = the first variant).
func (c *Case) TitleFor(variant string) (string, error) {
	v, err := c.pick(variant)
	if err != nil {
		return "", err
	}
	return renderVariant(c.Title, v)
}

func (c *Case) pick(variant string) (Variant, error) {
	if variant == "" {
		if len(c.Variants) == 0 {
			return Variant{}, fmt.Errorf("case %s has no variants", c.ID)
		}
		return c.Variants[0], nil
	}
	v, ok := c.Variant(variant)
	if !ok {
		ids := make([]string, len(c.Variants))
		for i, v := range c.Variants {
			ids[i] = v.ID
		}
		return Variant{}, fmt.Errorf("case %s has no variant %q (have %s)", c.ID, variant, strings.Join(ids, ", "))
	}
	return v, nil
}

// renderVariant fills {naam} and the gender markers; any other {marker} is an error, so a typo never reaches a
// participant.
func renderVariant(text string, v Variant) (string, error) {
	var b strings.Builder
	rest := text
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed marker %q", clip(rest[i:], 20))
		}
		name := rest[i+1 : i+j]
		b.WriteString(rest[:i])
		word, err := markerWord(name, v)
		if err != nil {
			return "", err
		}
		b.WriteString(word)
		rest = rest[i+j+1:]
	}
}

func markerWord(name string, v Variant) (string, error) {
	if name == "naam" {
		return v.Name, nil
	}
	forms, ok := genderMarkers[strings.ToLower(name)]
	if !ok {
		return "", fmt.Errorf("unknown marker {%s} (known: {naam} {hij} {zij} {ze} {zijn} {hem} {kind}, capitalised at the start of a sentence)", name)
	}
	var word string
	switch v.Gender {
	case GenderMale:
		word = forms[0]
	case GenderFemale:
		word = forms[1]
	default:
		return "", fmt.Errorf("variant %s has gender %q, want %q or %q", v.ID, v.Gender, GenderMale, GenderFemale)
	}
	r, _ := utf8.DecodeRuneInString(name)
	if unicode.IsUpper(r) {
		f, n := utf8.DecodeRuneInString(word)
		word = string(unicode.ToUpper(f)) + word[n:]
	}
	return word, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

package content

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pronounMarkers are the gender markers that stand for the client as a pronoun. {kind} is left out: "zoon" or
// "dochter" names the client by relation and cannot point at anyone else.
var pronounMarkers = []string{"hij", "zij", "ze", "zijn", "hem"}

// plainPronouns are the words that, written without braces, point at someone other than the client (the case
// files write the client's pronouns as markers). "ze" and "zijn" are left out: "ze" is as often plural ("Van MEE
// hebben ze geleerd") and "zijn" as often the verb ("een buitenbeentje te zijn").
var plainPronouns = map[string][]string{
	GenderMale:   {"hij", "hem"},
	GenderFemale: {"zij", "haar"},
}

// PronounProblem is a sentence of a case text in which a pronoun marker ({hij}, {zijn}, ...) could point at
// someone other than the client in one of the name variants: another person of the variant's gender is named
// earlier in the sentence, or referred to in it with a plain pronoun.
type PronounProblem struct {
	Field    string   // the stage field, e.g. "stages[3].text"
	Line     int      // the sentence's line within the field's text, from 0
	Sentence string   // as written, with its markers
	Variant  Variant  // the variant in which it is ambiguous
	Markers  []string // the markers that could point at someone else, as written: "{ze}"
	Others   []string // who else they could point at: a person's name ("vader") or a plain pronoun ("‘hij’")
}

// AmbiguousPronouns returns every sentence of the case's stages (title, text, assignment, trainer note) in which a
// pronoun marker could point at someone else than the client in one of the variants: a person of the variant's
// gender named before the marker ("Met moeder kan {hij} …" for Johanna), or a plain pronoun of that gender, which
// the case files keep for other people ("Hij wil dat {ze} goed terecht komt" for Tom). A person named as the
// client's relation ("{zijn} vader", "{zijn} tante en oom") is no rival: the marker says whose. A sentence without
// a pronoun marker is never flagged: a name ("{naam}", "J.") or a relation ("zijn {kind}") cannot be read wrong.
func (c *Case) AmbiguousPronouns() []PronounProblem {
	var out []PronounProblem
	for j, st := range c.StageTemplates {
		for _, f := range []struct{ name, text string }{
			{"title", st.Title}, {"text", st.Text}, {"assignment", st.Assignment}, {"trainer_note", st.TrainerNote},
		} {
			for _, s := range textSentences(f.text) {
				toks := tokens(s.text)
				for _, v := range c.Variants {
					markers, others := c.rivals(toks, v.Gender)
					if len(markers) == 0 {
						continue
					}
					out = append(out, PronounProblem{
						Field: "stages[" + strconv.Itoa(j) + "]." + f.name, Line: s.line, Sentence: s.text,
						Variant: v, Markers: markers, Others: others,
					})
				}
			}
		}
	}
	return out
}

// token is a word of a sentence (lower case) or a marker (as written, braces and all).
type token struct {
	text   string
	marker bool
}

// rivals returns the pronoun markers of a sentence that could point at someone of gender g besides the client,
// and who that is.
func (c *Case) rivals(toks []token, g string) (markers, others []string) {
	var pronouns []int
	for i, t := range toks {
		if t.marker && slices.Contains(pronounMarkers, strings.ToLower(strings.Trim(t.text, "{}"))) {
			pronouns = append(pronouns, i)
		}
	}
	if len(pronouns) == 0 {
		return nil, nil
	}
	add := func(m []string, s string) []string {
		if !slices.Contains(m, s) {
			m = append(m, s)
		}
		return m
	}
	for _, w := range plainPronouns[g] {
		for _, t := range toks {
			if !t.marker && t.text == w {
				others = add(others, "‘"+w+"’")
				for _, i := range pronouns {
					markers = add(markers, toks[i].text)
				}
			}
		}
	}
	relation := map[int]bool{} // token index of a name mentioned as the client's relation
	for _, p := range c.Persons {
		if p.Gender != g {
			continue
		}
		for _, at := range mentions(toks, p.Names) {
			if isRelation(toks, at, relation) {
				relation[at] = true
				continue
			}
			for _, i := range pronouns {
				if i > at {
					others = add(others, p.Names[0])
					markers = add(markers, toks[i].text)
				}
			}
		}
	}
	// A relation may also be coordinated with a person of the other gender ("{zijn} broer of zus"), which
	// mentions() for that gender saw first; check the other persons again so that order in Persons does not matter.
	return markers, others
}

// mentions returns the token index at which each mention of one of names starts.
func mentions(toks []token, names []string) []int {
	var out []int
	for _, n := range names {
		words := strings.Fields(strings.ToLower(n))
		for i := 0; i+len(words) <= len(toks); i++ {
			match := true
			for k, w := range words {
				if toks[i+k].marker || toks[i+k].text != w {
					match = false
					break
				}
			}
			if match {
				out = append(out, i)
			}
		}
	}
	return out
}

// isRelation reports whether the person named at token at is named as the client's relation: a possessive marker
// right before it or one word before it ("{zijn} vader", "{zijn} oudere broer"), or coordinated with such a
// relation ("{zijn} tante en oom", "{zijn} broer of zus").
func isRelation(toks []token, at int, known map[int]bool) bool {
	possessive := func(i int) bool {
		return i >= 0 && toks[i].marker && strings.EqualFold(toks[i].text, "{zijn}")
	}
	if possessive(at-1) || possessive(at-2) && !toks[at-1].marker {
		return true
	}
	if at >= 2 && !toks[at-1].marker && (toks[at-1].text == "en" || toks[at-1].text == "of") {
		return known[at-2] || possessive(at-3) || possessive(at-4) && !toks[at-3].marker
	}
	return false
}

// tokens splits a sentence into its words (lower case) and markers.
func tokens(s string) []token {
	var out []token
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, token{text: word.String()})
			word.Reset()
		}
	}
	rest := s
	for rest != "" {
		if rest[0] == '{' {
			if j := strings.IndexByte(rest, '}'); j > 0 {
				flush()
				out = append(out, token{text: rest[:j+1], marker: true})
				rest = rest[j+1:]
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(rest)
		if unicode.IsLetter(r) {
			word.WriteRune(unicode.ToLower(r))
		} else {
			flush()
		}
		rest = rest[n:]
	}
	flush()
	return out
}

// sentence is one sentence of a text and the line it starts on (from 0).
type sentence struct {
	text string
	line int
}

// textSentences splits a text into sentences: at a line break, and after ".", "?" or "!" followed by a space, except
// after an initial ("J.") or an abbreviation with more than one dot ("t.a.v.").
func textSentences(text string) []sentence {
	var out []sentence
	for i, line := range strings.Split(text, "\n") {
		start := 0
		rs := []rune(line)
		for k := 0; k < len(rs); k++ {
			if !strings.ContainsRune(".?!", rs[k]) || k+1 < len(rs) && !unicode.IsSpace(rs[k+1]) {
				continue
			}
			if rs[k] == '.' && abbreviation(rs[start:k]) {
				continue
			}
			if s := strings.TrimSpace(string(rs[start : k+1])); s != "" {
				out = append(out, sentence{s, i})
			}
			start = k + 1
		}
		if s := strings.TrimSpace(string(rs[start:])); s != "" {
			out = append(out, sentence{s, i})
		}
	}
	return out
}

// abbreviation reports whether the word before a dot (the last word of before) is an initial or an abbreviation.
func abbreviation(before []rune) bool {
	w := string(before)
	if i := strings.LastIndexFunc(w, unicode.IsSpace); i >= 0 {
		w = w[i+1:]
	}
	w = strings.TrimLeft(w, "(‘'\"")
	n := len([]rune(w))
	return n == 1 && unicode.IsUpper([]rune(w)[0]) || strings.Contains(w, ".")
}

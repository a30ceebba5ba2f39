package content

import (
	"strings"
	"unicode/utf8"
)

// Chunks splits text into pieces of at most max characters: at paragraph boundaries (blank lines) first, then at
// line breaks, then between sentences. It never cuts a sentence; a single sentence longer than max comes back as
// one over-long chunk, which validation reports.
func Chunks(text string, max int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if utf8.RuneCountInString(text) <= max {
		return []string{text}
	}
	var out []string
	var cur string
	flush := func() {
		if cur != "" {
			out = append(out, cur)
			cur = ""
		}
	}
	add := func(piece, sep string) {
		if cur == "" {
			cur = piece
			return
		}
		if utf8.RuneCountInString(cur)+utf8.RuneCountInString(sep)+utf8.RuneCountInString(piece) <= max {
			cur += sep + piece
			return
		}
		flush()
		cur = piece
	}
	for _, para := range splitParagraphs(text) {
		if utf8.RuneCountInString(para) <= max {
			add(para, "\n\n")
			continue
		}
		flush()
		var lines []string
		for _, line := range strings.Split(para, "\n") {
			if utf8.RuneCountInString(line) <= max {
				lines = append(lines, line)
				continue
			}
			lines = append(lines, packSentences(line, max)...)
		}
		for _, l := range lines {
			add(l, "\n")
		}
		flush()
	}
	flush()
	return out
}

// packSentences splits one long line between sentences and packs the sentences into pieces of at most max.
func packSentences(line string, max int) []string {
	var out []string
	cur := ""
	for _, s := range sentences(line) {
		switch {
		case cur == "":
			cur = s
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(s) <= max:
			cur += " " + s
		default:
			out = append(out, cur)
			cur = s
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// splitParagraphs splits at blank lines.
func splitParagraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// sentences splits a line after ".", "?" or "!" (optionally followed by a closing quote or bracket) that is
// followed by a space.
func sentences(line string) []string {
	var out []string
	start := 0
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '.' && rs[i] != '?' && rs[i] != '!' {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune("’'\")]", rs[j]) {
			j++
		}
		if j < len(rs) && rs[j] == ' ' {
			out = append(out, strings.TrimSpace(string(rs[start:j])))
			start = j + 1
			i = j
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

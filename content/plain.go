package content

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	plainBold   = regexp.MustCompile(`(^|[\s(‘'"])\*([^*\n]+)\*`)
	plainItalic = regexp.MustCompile(`(^|[\s(‘'"])_([^_\n]+)_`)
	numbered    = regexp.MustCompile(`^\d+\. `)
)

// PlainText turns Slack mrkdwn into text to read on paper: *vet* and _cursief_ lose their markers and links
// become "tekst (url)".
func PlainText(s string) string {
	s = mrkdwnLink.ReplaceAllStringFunc(s, func(m string) string {
		g := mrkdwnLink.FindStringSubmatch(m)
		if g[2] == "" || g[2] == g[1] {
			return g[1]
		}
		return g[2] + " (" + g[1] + ")"
	})
	s = plainBold.ReplaceAllString(s, "$1$2")
	s = plainItalic.ReplaceAllString(s, "$1$2")
	return s
}

// Wrap breaks each line of text at spaces so that no line is longer than width, indenting continuation lines
// of a "• " bullet to align with its text.
func Wrap(text string, width int) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		indent := ""
		if strings.HasPrefix(line, "• ") {
			indent = "  "
		} else if m := numbered.FindString(line); m != "" {
			indent = strings.Repeat(" ", utf8.RuneCountInString(m))
		}
		cur := ""
		for _, w := range strings.Fields(line) {
			switch {
			case cur == "":
				cur = w
			case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
				cur += " " + w
			default:
				out = append(out, cur)
				cur = indent + w
			}
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}

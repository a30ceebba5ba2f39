package content

import (
	"fmt"
	"strconv"
	"strings"
)

// Markup is Slack mrkdwn that the bot built itself and that must reach Slack as it is: a mention ("<@U123>"), a
// channel link ("<#C123>"), a link from the course content, a text Fill already produced. Everything else is
// text, which Fill escapes. Converting a string to Markup is the one way to put markup into a message unescaped,
// so every place that does it can be found with `grep -n 'content.Markup('`; never convert what a person typed.
type Markup string

// Vars are the values of a template's placeholders. A string value (a name, a place, anything a person typed or
// the course content holds as plain words) is text, escaped where it goes into mrkdwn; a Markup value goes in as
// it is; integers are written in decimal.
type Vars map[string]any

// textVars returns m as Vars of text: every value is escaped where it goes into mrkdwn.
func textVars(m map[string]string) Vars {
	out := make(Vars, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mrkdwnEscaper turns Slack's three control characters into the entities Slack decodes for display.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes text safe inside Slack mrkdwn: &, < and > become &amp;, &lt; and &gt;, so that what a person typed
// shows as typed and cannot become a mention (<!channel>, <@U…>) or a disguised link (<https://…|tekst>).
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return mrkdwnEscaper.Replace(s)
}

// Fill replaces each {name} in template with vars[name] for a mrkdwn text (a section, a context, a message's text
// and its notification fallback): string values are escaped (Escape), Markup values go in as they are. The
// template itself is the bot's own text and is not touched. Placeholders without a value stay as they are, so a
// missing value is visible rather than silently blank.
func Fill(template string, vars Vars) string {
	return fill(template, vars, true)
}

// FillPlain is Fill for a plain_text object (a header block, a button label, a modal title, an input's
// initial_value, a file's title): Slack shows such text as it is and reads no markup in it, so values go in
// unescaped; escaping them would show "&amp;".
func FillPlain(template string, vars Vars) string {
	return fill(template, vars, false)
}

func fill(template string, vars Vars, escape bool) string {
	var b strings.Builder
	rest := template
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		name := rest[i+1 : i+j]
		b.WriteString(rest[:i])
		if v, ok := vars[name]; ok && isPlaceholderName(name) {
			b.WriteString(value(v, escape))
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
}

// value writes one placeholder's value: text escaped when escape is set, markup and numbers as they are.
func value(v any, escape bool) string {
	var s string
	switch v := v.(type) {
	case Markup:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		s = v
	default:
		s = fmt.Sprint(v)
	}
	if escape {
		return Escape(s)
	}
	return s
}

// placeholders returns the {name} placeholders in s, in order of appearance, each once.
func placeholders(s string) []string {
	var out []string
	seen := map[string]bool{}
	rest := s
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		name := rest[i+1 : i+j]
		if isPlaceholderName(name) && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		rest = rest[i+j+1:]
	}
}

// isPlaceholderName reports whether name looks like a placeholder: a letter followed by letters, digits or "_".
func isPlaceholderName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}

package content

import "strings"

// Fill replaces each {name} in template with vars[name]. Placeholders without a value stay as they are, so a
// missing value is visible rather than silently blank.
func Fill(template string, vars map[string]string) string {
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
			b.WriteString(v)
		} else {
			b.WriteString(rest[i : i+j+1])
		}
		rest = rest[i+j+1:]
	}
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

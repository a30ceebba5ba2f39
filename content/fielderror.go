package content

import (
	"fmt"
	"strings"
)

// FieldError is one problem in the content files: which file, which field, which line (0 when unknown) and what
// is wrong.
type FieldError struct {
	File  string // relative to the content directory, e.g. "modules/2.yaml"
	Field string // dotted path, e.g. "voorbereiding.lezen[3].link"; empty for the file as a whole
	Line  int
	Msg   string
}

// Error returns "file:line: field: message".
func (e FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found while loading content; Load returns all of them at once.
type Errors []FieldError

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

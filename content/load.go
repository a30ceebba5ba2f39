package content

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// defaultFS holds the course as shipped; a trainer's edited copy replaces it with LoadDir.
//
//go:embed data
var defaultFS embed.FS

// DefaultFS returns the embedded content files, rooted at the content directory.
func DefaultFS() fs.FS {
	sub, err := fs.Sub(defaultFS, "data")
	if err != nil {
		panic(fmt.Sprintf("content: embedded data: %v", err))
	}
	return sub
}

// Default returns the embedded course, validated: a copy of its own, which the caller may change.
func Default() (*Course, error) {
	// Parsed once: the YAML takes a tenth of a second to read, and every bot a test builds starts from it. Each
	// call decodes its own copy from the first one's JSON (which, unlike gob, keeps an empty list apart from none).
	embedded.once.Do(func() {
		c, err := Load(DefaultFS())
		if err != nil {
			embedded.err = fmt.Errorf("load embedded content: %w", err)
			return
		}
		if embedded.json, err = json.Marshal(c); err != nil {
			embedded.err = fmt.Errorf("copy embedded content: %w", err)
		}
	})
	if embedded.err != nil {
		return nil, embedded.err
	}
	c := new(Course)
	if err := json.Unmarshal(embedded.json, c); err != nil {
		return nil, fmt.Errorf("copy embedded content: %w", err)
	}
	return c, nil
}

// embedded is the embedded course as Default read it the first time.
var embedded struct {
	once sync.Once
	json []byte
	err  error
}

// LoadDir loads and validates a trainer-edited copy of the content files; on invalid content it returns Errors.
func LoadDir(dir string) (*Course, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load content dir: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load content dir: %s is not a directory", dir)
	}
	return Load(os.DirFS(dir))
}

// Export writes the embedded content files to dir for editing. It refuses a dir that exists and is not empty, so
// a trainer's edits are never overwritten.
func Export(dir string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("export content: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export content: %w", err)
	}
	src := DefaultFS()
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("export content: %w", err)
	}
	return nil
}

// Load reads and validates the content files in fsys. Invalid content gives Errors listing every problem found.
func Load(fsys fs.FS) (*Course, error) {
	l := &loader{fsys: fsys, nodes: map[string]*yaml.Node{}}
	c := &Course{}

	for _, p := range l.glob("modules") {
		var m Module
		if l.decode(p, &m) {
			c.Modules = append(c.Modules, m)
			l.moduleFiles = append(l.moduleFiles, p)
		}
	}
	for _, p := range l.glob("cases") {
		var cs Case
		if l.decode(p, &cs) {
			c.Cases = append(c.Cases, cs)
			l.caseFiles = append(l.caseFiles, p)
		}
	}
	l.decode("meter.yaml", &c.Meter)
	var rules struct {
		Rules []Rule `yaml:"rules"`
	}
	if l.decode("rules.yaml", &rules) {
		c.Rules = rules.Rules
	}
	l.decode("phrases.yaml", &c.Phrases)
	l.decode("evaluation.yaml", &c.Evaluation)
	var reports struct {
		Reports []Report `yaml:"reports"`
	}
	if l.decode("reports.yaml", &reports) {
		c.Reports = reports.Reports
	}
	l.decode("feedback.yaml", &c.Feedback)
	l.decode("about.yaml", &c.About)

	// Modules in number order whatever their file names; keep the file list in step.
	idx := make([]int, len(c.Modules))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return c.Modules[idx[a]].Number < c.Modules[idx[b]].Number })
	mods, files := make([]Module, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		mods[i], files[i] = c.Modules[j], l.moduleFiles[j]
	}
	c.Modules, l.moduleFiles = mods, files
	c.Cases, l.caseFiles = orderCases(c.Cases, l.caseFiles)

	if len(l.errs) == 0 {
		l.validate(c)
	}
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	return c, nil
}

// caseOrder is the order the manual presents the cases in; other cases follow by id.
var caseOrder = map[string]int{"richard": 1, "johan": 2, "emma": 3}

func orderCases(cs []Case, files []string) ([]Case, []string) {
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	rank := func(id string) int {
		if r, ok := caseOrder[id]; ok {
			return r
		}
		return 100
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := cs[idx[a]], cs[idx[b]]
		if rank(x.ID) != rank(y.ID) {
			return rank(x.ID) < rank(y.ID)
		}
		return x.ID < y.ID
	})
	oc, of := make([]Case, len(cs)), make([]string, len(cs))
	for i, j := range idx {
		oc[i], of[i] = cs[j], files[j]
	}
	return oc, of
}

type loader struct {
	fsys        fs.FS
	nodes       map[string]*yaml.Node
	moduleFiles []string
	caseFiles   []string
	errs        Errors
}

func (l *loader) add(file, field, msg string) {
	l.addLine(file, field, l.line(file, field), msg)
}

// addLine records a problem at a given line, for a problem inside a field's text.
func (l *loader) addLine(file, field string, line int, msg string) {
	e := FieldError{File: file, Field: field, Line: line, Msg: msg}
	// A text checked once per name variant would otherwise report the same mistake twice.
	if slices.Contains(l.errs, e) {
		return
	}
	l.errs = append(l.errs, e)
}

// glob lists the .yaml files in dir, sorted.
func (l *loader) glob(dir string) []string {
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		l.errs = append(l.errs, FieldError{File: dir + "/", Msg: "missing directory"})
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		l.errs = append(l.errs, FieldError{File: dir + "/", Msg: "no .yaml files"})
	}
	return out
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decode reads file into v, rejecting unknown fields; it reports whether that worked.
func (l *loader) decode(file string, v any) bool {
	b, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.errs = append(l.errs, FieldError{File: file, Msg: "missing file"})
		return false
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		l.yamlErr(file, err)
		return false
	}
	l.nodes[file] = &n
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		l.yamlErr(file, err)
		return false
	}
	return true
}

// yamlErr turns yaml.v3's messages into FieldErrors with line numbers.
func (l *loader) yamlErr(file string, err error) {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, m := range te.Errors {
			l.errs = append(l.errs, lineMsg(file, m))
		}
		return
	}
	l.errs = append(l.errs, lineMsg(file, err.Error()))
}

func lineMsg(file, m string) FieldError {
	m = strings.TrimPrefix(m, "yaml: ")
	if g := yamlLine.FindStringSubmatch(m); g != nil {
		n, _ := strconv.Atoi(g[1])
		msg := g[2]
		// "field lezn not found in type content.Voorbereiding" -> "unknown field lezn"
		if f := regexp.MustCompile(`^field (\S+) not found in type \S+$`).FindStringSubmatch(msg); f != nil {
			return FieldError{File: file, Field: f[1], Line: n, Msg: "unknown field (check the spelling)"}
		}
		return FieldError{File: file, Line: n, Msg: msg}
	}
	return FieldError{File: file, Msg: m}
}

// line finds the line of field (a path such as "voorbereiding.lezen[3].link") in file; for a missing field it
// gives the line of the nearest parent that exists.
func (l *loader) line(file, field string) int {
	n := l.nodes[file]
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	best := n.Line
	for _, part := range splitPath(field) {
		var next *yaml.Node
		if i, err := strconv.Atoi(part); err == nil {
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				next = n.Content[i]
			}
		} else if n.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(n.Content); k += 2 {
				if n.Content[k].Value == part {
					next = n.Content[k+1]
					if next.Kind == yaml.ScalarNode {
						best = n.Content[k].Line
					}
					break
				}
			}
		}
		if next == nil {
			return best
		}
		n = next
		if n.Kind != yaml.ScalarNode {
			best = n.Line
		} else if best == 0 || n.Line > best {
			best = n.Line
		}
	}
	return best
}

// textLine returns the line in file of line offset (from 0) of the text in field: for a block scalar ("|-") the
// text starts on the line after its key.
func (l *loader) textLine(file, field string, offset int) int {
	n := l.node(file, field)
	if n == nil {
		return l.line(file, field)
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + 1 + offset
	}
	return n.Line + offset
}

// node returns the node of field (a path such as "stages[3].text") in file, or nil when it is not there.
func (l *loader) node(file, field string) *yaml.Node {
	n := l.nodes[file]
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range splitPath(field) {
		var next *yaml.Node
		if i, err := strconv.Atoi(part); err == nil {
			if n.Kind == yaml.SequenceNode && i < len(n.Content) {
				next = n.Content[i]
			}
		} else if n.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(n.Content); k += 2 {
				if n.Content[k].Value == part {
					next = n.Content[k+1]
					break
				}
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// splitPath turns "a.b[3].c" into ["a", "b", "3", "c"].
func splitPath(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, ".") {
		for seg != "" {
			i := strings.IndexByte(seg, '[')
			if i < 0 {
				out = append(out, seg)
				break
			}
			if i > 0 {
				out = append(out, seg[:i])
			}
			j := strings.IndexByte(seg, ']')
			if j < i {
				break
			}
			out = append(out, seg[i+1:j])
			seg = seg[j+1:]
		}
	}
	return out
}

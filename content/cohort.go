package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Cohort is one training group: a name, a Slack channel, trainers, a time zone, the four module dates with their
// place, the chosen cases and the settings that override the course defaults. It is written by a trainer as a YAML
// cohort file (ParseCohort) or in the /training nieuw modal, and checked by Validate.
type Cohort struct {
	ID       int64          // database id; 0 for a cohort that is not stored (e.g. in `gesprekbot plan`)
	TeamID   string         // the Slack workspace it belongs to ("T…"); "" in a file: the deployment's default one
	Name     string         // e.g. "Utrecht najaar 2026"; unique
	Channel  string         // a channel ID ("C0123ABC") or "#name" until the bot resolves it through Slack
	Timezone string         // IANA name, default DefaultTimezone
	Trainers []string       // Slack user IDs ("U…", "W…") or e-mail addresses until resolved through Slack
	Cases    []string       // case variant ids: "richard" plus one of "johan", "johanna", "emma", "tom"
	Modules  []CohortModule // modules 1..4 in order; times in the cohort's time zone
	Settings CohortSettings // overrides of the course defaults

	// lines maps a field path ("modules[1].start") to its line in the cohort file, so that Validate can name it.
	lines map[string]int
	file  string
}

// CohortModule is when and where one module of a cohort takes place.
type CohortModule struct {
	Number   int       // 1..4
	Start    time.Time // in the cohort's time zone
	End      time.Time // after Start
	Location string    // e.g. "Stadskantoor, zaal 3"
}

// CohortSettings are a cohort's overrides of the course defaults. They are stored as JSON in the cohorts table.
type CohortSettings struct {
	QuietHours string `json:"quiet_hours"` // "HH:MM-HH:MM": no DMs that are not urgent in this window
	Holidays   bool   `json:"holidays"`    // respect Dutch public holidays (no DMs that are not urgent)
	AutoReveal bool   `json:"auto_reveal"` // reveal the next case stage between modules without a trainer's command
}

// Cohort defaults, used where a cohort file leaves a setting out.
const (
	DefaultTimezone   = "Europe/Amsterdam"
	DefaultQuietHours = "21:00-08:00"
)

// DefaultCohortSettings returns the settings a cohort has when its file overrides none: quiet hours 21:00–08:00,
// Dutch public holidays respected, case stages revealed automatically between modules.
func DefaultCohortSettings() CohortSettings {
	return CohortSettings{QuietHours: DefaultQuietHours, Holidays: true, AutoReveal: true}
}

// CohortCaseRichard is the case every cohort works with. The manual ("Toelichting: casuïstiek voor trainer"):
// "In de modules werken we met twee cases" — Richard (GGz) and one of the two LVB cases, chosen by the trainer.
const CohortCaseRichard = "richard"

// cohortLVBVariants are the name variants of the two LVB cases a cohort picks one of, with the case they belong to.
var cohortLVBVariants = map[string]string{"johan": "johan", "johanna": "johan", "emma": "emma", "tom": "emma"}

// Cohort problems are reported as Errors: every problem at once, each a FieldError with the field it is about,
// the line in the cohort file when known, and a short plain message. Field is a path such as "name",
// "trainers[0]" or "modules[2].start" (the index into the list as written; the /training nieuw modal lists the
// modules in order, so index i is module i+1), so that a modal can put the message under the right block.

// cohortFile is the YAML form of a cohort file.
type cohortFile struct {
	Name       string             `yaml:"name"`
	Team       string             `yaml:"team"`
	Channel    string             `yaml:"channel"`
	Timezone   string             `yaml:"timezone"`
	Trainers   []string           `yaml:"trainers"`
	Cases      []string           `yaml:"cases"`
	Modules    []cohortModuleFile `yaml:"modules"`
	QuietHours *string            `yaml:"quiet_hours"`
	Holidays   *bool              `yaml:"holidays"`
	AutoReveal *bool              `yaml:"auto_reveal"`
}

type cohortModuleFile struct {
	Number   int    `yaml:"number"`
	Start    string `yaml:"start"`
	End      string `yaml:"end"`
	Location string `yaml:"location"`
}

// cohortTimeLayouts are the accepted forms of a module's local start and end time.
var cohortTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Length limits of what a trainer types about a cohort, in characters: long enough for any real name or address
// ("Stadskantoor Utrecht, Stadsplateau 1, zaal 3.14 (derde verdieping, via de liften aan de kant van het
// station)"), short enough that it cannot push a reminder or the App Home over Slack's limits.
const (
	MaxCohortName = 80
	MaxLocation   = 200
)

// ParseCohort reads a YAML cohort file (file names it in errors) and checks everything that does not depend on
// the clock. Unknown fields are refused so that a typo is caught. On failure it returns Errors with every
// problem found. Call Validate afterwards to refuse module dates in the past.
func ParseCohort(data []byte, file string) (*Cohort, error) {
	return ParseCohortIn(data, file, DefaultTimezone)
}

// ParseCohortIn is ParseCohort with the time zone a file without one gets (the operator's COURSE_TZ).
func ParseCohortIn(data []byte, file, defaultTZ string) (*Cohort, error) {
	var errs Errors
	add := func(field string, line int, format string, args ...any) {
		errs = append(errs, FieldError{File: file, Field: field, Line: line, Msg: fmt.Sprintf(format, args...)})
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err.Error())
		add("", line, "%s", msg)
		return nil, errs
	}
	if len(doc.Content) == 0 {
		add("", 0, "the file is empty")
		return nil, errs
	}
	lines := map[string]int{}
	nodeLines(doc.Content[0], "", lines)

	var f cohortFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, s := range te.Errors {
				line, msg := yamlErrorLine(s)
				add("", line, "%s", msg)
			}
		} else {
			line, msg := yamlErrorLine(err.Error())
			add("", line, "%s", msg)
		}
		return nil, errs
	}

	c := &Cohort{
		Name:     strings.TrimSpace(f.Name),
		TeamID:   strings.TrimSpace(f.Team),
		Channel:  strings.TrimSpace(f.Channel),
		Timezone: strings.TrimSpace(f.Timezone),
		Trainers: f.Trainers,
		Settings: DefaultCohortSettings(),
		lines:    lines,
		file:     file,
	}
	if c.Timezone == "" {
		c.Timezone = defaultTZ
	}
	for _, v := range f.Cases {
		c.Cases = append(c.Cases, strings.ToLower(strings.TrimSpace(v)))
	}
	if f.QuietHours != nil {
		c.Settings.QuietHours = strings.TrimSpace(*f.QuietHours)
	}
	if f.Holidays != nil {
		c.Settings.Holidays = *f.Holidays
	}
	if f.AutoReveal != nil {
		c.Settings.AutoReveal = *f.AutoReveal
	}

	// Module times are local to the cohort's time zone; with a bad zone, read them as UTC so that their own
	// mistakes are still reported together with the zone's.
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "Local" {
		loc = time.UTC
	}
	for i, mf := range f.Modules {
		p := fmt.Sprintf("modules[%d]", i)
		m := CohortModule{Number: mf.Number, Location: strings.TrimSpace(mf.Location)}
		var ok bool
		if m.Start, ok = parseCohortTime(mf.Start, loc); !ok {
			add(p+".start", lines[p+".start"], "%s", cohortTimeMsg(mf.Start))
		}
		if m.End, ok = parseCohortTime(mf.End, loc); !ok {
			add(p+".end", lines[p+".end"], "%s", cohortTimeMsg(mf.End))
		}
		c.Modules = append(c.Modules, m)
	}

	errs = append(errs, c.check(false, time.Time{})...)
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return c, nil
}

// Validate checks the cohort and returns Errors with every problem, or nil. Module dates before now are
// refused unless allowPast is set (e.g. to re-apply the file of a running cohort).
func (c *Cohort) Validate(now time.Time, allowPast bool) error {
	errs := c.check(!allowPast, now)
	if len(errs) > 0 {
		sortErrors(errs)
		return errs
	}
	return nil
}

// check finds every problem in c; with past set, module starts before now are problems too.
func (c *Cohort) check(past bool, now time.Time) Errors {
	var errs Errors
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{File: c.file, Field: field, Line: c.lines[field], Msg: fmt.Sprintf(format, args...)})
	}

	switch {
	case strings.TrimSpace(c.Name) == "":
		add("name", "required, e.g. \"Utrecht najaar 2026\"")
	case len([]rune(c.Name)) > MaxCohortName:
		add("name", "too long: %d characters, at most %d", len([]rune(c.Name)), MaxCohortName)
	}

	if c.TeamID != "" && !IsTeamID(c.TeamID) {
		add("team", "%q is not a Slack team ID (T…); leave it out for the bot's own workspace", c.TeamID)
	}

	switch {
	case c.Channel == "":
		add("channel", "required: a channel ID (C…) or #name")
	case !IsChannelRef(c.Channel):
		add("channel", "%q is not a channel ID (C…) or #name (lower case letters, digits, - and _)", c.Channel)
	}

	loc, tzErr := time.LoadLocation(c.Timezone)
	if c.Timezone == "" || c.Timezone == "Local" || tzErr != nil {
		add("timezone", "%q is not a time zone; use a name like %s", c.Timezone, DefaultTimezone)
		loc = nil
	}

	if len(c.Trainers) == 0 {
		add("trainers", "at least one trainer is required (a Slack user ID like U0123ABC or an e-mail address)")
	}
	seenTrainer := map[string]bool{}
	for i, t := range c.Trainers {
		p := fmt.Sprintf("trainers[%d]", i)
		switch {
		case !IsUserRef(t):
			add(p, "%q is not a Slack user ID (U… or W…) or an e-mail address", t)
		case seenTrainer[strings.ToLower(t)]:
			add(p, "%q is listed twice", t)
		}
		seenTrainer[strings.ToLower(t)] = true
	}

	c.checkCases(add)
	c.checkModules(add, loc, past, now)

	if _, _, err := ParseQuietHours(c.Settings.QuietHours); err != nil {
		add("quiet_hours", "%v", err)
	}
	return errs
}

func (c *Cohort) checkCases(add func(field, format string, args ...any)) {
	const choice = "richard plus one of johan, johanna, emma, tom"
	richard, lvb := false, ""
	for i, v := range c.Cases {
		p := fmt.Sprintf("cases[%d]", i)
		v = strings.ToLower(strings.TrimSpace(v))
		switch {
		case v == CohortCaseRichard && richard:
			add(p, "richard is listed twice")
		case v == CohortCaseRichard:
			richard = true
		case cohortLVBVariants[v] != "" && lvb != "":
			add(p, "%q: only one LVB case (the manual works with two cases: %s); %q is already chosen", v, choice, lvb)
		case cohortLVBVariants[v] != "":
			lvb = v
		default:
			add(p, "unknown case %q; choose %s", c.Cases[i], choice)
		}
	}
	switch {
	case len(c.Cases) == 0:
		add("cases", "required: %s", choice)
	case !richard:
		add("cases", "richard is missing; choose %s", choice)
	case lvb == "" && len(c.Cases) == 1:
		add("cases", "an LVB case is missing; choose %s", choice)
	}
}

func (c *Cohort) checkModules(add func(field, format string, args ...any), loc *time.Location, past bool, now time.Time) {
	if len(c.Modules) == 0 {
		add("modules", "required: modules 1, 2, 3 and 4, each with start, end and location")
		return
	}
	listed := map[int]bool{}
	for _, m := range c.Modules {
		listed[m.Number] = true
	}
	seen := map[int]bool{}
	for i, m := range c.Modules {
		p := fmt.Sprintf("modules[%d]", i)
		switch {
		case m.Number < 1 || m.Number > 4:
			add(p+".number", "must be 1, 2, 3 or 4, not %d", m.Number)
		case seen[m.Number]:
			add(p+".number", "module %d is listed twice", m.Number)
		case m.Number != i+1 && listed[i+1] && !seen[i+1]:
			add(p+".number", "out of order: module %d is listed where module %d belongs", m.Number, i+1)
		}
		seen[m.Number] = true
		switch n := len([]rune(m.Location)); {
		case m.Location == "":
			add(p+".location", "required: where module %d takes place", m.Number)
		case n > MaxLocation:
			add(p+".location", "too long: %d characters, at most %d", n, MaxLocation)
		}
		if m.Start.IsZero() || m.End.IsZero() {
			continue
		}
		if loc != nil {
			for _, e := range []struct {
				field string
				t     time.Time
			}{{"start", m.Start}, {"end", m.End}} {
				l := e.t.In(loc)
				if l.Second() != 0 || l.Nanosecond() != 0 {
					add(p+"."+e.field, "give whole minutes")
				}
			}
		}
		if !m.End.After(m.Start) {
			add(p+".end", "must be after the start")
		}
		if past && m.Start.Before(now) {
			add(p+".start", "is in the past")
		}
		if i > 0 {
			prev := c.Modules[i-1]
			if prev.Start.IsZero() || prev.End.IsZero() {
				continue
			}
			switch {
			case !m.Start.After(prev.Start):
				add(p+".start", "out of order: module %d must start after module %d", m.Number, prev.Number)
			case m.Start.Before(prev.End):
				add(p+".start", "overlaps module %d, which ends at %s", prev.Number, prev.End.Format("2006-01-02 15:04"))
			}
		}
	}
	for n := 1; n <= 4; n++ {
		if !seen[n] {
			add("modules", "module %d is missing", n)
		}
	}
}

// Location returns the cohort's time zone.
func (c *Cohort) Location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.LoadLocation(DefaultTimezone)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("cohort time zone: %w", err)
	}
	return loc, nil
}

// Module returns module n (1..4) of the cohort.
func (c *Cohort) Module(n int) (*CohortModule, bool) {
	for i := range c.Modules {
		if c.Modules[i].Number == n {
			return &c.Modules[i], true
		}
	}
	return nil, false
}

// MoveModule moves module n to start at start, keeping its length (for /training verzet). Call Validate afterwards:
// the move may make modules overlap or fall out of order.
func (c *Cohort) MoveModule(n int, start time.Time) error {
	m, ok := c.Module(n)
	if !ok {
		return Errorf(EINVALID, "Module %d bestaat niet; kies 1, 2, 3 of 4.", n)
	}
	length := m.End.Sub(m.Start)
	m.Start, m.End = start, start.Add(length)
	return nil
}

// LVBCase returns the LVB case variant the cohort works with ("johan", "johanna", "emma" or "tom"), or "".
func (c *Cohort) LVBCase() string {
	for _, v := range c.Cases {
		if cohortLVBVariants[v] != "" {
			return v
		}
	}
	return ""
}

// Slug returns the cohort's name in lower case with runs of other characters as "-", e.g. "utrecht-najaar-2026".
func (c *Cohort) Slug() string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(c.Name) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) && r < unicode.MaxASCII {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

var (
	channelIDRE   = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	channelNameRE = regexp.MustCompile(`^#[a-z0-9][a-z0-9_-]{0,79}$`)
	userIDRE      = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// IsChannelRef reports whether s is a Slack channel ID ("C0123ABC") or a channel name written as "#name".
func IsChannelRef(s string) bool { return channelIDRE.MatchString(s) || channelNameRE.MatchString(s) }

// IsUserRef reports whether s is a Slack user ID ("U0123ABC", "W0123ABC") or an e-mail address.
func IsUserRef(s string) bool { return userIDRE.MatchString(s) || IsEmail(s) }

// IsTeamID reports whether s is a Slack team (workspace) ID such as "T0123ABC".
func IsTeamID(s string) bool { return teamIDRE.MatchString(s) }

var teamIDRE = regexp.MustCompile(`^T[A-Z0-9]{6,}$`)

// IsEmail reports whether s is a bare e-mail address such as "a.trainer@gemeente.nl".
func IsEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// ParseQuietHours reads "HH:MM-HH:MM" (e.g. "21:00-08:00", the window may cross midnight) and returns its start
// and end as minutes after midnight. An empty string means the default; equal start and end mean no quiet hours.
func ParseQuietHours(s string) (from, to int, err error) {
	if s == "" {
		s = DefaultQuietHours
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a time window like %q", s, DefaultQuietHours)
	}
	ta, errA := time.Parse("15:04", strings.TrimSpace(a))
	tb, errB := time.Parse("15:04", strings.TrimSpace(b))
	if errA != nil || errB != nil {
		return 0, 0, fmt.Errorf("%q is not a time window like %q", s, DefaultQuietHours)
	}
	return ta.Hour()*60 + ta.Minute(), tb.Hour()*60 + tb.Minute(), nil
}

func parseCohortTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range cohortTimeLayouts {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		// A local time that does not exist (skipped by the change to summer time) comes back moved; refuse it.
		if t.Format(layout) != s {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

func cohortTimeMsg(s string) string {
	if strings.TrimSpace(s) == "" {
		return "required: a local date and time like 2026-12-07T09:00"
	}
	return fmt.Sprintf("%q is not a local date and time like 2026-12-07T09:00 (or does not exist in the time zone)", s)
}

// nodeLines records the line of every value under n, keyed by its field path.
func nodeLines(n *yaml.Node, path string, lines map[string]int) {
	if path != "" {
		lines[path] = n.Line
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if path != "" {
				p = path + "." + key
			}
			nodeLines(n.Content[i+1], p, lines)
			// A field's error points at its key when the value is on a later line (a list under the key).
			lines[p] = n.Content[i].Line
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			nodeLines(item, fmt.Sprintf("%s[%d]", path, i), lines)
		}
	}
}

// yamlErrorLine splits a yaml.v3 error into its line and a message a trainer can read.
func yamlErrorLine(s string) (int, string) {
	line, msg := 0, strings.TrimPrefix(s, "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(s); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if m := yamlUnknownRE.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("unknown field %q", m[1])
	}
	if m := yamlTypeRE.FindStringSubmatch(msg); m != nil {
		name := yamlTypeNames[m[2]]
		if name == "" {
			name = m[2]
		}
		msg = fmt.Sprintf("%s cannot be read as %s", m[1], name)
	}
	return line, msg
}

var (
	yamlUnknownRE = regexp.MustCompile(`^field (\S+) not found in type`)
	yamlTypeRE    = regexp.MustCompile("^cannot unmarshal !!\\w+ (.*) into (\\S+)$")
	yamlTypeNames = map[string]string{
		"int": "a whole number", "bool": "true or false", "string": "text", "[]string": "a list",
		"[]content.cohortModuleFile": "a list of modules", "content.cohortModuleFile": "a module",
		"content.cohortFile": "a cohort", "*bool": "true or false", "*string": "text",
	}
)

func sortErrors(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool {
		li, lj := errs[i].Line, errs[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
}

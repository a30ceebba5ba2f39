package content

// Module is one half-day module of the course, as the manual describes it.
type Module struct {
	Number                int           `yaml:"number"`                // 1..4
	Title                 string        `yaml:"title"`                 // e.g. "Context en kader"
	Kop                   string        `yaml:"kop"`                   // the manual's heading, e.g. "Het Gesprek: context en kader"
	Inleiding             string        `yaml:"inleiding"`             // introduction, mrkdwn
	Leeruitkomsten        []string      `yaml:"leeruitkomsten"`        // learning outcomes, one per item
	Programma             string        `yaml:"programma"`             // the programme, mrkdwn
	Voorbereiding         Voorbereiding `yaml:"voorbereiding"`         // what participants do before the module
	Vragen                *QuestionList `yaml:"vragen"`                // module 1: the ten questions on the route
	Huiswerk              []Task        `yaml:"huiswerk"`              // given at the end of the module
	HuiswerkToelichting   string        `yaml:"huiswerk_toelichting"`  // note for the trainer on the homework; may be empty
	Materiaal             []string      `yaml:"materiaal"`             // materials and hand-outs for the trainer, mrkdwn
	Achtergrondliteratuur []Reading     `yaml:"achtergrondliteratuur"` // background reading for the trainer
	MeerLezen             []Reading     `yaml:"meer_lezen"`            // further reading; may be empty
}

// Voorbereiding is the preparation for participants before a module.
type Voorbereiding struct {
	Intro string    `yaml:"intro"` // may be empty
	Tasks []Task    `yaml:"tasks"` // preparation tasks; each can be ticked off
	Lezen []Reading `yaml:"lezen"` // the reading list; each can be marked "gelezen"
}

// Task is one preparation task or homework assignment. Its ID is stored with every "klaar": never rename it.
type Task struct {
	ID    string `yaml:"id"`    // stable, unique within the course, [a-z0-9_]+
	Title string `yaml:"title"` // short label
	Text  string `yaml:"text"`  // the assignment, mrkdwn
}

// Reading is one text on a reading list. Its ID is stored with every "gelezen": never rename it.
type Reading struct {
	ID     string `yaml:"id"`     // stable, unique within the course, [a-z0-9_]+
	Author string `yaml:"author"` // may be empty when the manual names none
	Title  string `yaml:"title"`
	Source string `yaml:"source"` // publisher, journal or site; may be empty
	Year   string `yaml:"year"`   // as the manual gives it; may be empty
	Link   string `yaml:"link"`   // http(s) URL; may be empty when the manual gives none
	Note   string `yaml:"note"`   // e.g. which pages, or "pdf beschikbaar"; may be empty
}

// QuestionList is a numbered list of questions with an introduction.
type QuestionList struct {
	Title     string   `yaml:"title"`
	Intro     string   `yaml:"intro"`
	Questions []string `yaml:"questions"`
}

// Citation returns the reading as one line: author, title, source, year and note, without the link.
func (r Reading) Citation() string {
	s := ""
	if r.Author != "" {
		s = r.Author + ", "
	}
	s += r.Title
	if r.Source != "" && r.Source != r.Author {
		s += ". " + r.Source
	}
	if r.Year != "" {
		s += ", " + r.Year
	}
	s += "."
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

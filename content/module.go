package content

// Module is one half-day module of the course, as the manual describes it.
type Module struct {
	Number                int             `yaml:"number"`                // 1..4
	Title                 string          `yaml:"title"`                 // e.g. "Context en kader"
	Inleiding             string          `yaml:"inleiding"`             // introduction, mrkdwn
	Leeruitkomsten        []string        `yaml:"leeruitkomsten"`        // learning outcomes, one per item
	Programma             []ProgrammaItem `yaml:"programma"`             // the trainer's programme, in order
	Voorbereiding         Voorbereiding   `yaml:"voorbereiding"`         // what participants do before the module
	Huiswerk              []Task          `yaml:"huiswerk"`              // given at the end of the module
	Materiaal             []string        `yaml:"materiaal"`             // materials and hand-outs for the trainer
	Achtergrondliteratuur []Reading       `yaml:"achtergrondliteratuur"` // background reading for the trainer
	Vragen                *QuestionList   `yaml:"vragen,omitempty"`      // module 1: the ten questions on the route
}

// ProgrammaItem is one part of a module's programme.
type ProgrammaItem struct {
	Onderdeel string `yaml:"onderdeel"` // short name of the part, e.g. "Opening en kennismaking"
	Tijd      string `yaml:"tijd"`      // time as the manual gives it, e.g. "30 min"
	Text      string `yaml:"text"`      // activities and working methods, mrkdwn
	Materiaal string `yaml:"materiaal"` // materials and tips, mrkdwn; may be empty
}

// Voorbereiding is the preparation for participants before a module.
type Voorbereiding struct {
	Intro string    `yaml:"intro"` // may be empty
	Tasks []Task    `yaml:"tasks"` // preparation tasks; each can be ticked off
	Lezen []Reading `yaml:"lezen"` // the reading list; each can be marked "gelezen"
}

// Task is one preparation task or homework assignment.
type Task struct {
	ID    string `yaml:"id"`    // stable, unique within the course, [a-z0-9_]+
	Title string `yaml:"title"` // short label
	Text  string `yaml:"text"`  // the assignment, mrkdwn
}

// Reading is one text on a reading list.
type Reading struct {
	ID     string `yaml:"id"`     // stable, unique within the course, [a-z0-9_]+
	Author string `yaml:"author"` // may be empty when the manual names none
	Title  string `yaml:"title"`
	Source string `yaml:"source"` // publisher, journal or site; may be empty
	Year   string `yaml:"year"`   // as the manual gives it; may be empty
	Link   string `yaml:"link"`   // http(s) URL; may be empty when the manual gives none
	Note   string `yaml:"note"`   // e.g. which pages or chapters; may be empty
}

// QuestionList is a numbered list of questions with an introduction.
type QuestionList struct {
	Title     string   `yaml:"title"`
	Intro     string   `yaml:"intro"`
	Questions []string `yaml:"questions"`
}

package content

// Meter is the competentiemeter: a self-assessment in four areas, then three steps of reflection and planning.
type Meter struct {
	Title   string       `yaml:"title"`
	Purpose string       `yaml:"purpose"` // what the meter is for, from the manual; opens every measurement
	Intro   string       `yaml:"intro"`   // Stap 1: how to fill it in, mrkdwn
	Scale   []ScalePoint `yaml:"scale"`   // 1..5 in order
	Areas   []Area       `yaml:"areas"`   // 4 areas
	Stap2   Step         `yaml:"stap2"`   // krachten en uitdagingen
	Stap3   Step         `yaml:"stap3"`   // actieplan, with tips
	Stap4   Step         `yaml:"stap4"`   // werken aan de ontwikkelpunten, with tips
	Adapted []Adaptation `yaml:"adapted"` // sentences that differ from the manual, and why
}

// ScalePoint is one point of the score scale.
type ScalePoint struct {
	Value int    `yaml:"value"`
	Label string `yaml:"label"` // shown on a button or option: ≤ MaxButtonLabel
}

// Area is one competence area with its statements.
type Area struct {
	ID         string      `yaml:"id"`
	Title      string      `yaml:"title"`
	Statements []Statement `yaml:"statements"`
}

// Statement is one statement a participant scores; its ID is stored with every answer, never rename it.
type Statement struct {
	ID   string `yaml:"id"`   // e.g. "g1"
	Text string `yaml:"text"` // verbatim from the manual
}

// Step is one of the reflection steps after scoring.
type Step struct {
	Title     string   `yaml:"title"`
	Text      string   `yaml:"text"`       // mrkdwn
	Questions []string `yaml:"questions"`  // questions the participant answers; may be empty
	TipsTitle string   `yaml:"tips_title"` // may be empty
	Tips      []string `yaml:"tips"`       // may be empty
}

// Statements returns all statements of all areas, in order.
func (m Meter) Statements() []Statement {
	var out []Statement
	for _, a := range m.Areas {
		out = append(out, a.Statements...)
	}
	return out
}

// Label returns the scale label for value v.
func (m Meter) Label(v int) (string, bool) {
	for _, p := range m.Scale {
		if p.Value == v {
			return p.Label, true
		}
	}
	return "", false
}

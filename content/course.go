package content

// Course is the whole course as loaded and validated.
type Course struct {
	Modules    []Module   // 1..4 in order
	Cases      []Case     // richard, johan, emma (with their variants)
	Meter      Meter      // areas (4) with statements (21), scale (1..5 with labels), Stap2/3/4 texts and tips
	Rules      []Rule     // when each kind of message goes out
	Phrases    Phrases    // every fixed Dutch text the bot says: button labels, reminder wording, refusals, help
	Evaluation Evaluation // vriezer, bloem, prullenmand, zaad
	Reports    []Report   // the formats of the homework that asks for written work
	Feedback   Feedback   // the Feedbackformulier of modules 2 and 3, and the scales its points are scored on
	About      About      // title, publishers, attribution ("mits bronvermelding")
}

// Module returns module n (1..4).
func (c *Course) Module(n int) (*Module, bool) {
	for i := range c.Modules {
		if c.Modules[i].Number == n {
			return &c.Modules[i], true
		}
	}
	return nil, false
}

// Case returns the case with the given id ("richard", "johan", "emma"); a variant id ("johanna", "tom") finds its
// case too.
func (c *Course) Case(id string) (*Case, bool) {
	for i := range c.Cases {
		if c.Cases[i].ID == id {
			return &c.Cases[i], true
		}
	}
	for i := range c.Cases {
		if _, ok := c.Cases[i].Variant(id); ok {
			return &c.Cases[i], true
		}
	}
	return nil, false
}

// Rule returns the schedule rule with the given id.
func (c *Course) Rule(id string) (*Rule, bool) {
	for i := range c.Rules {
		if c.Rules[i].ID == id {
			return &c.Rules[i], true
		}
	}
	return nil, false
}

// KindHomework is the schedule rule kind that sends a module's homework with its "Klaar" button.
const KindHomework = "homework"

// HomeworkByKlaar reports whether module n's homework goes out as homework, with a "Klaar" button (a rule of kind
// homework covers n). Module 4's closing assignment is in its huiswerk too, but the eindmeting message brings it
// and the competentiemeter records it done: nobody is asked to click "Klaar" for it.
func (c *Course) HomeworkByKlaar(n int) bool {
	for _, r := range c.Rules {
		if r.Kind == KindHomework && r.AppliesTo(n) {
			return true
		}
	}
	return false
}

package content

import (
	"fmt"
	"slices"
	"strings"
)

// Feedback is the Feedbackformulier of the role plays (feedback.yaml): the scales its points are scored on and one
// form per module that has one (2 and 3).
type Feedback struct {
	Scales []FeedbackScale `yaml:"scales"`
	Forms  []FeedbackForm  `yaml:"forms"`
}

// FeedbackScale is a scale a feedback point is scored on. The manual gives none; the source says whose it is.
type FeedbackScale struct {
	ID     string       `yaml:"id"`     // stable, [a-z0-9_]+
	Source string       `yaml:"source"` // where it comes from
	Points []ScalePoint `yaml:"points"` // values 1.., each with a label ≤ MaxButtonLabel
}

// FeedbackForm is the Feedbackformulier of one module: the points observers fill in for the gespreksvoerder.
type FeedbackForm struct {
	Module int             `yaml:"module"` // the module whose role play it belongs to
	Title  string          `yaml:"title"`  // "Feedbackformulier bij module 2"
	Intro  string          `yaml:"intro"`  // mrkdwn, may be empty
	Points []FeedbackPoint `yaml:"points"` // at least one
}

// FeedbackPoint is one point of a Feedbackformulier, in the manual's words.
type FeedbackPoint struct {
	ID         string   `yaml:"id"`          // stable, unique within the form, [a-z0-9_]+: stored with the score
	Text       string   `yaml:"text"`        // the manual's point, verbatim
	ItemsIntro string   `yaml:"items_intro"` // e.g. "Denk hierbij aan:"; may be empty
	Items      []string `yaml:"items"`       // the manual's list to tick under the point; may be empty
	Scale      string   `yaml:"scale"`       // id of the FeedbackScale it is scored on; every point has one
}

// FeedbackForm returns the Feedbackformulier of module n; ok is false when module n has none.
func (c *Course) FeedbackForm(n int) (*FeedbackForm, bool) {
	for i := range c.Feedback.Forms {
		if c.Feedback.Forms[i].Module == n {
			return &c.Feedback.Forms[i], true
		}
	}
	return nil, false
}

// Scale returns the scale with the given id.
func (f *Feedback) Scale(id string) (*FeedbackScale, bool) {
	for i := range f.Scales {
		if f.Scales[i].ID == id {
			return &f.Scales[i], true
		}
	}
	return nil, false
}

// Point returns the point with the given id.
func (f *FeedbackForm) Point(id string) (*FeedbackPoint, bool) {
	for i := range f.Points {
		if f.Points[i].ID == id {
			return &f.Points[i], true
		}
	}
	return nil, false
}

// Label returns the label of value v on the scale.
func (s *FeedbackScale) Label(v int) (string, bool) {
	for _, p := range s.Points {
		if p.Value == v {
			return p.Label, true
		}
	}
	return "", false
}

func (l *loader) validateFeedback(c *Course) {
	const f = "feedback.yaml"
	fb := &c.Feedback
	scaleIDs := map[string]string{}
	for i, s := range fb.Scales {
		field := fmt.Sprintf("scales[%d]", i)
		l.id(f, field+".id", s.ID, scaleIDs)
		l.required(f, field+".source", s.Source)
		if len(s.Points) < 2 {
			l.add(f, field+".points", "required: at least two scale points")
		}
		for j, p := range s.Points {
			pf := fmt.Sprintf("%s.points[%d]", field, j)
			if p.Value != j+1 {
				l.add(f, pf+".value", fmt.Sprintf("value %d, want %d (the scale counts up from 1)", p.Value, j+1))
			}
			l.label(f, pf+".label", p.Label)
		}
	}
	if len(fb.Forms) == 0 {
		l.add(f, "forms", "required: at least one form")
	}
	modules := map[int]string{}
	for i, form := range fb.Forms {
		field := fmt.Sprintf("forms[%d]", i)
		if _, ok := c.Module(form.Module); !ok {
			l.add(f, field+".module", fmt.Sprintf("module %d does not exist", form.Module))
		} else if prev, dup := modules[form.Module]; dup {
			l.add(f, field+".module", fmt.Sprintf("duplicate form for module %d (also at %s)", form.Module, prev))
		} else {
			modules[form.Module] = field
		}
		l.required(f, field+".title", form.Title)
		l.text(f, field+".intro", form.Intro)
		if len(form.Points) == 0 {
			l.add(f, field+".points", "required: at least one point")
		}
		ids := map[string]string{}
		for j, p := range form.Points {
			pf := fmt.Sprintf("%s.points[%d]", field, j)
			l.id(f, pf+".id", p.ID, ids)
			if l.required(f, pf+".text", p.Text) {
				// The point, its list and the comment are shown together in one section of the form.
				l.text(f, pf+".text", p.Text+"\n"+p.ItemsIntro+"\n"+strings.Join(p.Items, "\n"))
			}
			for k, it := range p.Items {
				l.required(f, fmt.Sprintf("%s.items[%d]", pf, k), it)
			}
			if p.ItemsIntro != "" && len(p.Items) == 0 {
				l.add(f, pf+".items_intro", "items_intro without items: add the items or leave it out")
			}
			switch {
			case strings.TrimSpace(p.Scale) == "":
				l.add(f, pf+".scale", fmt.Sprintf("required: every point needs a scale (one of %s)", strings.Join(scaleIDList(fb), ", ")))
			case !slices.Contains(scaleIDList(fb), p.Scale):
				l.add(f, pf+".scale", fmt.Sprintf("unknown scale %q, want one of %s", p.Scale, strings.Join(scaleIDList(fb), ", ")))
			}
		}
	}
}

func scaleIDList(fb *Feedback) []string {
	out := make([]string, 0, len(fb.Scales))
	for _, s := range fb.Scales {
		out = append(out, s.ID)
	}
	return out
}

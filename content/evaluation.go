package content

// Evaluation is the closing evaluation of the course (vriezer, bloem, prullenmand, zaad).
type Evaluation struct {
	Title string           `yaml:"title"`
	Intro string           `yaml:"intro"`
	Items []EvaluationItem `yaml:"items"`
}

// EvaluationItem is one image of the closing evaluation with its question.
type EvaluationItem struct {
	ID       string `yaml:"id"`       // "vriezer", "bloem", "prullenmand", "zaad"
	Title    string `yaml:"title"`    // e.g. "Vriezer"
	Question string `yaml:"question"` // what the participant answers
}

// The places of the closing evaluation that the bot uses by name: the participants take the bloem and the zaad home
// ("De deelnemers gaan met de bloem en het zaad de deur uit"), and the follow-up brings the zaad back.
const (
	EvaluationBloem = "bloem"
	EvaluationZaad  = "zaad"
)

// Schedule rule kinds of the closing evaluation: the invitation at the start of module 4 to fill it in, and after
// module 4 the bloem and the zaad each participant takes home, next to their ontwikkelpunten.
const (
	KindEvaluation         = "evaluation"
	KindEvaluationTakeHome = "evaluation_take_home"
)

// Item returns the place with the given id.
func (e *Evaluation) Item(id string) (*EvaluationItem, bool) {
	for i := range e.Items {
		if e.Items[i].ID == id {
			return &e.Items[i], true
		}
	}
	return nil, false
}

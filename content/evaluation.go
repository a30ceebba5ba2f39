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

package content

// Adaptation records a sentence that differs from the manual's wording, so that fidelity to the manual stays
// traceable: a trainer instruction rephrased as a task for participants, a pronoun replaced by a name so that it
// cannot point at the wrong person, a sentence removed because the same task is given elsewhere. The validator
// checks that the record still matches the text: To is in the field and From is no longer there.
type Adaptation struct {
	Field string `yaml:"field"` // the field of the same entry it is about, e.g. "text", "assignment", "inleiding"
	From  string `yaml:"from"`  // the manual's sentence, as the manual has it
	To    string `yaml:"to"`    // the sentence as the field has it now, markers and all; empty when it was removed
	Why   string `yaml:"why"`   // the reason, for whoever proofreads the course against the manual
}

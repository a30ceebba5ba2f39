package content

// Case is one training case (casus). Its stage texts carry markers for the client's name and pronouns, rendered per
// name variant by Stages.
type Case struct {
	ID       string    `yaml:"id"`       // "richard", "johan", "emma"
	Title    string    `yaml:"title"`    // e.g. "Casus 1: {naam}"
	Domain   string    `yaml:"domain"`   // e.g. "LVB" or "GGz"
	Intro    string    `yaml:"intro"`    // may be empty
	Variants []Variant `yaml:"variants"` // at least one; the first is the default
	// Persons are the other people the texts name (vader, moeder, Anton, ...), each with a gender, so that the
	// content check can flag a sentence where a pronoun marker could point at one of them (AmbiguousPronouns).
	Persons        []Person        `yaml:"persons"`
	StageTemplates []StageTemplate `yaml:"stages"` // in course order, as written (with markers); see Stages
}

// Person is someone in a case's story besides the client.
type Person struct {
	Names  []string `yaml:"names"`  // the words the texts name them by, e.g. ["moeder", "moeders"]; the first is shown
	Gender string   `yaml:"gender"` // GenderMale or GenderFemale
}

// Variant is one way to play a case: the client's name and gender.
type Variant struct {
	ID     string `yaml:"id"`     // e.g. "johanna"; unique over all cases
	Name   string `yaml:"name"`   // e.g. "Johanna"
	Gender string `yaml:"gender"` // "m" or "v"
}

// StageTemplate is a stage as written in the content files, before the variant is filled in.
type StageTemplate struct {
	ID         string `yaml:"id"`         // "aanmelding", "gedrag", "rol", "acteur", ...; unique within the case
	Module     int    `yaml:"module"`     // the module it belongs to (doorlopende lijn)
	Title      string `yaml:"title"`      // with markers
	Text       string `yaml:"text"`       // with markers, mrkdwn
	Assignment string `yaml:"assignment"` // the opdracht that goes with it in that module; with markers
	Audience   string `yaml:"audience"`   // channel | role | trainer
	Role       string `yaml:"role"`       // for audience "role": e.g. "moeder", "vader", "begeleider"
	// TrainerNote is what the manual tells the trainer about this stage (how to run the assignment); it never
	// reaches participants. With markers.
	TrainerNote string       `yaml:"trainer_note"`
	Adapted     []Adaptation `yaml:"adapted"` // sentences that differ from the manual, and why
}

// Stage is one step in a case, rendered for a name variant.
type Stage struct {
	ID         string // "aanmelding", "gedrag", "rol", "acteur", ...
	Module     int    // the module it belongs to (doorlopende lijn)
	Title      string
	Text       string // participant- or trainer-facing, mrkdwn
	Assignment string // may be empty
	Audience   string // StageChannel, StageRole or StageTrainer
	Role       string // for StageRole: who receives the card, e.g. "moeder"
	// TrainerNote is for the trainers only (/casus status, the module's trainer material); may be empty.
	TrainerNote string
}

// Stage audiences.
const (
	StageChannel = "channel" // posted in the cohort channel
	StageRole    = "role"    // a role card, by DM to the participant who plays Role
	StageTrainer = "trainer" // for the trainers (and the actor) only
)

// Variant returns the case's variant with the given id.
func (c *Case) Variant(id string) (Variant, bool) {
	for _, v := range c.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return Variant{}, false
}

package content

import "fmt"

// KindFollowUp is the schedule rule kind of the follow-up after the course: six weeks after module 4 each
// participant gets their zaad and ontwikkelpunten back with "Hoe staat het ermee?".
const KindFollowUp = "followup"

// The answers to the follow-up's question, as stored. Their Dutch labels are phrases (followup_gelukt, …).
const (
	FollowUpGelukt  = "gelukt"
	FollowUpBezig   = "ermee_bezig"
	FollowUpNogNiet = "nog_niet"
)

// FollowUpAnswers lists the answers to the follow-up in the order the buttons show them.
var FollowUpAnswers = []string{FollowUpGelukt, FollowUpBezig, FollowUpNogNiet}

// FollowUpLabel returns the Dutch button label of answer a; ok is false for an unknown answer.
func (p *Phrases) FollowUpLabel(a string) (string, bool) {
	switch a {
	case FollowUpGelukt:
		return p.FollowUpGelukt, true
	case FollowUpBezig:
		return p.FollowUpBezig, true
	case FollowUpNogNiet:
		return p.FollowUpNogNiet, true
	}
	return "", false
}

// validateFollowUp checks what the follow-up and the evaluation's take-home message rely on: the evaluation has a
// bloem and a zaad, and a followup rule runs once, for module 4, to each participant.
func (l *loader) validateFollowUp(c *Course) {
	for _, id := range []string{EvaluationBloem, EvaluationZaad} {
		if _, ok := c.Evaluation.Item(id); !ok {
			l.add("evaluation.yaml", "items", fmt.Sprintf("the evaluation needs a place with id %q: participants take the bloem and the zaad home, and the follow-up brings the zaad back", id))
		}
	}
	for i, r := range c.Rules {
		if r.Kind != KindFollowUp {
			continue
		}
		field := fmt.Sprintf("rules[%d]", i)
		if len(r.Modules) != 1 || r.Modules[0] != 4 {
			l.add("rules.yaml", field+".modules", "a followup rule comes after the course: modules: [4]")
		}
		if r.Audience != AudienceParticipants {
			l.add("rules.yaml", field+".audience", fmt.Sprintf("a followup goes to each participant: audience %s", AudienceParticipants))
		}
	}
}

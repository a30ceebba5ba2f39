package handlers

import "github.com/gesprekbot/gesprekbot/content"

// The words the /training commands look up by a code (a delivery's status and audience, the time zones and LVB
// cases /training nieuw offers) are phrases in content/data/phrases.yaml, like their sentences (training_*);
// these tables only say which phrase goes with which code. Dutch dates are content.DateFormat.

// trainingStatusNames returns the Dutch names of the statuses of a delivery, as trainers read them in the plan.
func trainingStatusNames(p *content.Phrases) map[string]string {
	return map[string]string{
		"pending":   p.DeliveryStatusPending,
		"sending":   p.DeliveryStatusSending,
		"sent":      p.DeliveryStatusSent,
		"missed":    p.DeliveryStatusMissed,
		"failed":    p.DeliveryStatusFailed,
		"cancelled": p.DeliveryStatusCancelled,
		"expanded":  p.DeliveryStatusExpanded,
	}
}

// trainingAudienceName says who a delivery goes to, as trainers read it in the plan; "" for an audience it does
// not know.
func trainingAudienceName(p *content.Phrases, audience string) string {
	switch audience {
	case content.AudienceChannel:
		return p.DeliveryAudienceChannel
	case content.AudienceParticipants:
		return p.DeliveryAudienceParticipants
	case content.AudienceParticipant:
		return p.DeliveryAudienceParticipant
	case content.AudienceTrainers:
		return p.DeliveryAudienceTrainers
	}
	return ""
}

// trainingTimezones are the time zones the /training nieuw modal offers: the Netherlands first (the default),
// then where else Dutch-speaking groups meet.
func trainingTimezones(p *content.Phrases) []struct{ zone, label string } {
	return []struct{ zone, label string }{
		{"Europe/Amsterdam", p.TrainingNewZoneAmsterdam},
		{"Europe/Brussels", p.TrainingNewZoneBrussels},
		{"America/Curacao", p.TrainingNewZoneCuracao},
		{"America/Aruba", p.TrainingNewZoneAruba},
		{"America/Kralendijk", p.TrainingNewZoneKralendijk},
		{"America/Paramaribo", p.TrainingNewZoneParamaribo},
	}
}

// trainingLVBCases are the LVB cases the modal offers next to Richard, by the name of the case's person, with how
// trainers know them.
func trainingLVBCases(p *content.Phrases) []struct{ id, label, desc string } {
	return []struct{ id, label, desc string }{
		{"johan", "Johan", p.TrainingNewCaseJohan},
		{"johanna", "Johanna", p.TrainingNewCaseJohanna},
		{"emma", "Emma", p.TrainingNewCaseEmma},
		{"tom", "Tom", p.TrainingNewCaseTom},
	}
}

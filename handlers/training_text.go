package handlers

// Tables of Dutch words the /training commands look up by a code (a delivery's status and audience, Slack's error
// codes, time zones, the LVB cases; Dutch dates are content.DateFormat). The sentences of /training are phrases in
// content/data/phrases.yaml (training_*).

// Dutch names of the statuses of a delivery, as trainers read them in the plan.
var trainingStatusNames = map[string]string{
	"pending":   "gepland",
	"sending":   "wordt verstuurd",
	"sent":      "verstuurd",
	"missed":    "gemist",
	"failed":    "mislukt",
	"cancelled": "vervallen",
	"expanded":  "geen deelnemers in het kanaal",
}

// Who a delivery goes to, as trainers read it in the plan.
var trainingAudienceNames = map[string]string{
	"channel":      "in het kanaal",
	"participants": "aan iedere deelnemer",
	"participant":  "aan een deelnemer",
	"trainers":     "aan de trainers",
}

// trainingTimezones are the time zones the /training nieuw modal offers: the Netherlands first (the default),
// then where else Dutch-speaking groups meet.
var trainingTimezones = []struct{ zone, label string }{
	{"Europe/Amsterdam", "Nederland (Europe/Amsterdam)"},
	{"Europe/Brussels", "België (Europe/Brussels)"},
	{"America/Curacao", "Curaçao (America/Curacao)"},
	{"America/Aruba", "Aruba (America/Aruba)"},
	{"America/Kralendijk", "Caribisch Nederland (America/Kralendijk)"},
	{"America/Paramaribo", "Suriname (America/Paramaribo)"},
}

// trainingLVBCases are the LVB cases the modal offers next to Richard, with how trainers know them.
var trainingLVBCases = []struct{ id, label, desc string }{
	{"johan", "Johan", "Casus 1 (LVB), 35 jaar, woont zelfstandig"},
	{"johanna", "Johanna", "Casus 1 als vrouw"},
	{"emma", "Emma", "Casus 2 (LVB), 22 jaar, woont bij haar ouders"},
	{"tom", "Tom", "Casus 2 als man"},
}

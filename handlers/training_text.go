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

// trainingFailureReasons explain Slack's error codes of a failed delivery in plain Dutch.
var trainingFailureReasons = []struct{ code, text string }{
	{"channel_not_found", "ik kan het kanaal niet vinden. Is het verwijderd, of is de bot er niet (meer) aan toegevoegd?"},
	{"not_in_channel", "de bot is geen lid van het kanaal. Voeg de gesprekbot toe aan het kanaal."},
	{"is_archived", "het kanaal is gearchiveerd."},
	{"user_not_found", "deze persoon bestaat niet (meer) in Slack."},
	{"account_inactive", "het account van deze persoon is gedeactiveerd."},
	{"user_disabled", "het account van deze persoon is gedeactiveerd."},
	{"cannot_dm_bot", "dit is een bot; die krijgt geen berichten."},
	{"messages_tab_disabled", "deze persoon kan geen berichten van apps ontvangen."},
	{"restricted_action", "de instellingen van de Slack-werkruimte staan dit bericht niet toe."},
	{"invalid_blocks", "het bericht voldeed niet aan de regels van Slack (een fout aan onze kant; de beheerder kan het in het logboek terugvinden)."},
	{"msg_too_long", "het bericht was te lang voor Slack (een fout aan onze kant)."},
	{"invalid_auth", "de bot is niet (meer) aangemeld bij Slack. Vraag de beheerder het te controleren."},
	{"token_revoked", "de bot is niet (meer) aangemeld bij Slack. Vraag de beheerder het te controleren."},
	{"missing_scope", "de bot mist een toestemming in Slack. Vraag de beheerder het te controleren."},
}

// trainingFailureUnknown explains a failure whose code is not in trainingFailureReasons. {code}
const trainingFailureUnknown = "Slack nam het bericht niet aan (foutcode `{code}`)."

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

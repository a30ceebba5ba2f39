package handlers

// The fixed Dutch texts of the trainer's /training commands. They live here, in one block, rather than in
// content/data/phrases.yaml while that file is being extended by others; each can move into content.Phrases
// unchanged (the placeholders are content.Fill's).
const (
	// trainingHelp answers a bare `/training` and `/training help`.
	trainingHelp = "*Een training beheren met `/training`*\n" +
		"• `/training nieuw` – een training aanmaken voor dit kanaal: naam, trainers, casussen en de vier bijeenkomsten\n" +
		"• `/training plan` – alle berichten die ik voor deze groep heb ingepland, per module\n" +
		"• `/training verzet <module> <datum> <tijd>` – een bijeenkomst verzetten, bijvoorbeeld `/training verzet 2 14-12-2026 9.30`; wat nog niet verstuurd is, plan ik opnieuw\n" +
		"• `/training status` – hoeveel berichten er verstuurd, gepland, gemist of mislukt zijn, en waarom iets mislukte\n\n" +
		"Alleen de trainers van een groep kunnen deze opdrachten gebruiken. In een kanaal zonder training kan iedereen met `/training nieuw` een training aanmaken; wie dat doet, wordt er trainer van."
	// trainingUnknown introduces the help after a subcommand the bot does not know. {commando}
	trainingUnknown = "Dat ken ik niet: `{commando}`."
	// trainingNoCohort answers a trainer command in a channel that is not a training (yet).
	trainingNoCohort = "In dit kanaal loopt nog geen training. Typ `/training nieuw` om er een aan te maken voor deze groep."
	// trainingNotTrainer refuses a trainer command to someone who is not a trainer of this channel's training.
	// {cohort}
	trainingNotTrainer = "Sorry, dit kan alleen een trainer van de training *{cohort}*. Heb je een vraag over de training? Stel hem gerust aan je trainer."
	// trainingNotChannel answers /training nieuw typed outside a channel (a DM with the bot).
	trainingNotChannel = "Een training hoort bij een kanaal. Typ `/training nieuw` in het kanaal van de groep."
	// trainingExists answers /training nieuw in a channel that already has a training. {cohort}
	trainingExists = "Dit kanaal hoort al bij de training *{cohort}*. Met `/training plan` zie je wat er gepland is en met `/training verzet` verplaats je een bijeenkomst."

	// The /training nieuw modal (titles ≤ 24 characters).
	trainingNewTitle        = "Nieuwe training"
	trainingNewIntro        = "Je maakt een training aan voor {kanaal}. Na het bewaren plan ik alle berichten voor de groep in: welkom, voorbereiding, herinneringen, huiswerk en de casussen."
	trainingNewName         = "Naam van de training"
	trainingNewNameHint     = "Bijvoorbeeld de plaats en het seizoen, zoals ‘Utrecht najaar 2026’."
	trainingNewNamePH       = "Utrecht najaar 2026"
	trainingNewTimezone     = "Tijdzone"
	trainingNewTrainers     = "Trainers"
	trainingNewTrainersHint = "Alleen trainers kunnen de training beheren. Jij bent altijd een van de trainers."
	trainingNewCases        = "*Casussen*\nIedere groep werkt met *Richard* (GGz). Kies daarnaast een van de LVB-casussen."
	trainingNewCase         = "Tweede casus (LVB)"
	trainingNewModule       = "*Module {module}: {titel}*"
	trainingNewDate         = "Datum"
	trainingNewStart        = "Begintijd"
	trainingNewEnd          = "Eindtijd"
	trainingNewLocation     = "Plaats"
	trainingNewLocationPH   = "Bijvoorbeeld: Stadskantoor, zaal 3"
	trainingNewSettings     = "Instellingen"
	trainingNewQuiet        = "Geen persoonlijke berichten ’s avonds en ’s nachts (21:00–08:00)"
	trainingNewHolidays     = "Geen persoonlijke berichten op feestdagen (zoals Pasen en Koningsdag)"
	trainingNewAutoReveal   = "Deel de volgende stap van de casus vanzelf, de dag na elke bijeenkomst"
	trainingNewSettingsHint = "Persoonlijke berichten die kunnen wachten, schuif ik dan door naar de volgende werkdag om 09:00. In het weekend doe ik dat altijd."

	// Validation messages in the modal, shown under the block they are about.
	trainingErrName         = "Geef de training een naam."
	trainingErrNameLong     = "Die naam is te lang: hoogstens 80 tekens."
	trainingErrNameTaken    = "Er is al een training met deze naam. Kies een andere naam."
	trainingErrChannelTaken = "Dit kanaal hoort intussen al bij een training. Sluit dit venster en typ `/training plan`."
	trainingErrTimezone     = "Kies een tijdzone uit de lijst."
	trainingErrTrainers     = "Kies minstens één trainer."
	trainingErrCase         = "Kies een tweede casus: Johan, Johanna, Emma of Tom."
	trainingErrDate         = "Kies een datum."
	trainingErrStart        = "Kies een begintijd."
	trainingErrEnd          = "Kies een eindtijd."
	trainingErrEndBefore    = "De eindtijd moet na de begintijd liggen."
	trainingErrPast         = "Deze datum en tijd zijn al voorbij."
	trainingErrOrder        = "Module {module} moet na module {vorige} komen."
	trainingErrOverlap      = "Module {module} begint al voordat module {vorige} is afgelopen ({tijd})."
	trainingErrLocation     = "Vul in waar deze bijeenkomst is."
	trainingErrSettings     = "Deze instellingen kloppen niet; probeer het opnieuw."
	trainingErrOther        = "Dit klopt nog niet; kijk het even na."
	trainingErrNoTime       = "Dit tijdstip bestaat niet op die dag: de klok gaat dan een uur vooruit."

	// The view shown after the modal is saved (title ≤ 24 characters).
	trainingCreatedTitle = "Training aangemaakt"
	trainingCreatedClose = "Sluiten"
	// trainingCreated: {cohort} {kanaal} {aantal}
	trainingCreated = "*{cohort}* staat klaar in {kanaal}. :tada:\nIk heb {aantal} berichten voor de groep ingepland."
	// trainingCreatedFirst: {datum} {titel} {wie}
	trainingCreatedFirst = "Het eerste bericht gaat op *{datum}* {wie}: {titel}."
	trainingCreatedNext  = "Typ `/training plan` in het kanaal voor het hele overzicht. Deelnemers zijn de mensen in het kanaal die geen trainer zijn; wie later in het kanaal komt, krijgt vanzelf een bericht met wat hij of zij heeft gemist."

	// /training plan.
	trainingPlanHead     = "*Planning van {cohort}*\nAlle tijden zijn in de tijdzone {tijdzone}. Alleen jij ziet dit overzicht."
	trainingPlanModule   = "*Module {module}: {titel}*\n{datum}, {van}–{tot} · {plaats}"
	trainingPlanOther    = "*Overige berichten*"
	trainingPlanEmpty    = "Er staan (nog) geen berichten ingepland."
	trainingPlanCanceled = "_{aantal} eerder geplande berichten zijn vervallen, omdat de planning veranderde._"

	// /training verzet.
	trainingMoveUsage = "Zo verzet je een bijeenkomst: `/training verzet <module> <datum> <tijd>`, bijvoorbeeld `/training verzet 2 14-12-2026 9.30`. De bijeenkomst houdt dezelfde lengte."
	// trainingMoveBadModule: {module}
	trainingMoveBadModule = "`{module}` is geen module. Kies 1, 2, 3 of 4."
	// trainingMoveBadDate: {datum}
	trainingMoveBadDate = "`{datum}` kan ik niet lezen als datum. Schrijf hem bijvoorbeeld als 14-12-2026, 2026-12-14 of 14 december 2026."
	// trainingMoveBadTime: {tijd}
	trainingMoveBadTime = "`{tijd}` kan ik niet lezen als tijd. Schrijf hem bijvoorbeeld als 09:00 of 9.00."
	// trainingMoveStarted: {module}
	trainingMoveStarted = "Module {module} is al begonnen of geweest; die kan ik niet meer verzetten."
	// trainingMoveSame: {module} {datum} {tijd}
	trainingMoveSame = "Module {module} staat al op {datum} om {tijd}. Er verandert niets."
	// trainingMoveInvalid: {module} {datum} {tijd} {reden}
	trainingMoveInvalid = "Module {module} kan niet naar {datum} om {tijd}: {reden}"
	trainingMovePast    = "dat moment is al voorbij."
	// trainingMoveBefore: {ander}
	trainingMoveBefore = "dan komt hij vóór module {ander}, terwijl hij daarna hoort."
	// trainingMoveAfter: {ander}
	trainingMoveAfter = "dan komt hij na module {ander}, terwijl hij daarvoor hoort."
	// trainingMoveOverlap: {ander}
	trainingMoveOverlap = "dan overlapt hij met module {ander}."
	// trainingMoveNoDay: the moment does not exist (the change to summer time)
	trainingMoveNoDay = "dat tijdstip bestaat niet op die dag (de klok gaat dan een uur vooruit)."
	// trainingMoved: {module} {titel} {van} {naar}
	trainingMoved = "*Module {module} ({titel}) is verzet.*\nWas: {van}\nWordt: {naar}"
	// trainingMovedChanged: {aantal}; trainingMovedChanged1 for one message
	trainingMovedChanged   = "Ik heb de planning bijgewerkt. Deze {aantal} berichten krijgen een nieuw moment:"
	trainingMovedChanged1  = "Ik heb de planning bijgewerkt. Dit bericht krijgt een nieuw moment:"
	trainingMovedUnchanged = "Ik heb de planning nagekeken: geen van de geplande berichten hoeft te verschuiven."
	// trainingMovedAdded, trainingMovedCancelled, trainingMovedKept: {aantal}; the ...1 forms for one message
	trainingMovedAdded      = "{aantal} berichten komen erbij, omdat ze nu wel passen."
	trainingMovedAdded1     = "Er komt één bericht bij, omdat het nu wel past."
	trainingMovedCancelled  = "{aantal} berichten vervallen, omdat ze niet meer passen."
	trainingMovedCancelled1 = "Eén bericht vervalt, omdat het niet meer past."
	trainingMovedKept       = "{aantal} berichten waren al verstuurd of gemist; die blijven zoals ze waren."
	trainingMovedKept1      = "Eén bericht was al verstuurd of gemist; dat blijft zoals het was."
	trainingMovedTold       = "Ik laat de groep in het kanaal weten dat de bijeenkomst verzet is."
	trainingMoveInvalidAny  = "dan klopt de volgorde van de bijeenkomsten niet meer."

	// /training status.
	trainingStatusHead = "*Stand van zaken van {cohort}*"
	// trainingStatusCounts: {verstuurd} {gepland} {bezig} {gemist} {mislukt} {vervallen}
	trainingStatusCounts = ":white_check_mark: Verstuurd: *{verstuurd}*\n:hourglass_flowing_sand: Gepland: *{gepland}*\n:arrows_counterclockwise: Wordt nu verstuurd: *{bezig}*\n:zzz: Gemist: *{gemist}*\n:warning: Mislukt: *{mislukt}*\n:heavy_minus_sign: Vervallen: *{vervallen}*"
	trainingStatusNote   = "_Een bericht aan iedere deelnemer telt één keer per deelnemer zodra het verstuurd is._"
	trainingStatusFailed = "*Mislukt*"
	trainingStatusMissed = "*Gemist* – deze berichten zijn niet meer verstuurd, omdat het moment waarop ze zin hadden al voorbij was:"
	// trainingStatusMore: {aantal}
	trainingStatusMore  = "…en nog {aantal}."
	trainingStatusAllOK = "Er is niets misgegaan. :slightly_smiling_face:"
)

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

// Dutch weekday and month names for dates trainers read.
var (
	trainingWeekdays    = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	trainingWeekdaysAbb = [...]string{"zo", "ma", "di", "wo", "do", "vr", "za"}
	trainingMonths      = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
		"september", "oktober", "november", "december"}
	trainingMonthsAbb = [...]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
)

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

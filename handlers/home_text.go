package handlers

// Texts of the App Home that content.Phrases does not carry.
const (
	textHomeWelcome  = "Welkom bij de gesprekbot"
	textHomeNoCohort = "Ik kan je nog niet vinden in een training van *Het Gesprek*. Zodra je in het kanaal van je groep zit en de training begint, zie je hier je bijeenkomsten, het leesmateriaal, je huiswerk en de competentiemeter.\n\nBen je trainer? Met `/training nieuw` zet je een groep op."
	textHomeFooter   = "Typ `/gesprekbot help` om te zien wat ik kan. Je gegevens: `/gesprekbot mijn-gegevens` voor een kopie, `/gesprekbot vergeet-mij` om ze te laten wissen."

	// textHomeParticipantHeader: cohort name.
	textHomeParticipantHeader = "Het Gesprek – %s"
	// textHomeNext and textHomeNow: module number, title, date, start, end, place.
	textHomeNext       = "*Volgende bijeenkomst: module %d – %s*\n%s, %s–%s\n%s"
	textHomeNow        = "*Nu bezig: module %d – %s*\n%s, %s–%s\n%s"
	textHomeCourseOver = "*Alle bijeenkomsten zijn geweest.* Fijn dat je meedeed! Hieronder vind je je huiswerk, je competentiemeter en de casussen nog terug."
	// textHomeReadings: module number.
	textHomeReadings = "*Voorbereiding module %d* – klik op *Gelezen* als je iets gelezen hebt."
	textHomeHomework = "*Huiswerk* – klik op *Klaar* als je het af hebt."
	// textHomeHomeworkModule: module number, title.
	textHomeHomeworkModule = "*Module %d – %s*"
	textHomeHomeworkByPlan = "✓ Klaar: je hebt je ontwikkelpunten opgeschreven."

	textHomeMeter = "*Competentiemeter*"
	// textHomeMeterNotStarted: "Voormeting".
	textHomeMeterNotStarted = "*%s*: nog niet ingevuld."
	// textHomeMeterBusy: "Voormeting", answered, total.
	textHomeMeterBusy = "*%s*: bezig, %d van %d stellingen beantwoord."
	textHomeMeterGoOn = "Verder invullen"
	// textHomeMeterDone: "Voormeting", date and time.
	textHomeMeterDone    = "*%s*: afgerond op %s."
	textHomeMeterShow    = "Bekijk je uitslag"
	textHomeMeterPrivate = "Alleen jij ziet je scores, tenzij je ze deelt met je trainer."
	// textHomeMeterShared: date.
	textHomeMeterShared = "Je hebt je scores op %s gedeeld met je trainer."
	textHomeGrowth      = "*Je groei per gebied* (gemiddelde score voor → na)"
	// textHomeGrowthArea: area, before, after, difference.
	textHomeGrowthArea  = "• %s: %s → %s (%s)"
	textHomePlanMissing = "*Ontwikkelpunten* (stap 3 en 4): nog niet opgeschreven. Dit is het huiswerk van module 1."
	textHomePlanWritten = "*Ontwikkelpunten* (stap 3 en 4): opgeschreven. Je kunt ze altijd aanpassen."
	textHomePlanWrite   = "Opschrijven"
	textHomePlanEdit    = "Bekijken of aanpassen"

	textHomeStagesTrimmed = "Er is meer van de casussen gedeeld dan hier past. Typ `/casus` om alles terug te lezen."

	textHomeTrainerHeader = "Je groepen als trainer"
	// textHomeTrainerCohort: name, channel.
	textHomeTrainerCohort = "*%s* · %s"
	// textHomeTrainerNext and textHomeTrainerNow: module, date and time, place.
	textHomeTrainerNext   = "Volgende bijeenkomst: module %d, %s, %s"
	textHomeTrainerNow    = "Nu bezig: module %d, %s, %s"
	textHomeTrainerOver   = "Alle bijeenkomsten zijn geweest."
	textHomeTrainerPeople = "Deelnemers: %d"
	// textHomeTrainerVoormeting and textHomeTrainerEindmeting: done, participants.
	textHomeTrainerVoormeting = "Voormeting afgerond: %d van %d"
	textHomeTrainerEindmeting = "Eindmeting afgerond: %d van %d"
	textHomeTrainerHomework   = "Huiswerk klaar:"
	// textHomeTrainerHomeworkModule: module, done, participants.
	textHomeTrainerHomeworkModule = "module %d: %d van %d"
	// textHomeTrainerFailed: count.
	textHomeTrainerFailed  = "⚠ Berichten die niet aankwamen: %d"
	textHomeTrainerMore    = "Meer details: typ in het kanaal van de groep `/training status` (wat er verstuurd is) of `/competentiemeter overzicht` (wie de meter heeft ingevuld, en de groepsresultaten). Scores van deelnemers zie je alleen als ze die met je delen."
	textHomeTrainerTrimmed = "Je hebt meer groepen dan hier passen. Typ `/training status` in het kanaal van een groep voor de rest."
)

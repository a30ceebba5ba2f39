package handlers

// Texts of /gesprekbot mijn-gegevens and vergeet-mij that content.Phrases does not carry.
const (
	textPrivacyExportComing    = "Ik zet alles wat ik van je heb bewaard in een bestand en stuur het je zo in een privébericht."
	textPrivacyExportWhere     = "Je vindt het bestand in je privéberichten met mij."
	textPrivacyExportTitle     = "Jouw gegevens bij de gesprekbot"
	textPrivacyExportExplained = "Dit is alles wat de gesprekbot over jou heeft bewaard: in welke groep je zit, wat je op gelezen en klaar hebt gezet, je antwoorden in de competentiemeter en je ontwikkelpunten, de rolkaarten die je kreeg, de berichten die voor jou gepland of verstuurd zijn, en het logboek van wat er met jouw gegevens gebeurde. Waar een ander betrokken is, staat \"(iemand anders)\". Met /gesprekbot vergeet-mij laat je dit allemaal wissen."

	textPrivacyConfirmTitle = "*Weet je zeker dat je al je gegevens wilt laten wissen?*"
	textPrivacyConfirm      = "Ik wis dan alles wat ik van je heb bewaard: in welke groep je zit, wat je op gelezen en klaar hebt gezet, je antwoorden in de competentiemeter en je ontwikkelpunten, je rolkaarten, de berichten die ik voor je gepland had en het logboek over jou. Dat kan niet ongedaan worden gemaakt. Je trainer ziet je daarna ook niet meer in het overzicht, en ik stuur je geen persoonlijke berichten meer."
	textPrivacyConfirmHint  = "Wil je eerst een kopie? Typ dan `/gesprekbot mijn-gegevens`."
	textPrivacyEraseButton  = "Ja, wis mijn gegevens"
	textPrivacyCancelButton = "Annuleren"
	textPrivacyErasedMore   = "Wat je zelf in Slack hebt geschreven en de berichten in dit gesprek blijven in Slack staan; die kun je daar zelf verwijderen."
	textPrivacyCancelled    = "Geannuleerd: ik heb niets gewist."
	textPrivacyNotYours     = "Deze knop hoort bij iemand anders. Wil je je eigen gegevens laten wissen? Typ dan `/gesprekbot vergeet-mij`."
)

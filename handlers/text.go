package handlers

// Fixed Dutch texts the registry needs that content.Phrases does not carry (yet). Kept in one place so they can
// move into the course data as phrases without hunting through the code.
const (
	// TextUnknownAction answers a click on a button or menu the bot no longer knows (an old message).
	TextUnknownAction = "Deze knop werkt niet meer. Misschien hoort hij bij een oud bericht; typ `/gesprekbot help` om te zien wat je nu kunt doen."
	// TextUnknownView replaces a submitted form the bot no longer knows.
	TextUnknownView = "Dit formulier werkt niet meer. Sluit het venster en probeer het opnieuw vanuit het laatste bericht van de bot."
	// TextNoticeTitle is the title of a modal that only shows a notice (≤ 24 characters).
	TextNoticeTitle = "Gesprekbot"
	// TextNoticeClose is the close button of that modal.
	TextNoticeClose = "Sluiten"
)

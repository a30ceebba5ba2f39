package handlers

// The labels of the notice modal (NoticeView), which content.Phrases does not carry (yet): NoticeView is called
// without the phrases by the bot's inbound side too.
const (
	// TextNoticeTitle is the title of a modal that only shows a notice (≤ 24 characters).
	TextNoticeTitle = "Gesprekbot"
	// TextNoticeClose is the close button of that modal.
	TextNoticeClose = "Sluiten"
)

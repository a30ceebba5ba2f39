package content

// Slack's limits, from its Block Kit and Web API reference, in one place: content's validation, the handlers'
// layout and the in-repo fake (bot/slackfake, which enforces them as Slack does) all read them here. Lengths are
// in characters, counts in items.
const (
	MaxMessageText       = 40000 // a message's top-level text
	MaxMessageBlocks     = 50    // blocks in one message
	MaxViewBlocks        = 100   // blocks in a modal or the App Home
	MaxSectionText       = 3000  // one section block's text
	MaxSectionField      = 2000  // one of a section's fields
	MaxSectionFields     = 10    // fields of one section
	MaxMarkdownBlockText = 12000 // a markdown block's text
	MaxHeaderText        = 150   // a header block's text
	MaxButtonLabel       = 75    // a button's label
	MaxButtonValue       = 2000  // a button's value
	MaxURL               = 3000  // a button's or link's URL
	MaxActionID          = 255   // an action_id
	MaxBlockID           = 255   // a block_id
	MaxCallbackID        = 255   // a view's callback_id
	MaxActionsElements   = 25    // elements of one actions block
	MaxContextElements   = 10    // elements of one context block
	MaxModalTitle        = 24    // a modal's title, submit and close labels
	MaxPrivateMetadata   = 3000  // a view's private_metadata
	MaxSelectOptions     = 100   // options of a select menu
	MaxChoiceOptions     = 10    // options of checkboxes and radio buttons
	MaxOverflowOptions   = 5     // options of an overflow menu
	MaxOptionText        = 75    // an option's text
	MaxOptionValue       = 150   // an option's value
	MaxPlaceholder       = 150   // an input's placeholder
	MaxInputLabel        = 2000  // an input block's label
	MaxInputText         = 3000  // what a plain_text_input takes (its max_length)
)

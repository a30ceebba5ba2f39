package bot

import (
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"
)

// interactionAlias has the fields of slack.InteractionCallback without its UnmarshalJSON method.
type interactionAlias slack.InteractionCallback

// interactionWire reads an interaction payload into a slack.InteractionCallback as its UnmarshalJSON does, except
// that the clicked message's blocks are kept as JSON. The fields declared here are shallower than the alias's, so
// encoding/json fills these instead.
type interactionWire struct {
	*interactionAlias
	Type    slack.InteractionType `json:"type"`
	Message struct {
		slack.Msg
		Blocks          json.RawMessage `json:"blocks"`
		SubMessage      *slack.Msg      `json:"message,omitempty"`
		PreviousMessage *slack.Msg      `json:"previous_message,omitempty"`
		Root            *slack.Msg      `json:"root,omitempty"`
	} `json:"message"`
	State json.RawMessage `json:"state"`
}

// DecodeInteraction decodes an interaction payload (Socket Mode's envelope payload, HTTP mode's "payload" form
// field) into what slack-go's decoder gives, with one difference: the blocks of the message that was clicked are
// decoded only when the action's handler reads them (handlers.Registry.MessageAction). Every click carries the
// whole message it was on, and decoding its blocks into slack-go's types was most of the CPU time of reading a
// click; no other handler looks at them.
func (d *Inbound) DecodeInteraction(payload []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	w := interactionWire{interactionAlias: (*interactionAlias)(&cb)}
	if err := json.Unmarshal(payload, &w); err != nil {
		return slack.InteractionCallback{}, fmt.Errorf("decode interaction: %w", err)
	}
	cb.Type = w.Type
	cb.RawState = w.State
	cb.Message = slack.Message{Msg: w.Message.Msg, SubMessage: w.Message.SubMessage,
		PreviousMessage: w.Message.PreviousMessage, Root: w.Message.Root}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.RawState) > 0 {
			if err := json.Unmarshal(cb.RawState, &cb.BlockActionState); err != nil {
				return slack.InteractionCallback{}, fmt.Errorf("decode interaction state: %w", err)
			}
		}
		if a := cb.ActionCallback.BlockActions; len(a) > 0 && len(w.Message.Blocks) > 0 &&
			d.opts.Registry.ReadsMessage(a[0].ActionID) {
			if err := json.Unmarshal(w.Message.Blocks, &cb.Message.Blocks); err != nil {
				return slack.InteractionCallback{}, fmt.Errorf("decode interaction message: %w", err)
			}
		}
	case slack.InteractionTypeDialogSubmission:
		cb.State = string(cb.RawState)
	}
	return cb, nil
}

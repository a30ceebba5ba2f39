package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// ProgressStore is what the "Gelezen" and "Klaar" buttons need from the database; *store.DB implements it.
type ProgressStore interface {
	CohortByID(ctx context.Context, id int64) (*content.Cohort, error)
	CohortByChannel(ctx context.Context, channel string) (*content.Cohort, error)
	// MarkDone commits the click (and its audit row) and says whether it was the first for this item.
	MarkDone(ctx context.Context, p store.Progress) (store.Progress, bool, error)
}

// ProgressButtons handles the "Gelezen" button of a reading and the "Klaar" button of homework. A click is
// committed before the handler returns. In a DM the message is replaced to show the tick, who and when; in the
// channel only the one who clicked gets a confirmation, so nobody sees someone else's progress. A second click
// changes nothing and says it was noted already.
type ProgressButtons struct {
	Course *content.Course
	Store  ProgressStore
	// Refresh, when set, is called after a click on a view (App Home) rather than a message, so that the view's
	// owner can redraw it with the new state.
	Refresh func(ctx context.Context, userID string) error
	// Gate says whether the one who clicked takes part in the button's cohort; nil: a gate over Store without
	// Slack.
	Gate *Gate
}

// RegisterProgressButtons registers b's reading_done and homework_done actions.
func RegisterProgressButtons(r *Registry, b *ProgressButtons) *ProgressButtons {
	if b.Gate = defaultGate(b.Gate, b.Store); b.Gate == nil {
		panic("handlers: RegisterProgressButtons needs a store that can serve a gate")
	}
	// Both answer a click in a DM by changing the button's block in the clicked message.
	r.MessageAction(ActionReadingDone, b.ReadingDone)
	r.MessageAction(ActionHomeworkDone, b.HomeworkDone)
	return b
}

// ReadingDone handles a click on "Gelezen" (action_id "reading_done:<i>", value "<module>/<reading id>").
func (b *ProgressButtons) ReadingDone(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	num, id, _ := strings.Cut(action.Value, "/")
	n, err := strconv.Atoi(num)
	if err != nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoReading)
	}
	mod, ok := b.Course.Module(n)
	if !ok {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoReading)
	}
	i := slices.IndexFunc(mod.Voorbereiding.Lezen, func(r content.Reading) bool { return r.ID == id })
	if i < 0 {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoReading)
	}
	reading := mod.Voorbereiding.Lezen[i]

	c, res, done, err := b.cohort(ctx, cb, action)
	if err != nil {
		return Response{}, fmt.Errorf("reading done: %w", err)
	}
	if done {
		return res, nil
	}
	if c == nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoCohort)
	}
	rec, first, err := b.Store.MarkDone(ctx, store.Progress{CohortID: c.ID, UserID: cb.User.ID,
		Kind: store.ProgressReading, Item: reading.ID, Module: n})
	if err != nil {
		return Response{}, fmt.Errorf("reading done: %w", err)
	}
	loc, err := c.Location()
	if err != nil {
		return Response{}, fmt.Errorf("reading done: %w", err)
	}
	when := DutchDateTime(rec.DoneAt, loc)
	replacement := ReadingDoneBlocks(c.ID, reading, cb.User.ID, when, b.Course.Phrases)
	text := content.Fill(b.Course.Phrases.ReadingDone, content.Vars{"titel": reading.Title})
	if !first {
		text = content.Fill(b.Course.Phrases.ProgressAlreadyRead, content.Vars{"titel": reading.Title, "datum": when})
	}
	return b.answer(ctx, cb, action, replacement, text)
}

// cohort finds the cohort a button belongs to: from its block_id (made by ProgressBlockID), else from the channel
// it was clicked in; and asks the gate who the clicker is in it. done is set when the click is answered already,
// with nothing written: a trainer's click, a click by someone who left the channel, or a stranger's (a block_id
// with a cohort they are not in, forged or not).
func (b *ProgressButtons) cohort(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*content.Cohort, Response, bool, error) {
	var c *content.Cohort
	if _, id, _, ok := parseProgressBlockID(action.BlockID); ok {
		got, err := b.Store.CohortByID(ctx, id)
		switch {
		case content.ErrorCode(err) == content.ENOTFOUND:
			return nil, Ephemeral(b.Course.Phrases.GateStranger), true, nil
		case err != nil:
			return nil, Response{}, false, err
		}
		c = got
	}
	if ch := channelOf(cb); c == nil && ch != "" && !isDM(cb) {
		if got, err := b.Store.CohortByChannel(ctx, ch); err == nil {
			c = got
		}
	}
	if c == nil {
		return nil, Response{}, false, nil
	}
	who, err := b.Gate.Member(ctx, c, cb.User.ID)
	if err != nil {
		return nil, Response{}, false, err
	}
	switch who {
	case Trainer:
		return nil, Ephemeral(b.Course.Phrases.ProgressTrainer), true, nil
	case Left:
		return nil, Ephemeral(content.Fill(b.Course.Phrases.GateLeft, content.Vars{"cohort": c.Name})), true, nil
	case Stranger:
		return nil, Ephemeral(b.Course.Phrases.GateStranger), true, nil
	}
	return c, Response{}, false, nil
}

// answer shows the click: in a DM by replacing the button's block with replacement in the message; in the
// channel by a confirmation only the clicker sees; on a view (App Home) by asking its owner to redraw it.
func (b *ProgressButtons) answer(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, replacement []slack.Block, text string) (Response, error) {
	if cb.Container.Type == "view" || cb.View.ID != "" {
		if b.Refresh != nil {
			if err := b.Refresh(ctx, cb.User.ID); err != nil {
				return Response{}, fmt.Errorf("refresh view: %w", err)
			}
		}
		return Response{}, nil
	}
	if isDM(cb) {
		if blocks, ok := replaceBlock(cb.Message.Blocks.BlockSet, action.BlockID, replacement); ok {
			return Response{Reply: &Reply{Text: cb.Message.Text, Blocks: blocks, ReplaceOriginal: true}}, nil
		}
	}
	return Ephemeral(text), nil
}

// replaceBlock returns blocks with the block whose block_id is id replaced by with; ok is false when there is no
// such block.
func replaceBlock(blocks []slack.Block, id string, with []slack.Block) ([]slack.Block, bool) {
	if id == "" {
		return nil, false
	}
	for i, bl := range blocks {
		if bl.ID() != id {
			continue
		}
		out := make([]slack.Block, 0, len(blocks)+len(with))
		out = append(out, blocks[:i]...)
		out = append(out, with...)
		// A reading already ticked (no button left) is followed by its who-and-when line: the new one replaces it.
		rest := blocks[i+1:]
		if sec, ok := bl.(*slack.SectionBlock); ok && sec.Accessory == nil && len(rest) > 0 &&
			rest[0].BlockType() == slack.MBTContext && rest[0].ID() == "" {
			rest = rest[1:]
		}
		return append(out, rest...), true
	}
	return nil, false
}

// channelOf returns the conversation a block action happened in.
func channelOf(cb slack.InteractionCallback) string {
	if cb.Channel.ID != "" {
		return cb.Channel.ID
	}
	return cb.Container.ChannelID
}

// isDM reports whether a block action happened in a direct message with the bot.
func isDM(cb slack.InteractionCallback) bool {
	return strings.HasPrefix(channelOf(cb), "D") || cb.Channel.Name == "directmessage"
}

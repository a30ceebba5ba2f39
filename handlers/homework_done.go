package handlers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// HomeworkDone handles a click on "Klaar" (action_id "homework_done", value "<module>"): the module's homework is
// marked done for the one who clicked.
func (b *ProgressButtons) HomeworkDone(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (Response, error) {
	n, err := strconv.Atoi(action.Value)
	if err != nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoHomework)
	}
	if mod, ok := b.Course.Module(n); !ok || len(mod.Huiswerk) == 0 {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoHomework)
	}
	c, res, done, err := b.cohort(ctx, cb, action)
	if err != nil {
		return Response{}, fmt.Errorf("homework done: %w", err)
	}
	if done {
		return res, nil
	}
	if c == nil {
		return Response{}, content.Errorf(content.EINVALID, "%s", b.Course.Phrases.ProgressNoCohort)
	}
	rec, first, err := b.Store.MarkDone(ctx, store.Progress{CohortID: c.ID, UserID: cb.User.ID,
		Kind: store.ProgressHomework, Item: store.HomeworkItem(n), Module: n})
	if err != nil {
		return Response{}, fmt.Errorf("homework done: %w", err)
	}
	loc, err := c.Location()
	if err != nil {
		return Response{}, fmt.Errorf("homework done: %w", err)
	}
	when := DutchDateTime(rec.DoneAt, loc)
	text := content.Fill(b.Course.Phrases.HomeworkDone, map[string]string{"module": strconv.Itoa(n)})
	if !first {
		text = content.Fill(b.Course.Phrases.ProgressAlreadyHomework, map[string]string{"module": strconv.Itoa(n), "datum": when})
	}
	return b.answer(ctx, cb, action, []slack.Block{HomeworkDoneBlock(c.ID, n, cb.User.ID, when, b.Course.Phrases)}, text)
}

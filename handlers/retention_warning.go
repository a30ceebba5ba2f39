package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// KindRetentionWarning is the DM that tells a cohort's trainers, a month before, from when its participants'
// data is deleted (store/retention.go plans it; scheduler/retention.go runs the deletion).
const KindRetentionWarning = store.RetentionWarningRule

// RetentionStore reads a cohort's retention; *store.DB implements it. The renderer and /training status use it
// when their store does.
type RetentionStore interface {
	CohortRetention(ctx context.Context, cohortID int64) (store.CohortRetention, error)
}

// DutchDateYear returns t's date in loc as "maandag 7 december 2026": for dates that need their year.
func DutchDateYear(t time.Time, loc *time.Location) string {
	return DutchDate(t, loc) + " " + strconv.Itoa(t.In(loc).Year())
}

// RetentionWarningMessage is the trainers' warning: the cohort's last meeting was on lastEnd, and from deleteFrom
// its participants' data is deleted; until then they can export the group overview.
func RetentionWarningMessage(phrases content.Phrases, c *content.Cohort, lastEnd, deleteFrom time.Time, loc *time.Location) (Message, error) {
	text := content.Fill(phrases.RetentionWarning, content.Vars{
		"cohort":  c.Name,
		"laatste": DutchDateYear(lastEnd, loc),
		"datum":   DutchDateYear(deleteFrom, loc),
	})
	return checkLimits(Message{Text: firstLine(text), Blocks: sections(text)})
}

// retentionWarning renders the warning for cohort c as it goes out now: the data goes on its retention date, or a
// month from now when the warning goes out later than planned, as store.RunRetention waits that long.
func (d *Deliveries) retentionWarning(ctx context.Context, c *content.Cohort) (Message, error) {
	rs, ok := d.Store.(RetentionStore)
	if !ok {
		return Message{}, fmt.Errorf("retention warning: the store does not keep retention dates")
	}
	r, err := rs.CohortRetention(ctx, c.ID)
	if err != nil {
		return Message{}, fmt.Errorf("retention warning: %w", err)
	}
	if r.ErasedAt != nil {
		return Message{}, scheduler.Skip("gegevens al gewist")
	}
	loc, err := c.Location()
	if err != nil {
		return Message{}, fmt.Errorf("retention warning: %w", err)
	}
	var lastEnd time.Time
	for _, m := range c.Modules {
		if m.End.After(lastEnd) {
			lastEnd = m.End
		}
	}
	return RetentionWarningMessage(d.Course.Phrases, c, lastEnd, r.DeleteFrom(d.now()), loc)
}

// trainingRetentionLine is what /training status says about the cohort's retention once its last module is over:
// from when its participants' data is deleted, or that it was. "" before that, or when nothing is known yet.
func (t *Training) trainingRetentionLine(ctx context.Context, c *content.Cohort) string {
	rs, ok := t.deps.Store.(RetentionStore)
	if !ok || c.ID == 0 {
		return ""
	}
	r, err := rs.CohortRetention(ctx, c.ID)
	if err != nil {
		if content.ErrorCode(err) != content.ENOTFOUND {
			t.deps.Log.WarnContext(ctx, "training status: retention", slog.Int64("cohort_id", c.ID), slog.Any("error", err))
		}
		return ""
	}
	loc, err := c.Location()
	if err != nil {
		return ""
	}
	phrases := t.phrases
	if r.ErasedAt != nil {
		return content.Fill(phrases.TrainingStatusRetained, content.Vars{"datum": DutchDateYear(*r.ErasedAt, loc)})
	}
	now := t.deps.Now()
	for _, m := range c.Modules {
		if m.End.After(now) {
			return ""
		}
	}
	return content.Fill(phrases.TrainingStatusRetention, content.Vars{"datum": DutchDateYear(r.Expected(now), loc)})
}

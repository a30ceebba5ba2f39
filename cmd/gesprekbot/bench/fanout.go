package bench

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gesprekbot/gesprekbot/bot"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/store"
)

// fanoutFloor is the least time any sender needs for the messages under the fake's limits, both token buckets
// starting full: the workspace bucket lets burst W_b go at once and then W a second, so M messages need
// (M - W_b) / W seconds; a channel's bucket likewise needs (m_c - C_b) / C for its m_c messages. The floor is the
// larger of the workspace's and the busiest channel's. (A DM is a conversation of its own with one message, so
// here only the cohort channels can bind.)
func fanoutFloor(total int, perChannel []int, o options) float64 {
	floor := math.Max(0, float64(total-o.WorkspaceBurst)/o.WorkspaceRate)
	for _, n := range perChannel {
		floor = math.Max(floor, float64(n-o.ChannelBurst)/o.ChannelRate)
	}
	return floor
}

// fanout makes the planned rows due now, kicks the bot's dispatcher, and waits until every message of the plan is
// in the fake (or the wait times out). Elapsed is from the kick to the last message's arrival.
func (b *bench) fanout(ctx context.Context, res *Result) error {
	want := map[string]string{} // delivery key -> conversation it must land in
	perChannel := make([]int, 0, len(b.ids))
	for i, id := range b.ids {
		key := "c" + strconv.FormatInt(id, 10)
		want[key+"/preparation/m1"] = b.chans[i]
		perChannel = append(perChannel, 1)
		for _, p := range b.people[i] {
			want[key+"/preparation_checklist/m1/"+p] = p
		}
	}
	res.FanoutMessages = len(want)
	res.FanoutFloor = fanoutFloor(len(want), perChannel, b.o)
	limitedBefore := b.fake.RateLimited("")

	// Only the plan seeded above: the bot also plans each cohort's retention warning, months away.
	if _, err := b.db.ExecContext(ctx, `
		UPDATE deliveries SET due_at = $1 WHERE status = 'pending' AND rule_id <> $2`, time.Now(), store.RetentionWarningRule); err != nil {
		return fmt.Errorf("make the plan due: %w", err)
	}
	kicked := time.Now()
	for _, bot := range b.bots {
		if err := bot.Process.Signal(syscall.SIGUSR1); err != nil {
			return fmt.Errorf("kick the bot's dispatcher: %w", err)
		}
	}

	deadline := kicked.Add(time.Duration(3*res.FanoutFloor*float64(time.Second)) + time.Minute)
	var got map[string][]slackfake.Message
	for {
		got = b.delivered()
		if len(got) >= len(want) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	// A duplicate would come after the last expected message; give the dispatcher a moment to make one.
	time.Sleep(time.Second)
	got = b.delivered()
	var lastAt time.Time
	for key, where := range want {
		msgs := got[key]
		if len(msgs) == 0 {
			res.Lost++
			continue
		}
		res.Duplicates += len(msgs) - 1
		conv, _ := b.fake.Conversation(msgs[0].Conversation)
		if conv.ID != where && conv.User != where {
			b.log.Error("bench: delivery in the wrong conversation", slog.String("key", key), slog.String("conversation", conv.ID))
			res.Lost++
		}
		for _, m := range msgs {
			if t := tsTime(m.TS); t.After(lastAt) {
				lastAt = t
			}
		}
	}
	for key, msgs := range got {
		if _, ok := want[key]; !ok {
			res.Duplicates += len(msgs)
		}
	}
	if !lastAt.IsZero() {
		res.FanoutSeconds = round3(lastAt.Sub(kicked).Seconds())
	}
	if res.FanoutFloor > 0 {
		res.FanoutRatio = round3(res.FanoutSeconds / res.FanoutFloor)
	}
	res.FanoutFloor = round3(res.FanoutFloor)
	res.RateLimited = b.fake.RateLimited("") - limitedBefore
	if res.FanoutMessages > 0 {
		res.RateLimitedShare = round3(float64(res.RateLimited) / float64(res.FanoutMessages))
	}
	return nil
}

// delivered returns the fake's messages that carry a delivery key, by key.
func (b *bench) delivered() map[string][]slackfake.Message {
	out := map[string][]slackfake.Message{}
	for _, c := range b.fake.Conversations() {
		for _, m := range b.fake.Messages(c.ID) {
			if m.Metadata == nil || m.Metadata.EventType != bot.DeliveryEventType {
				continue
			}
			key := fmt.Sprint(m.Metadata.EventPayload["key"])
			out[key] = append(out[key], m)
		}
	}
	return out
}

// tsTime turns a Slack ts ("1733212345.000100") into a time.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

package bench

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
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

// fanout makes the planned rows due now (in every workspace at once), kicks the bot's dispatcher, and waits until every message of the plan is
// in the fake (or the wait times out). Elapsed is from the kick to the last message's arrival.
func (b *bench) fanout(ctx context.Context, res *Result) error {
	want := map[string]target{} // delivery key -> where it must land, and from whom
	loads := make([]workspaceLoad, 0, len(b.spaces))
	for _, w := range b.spaces {
		var l workspaceLoad
		for i := w.first; i < w.end; i++ {
			key := "c" + strconv.FormatInt(b.ids[i], 10)
			want[key+"/preparation/m1"] = target{b.chans[i], w.bot}
			l.perChannel = append(l.perChannel, 1)
			for _, p := range b.people[i] {
				want[key+"/preparation_checklist/m1/"+p] = target{p, w.bot}
			}
			l.total += 1 + len(b.people[i])
		}
		loads = append(loads, l)
	}
	res.FanoutMessages = len(want)
	res.FanoutFloor = fanoutFloorWorkspaces(loads, b.o)
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
	for {
		if b.seen.look() >= len(want) || time.Now().After(deadline) {
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
	got := b.seen.all()
	var lastAt time.Time
	for key, where := range want {
		msgs := got[key]
		if len(msgs) == 0 {
			res.Lost++
			continue
		}
		res.Duplicates += len(msgs) - 1
		conv, _ := b.fake.Conversation(msgs[0].Conversation)
		switch {
		case conv.ID != where.conv && conv.User != where.conv:
			b.log.Error("bench: delivery in the wrong conversation", slog.String("key", key), slog.String("conversation", conv.ID))
			res.Lost++
		case msgs[0].User != where.bot:
			// Posted with another workspace's token: in Slack it would not have reached the person at all.
			b.log.Error("bench: delivery posted by another workspace's bot", slog.String("key", key),
				slog.String("user", msgs[0].User), slog.String("want_user", where.bot))
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

// target is where a delivery must land (a channel ID, or the user ID of a DM's participant) and the bot user of
// the workspace it belongs to, who must have posted it.
type target struct{ conv, bot string }

// deliveries is the fake's messages that carry a delivery key, by key, kept up to date by reading again only the
// conversations that changed (the fake's OnChange hook) since the last look. Reading every conversation of a
// 10,000-participant workspace every 50 ms held the fake's lock for its copies and took the CPU the bot and the fake
// needed on a 2-core machine.
type deliveries struct {
	fake   *slackfake.Server
	mu     sync.Mutex
	dirty  map[string]bool                           // conversations changed since the last look
	byConv map[string]map[string][]slackfake.Message // conversation -> key -> its messages there
	count  int                                       // distinct keys over all conversations
	keyIn  map[string]int                            // key -> in how many conversations it is
}

func newDeliveries() *deliveries {
	return &deliveries{dirty: map[string]bool{}, byConv: map[string]map[string][]slackfake.Message{}, keyIn: map[string]int{}}
}

// changed is the fake's OnChange hook: the conversation is read again at the next look.
func (d *deliveries) changed(conversationID string) {
	d.mu.Lock()
	d.dirty[conversationID] = true
	d.mu.Unlock()
}

// look reads the changed conversations again and returns how many distinct delivery keys the fake holds.
func (d *deliveries) look() int {
	d.mu.Lock()
	dirty := d.dirty
	d.dirty = map[string]bool{}
	d.mu.Unlock()
	for conv := range dirty {
		for key := range d.byConv[conv] {
			if d.keyIn[key]--; d.keyIn[key] == 0 {
				delete(d.keyIn, key)
				d.count--
			}
		}
		keys := map[string][]slackfake.Message{}
		for _, m := range d.fake.Messages(conv) {
			if m.Metadata == nil || m.Metadata.EventType != bot.DeliveryEventType {
				continue
			}
			key := fmt.Sprint(m.Metadata.EventPayload["key"])
			keys[key] = append(keys[key], m)
		}
		d.byConv[conv] = keys
		for key := range keys {
			if d.keyIn[key]++; d.keyIn[key] == 1 {
				d.count++
			}
		}
	}
	return d.count
}

// all returns the messages by key, after a last look.
func (d *deliveries) all() map[string][]slackfake.Message {
	d.look()
	out := map[string][]slackfake.Message{}
	for _, keys := range d.byConv {
		for key, msgs := range keys {
			out[key] = append(out[key], msgs...)
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

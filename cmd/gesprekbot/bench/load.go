package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// clicker is one participant answering the competentiemeter: a measurement with every statement answered and
// still open (like a reopened one), so that each click changes one score and commits it without finishing the
// measurement, and a few question messages in the participant's DM to click on.
type clicker struct {
	user    string
	bot     string // the app's bot user in the participant's workspace, the question messages' author
	dm      string
	ms      content.Measurement
	fresh   func(c *clicker) (string, error) // puts a new question message in the DM and returns its ts
	mu      sync.Mutex
	slots   []string       // ts of the question messages
	next    int            // slot to click next
	answers map[string]int // the score each statement should have, as last clicked
}

// clickSlots is how many question messages each clicker has open; each click moves a message on by a statement.
const clickSlots = 4

func (b *bench) setupClickers(ctx context.Context, meter *handlers.Meter, ids []string) ([]*clicker, error) {
	db := b.db
	// Enough people that each gets a click every 200 ms at most.
	want := min(b.o.Participants, max(50, int(b.o.Rate/5)))
	var out []*clicker
	for ci := 0; len(out) < want; ci = (ci + 1) % len(b.people) {
		people := b.people[ci]
		k := len(out) / len(b.people)
		if k >= len(people) {
			continue
		}
		user := people[k]
		ms, err := db.StartMeasurement(ctx, b.ids[ci], user, content.MeterVoormeting)
		if err != nil {
			return nil, err
		}
		out = append(out, &clicker{user: user, bot: b.spaceOf(ci).bot, ms: ms, answers: map[string]int{}})
	}
	// Every statement answered 3, in one statement; the measurement stays open.
	msIDs := make([]int64, len(out))
	for i, c := range out {
		msIDs[i] = c.ms.ID
		for _, id := range ids {
			c.answers[id] = 3
		}
	}
	if _, err := db.ExecContext(ctx, `
		INSERT INTO meter_answers (measurement_id, statement_id, score, answered_at)
		SELECT m, s, 3, now() FROM unnest($1::bigint[]) AS m, unnest($2::text[]) AS s`,
		pq.Array(msIDs), pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("seed answers: %w", err)
	}
	var seq atomic.Int64
	seq.Store(time.Now().Add(-time.Hour).UnixMicro())
	// question puts the message of statement i in c's DM, as the bot would have posted it, and returns its ts.
	question := func(c *clicker, i int) (string, error) {
		msg, err := meter.QuestionMessage(c.ms, c.answers, i, "", false)
		if err != nil {
			return "", err
		}
		blocks, err := json.Marshal(msg.Blocks)
		if err != nil {
			return "", err
		}
		us := seq.Add(1)
		ts := fmt.Sprintf("%d.%06d", us/1_000_000, us%1_000_000)
		return ts, b.fake.RestoreMessage(slackfake.Message{Conversation: c.dm, TS: ts, User: c.bot,
			Text: msg.Text, Blocks: blocks})
	}
	for _, c := range out {
		c.dm = b.fake.AddIM(c.user, "")
		c.fresh = func(c *clicker) (string, error) { return question(c, 0) }
		for s := range clickSlots {
			ts, err := question(c, s*(len(ids)-1)/clickSlots)
			if err != nil {
				return nil, err
			}
			c.slots = append(c.slots, ts)
		}
	}
	return out, nil
}

// scoreValueRE matches the value of a score button in a question message's blocks.
var scoreValueRE = regexp.MustCompile(`"value":"(\d+/([^/"]+)/([1-5]))"`)

// scoreButton is a score button of a question message.
type scoreButton struct {
	ActionID string `json:"action_id"`
	Value    string `json:"value"`
}

// pick chooses the next click of c: a score button on one of its messages for a statement other than the last (an
// answer to the last one finishes the measurement), with a score other than the one it has. A message that has
// moved on to the last statement is swapped for a new one. It returns the message, the button, and the statement
// and score it stores.
func (c *clicker) pick(f *slackfake.Server, last string) (ts string, btn scoreButton, sid string, score int, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range 2 * len(c.slots) {
		slot := c.next
		ts = c.slots[slot]
		c.next = (c.next + 1) % len(c.slots)
		msg, found := f.Message(c.dm, ts)
		if !found {
			continue
		}
		if strings.Contains(string(msg.Blocks), "/"+last+"/") {
			if fresh, err := c.fresh(c); err == nil {
				c.slots[slot] = fresh
			}
			continue
		}
		// The score buttons' values are "<measurement>/<statement>/<score>"; reading them with a pattern rather
		// than decoding the blocks keeps the load generator's share of the CPU small.
		for _, m := range scoreValueRE.FindAllStringSubmatch(string(msg.Blocks), -1) {
			if m[2] == last {
				continue
			}
			score, _ := strconv.Atoi(m[3])
			if score == c.answers[m[2]]%5+1 {
				c.answers[m[2]] = score
				return ts, scoreButton{ActionID: handlers.ActionMeterScore + ":" + m[3], Value: m[1]}, m[2], score, true
			}
		}
	}
	return "", scoreButton{}, "", 0, false
}

// warmup is how long clicks are sent at the rate before the measured duration: the bot's first clicks open
// its database connections and prepare its statements on them, dial the response_url connections and grow its
// heap, all once per process; those clicks count in errors, not in the latencies.
const warmup = 3 * time.Second

// acks sends score clicks open-loop at the rate for the warm-up and then the duration (each at its planned
// moment, whether or not earlier ones were answered), collects the ack latencies of the measured ones, and
// afterwards checks that every click's answer is what the database holds.
func (b *bench) acks(ctx context.Context, res *Result) error {
	reg := handlers.NewRegistry(b.course.Phrases, b.log)
	meter := handlers.RegisterMeter(reg, handlers.MeterDeps{Course: b.course, Store: b.db, Log: b.log})
	var ids []string
	for _, s := range b.course.Meter.Statements() {
		ids = append(ids, s.ID)
	}
	clickers, err := b.setupClickers(ctx, meter, ids)
	if err != nil {
		return err
	}
	last := ids[len(ids)-1]
	total := int(math.Round(b.o.Rate * b.o.Duration.Seconds()))
	warm := int(math.Round(b.o.Rate * warmup.Seconds()))
	interval := time.Duration(float64(time.Second) / b.o.Rate)
	lat := make([]time.Duration, 0, total)
	var mu sync.Mutex
	var failed, unpicked atomic.Int64
	var wg sync.WaitGroup
	runCtx, cancel := context.WithTimeout(ctx, warmup+b.o.Duration+30*time.Second)
	defer cancel()
	start := time.Now()
	for k := range warm + total {
		at := start.Add(time.Duration(k) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-time.After(d):
			case <-runCtx.Done():
				return runCtx.Err()
			}
		}
		c := clickers[k%len(clickers)]
		wg.Go(func() {
			ts, btn, _, _, ok := c.pick(b.fake, last)
			if !ok {
				unpicked.Add(1)
				return
			}
			r, err := b.fake.Click(runCtx, c.user, c.dm, ts, btn.ActionID, btn.Value)
			if err != nil || !r.Acked {
				failed.Add(1)
				return
			}
			if k < warm {
				return
			}
			mu.Lock()
			lat = append(lat, r.AckLatency)
			mu.Unlock()
		})
	}
	wg.Wait()
	// Follow-ups (the messages moving on) run after the acks; let them end before the fan-out starts.
	time.Sleep(2 * time.Second)
	lost, err := b.checkAnswers(ctx, clickers)
	if err != nil {
		return err
	}
	res.Interactions = total
	res.Errors = int(failed.Load()+unpicked.Load()) + lost
	if res.Errors > 0 {
		fmt.Fprintf(b.logw, "bench: %d clicks failed or were not acked, %d found no button to click, %d answers not stored as last clicked\n",
			failed.Load(), unpicked.Load(), lost)
	}
	slices.Sort(lat)
	res.AckP50, res.AckP95, res.AckP99 = quantileMS(lat, 0.50), quantileMS(lat, 0.95), quantileMS(lat, 0.99)
	if len(lat) > 0 {
		res.AckMax = ms(lat[len(lat)-1])
	}
	return nil
}

// commits measures the floor of an answer's ack: single-row upsert commits on the bot's database, open-loop at
// the interaction rate for up to 10 s, each on a pooled connection like the handlers'.
func (b *bench) commits(ctx context.Context, res *Result) error {
	db := b.db
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_commit (id int PRIMARY KEY, v int NOT NULL)`); err != nil {
		return err
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS bench_commit`)
	total := int(math.Round(b.o.Rate * min(b.o.Duration, 10*time.Second).Seconds()))
	interval := time.Duration(float64(time.Second) / b.o.Rate)
	lat := make([]time.Duration, total)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for k := range total {
		if d := time.Until(start.Add(time.Duration(k) * interval)); d > 0 {
			time.Sleep(d)
		}
		wg.Go(func() {
			t := time.Now()
			if _, err := db.ExecContext(ctx, `
				INSERT INTO bench_commit (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v`,
				k%1000, k); err != nil {
				failed.Add(1)
			}
			lat[k] = time.Since(t)
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d of %d upserts failed", n, total)
	}
	slices.Sort(lat)
	res.CommitP50, res.CommitP99 = quantileMS(lat, 0.50), quantileMS(lat, 0.99)
	return nil
}

// checkAnswers counts the scores in the database that differ from the last click on them: answers lost.
func (b *bench) checkAnswers(ctx context.Context, clickers []*clicker) (int, error) {
	lost := 0
	for _, c := range clickers {
		got, err := b.db.MeterAnswers(ctx, c.ms.ID)
		if err != nil {
			return 0, err
		}
		c.mu.Lock()
		for sid, want := range c.answers {
			if got[sid] != want {
				lost++
			}
		}
		c.mu.Unlock()
	}
	return lost, nil
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// quantileMS returns the q-quantile of sorted durations (nearest rank), in milliseconds.
func quantileMS(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return ms(sorted[min(max(i, 0), len(sorted)-1)])
}

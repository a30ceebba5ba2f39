package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/cmd/gesprekbot/app"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/store"
)

// newDatabase points cfg at a database of the bench's own and returns how to remove it: with no DATABASE_URL a
// private server in a new folder under the temp dir (started by app.OpenDB like the default set-up, durable like it);
// otherwise a new database on that server, or a new schema when the user may not create databases.
func newDatabase(ctx context.Context, cfg *app.Config, dbURL string, logw io.Writer) (func(), error) {
	if dbURL == "" {
		dir, err := os.MkdirTemp("", "gesprekbot-bench-")
		if err != nil {
			return nil, fmt.Errorf("bench data dir: %w", err)
		}
		if os.Geteuid() == 0 {
			// The private server runs as the postgres user, which must be able to enter the folder.
			if err := os.Chmod(dir, 0o755); err != nil {
				return nil, fmt.Errorf("bench data dir: %w", err)
			}
		}
		cfg.DataDir = dir
		return func() { os.RemoveAll(dir) }, nil
	}
	admin, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer admin.Close()
	name := "gesprekbot_bench_" + randomHex(6)
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err == nil {
		u.Path = "/" + name
		cfg.DatabaseURL = u.String()
		fmt.Fprintf(logw, "bench: using a new database %s on DATABASE_URL's server\n", name)
		return func() {
			db, err := sql.Open("postgres", dbURL)
			if err != nil {
				return
			}
			defer db.Close()
			db.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
		}, nil
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+pq.QuoteIdentifier(name)); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: the user may create neither a database nor a schema for the bench: %w", err)
	}
	q := u.Query()
	q.Set("search_path", name) // lib/pq sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	cfg.DatabaseURL = u.String()
	fmt.Fprintf(logw, "bench: using a new schema %s in DATABASE_URL's database\n", name)
	return func() {
		db, err := sql.Open("postgres", dbURL)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA IF EXISTS ` + pq.QuoteIdentifier(name) + ` CASCADE`)
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// seed creates the workspaces (in each a trainer, its participants, a channel per cohort) and the cohorts with
// their fan-out planned an hour ahead, so that nothing is due until the fan-out starts it. The cohorts are spread
// over the workspaces, the participants over the cohorts, as evenly as they go. The participants are recorded as a
// running cohort's are: each joined its channel weeks before, and the bot recorded them then (member_joined).
func (b *bench) seed(ctx context.Context) error {
	sizes := spread(b.o.Participants, b.o.Cohorts)
	first := 0
	for i, n := range spread(b.o.Cohorts, b.o.Workspaces) {
		w := workspace{first: first, end: first + n}
		for _, size := range sizes[w.first:w.end] {
			w.participant += size
		}
		if err := b.seedWorkspace(ctx, i, &w, sizes[w.first:w.end]); err != nil {
			return err
		}
		b.spaces = append(b.spaces, w)
		first += n
	}
	return nil
}

// seedWorkspace seeds workspace number i: its trainer, and a cohort of sizes[k] new participants for each of its
// cohorts, each with a channel of its own. The first workspace is the fake's default one, the workspace of
// SLACK_BOT_TOKEN; every other one is added to the fake and installed as a distributed app's workspaces are: a
// workspaces row with its bot token sealed under the bench's TOKEN_ENCRYPTION_KEY (store.SaveInstall, what the
// OAuth callback stores), from which the bot takes the token of each post.
func (b *bench) seedWorkspace(ctx context.Context, i int, w *workspace, sizes []int) error {
	db := b.db
	w.team, w.bot = b.fake.TeamID(), b.fake.BotUserID()
	if i > 0 {
		t := b.fake.AddTeam(slackfake.Team{ID: fmt.Sprintf("T0BENCH%03d", i+1), Name: fmt.Sprintf("Gemeente %d", i+1)})
		w.team, w.bot = t.ID, t.BotUserID
	}
	w.trainer = b.fake.AddUser(slackfake.User{ID: fmt.Sprintf("U0TRAIN%03d", i+1), Team: w.team,
		Name: fmt.Sprintf("trainer%d", i+1), RealName: fmt.Sprintf("Trainer %d", i+1)})
	if i > 0 {
		token, _ := b.fake.TeamToken(w.team)
		if err := db.SaveInstall(ctx, store.Install{TeamID: w.team, TeamName: fmt.Sprintf("Gemeente %d", i+1),
			BotUserID: w.bot, Scopes: "chat:write,im:write,channels:read,users:read", InstalledBy: w.trainer,
			BotToken: token}); err != nil {
			return fmt.Errorf("workspace %s: %w", w.team, err)
		}
	}
	now := time.Now()
	loc := b.loc
	first := time.Date(now.Year(), now.Month(), now.Day()+14, 9, 0, 0, 0, loc)
	for k, size := range sizes {
		ci := w.first + k
		members := []string{w.bot, w.trainer}
		people := make([]string, 0, size)
		for range size {
			b.users++
			id := b.fake.AddUser(slackfake.User{ID: fmt.Sprintf("U0B%06d", b.users), Team: w.team,
				Name: fmt.Sprintf("deelnemer%d", b.users), RealName: fmt.Sprintf("Deelnemer %d", b.users)})
			people = append(people, id)
			members = append(members, id)
		}
		ch := b.fake.AddChannel(slackfake.Channel{Name: fmt.Sprintf("het-gesprek-bench-%d", ci+1), Team: w.team,
			Members: members})
		c := &content.Cohort{Name: fmt.Sprintf("Bench %d", ci+1), TeamID: w.team, Channel: ch, Timezone: loc.String(),
			Trainers: []string{w.trainer}, Cases: []string{"richard", "johanna"}, Settings: content.DefaultCohortSettings()}
		for k := range 4 {
			start := first.AddDate(0, 0, 7*k)
			c.Modules = append(c.Modules, content.CohortModule{Number: k + 1, Start: start, End: start.Add(4 * time.Hour),
				Location: "Stadskantoor, zaal 3"})
		}
		due, deadline := now.Add(time.Hour), now.Add(2*time.Hour)
		if _, err := db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
			key := "c" + strconv.FormatInt(c.ID, 10)
			return []content.Delivery{
				{Key: key + "/preparation/m1", Kind: "preparation", RuleID: "preparation", Module: 1,
					Audience: content.AudienceChannel, DueAt: due, Deadline: &deadline, Title: "Voorbereiding module 1"},
				{Key: key + "/preparation_checklist/m1", Kind: "preparation_checklist", RuleID: "preparation_checklist",
					Module: 1, Audience: content.AudienceParticipants, DueAt: due, Deadline: &deadline,
					Title: "Checklist module 1"},
			}, nil
		}); err != nil {
			return fmt.Errorf("cohort %s: %w", c.Name, err)
		}
		if _, err := db.ExecContext(ctx, `
			INSERT INTO participants (cohort_id, user_id, joined_at)
			SELECT $1, u, $3 FROM unnest($2::text[]) AS u`,
			c.ID, pq.Array(people), now.AddDate(0, 0, -14)); err != nil {
			return fmt.Errorf("cohort %s: participants: %w", c.Name, err)
		}
		b.people = append(b.people, people)
		b.chans = append(b.chans, ch)
		b.ids = append(b.ids, c.ID)
	}
	return nil
}

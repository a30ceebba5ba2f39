package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/scheduler"
	"github.com/gesprekbot/gesprekbot/store"
)

// DemoUser is one person of the demo workspace.
type DemoUser struct {
	ID     string // Slack user ID, the same on every start
	IMID   string // the ID of their direct message with the bot
	Handle string
	Name   string
	Email  string
	Role   string // "trainer" or "deelnemer"
}

// Demo roles.
const (
	RoleTrainer     = "trainer"
	RoleParticipant = "deelnemer"
)

// The demo workspace. IDs are fixed so that a restart finds its saved conversations again.
const (
	DemoChannelID   = "C0DEMOGESPREK"
	DemoChannelName = "het-gesprek-demo"
	DemoCohortName  = "Demo Het Gesprek Utrecht"
	demoLocation    = "Stadskantoor Utrecht, zaal 4.12"
)

// DemoUsers are the trainer and the five participants of the demo cohort, the trainer first.
var DemoUsers = []DemoUser{
	{ID: "U0DEMOMARIEKE", IMID: "D0DEMOMARIEKE", Handle: "marieke.devries", Name: "Marieke de Vries", Email: "marieke.devries@example.nl", Role: RoleTrainer},
	{ID: "U0DEMOSANNE", IMID: "D0DEMOSANNE", Handle: "sanne.jansen", Name: "Sanne Jansen", Email: "sanne.jansen@example.nl", Role: RoleParticipant},
	{ID: "U0DEMOYOUSSEF", IMID: "D0DEMOYOUSSEF", Handle: "youssef.elamrani", Name: "Youssef El Amrani", Email: "youssef.elamrani@example.nl", Role: RoleParticipant},
	{ID: "U0DEMOJOOST", IMID: "D0DEMOJOOST", Handle: "joost.bakker", Name: "Joost Bakker", Email: "joost.bakker@example.nl", Role: RoleParticipant},
	{ID: "U0DEMOFATIMA", IMID: "D0DEMOFATIMA", Handle: "fatima.ouali", Name: "Fatima Ouali", Email: "fatima.ouali@example.nl", Role: RoleParticipant},
	{ID: "U0DEMOPIETER", IMID: "D0DEMOPIETER", Handle: "pieter.vandijk", Name: "Pieter van Dijk", Email: "pieter.vandijk@example.nl", Role: RoleParticipant},
}

// The second demo workspace: another municipality with a cohort of its own, where the same bot is installed, to
// show that each workspace sees only its own. IDs are fixed like the first's.
var (
	DemoTeam2 = slackfake.Team{ID: "T0DEMOAMERSF", Name: "Gemeente Amersfoort", Domain: "amersfoort",
		BotToken: "xoxb-sandbox-amersfoort", BotUserID: "U0DEMOBOT2", BotID: "B0DEMOBOT2"}
	DemoUsers2 = []DemoUser{
		{ID: "U0DEMOKARIN", IMID: "D0DEMOKARIN", Handle: "karin.smit", Name: "Karin Smit", Email: "karin.smit@example.nl", Role: RoleTrainer},
		{ID: "U0DEMOLISA", IMID: "D0DEMOLISA", Handle: "lisa.mulder", Name: "Lisa Mulder", Email: "lisa.mulder@example.nl", Role: RoleParticipant},
		{ID: "U0DEMOOMAR", IMID: "D0DEMOOMAR", Handle: "omar.haddou", Name: "Omar Haddou", Email: "omar.haddou@example.nl", Role: RoleParticipant},
	}
)

// The second workspace's channel and cohort.
const (
	DemoChannel2ID   = "C0DEMOAMERSF"
	DemoChannel2Name = "het-gesprek-amersfoort"
	DemoCohort2Name  = "Demo Het Gesprek Amersfoort"
	demoLocation2    = "Stadhuis Amersfoort, zaal 2"
)

// setUpWorkspace creates the demo users, the cohort channel with all of them and the bot, and each user's direct
// message with the bot, with the same IDs on every start (the fake keeps nothing between runs); and the same for
// the second demo workspace.
func setUpWorkspace(fake *slackfake.Server) {

	members := []string{fake.BotUserID()}
	for _, u := range DemoUsers {
		// The demo trainer is the workspace's admin, as a trainer who sets up trainings usually is in Slack, so
		// that /training nieuw works for her in a new channel.
		fake.AddUser(slackfake.User{ID: u.ID, Name: u.Handle, RealName: u.Name, DisplayName: u.Name,
			Email: u.Email, TZ: content.DefaultTimezone, IsAdmin: u.Role == RoleTrainer})
		members = append(members, u.ID)
	}
	fake.AddChannel(slackfake.Channel{ID: DemoChannelID, Name: DemoChannelName, Members: members,
		Topic: "Train-de-trainer Het Gesprek — oefengroep"})
	for _, u := range DemoUsers {
		fake.AddIM(u.ID, u.IMID)
	}
	// The second workspace after the first: the page starts in the first.
	fake.AddTeam(DemoTeam2)
	members2 := []string{DemoTeam2.BotUserID}
	for _, u := range DemoUsers2 {
		fake.AddUser(slackfake.User{ID: u.ID, Team: DemoTeam2.ID, Name: u.Handle, RealName: u.Name, DisplayName: u.Name,
			Email: u.Email, TZ: content.DefaultTimezone, IsAdmin: u.Role == RoleTrainer})
		members2 = append(members2, u.ID)
	}
	fake.AddChannel(slackfake.Channel{ID: DemoChannel2ID, Team: DemoTeam2.ID, Name: DemoChannel2Name, Members: members2,
		Topic: "Train-de-trainer Het Gesprek — oefengroep Amersfoort"})
	for _, u := range DemoUsers2 {
		fake.AddIM(u.ID, u.IMID)
	}
}

// CohortStore is what seeding the demo cohort needs from the store; *store.DB implements it.
type CohortStore interface {
	CohortByName(ctx context.Context, name string) (*content.Cohort, error)
	ApplyCohort(ctx context.Context, c *content.Cohort, plan func(*content.Cohort) ([]content.Delivery, error)) (store.PlanResult, error)
}

// DemoCohort returns the demo cohort for a sandbox started at now: Richard and Johanna as cases, four weekly
// half-day modules on a working day, the first six days ahead, so that the welcome message is due at once and the
// preparation follows the next morning.
func DemoCohort(now time.Time) (*content.Cohort, error) {
	return demoCohort(now, &content.Cohort{
		Name:     DemoCohortName,
		Channel:  DemoChannelID,
		Timezone: content.DefaultTimezone,
		Trainers: []string{DemoUsers[0].ID},
		Cases:    []string{content.CohortCaseRichard, "johanna"},
		Settings: content.DefaultCohortSettings(),
	}, demoLocation)
}

// DemoCohort2 is the second workspace's demo cohort, on the same days as the first: Richard and Emma.
func DemoCohort2(now time.Time) (*content.Cohort, error) {
	return demoCohort(now, &content.Cohort{
		TeamID:   DemoTeam2.ID,
		Name:     DemoCohort2Name,
		Channel:  DemoChannel2ID,
		Timezone: content.DefaultTimezone,
		Trainers: []string{DemoUsers2[0].ID},
		Cases:    []string{content.CohortCaseRichard, "emma"},
		Settings: content.DefaultCohortSettings(),
	}, demoLocation2)
}

func demoCohort(now time.Time, c *content.Cohort, location string) (*content.Cohort, error) {
	loc, err := time.LoadLocation(content.DefaultTimezone)
	if err != nil {
		return nil, fmt.Errorf("demo cohort: %w", err)
	}
	cal, err := scheduler.NewCalendar(c)
	if err != nil {
		return nil, fmt.Errorf("demo cohort: %w", err)
	}
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day()+6, 9, 30, 0, 0, loc)
	// A module day is a working day in all four weeks, so the whole course stays on one weekday.
	for !weeklyWorkingDays(cal, day) {
		day = day.AddDate(0, 0, 1)
	}
	for n := 1; n <= 4; n++ {
		start := day.AddDate(0, 0, 7*(n-1))
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start,
			End: time.Date(start.Year(), start.Month(), start.Day(), 13, 0, 0, 0, loc), Location: location})
	}
	if err := c.Validate(now, false); err != nil {
		return nil, fmt.Errorf("demo cohort: %w", err)
	}
	return c, nil
}

func weeklyWorkingDays(cal scheduler.Calendar, day time.Time) bool {
	for n := 0; n < 4; n++ {
		d := day.AddDate(0, 0, 7*n)
		if !cal.WorkingDay(d) {
			return false
		}
	}
	return true
}

// seedCohort stores and plans the demo cohorts unless they exist already (a restart keeps the state).
func seedCohort(ctx context.Context, db CohortStore, course *content.Course, now time.Time) (created bool, err error) {
	created, err = seedOne(ctx, db, course, now, DemoCohortName, DemoCohort)
	if err != nil {
		return false, err
	}
	if _, err := seedOne(ctx, db, course, now, DemoCohort2Name, DemoCohort2); err != nil {
		return false, err
	}
	return created, nil
}

func seedOne(ctx context.Context, db CohortStore, course *content.Course, now time.Time, name string,
	make func(time.Time) (*content.Cohort, error)) (created bool, err error) {
	_, err = db.CohortByName(ctx, name)
	if err == nil {
		return false, nil
	}
	if content.ErrorCode(err) != content.ENOTFOUND {
		return false, fmt.Errorf("seed demo cohort: %w", err)
	}
	c, err := make(now)
	if err != nil {
		return false, err
	}
	_, err = db.ApplyCohort(ctx, c, func(c *content.Cohort) ([]content.Delivery, error) {
		cal, err := scheduler.NewCalendar(c)
		if err != nil {
			return nil, err
		}
		return scheduler.Plan(c, course.Rules, cal)
	})
	if err != nil {
		return false, fmt.Errorf("seed demo cohort: %w", err)
	}
	return true, nil
}

// Tokens gives the bot token of each of the fake's workspaces, as the store's installs do for a real deployment:
// the sandbox's bot posts in the second demo workspace with that workspace's token.
type Tokens struct{ Fake *slackfake.Server }

// BotToken implements bot.TokenSource.
func (t Tokens) BotToken(_ context.Context, teamID string) (string, error) {
	token, ok := t.Fake.TeamToken(teamID)
	if !ok {
		return "", fmt.Errorf("bot token of %s: %w", teamID, store.ErrNoWorkspace)
	}
	return token, nil
}

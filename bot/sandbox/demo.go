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

// setUpWorkspace creates the demo users, the cohort channel with all of them and the bot, and each user's direct
// message with the bot, with the same IDs on every start (the fake keeps nothing between runs).
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
	loc, err := time.LoadLocation(content.DefaultTimezone)
	if err != nil {
		return nil, fmt.Errorf("demo cohort: %w", err)
	}
	c := &content.Cohort{
		Name:     DemoCohortName,
		Channel:  DemoChannelID,
		Timezone: content.DefaultTimezone,
		Trainers: []string{DemoUsers[0].ID},
		Cases:    []string{content.CohortCaseRichard, "johanna"},
		Settings: content.DefaultCohortSettings(),
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
			End: time.Date(start.Year(), start.Month(), start.Day(), 13, 0, 0, 0, loc), Location: demoLocation})
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

// seedCohort stores and plans the demo cohort unless it exists already (a restart keeps the state).
func seedCohort(ctx context.Context, db CohortStore, course *content.Course, now time.Time) (created bool, err error) {
	_, err = db.CohortByName(ctx, DemoCohortName)
	if err == nil {
		return false, nil
	}
	if content.ErrorCode(err) != content.ENOTFOUND {
		return false, fmt.Errorf("seed demo cohort: %w", err)
	}
	c, err := DemoCohort(now)
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

package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gesprekbot/gesprekbot/content"
)

// ReminderDayMessage is the channel message the day before a module: when, where and what to bring.
func ReminderDayMessage(v ModuleView) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("reminder: no module")
	}
	text := content.Fill(v.Phrases.ReminderDay, content.Vars{
		"module":   strconv.Itoa(v.Number),
		"titel":    v.Module.Title,
		"datum":    DutchDate(v.When.Start, v.Loc),
		"tijd":     DutchClock(v.When.Start, v.Loc),
		"plaats":   v.When.Location,
		"meenemen": Meenemen(v.Course, v.Number),
	})
	return checkLimits(Message{Text: firstLine(text), Blocks: sections(text)})
}

// ReminderHourMessage is the channel message an hour before a module starts: the time and the place.
func ReminderHourMessage(v ModuleView) (Message, error) {
	if v.Module == nil {
		return Message{}, fmt.Errorf("reminder: no module")
	}
	text := content.Fill(v.Phrases.ReminderHour, content.Vars{
		"module": strconv.Itoa(v.Number),
		"titel":  v.Module.Title,
		"tijd":   DutchClock(v.When.Start, v.Loc),
		"plaats": v.When.Location,
	})
	return checkLimits(Message{Text: firstLine(text), Blocks: sections(text)})
}

// Meenemen says what to bring to module n, from the content: what the participants prepared for it (its
// preparation tasks) and the homework of the module before, each title once.
func Meenemen(course *content.Course, n int) string {
	var titles []string
	seen := map[string]bool{}
	add := func(tasks []content.Task) {
		for _, t := range tasks {
			key := strings.ToLower(strings.TrimSpace(t.Title))
			if key == "" || seen[key] {
				continue
			}
			seen[key] = true
			titles = append(titles, "_"+strings.TrimSpace(t.Title)+"_")
		}
	}
	if m, ok := course.Module(n); ok {
		add(m.Voorbereiding.Tasks)
	}
	if prev, ok := course.Module(n - 1); ok {
		add(prev.Huiswerk)
	}
	if len(titles) == 0 {
		return course.Phrases.CourseMeenemenDefault
	}
	return content.Fill(course.Phrases.CourseMeenemenPrepared, content.Vars{"taken": joinDutch(titles)})
}

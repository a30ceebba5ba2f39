package handlers_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gesprekbot/gesprekbot/content"
	"github.com/gesprekbot/gesprekbot/handlers"
)

// namesCaseName finds any client name of the course's cases; "Johan" does not match inside "Johanna".
var namesCaseName = regexp.MustCompile(`\b(Richard|Johan|Johanna|Emma|Tom)\b`)

// namesCohort is a cohort working with Richard and the LVB variant lvb, modules a week apart.
func namesCohort(t *testing.T, lvb string) *content.Cohort {
	t.Helper()
	loc, err := time.LoadLocation(content.DefaultTimezone)
	if err != nil {
		t.Fatal(err)
	}
	c := &content.Cohort{ID: 7, Name: "Groningen voorjaar 2027", Channel: "C0GRONINGEN", Timezone: content.DefaultTimezone,
		Trainers: []string{"U0TRAINER1"}, Cases: []string{"richard", lvb}, Settings: content.DefaultCohortSettings()}
	for n := 1; n <= 4; n++ {
		start := time.Date(2027, 3, 1+7*(n-1), 9, 0, 0, 0, loc)
		c.Modules = append(c.Modules, content.CohortModule{Number: n, Start: start, End: start.Add(4 * time.Hour), Location: "Stadhuis"})
	}
	return c
}

// TestModuleTextsNameTheCohortsCases renders the module texts that name the cases, as participants get them, for
// cohorts with different LVB variants: each reads its own client's name and no other.
func TestModuleTextsNameTheCohortsCases(t *testing.T) {
	t.Parallel()
	course, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		test, lvb, name string
		module          int
		render          func(handlers.ModuleView) (handlers.Message, error)
		want            []string
	}{
		{"HomeworkM2Johanna", "johanna", "Johanna", 2, homework, []string{
			"Hoe ga je de volgende keer contact maken met Johanna of Richard?", "vertrouwensband met Johanna?"}},
		{"HomeworkM2Tom", "tom", "Tom", 2, homework, []string{
			"Hoe ga je de volgende keer contact maken met Tom of Richard?", "vertrouwensband met Tom?"}},
		{"HomeworkM2Emma", "emma", "Emma", 2, homework, []string{"contact maken met Emma of Richard?", "vertrouwensband met Emma?"}},
		{"HomeworkM1Tom", "tom", "Tom", 1, homework, []string{"contact maken met Tom of Richard?’"}},
	}
	for _, tt := range tests {
		t.Run(tt.test, func(t *testing.T) {
			v, err := handlers.NewModuleView(course, namesCohort(t, tt.lvb), tt.module)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := tt.render(v)
			if err != nil {
				t.Fatal(err)
			}
			text := namesBlockText(t, msg)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("module %d for %s: want %q in\n%s", tt.module, tt.lvb, w, text)
				}
			}
			for _, name := range namesCaseName.FindAllString(text, -1) {
				if name != tt.name && name != "Richard" {
					t.Errorf("module %d for %s names %s", tt.module, tt.lvb, name)
				}
			}
			if strings.Contains(text, "{casussen}") || strings.Contains(text, "{lvb}") {
				t.Errorf("module %d for %s keeps a placeholder", tt.module, tt.lvb)
			}
		})
	}
}

func homework(v handlers.ModuleView) (handlers.Message, error) {
	return handlers.HomeworkMessage(v, "U0ANNA", handlers.HomeworkState{})
}

// namesBlockText returns every text in the message's blocks, one a line, as the participant reads them.
func namesBlockText(t *testing.T, msg handlers.Message) string {
	t.Helper()
	b, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			for k, v := range n {
				if s, ok := v.(string); ok && k == "text" {
					lines = append(lines, s)
				}
				walk(v)
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(tree)
	return strings.Join(lines, "\n")
}

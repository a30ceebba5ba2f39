package bot_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/gesprekbot/gesprekbot/bot/bottest"
	"github.com/gesprekbot/gesprekbot/bot/slackfake"
	"github.com/gesprekbot/gesprekbot/content"
)

// scrape GETs /metrics from the bot's HTTP server and returns the body.
func scrape(t *testing.T, w *bottest.World) string {
	t.Helper()
	resp, err := http.Get("http://" + w.App.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	return string(body)
}

// sample returns the value of the series name with (at least) labels in a scrape, and whether it is there.
func sample(body, name string, labels map[string]string) (float64, bool) {
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		n, lbls, _ := strings.Cut(series, "{")
		if n != name {
			continue
		}
		match := true
		for k, v := range labels {
			if !strings.Contains(lbls, k+`="`+v+`"`) {
				match = false
			}
		}
		if match {
			f, err := strconv.ParseFloat(value, 64)
			return f, err == nil
		}
	}
	return 0, false
}

// TestMetrics runs a small course day in the test world — two channel posts, one of them answered 429 first, a
// DM to someone who left Slack that fails, the trainer's notice about it, a slash command, then a revoked token —
// and scrapes /metrics: each series the dashboard and alerts use is there with the value the run implies, and
// nothing in it names the participant, the channel, the cohort or the token.
func TestMetrics(t *testing.T) {
	t.Parallel()
	w := bottest.New(t, bottest.Options{})
	t0 := w.Clock.Now()
	ctx := context.Background()
	const privateName = "Annabel Privénaam-Zeldzaam"
	gone := w.AddUser(slackfake.User{Name: "weg", RealName: privateName + " (weg)", Deleted: true})
	c, trainer, anna, channel := noticeCohort(t, w, "geheim", false, func(id int64) []content.Delivery {
		dm := channelReminder(id, 4, t0)
		dm.Key, dm.RuleID, dm.Audience, dm.Recipient = dm.Key+"/"+gone, "reminder_dm", content.AudienceParticipant, gone
		return []content.Delivery{channelReminder(id, 1, t0), channelReminder(id, 2, t0), dm}
	})
	if err := w.Fake.Join(channel, gone); err != nil {
		t.Fatal(err)
	}
	// Slack's one post a second per channel, no burst: the second post of the two is answered 429 first.
	w.Fake.SetChannelRate(1, 1)
	w.Fake.FailNext("chat.postMessage", 1, slackfake.Fault500)
	w.Tick(t)
	w.Command(t, trainer, channel, "/training", "status")

	body := scrape(t, w)
	for _, tt := range []struct {
		name    string
		labels  map[string]string
		want    float64
		atLeast bool
	}{
		{"gesprekbot_deliveries_total", map[string]string{"kind": "reminder_day", "state": "sent"}, 2, false},
		{"gesprekbot_deliveries_total", map[string]string{"kind": "reminder_day", "state": "failed"}, 1, false},
		{"gesprekbot_deliveries_total", map[string]string{"kind": "trainer_notice", "state": "sent"}, 1, false},
		{"gesprekbot_dispatch_lag_seconds_count", nil, 3, false},
		{"gesprekbot_slack_calls_total", map[string]string{"method": "chat.postMessage", "outcome": "5xx"}, 1, false},
		{"gesprekbot_slack_calls_total", map[string]string{"method": "chat.postMessage", "outcome": "429"}, 1, true},
		{"gesprekbot_slack_calls_total", map[string]string{"method": "chat.postMessage", "outcome": "ok"}, 3, true},
		{"gesprekbot_slack_calls_total", map[string]string{"outcome": "permanent_error"}, 1, false},
		{"gesprekbot_slack_retries_total", map[string]string{"method": "chat.postMessage", "outcome": "5xx"}, 1, false},
		{"gesprekbot_slack_retries_total", map[string]string{"method": "chat.postMessage", "outcome": "429"}, 1, true},
		{"gesprekbot_inbound_ack_seconds_count", map[string]string{"kind": "command"}, 1, false},
		{"gesprekbot_dispatch_paused", nil, 0, false},
		{"gesprekbot_dispatch_paused_reason", map[string]string{"reason": "token_revoked"}, 0, false},
		{"go_sql_max_open_connections", map[string]string{"db_name": "gesprekbot"}, 0, true},
		{"go_goroutines", nil, 1, true},
		{"process_resident_memory_bytes", nil, 1, true},
	} {
		got, ok := sample(body, tt.name, tt.labels)
		switch {
		case !ok:
			t.Errorf("no series %s%v in /metrics", tt.name, tt.labels)
		case tt.atLeast && got < tt.want:
			t.Errorf("%s%v = %v, want at least %v", tt.name, tt.labels, got, tt.want)
		case !tt.atLeast && got != tt.want:
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}

	// Slack refuses the token: sending pauses, and the gauges say so and why.
	w.Fake.RevokeBotToken("token_revoked")
	w.Clock.Set(t0.Add(2 * time.Hour))
	if _, err := w.DB.ReplacePlan(ctx, c.ID, []content.Delivery{channelReminder(c.ID, 3, w.Clock.Now())}); err != nil {
		t.Fatal(err)
	}
	w.Tick(t)
	paused := scrape(t, w)
	if v, ok := sample(paused, "gesprekbot_dispatch_paused", nil); !ok || v != 1 {
		t.Errorf("gesprekbot_dispatch_paused = %v (%v) while the token is revoked, want 1", v, ok)
	}
	if v, ok := sample(paused, "gesprekbot_dispatch_paused_reason", map[string]string{"reason": "token_revoked"}); !ok || v != 1 {
		t.Errorf("gesprekbot_dispatch_paused_reason{reason=token_revoked} = %v (%v), want 1", v, ok)
	}

	for _, secret := range []string{privateName, "Anna de Vries", "Tineke", c.Name, "geheim", channel, anna, trainer, gone,
		w.Fake.BotToken(), w.Fake.AppToken(), w.Fake.IMWith(trainer), "xoxb-", "xapp-"} {
		for what, b := range map[string]string{"while sending": body, "while paused": paused} {
			if strings.Contains(b, secret) {
				t.Errorf("/metrics %s shows %q", what, secret)
			}
		}
	}

	t.Run("DashboardAndAlerts", func(t *testing.T) { checkDeployFiles(t, body) })
}

// promName finds the names of series in PromQL (the bot's, the database pool's, Go's and the process's).
var promName = regexp.MustCompile(`\b(?:gesprekbot|go_sql|go|process)_[a-z0-9_]+`)

// checkDeployFiles parses the Grafana dashboard and the Prometheus alert rules in deploy/ and checks that every
// series their PromQL names is one the bot serves (body is a scrape after a run), so that neither can drift from
// the code. A histogram's _bucket, _sum and _count are its own name's.
func checkDeployFiles(t *testing.T, body string) {
	served := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, kind, _ := strings.Cut(rest, " ")
			served[name] = true
			if kind == "histogram" || kind == "summary" {
				for _, s := range []string{"_bucket", "_sum", "_count"} {
					served[name+s] = true
				}
			}
		}
	}
	check := func(file, expr string) {
		t.Helper()
		if strings.TrimSpace(expr) == "" {
			t.Errorf("%s: an empty expression", file)
		}
		for _, name := range promName.FindAllString(expr, -1) {
			if !served[name] {
				t.Errorf("%s uses %s, which the bot does not serve: %s", file, name, expr)
			}
		}
	}

	raw, err := os.ReadFile("../deploy/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Inputs []struct {
			Name, Type, PluginID string
		} `json:"__inputs"`
		Title  string `json:"title"`
		UID    string `json:"uid"`
		Panels []struct {
			Title   string `json:"title"`
			Type    string `json:"type"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("grafana-dashboard.json is not valid JSON: %v", err)
	}
	if len(dash.Inputs) == 0 || dash.Inputs[0].Type != "datasource" || dash.Inputs[0].PluginID != "prometheus" {
		t.Errorf("the dashboard has no Prometheus datasource input for Grafana's import: %+v", dash.Inputs)
	}
	used := map[string]bool{}
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("dashboard panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			check("grafana-dashboard.json panel "+strconv.Quote(p.Title), tg.Expr)
			for _, n := range promName.FindAllString(tg.Expr, -1) {
				used[n] = true
			}
		}
	}
	// Every series of the bot's own has a panel.
	for name := range served {
		if strings.HasPrefix(name, "gesprekbot_") && !strings.HasSuffix(name, "_sum") && !strings.HasSuffix(name, "_count") &&
			!used[name] && !used[name+"_bucket"] && !used[name+"_count"] && !used[strings.TrimSuffix(name, "_bucket")] {
			t.Errorf("the dashboard shows nothing of %s", name)
		}
	}

	raw, err = os.ReadFile("../deploy/prometheus-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatalf("prometheus-alerts.yml is not valid YAML: %v", err)
	}
	alerts := map[string]bool{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts[r.Alert] = true
			check("prometheus-alerts.yml alert "+r.Alert, r.Expr)
			if r.Annotations["summary"] == "" {
				t.Errorf("alert %s has no summary", r.Alert)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("alert %s: for %q: %v", r.Alert, r.For, err)
				}
			}
		}
	}
	// Prometheus's own check of the rules' PromQL, where it is installed (Debian's prometheus package has it).
	if promtool, err := exec.LookPath("promtool"); err == nil {
		if out, err := exec.Command(promtool, "check", "rules", "../deploy/prometheus-alerts.yml").CombinedOutput(); err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed: the rules' PromQL is checked only for the series it names")
	}
	for _, want := range []string{"GesprekbotDown", "GesprekbotDispatchPaused", "GesprekbotDeliveriesFailed",
		"GesprekbotDeliveriesMissed", "GesprekbotDispatchLagHigh"} {
		if !alerts[want] {
			t.Errorf("prometheus-alerts.yml has no alert %s", want)
		}
	}
}

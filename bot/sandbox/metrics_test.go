package sandbox_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gesprekbot/gesprekbot/bot/sandbox"
)

// TestMetricsBesideTheSandbox scrapes /metrics in sandbox mode without the sandbox's token, as Prometheus would: it
// is served (the token guards the page and its API, not the metrics), and it names none of the demo workspace's
// people, its channel or cohort, nor the sandbox's or the fake's tokens — while the page itself still needs the token.
func TestMetricsBesideTheSandbox(t *testing.T) {
	db := testDB(t)
	e := newEnv(t, db)
	resp, err := http.Get(e.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "gesprekbot_dispatch_paused 0") {
		t.Fatalf("GET /metrics without the sandbox token: %s\n%.300s", resp.Status, body)
	}
	secrets := []string{"Marieke de Vries", "Sanne Jansen", "U0DEMOSANNE", "D0DEMOSANNE", sandbox.DemoChannelID,
		sandbox.DemoChannelName, sandbox.DemoCohortName, e.fake.BotToken(), e.fake.AppToken()}
	if _, tok, ok := strings.Cut(e.app.SandboxURL(), "token="); ok {
		secrets = append(secrets, tok)
	}
	for _, s := range secrets {
		if strings.Contains(string(body), s) {
			t.Errorf("/metrics shows %q", s)
		}
	}
	page, err := http.Get(e.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode == http.StatusOK {
		t.Errorf("the sandbox page answered %s without its token", page.Status)
	}
}
